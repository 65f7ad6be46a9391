"""Full-text search over public articles: the stored search vector, the
query, facets, snippets, and the /search/ page.

PostgreSQL (production and CI)
    ``Article.search_vector`` is a stored tsvector: headline at weight A; dek
    and the names of the article's topics, countries (English and Spanish
    names) and agreements at B; body text at C; behind a GIN index.

    Each article is stemmed in its own language, and a query is matched
    against each article in that article's language: Spanish articles with
    ``websearch_to_tsquery('spanish', q)``, English ones with
    ``websearch_to_tsquery('newsroom_en', q)`` ("quoted phrases",
    -exclusion and ``or`` work). Parsing the query once per language, rather
    than ORing parses, keeps -exclusion exact.

    Accents: PostgreSQL's Spanish stemmer already drops acute accents from
    what it returns ("Díaz" and "Diaz" both give diaz), but it needs them to
    recognise endings: "negociación" gives negoci, "negociacion" does not.
    Readers often type without accents, so a Spanish article's vector also
    holds, for each word whose accent-free spelling stems differently, that
    stem (from ``newsroom_es``, the Spanish stemmer behind ``unaccent``; see
    migration 0003). English articles use ``newsroom_en``, the English
    stemmer behind ``unaccent``, so accents never matter there.

    Ranking (``ts_rank``) and counting cost in proportion to the number of
    matches, so a search works on the newest ``RANK_LIMIT`` matches: it ranks
    them, counts them for the facets, and says when there were more.

SQLite (the zero-set-up default)
    The same column holds the article's words, lower-cased and stripped of
    accents, in one string. Queries get the same treatment and the same
    syntax (phrases, -exclusion, ``or``); each term must begin a word of the
    document. Plain words find what PostgreSQL finds, without stemming.
    Results come in order of where the first term appears (headline first),
    then newest first.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.apps import apps as django_apps
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryField,
    SearchRank,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorField,
)
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Concat, ExtractYear, StrIndex
from django.shortcuts import render
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from alliances.models import Country
from newsroom import selectors
from newsroom.db import json_list, rows_of
from newsroom.models import Article, TaggedCountry, TaggedTopic, Topic
from newsroom.views import page_meta, paginate

# Longer queries are cut: nobody types more, and the cost of a query grows
# with its length.
MAX_QUERY_LENGTH = 200
# A search ranks and counts only this many matches, the newest; see the
# module docstring.
RANK_LIMIT = 500
# SQLite scans every document once per term: keep the number of terms small.
MAX_FALLBACK_TERMS = 10
FACET_SIZE = 12
# PostgreSQL text search configurations. Articles and queries in a language
# are parsed with SEARCH_CONFIGS[language]; "spanish" is built in, while
# newsroom_en and newsroom_es (the Spanish stemmer behind unaccent, for the
# accent-free stems) come from migration 0003.
SEARCH_CONFIGS = {"es": "spanish", "en": "newsroom_en"}
SPANISH_UNACCENTED = "newsroom_es"

# Private-use characters that mark highlighted words on their way from the
# database to the page; see highlight_html().
_START, _STOP = "\ue000", "\ue001"
_TAG = re.compile(r"<[^>]*>")
_WORD = re.compile(r"\w+")
# NUL (which PostgreSQL refuses in text), other control characters, and our
# own markers never reach a query.
_UNWANTED = re.compile(f"[\x00-\x1f\x7f{_START}{_STOP}]")
# A quoted phrase (closing quote optional) or a bare word, either one
# optionally preceded by "-".
_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def uses_postgres(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql"


def clean_query(raw: str | None) -> str:
    """The query as it will be searched: control characters (NUL included)
    gone, whitespace collapsed, at most MAX_QUERY_LENGTH characters."""
    return " ".join(_UNWANTED.sub(" ", raw or "").split())[:MAX_QUERY_LENGTH].strip()


def fold(text: str) -> str:
    """Lower case without accents: "Díaz" and "DIAZ" both become "diaz"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def body_text(body_html: str | None) -> str:
    """The readable text of a sanitised body: tags become spaces (so that
    paragraphs do not run together) and entities become characters."""
    return html.unescape(_TAG.sub(" ", body_html or ""))


def folded_document(*texts: str) -> str:
    """The SQLite search document: every word folded, one space apart. The
    bars keep SQLite from storing an all-digit document as a number (the
    column's type name gives it numeric affinity)."""
    words = _WORD.findall(fold(" ".join(texts)))
    return f"| {' '.join(words)} |"


