"""Full-text search over public articles: one interface (``engine()``), two
engines behind it, each in its own module (postgres, sqlite), what both
share (query), snippets and the /search/ page (views). The stored vector
is written by newsroom.stored.search_vector.

PostgreSQL (production and CI)
    ``Article.search_vector`` is a stored tsvector: headline at weight A; dek
    and the names of the article's topics, countries (English and Spanish
    names) and agreements at B; body text at C; behind two GIN indexes, one
    over the Spanish articles and one over the rest (migration 0011).

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
    them, counts them for the facets, and says when there were more. Words
    the planner's statistics say are common are looked for among the latest
    articles first (``postgres.newest_matches``), so a common word never
    reads its older matches, and a rare one is read in one statement.

SQLite (the zero-set-up default)
    The same column holds the article's words, lower-cased and stripped of
    accents, in one string. Queries get the same treatment and the same
    syntax (phrases, -exclusion, ``or``); each term must begin a word of the
    document. Plain words find what PostgreSQL finds, without stemming.
    Results come in order of where the first term appears (headline first),
    then newest first.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from newsroom.discovery.search import postgres, sqlite


def engine(using: str = DEFAULT_DB_ALIAS):
    """The search engine for the database ``using``: both modules offer the
    same functions (matching_articles, ranked_ids, query_stems, find_matches,
    custom_plans)."""
    return postgres if connections[using].vendor == "postgresql" else sqlite


def matching_articles(query: str, filters=None):
    return engine().matching_articles(query, filters)
