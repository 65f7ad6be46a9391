"""/search/: what it finds, in what order, what it never shows, and how it
copes with whatever a reader types. Runs on SQLite and PostgreSQL; what only
PostgreSQL's full-text search does (ranking, stemming) is skipped elsewhere."""

import math
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from alliances.models import ArticleAgreement
from newsroom.discovery import search
from newsroom.discovery.search import query as search_query
from newsroom.discovery.search import snippets
from newsroom.models import Article, Topic
from newsroom.stored import search_vector
from newsroom.stored.search_vector import HIGHLIGHT_START, HIGHLIGHT_STOP
from tests.factories import AgreementFactory, ArticleAgreementFactory, ArticleFactory, AuthorFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

ON_POSTGRES = connection.vendor == "postgresql"
# The search itself (at most): two facet lookups, the matching ids, their
# ranking, the page's cards, the bodies for the snippets, the facet counts.
# On PostgreSQL one more: the planner's estimate of the matches
# (postgres.newest_matches; words it expects in more than ALL_AT_ONCE
# articles take up to three more, never here). The stems to highlight come
# with the ranking.
# The site's header adds three (navigation topics and countries, next
# scheduled publication).
QUERY_BUDGET = 7 + (1 if ON_POSTGRES else 0) + 3


def postgres_only(test):
    reason = "needs PostgreSQL full-text search (stemming, ranking); SQLite matches plain words only"
    return pytest.mark.postgres(pytest.mark.skipif(not ON_POSTGRES, reason=reason)(test))


def results(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    page = response.context.get("page")
    return [a.headline for a in page.object_list] if page else []


# --- What is found -----------------------------------------------------------


def test_finds_public_articles_by_headline_dek_and_body(client):
    ArticleFactory(public=True, headline="Blackout in Havana")
    ArticleFactory(public=True, dek="The grid failed again in Havana.")
    ArticleFactory(public=True, body="<p>Residents of <em>Havana</em> waited in the dark.</p>")
    ArticleFactory(public=True, headline="Unrelated story")
    assert len(results(client, "havana")) == 3


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": "draft"},
        {"status": "review"},
        {"status": "archived", "published_at": timezone.now() - timedelta(days=2)},
        {"scheduled": True},
    ],
    ids=["draft", "review", "archived", "scheduled"],
)
def test_non_public_articles_are_never_found_or_counted(client, hidden):
    ArticleFactory(public=True, headline="Sanctions on oil shipments", topics=["oil"], country_codes=["CU"])
    ArticleFactory(headline="Sanctions secret draft", topics=["secret"], country_codes=["KP"], **hidden)
    response = client.get("/search/", {"q": "sanctions"})
    assert [a.headline for a in response.context["page"].object_list] == ["Sanctions on oil shipments"]
    assert response.context["total"] == 1
    facets = response.context["facets"]
    assert [o.label for o in facets.topics] == ["Oil"]  # its reader name
    assert [o.label for o in facets.countries] == ["Cuba"]
    assert "secret" not in response.content.decode().lower()


def test_finds_articles_by_topic_country_and_agreement_names(client):
    tagged = ArticleFactory(public=True, headline="A story", topics=["energy crisis"])
    russia = ArticleFactory(public=True, headline="Another story", country_codes=["RU"])
    linked = ArticleFactory(public=True, headline="A third story")
    ArticleAgreementFactory(article=linked, agreement=AgreementFactory(title="Treaty of Tlatelolco"))
    assert results(client, "energy") == [tagged.headline]
    # Countries are found by their English and their Spanish names.
    assert results(client, "russia") == [russia.headline]
    assert results(client, "rusia") == [russia.headline]
    assert results(client, "tlatelolco") == [linked.headline]


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize(("query", "text"), [("Diaz", "Díaz-Canel"), ("díaz", "Diaz-Canel"), ("MOSCÚ", "moscu")])
def test_accents_and_case_are_ignored(client, query, text, language):
    ArticleFactory(public=True, language=language, headline=f"Viaje de {text}")
    assert results(client, query) == [f"Viaje de {text}"]


