"""Topic, country and agreement pages read their ids from copies of each
article's status, time and language on the link rows (newsroom.stored.listings): they follow every
change, page in date order, and never show a hidden story even when a copy
is wrong."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alliances.models import ArticleAgreement
from newsroom.editorial import history, restore, services
from newsroom.models import TaggedCountry, TaggedTopic
from tests.factories import AgreementFactory, ArticleFactory, editor
from tests.test_edition_lists import own_list

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


def test_agreement_pages_follow_linking_publishing_language_and_unpublishing(client):
    """Agreement links carry the same copies: a link made in the admin's
    way (a row saved), publishing, a change of language and unpublishing
    each move the story on the agreement's page at once."""
    agreement = AgreementFactory(title="Acuerdo del níquel")
    url = agreement.get_absolute_url()
    keeper = ArticleFactory(public=True, language="es", headline="Abre la página")
    ArticleAgreement.objects.create(article=keeper, agreement=agreement)
    draft = ArticleFactory(language="es", headline="Borrador enlazado")
    ArticleAgreement.objects.create(article=draft, agreement=agreement, relation="mentions")
    assert "Borrador enlazado" not in page(client, url)
    services.publish(article=draft, user=editor())
    assert "Borrador enlazado" in own_list(page(client, url))
    draft.language = "en"
    draft.save(update_fields=["language"])
    assert "Borrador enlazado" not in own_list(page(client, url))
    assert "Borrador enlazado" in own_list(page(client, "/en" + url))
    services.unpublish(article=draft, user=editor())
    assert "Borrador enlazado" not in page(client, url) and "Borrador enlazado" not in page(client, "/en" + url)
    # Linked through the article's related manager (a bulk insert): listed too.
    later = ArticleFactory(public=True, language="es", headline="Enlazada después")
    later.agreements.add(agreement, through_defaults={"relation": "about"})
    assert "Enlazada después" in own_list(page(client, url))


def test_a_wrong_agreement_link_copy_never_shows_a_hidden_story(client):
    agreement = AgreementFactory(title="Acuerdo secreto")
    ArticleAgreement.objects.create(article=ArticleFactory(public=True, language="es"), agreement=agreement)
    draft = ArticleFactory(language="es", headline="Borrador secreto")
    ArticleAgreement.objects.create(article=draft, agreement=agreement)
    ArticleAgreement.objects.filter(article=draft).update(
        article_status="published", article_published_at=timezone.now() - timedelta(days=1)
    )
    assert "Borrador secreto" not in page(client, agreement.get_absolute_url())
