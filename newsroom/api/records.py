"""Topics, countries, agreements, people and organisations as the API gives
them: which ones are public, what each looks like, and their filters.

Public, as on the site: a topic while a public story carries it (its name
alone could give an embargoed story away); a person or organisation while
an agreement lists it or a public story names it; every country and every
agreement (public records). Counts of articles count public ones only.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError

from alliances import agreement_page
from alliances.models import Agreement, AgreementParticipant, AgreementParty, Country, Organization, Person
from newsroom.core.converters import slug_path
from newsroom.core.text import SLUG_FORM
from newsroom.models import Article, ArticleOrganization, ArticlePerson, TaggedCountry, TaggedTopic, Topic
from newsroom.models.visibility import public_q
from newsroom.site.jinja2 import http_url
from newsroom.site.seo import agreement_structured_data
from newsroom.site.views import absolute_url


def address_word(name: str, value: str) -> str:
    """A slug as the site's addresses have them (SLUG_FORM: lower-case ASCII
    words joined by hyphens), or a 400 naming the parameter (so no control
    character reaches the database: PostgreSQL refuses NUL)."""
    if len(value) > 200 or not re.fullmatch(SLUG_FORM, value):
        raise ValidationError({name: f"Not an address word (lower-case letters, digits, hyphens): {value!r}."})
    return value


# How long a change's time may precede its commit (a save's transaction, or
# one batch of a rewrite: newsroom.stored.followups), with a second to spare
# for HTTP dates' whole seconds.
SETTLE = timedelta(seconds=10)


def last_modified(row, now: datetime | None = None) -> datetime | None:
    """When an article's or agreement's answer last changed: the latest of
    its row's last save, its last substantive update (an article's
    ``modified_at``, set without a save) and the last writing of its stored
    lists (a renamed topic, a correction, an agreement's new status restate
    those without saving the row).

    None when that is under SETTLE ago: a time is taken before its
    transaction commits, so a change committing just after this answer was
    read could carry a time no later than it, and a client asking
    If-Modified-Since would get a stale 304. Past SETTLE, any change this
    answer did not see is dated after it. None too for lists written before
    they said when. The ETag answers in either case."""
    written = (row.page_lists or {}).get("written")
    moment = parse_datetime(written) if isinstance(written, str) else None
    if moment is None:
        return None
    latest = max(t for t in (row.updated_at, moment, getattr(row, "modified_at", None)) if t is not None)
    return latest if latest <= (now or timezone.now()) - SETTLE else None


def choice(name: str, value: str, choices) -> str:
    if value not in choices.values:
        raise ValidationError({name: f"Must be one of: {', '.join(choices.values)}."})
    return value


def pages(route: str, slug: str) -> dict:
    """The record's page in each edition."""
    return {
        "url": absolute_url(slug_path(route, slug, "es")),
        "url_en": absolute_url(slug_path(route, slug, "en")),
    }


def _count(queryset: QuerySet, column: str, *, distinct: str | None = None):
    """How many rows of ``queryset`` point at the outer row (0 for none), or
    how many ``distinct`` values they hold, as a subquery: two counts joined
    in one query would multiply each other."""
    counter = Count(distinct, distinct=True) if distinct else Count("*")
    counted = queryset.filter(**{column: OuterRef("pk")}).order_by().values(column).annotate(n=counter).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


# -- Topics -------------------------------------------------------------------------


def public_topics() -> QuerySet[Topic]:
    return Topic.objects.with_public_story().annotate(
        article_count=_count(TaggedTopic.objects.filter(public_q("article_")), "tag")
    )


def topic(row: Topic) -> dict:
    return {
        "id": row.pk,
        "slug": row.slug,
        **pages("newsroom:topic-detail", row.slug),
        "name_es": row.name_es or row.name,
        "name_en": row.name_en or row.name,
        "description": row.description,
        "article_count": row.article_count,
    }


# -- Countries ----------------------------------------------------------------------


def countries() -> QuerySet[Country]:
    return Country.objects.annotate(
        article_count=_count(TaggedCountry.objects.filter(public_q("article_")), "tag"),
        # (A country may be a party to one agreement in two roles.)
        agreement_count=_count(AgreementParty.objects.all(), "country", distinct="agreement"),
    ).defer("introduction", "introduction_en")


def country_link(row: Country | dict) -> dict:
    """A country as lists name it: a record, or a row of an article's stored
    lists (newsroom.stored.documents.COUNTRY_FIELDS)."""
    get = row.get if isinstance(row, dict) else functools.partial(getattr, row)
    return {
        "slug": get("slug"),
        "iso2": get("iso2"),
        "iso3": get("iso3"),
        "name_en": get("name_en") or get("name"),
        "name_es": get("name_es") or get("name"),
        "wikidata_id": get("wikidata_id") or None,
    }


