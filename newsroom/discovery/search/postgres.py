"""The PostgreSQL engine: the weighted, stemmed tsvector (see
newsroom.stored.search_vector), each article matched in its own language,
ranked with ts_rank; the ranking and the facets in one round trip."""

from __future__ import annotations

import functools
import json
import math
import operator
import re
import time
from contextlib import contextmanager

from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryField,
    SearchRank,
)
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Case,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone, translation

from newsroom.core.db import json_list
from newsroom.core.text import fold
from newsroom.discovery.search import query as shared
from newsroom.discovery.search.query import (
    FACET_SIZE,
    Filters,
    Matches,
    facet_sql,
    filtered,
    positive_words,
)
from newsroom.models import Article
from newsroom.stored.search_vector import (
    SEARCH_CONFIGS,
    SPANISH_UNACCENTED,
    uses_postgres,
)

# A search that PostgreSQL expects to match at most this many articles reads
# all of its matches in one statement (a few milliseconds); one expected to
# match more looks among the latest articles first (newest_matches).
ALL_AT_ONCE = 5_000
# How far back that look goes: far enough to expect this many times
# RANK_LIMIT matches, so that an estimate off by half still fills it.
LOOK_BACK_MARGIN = 2

# Lexemes in PostgreSQL's text form of a tsquery: 'word', a quote inside
# doubled. querytree() leaves out the negated ones (-word, -"a phrase").
_LEXEME = re.compile(r"'((?:[^']|'')+)'")


def _term(text: str, config: str):
    """One term of the query, as typed or folded: either form matches.

    Every article's vector holds its words' stems and their accent-free
    stems (newsroom_es and newsroom_en pass words through unaccent). The
    folded form ("pezeshkian") meets the accent-free stems whatever accents
    the text or the query had; the typed form keeps what only the accents
    let the stemmer see ("negociación" is stemmed to negoci, which
    "negociaciones" shares; "negociacion" is not)."""
    typed = SearchQuery(text, config=config, search_type="websearch")
    folded = fold(text)
    if folded == text.casefold():  # nothing to fold but capitals, which the parser folds itself
        return typed
    return typed | SearchQuery(folded, config=config, search_type="websearch")


def _tsquery(query: str, language: str):
    """``query`` (web-search syntax: "phrases", -exclusion, or) as a tsquery
    in ``language``'s configuration, each term matching as typed or folded
    (_term); an excluded term excludes both forms."""
    config = SEARCH_CONFIGS[language]
    groups, current = [], []
    for negated, text in shared.query_terms(query):
        if text is None:  # "or"
            if current:
                groups.append(current)
            current = []
            continue
        term = _term(text, config)
        current.append(~term if negated else term)
    if current:
        groups.append(current)
    if not groups:
        return SearchQuery("", config=config, search_type="websearch")
    return functools.reduce(operator.or_, (functools.reduce(operator.and_, group) for group in groups))


@functools.lru_cache(maxsize=32)
def _tsquery_sql(query: str, language: str) -> tuple[str, tuple]:
    """_tsquery as SQL and its parameters, for the hand-written statements
    (a search asks for each language's form two or three times; building it
    through the ORM is the costly part)."""
    connection = connections[DEFAULT_DB_ALIAS]
    holder = Article.objects.none().query
    compiler = holder.get_compiler(connection=connection)
    sql, params = compiler.compile(_tsquery(query, language).resolve_expression(holder))
    return sql, tuple(params)


def _tsquery_for_each_article(query: str) -> Case:
    """The query parsed in the language of the article it is compared with."""
    return Case(
        When(language="es", then=_tsquery(query, "es")),
        default=_tsquery(query, "en"),
        output_field=SearchQueryField(),
    )


def matching_articles(query: str, filters: Filters | None = None) -> QuerySet:
    """Every public article that matches ``query`` and the chosen facets."""
    # Two conditions on the indexed column: PostgreSQL can OR two GIN scans.
    articles = Article.objects.published().filter(
        Q(language="es", search_vector=_tsquery(query, "es"))
        | (~Q(language="es") & Q(search_vector=_tsquery(query, "en")))
    )
    return filtered(articles, filters)


