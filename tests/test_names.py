"""Names in the page's language (issue 20, point 2).

Topics, sectors and agreements have a Spanish and an English form (either
may be empty but an agreement's Spanish title); each edition prints its own,
and where it has none, the other one marked with its ``lang``. A topic's
reader name keeps its capitals while its folded key still merges spellings.
Countries print their Spanish names on Spanish pages and list in the order
of the names shown; kinds, statuses and roles are translated. Stored copies
keep both forms, so renaming either reaches every page that prints it."""

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from alliances import agreement_page, overview
from alliances.models import Agreement, AgreementParty, Country, CountryOverview, Sector
from newsroom.core.editions import InLanguage
from newsroom.core.text import name_sort_key
from newsroom.models import Article, Kicker, Topic
from newsroom.site.jinja2 import lang_attr
from newsroom.stored import documents
from tests.factories import (
    AgreementFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    SectorFactory,
    country,
)

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def between(page: str, start: str, end: str) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin)]


def title_of(page: str) -> str:
    return between(page, "<title>", "</title>").removeprefix("<title>")


def json_ld(page: str) -> dict:
    start = '<script type="application/ld+json">'
    return json.loads(between(page, start, "</script>").removeprefix(start))


def en(path: str) -> str:
    return f"/en{path}"


def named_topic(typed: str, *, name_es: str = "", name_en: str = "", **story) -> Topic:
    """A topic typed as ``typed`` on a public story, then named for readers."""
    article = ArticleFactory(public=True, topics=[typed], **story)
    topic = article.tags.get()
    topic.name_es, topic.name_en = name_es, name_en
    topic.save()
    return topic


# -- The template global -----------------------------------------------------------


def test_lang_attr_marks_only_text_in_another_language_than_its_element():
    spanish = InLanguage("Sanciones", "es")
    with translation.override("en"):
        assert lang_attr(spanish) == ' lang="es"'
        assert lang_attr(InLanguage("Sanctions", "en")) == ""
        # Inside an element in Spanish (a Spanish story's card), Spanish is no change.
        assert lang_attr(spanish, "es") == ""
        assert lang_attr(InLanguage("Sanctions", "en"), "es") == ' lang="en"'
        assert lang_attr("plain text") == ""
        assert lang_attr(None) == ""
    with translation.override("es"):
        assert lang_attr(spanish) == ""


def test_names_sort_as_readers_look_them_up():
    names = ["Omán", "Ñandú", "nube", "Árabe", "Zambia", "Nueva Zelanda", "austria"]
    assert sorted(names, key=name_sort_key) == ["Árabe", "austria", "nube", "Nueva Zelanda", "Ñandú", "Omán", "Zambia"]


# -- Topics ----------------------------------------------------------------------------


def test_a_topic_shows_its_name_in_each_edition(client, no_page_cache):
    topic = named_topic("sanciones", name_es="Sanciones", name_en="Sanctions", language="es")
    ArticleFactory(public=True, language="en", topics=["SANCIONES"])
    spanish = html(client.get("/topics/sanciones/"))
    assert "<h1>Sanciones</h1>" in spanish
    assert title_of(spanish).startswith("Sanciones |")
    assert '<span aria-current="page">Sanciones</span>' in spanish
    english = html(client.get(en("/topics/sanciones/")))
    assert "<h1>Sanctions</h1>" in english
    assert title_of(english).startswith("Sanctions |")
    assert "Sanciones" not in english
    assert Topic.objects.get() == topic


def test_the_folded_key_merges_spellings_and_readers_see_the_capitals(client, no_page_cache):
    ArticleFactory(public=True, language="es", topics=["sanciones"], headline="Primera")
    ArticleFactory(public=True, language="es", topics=["Sanciones"], headline="Segunda")
    ArticleFactory(public=True, language="es", topics=["SANCIONES "], headline="Tercera")
    topic = Topic.objects.get()
    assert (topic.name, topic.key, topic.name_es) == ("sanciones", "sanciones", "Sanciones")
    page = html(client.get("/topics/sanciones/"))
    assert "<h1>Sanciones</h1>" in page and title_of(page).startswith("Sanciones |")
    assert ">sanciones<" not in page
    assert all(headline in page for headline in ("Primera", "Segunda", "Tercera"))
    # An editor's name with its capitals, on the topic page and every card.
    topic.name_es = "Sanciones de EE. UU."
    topic.save()
    page = html(client.get("/topics/sanciones/"))
    assert "<h1>Sanciones de EE. UU.</h1>" in page
    assert page.count('<a href="/topics/sanciones/">Sanciones de EE. UU.</a>') >= 3


