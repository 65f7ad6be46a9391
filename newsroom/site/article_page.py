"""Everything the article page prints about an article, in one query.

The page lists nine kinds of related rows: bylines with their authors,
topics, countries, sources, corrections, videos, agreement links (each
agreement with its parties' countries), people and organisations. Fetched
with ``prefetch_related`` that is ten queries, and Django's prefetch
machinery costs more Python time than the database spends answering them:
at 100,000 articles it was over half of the page's time.

Here each list is a correlated subquery that the database folds into a JSON
array, all in one query compiled once per process (newsroom.core.db), and the
rows land where Django's prefetch would have put them, so templates, the
JSON-LD and the admin preview read ``article.tags.all()`` and
``link.agreement.parties`` as with ``prefetch_related``, with no query.
Lists ordered by name are sorted in Python, by code point (as SQLite and a
C-collation PostgreSQL sort; a PostgreSQL with a language collation would
put accented names elsewhere).
"""

from __future__ import annotations

import functools

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Subquery
from django.db.models.functions import JSONObject

from alliances import agreement_page
from alliances.models import Agreement, ArticleAgreement, Country, Organization, Person
from newsroom.core.db import ListsQuery, columns, instance_from_json, json_list, json_rows, set_prefetched
from newsroom.models import Article, Author, Byline, Correction, RelatedVideo, Source, TaggedCountry, TaggedTopic, Topic

# The fields each list carries; anything else on its instances is deferred.
AUTHOR_FIELDS = ("id", "name", "slug")
TOPIC_FIELDS = ("id", "name", "slug")
COUNTRY_FIELDS = ("id", "name", "slug", "iso2", "iso3", "name_en", "name_es", "wikidata_id")
AGREEMENT_FIELDS = ("id", "title", "slug", "kind", "status")


def lists() -> dict[str, Subquery]:
    """The annotations that carry the page's lists, by prefetch name."""
    return {
        "page_bylines": json_rows(
            Byline.objects.all(),
            "article",
            id="id",
            author_id="author_id",
            position="position",
            author=JSONObject(**columns(*AUTHOR_FIELDS, prefix="author__")),
        ),
        "page_tags": json_rows(
            TaggedTopic.objects.all(), "content_object", link_id="id", **columns(*TOPIC_FIELDS, prefix="tag__")
        ),
        "page_countries": json_rows(
            TaggedCountry.objects.all(),
            "content_object",
            link_id="id",
            **columns(*COUNTRY_FIELDS, prefix="tag__"),
        ),
        "page_sources": json_rows(
            Source.objects.all(), "article", id="id", outlet="outlet", url="url", position="position"
        ),
        "page_corrections": json_rows(
            Correction.objects.all(),
            "article",
            id="id",
            text="text",
            created_at="created_at",
            created_by_id="created_by_id",
        ),
        "page_videos": json_rows(
            RelatedVideo.objects.all(), "article", id="id", title="title", url="url", position="position"
        ),
        "page_agreement_links": json_rows(
            ArticleAgreement.objects.all(),
            "article",
            id="id",
            agreement_id="agreement_id",
            relation="relation",
            note="note",
            agreement=JSONObject(
                **columns(*AGREEMENT_FIELDS, prefix="agreement__"),
                parties=agreement_page.party_rows(outer="agreement_id"),
            ),
        ),
        "page_people": json_rows(
            Article.people.through.objects.all(),
            "article",
            id="person__id",
            name="person__name",
            slug="person__slug",
            role="person__role",
            country_id="person__country_id",
        ),
        "page_organizations": json_rows(
            Article.organizations.through.objects.all(),
            "article",
            id="organization__id",
            name="organization__name",
            slug="organization__slug",
            kind="organization__kind",
            country_id="organization__country_id",
        ),
    }


def _country(data: dict) -> Country:
    return instance_from_json(Country, data)


def _agreement(data: dict) -> Agreement:
    agreement = instance_from_json(Agreement, data)
    set_prefetched(agreement, "parties", agreement_page.parties_from_rows(json_list(data.get("parties"))))
    return agreement


def _by(*keys: str):
    return lambda row: tuple(row[k] for k in keys)


def fill(article: Article, values: dict) -> Article:
    """Attach the lists in ``values`` (the columns of :func:`lists`, as the
    query returned them) to ``article``'s prefetch caches."""
    rows = {name: json_list(values.get(f"page_{name}")) for name in PREFETCHED}
    article.page_lists_loaded = True
    set_prefetched(
        article,
        "bylines",
        [
            instance_from_json(Byline, row, author=instance_from_json(Author, row["author"]))
            for row in sorted(rows["bylines"], key=_by("position", "id"))
        ],
    )
    # Topics and countries in the order the editor gave them (their links'
    # order): the first topic is the kicker, as on the cards.
    set_prefetched(
        article, "tags", [instance_from_json(Topic, row) for row in sorted(rows["tags"], key=_by("link_id"))]
    )
    set_prefetched(article, "countries", [_country(row) for row in sorted(rows["countries"], key=_by("link_id"))])
    set_prefetched(
        article, "sources", [instance_from_json(Source, r) for r in sorted(rows["sources"], key=_by("position", "id"))]
    )
    corrections = sorted(
        (instance_from_json(Correction, r) for r in rows["corrections"]), key=lambda c: (c.created_at, c.pk)
    )
    set_prefetched(article, "corrections", corrections)
    set_prefetched(
        article,
        "videos",
        [instance_from_json(RelatedVideo, r) for r in sorted(rows["videos"], key=_by("position", "id"))],
    )
    links = sorted(rows["agreement_links"], key=_by("relation", "id"))
    set_prefetched(
        article,
        "agreement_links",
        [instance_from_json(ArticleAgreement, r, agreement=_agreement(r["agreement"])) for r in links],
    )
    set_prefetched(
        article, "people", [instance_from_json(Person, r) for r in sorted(rows["people"], key=_by("name", "id"))]
    )
    set_prefetched(
        article,
        "organizations",
        [instance_from_json(Organization, r) for r in sorted(rows["organizations"], key=_by("name", "id"))],
    )
    return article


PREFETCHED = (
    "bylines",
    "tags",
    "countries",
    "sources",
    "corrections",
    "videos",
    "agreement_links",
    "people",
    "organizations",
)


_QUERY = ListsQuery(Article, lambda: lists())


def is_loaded(article: Article) -> bool:
    """Whether :func:`fill` gave ``article`` its lists (other reads prefetch
    some of them, bylines say, but not all that the page shows)."""
    return getattr(article, "page_lists_loaded", False)


def load(article: Article) -> Article:
    """Fill ``article``'s lists with one query: that of every article page,
    the public one and the previews alike. An article read with its lists
    (:func:`fill_from_columns`) is left as it is."""
    if is_loaded(article):
        return article
    return fill(article, _QUERY.fetch(article.pk, article._state.db or DEFAULT_DB_ALIAS))


def fill_from_columns(article: Article) -> Article:
    """Fill the lists of an article read together with them (the public
    page's one query annotates :func:`lists` onto the article itself), and
    drop the raw columns."""
    values = {name: article.__dict__.pop(name, None) for name in lists_names()}
    return fill(article, values)


@functools.cache
def lists_names() -> tuple[str, ...]:
    """The columns :func:`lists` adds, named once."""
    return tuple(lists())