# --- Keeping the vector current ---------------------------------------------


def refresh_search_vector(article_ids: Iterable[int] | None, *, registry=None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the stored search vector of the given articles, or of every
    article when ``article_ids`` is None.

    Called by newsroom.signals whenever an article's text, topics, countries
    or agreement links change, and by migration 0003 (with its historical
    ``registry``). Writes with ``update()``: no signals, no ``updated_at``
    change. Code that changes links behind the ORM's back (raw SQL,
    ``QuerySet.update()`` on the link tables, such as a tag merge) calls it
    itself.
    """
    registry = registry or django_apps
    article_model = registry.get_model("newsroom", "Article")
    articles = article_model._base_manager.using(using)
    if article_ids is not None:
        ids = sorted({int(pk) for pk in article_ids if pk is not None})
        if not ids:
            return
        articles = articles.filter(pk__in=ids)
    with transaction.atomic(using=using):
        if uses_postgres(using):
            _refresh_tsvector(articles, registry)
        else:
            all_ids = ids if article_ids is not None else list(articles.values_list("pk", flat=True))
            _refresh_folded(article_model, all_ids, registry, using)


def _names(registry, app_label: str, model_name: str, article_fk: str, name) -> Subquery:
    """The names linked to the outer article, as one space-separated string."""
    link_model = registry.get_model(app_label, model_name)
    return Subquery(
        link_model._base_manager.filter(**{article_fk: OuterRef("pk")})
        .order_by()
        .values(article_fk)
        .annotate(names=StringAgg(name, " "))
        .values("names"),
        output_field=TextField(),
    )


def _body_text_sql():
    """The body's text in SQL: tags (and stray highlight markers) become spaces."""
    return Func(
        F("body"),
        Value(f"<[^>]*>|[{_START}{_STOP}]"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


class _TsDelete(SearchVectorCombinable, Func):
    """ts_delete(vector, lexemes): the vector without those lexemes."""

    function = "ts_delete"
    output_field = SearchVectorField()


def _refresh_tsvector(articles: QuerySet, registry) -> None:
    topics = _names(registry, "newsroom", "TaggedTopic", "content_object", "tag__name")
    countries = _names(
        registry,
        "newsroom",
        "TaggedCountry",
        "content_object",
        Concat("tag__name", Value(" "), "tag__name_es", output_field=TextField()),
    )
    agreements = _names(registry, "alliances", "ArticleAgreement", "article", "agreement__title")

    def weighted(config: str):
        return (
            SearchVector("headline", config=config, weight="A")
            + SearchVector("dek", topics, countries, agreements, config=config, weight="B")
            + SearchVector(_body_text_sql(), config=config, weight="C")
        )

    articles.exclude(language="es").update(search_vector=weighted(SEARCH_CONFIGS["en"]))
    spanish = articles.filter(language="es")
    spanish.update(search_vector=weighted(SEARCH_CONFIGS["es"]))
    # Then the accent-free stems the Spanish vector lacks, and only those, so
    # that no word counts twice in the ranking. A second UPDATE because it
    # reads the first one's result: in a single statement PostgreSQL would
    # stem the whole text (the dearest part, ~2.5 ms for 6 kB) twice.
    stored = F("search_vector")
    spanish.update(
        search_vector=CombinedExpression(
            stored,
            "||",
            _TsDelete(
                weighted(SPANISH_UNACCENTED),
                Func(stored, function="tsvector_to_array", output_field=ArrayField(TextField())),
            ),
            output_field=SearchVectorField(),
        )
    )


def _refresh_folded(article_model, all_ids: list[int], registry, using: str, batch: int = 500) -> None:
    topic_links = registry.get_model("newsroom", "TaggedTopic")._base_manager.using(using)
    country_links = registry.get_model("newsroom", "TaggedCountry")._base_manager.using(using)
    agreement_links = registry.get_model("alliances", "ArticleAgreement")._base_manager.using(using)
    for start in range(0, len(all_ids), batch):
        ids = all_ids[start : start + batch]
        names = defaultdict(list)
        for pk, name in topic_links.filter(content_object_id__in=ids).values_list("content_object_id", "tag__name"):
            names[pk].append(name)
        for pk, name, name_es in country_links.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name", "tag__name_es"
        ):
            names[pk] += [name, name_es]
        for pk, title in agreement_links.filter(article_id__in=ids).values_list("article_id", "agreement__title"):
            names[pk].append(title)
        rows = article_model._base_manager.using(using).filter(pk__in=ids)
        documents = [
            article_model(pk=pk, search_vector=folded_document(headline, dek, *names[pk], body_text(body)))
            for pk, headline, dek, body in rows.values_list("pk", "headline", "dek", "body")
        ]
        article_model._base_manager.using(using).bulk_update(documents, ["search_vector"])


# --- Queries ---------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    words: str  # folded words, one space apart
    negated: bool = False


def parse_query(query: str) -> list[list[Term]]:
    """The fallback's reading of web-search syntax: groups separated by "or",
    each a list of terms that must all hold. At most MAX_FALLBACK_TERMS terms."""
    groups: list[list[Term]] = []
    current: list[Term] = []
    count = 0
    for match in _QUERY_TOKEN.finditer(query):
        is_phrase = match.group(2) is not None
        raw = match.group(2) if is_phrase else match.group(4)
        negated = bool(match.group(1) or match.group(3))
        if not is_phrase and not negated and raw.lower() == "or":
            if current:
                groups.append(current)
                current = []
            continue
        words = _WORD.findall(fold(raw))
        if words and count < MAX_FALLBACK_TERMS:
            current.append(Term(" ".join(words), negated))
            count += 1
    if current:
        groups.append(current)
    return groups


def _positive_words(query: str) -> list[str]:
    return [w for group in parse_query(query) for t in group if not t.negated for w in t.words.split()]


def _tsquery(query: str, language: str) -> SearchQuery:
    return SearchQuery(query, config=SEARCH_CONFIGS[language], search_type="websearch")


def _tsquery_for_each_article(query: str) -> Case:
    """The query parsed in the language of the article it is compared with."""
    return Case(
        When(language="es", then=_tsquery(query, "es")),
        default=_tsquery(query, "en"),
        output_field=SearchQueryField(),
    )


def _fallback_condition(query: str) -> Q:
    condition = None
    for group in parse_query(query):
        clause = Q()
        for term in group:
            # A leading space: the term must begin a word of the document.
            contains = Q(search_vector__contains=f" {term.words}")
            clause &= ~contains if term.negated else contains
        condition = clause if condition is None else condition | clause
    return condition if condition is not None else Q(pk__in=[])


@dataclass
class Filters:
    country: Country | None = None
    topic: Topic | None = None
    year: int | None = None


def matching_articles(query: str, filters: Filters | None = None) -> QuerySet:
    """Every public article that matches ``query`` and the chosen facets."""
    articles = Article.objects.published()
    if uses_postgres():
        # Two conditions on the indexed column: PostgreSQL can OR two GIN scans.
        articles = articles.filter(
            Q(language="es", search_vector=_tsquery(query, "es"))
            | (~Q(language="es") & Q(search_vector=_tsquery(query, "en")))
        )
    else:
        articles = articles.filter(_fallback_condition(query))
    filters = filters or Filters()
    if filters.country is not None:
        articles = articles.filter(country_links__tag=filters.country)
    if filters.topic is not None:
        articles = articles.filter(topic_links__tag=filters.topic)
    if filters.year is not None:
        articles = articles.filter(published_at__year=filters.year)
    return articles


def candidate_ids(matches: QuerySet) -> tuple[list[int], bool]:
    """The ids of the newest RANK_LIMIT matches, and whether there were more.

    Everything after this (ranking, facets, counts, the page) works on these
    ids only, so a word found in half the archive costs no more than a rare
    one: counting every match of a common word means reading every matching
    row, which at 20,000 articles already took 150 ms per facet."""
    ids = list(matches.order_by("-published_at", "-pk").values_list("pk", flat=True)[: RANK_LIMIT + 1])
    return ids[:RANK_LIMIT], len(ids) > RANK_LIMIT


def ranked_ids(query: str, ids: list[int]) -> list[int]:
    """``ids`` (matches, newest first), best match first: by rank on
    PostgreSQL; on SQLite by where the first word appears (headline first),
    then newest first."""
    if not ids:
        return []
    articles = Article.objects.published().filter(pk__any=frozenset(ids))
    if uses_postgres():
        rank = SearchRank(F("search_vector"), _tsquery_for_each_article(query), normalization=Value(1))
        articles = articles.annotate(rank=rank).order_by("-rank", "-published_at", "-pk")
    else:
        words = _positive_words(query)
        if not words:
            return list(ids)
        first_seen = StrIndex("search_vector", Value(f" {words[0]}"))
        articles = articles.annotate(first_seen=first_seen).order_by("first_seen", "-published_at", "-pk")
    return list(articles.values_list("pk", flat=True))


def result_page(request, ranked: list[int]):
    """The requested page of ``ranked`` ids (a 404 if there is no such
    page), its ids replaced by their cards in the same order."""
    page = paginate(request, ranked)
    found = {card.pk: card for card in selectors.cards(list(page.object_list))}
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


# --- Snippets --------------------------------------------------------------


def highlight_html(marked: str, *, unescape: bool = True) -> SafeString:
    """Safe HTML from text whose highlighted words sit between the private
    _START/_STOP markers: everything is escaped, then only balanced markers
    become <mark> elements. ``unescape`` first turns entities left in the text
    (from a stored body) back into characters, so they are not escaped twice."""
    out, open_mark = [], False
    for part in re.split(f"([{_START}{_STOP}])", " ".join(marked.split())):
        if part == _START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif part == _STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        else:
            text = html.unescape(part) if unescape else part
            out.append(escape(_UNWANTED.sub("", text)))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 - every piece of text went through escape()


# Lexemes in PostgreSQL's text form of a tsquery: 'word', a quote inside
# doubled. querytree() leaves out the negated ones (-word, -"a phrase").
_LEXEME = re.compile(r"'((?:[^']|'')+)'")
# What an unaccented letter stands for when a stem is looked for in text.
_ACCENTED = {
    "a": "aáàâäãå",
    "e": "eéèêë",
    "i": "iíìîï",
    "o": "oóòôöõ",
    "u": "uúùûü",
    "n": "nñ",
    "c": "cç",
    "y": "yýÿ",
}


def query_stems(query: str) -> list[str]:
    """The beginnings of the words to highlight for ``query``: its words
    (folded), and on PostgreSQL also their stems in each configuration an
    article may be searched with ("negociacion" gives negoci, which also
    begins "negociaciones"). Negated words are left out."""
    stems = set(_positive_words(query))
    if uses_postgres():
        configs = [*SEARCH_CONFIGS.values(), SPANISH_UNACCENTED]
        sql = "SELECT " + ", ".join(["querytree(websearch_to_tsquery(%s::regconfig, %s))"] * len(configs))
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql, [value for config in configs for value in (config, query)])
            trees = cursor.fetchone()
        for tree in trees:
            stems.update(fold(word.replace("''", "'")) for word in _LEXEME.findall(tree))
    return sorted(stem for stem in stems if stem)


