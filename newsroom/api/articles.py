"""Articles as the API gives them, from the stored documents: the card's
bylines and the page's lists (newsroom.stored.documents), so that a list of
any length costs one query."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from rest_framework.exceptions import ValidationError

from alliances.models import ArticleAgreement
from newsroom.api.records import address_word, country_link
from newsroom.core.db import json_list
from newsroom.models import Article, ArticleOrganization, ArticlePerson, TaggedCountry, TaggedTopic
from newsroom.models.visibility import public_q
from newsroom.site import article_page
from newsroom.site.jinja2 import http_url
from newsroom.site.views import absolute_url
from newsroom.stored import documents

# The columns a list reads; the body and the search and related columns stay
# in the table.
LIST_FIELDS = ("id", "slug", "language", "headline", "dek", "published_at", "modified_at", "page_lists")
DETAIL_FIELDS = (*LIST_FIELDS, "body", "image", "image_alt", "image_caption", "image_credit", "updated_at")
# The ninjs item also gives its version (newsroom.api.ninjs).
NINJS_FIELDS = (*DETAIL_FIELDS, "lock_version")


def _rows(document: dict, name: str, *order: str) -> list[dict]:
    return sorted(json_list(document.get(name)), key=lambda row: tuple(row[key] for key in order))


def summary(article: Article) -> dict:
    """What a list gives of an article: its bylines, topics, countries and
    agreements as its page lists them (the stored document, in the page's
    order: newsroom.site.article_page.fill), read from the document's rows
    as they are. Making model instances of every list first, as the page
    does, was most of a list's time."""
    document = article.__dict__.get("page_lists")
    if document is None:  # never written: as the page does
        document = documents.compute([article.pk]).get(article.pk, (None, {}))[1]
    return {
        "id": article.pk,
        "url": absolute_url(article.get_absolute_url()),
        "language": article.language,
        "headline": article.headline,
        "dek": article.dek,
        "published_at": article.published_at,
        # When readers were last told it changed (dateModified on its page).
        "modified_at": article.date_modified,
        "authors": [
            {"name": row["author"]["name"], "slug": row["author"]["slug"]}
            for row in _rows(document, "bylines", "position", "id")
        ],
        "topics": [
            {
                "slug": row["slug"],
                "name_es": row.get("name_es") or row["name"],
                "name_en": row.get("name_en") or row["name"],
            }
            for row in _rows(document, "tags", "link_id")
        ],
        "countries": [country_link(row) for row in _rows(document, "countries", "link_id")],
        "agreements": [
            {
                "slug": row["agreement"]["slug"],
                "title": row["agreement"]["title"],
                "title_en": row["agreement"].get("title_en") or None,
                "kind": row["agreement"]["kind"],
                "status": row["agreement"]["status"],
                "relation": row["relation"],
            }
            for row in _rows(document, "agreement_links", "relation", "id")
        ],
    }


def detail(article: Article) -> dict:
    """What the article's own address gives: the list's fields, the body
    (the stored HTML, sanitised on every save), the picture's words, the
    sources and the corrections."""
    lists = article_page.load(article)
    image = None
    if article.image:
        image = {
            "url": absolute_url(article.image.url),
            "alt": article.image_alt,
            "caption": article.image_caption,
            "credit": article.image_credit,
        }
    return {
        **summary(article),
        "body_html": article.body,
        "image": image,
        # Only http(s) links, as the page prints them.
        "sources": [{"outlet": source.outlet, "url": http_url(source.url) or None} for source in lists.sources],
        "corrections": [{"text": c.text, "created_at": c.created_at} for c in lists.corrections],
    }


def moment_in_range(moment: datetime) -> bool:
    """Whether a time is one a story may have (Article.PUBLICATION_YEARS):
    further out, converting it for the database overflows."""
    first, last = Article.PUBLICATION_YEARS
    return first <= moment.year <= last