def test_a_topic_without_an_english_name_is_marked_spanish_on_english_pages(client, no_page_cache):
    named_topic("sanciones", name_es="Sanciones", headline="Oil sanctions tighten")
    story = Article.objects.get(headline="Oil sanctions tighten")
    page = html(client.get(en("/topics/sanciones/")))
    assert '<h1 lang="es">Sanciones</h1>' in page
    assert '<span aria-current="page" lang="es">Sanciones</span>' in page
    card = between(page, '<article class="card', "</article>")
    assert '<p class="kicker"><a href="/en/topics/sanciones/" lang="es">Sanciones</a></p>' in card
    article_page = html(client.get(story.get_absolute_url()))
    assert '<a class="chip" href="/en/topics/sanciones/" lang="es">Sanciones</a>' in article_page
    assert '<a href="/en/topics/sanciones/" lang="es">Sanciones</a>' in between(article_page, "story-header", "</h1>")
    # Named in English: no mark.
    Topic.objects.update(name_en="Sanctions")
    Topic.objects.get().save()
    page = html(client.get(en("/topics/sanciones/")))
    assert "<h1>Sanctions</h1>" in page and 'lang="es"' not in between(page, "<main", "</main>")


def test_a_spanish_only_topic_on_a_spanish_page_needs_no_mark(client, no_page_cache):
    named_topic("bloqueo", name_en="Embargo", language="es")
    page = html(client.get("/topics/bloqueo/"))
    # No Spanish name: the English one, marked.
    assert '<h1 lang="en">Embargo</h1>' in page


def test_the_topic_index_is_in_the_order_of_each_editions_names(client, no_page_cache):
    named_topic("zanahoria", name_es="Zanahoria", name_en="Carrot")
    named_topic("azucar", name_es="Azúcar", name_en="Sugar")
    named_topic("ñame", name_es="Ñame", name_en="Yam")
    spanish = between(html(client.get("/topics/")), '<ul class="index-list">', "</ul>")
    assert spanish.index(">Azúcar<") < spanish.index(">Ñame<") < spanish.index(">Zanahoria<")
    english = between(html(client.get(en("/topics/"))), '<ul class="index-list">', "</ul>")
    assert english.index(">Carrot<") < english.index(">Sugar<") < english.index(">Yam<")


def test_the_header_and_front_page_name_topics_in_each_edition(client, no_page_cache):
    named_topic("sanciones", name_es="Sanciones", name_en="Sanctions", language="es")
    named_topic("bloqueo", name_es="Bloqueo", language="es")
    spanish = html(client.get("/"))
    nav = between(spanish, 'class="nav-topics"', "</ul>")
    assert ">Sanciones<" in nav and ">Bloqueo<" in nav and "Sanctions" not in nav
    assert '<a href="/topics/sanciones/">Sanciones</a>' in between(spanish, 'id="active-topics"', "</ul>")
    english = html(client.get(en("/")))
    nav = between(english, 'class="nav-topics"', "</ul>")
    assert '<a href="/en/topics/sanciones/">Sanctions</a>' in nav
    assert '<a href="/en/topics/bloqueo/" lang="es">Bloqueo</a>' in nav