@postgres_only
def test_spanish_words_match_their_other_forms(client):
    ArticleFactory(public=True, language="es", headline="Firmado el acuerdo energético")
    ArticleFactory(public=True, language="es", headline="Las negociaciones continúan")
    assert results(client, "acuerdos") == ["Firmado el acuerdo energético"]
    assert results(client, "negociación") == ["Las negociaciones continúan"]


@postgres_only
def test_spanish_words_typed_without_accents_still_match(client):
    ArticleFactory(
        public=True,
        language="es",
        headline="Avanza la negociación con Moscú",
        body="<p>Los ministros retomaron la negociación el lunes.</p>",
    )
    assert results(client, "negociacion moscu") == ["Avanza la negociación con Moscú"]
    html = client.get("/search/", {"q": "negociacion"}).content.decode()
    assert "<mark>negociación</mark>" in html


@postgres_only
def test_exclusion_is_exact_in_both_languages(client):
    ArticleFactory(public=True, language="es", headline="Negociaciones sobre el petróleo")
    ArticleFactory(public=True, language="es", headline="Petróleo para la isla")
    ArticleFactory(public=True, language="en", headline="Oil negotiations stall")
    assert results(client, "petróleo -negociaciones") == ["Petróleo para la isla"]
    assert results(client, "oil -negotiation") == []


@postgres_only
def test_english_words_match_their_other_forms(client):
    ArticleFactory(public=True, language="en", headline="Leaders sign agreements")
    assert results(client, "agreement signing") == ["Leaders sign agreements"]


@postgres_only
def test_a_headline_match_outranks_a_dek_match_which_outranks_a_body_match(client):
    now = timezone.now()
    # The body match is the newest, so only the ranking puts it last.
    ArticleFactory(public=True, headline="Story one", body="<p>Mention of Venezuela.</p>", published_at=now)
    ArticleFactory(public=True, headline="Story two", dek="On Venezuela", published_at=now - timedelta(hours=1))
    ArticleFactory(public=True, headline="Venezuela votes", published_at=now - timedelta(hours=2))
    assert results(client, "venezuela") == ["Venezuela votes", "Story two", "Story one"]


def test_web_search_syntax_phrases_exclusion_and_or(client):
    ArticleFactory(public=True, headline="Strategic partnership with Iran")
    ArticleFactory(public=True, headline="Partnership that is not strategic")
    ArticleFactory(public=True, headline="Baseball season opens")
    assert results(client, '"strategic partnership"') == ["Strategic partnership with Iran"]
    assert sorted(results(client, "partnership -iran")) == ["Partnership that is not strategic"]
    assert sorted(results(client, "baseball or iran")) == ["Baseball season opens", "Strategic partnership with Iran"]


def test_a_phrase_loosened_keeps_every_word_and_drops_what_it_excludes():
    from newsroom.discovery.search import postgres

    loosened = postgres.loosened('"sanctions policy" Cuba -"human rights" -tariff or "-x or y"')
    assert loosened == '"sanctions" "policy" Cuba -tariff or "-x" "or" "y"'


