"""Each edition lists the stories in its own language; topic, country,
agreement and author pages and the front page then show the other
edition's latest in a labelled block (issue "Spanish first", point 3)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from newsroom.editorial import services, translations
from newsroom.site.views import OTHER_EDITION_CARDS
from tests.factories import AgreementFactory, ArticleAgreementFactory, ArticleFactory, AuthorFactory, editor

pytestmark = pytest.mark.django_db


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def own_list(html: str) -> str:
    """The page without its other-edition blocks."""
    return re.sub(r'<section class="other-edition".*?</section>', "", html, flags=re.S)


def other_block(html: str) -> str:
    found = re.search(r'<section class="other-edition".*?</section>', html, flags=re.S)
    return found.group(0) if found else ""


def stories(**links):
    """One public story in each language carrying ``links`` (factory kwargs)."""
    spanish = ArticleFactory(public=True, language="es", headline="Historia en español", **links)
    english = ArticleFactory(public=True, language="en", headline="Story in English", **links)
    return spanish, english


PAGES = {
    "topic": ({"topics": ["petróleo"]}, "/topics/petroleo/"),
    "country": ({"country_codes": ["VE"]}, "/countries/venezuela/"),
}


@pytest.mark.parametrize("kind", PAGES)
def test_each_edition_lists_its_language_and_labels_the_other(client, kind):
    links, path = PAGES[kind]
    stories(**links)
    spanish_page = page(client, path)
    assert "Historia en español" in own_list(spanish_page)
    assert "Story in English" not in own_list(spanish_page)
    block = other_block(spanish_page)
    assert "Noticias en inglés" in block and "Story in English" in block
    assert 'lang="en"' in block  # the card says its language on a Spanish page

    english_page = page(client, "/en" + path)
    assert "Story in English" in own_list(english_page)
    assert "Historia en español" not in own_list(english_page)
    block = other_block(english_page)
    assert "Stories in Spanish" in block and "Historia en español" in block


def test_agreement_and_author_pages_split_by_language_too(client):
    agreement = AgreementFactory(title="Acuerdo de prueba")
    author = AuthorFactory(name="Ana Pérez", slug="ana-perez")
    spanish, english = stories(authors=[author])
    for article in (spanish, english):
        ArticleAgreementFactory(article=article, agreement=agreement)
    for path in (agreement.get_absolute_url(), "/authors/ana-perez/"):
        spanish_page = page(client, path)
        assert "Historia en español" in own_list(spanish_page), path
        assert "Story in English" in other_block(spanish_page), path
        english_page = page(client, "/en" + path)
        assert "Story in English" in own_list(english_page), path
        assert "Historia en español" in other_block(english_page), path


def test_the_front_page_leads_with_its_own_language(client):
    now = timezone.now()
    ArticleFactory(public=True, language="en", headline="Newest, in English", published_at=now)
    ArticleFactory(public=True, language="es", headline="Anterior, en español", published_at=now - timedelta(hours=2))
    spanish_home = page(client, "/")
    assert re.search(r'class="lead-story" lang="es".*?Anterior, en español', spanish_home, flags=re.S)
    assert "Newest, in English" in other_block(spanish_home)
    english_home = page(client, "/en/")
    assert re.search(r'class="lead-story" lang="en".*?Newest, in English', english_home, flags=re.S)


def test_a_list_with_stories_in_the_other_language_only_is_a_page_that_says_so(client):
    ArticleFactory(public=True, language="es", headline="Solo en español", topics=["zafra"])
    english_page = page(client, "/en/topics/zafra/")
    assert "No stories in this edition yet." in english_page
    assert "Solo en español" in other_block(english_page)
    # A topic whose only stories are unpublished stays unknown in both editions.
    ArticleFactory(language="es", headline="Borrador", topics=["embargo secreto"])
    assert client.get("/topics/embargo-secreto/").status_code == 404
    assert client.get("/en/topics/embargo-secreto/").status_code == 404


def test_the_block_shows_the_latest_few_links_to_the_rest_and_only_on_the_first_page(client):
    now = timezone.now()
    for i in range(OTHER_EDITION_CARDS + 1):
        ArticleFactory(
            public=True,
            language="en",
            headline=f"English {i:02d}",
            topics=["azúcar"],
            published_at=now - timedelta(hours=i),
        )
    for i in range(21):
        ArticleFactory(
            public=True,
            language="es",
            headline=f"Español {i:02d}",
            topics=["azúcar"],
            published_at=now - timedelta(hours=i),
        )
    first = page(client, "/topics/azucar/")
    block = other_block(first)
    assert all(f"English {i:02d}" in block for i in range(OTHER_EDITION_CARDS))
    assert f"English {OTHER_EDITION_CARDS:02d}" not in block
    assert 'href="/en/topics/azucar/" hreflang="en"' in block
    assert "Más noticias en inglés" in block
    second = page(client, "/topics/azucar/?page=2")
    assert "Español 20" in second and not other_block(second)


def test_a_hidden_story_never_reaches_the_other_block(client):
    ArticleFactory(public=True, language="es", headline="Pública", topics=["níquel"])
    ArticleFactory(language="en", headline="English draft", topics=["níquel"])
    ArticleFactory(scheduled=True, language="en", headline="English embargo", topics=["níquel"])
    html = page(client, "/topics/niquel/")
    assert "English draft" not in html and "English embargo" not in html
    assert not other_block(html)


def test_changing_a_storys_language_moves_it_to_the_other_editions_list(client):
    ArticleFactory(public=True, language="es", headline="Sigue aquí", topics=["tabaco"])
    story = ArticleFactory(public=True, language="en", headline="Moving story", topics=["tabaco"])
    assert "Moving story" not in own_list(page(client, "/topics/tabaco/"))
    story.language = "es"
    story.save(update_fields=["language"])
    assert "Moving story" in own_list(page(client, "/topics/tabaco/"))
    services.unpublish(article=story, user=editor())
    assert "Moving story" not in page(client, "/topics/tabaco/")


def test_a_story_whose_translation_the_edition_lists_is_not_listed_again(client):
    spanish, english = stories(topics=["ron"])
    alone = ArticleFactory(public=True, language="en", headline="English only", topics=["ron"])
    translations.link(article=spanish, translation=english, user=editor())
    block = other_block(page(client, "/topics/ron/"))
    assert "English only" in block and "Story in English" not in block
    assert "Historia en español" not in other_block(page(client, "/en/topics/ron/"))
    # Once the Spanish one is no longer public, the English one is listed
    # for Spanish readers again.
    services.unpublish(article=spanish, user=editor())
    block = other_block(page(client, "/topics/ron/"))
    assert "Story in English" in block and alone.headline in block


def test_translated_stories_leave_the_block_and_older_ones_take_their_place_on_every_list(client):
    """The newest English stories are translations of public Spanish ones:
    the Spanish pages list those already, so each block shows the next
    untranslated stories instead, still four of them with a link to more."""
    now = timezone.now()
    agreement = AgreementFactory(title="Acuerdo de prueba")
    author = AuthorFactory(name="Ana Pérez", slug="ana-perez")
    links = {"topics": ["petróleo"], "country_codes": ["VE"], "authors": [author]}

    def story(language, headline, hours):
        found = ArticleFactory(
            public=True, language=language, headline=headline, published_at=now - timedelta(hours=hours), **links
        )
        ArticleAgreementFactory(article=found, agreement=agreement)
        return found

    for i in range(3):
        translations.link(
            article=story("es", f"Original {i}", i), translation=story("en", f"Translated {i}", i), user=editor()
        )
    for i in range(OTHER_EDITION_CARDS + 1):
        story("en", f"Untranslated {i}", 10 + i)
    for path in (
        "/",
        "/topics/petroleo/",
        "/countries/venezuela/",
        agreement.get_absolute_url(),
        "/authors/ana-perez/",
    ):
        html = page(client, path)
        block = other_block(html)
        assert "Translated" not in block, path
        assert [f"Untranslated {i}" in block for i in range(OTHER_EDITION_CARDS + 1)] == [True] * 4 + [False], path
        assert "Más noticias en inglés" in block, path
        assert "Original 0" in own_list(html), path