def test_a_new_name_in_either_language_changes_what_the_header_prints():
    """The header's sections are counted once a minute; cached pages are
    marked (the ``nav`` tag) when a recount prints other links, in either
    edition: an English name alone counts."""
    from newsroom.site import selectors

    def sections(english: str) -> dict:
        return {"topics": [selectors.SectionLink("newsroom:topic-detail", "bloqueo", english, "Bloqueo", 3)]}

    assert selectors._links(sections("")) != selectors._links(sections("Embargo"))
    assert selectors._links(sections("Embargo")) == selectors._links(sections("Embargo"))
    with translation.override("en"):
        assert sections("").get("topics")[0].name == InLanguage("Bloqueo", "es")
        assert sections("").get("topics")[0].name.lang == "es"
        assert sections("Embargo").get("topics")[0].name.lang == "en"


def test_search_facets_name_topics_in_each_edition(client, no_page_cache):
    named_topic("sanciones", name_es="Sanciones", name_en="Sanctions", language="es", headline="Petróleo y sanciones")
    named_topic("bloqueo", name_es="Bloqueo", language="es", headline="Petróleo y bloqueo")
    spanish = between(html(client.get("/search/?q=petroleo")), 'class="search-facets"', "</aside>")
    assert ">Sanciones</a>" in spanish and ">Bloqueo</a>" in spanish
    english = between(html(client.get(en("/search/?q=petroleo"))), 'class="search-facets"', "</aside>")
    assert ">Sanctions</a>" in english and "Sanciones" not in english
    assert '<span lang="es">Bloqueo</span></a>' in english


def test_feeds_and_json_ld_name_topics_in_the_feeds_edition(client, no_page_cache):
    named_topic("sanciones", name_es="Sanciones", name_en="Sanctions", language="en", headline="Sanctions bite")
    feed = html(client.get(en("/topics/sanciones/feed/")))
    assert "<title>Sanctions – " in feed and "<category>Sanctions</category>" in feed
    story = Article.objects.get(headline="Sanctions bite")
    data = json_ld(html(client.get(story.get_absolute_url())))
    assert data["keywords"] == ["Sanctions"]


# -- Agreements ------------------------------------------------------------------------


@pytest.fixture
def treaty():
    return AgreementFactory(
        title="Tratado de cooperación energética",
        title_en="Energy cooperation treaty",
        summary="Un tratado de diez años.",
        summary_en="A ten-year treaty.",
        kind=Agreement.Kind.TREATY,
        status=Agreement.Status.IN_FORCE,
        party_codes=["RU", "CU"],
    )


def test_an_agreement_shows_its_title_and_summary_in_each_edition(client, no_page_cache, treaty):
    spanish = html(client.get(treaty.get_absolute_url()))
    assert "<h1>Tratado de cooperación energética</h1>" in spanish
    assert '<div class="page-intro"><p>Un tratado de diez años.</p></div>' in spanish
    assert title_of(spanish).startswith("Tratado de cooperación energética |")
    assert "Energy cooperation treaty" not in spanish
    english = html(client.get(en(treaty.get_absolute_url())))
    assert "<h1>Energy cooperation treaty</h1>" in english
    assert '<div class="page-intro"><p>A ten-year treaty.</p></div>' in english
    assert title_of(english).startswith("Energy cooperation treaty |")
    assert '<meta name="description" content="A ten-year treaty.">' in english
    assert '<span aria-current="page">Energy cooperation treaty</span>' in english
    assert "Tratado de cooperación" not in english


def test_an_english_page_shows_a_missing_english_title_in_spanish_marked_as_such(client, no_page_cache):
    pact = AgreementFactory(title="Acuerdo de pesca", summary="Pesca en el Caribe.", party_codes=["RU", "CU"])
    english = html(client.get(en(pact.get_absolute_url())))
    assert '<h1 lang="es">Acuerdo de pesca</h1>' in english
    assert '<div class="page-intro" lang="es"><p>Pesca en el Caribe.</p></div>' in english
    assert '<span aria-current="page" lang="es">Acuerdo de pesca</span>' in english
    listed = html(client.get(en("/agreements/")))
    assert f'<a href="{en(pact.get_absolute_url())}" lang="es">Acuerdo de pesca</a>' in listed
    # The Spanish page has nothing to mark; an English-only summary is marked there.
    pact.summary, pact.summary_en = "", "Fishing in the Caribbean."
    pact.save()
    spanish = html(client.get(pact.get_absolute_url()))
    assert "<h1>Acuerdo de pesca</h1>" in spanish
    assert '<div class="page-intro" lang="en"><p>Fishing in the Caribbean.</p></div>' in spanish