@postgres_only
@pytest.mark.parametrize("excluded", [False, True], ids=["phrase", "phrase and an excluded phrase"])
def test_phrase_matches_are_the_newest_whatever_newer_stories_hold_the_words_apart(client, monkeypatch, excluded):
    """Articles holding a phrase's words apart are read as candidates (the
    index cannot see word order) and checked newest first: they never take
    the place of an older article where the words stand side by side, and
    "more than shown" is told only when there are more."""
    from newsroom.discovery.search import postgres

    monkeypatch.setattr(search_query, "RANK_LIMIT", 2)
    now = timezone.now()
    for hours in range(1, 6):  # newest: the words, apart
        ArticleFactory(
            public=True, headline=f"Policy on sanctions, take {hours}", published_at=now - timedelta(hours=hours)
        )
    ArticleFactory(public=True, headline="Human rights and sanctions policy", published_at=now - timedelta(days=1))
    for days in (2, 3):
        ArticleFactory(public=True, headline=f"Sanctions policy, day {days}", published_at=now - timedelta(days=days))
    for expected in (5_000_000, 1):  # the planner's estimate: a look among the latest first, or all at once
        monkeypatch.setattr(postgres, "planned_rows", lambda queryset, rows=expected: rows)
        if excluded:
            assert results(client, '"sanctions policy" -"human rights"') == [
                "Sanctions policy, day 2",
                "Sanctions policy, day 3",
            ]
            assert not postgres.newest_matches('"sanctions policy" -"human rights"')[1]
        else:
            assert results(client, '"sanctions policy"') == [
                "Human rights and sanctions policy",
                "Sanctions policy, day 2",
            ]
            assert postgres.newest_matches('"sanctions policy"')[1]


# --- Keeping the index current --------------------------------------------------


def test_edits_to_text_and_links_reach_the_index(client):
    article = ArticleFactory(public=True, headline="Original wording")
    article.headline = "Revised wording"
    article.save()
    assert results(client, "revised") == ["Revised wording"]
    assert results(client, "original") == []

    article.tags.add("hurricanes")
    article.countries.add("JM")
    assert results(client, "hurricanes") == results(client, "jamaica") == ["Revised wording"]
    article.tags.remove("hurricanes")
    assert results(client, "hurricanes") == []

    link = ArticleAgreement.objects.create(article=article, agreement=AgreementFactory(title="Caricom pact"))
    assert results(client, "caricom") == ["Revised wording"]
    link.agreement.title = "Caribbean compact"
    link.agreement.save()
    assert results(client, "compact") == ["Revised wording"]
    link.delete()
    assert results(client, "compact") == []

    # Through the related managers, from either side.
    pact = AgreementFactory(title="Bolivarian pact")
    article.agreements.add(pact)
    assert results(client, "bolivarian") == ["Revised wording"]
    pact.articles.clear()
    assert results(client, "bolivarian") == []
    pact.articles.add(article)
    assert results(client, "bolivarian") == ["Revised wording"]


def test_renaming_or_deleting_a_topic_reaches_the_index(client):
    ArticleFactory(public=True, headline="A story", topics=["migraton"])
    topic = Topic.objects.get(name="migraton")
    topic.name = "migration"
    topic.save()
    assert results(client, "migration") == ["A story"]
    topic.delete()
    assert results(client, "migration") == []


def test_a_status_change_keeps_the_vector(client):
    article = ArticleFactory(status="draft", headline="Embargo vote")
    article.status = Article.Status.PUBLISHED
    article.published_at = timezone.now() - timedelta(minutes=1)
    article.save(update_fields=["status", "published_at"])
    assert results(client, "embargo") == ["Embargo vote"]


def test_refresh_rebuilds_vectors_changed_behind_the_orm(client):
    article = ArticleFactory(public=True, headline="Tobacco harvest")
    Article.objects.filter(pk=article.pk).update(headline="Sugar harvest")
    assert results(client, "sugar") == []
    search_vector.refresh_search_vector(None)
    assert results(client, "sugar") == ["Sugar harvest"]


# --- The results page -------------------------------------------------------------


def test_results_show_headline_dek_date_and_a_highlighted_snippet(client):
    ArticleFactory(
        public=True,
        headline="Port reopens",
        dek="Ships return to Mariel.",
        body="<p>After months of repairs the port of Mariel reopened on Monday to container traffic.</p>",
    )
    html = client.get("/search/", {"q": "repairs"}).content.decode()
    assert "Port reopens" in html
    assert "Ships return to Mariel." in html
    assert "<time datetime=" in html
    assert "<mark>repairs</mark>" in html


