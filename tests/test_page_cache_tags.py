"""The page cache under a live newsroom: a change makes stale only the pages
that show what changed, never serves or stores a page from before a change
a request could see, and tells a CDN what each page shows."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from newsroom.editorial import services
from newsroom.pagecache import pages as page_cache
from newsroom.stored.refresh import rows_rewritten
from tests.factories import AgreementFactory, ArticleFactory, editor

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

cached = override_settings(PAGE_CACHE_ENABLED=True)


def cache_state(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response["X-Page-Cache"]


@cached
def test_publishing_a_story_leaves_unrelated_pages_cached(client):
    cuba = ArticleFactory(public=True, topics=["economy"], country_codes=["CU"], headline="Havana story")
    iran = ArticleFactory(public=True, topics=["nuclear talks"], country_codes=["IR"], headline="Tehran story")
    pact = AgreementFactory(title="Iran-Russia treaty", party_codes=["IR", "RU"])
    iran.agreements.add(pact)
    urls = ["/", cuba.get_absolute_url(), iran.get_absolute_url(), "/topics/economy/", "/topics/nuclear-talks/",
            "/countries/iran/", pact.get_absolute_url()]  # fmt: skip
    for url in urls:
        cache_state(client, url)
    assert {url: cache_state(client, url) for url in urls} == dict.fromkeys(urls, "hit")

    draft = ArticleFactory(topics=["economy"], country_codes=["CU"], headline="Second Havana story")
    services.publish(article=draft, user=editor())

    after = {url: cache_state(client, url) for url in urls}
    # What lists the new story is fresh...
    assert after["/"] == "miss"
    assert after["/topics/economy/"] == "miss"
    assert "Second Havana story" in client.get("/topics/economy/").content.decode()
    # ...and the Iran pages, the other story and the agreement stay cached.
    for url in (iran.get_absolute_url(), "/topics/nuclear-talks/", "/countries/iran/", pact.get_absolute_url()):
        assert after[url] == "hit", url
    # The older Havana story's related box takes in the new one (ranked after
    # the commit, which marks that story's page too).
    assert after[cuba.get_absolute_url()] == "miss"
    assert "Second Havana story" in client.get(cuba.get_absolute_url()).content.decode()


@cached
def test_editing_a_story_refreshes_every_page_that_shows_its_card(client):
    story = ArticleFactory(public=True, topics=["economy"], headline="First wording")
    other = ArticleFactory(public=True, topics=["weather"])
    # An English story: the English edition's feed carries it.
    for url in ("/topics/economy/", "/", "/en/feed/", other.get_absolute_url()):
        client.get(url)
    story.headline = "Second wording"
    story.save()
    for url in ("/topics/economy/", "/", "/en/feed/"):
        response = client.get(url)
        assert "Second wording" in response.content.decode(), url
        assert response["X-Page-Cache"] == "miss"
    assert cache_state(client, other.get_absolute_url()) == "hit"


@cached
def test_unpublishing_is_never_served_from_the_cache_anywhere_it_showed(client):
    story = ArticleFactory(public=True, topics=["economy"], country_codes=["CU"], headline="Pulled later")
    # An English story: the English edition's feeds carry it.
    urls = ["/", "/topics/economy/", "/countries/cuba/", "/en/feed/", "/en/topics/economy/feed/"]
    for url in urls:
        assert "Pulled later" in client.get(url).content.decode()
    services.unpublish(article=story, user=editor())
    for url in urls:
        response = client.get(url)
        assert "Pulled later" not in response.content.decode(), url
    assert client.get(story.get_absolute_url()).status_code == 404


@cached
def test_a_page_rendered_inside_an_open_change_is_neither_served_nor_stored(client):
    story = ArticleFactory(public=True, headline="Before the change")
    url = story.get_absolute_url()
    client.get(url)
    assert cache_state(client, url) == "hit"
    with pytest.raises(RuntimeError), transaction.atomic():
        story.headline = "Inside the change"
        story.save()
        # The test client shares the transaction: it sees the uncommitted
        # text, which must go nowhere near the cache.
        inside = client.get(url)
        assert "X-Page-Cache" not in inside  # neither a hit nor a stored miss
        assert "Inside the change" in inside.content.decode()
        raise RuntimeError("roll back")
    after = client.get(url)
    assert "Before the change" in after.content.decode()
    assert "Inside the change" not in after.content.decode()


@cached
def test_a_page_whose_tags_changed_while_it_rendered_is_not_stored(client, monkeypatch):
    ArticleFactory(public=True, headline="Racing story")
    from newsroom.site import selectors

    real = selectors.latest_articles

    def render_during_a_commit(*args):
        found = real(*args)
        page_cache.invalidate({"latest"})  # another worker's commit, mid-render
        return found

    monkeypatch.setattr(selectors, "latest_articles", render_during_a_commit)
    assert "X-Page-Cache" not in client.get("/")  # rendered, not stored
    monkeypatch.setattr(selectors, "latest_articles", real)
    assert client.get("/")["X-Page-Cache"] == "miss"  # the racing render was not stored
    assert client.get("/")["X-Page-Cache"] == "hit"


@cached
def test_rewritten_stored_copies_refresh_the_pages_that_show_them(client):
    story = ArticleFactory(public=True)
    url = story.get_absolute_url()
    client.get(url)
    assert cache_state(client, url) == "hit"
    rows_rewritten("newsroom.article", [story.pk])
    assert cache_state(client, url) == "miss"


@cached
def test_pages_name_what_they_show_for_a_cdn(client):
    story = ArticleFactory(public=True, topics=["economy"])
    pact = AgreementFactory(party_codes=["CU", "RU"])
    story.agreements.add(pact)
    article = client.get(story.get_absolute_url())
    keys = set(article["Surrogate-Key"].split())
    assert {f"article-{story.pk}", f"agreement-{pact.pk}", "all", "nav"} <= keys
    assert set(article["Cache-Tag"].split(",")) == keys
    topic = client.get("/topics/economy/")
    # A list names its record, not each card (a save of a story marks its lists).
    assert {f"topic-{story.tags.get().pk}", "all", "nav"} == set(topic["Surrogate-Key"].split())
    # A page that does not say what it shows depends on every change.
    assert "any" in client.get("/topics/")["Surrogate-Key"].split()
    # Pages a shared cache must not keep say nothing.
    client.force_login(editor())
    assert "Surrogate-Key" not in client.get(story.get_absolute_url())


@cached
def test_a_scheduled_story_cuts_short_only_the_pages_it_will_appear_on(client):
    ArticleFactory(public=True, topics=["weather"])
    ArticleFactory(
        status="published", published_at=timezone.now() + timedelta(seconds=90), topics=["economy"], headline="Due"
    )
    home = {"latest", "all", "nav"}
    weather_only = {"topic-999999", "all", "nav"}
    assert 85 <= page_cache.lifetime(home) <= 90
    assert page_cache.lifetime(weather_only) == 300


@cached
def test_marks_lost_while_the_cache_was_down_are_made_up(client, monkeypatch):
    story = ArticleFactory(public=True, headline="Old words")
    url = story.get_absolute_url()
    client.get(url)
    monkeypatch.setattr(page_cache, "_tick", lambda: page_cache.FAILED)
    story.headline = "New words"
    story.save()
    monkeypatch.undo()
    assert "New words" in client.get(url).content.decode()


@cached
def test_a_hit_reads_the_page_and_its_tags_in_one_round_trip(client, monkeypatch):
    story = ArticleFactory(public=True, topics=["economy"])
    url = story.get_absolute_url()
    client.get(url)  # stored: this process now knows the page's tags
    real = page_cache.store()
    calls = []

    class Counted:
        def __getattr__(self, name):
            method = getattr(real, name)
            return lambda *args, **kwargs: calls.append((name, args)) or method(*args, **kwargs)

    monkeypatch.setattr(page_cache, "store", Counted)
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert [name for name, _ in calls] == ["get_many"]
    assert f"pt:article-{story.pk}" in calls[0][1][0]


@cached
def test_a_renamed_topic_reaches_the_pages_that_print_it_and_no_others(client):
    story = ArticleFactory(public=True, topics=["oil"], headline="Story on oil")
    other = ArticleFactory(public=True, topics=["weather"])
    for url in (story.get_absolute_url(), other.get_absolute_url(), "/topics/oil/"):
        client.get(url)
    topic = story.tags.get()
    services.rename_topic(topic=topic, name="Crude oil", user=editor())
    assert "Crude oil" in client.get(story.get_absolute_url()).content.decode()
    assert cache_state(client, other.get_absolute_url()) == "hit"
