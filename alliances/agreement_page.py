"""Everything the agreement page lists about an agreement, in one query:
its parties (with their countries), sectors, sources, the agreement it
replaces and the one it belongs to, the agreements that replace it and
those it includes. Five prefetches cost more Python time
than the database spends answering them; see newsroom.core.db for how the lists
are read and where they land (``agreement.parties.all()`` and so on, as
with ``prefetch_related``)."""

from __future__ import annotations

import functools

from django.db.models import Subquery
from django.db.models.functions import JSONObject

from alliances.models import Agreement, AgreementParty, AgreementSource, Country, Sector
from newsroom.core.db import CompiledQuery, columns, instance_from_json, json_list, json_rows, set_prefetched

COUNTRY_FIELDS = ("id", "name", "slug", "iso2")
LINKED_AGREEMENT_FIELDS = ("id", "title", "slug")


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
    return [
        instance_from_json(AgreementParty, row, country=instance_from_json(Country, row["country"]))
        for row in sorted(rows, key=lambda row: row["id"])
    ]


def lists() -> dict:
    return {
        "page_parties": party_rows(),
        "page_sectors": json_rows(
            Agreement.sectors.through.objects.all(), "agreement", **columns(*("id", "name", "slug"), prefix="sector__")
        ),
        "page_sources": json_rows(
            AgreementSource.objects.all(), "agreement", id="id", outlet="outlet", url="url", published_on="published_on"
        ),
        # The agreement's own two links, as lists of one (or none).
        "page_supersedes": json_rows(
            Agreement.objects.all(), "pk", outer="supersedes_id", **columns(*LINKED_AGREEMENT_FIELDS)
        ),
        "page_part_of": json_rows(
            Agreement.objects.all(), "pk", outer="part_of_id", **columns(*LINKED_AGREEMENT_FIELDS)
        ),
        "page_superseded_by": json_rows(Agreement.objects.all(), "supersedes", **columns(*LINKED_AGREEMENT_FIELDS)),
        "page_parts": json_rows(Agreement.objects.all(), "part_of", **columns(*LINKED_AGREEMENT_FIELDS)),
    }


# The page's own read: the agreement at a slug with its lists, in one query.
_PAGE = CompiledQuery(
    Agreement, lambda ids, now, key: Agreement.objects.filter(slug=key).annotate(**lists())[:1], key="text", clock=False
)


def for_page(slug: str) -> Agreement | None:
    """The agreement at ``slug`` with its lists filled, or None: one query."""
    found = _PAGE.run(key=slug)
    if not found:
        return None
    agreement = found[0]
    return fill(agreement, {name: agreement.__dict__.pop(name, None) for name in _column_names()})


@functools.cache
def _column_names() -> tuple[str, ...]:
    return tuple(lists())


def fill(agreement: Agreement, fetched: dict) -> Agreement:
    """Put the lists in ``fetched`` (the columns of :func:`lists`) on
    ``agreement``, in the orders the models give them (names and titles
    compared by code point: see newsroom.site.article_page)."""
    rows = {name.removeprefix("page_"): json_list(value) for name, value in fetched.items()}
    set_prefetched(agreement, "parties", parties_from_rows(rows.get("parties", [])))
    set_prefetched(
        agreement, "sectors", [instance_from_json(Sector, row) for row in sorted(rows.get("sectors", []), key=_name)]
    )
    sources = [instance_from_json(AgreementSource, row) for row in rows.get("sources", [])]
    # Undated sources last, as PostgreSQL sorts them.
    sources.sort(key=lambda s: (s.published_on is None, s.published_on or 0, s.pk))
    set_prefetched(agreement, "sources", sources)
    for name in ("supersedes", "part_of"):
        # Where select_related() would have put the linked agreement.
        found = rows.get(name)
        field = Agreement._meta.get_field(name)
        if getattr(agreement, field.attname) is not None and found:
            field.set_cached_value(agreement, instance_from_json(Agreement, found[0]))
    for name in ("superseded_by", "parts"):
        linked = sorted(rows.get(name, []), key=lambda row: (row["title"], row["id"]))
        set_prefetched(agreement, name, [instance_from_json(Agreement, row) for row in linked])
    return agreement


def _name(row: dict) -> tuple:
    return (row["name"], row["id"])