def test_every_place_an_agreement_is_named_follows_the_edition(client, no_page_cache, treaty):
    older = AgreementFactory(title="Acuerdo de 2001", title_en="2001 agreement", party_codes=["RU", "CU"])
    treaty.supersedes = older
    treaty.save()
    annex = AgreementFactory(title="Anexo", part_of=treaty, party_codes=["RU", "CU"])
    story = ArticleFactory(public=True, language="en", headline="Treaty signed", country_codes=["CU"])
    ArticleAgreementFactory(article=story, agreement=treaty, relation="about")
    page = html(client.get(en(treaty.get_absolute_url())))
    related = between(page, 'id="related-agreements-heading"', "</section>")
    assert f'<a href="{en(older.get_absolute_url())}">2001 agreement</a>' in related
    assert f'<a href="{en(annex.get_absolute_url())}" lang="es">Anexo</a>' in related
    assert "Acuerdo de 2001" not in page
    spanish_older = html(client.get(older.get_absolute_url()))
    assert f'<a href="{treaty.get_absolute_url()}">Tratado de cooperación energética</a>' in spanish_older
    # The story's agreement box, its JSON-LD and the country's side column.
    story_page = html(client.get(story.get_absolute_url()))
    box = between(story_page, 'class="agreements-box"', "</aside>")
    assert f'<a href="{en(treaty.get_absolute_url())}">Energy cooperation treaty</a>' in box
    data = json_ld(story_page)
    assert "Energy cooperation treaty" in {node["name"] for node in data["about"]}
    side = between(html(client.get(en(country("CU").get_absolute_url()))), 'id="agreements-heading"', "</section>")
    assert ">Energy cooperation treaty</a>" in side and ">Tratado de cooperación energética</a>" not in side
    side = between(html(client.get(country("CU").get_absolute_url())), 'id="agreements-heading"', "</section>")
    assert ">Tratado de cooperación energética</a>" in side
    # Its feed.
    feed = html(client.get(en(treaty.get_absolute_url()) + "feed/"))
    assert "<title>Energy cooperation treaty – " in feed and "<description>A ten-year treaty.</description>" in feed


def test_kinds_statuses_and_roles_are_in_the_pages_language(client, no_page_cache, treaty):
    AgreementParty.objects.filter(agreement=treaty).delete()
    AgreementParty.objects.create(agreement=treaty, country=country("RU"), role=AgreementParty.Role.LENDER)
    AgreementParty.objects.create(agreement=treaty, country=country("CU"), role=AgreementParty.Role.BORROWER)
    spanish = html(client.get(treaty.get_absolute_url()))
    assert '<span class="kind">Tratado</span>' in spanish
    assert '<span class="status status-in_force">En vigor</span>' in spanish
    assert '<span class="role">Prestamista</span>' in spanish and '<span class="role">Prestatario</span>' in spanish
    english = html(client.get(en(treaty.get_absolute_url())))
    assert '<span class="kind">Treaty</span>' in english
    assert '<span class="status status-in_force">In force</span>' in english
    assert '<span class="role">Lender</span>' in english and '<span class="role">Borrower</span>' in english
    # The list's cards and filters, and a country's agreements by status.
    listed = html(client.get("/agreements/"))
    assert '<span class="kind">Tratado</span>' in listed and '<option value="treaty">Tratado</option>' in listed
    side = between(html(client.get(country("CU").get_absolute_url())), 'class="count-list status-counts"', "</ul>")
    assert ">En vigor</a>" in side
    side = between(html(client.get(en(country("CU").get_absolute_url()))), 'class="count-list status-counts"', "</ul>")
    assert ">In force</a>" in side


# -- Sectors ---------------------------------------------------------------------------