def stem_pattern(stems: list[str]) -> re.Pattern | None:
    """A regular expression for a word of text (any case, accents or not)
    that begins with one of ``stems``. English stems may end in "i" where
    the word has "y" (country: countri)."""
    alternatives = []
    for stem in sorted(set(stems), key=len, reverse=True):
        for variant in [stem] + ([stem[:-1] + "y"] if stem.endswith("i") else []):
            alternatives.append("".join(f"[{_ACCENTED[c]}]" if c in _ACCENTED else re.escape(c) for c in variant))
    if not alternatives:
        return None
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\w*", re.IGNORECASE)


def python_snippet(body_html: str, pattern: re.Pattern | None, size: int = 30, lead: int = 8) -> str:
    """About ``size`` words of the body, from ``lead`` words before the
    first word ``pattern`` finds (or from the start), with every such word
    marked. Only the text near the first match is examined closely, so a
    page of long bodies costs about a millisecond."""
    text = " ".join(_UNWANTED.sub(" ", body_text(body_html)).split())
    if not text:
        return ""
    hit = pattern.search(text) if pattern else None
    start = 0
    if hit:
        before = text[: hit.start()].rsplit(" ", lead)
        start = len(before[0]) + 1 if len(before) > lead else 0
    words = text[start:].split(" ", size)
    more = len(words) > size
    snippet = " ".join(words[:size])
    if pattern:
        snippet = pattern.sub(lambda match: f"{_START}{match.group()}{_STOP}", snippet)
    return ("… " if start else "") + snippet + (" …" if more else "")


