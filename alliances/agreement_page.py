"""What the agreement page lists about an agreement, stored with it.

Its parties (with their countries), sectors and sources, the agreement it
replaces and the one it belongs to, the agreements that replace it and
those it includes: computed when any of them changes (the refresh table,
newsroom.stored.refresh) into ``Agreement.page_lists``, a JSON document, so
the page reads one row. Five prefetches cost more Python time than the
database spent answering them, and building the lists' query on every view
cost a millisecond more.

The page gets them as ``agreement.lists`` (:class:`AgreementLists`), plain
lists of model instances; ``agreement.party_list`` too, as every agreement
shown with its parties has (display.party_countries).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from alliances.models import (
    Agreement,
    AgreementParticipant,
    AgreementParty,
    AgreementSource,
    Country,
    Organization,
    Person,
    Sector,
)
from newsroom.core.db import TEXT, Statement, columns, instance_from_json, json_list, json_rows
from newsroom.core.text import name_sort_key

# A party's country as stored: its Spanish name too, which Spanish pages print.
COUNTRY_FIELDS = ("id", "name", "name_es", "slug", "iso2")
# The stored document's shape: a document in another (older) one is written
# again after ``migrate`` (refresh_missing). 2: countries' Spanish names;
# 3: sectors' Spanish names and linked agreements' English titles (names
# stored in both languages: the page picks its edition's when it prints);
# 4: the people and organisations in it.
FORMAT = 4
LINKED_AGREEMENT_FIELDS = ("id", "title", "title_en", "slug")
SECTOR_FIELDS = ("id", "name", "name_es", "slug")
BATCH = 500


def party_rows(outer: str = "pk") -> Subquery:
    """The parties of the agreement whose key is the outer row's ``outer``,
    each with its country (also used by the article page's agreement box)."""
    return json_rows(
        AgreementParty.objects.all(),
        "agreement",
        outer=outer,
        id="id",
        agreement_id="agreement_id",
        country_id="country_id",
        role="role",
        country=JSONObject(**columns(*COUNTRY_FIELDS, prefix="country__")),
    )


def parties_from_rows(rows: list) -> list[AgreementParty]:
    """:func:`party_rows` as party instances with their countries, in the
    parties' order."""
    # A row stored before FORMAT 2 has no Spanish name: the English one is
    # shown until migrate writes it again, rather than a query per country.
    return [
        instance_from_json(AgreementParty, row, country=instance_from_json(Country, {"name_es": "", **row["country"]}))
        for row in sorted(rows, key=lambda row: row["id"])
    ]


def lists() -> dict:
    return {
        "parties": party_rows(),
        "sectors": json_rows(
            Agreement.sectors.through.objects.all(), "agreement", **columns(*SECTOR_FIELDS, prefix="sector__")
        ),
        "sources": json_rows(
            AgreementSource.objects.all(), "agreement", id="id", outlet="outlet", url="url", published_on="published_on"
        ),
        # The agreement's own two links, as lists of one (or none).
        "supersedes": json_rows(
            Agreement.objects.all(), "pk", outer="supersedes_id", **columns(*LINKED_AGREEMENT_FIELDS)
        ),
        "part_of": json_rows(Agreement.objects.all(), "pk", outer="part_of_id", **columns(*LINKED_AGREEMENT_FIELDS)),
        "superseded_by": json_rows(Agreement.objects.all(), "supersedes", **columns(*LINKED_AGREEMENT_FIELDS)),
        "parts": json_rows(Agreement.objects.all(), "part_of", **columns(*LINKED_AGREEMENT_FIELDS)),
        # Each with the name and address of its person or organisation.
        "participants": json_rows(
            AgreementParticipant.objects.all(),
            "agreement",
            id="id",
            role="role",
            note="note",
            person_id="person_id",
            organization_id="organization_id",
            name=Coalesce("person__name", "organization__name"),
            slug=Coalesce("person__slug", "organization__slug"),
        ),
    }


@functools.cache
def _names() -> tuple[str, ...]:
    return tuple(lists())


# -- Writing ----------------------------------------------------------------------


def compute(agreement_ids: Iterable[int]) -> dict[int, dict]:
    """The stored document of each agreement, by id: one query a batch."""
    rows = (
        Agreement.objects.filter(pk__in=list(agreement_ids))
        .order_by()
        .values("pk", **{f"l_{n}": e for n, e in lists().items()})
    )
    # In one order whatever order the database aggregated them in (readers
    # sort again for display).
    written = timezone.now().isoformat()
    return {
        row["pk"]: {
            "format": FORMAT,
            # For the API's Last-Modified (newsroom.api.records).
            "written": written,
            **{name: sorted(json_list(row[f"l_{name}"]), key=lambda r: r["id"]) for name in _names()},
        }
        for row in rows
    }


def refresh(agreement_ids: Iterable[int]) -> list[int]:
    """Write the documents of these agreements again (``update()``: no
    signals, no ``updated_at``). Returns the ids written: those of deleted
    agreements are skipped."""
    ids = sorted({int(pk) for pk in agreement_ids if pk is not None})
    written = []
    for start in range(0, len(ids), BATCH):
        documents = compute(ids[start : start + BATCH])
        Agreement.objects.bulk_update(
            [Agreement(pk=pk, page_lists=document) for pk, document in documents.items()], ["page_lists"]
        )
        written += sorted(documents)
    return written


def refresh_missing() -> int:
    """The documents of agreements that have none yet, or one in an older
    FORMAT (after ``migrate``)."""
    # (A document without the key at all must be named: NOT (NULL = 2) is NULL.)
    stale = Q(page_lists__isnull=True) | ~Q(page_lists__has_key="format") | ~Q(page_lists__format=FORMAT)
    ids = list(Agreement.objects.filter(stale).values_list("pk", flat=True))
    refresh(ids)
    return len(ids)


def refresh_all() -> int:
    ids = list(Agreement.objects.values_list("pk", flat=True))
    refresh(ids)
    return len(ids)


def linked_with(agreement_ids: Iterable[int]) -> set[int]:
    """The agreements whose pages print these agreements' titles: those they
    replace or belong to, and those that replace them or belong to them."""
    ids = set(agreement_ids)
    if not ids:
        return set()
    own = Agreement.objects.filter(pk__in=ids).values_list("supersedes_id", "part_of_id")
    linked = {pk for pair in own for pk in pair if pk is not None}
    linked |= set(Agreement.objects.filter(Q(supersedes__in=ids) | Q(part_of__in=ids)).values_list("pk", flat=True))
    return linked


# -- Reading ----------------------------------------------------------------------


@dataclass
class AgreementLists:
    parties: list[AgreementParty] = field(default_factory=list)
    sectors: list[Sector] = field(default_factory=list)
    sources: list[AgreementSource] = field(default_factory=list)
    supersedes: Agreement | None = None
    part_of: Agreement | None = None
    superseded_by: list[Agreement] = field(default_factory=list)
    parts: list[Agreement] = field(default_factory=list)
    participants: list[AgreementParticipant] = field(default_factory=list)


def for_page(slug: str) -> Agreement | None:
    """The agreement at ``slug`` with its lists, or None: one query, compiled
    once (newsroom.core.db.Statement; building it with the ORM on every
    request was a tenth of the page), two for an agreement whose document
    was never written."""
    found = AGREEMENT_PAGE(slug=slug)
    if not found:
        return None
    agreement = found[0]
    document = agreement.page_lists
    if document is None:
        document = compute([agreement.pk]).get(agreement.pk, {})
    return fill(agreement, document)


AGREEMENT_PAGE = Statement(
    lambda *, slug: Agreement.objects.filter(slug=slug).order_by("pk")[:1],
    [f.attname for f in Agreement._meta.concrete_fields],
    slug=TEXT,
)


def _linked(row: dict) -> Agreement:
    return instance_from_json(Agreement, {"title_en": "", **row})


def fill(agreement: Agreement, document: dict) -> Agreement:
    """Put the lists of ``document`` on ``agreement`` (``.lists``,
    ``.party_list``): sectors and linked agreements by the names the active
    edition prints (newsroom.core.text.name_sort_key)."""
    rows = {name: json_list(document.get(name)) for name in _names()}
    sources = [instance_from_json(AgreementSource, row) for row in rows["sources"]]
    # Undated sources last, as PostgreSQL sorts them.
    sources.sort(key=lambda s: (s.published_on is None, s.published_on or 0, s.pk))

    def one(name: str) -> Agreement | None:
        # Only while the agreement still points there (the document may be a
        # moment older than the row).
        found = rows[name]
        return _linked(found[0]) if getattr(agreement, f"{name}_id") and found else None

    def linked(name: str) -> list[Agreement]:
        found = [_linked(row) for row in rows[name]]
        return sorted(found, key=lambda a: (name_sort_key(a.display_title), a.pk))

    # (Rows stored before FORMAT 3 lack the Spanish sector names and English
    # titles: the other language's is shown until migrate writes them again.)
    sectors = [instance_from_json(Sector, {"name_es": "", **row}) for row in rows["sectors"]]

    agreement.lists = AgreementLists(
        parties=parties_from_rows(rows["parties"]),
        sectors=sorted(sectors, key=lambda s: (name_sort_key(s.display_name), s.pk)),
        sources=sources,
        supersedes=one("supersedes"),
        part_of=one("part_of"),
        superseded_by=linked("superseded_by"),
        parts=linked("parts"),
        participants=participants_from_rows(rows["participants"]),
    )
    agreement.party_list = agreement.lists.parties
    return agreement


def participants_from_rows(rows: list) -> list[AgreementParticipant]:
    """The stored participants, people first, each in the order added, with
    a person or organisation that knows its name and address."""
    participants = []
    for row in rows:
        who = {"id": row.get("person_id") or row.get("organization_id"), "name": row["name"], "slug": row["slug"]}
        participant = instance_from_json(
            AgreementParticipant, {k: row[k] for k in ("id", "role", "note", "person_id", "organization_id")}
        )
        if row.get("person_id"):
            participant.person = instance_from_json(Person, who)
        else:
            participant.organization = instance_from_json(Organization, who)
        participants.append(participant)
    return sorted(participants, key=lambda p: (p.person_id is None, p.pk))
