"""The overview beside a country's stories on its first page: how many
agreements it is party to, by status, the latest few of them, and the
countries it shares agreements with.

Stored, not computed per view. Counting a busy country's agreements and
partners (Cuba: two thousand agreements, 237 partners) took three queries and
more time than the rest of its page, on the site's most visited kind of page.
So the overview is kept in ``CountryOverview`` and written again whenever
something it shows changes, by a background task queued in the same
transaction as the change (newsroom.stored.followups; the receivers below
name the countries, the refresh table queues them):

* an agreement is saved (title, kind, status, dates) or deleted: the
  overviews of its parties' countries;
* a party is added, changed or removed: the overviews of every country of that
  agreement (their partner counts change too);
* a country is renamed: its own overview and those of its partners, which
  print its name.

Rows written around the ORM (``bulk_create``, the benchmark's data set) are
followed by :func:`refresh_all`; ``manage.py migrate`` fills the overviews
of countries that have none or one in an older format (FORMAT). A country
without a stored overview is computed on the spot, so a missing row is
slower, never wrong.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import get_language

from alliances import agreement_page
from alliances.models import Agreement, AgreementParty, Country, CountryOverview
from alliances.queries import agreements_by_recency, partner_countries, party_country_ids, party_to
from newsroom.core.converters import slug_path
from newsroom.core.db import TEXT, Statement, instance_from_json, json_list

LATEST_SHOWN = 5
# The stored overview's shape: an overview stored in another (older) one is
# written again after ``migrate`` (fill_missing). 2: partners' Spanish names;
# 3: the latest agreements' parties' Spanish names; 4: their English titles.
FORMAT = 4
# What an agreement card prints (templates/jinja2/includes/cards.html).
CARD_FIELDS = (
    "id",
    "title",
    "title_en",
    "slug",
    "kind",
    "status",
    *(
        f"{name}{suffix}"
        for name in ("announced_on", "signed_on", "in_force_on", "expires_on")
        for suffix in ("", "_precision")
    ),
)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


class Partner(NamedTuple):
    """A country sharing agreements with another, and how many."""

    name: str
    slug: str
    agreement_count: int
    name_es: str = ""

    def get_absolute_url(self) -> str:
        return slug_path("alliances:country-detail", self.slug)

    @property
    def display_name(self) -> str:
        """The name in the active language (as Country.display_name)."""
        return self.name_es if get_language() == "es" and self.name_es else self.name


@dataclass(frozen=True)
class Overview:
    statuses: list[StatusCount]
    latest: list[Agreement]
    partners: list[Partner]

    @property
    def total(self) -> int:
        return sum(status.count for status in self.statuses)


# Computing one: three queries.


def compute(country_id: int, using: str = DEFAULT_DB_ALIAS) -> dict:
    """The overview of the country ``country_id`` as JSON-ready data."""
    agreements = Agreement.objects.using(using).filter(party_to(country_id))
    statuses = agreements.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    latest = agreements_by_recency(agreements).annotate(card_parties=agreement_page.party_rows())[:LATEST_SHOWN]
    partners = partner_countries(country_id).using(using).values_list("name", "slug", "agreement_count", "name_es")

    def card(agreement: Agreement) -> dict:
        row = {name: getattr(agreement, name) for name in CARD_FIELDS}
        row = {name: value.isoformat() if isinstance(value, date) else value for name, value in row.items()}
        # In one order whatever order the database aggregated them in.
        return {**row, "parties": sorted(json_list(agreement.card_parties), key=lambda party: party["id"])}

    return {
        "format": FORMAT,
        "statuses": [[status, count] for status, count in statuses],
        "latest": [card(agreement) for agreement in latest],
        "partners": [list(row) for row in partners],
    }


def refresh(country_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> None:
    """Write the overviews of these countries again (in the caller's
    transaction: a change rolled back takes its overviews with it). Each row
    is locked before its overview is computed, so two editors changing the
    same country's agreements at once cannot store one computed without the
    other's change."""
    rows = CountryOverview.objects.using(using)
    with transaction.atomic(using=using):
        for country_id in sorted(set(country_ids)):
            rows.select_for_update().get_or_create(country_id=country_id)
            rows.filter(country_id=country_id).update(data=compute(country_id, using), updated_at=timezone.now())


def refresh_all(*, missing_only: bool = False, using: str = DEFAULT_DB_ALIAS) -> int:
    """Every country's overview (or only those not stored yet); how many
    were written."""
    countries = Country.objects.using(using)
    if missing_only:
        # (An overview without the key at all must be named: NOT (NULL = 3) is NULL.)
        countries = countries.filter(
            Q(overview__isnull=True) | ~Q(overview__data__has_key="format") | ~Q(overview__data__format=FORMAT)
        )
    ids = list(countries.values_list("pk", flat=True))
    refresh(ids, using)
    return len(ids)


