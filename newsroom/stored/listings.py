"""Topic, country, agreement, person and organisation pages read their
article ids from the link tables.

Each such link carries a copy of its article's status, language and
publication time (newsroom.core.copies), behind an index on (record,
language, status, time, article). Page N of a topic is then a short range of
one index, however deep, where ordering the join of links and articles by
time read and skipped every earlier row (deep pages of the busiest topics
were the slowest pages, and so were the pages of the most-named people).

The copies are refreshed here whenever they could change: the article is
saved with a new status or time, links are added, a version is restored
(newsroom.stored.refresh and services call :func:`sync`). They only order
and narrow the list; the cards are fetched with
``Article.objects.published()``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, QuerySet, Subquery

from alliances.models import ArticleAgreement
from newsroom.models import Article, ArticleOrganization, ArticlePerson, TaggedCountry, TaggedTopic, public_q

# Each link table and its column naming the article.
LINK_MODELS = (
    (TaggedTopic, "content_object_id"),
    (TaggedCountry, "content_object_id"),
    (ArticleAgreement, "article_id"),
    (ArticlePerson, "article_id"),
    (ArticleOrganization, "article_id"),
)


def sync(article_ids: Iterable[int], models: Iterable[type] | None = None) -> None:
    """Copy the articles' status, publication time and language onto their
    links: one UPDATE per link table (LINK_MODELS, or only ``models`` among
    them when only those links were added)."""
    ids = list(article_ids)
    if not ids:
        return
    chosen = set(models) if models is not None else None
    for model, column in LINK_MODELS:
        if chosen is not None and model not in chosen:
            continue
        article = Article.objects.filter(pk=OuterRef(column))
        model.objects.filter(**{f"{column}__in": ids}).update(
            article_status=Subquery(article.values("status")[:1]),
            article_published_at=Subquery(article.values("published_at")[:1]),
            article_language=Subquery(article.values("language")[:1]),
        )


def listed_ids(model, tag_id: int, now=None) -> QuerySet:
    """Ids of the public articles linked to the tag ``tag_id`` through
    ``model``, newest first: the order of ``for_listing()``."""
    return (
        model.objects.filter(public_q("article_", now=now), tag_id=tag_id)
        .order_by("-article_published_at", "-content_object_id")
        .values_list("content_object_id", flat=True)
    )


def edition_ids(model, tag_id: int, language: str, now=None) -> QuerySet:
    """As :func:`listed_ids`, for the articles in ``language`` only (one
    edition's list): a range of the (tag, language, status, time) index."""
    return (
        model.objects.filter(public_q("article_", now=now), tag_id=tag_id, article_language=language)
        .order_by("-article_published_at", "-content_object_id")
        .values_list("content_object_id", flat=True)
    )
