"""The PostgreSQL engine: the weighted, stemmed tsvector (see
newsroom.stored.search_vector), each article matched in its own language,
ranked with ts_rank; the ranking and the facets in one round trip."""

from __future__ import annotations

import functools
import re
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.postgres.search import (
    SearchQuery,
    SearchQueryField,
    SearchRank,
)
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import (
    Case,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from newsroom.core.db import json_list
from newsroom.core.text import fold
from newsroom.discovery.search.query import (
    FACET_SIZE,
    Filters,
    Matches,
    candidate_ids,
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

# Where find_matches looks for the newest matches before the whole archive
# (see candidate_ids): a word in one article of ten fills RANK_LIMIT from
# the last year's, one in every other article from the last month's.
RECENT_WINDOWS = (timedelta(days=30), timedelta(days=365))

# Lexemes in PostgreSQL's text form of a tsquery: 'word', a quote inside
# doubled. querytree() leaves out the negated ones (-word, -"a phrase").
_LEXEME = re.compile(r"'((?:[^']|'')+)'")


def _tsquery(query: str, language: str) -> SearchQuery:
    return SearchQuery(query, config=SEARCH_CONFIGS[language], search_type="websearch")


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


def query_stems(query: str) -> list[str]:
    """The beginnings of the words to highlight for ``query``: its words
    (folded), and on PostgreSQL also their stems in each configuration an
    article may be searched with ("negociacion" gives negoci, which also
    begins "negociaciones"). Negated words are left out."""
    stems = set(positive_words(query))
    if uses_postgres():
        configs = [*SEARCH_CONFIGS.values(), SPANISH_UNACCENTED]
        sql = "SELECT " + ", ".join(["querytree(websearch_to_tsquery(%s::regconfig, %s))"] * len(configs))
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute(sql, [value for config in configs for value in (config, query)])
            trees = cursor.fetchone()
        for tree in trees:
            stems.update(fold(word.replace("''", "'")) for word in _LEXEME.findall(tree))
    return sorted(stem for stem in stems if stem)


# Over the candidates (the newest RANK_LIMIT matches): their order by rank,
# and the three facets, in one statement.
_RANK_AND_FACETS_SQL = """
WITH c AS MATERIALIZED (
  SELECT {pk} AS "pk", "published_at", "language", "search_vector" FROM {articles} WHERE {pk} = ANY(%s))
SELECT
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


@functools.cache
def _rank_and_facets_sql() -> str:
    return facet_sql(_RANK_AND_FACETS_SQL, _TAG_FACET_SQL)


def find_matches(query: str, filters: Filters) -> Matches:
    """Two to four round trips: the candidates, by the ORM from
    matching_articles (the visibility rule and the facet filters, as
    everywhere), the recent ones first; then their order by rank and the
    facet counts in one statement, where three more queries each built by
    Django and handed the hundreds of candidate ids cost about half of a
    search."""
    ids, capped = candidate_ids(matching_articles(query, filters), RECENT_WINDOWS)
    if not ids:
        return Matches([], capped, [], [], [])
    params = [
        ids,
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
        cursor.execute(_rank_and_facets_sql(), params)
        ranked, countries, topics, years = cursor.fetchone()
    rows = [[tuple(row) for row in json_list(value)] for value in (countries, topics, years)]
    return Matches(json_list(ranked), capped, *rows)


@contextmanager
def custom_plans(using: str = DEFAULT_DB_ALIAS):
    """Plan each search query for its own words, in this process alone.

    A prepared statement may settle on one generic plan, and for full-text
    search no plan suits both a rare word and a common one: with a generic
    plan a common word was several times slower (bench/README.md). And no
    parallel workers: starting them costs a search more than they save on
    the few thousand rows it reads, and under load they take the cores the
    other requests need (at 100,000 articles rare and mid searches were
    about 10% faster without them). The settings are the transaction's:
    inside an outer transaction they last until that one ends."""
    if not uses_postgres(using):
        yield
        return
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT set_config('plan_cache_mode', 'force_custom_plan', true),"
                " set_config('max_parallel_workers_per_gather', '0', true)"
            )
        yield
