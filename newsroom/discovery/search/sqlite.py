"""The SQLite engine (the zero-set-up default): the folded words of each
article in one string; each term must begin a word of the document; results
in order of where the first word appears (headline first), then newest."""

from __future__ import annotations

import functools
import json
from collections import Counter
from contextlib import contextmanager
from datetime import UTC

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    Case,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import StrIndex
from django.utils import timezone, translation

from newsroom.core.db import json_list
from newsroom.discovery.search.query import (
    FACET_SIZE,
    Filters,
    Matches,
    candidate_ids,
    facet_sql,
    filtered,
    parse_query,
    positive_words,
)
from newsroom.models import Article


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


def matching_articles(query: str, filters: Filters | None = None) -> QuerySet:
    """Every public article that matches ``query`` and the chosen facets."""
    return filtered(Article.objects.published().filter(_fallback_condition(query)), filters)


def ranked_ids(query: str, ids: list[int]) -> list[int]:
    """``ids`` (matches, newest first), the edition's language first, then
    by where the first word appears (headline first), then newest first."""
    if not ids:
        return []
    words = positive_words(query)
    other = Case(When(language=translation.get_language(), then=Value(0)), default=Value(1))
    articles = Article.objects.published().filter(pk__any=frozenset(ids)).annotate(other=other)
    if not words:
        return list(articles.order_by("other", "-published_at", "-pk").values_list("pk", flat=True))
    first_seen = StrIndex("search_vector", Value(f" {words[0]}"))
    ranked = articles.annotate(first_seen=first_seen).order_by("other", "first_seen", "-published_at", "-pk")
    return list(ranked.values_list("pk", flat=True))


def query_stems(query: str) -> list[str]:
    """The beginnings of the words to highlight: the query's own words,
    folded (SQLite does not stem)."""
    return sorted(set(positive_words(query)))


# Over the candidates: the commonest countries and topics (slug, name,
# count) and every candidate's publication time, in one statement.
_FACETS_SQL = """
WITH c AS (SELECT {pk} AS pk, "published_at" FROM {articles} WHERE {pk} IN (SELECT value FROM json_each(%s)))
SELECT {countries}, {topics}, (SELECT json_group_array(c."published_at") FROM c)
"""
_TAG_FACET_SQL = """(SELECT json_group_array(json_array(f.slug, f.name, f.spanish, f.n)) FROM (
    SELECT t."slug" AS slug, {english} AS name, {spanish} AS spanish, count(*) AS n
    FROM {links} l JOIN {tags} t ON t."id" = l."tag_id"
    WHERE l."content_object_id" IN (SELECT pk FROM c) GROUP BY t."id" ORDER BY n DESC, t."name" LIMIT %s) f)"""


@functools.cache
def _facets_sql() -> str:
    return facet_sql(_FACETS_SQL, _TAG_FACET_SQL)


def facet_rows(ids: list[int]) -> tuple[list, list, list]:
    """How many of the articles ``ids`` fall in each country and topic (the
    FACET_SIZE commonest: slug, name, count) and in each year of the site's
    time zone (year, count, newest first), in one round trip."""
    if not ids:
        return [], [], []
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_facets_sql(), [json.dumps(list(ids)), FACET_SIZE, FACET_SIZE])
        countries, topics, times = cursor.fetchone()
    # SQLite keeps times as UTC text without a zone.
    field = Article._meta.get_field("published_at")
    years = Counter(
        timezone.localtime(field.to_python(value).replace(tzinfo=UTC)).year for value in json_list(times) if value
    )
    rows = [[tuple(row) for row in json_list(value)] for value in (countries, topics)]
    return rows[0], rows[1], sorted(years.items(), reverse=True)


def find_matches(query: str, filters: Filters) -> Matches:
    """The candidates, their order and the facets, one after the other."""
    ids, capped = candidate_ids(matching_articles(query, filters))
    return Matches(ranked_ids(query, ids), capped, *facet_rows(ids), stems=query_stems(query))


@contextmanager
def custom_plans(using: str = DEFAULT_DB_ALIAS):
    """Nothing to do: SQLite plans every statement afresh."""
    yield
