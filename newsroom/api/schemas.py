"""JSON Schemas of the records' answers (newsroom.api.records), for the
OpenAPI document. Written as JSON Schema (OpenAPI 3.1 is JSON Schema 2020-12)
because the records are built as dicts, not through serializers; the tests
check real answers against them."""

from __future__ import annotations

from alliances.models import Agreement, AgreementParticipant, AgreementParty, Organization, Precision


def string(fmt: str | None = None, *, null: bool = False, enum=None) -> dict:
    schema: dict = {"type": ["string", "null"] if null else "string"}
    if fmt:
        schema["format"] = fmt
    if enum is not None:
        schema["enum"] = [*enum, *([None] if null else [])]
    return schema


def integer(*, null: bool = False) -> dict:
    return {"type": ["integer", "null"] if null else "integer"}


def array(items: dict) -> dict:
    return {"type": "array", "items": items}


def record(*, null: bool = False, **properties) -> dict:
    """An object with exactly these properties, each always present."""
    schema = {
        "type": ["object", "null"] if null else "object",
        "required": sorted(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    return schema


def page(items: dict) -> dict:
    """A page of a list: its items and the links to the pages beside it."""
    link = string("uri", null=True)
    return record(next=link, previous=link, results=array(items))


PAGES = {"url": string("uri"), "url_en": string("uri")}
SAME_AS = array(string("uri"))

TOPIC = record(
    id=integer(),
    slug=string(),
    **PAGES,
    name_es=string(),
    name_en=string(),
    description=string(),
    article_count=integer(),
)

COUNTRY = record(
    id=integer(),
    slug=string(),
    **PAGES,
    iso2=string(),
    iso3=string(),
    name_en=string(),
    name_es=string(),
    wikidata_id=string(null=True),
    same_as=SAME_AS,
    article_count=integer(),
    agreement_count=integer(),
)

_DATE = record(null=True, date=string("date"), precision=string(enum=Precision.values), edtf=string())
_LINKED = record(null=True, id=integer(), slug=string(), title=string(), title_en=string(null=True))
_WHO = record(null=True, id=integer(), slug=string(), name=string())

AGREEMENT_SUMMARY_FIELDS = {
    "id": integer(),
    "slug": string(),
    **PAGES,
    "title": string(),
    "title_en": string(null=True),
    "kind": string(enum=Agreement.Kind.values),
    "status": string(enum=Agreement.Status.values),
    "dates": record(announced=_DATE, signed=_DATE, in_force=_DATE, expires=_DATE),
    "duration_years": integer(null=True),
    "parties": array(
        record(
            role=string(enum=AgreementParty.Role.values),
            country=record(id=integer(), slug=string(), iso2=string(), name_en=string(), name_es=string()),
        )
    ),
    "sectors": array(record(slug=string(), name_en=string(), name_es=string())),
    "supersedes": _LINKED,
    "part_of": _LINKED,
    "wikidata_id": string(null=True),
    "same_as": SAME_AS,
    "updated_at": string("date-time"),
}
AGREEMENT_SUMMARY = record(**AGREEMENT_SUMMARY_FIELDS)
AGREEMENT = record(
    **AGREEMENT_SUMMARY_FIELDS,
    summary=string(),
    summary_en=string(),
    superseded_by=array(_LINKED),
    parts=array(_LINKED),
    participants=array(
        record(role=string(enum=AgreementParticipant.Role.values), note=string(), person=_WHO, organisation=_WHO)
    ),
    sources=array(record(outlet=string(), url=string("uri", null=True), published_on=string("date", null=True))),
    schema_org={
        "type": "object",
        "description": "The agreement as a schema.org Legislation, as its page's JSON-LD has it.",
        "required": ["@context", "@type", "url", "name"],
    },
)

_PROFILE_FIELDS = {
    "id": integer(),
    "slug": string(),
    **PAGES,
    "name": string(),
    "other_names": array(string()),
    "note": string(),
    "note_en": string(),
    "country": record(null=True, id=integer(), slug=string(), iso2=string()),
    "photo": string("uri", null=True),
    "photo_credit": string(),
    "wikidata_id": string(null=True),
    "same_as": SAME_AS,
    "article_count": integer(),
}
PERSON = record(**_PROFILE_FIELDS, role=string(), role_en=string())
ORGANISATION = record(
    **_PROFILE_FIELDS,
    kind=string(enum=Organization.Kind.values),
    description=string(),
    description_en=string(),
)