def test_sectors_are_named_in_each_edition(client, no_page_cache, treaty):
    energy = SectorFactory(name="Energy", name_es="Energía")
    media = SectorFactory(name="Media")  # no Spanish name yet
    treaty.sectors.add(energy, media)
    spanish = between(html(client.get(treaty.get_absolute_url())), 'id="sectors-heading"', "</section>")
    assert '<a class="chip" href="/agreements/?sector=energy">Energía</a>' in spanish
    assert '<a class="chip" href="/agreements/?sector=media" lang="en">Media</a>' in spanish
    english = between(html(client.get(en(treaty.get_absolute_url()))), 'id="sectors-heading"', "</section>")
    assert '<a class="chip" href="/en/agreements/?sector=energy">Energy</a>' in english
    assert "Energía" not in english
    filters = between(html(client.get("/agreements/")), 'name="sector"', "</select>")
    assert '<option value="energy">Energía</option>' in filters
    filters = between(html(client.get(en("/agreements/"))), 'name="sector"', "</select>")
    assert '<option value="energy">Energy</option>' in filters


def test_sectors_and_linked_agreements_are_in_the_order_of_the_names_shown(client, no_page_cache, treaty):
    # English order: Defense, Transport; Spanish: Defensa, Transporte... and
    # one that moves: "Health" / "Salud" after "Defense" / "Defensa" either way,
    # but "Water" / "Agua" is last in English and first in Spanish.
    treaty.sectors.add(
        SectorFactory(name="Water", name_es="Agua"),
        SectorFactory(name="Health", name_es="Salud"),
        SectorFactory(name="Defense", name_es="Defensa"),
    )
    spanish = between(html(client.get(treaty.get_absolute_url())), 'id="sectors-heading"', "</section>")
    assert spanish.index(">Agua<") < spanish.index(">Defensa<") < spanish.index(">Salud<")
    english = between(html(client.get(en(treaty.get_absolute_url()))), 'id="sectors-heading"', "</section>")
    assert english.index(">Defense<") < english.index(">Health<") < english.index(">Water<")


# -- Countries ----------------------------------------------------------------------------


def test_the_spanish_country_list_is_in_the_order_of_the_spanish_names(client, no_page_cache):
    # English: Austria, Brazil, Germany, Japan, Switzerland.
    # Spanish: Alemania, Austria, Brasil, Japón, Suiza.
    ArticleFactory(public=True, language="es", country_codes=["CH", "JP", "DE", "BR", "AT"])
    names = {code: country(code).name_es for code in ("DE", "AT", "BR", "JP", "CH")}
    assert names["DE"] == "Alemania" and names["BR"] == "Brasil"

    def order(page: str) -> list[str]:
        return re.findall(r'href="(?:/en)?/countries/([a-z-]+)/"', between(page, '<ul class="index-list">', "</ul>"))

    assert order(html(client.get("/countries/"))) == ["germany", "austria", "brazil", "japan", "switzerland"]
    assert order(html(client.get(en("/countries/")))) == ["austria", "brazil", "germany", "japan", "switzerland"]


# -- Renaming: stored copies and cached pages ----------------------------------------------


def test_new_names_reach_every_stored_copy(treaty):
    sector = SectorFactory(name="Energy", name_es="Energía")
    treaty.sectors.add(sector)
    older = AgreementFactory(title="Acuerdo de 2001", party_codes=["RU", "CU"])
    treaty.supersedes = older
    treaty.save()
    story = ArticleFactory(public=True, language="es", topics=["sanciones"], country_codes=["CU"])
    ArticleAgreementFactory(article=story, agreement=older)
    topic = Topic.objects.get()

    topic.name_en = "Sanctions"
    topic.save()
    older.title_en = "2001 agreement"
    older.save()
    sector.name_es = "Energía y minas"
    sector.save()

    stored = Article.objects.values("card", "page_lists").get(pk=story.pk)
    assert stored["card"]["kicker"] == ["Sanciones", "Sanctions", "sanciones"]
    assert [row["name_en"] for row in stored["page_lists"]["tags"]] == ["Sanctions"]
    assert [row["agreement"]["title_en"] for row in stored["page_lists"]["agreement_links"]] == ["2001 agreement"]
    page = Agreement.objects.get(pk=treaty.pk).page_lists
    assert [row["title_en"] for row in page["supersedes"]] == ["2001 agreement"]
    assert [row["name_es"] for row in page["sectors"]] == ["Energía y minas"]
    cuba = CountryOverview.objects.get(country=country("CU")).data
    assert {row["title_en"] for row in cuba["latest"]} == {"2001 agreement", "Energy cooperation treaty"}


