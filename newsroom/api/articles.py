"""Articles as the API gives them, from the stored documents: the card's
bylines and the page's lists (newsroom.stored.documents), so that a list of
any length costs one query."""

from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.encoding import iri_to_uri
from rest_framework.exceptions import ValidationError

from alliances.models import Country
from newsroom.models import Article, Topic

# The columns a list reads; the body and the search and related columns stay
# in the table.
LIST_FIELDS = ("id", "slug", "language", "headline", "dek", "published_at", "modified_at", "page_lists")
DETAIL_FIELDS = (*LIST_FIELDS, "body", "image", "image_alt", "image_caption", "image_credit")


def address(path: str) -> str:
    return settings.SITE_URL + iri_to_uri(path)


def _topics(lists: dict) -> list[dict]:
    return [
        {"slug": tag["slug"], "name_es": tag["name_es"] or tag["name"], "name_en": tag["name_en"] or tag["name"]}
        for tag in lists.get("tags", [])
    ]


def _countries(lists: dict) -> list[dict]:
    return [
        {
            "slug": row["slug"],
            "iso2": row["iso2"],
            "iso3": row["iso3"],
            "name_en": row["name_en"] or row["name"],
            "name_es": row["name_es"] or row["name"],
            "wikidata_id": row["wikidata_id"] or None,
        }
        for row in lists.get("countries", [])
    ]


def _agreements(lists: dict) -> list[dict]:
    return [
        {
            "slug": link["agreement"]["slug"],
            "title": link["agreement"]["title"],
            "title_en": link["agreement"]["title_en"] or None,
            "kind": link["agreement"]["kind"],
            "status": link["agreement"]["status"],
            "relation": link["relation"],
        }
        for link in lists.get("agreement_links", [])
    ]


def summary(article: Article) -> dict:
    """What a list gives of an article."""
    lists = article.page_lists or {}
    return {
        "id": article.pk,
        "url": address(article.get_absolute_url()),
        "language": article.language,
        "headline": article.headline,
        "dek": article.dek,
        "published_at": article.published_at,
        # When readers were last told it changed (dateModified on its page).
        "modified_at": article.date_modified,
        "authors": [{"name": b["author"]["name"], "slug": b["author"]["slug"]} for b in lists.get("bylines", [])],
        "topics": _topics(lists),
        "countries": _countries(lists),
        "agreements": _agreements(lists),
    }


def detail(article: Article) -> dict:
    """What the article's own address gives: the list's fields, the body
    (the stored HTML, sanitised on every save), the picture's words, the
    sources and the corrections."""
    lists = article.page_lists or {}
    return {
        **summary(article),
        "body_html": article.body,
        "image": (
            {
                "url": address(article.image.url),
                "alt": article.image_alt,
                "caption": article.image_caption,
                "credit": article.image_credit,
            }
            if article.image
            else None
        ),  # fmt: skip
        "sources": [{"outlet": row["outlet"], "url": row["url"] or None} for row in lists.get("sources", [])],
        "corrections": [
            {"text": row.get("text", ""), "created_at": row.get("created_at")} for row in lists.get("corrections", [])
        ],
    }


def _moment(name: str, value: str, *, end_of_day: bool) -> datetime:
    """An ISO 8601 date or date-time; a date alone means the start of that
    day (or its end, for ``published_before``) in the newsroom's zone."""
    try:
        moment = parse_datetime(value)
        day = None if moment is not None else parse_date(value)
    except ValueError:  # well formed, but no such day or hour
        moment = day = None
    if moment is None and day is None:
        example = "2026-01-31 or 2026-01-31T08:00Z"
        raise ValidationError({name: f"Not a date or time: {value!r}. Use ISO 8601: {example}."})
    if moment is None:
        moment = datetime.combine(day, time.max if end_of_day else time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _address_word(name: str, value: str) -> str:
    """A slug as the site's addresses have them: letters, digits, hyphens
    (no control character reaches the database: PostgreSQL refuses NUL)."""
    if not value or len(value) > 200 or not all(ch.isalnum() or ch == "-" for ch in value):
        raise ValidationError({name: f"Not an address word: {value!r}."})
    return value


# The filters of the article list, as (parameter, what it takes).
FILTERS = {
    "language": "es or en: articles in that language",
    "country": "a country's address word (cuba, iran...): articles tagged with it",
    "topic": "a topic's address word: articles tagged with it",
    "published_after": "ISO 8601 date or date-time: articles published at or after it",
    "published_before": "ISO 8601 date or date-time: articles published at or before it (a date counts whole)",
}


def filtered(articles, params) -> object:
    """``articles`` narrowed by the query string's filters; an unknown
    parameter value is a 400 naming the parameter."""
    language = params.get("language")
    if language is not None:
        if language not in Article.Language.values:
            raise ValidationError({"language": f"Must be one of: {', '.join(Article.Language.values)}."})
        articles = articles.filter(language=language)
    for name, model, link in (("country", Country, "countries"), ("topic", Topic, "tags")):
        if (word := params.get(name)) is not None:
            found = model.objects.filter(slug=_address_word(name, word)).values_list("pk", flat=True).first()
            if found is None:
                raise ValidationError({name: f"No {name} has the address word {word!r}."})
            articles = articles.filter(**{link: found})
    after = params.get("published_after")
    if after is not None:
        articles = articles.filter(published_at__gte=_moment("published_after", after, end_of_day=False))
    before = params.get("published_before")
    if before is not None:
        articles = articles.filter(published_at__lte=_moment("published_before", before, end_of_day=True))
    return articles
