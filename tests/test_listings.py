"""Topic and country pages read their ids from copies of each article's
status and time on the link rows (newsroom.stored.listings): they follow every
change, page in date order, and never show a hidden story even when a copy
is wrong."""

from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.editorial import history, restore, services
from newsroom.models import TaggedCountry, TaggedTopic
from tests.factories import ArticleFactory, editor

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_topic_added_to_a_public_story_lists_it_at_once(client):
    ArticleFactory(public=True, headline="Already there", topics=["oil"])
    story = ArticleFactory(public=True, headline="Latest story")
    story.tags.add("oil")
    story.countries.add("VE")
    assert "Latest story" in page(client, "/topics/oil/")
    assert "Latest story" in page(client, "/countries/venezuela/")


def test_publishing_and_unpublishing_move_the_story_on_its_topic_and_country_pages(client):
    ArticleFactory(public=True, headline="Keeps the page open", topics=["oil"], country_codes=["VE"])
    draft = ArticleFactory(headline="Draft story", topics=["oil"], country_codes=["VE"])
    assert "Draft story" not in page(client, "/topics/oil/")
    services.publish(article=draft, user=editor())
    assert "Draft story" in page(client, "/topics/oil/")
    assert "Draft story" in page(client, "/countries/venezuela/")
    services.unpublish(article=draft, user=editor())
    assert "Draft story" not in page(client, "/topics/oil/")
    assert "Draft story" not in page(client, "/countries/venezuela/")


def test_pages_follow_each_other_newest_first_without_gaps_or_repeats(client):
    now = timezone.now()
    for i in range(25):
        ArticleFactory(public=True, headline=f"Story {i:02d}", topics=["oil"], published_at=now - timedelta(hours=i))
    # The factory's stories are in English: their list is the English edition's.
    first, second = page(client, "/en/topics/oil/"), page(client, "/en/topics/oil/?page=2")
    shown = [f"Story {i:02d}" for i in range(25)]
    assert all(title in first for title in shown[:20]) and not any(title in first for title in shown[20:])
    assert all(title in second for title in shown[20:]) and not any(title in second for title in shown[:20])
    assert first.index("Story 00") < first.index("Story 19")
    assert client.get("/en/topics/oil/?page=3").status_code == 404


def test_a_wrong_copy_never_shows_a_hidden_story(client):
    ArticleFactory(public=True, headline="Public story", topics=["oil"])
    draft = ArticleFactory(headline="Secret draft", topics=["oil"], country_codes=["VE"])
    # As if a copy had gone stale: the links claim the draft is public.
    for model in (TaggedTopic, TaggedCountry):
        model.objects.filter(content_object=draft).update(
            article_status="published", article_published_at=timezone.now() - timedelta(days=1)
        )
    assert "Secret draft" not in page(client, "/topics/oil/")
    assert client.get("/countries/venezuela/").status_code == 200
    assert "Secret draft" not in page(client, "/countries/venezuela/")


def test_restoring_a_version_restores_the_listing(client):
    story = ArticleFactory(public=True, headline="Restored story", topics=["oil"])
    ArticleFactory(public=True, headline="Other oil story", topics=["oil"])
    user = editor()
    history.record_version(story, user=user, comment="with oil")
    story.tags.set(["sugar"])
    assert "Restored story" not in page(client, "/topics/oil/")
    restore.restore_version(version=history.versions_of(story).last(), user=user)
    assert "Restored story" in page(client, "/topics/oil/")


def test_older_pages_of_a_country_link_back_to_its_agreements(client):
    from tests.factories import AgreementFactory

    AgreementFactory(title="Havana-Hanoi rice deal", party_codes=["CU", "VN"])
    for i in range(21):
        ArticleFactory(public=True, headline=f"Cuba story {i}", country_codes=["CU"])
    first, second = page(client, "/en/countries/cuba/"), page(client, "/en/countries/cuba/?page=2")
    assert "Havana-Hanoi rice deal" in first
    assert "Havana-Hanoi rice deal" not in second
    assert 'href="/en/countries/cuba/">Agreements and partner countries of Cuba</a>' in second


def test_cards_and_the_article_page_print_the_same_kicker_the_first_topic_given(client):
    story = ArticleFactory(public=True, headline="Metals story", topics=["zinc", "aluminium"])
    # An English story: its edition's pages link the English topic page. The
    # topic's reader name is the typed name, capitalised, in English (the
    # language of the story it was typed on).
    kicker = '<p class="kicker"><a href="/en/topics/zinc/">Zinc</a></p>'
    assert kicker in page(client, "/en/topics/aluminium/")
    assert kicker in page(client, "/en/")
    assert kicker in page(client, story.get_absolute_url())
    # Its cards in the Spanish edition name the same topic, at its Spanish
    # address, inside the card that says it is English.
    kicker = '<p class="kicker"><a href="/topics/zinc/">Zinc</a></p>'
    assert kicker in page(client, "/topics/aluminium/")
    assert kicker in page(client, "/")
