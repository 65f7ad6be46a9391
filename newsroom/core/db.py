"""Database helpers shared by both apps, on Django's and psycopg's public APIs.

The stored documents (an article's card and page lists, an agreement's page
lists) are lists of related rows, each a correlated subquery folded into a
JSON array (``json_rows``, ``JSONList``), and are turned back into model
instances with ``instance_from_json``. Fields a list does not carry are
deferred on its instances: reading one costs a query (which the query-budget
tests notice), never a wrong value. ``__any`` sends a list of values as one
parameter; ``steady_int_parameters`` keeps psycopg's prepared statements.
"""

from __future__ import annotations

import functools
import json
from datetime import UTC

from django.db import DEFAULT_DB_ALIAS, models
from django.db.models import Aggregate, Field, ForeignObject, JSONField, Lookup, OuterRef, Subquery
from django.db.models.functions import JSONObject


class JSONList(Aggregate):
    """The aggregated rows as one JSON array (PostgreSQL ``jsonb_agg``,
    SQLite ``json_group_array``). Element order is not guaranteed (SQLite
    before 3.44 has no ORDER BY inside an aggregate): give each element its
    sort key and sort in Python."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


@Field.register_lookup
class AnyOf(Lookup):
    """``field__any=[...]``: the field is one of the values, sent as ONE
    parameter (PostgreSQL ``= ANY(array)``, SQLite ``IN (SELECT value FROM
    json_each(...))``) where ``__in`` writes one placeholder per value. A
    search hands hundreds of ids to each of its queries: with ``__in`` each
    query's text was new (psycopg parsed it again, PostgreSQL could not
    reuse it) and carried hundreds of parameters. Values are ints or
    strings, given as they are stored, in any iterable: a set or frozenset
    is cheapest, as Django walks a list or tuple element by element looking
    for expressions before the lookup sees it."""

    lookup_name = "any"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - lhs is a compiled column; values are a parameter
        return sql, [*lhs_params, json.dumps(values)]


# Foreign keys keep their own lookups (they leave out the plain fields' ones).
ForeignObject.register_lookup(AnyOf)


def steady_int_parameters(*, connection, **kwargs) -> None:
    """On PostgreSQL, send Python ints as ``integer`` (``bigint`` when too
    big), never as ``smallint``. psycopg picks the smallest type that holds
    each value and keys its prepared statements by query and parameter
    types, so a list of twenty article ids, some under 32,768 and some over,
    was a new statement almost every time: never prepared, parsed and
    planned on every page (half a millisecond of database time on each list
    page). ``integer`` still fits the functions that take one, where
    ``bigint`` would not (``round(numeric, integer)``). Connected to
    ``connection_created`` (newsroom.apps); a no-op where statements are not
    prepared (``DB_PREPARED_STATEMENTS=false``), as there psycopg's own
    (compiled) dumpers do as well."""
    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get("server_side_binding"):
        return
    from psycopg.types.numeric import Int4BinaryDumper, Int4Dumper, IntBinaryDumper, IntDumper

    adapters = connection.connection.adapters
    # Text first, binary last: the last one registered serves "%s".
    adapters.register_dumper(int, _steady(IntDumper, Int4Dumper))
    adapters.register_dumper(int, _steady(IntBinaryDumper, Int4BinaryDumper))


@functools.cache
def _steady(dumper, int4_dumper):
    from psycopg.types.numeric import Int4

    """``dumper`` (psycopg's int dumper, which picks the smallest type per
    value) made to pick ``integer`` for every value that fits one; through
    psycopg's public Dumper.upgrade() hook."""

    class SteadyIntDumper(dumper):
        def __init__(self, cls, context=None):
            super().__init__(cls, context)
            # Dumps psycopg's public Int4 wrapper type: the key a dispatcher
            # hands back must name a dumper of its own.
            self.as_int4 = int4_dumper(Int4, context)

        def upgrade(self, obj: int, format):
            if -(2**31) <= obj < 2**31:
                return self.as_int4
            return super().upgrade(obj, format)

    SteadyIntDumper.__name__ = f"Steady{dumper.__name__}"
    return SteadyIntDumper


def json_list(value) -> list:
    """A JSON list column as Python: [] for NULL (no rows), and decoded when
    the database handed back text (SQLite, for arrays nested in objects, and
    any column read without Django's converters)."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def columns(*names: str, prefix: str = "") -> dict:
    """JSONObject arguments for the fields ``names`` (attnames), read
    through ``prefix`` (a relation path such as "tag__")."""
    return {name: f"{prefix}{name}" for name in names}


def json_rows(queryset, link: str, outer: str = "pk", **fields) -> Subquery:
    """The rows of ``queryset`` whose ``link`` is the outer row's ``outer``,
    as a JSON array of objects with ``fields``."""
    rows = (
        queryset.filter(**{link: OuterRef(outer)})
        .order_by()
        .values(link)
        .annotate(rows=JSONList(JSONObject(**fields)))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


def instance_from_json(model, data: dict, **related):
    """A ``model`` instance from a JSON object, typed as the database would
    type it, with the fields the object lacks deferred; ``related`` sets
    foreign-key objects (``country=...``)."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in data:
            value = data[field.attname]
            if value is not None and isinstance(field, models.DateTimeField | models.DateField):
                value = field.to_python(value)
                if isinstance(field, models.DateTimeField) and value.tzinfo is None:
                    value = value.replace(tzinfo=UTC)  # SQLite's JSON drops the zone; it stores UTC
            names.append(field.attname)
            values.append(value)
    instance = model.from_db(DEFAULT_DB_ALIAS, names, values)
    for name, value in related.items():
        setattr(instance, name, value)
    return instance
