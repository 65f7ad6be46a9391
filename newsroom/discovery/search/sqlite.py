"""The SQLite engine (the zero-set-up default): the folded words of each
article in one string; each term must begin a word of the document; results
in order of where the first word appears (headline first), then newest."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS
from django.db.models import (
    Count,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ExtractYear, StrIndex

from newsroom.core.db import rows_of
from newsroom.discovery.search.query import (
    FACET_SIZE,
    Filters,
    Matches,
    candidate_ids,
    filtered,
    parse_query,
    positive_words,
)
from newsroom.models import Article, TaggedCountry, TaggedTopic


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
    """``ids`` (matches, newest first), by where the first word appears
    (headline first), then newest first."""
    if not ids:
        return []
    words = positive_words(query)
    if not words:
        return list(ids)
    first_seen = StrIndex("search_vector", Value(f" {words[0]}"))
    articles = Article.objects.published().filter(pk__any=frozenset(ids))
    ranked = articles.annotate(first_seen=first_seen).order_by("first_seen", "-published_at", "-pk")
    return list(ranked.values_list("pk", flat=True))


def query_stems(query: str) -> list[str]:
    """The beginnings of the words to highlight: the query's own words,
    folded (SQLite does not stem)."""
    return sorted(set(positive_words(query)))


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


def find_matches(query: str, filters: Filters) -> Matches:
    """The candidates, their order and the facets, one after the other."""
    ids, capped = candidate_ids(matching_articles(query, filters))
    return Matches(ranked_ids(query, ids), capped, *facet_rows(ids))


@contextmanager
def custom_plans(using: str = DEFAULT_DB_ALIAS):
    """Nothing to do: SQLite plans every statement afresh."""
    yield