def test_snippets_escape_the_text_around_the_highlight(client):
    ArticleFactory(
        public=True,
        headline="Escaping",
        body="<p>Cuban &lt;script&gt;alert(1)&lt;/script&gt; officials \ue000said\ue001 more.</p>",
    )
    html = client.get("/search/", {"q": "officials"}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<mark>officials</mark>" in html
    assert "<mark>said</mark>" not in html


def test_the_snippet_is_taken_from_around_the_first_match_however_deep(client):
    before, after = (" ".join(f"{name}{i}" for i in range(400)) for name in ("before", "after"))
    ArticleFactory(
        public=True,
        headline="Long read",
        body=f"<p>{before}</p><p>Late in the story the tanker reached Matanzas at dawn, and more.</p><p>{after}</p>",
    )
    html = client.get("/search/", {"q": "Matanzas"}).content.decode()
    snippet = html[html.index('<p class="snippet">') :].split("</p>", 1)[0]
    assert "<mark>Matanzas</mark>" in snippet
    # A few words of lead-in, marked as cut at both ends.
    assert snippet.startswith('<p class="snippet">… ') and snippet.endswith(" …")
    assert "before0 " not in snippet and "the tanker reached" in snippet


def test_a_snippet_without_a_match_in_the_body_is_its_opening(client):
    ArticleFactory(public=True, headline="Matanzas port", body="<p>Ships came and went all week.</p>")
    html = client.get("/search/", {"q": "Matanzas"}).content.decode()
    assert '<p class="snippet">Ships came and went all week.</p>' in html


@postgres_only
def test_words_are_highlighted_by_their_stem_as_they_were_found(client):
    ArticleFactory(public=True, headline="Talks", body="<p>The two countries negotiated for a year.</p>")
    html = client.get("/search/", {"q": "negotiations -weather"}).content.decode()
    assert "<mark>negotiated</mark>" in html
    assert "<mark>countries</mark>" not in html
    # Words of an excluded phrase are not highlighted either.
    ArticleFactory(public=True, headline="Trade", body="<p>Ministers negotiated on behalf of many countries.</p>")
    html = client.get("/search/", {"q": 'negotiations -"two countries"'}).content.decode()
    assert "Ministers <mark>negotiated</mark> on behalf of many countries." in html


def _whole_text_snippet(body_html, pattern, size=30, lead=8):
    """The snippet as first written: the whole body cleaned and split, then
    cut around the first match. python_snippet reads only the words near
    the match and must give the same answer."""
    from newsroom.core.text import body_text

    text = " ".join(search_query.UNWANTED.sub(" ", body_text(body_html)).split())
    if not text:
        return ""
    hit = pattern.search(text) if pattern else None
    start = 0
    if hit:
        before = text[: hit.start()].rsplit(" ", lead)
        start = len(before[0]) + 1 if len(before) > lead else 0
    words = text[start:].split(" ", size)
    snippet = " ".join(words[:size])
    if pattern:
        snippet = pattern.sub(lambda match: f"{HIGHLIGHT_START}{match.group()}{HIGHLIGHT_STOP}", snippet)
    return ("… " if start else "") + snippet + (" …" if len(words) > size else "")


@pytest.mark.parametrize("seed", range(40))
def test_a_snippet_read_near_the_match_equals_one_cut_from_the_whole_body(seed):
    import random

    rng = random.Random(seed)
    pieces = ["Cuba", "(Cuba)", "cubanos", "Habana", "la", "de", "\u00a0", "\n\t ", "\x07", HIGHLIGHT_START,
              "&amp;", "</p><p>", "<strong>", "negociación", "x" * 40, "petróleo,", "—", "  "]  # fmt: skip
    length = rng.choice([0, 1, 5, 20, 200, 2000])
    body = "<p>" + " ".join(rng.choice(pieces) for _ in range(length)) + "</p>"
    stems = rng.choice([["cuba"], ["habana", "petrole"], ["nothing"], []])
    pattern = snippets.stem_pattern(stems)
    for size, lead in [(30, 8), (5, 1), (12, 4)]:
        assert snippets.python_snippet(body, pattern, size, lead) == _whole_text_snippet(body, pattern, size, lead)


def test_highlight_html_only_ever_produces_balanced_marks():
    marked = f"a {HIGHLIGHT_STOP}<b>{HIGHLIGHT_START}x{HIGHLIGHT_START} &amp; y"
    assert str(snippets.highlight_html(marked)) == "a &lt;b&gt;<mark>x &amp; y</mark>"


def test_facets_count_matches_and_narrow_the_search(client):
    last_year = timezone.now().replace(month=6, day=1) - timedelta(days=365)
    ArticleFactory(public=True, headline="Oil for Cuba", topics=["energy"], country_codes=["CU", "VE"])
    ArticleFactory(public=True, headline="Oil for Nicaragua", topics=["energy"], country_codes=["NI", "VE"])
    ArticleFactory(public=True, headline="Oil prices", topics=["markets"], published_at=last_year)

    response = client.get("/search/", {"q": "oil"})
    facets = response.context["facets"]
    assert {o.value: o.count for o in facets.countries} == {"venezuela": 2, "cuba": 1, "nicaragua": 1}
    assert {o.value: o.count for o in facets.topics} == {"energy": 2, "markets": 1}
    assert {o.count for o in facets.years} == {2, 1}

    cuba = next(o for o in facets.countries if o.value == "cuba")
    narrowed = client.get("/search/" + cuba.url)
    assert [a.headline for a in narrowed.context["page"].object_list] == ["Oil for Cuba"]
    assert next(o for o in narrowed.context["facets"].countries if o.value == "cuba").selected

    assert results(client, "oil", topic="energy", year=str(last_year.year)) == []
    assert results(client, "oil", year=str(last_year.year)) == ["Oil prices"]


@pytest.mark.parametrize(
    "params",
    [
        {"country": "atlantis"},
        {"country": "../../etc"},
        {"topic": "x" * 500},
        {"year": "twenty"},
        {"year": "99999999999999999999999"},
        {"year": "-5"},
        {"country": "cuba\x00"},
    ],
)
def test_bad_facet_values_are_ignored(client, params):
    ArticleFactory(public=True, headline="Oil for Cuba", country_codes=["CU"])
    assert results(client, "oil", **params) == ["Oil for Cuba"]


def test_results_are_paginated_twenty_a_page(client):
    for i in range(21):
        ArticleFactory(public=True, headline=f"Drought report {i}")
    first = client.get("/search/", {"q": "drought"})
    assert len(first.context["page"].object_list) == 20
    assert "page=2" in first.content.decode()
    assert len(results(client, "drought", page="2")) == 1
    for bad in ("3", "0", "abc", "-1"):
        assert client.get("/search/", {"q": "drought", "page": bad}).status_code == 404


def test_only_the_newest_matches_are_ranked(client, monkeypatch):
    monkeypatch.setattr(search_query, "RANK_LIMIT", 2)
    now = timezone.now()
    for i in range(3):
        ArticleFactory(public=True, headline=f"Tariff story {i}", published_at=now - timedelta(days=i))
    # The English edition, whose heading is in English.
    response = client.get("/en/search/", {"q": "tariff"})
    assert sorted(a.headline for a in response.context["page"].object_list) == ["Tariff story 0", "Tariff story 1"]
    assert response.context["total"] == 2
    assert response.context["capped"]
    assert "More than 2 results" in response.content.decode()
    assert sum(o.count for o in response.context["facets"].years) == 2
    assert "Más de 2 resultados" in client.get("/search/", {"q": "tariff"}).content.decode()


@pytest.mark.parametrize(
    "ages",
    [
        [1, 2, 3, 400],  # the last month's matches suffice
        [1, 50, 100, 800],  # the last year's
        [1, 400, 800, 1200],  # only the whole archive's
        [900, 1000],  # fewer than the limit, all old
    ],
)
def test_the_newest_matches_are_ranked_however_old_they_are(client, monkeypatch, ages):
    monkeypatch.setattr(search_query, "RANK_LIMIT", 2)
    now = timezone.now()
    for age in ages:
        ArticleFactory(public=True, headline=f"Tariff story {age}", published_at=now - timedelta(days=age))

    response = client.get("/search/", {"q": "tariff"})

    found = sorted(a.headline for a in response.context["page"].object_list)
    assert found == sorted(f"Tariff story {age}" for age in sorted(ages)[:2])
    assert response.context["capped"] == (len(ages) > 2)


@postgres_only
@pytest.mark.parametrize("look_back", [1, 7, 100])
@pytest.mark.parametrize(
    "ages",
    [
        [1, 2, 3, 400],
        [1, 50, 100, 800],
        [1, 400, 800, 1200],
        [900, 1000],
    ],
)
def test_a_common_word_looked_for_among_the_latest_articles_first_finds_the_same(client, monkeypatch, ages, look_back):
    """Words the planner expects in many articles are looked for among the
    latest ``look_back`` articles first; whether that look holds enough
    matches or not, the answer is the newest matches of the whole archive."""
    from newsroom.discovery.search import postgres

    monkeypatch.setattr(search_query, "RANK_LIMIT", 2)
    monkeypatch.setattr(postgres, "ALL_AT_ONCE", -1)
    monkeypatch.setattr(postgres, "LOOK_BACK_MARGIN", 1)
    now = timezone.now()
    for age in ages:
        ArticleFactory(public=True, headline=f"Tariff story {age}", published_at=now - timedelta(days=age))
    for age in range(10):  # other news, so that the latest articles are not all matches
        ArticleFactory(public=True, headline=f"Weather report {age}", published_at=now - timedelta(days=age, hours=1))
    public = Article.objects.published().count()
    # The estimate that makes the first look span the latest ``look_back`` articles.
    monkeypatch.setattr(postgres, "planned_rows", lambda queryset: public * 2 / look_back)
    monkeypatch.setattr(postgres, "_public_articles", lambda: public)
    looked = []
    real = postgres._newest
    monkeypatch.setattr(postgres, "_newest", lambda m, *args: looked.append(m) or real(m, *args))

    response = client.get("/search/", {"q": "tariff"})

    found = sorted(a.headline for a in response.context["page"].object_list)
    assert found == sorted(f"Tariff story {age}" for age in sorted(ages)[:2])
    assert response.context["capped"] == (len(ages) > 2)
    # The first look was narrowed to the latest articles (unless there are
    # fewer of them than it would span); the older articles were read only
    # when that look held too few, and then only they.
    span = math.ceil(2 * public / (public * 2 / look_back))
    latest = list(Article.objects.published().order_by("-published_at").values_list("headline", flat=True))

    def narrowed(matches) -> str:
        sql = str(matches.query)
        return "latest" if '"published_at" >=' in sql else "older" if '"published_at" < ' in sql else "all"

    looks = [narrowed(m) for m in looked]
    if span > len(latest):
        assert looks == ["all"]
    else:
        enough = sum(h.startswith("Tariff") for h in latest[:span]) > 2
        assert looks == (["latest"] if enough else ["latest", "older"])


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="the search indexes are PostgreSQL's")
def test_each_language_has_its_own_search_index():
    """The index answers "in this language and matching that query", so a
    search reads no stored vector back from the table (migration 0011)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'newsroom_article'")
        definitions = dict(cursor.fetchall())
    assert "= 'es'" in definitions["article_search_es_gin"]
    assert "<> 'es'" in definitions["article_search_other_gin"]
    assert "article_search_vector_gin" not in definitions


# --- Hostile input -------------------------------------------------------------------


def test_empty_search_shows_the_form_and_no_results(client):
    ArticleFactory(public=True, headline="Anything")
    for params in ({}, {"q": ""}, {"q": "   "}, {"q": "\x00\x01"}):
        response = client.get("/search/", params)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'name="q"' in html
        assert "Anything" not in html
        assert "page" not in response.context


@pytest.mark.parametrize(
    "query",
    [
        "x" * 10_000,
        "cuba " * 2_000,
        "'\":*&|!()<>",
        "&&&|||!!!:*:*",
        "((((((((((",
        '"""',
        "-",
        "- - - or or or",
        "cuba\x00havana",
        "\x00",
        "'; DROP TABLE newsroom_article; --",
        "cuba' OR '1'='1",
        "1; SELECT pg_sleep(10)",
        "%_%\\",
        "<script>alert(1)</script>",
        "\ue000cuba\ue001",
    ],
)
def test_hostile_queries_answer_200_cheaply(client, django_assert_max_num_queries, query):
    ArticleFactory(public=True, headline="Cuba and Havana", topics=["energy"], country_codes=["CU"])
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert len(response.context["query"]) <= search_query.MAX_QUERY_LENGTH
    assert "\x00" not in response.context["query"]
    assert "<script>alert" not in response.content.decode()