def test_documents_stored_before_the_reader_names_still_print_a_name(client, no_page_cache, treaty):
    """Until migrate writes them again (their FORMAT is older), stored
    copies without the new fields print the other form, never a blank or a
    query per row."""
    story = ArticleFactory(public=True, language="es", topics=["sanciones"])
    ArticleAgreementFactory(article=story, agreement=treaty)
    treaty.sectors.add(SectorFactory(name="Energy", name_es="Energía"))
    Article.objects.filter(pk=story.pk).update(
        card={"kicker": ["sanciones", "sanciones"], "bylines": []},
        page_lists={"format": 2, "tags": [{"id": 1, "name": "sanciones", "slug": "sanciones", "link_id": 1}]},
    )
    assert Kicker.from_stored(["sanciones", "sanciones"]) == Kicker("Sanciones", "", "sanciones")
    page = html(client.get(story.get_absolute_url()))
    assert '<a class="chip" href="/topics/sanciones/">Sanciones</a>' in page
    assert ">Sanciones</a></p>" in html(client.get("/topics/sanciones/"))
    stale = Agreement.objects.get(pk=treaty.pk).page_lists
    stale["format"] = 2
    for row in stale["sectors"]:
        del row["name_es"]
    Agreement.objects.filter(pk=treaty.pk).update(page_lists=stale)
    assert '?sector=energy" lang="en">Energy</a>' in html(client.get(treaty.get_absolute_url()))
    # What migrate does: every copy in an older format is written again.
    assert documents.refresh_missing() == 1 and agreement_page.refresh_missing() == 1
    assert '?sector=energy">Energía</a>' in html(client.get(treaty.get_absolute_url()))
    CountryOverview.objects.update(data={"format": 3, "statuses": [], "latest": [], "partners": []})
    assert overview.refresh_all(missing_only=True) == Country.objects.count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@override_settings(PAGE_CACHE_ENABLED=True)
def test_new_names_refresh_the_cached_pages_that_print_them(client):
    pact = AgreementFactory(title="Pacto energético", party_codes=["RU", "CU"])
    sector = SectorFactory(name="Energy", name_es="Energía")
    pact.sectors.add(sector)
    story = ArticleFactory(public=True, language="en", topics=["oil"], headline="Oil story", country_codes=["CU"])
    ArticleAgreementFactory(article=story, agreement=pact)
    other = ArticleFactory(public=True, language="en", topics=["weather"], headline="Weather story")
    urls = [
        story.get_absolute_url(),
        other.get_absolute_url(),
        en("/topics/oil/"),
        en(pact.get_absolute_url()),
        pact.get_absolute_url(),
    ]
    for url in urls:
        client.get(url)
    assert all(client.get(url)["X-Page-Cache"] == "hit" for url in urls)

    topic = Topic.objects.get(name="oil")
    topic.name_en = "Crude oil"
    topic.save()
    assert "<h1>Crude oil</h1>" in html(client.get(en("/topics/oil/")))
    assert '<a class="chip" href="/en/topics/oil/">Crude oil</a>' in html(client.get(story.get_absolute_url()))

    pact = Agreement.objects.get(pk=pact.pk)
    pact.title_en = "Energy pact"
    pact.save()
    assert "<h1>Energy pact</h1>" in html(client.get(en(pact.get_absolute_url())))
    assert f'<a href="{en(pact.get_absolute_url())}">Energy pact</a>' in html(client.get(story.get_absolute_url()))

    sector = Sector.objects.get(pk=sector.pk)
    sector.name_es = "Energía y minas"
    sector.save()
    assert '?sector=energy">Energía y minas</a>' in html(client.get(pact.get_absolute_url()))
    # A page that prints none of them stays cached.
    assert client.get(other.get_absolute_url())["X-Page-Cache"] == "hit"