def country(row: Country) -> dict:
    return {
        "id": row.pk,
        **pages("alliances:country-detail", row.slug),
        **country_link(row),
        "same_as": [f"https://www.wikidata.org/wiki/{row.wikidata_id}"] if row.wikidata_id else [],
        "article_count": row.article_count,
        "agreement_count": row.agreement_count,
    }


# -- Agreements ---------------------------------------------------------------------

AGREEMENT_FILTERS = {
    "country": "a country's address word: agreements it is a party to",
    "kind": "one of the kinds: " + ", ".join(Agreement.Kind.values),
    "status": "one of the statuses: " + ", ".join(Agreement.Status.values),
    "sector": "a sector's address word",
    "person": "a person's address word: agreements they took part in",
    "organisation": "an organisation's address word: agreements it took part in",
}


def filtered_agreements(params) -> QuerySet[Agreement]:
    found = Agreement.objects.all()
    if (word := params.get("country")) is not None:
        # (A country may be a party twice, in two roles: Exists, not a join.)
        party = AgreementParty.objects.filter(agreement=OuterRef("pk"), country__slug=address_word("country", word))
        found = found.filter(Exists(party))
    if (value := params.get("kind")) is not None:
        found = found.filter(kind=choice("kind", value, Agreement.Kind))
    if (value := params.get("status")) is not None:
        found = found.filter(status=choice("status", value, Agreement.Status))
    if (word := params.get("sector")) is not None:
        found = found.filter(sectors__slug=address_word("sector", word))
    for name, column in (("person", "person__slug"), ("organisation", "organization__slug")):
        if (word := params.get(name)) is not None:
            found = found.filter(
                Exists(
                    AgreementParticipant.objects.filter(agreement=OuterRef("pk"), **{column: address_word(name, word)})
                )
            )
    # (The sector join meets an agreement once at most: one row per pair.)
    return found


def with_lists(agreements: list[Agreement]) -> list[Agreement]:
    """The agreements with their stored lists (alliances.agreement_page),
    those never written computed in one query."""
    missing = [a.pk for a in agreements if a.page_lists is None]
    computed = agreement_page.compute(missing) if missing else {}
    return [agreement_page.fill(a, a.page_lists or computed.get(a.pk, {})) for a in agreements]


def _date(agreement: Agreement, field: str) -> dict | None:
    value = getattr(agreement, field)
    if value is None:
        return None
    return {
        "date": value,
        "precision": getattr(agreement, f"{field}_precision"),
        # EDTF (ISO 8601-2) level 0 says the precision in the string itself.
        "edtf": agreement.date_iso(field),
    }


def _linked(linked: Agreement | None) -> dict | None:
    if linked is None:
        return None
    return {"id": linked.pk, "slug": linked.slug, "title": linked.title, "title_en": linked.title_en or None}


def agreement(row: Agreement, *, full: bool = False) -> dict:
    lists = row.lists
    data = {
        "id": row.pk,
        "slug": row.slug,
        **pages("alliances:agreement-detail", row.slug),
        "title": row.title,
        "title_en": row.title_en or None,
        "kind": row.kind,
        "status": row.status,
        "dates": {field.removesuffix("_on"): _date(row, field) for field in AGREEMENT_DATES},
        "duration_years": row.duration_years,
        "parties": [
            {
                "role": party.role,
                "country": {
                    "id": party.country.pk,
                    "slug": party.country.slug,
                    "iso2": party.country.iso2,
                    "name_en": party.country.name,
                    "name_es": party.country.name_es or party.country.name,
                },
            }
            for party in lists.parties
        ],
        "sectors": [
            {"slug": sector.slug, "name_en": sector.name, "name_es": sector.name_es or sector.name}
            for sector in lists.sectors
        ],
        "supersedes": _linked(lists.supersedes),
        "part_of": _linked(lists.part_of),
        "wikidata_id": row.wikidata_id or None,
        "same_as": [row.wikidata_url] if row.wikidata_id else [],
        "updated_at": row.updated_at,
    }
    if full:
        data |= {
            "summary": row.summary,
            "summary_en": row.summary_en,
            "superseded_by": [_linked(other) for other in lists.superseded_by],
            "parts": [_linked(other) for other in lists.parts],
            "participants": [
                {
                    "role": p.role,
                    "note": p.note,
                    "person": _participant(p.person) if p.person_id else None,
                    "organisation": _participant(p.organization) if p.organization_id else None,
                }
                for p in lists.participants
            ],
            "sources": [
                {"outlet": s.outlet, "url": http_url(s.url) or None, "published_on": s.published_on}
                for s in lists.sources
            ],
            "schema_org": agreement_structured_data(row),
        }
    return data