# Reading one: with the country, in one query.


def country_for_page(slug: str) -> Country | None:
    """The country at ``slug`` carrying its stored overview, or None: one
    query, compiled once (newsroom.core.db.Statement)."""
    found = COUNTRY_PAGE(slug=slug)
    return found[0] if found else None


COUNTRY_PAGE = Statement(
    lambda *, slug: Country.objects.filter(slug=slug).annotate(overview_data=F("overview__data")).order_by("pk")[:1],
    [f.attname for f in Country._meta.concrete_fields],
    extra=("overview_data",),
    slug=TEXT,
)


def for_page(country: Country) -> Overview:
    """The overview of a country from :func:`country_for_page` (computed on
    the spot if none is stored)."""
    data = getattr(country, "overview_data", None)
    if isinstance(data, str):
        data = json.loads(data)
    if data is None:
        data = compute(country.pk)
    labels = dict(Agreement.Status.choices)
    latest = []
    for row in data["latest"]:
        # (An overview stored before FORMAT 4 has no English titles: the
        # Spanish ones show until migrate writes it again.)
        fields = {"title_en": "", **{k: v for k, v in row.items() if k != "parties"}}
        agreement = instance_from_json(Agreement, fields)
        agreement.party_list = agreement_page.parties_from_rows(row["parties"])
        latest.append(agreement)
    counts = dict(data["statuses"])
    return Overview(
        statuses=[StatusCount(value, labels[value], counts[value]) for value in labels if counts.get(value)],
        latest=latest,
        partners=[Partner(*row) for row in data["partners"]],
    )


# Keeping them current.


# The receivers below return the countries whose overviews a change makes
# stale (newsroom.stored.refresh queues them). Raw saves too:
# django-reversion restores versions with them.


def agreement_saved(sender, instance, **kwargs) -> set[int]:
    return party_country_ids(instance.pk)


def agreement_deleting(sender, instance, **kwargs):
    # The parties go first in the cascade: note their countries now.
    instance.overview_countries_before_delete = party_country_ids(instance.pk)


def agreement_deleted(sender, instance, **kwargs) -> set[int]:
    return set(getattr(instance, "overview_countries_before_delete", ()))


def party_saving(sender, instance, **kwargs):
    # A party moved to another country (or agreement) must also leave the
    # overviews it was in: note where it was.
    if instance.pk:
        instance.overview_party_before_save = (
            AgreementParty.objects.filter(pk=instance.pk).values_list("agreement_id", "country_id").first()
        )


def party_changed(sender, instance, **kwargs) -> set[int]:
    # Every country of the agreement: their partner counts change with it.
    countries = party_country_ids(instance.agreement_id) | {instance.country_id}
    was = getattr(instance, "overview_party_before_save", None)
    if was is not None:
        countries |= party_country_ids(was[0]) | {was[1]}
    return countries


def countries_changed(sender, instance, action, reverse, pk_set, **kwargs) -> set[int]:
    """Parties written through ``agreement.countries.add()/remove()/set()``
    or ``country.agreements...`` (bulk inserts and deletes: no signal per
    party). ``instance`` is the agreement, or the country when ``reverse``."""
    if action == "pre_clear":
        # The rows are about to go: note whose overviews they are in.
        instance.overview_countries_before_clear = _countries_around(instance, reverse)
        return set()
    if action in ("post_add", "post_remove", "post_clear"):
        countries = _countries_around(instance, reverse) | getattr(instance, "overview_countries_before_clear", set())
        if reverse:
            for agreement_id in pk_set or ():
                countries |= party_country_ids(agreement_id)
        else:
            countries |= set(pk_set or ())
        return countries
    return set()


def _countries_around(instance, reverse: bool) -> set[int]:
    """An agreement's countries; or a country and those it shares agreements with."""
    if not reverse:
        return party_country_ids(instance.pk)
    shared = AgreementParty.objects.filter(country_id=instance.pk).values("agreement_id")
    return set(AgreementParty.objects.filter(agreement_id__in=shared).values_list("country_id", flat=True)) | {
        instance.pk
    }


def country_saved(sender, instance, created=False, **kwargs) -> set[int]:
    return set() if created else _countries_around(instance, reverse=True)


def fill_missing(sender, using=DEFAULT_DB_ALIAS, apps=None, **kwargs):
    """After ``migrate``: store the overviews of countries that have none
    (all of them, the first time). Not when migrating back to before the
    overview table existed."""
    if apps is not None:
        try:
            apps.get_model("alliances", "CountryOverview")
        except LookupError:
            return
    if CountryOverview._meta.db_table not in connections[using].introspection.table_names():
        return
    refresh_all(missing_only=True, using=using)