def ranked_ids(query: str, ids: list[int]) -> list[int]:
    """``ids`` (matches, newest first), best match first, by rank."""
    if not ids:
        return []
    rank = SearchRank(F("search_vector"), _tsquery_for_each_article(query), normalization=Value(1))
    articles = Article.objects.published().filter(pk__any=frozenset(ids))
    return list(articles.annotate(rank=rank).order_by("-rank", "-published_at", "-pk").values_list("pk", flat=True))


def _stem_trees(query: str) -> tuple[list[str], list]:
    """SQL expressions (and their parameters) giving the text of ``query``
    parsed in each configuration an article may be searched with, as typed
    and folded: the trees query_stems reads its stems from."""
    configs = [*SEARCH_CONFIGS.values(), SPANISH_UNACCENTED]
    forms = [query] if fold(query) == query.casefold() else [query, fold(query)]
    pairs = [(config, form) for config in configs for form in forms]
    return ["querytree(websearch_to_tsquery(%s::regconfig, %s))"] * len(pairs), [v for pair in pairs for v in pair]


def _stems_from(query: str, trees) -> list[str]:
    stems = set(positive_words(query))
    for tree in trees:
        stems.update(fold(word.replace("''", "'")) for word in _LEXEME.findall(tree))
    return sorted(stem for stem in stems if stem)


def query_stems(query: str) -> list[str]:
    """The beginnings of the words to highlight for ``query``: its words
    (folded), and their stems in each configuration an article may be
    searched with ("negociacion" gives negoci, which also begins
    "negociaciones"). Negated words are left out. find_matches reads them
    in its own statement; this asks on its own."""
    expressions, params = _stem_trees(query)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(expressions), params)
        return _stems_from(query, cursor.fetchone())


# Over the candidates (the newest RANK_LIMIT matches): their order (the
# edition's language first, then by rank), and the three facets, in one
# statement; the query's stems to highlight ({stem_trees}) ride along.
_RANK_AND_FACETS_SQL = """
WITH c AS MATERIALIZED (
  SELECT {pk} AS "pk", "published_at", "language", "search_vector" FROM {articles} WHERE {pk} = ANY(%s))
SELECT
  {{stem_trees}},
  (SELECT json_agg(c."pk" ORDER BY c."language" <> %s, ts_rank(c."search_vector", CASE WHEN c."language" = %s
      THEN {{spanish_query}} ELSE {{english_query}} END, 1) DESC,
      c."published_at" DESC, c."pk" DESC) FROM c),
  {countries},
  {topics},
  (SELECT json_agg(json_build_array(f.year, f.n) ORDER BY f.year DESC) FROM (
      SELECT EXTRACT(YEAR FROM c."published_at" AT TIME ZONE %s)::int AS year, count(*) AS n FROM c GROUP BY 1) f)
"""
_TAG_FACET_SQL = """(SELECT json_agg(json_build_array(f.slug, f.name, f.spanish, f.n) ORDER BY f.n DESC, f.name) FROM (
      SELECT t."slug", {english} AS name, {spanish} AS spanish, count(*) AS n
      FROM {links} l JOIN {tags} t ON t."id" = l."tag_id"
      WHERE l."content_object_id" IN (SELECT "pk" FROM c) GROUP BY t."id" ORDER BY n DESC, t."name" LIMIT %s) f)"""


@functools.cache
def _rank_and_facets_sql() -> str:
    """The statement with the site's names filled in; the two queries'
    places ({spanish_query}, {english_query}) are left for each search."""
    return facet_sql(_RANK_AND_FACETS_SQL, _TAG_FACET_SQL)