AGREEMENT_DATES = ("announced_on", "signed_on", "in_force_on", "expires_on")


def _participant(who: Person | Organization) -> dict:
    return {"id": who.pk, "slug": who.slug, "name": who.name}


# -- People and organisations -------------------------------------------------------

PROFILE_LINKS = {Person: (ArticlePerson, "person"), Organization: (ArticleOrganization, "organization")}


def public_profiles(model) -> QuerySet:
    """The people (or organisations) with a public page: an agreement lists
    them or a public story names them (alliances.views._profile_page). The
    link table's copies of the article's state pick the links; the article
    itself decides (selectors.profile_for_page says why both)."""
    links, column = PROFILE_LINKS[model]
    now = timezone.now()
    public_story = links.objects.filter(
        public_q("article_", now=now),
        article__in=Article.objects.published(now=now).values("pk"),
        **{column: OuterRef("pk")},
    )
    in_agreement = AgreementParticipant.objects.filter(**{column: OuterRef("pk")})
    return (
        model.objects.filter(Q(Exists(in_agreement)) | Q(Exists(public_story)))
        .select_related("country")
        .annotate(article_count=_count(links.objects.filter(public_q("article_", now=now)), column))
    )


PROFILE_FILTERS = {"country": "a country's address word: those of that country"}


def filtered_profiles(model, params) -> QuerySet:
    found = public_profiles(model)
    if (word := params.get("country")) is not None:
        found = found.filter(country__slug=address_word("country", word))
    return found


def profile(row: Person | Organization) -> dict:
    data = {
        "id": row.pk,
        "slug": row.slug,
        **pages(row.route, row.slug),
        "name": row.name,
        "other_names": row.alias_list,
    }
    if isinstance(row, Person):
        data |= {"role": row.role, "role_en": row.role_en}
    else:
        data |= {"kind": row.kind, "description": row.description, "description_en": row.description_en}
    data |= {
        "note": row.note,
        "note_en": row.note_en,
        "country": (
            {"id": row.country.pk, "slug": row.country.slug, "iso2": row.country.iso2} if row.country_id else None
        ),
        "photo": absolute_url(row.photo.url) if row.photo else None,
        "photo_credit": row.photo_credit,
        "wikidata_id": row.wikidata_id or None,
        "same_as": [row.wikidata_url] if row.wikidata_id else [],
        "article_count": row.article_count,
    }
    return data


# -- The agreements as CSV ----------------------------------------------------------

CSV_COLUMNS = (
    "agreement_id",
    "title",
    "title_en",
    "kind",
    "status",
    "announced",
    "signed",
    "in_force",
    "expires",
    "duration_years",
    "sectors",
    "supersedes_id",
    "part_of_id",
    "wikidata_id",
    "url",
    "party_iso2",
    "party_name_en",
    "party_name_es",
    "party_role",
)
# A spreadsheet runs a cell that starts with one of these as a formula (and
# a tab or a carriage return can hide one): such a cell gets a leading
# apostrophe, which spreadsheets show as text and do not print.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_rows(agreements: QuerySet[Agreement], *, chunk: int = 500):
    """One row per party of each agreement (a tidy table: the agreement's
    columns repeat on each of its parties' rows), header first, every cell
    neutralised. Read ``chunk`` agreements at a time."""
    yield list(CSV_COLUMNS)
    batch = []
    for row in agreements.order_by("pk").iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from _csv_batch(batch)
            batch = []
    yield from _csv_batch(batch)


def _csv_batch(batch: list[Agreement]):
    for row in with_lists(batch) if batch else []:
        lists = row.lists
        shared = [
            row.pk,
            row.title,
            row.title_en,
            row.kind,
            row.status,
            *(row.date_iso(field) for field in AGREEMENT_DATES),
            row.duration_years,
            "; ".join(sector.name for sector in lists.sectors),
            row.supersedes_id,
            row.part_of_id,
            row.wikidata_id,
            absolute_url(slug_path("alliances:agreement-detail", row.slug, "es")),
        ]
        parties = [
            [party.country.iso2, party.country.name, party.country.name_es or party.country.name, party.role]
            for party in lists.parties
        ]
        # An agreement without parties (the admin needs two; an import may
        # not) still has its row.
        for party_cells in parties or [["", "", "", ""]]:
            yield [neutralised(cell) for cell in (*shared, *party_cells)]