def _moment(name: str, value: str, *, end_of_day: bool) -> datetime:
    """An ISO 8601 date or date-time; a date alone means the start of that
    day (or its end, for ``published_before``) in the newsroom's zone."""
    try:
        day = parse_date(value)
        moment = None if day is not None else parse_datetime(value)
    except ValueError:  # well formed, but no such day or hour
        moment = day = None
    if moment is None and day is None:
        example = "2026-01-31 or 2026-01-31T08:00Z"
        raise ValidationError({name: f"Not a date or time: {value!r}. Use ISO 8601: {example}."})
    if moment is None:
        moment = datetime.combine(day, time.max if end_of_day else time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if not moment_in_range(moment):
        first, last = Article.PUBLICATION_YEARS
        raise ValidationError({name: f"Out of range: a year from {first} to {last}."})
    return moment


# The filters of the article list, as (parameter, what it takes).
FILTERS = {
    "language": "es or en: articles in that language",
    "country": "a country's address word (cuba, iran...): articles tagged with it",
    "topic": "a topic's address word: articles tagged with it",
    "agreement": "an agreement's address word: articles about or mentioning it",
    "person": "a person's address word: articles naming them",
    "organisation": "an organisation's address word: articles naming it",
    "published_after": "ISO 8601 date or date-time: articles published at or after it",
    "published_before": "ISO 8601 date or date-time: articles published at or before it (a date counts whole)",
}


# Each record filter: the link table whose copies of the article's state
# list a record's stories newest first (indexed by record, status and time,
# as the record's own page reads them), its column to the article, and the
# lookup of the record's address word.
# The narrowest kinds of record first: with several filters, the list is
# read through the first one's links (a country can be on a third of all
# stories; a person, on a few).
LINKS = {
    "agreement": (ArticleAgreement, "article_id", "agreement"),
    "person": (ArticlePerson, "article_id", "person"),
    "organisation": (ArticleOrganization, "article_id", "organization"),
    "topic": (TaggedTopic, "content_object_id", "tag"),
    "country": (TaggedCountry, "content_object_id", "tag"),
}


def _record_id(model, field: str, word: str) -> Subquery:
    """The id of the record with this address word, as a subquery: given
    the record's id rather than a join on its slug, PostgreSQL reads the
    links' index in order and stops after a page."""
    record = model._meta.get_field(field).related_model
    return Subquery(record.objects.filter(slug=word).values("pk")[:1])


def _checked(params) -> dict:
    """The query string's filters, each checked (a 400 naming the first
    that is not what it should be), by name."""
    found = {}
    language = params.get("language")
    if language is not None:
        if language not in Article.Language.values:
            raise ValidationError({"language": f"Must be one of: {', '.join(Article.Language.values)}."})
        found["language"] = language
    for name in LINKS:
        if (word := params.get(name)) is not None:
            found[name] = address_word(name, word)
    if (after := params.get("published_after")) is not None:
        found["published_after"] = _moment("published_after", after, end_of_day=False)
    if (before := params.get("published_before")) is not None:
        found["published_before"] = _moment("published_before", before, end_of_day=True)
    return found


def filtered(articles, params):
    """``articles`` narrowed by the query string's filters (the list
    without a record filter)."""
    filters = _checked(params)
    if "language" in filters:
        articles = articles.filter(language=filters["language"])
    for name, (model, column, field) in LINKS.items():
        if name in filters:
            linked = model.objects.filter(**{column: OuterRef("pk"), f"{field}__slug": filters[name]})
            articles = articles.filter(Exists(linked))
    if "published_after" in filters:
        articles = articles.filter(published_at__gte=filters["published_after"])
    if "published_before" in filters:
        articles = articles.filter(published_at__lte=filters["published_before"])
    return articles


def by_record(params):
    """For a list filtered by a record (a country, topic, agreement, person
    or organisation): the record's links to public stories, the other
    filters applied to them, with the column naming the article; None for a
    list without one.

    Walking the articles newest first and testing each for the record took
    40 ms for a country with few stories at 100,000 articles; the links'
    copies of each article's state and time (newsroom.core.copies, written
    in the article's own transaction) are indexed by record, state and time,
    so a page of any record is a few index entries. The articles they name
    are read next and checked on the article itself: a copy can only hide a
    story, never show one.

    An address word nobody has answers as one only unpublished stories
    carry: an empty list (the site's topic page is a 404 for both, as a
    topic's name alone could give an embargoed story away)."""
    filters = _checked(params)
    driver = next((name for name in LINKS if name in filters), None)
    if driver is None:
        return None
    model, column, field = LINKS[driver]
    links = model.objects.filter(public_q("article_"), **{field: _record_id(model, field, filters[driver])})
    if "language" in filters:
        links = links.filter(article_language=filters["language"])
    for name, (other, other_column, other_field) in LINKS.items():
        if name != driver and name in filters:
            record = _record_id(other, other_field, filters[name])
            also = other.objects.filter(**{other_column: OuterRef(column), other_field: record})
            links = links.filter(Exists(also))
    if "published_after" in filters:
        links = links.filter(article_published_at__gte=filters["published_after"])
    if "published_before" in filters:
        links = links.filter(article_published_at__lte=filters["published_before"])
    return links.only(column, "article_published_at"), column


def articles_of(links, column: str) -> list[Article]:
    """The public articles the links name, in the links' order (one query)."""
    ids = [getattr(link, column) for link in links]
    found = Article.objects.published().only(*LIST_FIELDS).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