def planned_rows(queryset: QuerySet) -> float:
    """How many rows PostgreSQL expects ``queryset`` to return: its planner's
    estimate (EXPLAIN, nothing is executed), from the statistics ANALYZE
    keeps, which for a search vector include how common each frequent
    word is."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return float(plan[0]["Plan"]["Plan Rows"])


_public_estimate = {"rows": 0.0, "until": 0.0}


def _public_articles() -> float:
    """The planner's estimate of the public articles, asked at most once a
    minute per process: it only sizes a first look (newest_matches)."""
    if time.monotonic() >= _public_estimate["until"]:
        _public_estimate["rows"] = planned_rows(Article.objects.published().values("pk"))
        _public_estimate["until"] = time.monotonic() + 60
    return _public_estimate["rows"]


# The newest of a set of matches. The matches are read whole, behind the
# fence of a materialized CTE, and only then ordered and cut: with the LIMIT
# on the matches themselves PostgreSQL may walk the articles newest first
# and test each one's stored vector, which reads every vector when the
# words turn out rarer than it guessed. Cutting in the database rather than
# in Python spares sending thousands of ids.
_NEWEST_SQL = 'WITH m AS MATERIALIZED ({matches}) SELECT "pk" FROM m ORDER BY "published_at" DESC, "pk" DESC LIMIT %s'
# The same for a query with a phrase: {matches} are the loosened query's
# (loosened), which the index answers without reading a stored vector; each
# is then checked against the query itself, newest first, until enough
# are found (OFFSET 0 keeps the order from being planned away).
_NEWEST_CHECKED_SQL = """WITH m AS MATERIALIZED ({matches})
SELECT m."pk" FROM (SELECT "pk", "published_at" FROM m ORDER BY "published_at" DESC, "pk" DESC OFFSET 0) m
WHERE (SELECT CASE WHEN a."language" = 'es' THEN a."search_vector" @@ {spanish_query}
    ELSE a."search_vector" @@ {english_query} END FROM {articles} a WHERE a.{pk} = m."pk")
