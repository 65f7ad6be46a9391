"""What both search engines share: the query as typed, cleaned and read
(web-search syntax: "phrases", -exclusion, or), the facet filters, and what
a search returns."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    QuerySet,
)

from alliances.models import Country
from newsroom.core.text import fold
from newsroom.models import Article, TaggedCountry, TaggedTopic, Topic
from newsroom.stored.search_vector import (
    HIGHLIGHT_START,
    HIGHLIGHT_STOP,
)

# Longer queries are cut: nobody types more, and the cost of a query grows
# with its length.
MAX_QUERY_LENGTH = 200
# A search ranks and counts only this many matches, the newest; see the
# module docstring. Ten pages of results: readers of news search look for
# what is recent and rarely page past the second; an older story is one
# more word or filter away (the page says so; the year facet counts these
# matches only, so for a common word it offers recent years). Ranking and counting
# cost in proportion to it: at 500 they were half of a common word's time
# (bench/README.md).
RANK_LIMIT = 200
# SQLite scans every document once per term: keep the number of terms small.
MAX_FALLBACK_TERMS = 10
FACET_SIZE = 12
_WORD = re.compile(r"\w+")
# NUL (which PostgreSQL refuses in text), other control characters, and our
# own markers never reach a query.
UNWANTED = re.compile(f"[\x00-\x1f\x7f{HIGHLIGHT_START}{HIGHLIGHT_STOP}]")
# A quoted phrase (closing quote optional) or a bare word, either one
# optionally preceded by "-".
_QUERY_TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


def clean_query(raw: str | None) -> str:
    """The query as it will be searched: control characters (NUL included)
    gone, whitespace collapsed, at most MAX_QUERY_LENGTH characters."""
    return " ".join(UNWANTED.sub(" ", raw or "").split())[:MAX_QUERY_LENGTH].strip()


@dataclass(frozen=True)
class Term:
    words: str  # folded words, one space apart
    negated: bool = False


def _tokens(query: str):
    """The query's tokens in order: (negated, text, is_phrase) for each term
    (a phrase without its quotes), and None for each "or" between terms."""
    for match in _QUERY_TOKEN.finditer(query):
        is_phrase = match.group(2) is not None
        raw = match.group(2) if is_phrase else match.group(4)
        negated = bool(match.group(1) or match.group(3))
        if not is_phrase and not negated and raw.lower() == "or":
            yield None
        else:
            yield negated, raw, is_phrase


def parse_query(query: str) -> list[list[Term]]:
    """The fallback's reading of web-search syntax: groups separated by "or",
    each a list of terms that must all hold. At most MAX_FALLBACK_TERMS terms."""
    groups: list[list[Term]] = []
    current: list[Term] = []
    count = 0
    for token in _tokens(query):
        if token is None:
            if current:
                groups.append(current)
                current = []
            continue
        negated, raw, _is_phrase = token
        words = _WORD.findall(fold(raw))
        if words and count < MAX_FALLBACK_TERMS:
            current.append(Term(" ".join(words), negated))
            count += 1
    if current:
        groups.append(current)
    return groups


def query_terms(query: str) -> list[tuple[bool, str | None]]:
    """The query's terms as typed, for an engine that parses each itself:
    (negated, text) with a phrase kept in its quotes, and (False, None) for
    each "or" between them. At most MAX_FALLBACK_TERMS terms."""
    terms: list[tuple[bool, str | None]] = []
    count = 0
    for token in _tokens(query):
        if token is None:
            terms.append((False, None))
            continue
        negated, raw, is_phrase = token
        if _WORD.search(raw) and count < MAX_FALLBACK_TERMS:
            terms.append((negated, f'"{raw}"' if is_phrase else raw))
            count += 1
    return terms


def positive_words(query: str) -> list[str]:
    return [w for group in parse_query(query) for t in group if not t.negated for w in t.words.split()]


@dataclass
class Filters:
    country: Country | None = None
    topic: Topic | None = None
    year: int | None = None


def filtered(articles: QuerySet, filters: Filters | None) -> QuerySet:
    """``articles`` narrowed to the chosen facets."""
    filters = filters or Filters()
    if filters.country is not None:
        articles = articles.filter(country_links__tag=filters.country)
    if filters.topic is not None:
        articles = articles.filter(topic_links__tag=filters.topic)
    if filters.year is not None:
        articles = articles.filter(published_at__year=filters.year)
    return articles


def candidate_ids(matches: QuerySet) -> tuple[list[int], bool]:
    """The ids of the newest RANK_LIMIT ``matches``, and whether there were more.

    Everything after this (ranking, facets, counts, the page) works on these
    ids only, so a word found in half the archive costs no more than a rare
    one: counting every match of a common word means reading every matching
    row, for each facet. (The PostgreSQL engine reads them its own way:
    postgres.newest_matches.)"""
    ordered = matches.order_by("-published_at", "-pk").values_list("pk", flat=True)
    ids = list(ordered[: RANK_LIMIT + 1])
    return ids[:RANK_LIMIT], len(ids) > RANK_LIMIT


@dataclass
class Matches:
    """What a search found: the ids of the newest RANK_LIMIT matches, best
    first; whether there were more; the facet rows (see facet_rows); and
    the stems its snippets highlight."""

    ranked: list[int]
    capped: bool
    countries: list
    topics: list
    years: list
    # The beginnings of the words to highlight (the engine's query_stems).
    stems: list[str] = field(default_factory=list)


def facet_sql(statement: str, tag_facet: str) -> str:
    """An engine's facet statement with the site's table and column names
    filled in: ``statement`` takes {pk}, {articles}, {countries} and
    {topics}; ``tag_facet`` (one per tag table) takes {links}, {tags},
    {english} and {spanish}, the tag's English and Spanish names (a
    country's ``name`` is its English one, a topic's the name typed to tag
    it, so a topic gives its reader names)."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name

    def tags(link_model, tag_model) -> str:
        english = "name_en" if tag_model is Topic else "name"
        return tag_facet.format(
            links=quote(link_model._meta.db_table),
            tags=quote(tag_model._meta.db_table),
            english=f"t.{quote(english)}",
            spanish=f"t.{quote('name_es')}",
        )

    return statement.format(
        pk=quote(Article._meta.pk.column),
        articles=quote(Article._meta.db_table),
        countries=tags(TaggedCountry, Country),
        topics=tags(TaggedTopic, Topic),
    )
