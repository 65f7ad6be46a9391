"""A story that is not public (draft, in review, archived, or scheduled for
later) appears nowhere on the reader site: not as a card, a link, a count, a
related article, in the header or in structured data."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests import factories
from tests.factories import (
    AgreementFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    AuthorFactory,
    country,
    non_public_states,
)

pytestmark = pytest.mark.django_db

HIDDEN_STATES = non_public_states()


@pytest.fixture(params=list(HIDDEN_STATES))
def world(request):
    """A public story and, sharing everything with it, a hidden one: same
    author, topic, country and agreement, plus a topic and a country of its
    own that no public story has."""
    author = AuthorFactory(name="Desk")
    agreement = AgreementFactory(title="Shared agreement", party_codes=["CU", "RU"])
    public = ArticleFactory(
        public=True, headline="Visible story", authors=[author], topics=["shared topic"], country_codes=["CU"]
    )
    ArticleAgreementFactory(article=public, agreement=agreement)
    state = dict(HIDDEN_STATES[request.param])
    if state.get("status") == "archived":
        state["published_at"] = timezone.now() - timedelta(days=2)
    hidden = ArticleFactory(
        headline="Secret story",
        authors=[author],
        topics=["shared topic", "secret topic"],
        country_codes=["CU", "BT"],
        **state,
    )
    ArticleAgreementFactory(article=hidden, agreement=agreement, relation="mentions")
    return {"public": public, "hidden": hidden, "author": author, "agreement": agreement, "state": request.param}


def public_urls(world) -> list[str]:
    """Every page that could show the hidden story, in both editions."""
    paths = [
        "/",
        "/topics/",
        "/topics/shared-topic/",
        "/countries/",
        "/countries/cuba/",
        "/agreements/",
        world["agreement"].get_absolute_url(),
        world["author"].get_absolute_url(),
    ]
    return [world["public"].get_absolute_url(), *paths, *("/en" + path for path in paths)]


def test_hidden_story_is_on_no_page(client, world):
    hidden = world["hidden"]
    for url in public_urls(world):
        page = client.get(url).content.decode()
        assert "Secret story" not in page, (world["state"], url)
        assert hidden.slug not in page, (world["state"], url)


def test_hidden_story_page_is_404(client, world):
    assert client.get(world["hidden"].get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("prefix", "one_story", "no_stories"),
    [("", "1 noticia", "Todavía no hay noticias publicadas"), ("/en", "1 story", "No published stories")],
)
def test_hidden_story_adds_nothing_to_counts_or_navigation(client, world, prefix, one_story, no_stories):
    bhutan_name = "Bhutan" if prefix == "/en" else country("BT").name_es
    assert bhutan_name
    # Topics show their reader names: as typed, capitalised, in the language
    # of the (English) story they were typed on; the Spanish edition shows
    # that name marked as English.
    mark = ' lang="en"' if prefix == "" else ""
    topics = client.get(f"{prefix}/topics/").content.decode()
    assert "secret topic" not in topics.lower()
    assert re.search(
        rf'href="{prefix}/topics/shared-topic/"{mark}>Shared topic</a> <span class="count">{one_story}</span>', topics
    )

    countries = client.get(f"{prefix}/countries/").content.decode()
    assert bhutan_name not in countries
    assert re.search(rf'href="{prefix}/countries/cuba/">Cuba</a> <span class="count">{one_story}</span>', countries)

    home = client.get(f"{prefix}/").content.decode()
    assert "secret topic" not in home.lower() and bhutan_name not in home
    assert re.search(rf'href="{prefix}/topics/shared-topic/"{mark}>Shared topic</a> <span class="count">1</span>', home)

    # A topic that only hidden stories carry is unknown to readers: its name
    # alone could give the story away.
    assert client.get(f"{prefix}/topics/secret-topic/").status_code == 404
    bhutan = client.get(f"{prefix}/countries/bhutan/").content.decode()
    assert "Secret story" not in bhutan
    assert no_stories in bhutan


def test_hidden_story_is_never_related(client, world):
    page = client.get(world["public"].get_absolute_url()).content.decode()
    assert "Secret story" not in page
    assert 'id="related-heading"' not in page  # the only other story is hidden


def test_hidden_story_is_not_in_structured_data(client, world):
    page = client.get(world["public"].get_absolute_url()).content.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert "Secret story" not in json.dumps(data)
    assert "Bhutan" not in json.dumps(data)


def test_scheduled_story_shows_up_everywhere_once_its_time_comes(client, monkeypatch):
    story = ArticleFactory(scheduled=True, headline="Tomorrow's news", topics=["later"], country_codes=["BT"])
    assert "Tomorrow" not in client.get("/").content.decode()
    later = story.published_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    from django.core.cache import cache

    cache.clear()  # counts are cached for a minute; this test moves the clock by a day
    assert "Tomorrow" in client.get("/").content.decode()
    assert "Bhutan" in client.get("/en/countries/").content.decode()
    assert country("BT").name_es in client.get("/countries/").content.decode()
    assert "Tomorrow" in client.get("/topics/later/").content.decode()


def test_agreement_and_country_pages_do_not_list_hidden_coverage(client):
    agreement = AgreementFactory(party_codes=["IR", "CU"])
    hidden = ArticleFactory(status="draft", headline="Draft on the deal", country_codes=["IR"])
    ArticleAgreementFactory(article=hidden, agreement=agreement)
    assert "Draft on the deal" not in client.get(agreement.get_absolute_url()).content.decode()
    assert "Draft on the deal" not in client.get(country("IR").get_absolute_url()).content.decode()
    # The agreement itself is a public record and still lists on the country page.
    assert agreement.title in client.get(country("IR").get_absolute_url()).content.decode()


def test_launch_story_world_hides_its_draft(client):
    records = factories.launch_story()
    draft = ArticleFactory(status="draft", headline="Unpublished analysis", country_codes=["IR"])
    ArticleAgreementFactory(article=draft, agreement=records["treaty"])
    for url in ("/", "/countries/iran/", records["treaty"].get_absolute_url(), records["story"].get_absolute_url()):
        assert "Unpublished analysis" not in client.get(url).content.decode(), url