def add_snippets(articles: list[Article], query: str) -> None:
    """Give each article a ``snippet``: safe HTML, a piece of its body with
    the query's words in <mark>.

    Written in Python from the body, the query's words and their stems
    (query_stems), not by PostgreSQL's ts_headline: that parses and stems
    the whole body of every result, about 0.8 ms an article (over half of a
    search's time at 100,000 articles), where this reads the text once with
    a regular expression. The highlighted words are the ones beginning with
    a stem, which is how PostgreSQL matched them."""
    ids = [a.pk for a in articles]
    if not ids:
        return
    pattern = stem_pattern(query_stems(query))
    bodies = dict(Article.objects.published().filter(pk__in=ids).values_list("pk", "body"))
    for article in articles:
        article.snippet = highlight_html(python_snippet(bodies.get(article.pk, ""), pattern), unescape=False)


# --- Facets ----------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class Facets:
    countries: list[FacetOption] = field(default_factory=list)
    topics: list[FacetOption] = field(default_factory=list)
    years: list[FacetOption] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[FacetOption]]]:
        return [("Country", self.countries), ("Topic", self.topics), ("Year", self.years)]


def _query_string(params: dict) -> str:
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


def facet_rows(ids: list[int]) -> tuple[list, list, list]:
    """How many of the articles ``ids`` fall in each country and topic (the
    FACET_SIZE commonest: slug, name, count) and in each year (year, count),
    in one round trip. PostgreSQL's searches get these from
    :func:`find_matches`' one query instead."""
    if not ids:
        return [], [], []
    among = frozenset(ids)

    def tags(link_model):
        return (
            link_model.objects.filter(content_object_id__any=among)
            .values("tag__slug", "tag__name")
            .annotate(n=Count("pk"))
            .order_by("-n", "tag__name")[:FACET_SIZE]
            .values_list("tag__slug", "tag__name", "n")
        )

    years = (
        Article.objects.published()
        .filter(pk__any=among)
        .annotate(year=ExtractYear("published_at"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-year")
        .values_list("year", "n")
    )
    countries, topics, years = rows_of(tags(TaggedCountry), tags(TaggedTopic), years)
    return countries, topics, years


def facets_from_rows(countries: list, topics: list, years: list, state: dict) -> Facets:
    """The facet options; each links to the search narrowed by it (or
    widened again, if it is the one selected)."""

    def option(key: str, value, label: str, count: int) -> FacetOption:
        selected = str(state.get(key) or "") == str(value)
        url = "?" + _query_string({**state, key: None if selected else value})
        return FacetOption(str(value), label, count, selected, url)

    return Facets(
        countries=[option("country", slug, name, n) for slug, name, n in countries],
        topics=[option("topic", slug, name, n) for slug, name, n in topics],
        years=[option("year", year, str(year), n) for year, n in years],
    )


@dataclass
class Matches:
    """What a search found: the ids of the newest RANK_LIMIT matches, best
    first; whether there were more; and the facet rows (see facet_rows)."""

    ranked: list[int]
    capped: bool
    countries: list
    topics: list
    years: list


def find_matches(query: str, filters: Filters) -> Matches:
    """The search itself, before the page is read: one query on PostgreSQL
    (see _postgres_matches); on SQLite the candidates, their order and the
    facets one after the other."""
    if uses_postgres():
        return _postgres_matches(query, filters)
    ids, capped = candidate_ids(matching_articles(query, filters))
    return Matches(ranked_ids(query, ids), capped, *facet_rows(ids))


# The matches (the newest RANK_LIMIT + 1), then over the newest RANK_LIMIT of
# them: their order by rank, and the three facets.
_MATCHES_SQL = """
WITH found AS MATERIALIZED ({matches}),
c AS (SELECT * FROM found ORDER BY "published_at" DESC, "pk" DESC LIMIT %s)
SELECT
  (SELECT count(*) FROM found),
  (SELECT json_agg(c."pk" ORDER BY ts_rank(c."search_vector", CASE WHEN c."language" = %s
      THEN websearch_to_tsquery(%s::regconfig, %s) ELSE websearch_to_tsquery(%s::regconfig, %s) END, 1) DESC,
      c."published_at" DESC, c."pk" DESC) FROM c),
  {countries},
  {topics},
  (SELECT json_agg(json_build_array(f.year, f.n) ORDER BY f.year DESC) FROM (
      SELECT EXTRACT(YEAR FROM c."published_at" AT TIME ZONE %s)::int AS year, count(*) AS n FROM c GROUP BY 1) f)
"""
_TAG_FACET_SQL = """(SELECT json_agg(json_build_array(f.slug, f.name, f.n) ORDER BY f.n DESC, f.name) FROM (
      SELECT t."slug", t."name", count(*) AS n FROM {links} l JOIN {tags} t ON t."id" = l."tag_id"
      WHERE l."content_object_id" IN (SELECT "pk" FROM c) GROUP BY t."id" ORDER BY n DESC, t."name" LIMIT %s) f)"""


def _postgres_matches(query: str, filters: Filters) -> Matches:
    """One statement: the matching articles (built by the ORM, as
    matching_articles gives them), then in the same round trip their order
    by rank and the facet counts. Three more queries each rebuilt by Django
    and each handed the hundreds of candidate ids cost more than the search
    itself (about half of a 20 ms search)."""
    matches = (
        matching_articles(query, filters)
        .order_by("-published_at", "-pk")
        .values("pk", "published_at", "language", "search_vector")[: RANK_LIMIT + 1]
    )
    matches_sql, matches_params = matches.query.sql_with_params()
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name

    def tag_facet(link_model, tag_model) -> str:
        return _TAG_FACET_SQL.format(links=quote(link_model._meta.db_table), tags=quote(tag_model._meta.db_table))

    sql = _MATCHES_SQL.format(
        matches=matches_sql, countries=tag_facet(TaggedCountry, Country), topics=tag_facet(TaggedTopic, Topic)
    )
    params = [
        *matches_params,
        RANK_LIMIT,
        "es",
        SEARCH_CONFIGS["es"],
        query,
        SEARCH_CONFIGS["en"],
        query,
        FACET_SIZE,
        FACET_SIZE,
        timezone.get_current_timezone_name(),
    ]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        found, ranked, countries, topics, years = cursor.fetchone()
    rows = [[tuple(row) for row in json_list(value)] for value in (countries, topics, years)]
    return Matches(json_list(ranked), found > RANK_LIMIT, *rows)


# --- The page --------------------------------------------------------------


class QueryField(forms.CharField):
    """A search box that cleans rather than refuses: control characters and
    NUL are dropped and overlong input is cut (see clean_query)."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SearchForm(forms.Form):
    q = QueryField(required=False, label="Search articles")
    country = forms.SlugField(required=False, allow_unicode=True, max_length=100)
    topic = forms.SlugField(required=False, allow_unicode=True, max_length=100)
    year = forms.IntegerField(
        required=False, min_value=Article.PUBLICATION_YEARS[0], max_value=Article.PUBLICATION_YEARS[1]
    )


@contextmanager
def custom_plans(using: str = DEFAULT_DB_ALIAS):
    """Plan each search query for its own words. A prepared statement may
    settle on one generic plan, and for full-text search no plan suits both
    a rare word and a common one: with a generic plan, a search for a common
    word took 0.7 s instead of 0.1 s at 100,000 articles. The setting is
    the transaction's: inside an outer transaction it lasts until that one
    ends."""
    if not uses_postgres(using):
        yield
        return
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


def search_view(request):
    """/search/?q=&country=&topic=&year=&page=. Facet values that are not
    valid or name nothing are ignored; a page that does not exist is a 404."""
    form = SearchForm(request.GET)
    form.is_valid()  # invalid fields are simply left out of cleaned_data
    data = form.cleaned_data
    query = data.get("q") or ""
    context = {
        "query": query,
        "max_length": MAX_QUERY_LENGTH,
        # Result pages are endless combinations of words: not for indexes.
        "meta": page_meta(request, title=f"{query} – Search" if query else "Search", noindex=True),
    }
    if query:
        filters = Filters(
            country=Country.objects.filter(slug=data["country"]).first() if data.get("country") else None,
            # Only a topic readers may know of: one that only unpublished
            # stories carry is ignored like a slug that names nothing, so the
            # answer cannot tell the two apart.
            topic=Topic.objects.with_public_story().filter(slug=data["topic"]).first() if data.get("topic") else None,
            year=data.get("year"),
        )
        state = {
            "q": query,
            "country": filters.country.slug if filters.country else None,
            "topic": filters.topic.slug if filters.topic else None,
            "year": filters.year,
        }
        # Only the search for the words needs a plan made for them; the page
        # then reads its articles by id.
        with custom_plans():
            matches = find_matches(query, filters)
        page = result_page(request, matches.ranked)
        add_snippets(page.object_list, query)
        context.update(
            filters=filters,
            facets=facets_from_rows(matches.countries, matches.topics, matches.years, state),
            total=len(matches.ranked),
            capped=matches.capped,
            page=page,
            # Read by page_url() (newsroom.jinja2) of the pagination links.
            page_query=[(key, value) for key, value in state.items() if value not in (None, "")],
        )
    return render(request, "newsroom/search.html", context)
