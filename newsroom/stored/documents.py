"""An article's card and page documents: what its card and its page print
from other rows, stored on the article.

``Article.card``: the kicker (the first topic, as [Spanish name, English
name, slug]: each edition picks its own when it prints) and the bylines
(each author's id, name and slug, in order). ``Article.page_lists``: the
nine lists of the article page (bylines, topics, countries, sources,
corrections, videos, agreement links with each agreement's parties, people,
organisations), as JSON rows, and its translation (the other article of its
pair: address, language, headline, status and time).

Both are computed here, with one query per batch of articles, whenever
something they print changes (the table in newsroom.stored.refresh): the
article's own rows, the name of an author, topic, country, agreement,
person or organisation it shows, or its translation. A card list or an article page then reads
its own rows and nothing else; building these lists' subqueries on every
view cost more than the rest of the page. newsroom.site.article_page turns
the document back into model instances.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from django.db.models import JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONArray, JSONObject
from django.utils import timezone

from alliances import agreement_page
from alliances.models import ArticleAgreement
from newsroom.core.db import JSONList, columns, json_list, json_rows
from newsroom.models import Article, Byline, Correction, RelatedVideo, Source, TaggedCountry, TaggedTopic, Topic

# The fields each list carries; anything else on its instances is deferred.
AUTHOR_FIELDS = ("id", "name", "slug")
# Names as data in both languages (topics' reader names, agreements' English
# titles): the page picks its edition's when it prints them.
TOPIC_FIELDS = ("id", "name", "name_es", "name_en", "slug")
COUNTRY_FIELDS = ("id", "name", "slug", "iso2", "iso3", "name_en", "name_es", "wikidata_id")
AGREEMENT_FIELDS = ("id", "title", "title_en", "slug", "kind", "status")
# What a page needs of its translation: its address, and whether it is public.
TRANSLATION_FIELDS = ("id", "slug", "language", "headline", "status", "published_at")
BATCH = 500
# The stored page lists' shape: articles whose lists are in another (older)
# one are written again after ``migrate`` (refresh_missing). 2: the parties'
# countries carry their Spanish names; 3: topics their reader names in both
# languages (the card's kicker too), agreements their English titles; 4:
# the article's translation; 5: people's English roles, organisations'
# descriptions, both with their Wikidata ids.
FORMAT = 5


def card_kicker() -> Subquery:
    """An article's first topic (in the order taggit gives them: the order
    they were added) as a JSON [name_es, name_en, slug]."""
    first_topic = (
        TaggedTopic.objects.filter(content_object_id=OuterRef(OuterRef("pk"))).order_by("pk").values("tag_id")[:1]
    )
    pair = JSONArray("name_es", "name_en", "slug")
    return Subquery(
        Topic.objects.filter(pk=Subquery(first_topic)).order_by().values(pair=pair)[:1], output_field=JSONField()
    )


def card_bylines() -> Subquery:
    """An article's bylines as a JSON list of {id, position, author_id,
    name, slug}."""
    return Subquery(
        Byline.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(
            rows=JSONList(
                JSONObject(
                    id="id", position="position", author_id="author_id", name="author__name", slug="author__slug"
                )
            )
        )
        .values("rows"),
        output_field=JSONField(),
    )


def page_lists() -> dict[str, Subquery]:
    """The subqueries that give the page's lists, by list name."""
    return {
        "bylines": json_rows(
            Byline.objects.all(),
            "article",
            id="id",
            author_id="author_id",
            position="position",
            author=JSONObject(**columns(*AUTHOR_FIELDS, prefix="author__")),
        ),
        "tags": json_rows(
            TaggedTopic.objects.all(), "content_object", link_id="id", **columns(*TOPIC_FIELDS, prefix="tag__")
        ),
        "countries": json_rows(
            TaggedCountry.objects.all(),
            "content_object",
            link_id="id",
            **columns(*COUNTRY_FIELDS, prefix="tag__"),
        ),
        "sources": json_rows(Source.objects.all(), "article", id="id", outlet="outlet", url="url", position="position"),
        "corrections": json_rows(
            Correction.objects.all(),
            "article",
            id="id",
            text="text",
            created_at="created_at",
            created_by_id="created_by_id",
        ),
        "videos": json_rows(
            RelatedVideo.objects.all(), "article", id="id", title="title", url="url", position="position"
        ),
        "agreement_links": json_rows(
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
        "people": json_rows(
            Article.people.through.objects.all(),
            "article",
            id="person__id",
            name="person__name",
            slug="person__slug",
            role="person__role",
            role_en="person__role_en",
            wikidata_id="person__wikidata_id",
            country_id="person__country_id",
        ),
        "organizations": json_rows(
            Article.organizations.through.objects.all(),
            "article",
            id="organization__id",
            name="organization__name",
            slug="organization__slug",
            kind="organization__kind",
            description="organization__description",
            description_en="organization__description_en",
            wikidata_id="organization__wikidata_id",
            country_id="organization__country_id",
        ),
        # The other article of its translation pair (none, or one), whatever
        # its state: the page shows it only while it is public
        # (article_page.public_translation), and a scheduled one becomes so
        # by itself. Rewritten when the partner changes (refresh.py).
        "translation": json_rows(
            Article.objects.exclude(pk=OuterRef("pk")),
            "translation_key",
            outer="translation_key",
            **columns(*TRANSLATION_FIELDS),
        ),
    }


@functools.cache
def list_names() -> tuple[str, ...]:
    return tuple(page_lists())


def _ordered(rows: list) -> list:
    """``rows`` in one order whatever order the database aggregated them in
    (PostgreSQL's jsonb_agg promises none): by link or row id, and an
    agreement's parties too. Readers sort again for display."""
    for row in rows:
        agreement = row.get("agreement")
        if isinstance(agreement, dict) and agreement.get("parties"):
            agreement["parties"] = sorted(json_list(agreement["parties"]), key=lambda party: party["id"])
    return sorted(rows, key=lambda row: (row.get("link_id", 0), row.get("id", 0)))


def compute(article_ids: Iterable[int]) -> dict[int, tuple[dict, dict]]:
    """Each article's (card, page lists) documents, by id: one query."""
    annotations = {f"l_{name}": expression for name, expression in page_lists().items()}
    rows = (
        Article.objects.filter(pk__in=list(article_ids))
        .order_by()
        .values("pk", c_kicker=card_kicker(), c_bylines=card_bylines(), **annotations)
    )
    documents = {}
    written = timezone.now().isoformat()
    for row in rows:
        bylines = sorted(json_list(row["c_bylines"]), key=lambda b: (b["position"], b["id"]))
        card = {"kicker": json_list(row["c_kicker"]) or None, "bylines": bylines}
        lists = {name: _ordered(json_list(row[f"l_{name}"])) for name in list_names()}
        # ``written``: when the lists were last written, for the API's
        # Last-Modified (newsroom.api.records.last_modified).
        documents[row["pk"]] = (card, {"format": FORMAT, "written": written, **lists})
    return documents


def refresh(article_ids: Iterable[int]) -> list[int]:
    """Write the documents of these articles again (``update()``: no
    signals, no ``updated_at``, no version). Returns the ids written:
    those of deleted articles are skipped."""
    ids = sorted({int(pk) for pk in article_ids if pk is not None})
    written = []
    for start in range(0, len(ids), BATCH):
        documents = compute(ids[start : start + BATCH])
        Article.objects.bulk_update(
            [Article(pk=pk, card=card, page_lists=lists) for pk, (card, lists) in documents.items()],
            ["card", "page_lists"],
        )
        written += sorted(documents)
    return written


def refresh_missing() -> int:
    """The documents of articles that have none yet, or page lists in an
    older FORMAT (after ``migrate``)."""
    # (A document without the key at all must be named: NOT (NULL = 2) is NULL.)
    stale = (
        Q(card__isnull=True)
        | Q(page_lists__isnull=True)
        | ~Q(page_lists__has_key="format")
        | ~Q(page_lists__format=FORMAT)
    )
    ids = list(Article.objects.filter(stale).values_list("pk", flat=True))
    refresh(ids)
    return len(ids)