LIMIT %s"""


def loosened(query: str) -> str:
    """``query`` with each phrase's words no longer required side by side
    ("sanctions policy" in quotes becomes its two words, each quoted on its
    own so that nothing in it reads as syntax) and excluded phrases left
    out: it matches every article ``query`` matches, and the index can
    answer it alone. Word positions are in the stored vectors only, so the
    index cannot tell a phrase from its words apart: PostgreSQL then reads
    the stored vector of every article holding all of them ("sanctions
    policy": 27,600 of 100,000, for 1,533 matches)."""
    parts = []
    for negated, text in shared.query_terms(query):
        if text is None:
            parts.append("or")
        elif not text.startswith('"'):
            parts.append(f"-{text}" if negated else text)
        elif not negated:
            parts.extend(f'"{word}"' for word in text.strip('"').split())
    return " ".join(parts)


def _newest(matches: QuerySet, count: int, checked: str | None = None) -> list[int]:
    """The ids of the newest ``count`` of ``matches``, newest first; with
    ``checked`` (a query), ``matches`` are its loosened form's and each is
    checked against it, newest first, only until ``count`` are found."""
    sql, params = matches.order_by().values("pk", "published_at").query.sql_with_params()
    if checked is None:
        statement = _NEWEST_SQL.format(matches=sql)
    else:
        spanish_sql, spanish_params = _tsquery_sql(checked, "es")
        english_sql, english_params = _tsquery_sql(checked, "en")
        quote = connections[matches.db].ops.quote_name
        statement = _NEWEST_CHECKED_SQL.format(
            matches=sql,
            spanish_query=spanish_sql,
            english_query=english_sql,
            articles=quote(Article._meta.db_table),
            pk=quote(Article._meta.pk.column),
        )
        params = (*params, *spanish_params, *english_params)
    with connections[matches.db].cursor() as cursor:
        cursor.execute(statement, [*params, count])
        return [row[0] for row in cursor.fetchall()]


def newest_matches(query: str, filters: Filters | None = None) -> tuple[list[int], bool]:
    """The ids of the newest RANK_LIMIT articles matching ``query`` and the
    facets chosen, and whether there were more (see candidate_ids), reading
    as few rows as the words allow.

    Words PostgreSQL expects in at most ALL_AT_ONCE articles: all their
    matches, in one statement. Commoner words: first only the latest
    articles, as many as should hold LOOK_BACK_MARGIN times RANK_LIMIT
    matches by the planner's estimate ("Cuba", in a third of the archive:
    about the latest 3,000); if they hold more than RANK_LIMIT, those are
    the newest of all. If not (the estimate was too high, as it is for a
    phrase of common words), the older articles, which the first look did
    not read. A query with a phrase reads its loosened form's matches and
    checks them newest first (_newest). Either way the answer is the same;
    only the rows read differ: a fixed window (the last month, then the
    last year) read tens of thousands of dates for a word that turned out
    rare, and three statements for a mid-frequency one; a phrase of two
    common words checked every article holding both (0.25 s, now 0.14 s)."""
    wanted = shared.RANK_LIMIT + 1
    matches = matching_articles(query, filters)
    expected = planned_rows(matches.values("pk"))
    has_phrase = any(text and text.startswith('"') for _negated, text in shared.query_terms(query))
    checked = query if has_phrase else None
    if has_phrase:
        matches = matching_articles(loosened(query), filters)
    recent: list[int] = []
    if expected > ALL_AT_ONCE:
        public = _public_articles()
        look_back = math.ceil(LOOK_BACK_MARGIN * shared.RANK_LIMIT * max(public, 1.0) / expected)
        oldest = (
            Article.objects.published()
            .order_by("-published_at")
            .values_list("published_at", flat=True)[look_back - 1 : look_back]
        )
        since = next(iter(oldest), None)
        if since is not None:
            recent = _newest(matches.filter(published_at__gte=since), wanted, checked)
            if len(recent) == wanted:
                return recent[: shared.RANK_LIMIT], True
            matches = matches.filter(published_at__lt=since)
    ids = recent + _newest(matches, wanted - len(recent), checked)
    return ids[: shared.RANK_LIMIT], len(ids) > shared.RANK_LIMIT


def find_matches(query: str, filters: Filters) -> Matches:
    """Two to five round trips: the candidates, by the ORM from
    matching_articles (the visibility rule and the facet filters, as
    everywhere), see newest_matches; then their order by rank, the facet
    counts and the stems to highlight in one statement, where four more
    queries, three of them built by Django and handed the hundreds of
    candidate ids, cost about half of a search."""
    ids, capped = newest_matches(query, filters)
    if not ids:
        return Matches([], capped, [], [], [])
    spanish_sql, spanish_params = _tsquery_sql(query, "es")
    english_sql, english_params = _tsquery_sql(query, "en")
    trees, tree_params = _stem_trees(query)
    sql = (
        _rank_and_facets_sql()
        .replace("{stem_trees}", ", ".join(trees))
        .replace("{spanish_query}", spanish_sql)
        .replace("{english_query}", english_sql)
    )
    params = [
        ids,
        *tree_params,
        translation.get_language(),
        "es",
        *spanish_params,
        *english_params,
        FACET_SIZE,
        FACET_SIZE,
        timezone.get_current_timezone_name(),
    ]
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    ranked, countries, topics, years = row[len(trees) :]
    rows = [[tuple(row) for row in json_list(value)] for value in (countries, topics, years)]
    return Matches(json_list(ranked), capped, *rows, stems=_stems_from(query, row[: len(trees)]))


@contextmanager
def custom_plans(using: str = DEFAULT_DB_ALIAS):
    """Plan each search statement for its own words: inside the block the
    connection prepares nothing.

    The site's connections prepare a statement they have run twice
    (settings.py), and a prepared statement may settle on one generic plan;
    for full-text search no plan suits both a rare word and a common one
    (with a generic plan a common word was several times slower,
    bench/README.md). An unprepared statement is planned with its values.
    Turning psycopg's preparing off and on costs no round trip, where a
    transaction with ``SET LOCAL plan_cache_mode`` would cost three
    statements. (No parallel workers either, as for every statement of the
    site: see settings.py.)"""
    if not uses_postgres(using):
        yield
        return
    connection = connections[using]
    connection.ensure_connection()
    raw = connection.connection
    before = raw.prepare_threshold
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = before
