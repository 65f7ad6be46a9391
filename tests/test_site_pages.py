"""What a reader sees on each public page: the home page, the article, the
topic, country, agreement and author pages and their indexes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone, translation

from newsroom.models import Article
from tests import factories
from tests.factories import (
    AgreementFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    RelatedVideoFactory,
    country,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    return factories.launch_story()


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def en_url(record) -> str:
    """A topic's, country's, agreement's or author's page in the English
    edition (get_absolute_url follows the active language, Spanish outside
    a request)."""
    with translation.override("en"):
        return record.get_absolute_url()


def test_home_shows_lead_story_latest_and_most_covered_sections(client, story):
    older = ArticleFactory(public=True, headline="An older story", published_at=timezone.now() - timedelta(days=3))
    page = html(client.get("/en/"))
    # The newest public story leads; older ones follow in the latest list.
    assert page.index(story["story"].headline) < page.index(older.headline)
    assert 'class="lead-story"' in page
    assert "Most covered topics" in page
    assert "Countries in the news" in page
    assert 'href="/en/countries/iran/"' in page


def test_article_page_shows_every_part_of_the_story(client, story):
    article = story["story"]
    CorrectionFactory(article=article, text="An earlier version gave the wrong date.")
    RelatedVideoFactory(article=article, title="Presidents meet")
    page = html(client.get(article.get_absolute_url()))
    assert "<h1" in page and article.headline in page
    assert article.dek in page
    assert 'alt="Miguel Díaz-Canel, Vladimir Putin and Masoud Pezeshkian"' in page
    assert "composite of official photographs" in page
    assert "social-media accounts" in page
    assert f'href="{en_url(story["author"])}"' in page
    assert "An earlier version gave the wrong date." in page
    assert "Presidents meet" in page
    for outlet in ("Infobae", "IRNA", "Europa Press"):
        assert outlet in page
    assert "<h2>Iran and Cuba</h2>" in page
    assert "Filed under" in page
    assert 'href="/en/topics/sanctions/"' in page
    assert 'href="/en/countries/north-korea/"' in page or "North Korea" in page


def test_article_times_are_in_the_outlets_time_zone(client, settings):
    published = datetime(2025, 1, 15, 15, 30, tzinfo=UTC)
    article = ArticleFactory(status="published", published_at=published)
    page = html(client.get(article.get_absolute_url()))
    # 15:30 UTC is 10:30 in Havana (UTC-5 in January).
    assert settings.TIME_ZONE == "America/Havana"
    assert '<time datetime="2025-01-15T10:30:00-05:00">15 January 2025, 10:30' in page


def test_updated_time_shows_only_after_a_substantive_update(client):
    article = ArticleFactory(public=True)
    # Published and last saved at the same moment: nothing to announce.
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at)
    assert "Updated" not in html(client.get(article.get_absolute_url()))
    # A later save that was only a typo fix is not announced either...
    Article.objects.filter(pk=article.pk).update(updated_at=article.published_at + timedelta(hours=3))
    assert "Updated" not in html(client.get(article.get_absolute_url()))
    # ...a substantive update (or a correction) is, with the same time as dateModified.
    Article.objects.filter(pk=article.pk).update(modified_at=article.published_at + timedelta(hours=3))
    assert "Updated <time" in html(client.get(article.get_absolute_url()))


def test_article_page_language_is_the_articles(client):
    article = ArticleFactory(public=True, language="es", headline="Díaz-Canel viaja a Moscú")
    page = html(client.get(article.get_absolute_url()))
    assert '<html lang="es">' in page
    english = ArticleFactory(public=True, language="en", headline="Díaz-Canel travels to Moscow")
    assert '<html lang="en">' in html(client.get(english.get_absolute_url()))
    # The site's own pages are in their edition's language.
    assert '<html lang="es">' in html(client.get("/topics/"))
    assert '<html lang="en">' in html(client.get("/en/topics/"))


def test_agreements_box_names_kind_parties_status_and_relation(client, story):
    page = html(client.get(story["story"].get_absolute_url()))
    box = page[page.index('class="agreements-box"') :]
    assert "Russia–Iran comprehensive strategic partnership treaty" in box
    assert "Treaty" in box and "Announced" in box
    assert "Russian Federation" in box or "Russia" in box
    assert "About" in box and "Mentioned" in box


def test_related_articles_rank_shared_agreements_before_countries_before_topics(client):
    treaty = AgreementFactory(party_codes=["RU", "IR"])
    article = ArticleFactory(public=True, topics=["geopolitics", "sanctions"], country_codes=["RU", "IR"])
    factories.ArticleAgreementFactory(article=article, agreement=treaty)
    ArticleFactory(public=True, headline="Shares two topics", topics=["geopolitics", "sanctions"])
    ArticleFactory(public=True, headline="Shares a country", country_codes=["RU"])
    by_agreement = ArticleFactory(
        public=True, headline="Shares the treaty", published_at=timezone.now() - timedelta(days=9)
    )
    factories.ArticleAgreementFactory(article=by_agreement, agreement=treaty)
    ArticleFactory(public=True, headline="Shares nothing")

    page = html(client.get(article.get_absolute_url()))
    related = page[page.index('id="related-heading"') :]
    assert related.index("Shares the treaty") < related.index("Shares a country") < related.index("Shares two topics")
    assert "Shares nothing" not in related
    assert article.headline not in related


def test_topics_index_lists_topics_with_public_counts(client, story):
    page = html(client.get("/en/topics/"))
    assert 'href="/en/topics/geopolitics/"' in page
    assert "2 stories" in page  # geopolitics: the launch story and the follow-up


def test_topic_page_lists_its_articles(client, story):
    page = html(client.get("/topics/geopolitics/"))
    assert story["story"].headline in page
    assert story["follow_up"].headline in page
    # Its reader name: the typed one capitalised, until an editor names it,
    # in the language of the (English) story it was typed on, marked as such.
    assert '<h1 lang="en">Geopolitics</h1>' in page


def test_unknown_topic_country_agreement_or_author_is_404(client):
    for url in ("/topics/nope/", "/countries/atlantis/", "/agreements/nope/", "/authors/nobody/", "/articles/nope/"):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("slug", ["%00", "a%00b", "%0A", "x" * 3000, "%E2%80%AE", "a%20b"])
def test_odd_slugs_are_a_plain_404(client, slug):
    for prefix in ("/articles/", "/topics/", "/countries/", "/agreements/", "/authors/"):
        assert client.get(f"{prefix}{slug}/").status_code == 404, prefix + slug


def test_countries_index_lists_only_countries_with_public_coverage(client, story):
    page = html(client.get("/countries/"))
    assert 'href="/countries/iran/"' in page
    assert 'href="/countries/france/"' not in page


def test_country_page_shows_articles_agreements_by_status_and_partners(client, story):
    page = html(client.get(en_url(country("IR"))))
    assert story["story"].headline in page
    agreements = page[page.index('id="agreements-heading"') :]
    # Groups follow the status order: announced, under negotiation, ..., superseded.
    assert agreements.index("Announced") < agreements.index("Under negotiation") < agreements.index("Superseded")
    assert "Russia–Iran 2001 cooperation treaty" in agreements
    partners = page[page.index('id="partners-heading"') :]
    # Iran shares two agreements with Russia and one with Cuba.
    assert partners.index("Russia") < partners.index("Cuba")
    assert "2 agreements" in partners and "1 agreement" in partners


def test_partner_count_ignores_a_second_role_in_the_same_agreement(client):
    agreement = AgreementFactory(party_codes=["RU", "CU"])
    agreement.parties.create(country=country("RU"), role="lender")
    page = html(client.get(en_url(country("CU"))))
    partners = page[page.index('id="partners-heading"') :]
    assert "1 agreement<" in partners


def test_agreement_page_shows_parties_timeline_lineage_sources_and_coverage(client, story):
    treaty = story["treaty"]
    part = AgreementFactory(title="Energy annex", part_of=treaty, party_codes=["RU", "IR"])
    page = html(client.get(en_url(treaty)))
    # No English title: the Spanish one, marked as such.
    assert '<h1 lang="es">Russia–Iran comprehensive strategic partnership treaty</h1>' in page
    assert "Party" in page
    assert f'href="{en_url(story["old_treaty"])}"' in page
    assert "Replaces" in page
    assert f'href="{en_url(part)}"' in page
    assert "Europa Press" in page
    assert story["story"].headline in page and story["follow_up"].headline in page

    old = html(client.get(en_url(story["old_treaty"])))
    # "2001" at year precision: never shown as 1 January 2001.
    assert '<time datetime="2001">2001</time>' in old
    assert "1 January 2001" not in old
    assert "Replaced by" in old and treaty.title in old
    assert "Mentions it" in old  # the launch story only mentions the 2001 treaty

    part_page = html(client.get(en_url(part)))
    assert "Part of" in part_page and treaty.title in part_page


def test_agreement_page_shows_month_precision(client, story):
    page = html(client.get(en_url(story["credit"])))
    assert '<time datetime="2024-05">May 2024</time>' in page
    assert "Lender" in page and "Borrower" in page


def test_author_page_shows_bio_and_articles(client, story):
    page = html(client.get(story["author"].get_absolute_url()))
    assert "<h1>Editorial Team</h1>" in page
    assert "written collectively" in page
    assert story["story"].headline in page


def test_author_without_public_articles_still_has_a_page(client):
    author = AuthorFactory()
    ArticleFactory(status="draft", authors=[author], headline="Unfinished")
    page = html(client.get(en_url(author)))
    assert "Unfinished" not in page
    assert "No published stories yet." in page


def test_breadcrumbs_lead_back_to_the_index(client, story):
    page = html(client.get("/en/topics/geopolitics/"))
    crumbs = page[page.index('aria-label="Breadcrumb"') :]
    assert 'href="/en/"' in crumbs and 'href="/en/topics/"' in crumbs
    assert '<span aria-current="page">Geopolitics</span>' in crumbs


def test_an_article_breadcrumb_ends_in_its_section(client):
    """Its first topic; else its first country; else only the home page,
    never a bare "Topics" that names no topic."""

    def crumbs(article) -> str:
        page = html(client.get(en_url(article)))
        if 'aria-label="Breadcrumb"' not in page:
            return ""
        start = page.index('aria-label="Breadcrumb"')
        return page[start : page.index("</nav>", start)]

    with_topic = ArticleFactory(public=True, topics=["oil"], country_codes=["CU"])
    assert 'href="/en/topics/oil/"' in crumbs(with_topic) and "countries" not in crumbs(with_topic)
    with_country = ArticleFactory(public=True, country_codes=["CU"])
    assert 'href="/en/countries/"' in crumbs(with_country)
    assert 'href="/en/countries/cuba/">Cuba</a>' in crumbs(with_country)
    assert "Topics" not in crumbs(with_country)
    bare = ArticleFactory(public=True)
    assert "Topics" not in crumbs(bare) and "Countries" not in crumbs(bare)


def test_an_author_bio_reads_in_each_edition(client):
    """Spanish first; the English edition falls back to it, marked as
    Spanish, until an English bio is written; the feed and the page's
    description follow."""
    author = AuthorFactory(name="Ana Díaz", bio="Cubre la economía cubana.")
    english = html(client.get(en_url(author)))
    assert '<div class="page-intro" lang="es"><p>Cubre la economía cubana.</p></div>' in english
    author.bio_en = "Covers the Cuban economy."
    author.save()
    english = html(client.get(en_url(author)))
    assert '<div class="page-intro"><p>Covers the Cuban economy.</p></div>' in english
    assert '<meta name="description" content="Covers the Cuban economy.">' in english
    assert "Covers the Cuban economy." in client.get(en_url(author) + "feed/").content.decode()
    spanish = html(client.get(author.get_absolute_url()))
    assert '<div class="page-intro"><p>Cubre la economía cubana.</p></div>' in spanish
    assert "Cubre la economía cubana." in client.get(author.get_absolute_url() + "feed/").content.decode()


def test_an_author_page_does_not_repeat_the_author_on_every_card(client):
    ana, ben = AuthorFactory(name="Ana Díaz"), AuthorFactory(name="Ben Ruiz")
    ArticleFactory(public=True, headline="Alone", authors=[ana])
    ArticleFactory(public=True, headline="Together", authors=[ana, ben], topics=["oil"])
    ArticleFactory(public=True, headline="Juntos", authors=[ana, ben], language="es")
    page = html(client.get(en_url(ana)))
    bylines = page[page.index('class="story-list"') :]
    assert "Ana Díaz" not in bylines
    assert '<span class="card-byline">With Ben Ruiz</span>' in bylines
    assert '<span class="card-byline">Con Ben Ruiz</span>' in html(client.get(ana.get_absolute_url()))
    # Elsewhere the card names everyone.
    assert '<span class="card-byline">Ana Díaz, Ben Ruiz</span>' in html(client.get("/en/topics/oil/"))


def test_agreement_badges_speak_plainly(client):
    agreement = AgreementFactory(status="unknown")
    ArticleAgreementFactory(article=ArticleFactory(public=True, headline="Deal story"), agreement=agreement)
    page = html(client.get(en_url(agreement)))
    assert "Status not reported" in page and "Unknown" not in page
    story = html(client.get("/en/articles/deal-story/"))
    assert "Status not reported" in story
    assert "“Mentioned”: the story refers to it in passing." in story
    assert "Estado no informado" in html(client.get(agreement.get_absolute_url()))


def test_a_country_page_may_open_with_the_editors_introduction(client, django_assert_max_num_queries):
    """Optional; Spanish first, the English edition falling back to the
    Spanish text marked as Spanish; only on the first page of stories; no
    extra query (the country's row carries it)."""
    cuba = country("CU")
    for n in range(25):
        ArticleFactory(public=True, language="es", country_codes=["CU"], headline=f"Nota {n}")
    assert 'class="page-intro"' not in html(client.get(cuba.get_absolute_url()))
    with django_assert_max_num_queries(5):
        client.get(cuba.get_absolute_url())
    cuba.introduction = "La isla, su economía y sus alianzas."
    cuba.save()
    spanish = html(client.get(cuba.get_absolute_url()))
    assert '<div class="page-intro"><p>La isla, su economía y sus alianzas.</p></div>' in spanish
    with django_assert_max_num_queries(5):
        client.get(cuba.get_absolute_url())
    assert '<div class="page-intro" lang="es"><p>La isla, su economía y sus alianzas.</p></div>' in html(
        client.get(en_url(cuba))
    )
    assert "La isla" not in html(client.get(cuba.get_absolute_url(), {"page": 2}))
    cuba.introduction_en = "The island, its economy and its alliances."
    cuba.save()
    assert '<div class="page-intro"><p>The island, its economy and its alliances.</p></div>' in html(
        client.get(en_url(cuba))
    )


def test_header_navigation_lists_main_topics_and_countries(client, story):
    page = html(client.get("/agreements/"))
    nav = page[page.index('class="site-nav"') : page.index("</header>")]
    assert 'href="/topics/geopolitics/"' in nav
    assert 'href="/countries/iran/"' in nav


def test_custom_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()
    response = client.get("/en/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()


def test_500_page_renders_without_database_or_context(rf, django_assert_num_queries):
    from newsroom.site.views import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
        english = server_error(rf.get("/en/articles/nope/"))
    assert response.status_code == 500
    assert "Algo salió mal" in response.content.decode()
    assert english.status_code == 500
    assert "Something went wrong" in english.content.decode()


def test_editor_text_is_escaped_everywhere_it_shows(client):
    evil = '<img src=x onerror="alert(1)">'
    author = AuthorFactory(name=f"Ann {evil}", bio=evil)
    agreement = AgreementFactory(title=f"Pact {evil}", summary=evil, party_codes=["CU", "RU"])
    factories.AgreementSourceFactory(agreement=agreement, outlet=evil, url="javascript:alert(1)")
    article = ArticleFactory(
        public=True,
        headline=f"Story {evil}",
        dek=evil,
        image=factories.hero_image(),
        image_alt=evil,
        image_caption=evil,
        image_credit=evil,
        authors=[author],
        topics=[f"topic {evil}"[:90]],
        country_codes=["CU"],
    )
    factories.ArticleAgreementFactory(article=article, agreement=agreement, note=evil)
    factories.SourceFactory(article=article, outlet=evil, url="javascript:alert(1)")
    CorrectionFactory(article=article, text=evil)
    RelatedVideoFactory(article=article, title=evil, url="javascript:alert(2)")
    urls = [
        "/",
        article.get_absolute_url(),
        "/topics/",
        "/countries/cuba/",
        "/agreements/",
        agreement.get_absolute_url(),
        author.get_absolute_url(),
    ]
    for url in urls:
        page = html(client.get(url))
        assert "<img src=x" not in page, url
        assert "javascript:" not in page, url
    # Printed as text: escaped (MarkupSafe writes a double quote as &#34;).
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html(client.get(article.get_absolute_url()))


def test_an_empty_site_still_answers_every_index(client):
    for url in ("/", "/topics/", "/countries/", "/agreements/"):
        page = html(client.get(url))
        assert 'class="empty"' in page, url


def test_a_card_prints_kicker_headline_dek_byline_and_day_in_the_site_zone(client):
    from datetime import UTC, datetime

    from tests.factories import AuthorFactory

    ArticleFactory(
        public=True,
        headline="Oil for rice",
        dek="A barter deal & its critics",
        topics=["trade", "oil"],
        authors=[AuthorFactory(name="Ana Díaz"), AuthorFactory(name="Ben Ruiz")],
        published_at=datetime(2025, 1, 15, 3, 30, tzinfo=UTC),  # 14 January, 22:30 in Havana
    )
    page = html(client.get("/en/topics/oil/"))
    card = page[page.index('<article class="card') : page.index("</article>", page.index('<article class="card'))]
    assert '<p class="kicker"><a href="/en/topics/trade/">Trade</a></p>' in card
    assert '<h2 class="card-title"><a href="/en/articles/oil-for-rice/">Oil for rice</a></h2>' in card
    assert '<p class="card-dek">A barter deal &amp; its critics</p>' in card
    assert '<span class="card-byline">Ana Díaz, Ben Ruiz</span>' in card
    assert '<time datetime="2025-01-14T22:30:00-05:00" lang="en">14 Jan 2025</time>' in card
    assert "relation" not in card  # only the agreement page says how a story relates


def test_the_header_follows_the_sections_it_is_rendered_for(client, monkeypatch):
    """The header's HTML is kept per set of links: new most-covered sections
    show on the next page, and the same sections reuse the rendering."""
    from newsroom.site import jinja2, selectors

    ArticleFactory(public=True, topics=["oil"])

    def sections(*names):
        links = [selectors.SectionLink("newsroom:topic-detail", name, name, name, 1) for name in names]
        return lambda: {"topics": links, "countries": []}

    monkeypatch.setattr(selectors, "active_sections", sections("oil", "gas"))
    first = client.get("/topics/").content.decode()
    assert 'href="/topics/gas/">gas</a>' in first
    kept = dict(jinja2._site_navs)
    client.get("/countries/")
    assert jinja2._site_navs == kept  # rendered once for both pages
    monkeypatch.setattr(selectors, "active_sections", sections("oil", "grain"))
    second = client.get("/topics/").content.decode()
    assert 'href="/topics/grain/">grain</a>' in second and "/topics/gas/" not in second


def test_a_card_kept_by_a_process_shows_the_story_as_it_is_now(client, no_page_cache):
    """Cards are rendered once per process by what they print: a changed
    headline or a new byline makes a new card, never the old one."""
    story = ArticleFactory(public=True, topics=["oil"], headline="Refinery reopens")
    assert "Refinery reopens" in client.get("/topics/oil/").content.decode()
    story.headline = "Refinery reopens after repairs"
    story.save()
    page = client.get("/topics/oil/").content.decode()
    assert "Refinery reopens after repairs" in page
    assert page.count("Refinery reopens") == 1


def test_a_kept_card_follows_its_kicker_byline_and_day(client, no_page_cache):
    """A card read with its stored document is kept by what that document
    and the article's columns hold: a renamed kicker topic, a renamed
    author or a new publication time each make a new card."""
    from newsroom.editorial import services
    from newsroom.models import Author, Topic
    from tests.factories import editor

    def card_on_gas_page() -> str:
        page = client.get("/en/topics/gas/").content.decode()
        start = page.index('<article class="card')
        return page[start : page.index("</article>", start)]

    author = AuthorFactory(name="Ana Pérez")
    story = ArticleFactory(public=True, topics=["oil", "gas"], headline="Refinery reopens", authors=[author])
    card = card_on_gas_page()
    assert "Ana Pérez" in card and ">Oil<" in card and card_on_gas_page() == card
    services.rename_topic(topic=Topic.objects.get(name="oil"), name="crude oil", user=editor())
    assert ">Crude oil<" in card_on_gas_page()
    Author.objects.filter(pk=author.pk).update(name="Ana P. Díaz")
    Author.objects.get(pk=author.pk).save()  # the save is what refreshes the stored cards
    assert "Ana P. Díaz" in card_on_gas_page()
    story = Article.objects.get(pk=story.pk)
    story.published_at = datetime(2026, 1, 2, 12, tzinfo=UTC)
    story.save()
    card = card_on_gas_page()
    assert 'datetime="2026-01-02' in card and "2 Jan 2026" in card