# -- The admin ---------------------------------------------------------------------------


def test_editors_name_topics_sectors_and_agreements_in_both_languages(editor_client, admin_form_data):
    topic = named_topic("sanciones")
    url = reverse("admin:newsroom_topic_change", args=[topic.pk])
    data = admin_form_data(editor_client, url)
    data.update(name_es="Sanciones", name_en="Sanctions")
    assert editor_client.post(url, data).status_code == 302
    topic.refresh_from_db()
    assert (topic.name, topic.name_es, topic.name_en) == ("sanciones", "Sanciones", "Sanctions")
    listed = html(editor_client.get(reverse("admin:newsroom_topic_changelist") + "?q=sanctions"))
    assert "Sanctions" in listed and "Sanciones" in listed

    sector = SectorFactory(name="Energy")
    url = reverse("admin:alliances_sector_change", args=[sector.pk])
    data = admin_form_data(editor_client, url)
    data.update(name_es="Energía")
    assert editor_client.post(url, data).status_code == 302
    assert Sector.objects.get(pk=sector.pk).name_es == "Energía"
    assert "Energía" in html(editor_client.get(reverse("admin:alliances_sector_changelist") + "?q=energía"))

    pact = AgreementFactory(title="Acuerdo de pesca", party_codes=["RU", "CU"])
    url = reverse("admin:alliances_agreement_change", args=[pact.pk])
    page = html(editor_client.get(url))
    assert 'name="title_en"' in page and 'name="summary_en"' in page
    data = admin_form_data(editor_client, url)
    data.update(title_en="Fishing pact", summary_en="On fishing.")
    assert editor_client.post(url, data).status_code == 302
    pact.refresh_from_db()
    assert (pact.title, pact.title_en, pact.summary_en) == ("Acuerdo de pesca", "Fishing pact", "On fishing.")
    found = html(editor_client.get(reverse("admin:alliances_agreement_changelist") + "?q=fishing"))
    assert reverse("admin:alliances_agreement_change", args=[pact.pk]) in found


def test_a_rename_carries_the_reader_name_until_an_editor_sets_one():
    from newsroom.editorial import services
    from tests.factories import editor

    user = editor()
    topic = named_topic("petroleo", name_es="Petroleo")
    services.rename_topic(topic=topic, name="petróleo", user=user)
    assert Topic.objects.get(pk=topic.pk).name_es == "Petróleo"
    topic = Topic.objects.get(pk=topic.pk)
    topic.name_es = "Petróleo y gas"
    topic.save()
    services.rename_topic(topic=topic, name="crudo", user=user)
    assert Topic.objects.get(pk=topic.pk).name_es == "Petróleo y gas"


def test_the_demo_names_its_topics_sectors_and_agreements_in_both_languages(client, no_page_cache):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    alliances = Topic.objects.get(name="alianzas estratégicas")
    assert (alliances.name_es, alliances.name_en) == ("Alianzas estratégicas", "Strategic alliances")
    assert not Topic.objects.filter(name_en="").exists()
    assert not Sector.objects.filter(name_es="").exists()
    assert Sector.objects.get(slug="energy").name_es == "Energía"
    assert not Agreement.objects.filter(title_en="").exists()
    assert not Agreement.objects.filter(summary_en="").exists()
    assert "<h1>Alianzas estratégicas</h1>" in html(client.get("/topics/alianzas-estrategicas/"))
    treaty = Agreement.objects.get(slug="tratado-asociacion-estrategica-integral-rusia-iran")
    english = html(client.get(en(treaty.get_absolute_url())))
    assert "<h1>Russia–Iran comprehensive strategic partnership treaty</h1>" in english
    assert '<a class="chip" href="/en/agreements/?sector=energy">Energy</a>' in english