def test_bytes_that_are_not_utf8_are_harmless(client):
    response = client.get("/search/?q=%ED%A0%80%FF%00cuba")
    assert response.status_code == 200


def test_unknown_and_repeated_parameters_are_ignored(client):
    ArticleFactory(public=True, headline="Cuba and Havana")
    # As everywhere in Django, the last of repeated values wins.
    response = client.get("/search/?q=other&q=havana&utm_source=x&q[]=1&country[]=cu&page_size=1000")
    assert response.status_code == 200
    assert [a.headline for a in response.context["page"].object_list] == ["Cuba and Havana"]


def test_clean_query_drops_control_characters_and_cuts_long_input():
    assert search_query.clean_query("  cuba\x00 \x1f havana\n") == "cuba havana"
    assert search_query.clean_query("word " * 1000) == " ".join(["word"] * 40)[: search_query.MAX_QUERY_LENGTH].strip()


# --- Query budget ------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 30])
def test_search_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, count):
    author = AuthorFactory()
    for i in range(count):
        ArticleFactory(
            public=True,
            headline=f"Remittances report {i}",
            authors=[author],
            topics=["economy", f"topic {i}"],
            country_codes=["CU", "US"],
        )
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get("/search/", {"q": "remittances", "country": "cuba", "topic": "economy"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 20)


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="prepared statements and parallel workers are PostgreSQL's; this is SQLite")
def test_search_statements_are_planned_for_their_words(client):
    """The site's connections prepare a statement run twice (a generic plan
    may follow), except inside search.custom_plans, where every statement is
    planned with its own values; no statement of the site starts parallel
    workers."""
    ArticleFactory(public=True, headline="Zafra azucarera en Matanzas", language="es")

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    def searched() -> list[str]:
        return [text for text in prepared() if "websearch_to_tsquery" in text]

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('max_parallel_workers_per_gather')")
        assert cursor.fetchone() == ("0",)
    if connection.connection.prepare_threshold is None:
        pytest.skip("this run has prepared statements turned off (DB_PREPARED_STATEMENTS)")
    threshold = connection.connection.prepare_threshold
    for word in ["zafra", "azucarera", "Matanzas", "zafra"]:
        assert results(client, word) == ["Zafra azucarera en Matanzas"]
    assert searched() == []
    assert connection.connection.prepare_threshold == threshold  # the block gave it back
    # The same statements outside the block are prepared: the test can tell.
    for _ in range(threshold + 1):
        assert search.engine().query_stems("zafra")
    assert searched()
