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
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Aggregate, Field, ForeignObject, JSONField, Lookup, OuterRef, QuerySet, Subquery
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
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, any_parameter(self.rhs, connection)]
        sql = f"{lhs} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - lhs is a compiled column; values are a parameter
        return sql, [*lhs_params, any_parameter(self.rhs, connection)]


def any_parameter(values, connection):
    """``values`` as the one parameter of an ``__any`` lookup."""
    values = list(values)
    return values if connection.vendor == "postgresql" else json.dumps(values)


class Position(models.Func):
    """Where the row's ``expression`` stands in ``values`` (1 for the first),
    the list sent as one parameter as ``__any`` sends it: to keep rows in a
    stored order (``order_by(Position("pk", ids))``), ``values`` an ordered
    list. PostgreSQL ``array_position``, SQLite a json_each lookup."""

    output_field = models.IntegerField()

    def __init__(self, expression, values):
        super().__init__(expression)
        self.values = values

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.source_expressions[0])
        values = any_parameter(self.values, connection)
        if connection.vendor == "postgresql":
            return f"array_position(%s, {column})", [values, *params]
        return f"(SELECT key FROM json_each(%s) WHERE value = {column})", [values, *params]  # noqa: S608 - a compiled column


class Together(models.Expression):
    """The rows of several one-column querysets, each sliced and ordered on
    its own, as one subquery for ``__in`` (``pk__in=Together(a[:21],
    b[:5])``): a list page reads its own edition's page and the other
    edition's few latest stories in one statement, each part an index range
    of its own. Each part is wrapped in a derived table and the parts joined
    with UNION ALL: SQLite allows no LIMIT in a compound's arms (Django's
    ``union()`` refuses sliced parts there), PostgreSQL plans each arm as
    its own limited index scan."""

    def __init__(self, *querysets: QuerySet):
        super().__init__(output_field=models.IntegerField())
        self.parts = [Subquery(queryset) for queryset in querysets]

    def get_source_expressions(self):
        return self.parts

    def set_source_expressions(self, exprs):
        self.parts = list(exprs)

    def as_sql(self, compiler, connection):
        arms, params = [], []
        for i, part in enumerate(self.parts):
            sql, part_params = compiler.compile(part)
            arms.append(f"SELECT * FROM {sql} AS together_{i}")  # noqa: S608 - compiled subqueries; values are parameters
            params.extend(part_params)
        return " UNION ALL ".join(arms), params


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


@dataclass(frozen=True)
class Parameter:
    """A value a :class:`Statement` takes on each call: ``marker``, a value
    no real call passes, stands for it while the statement is compiled;
    ``prepare(value, connection)`` turns a value into what the database
    driver is sent, as Django's lookup would (None: the value as it is)."""

    marker: object
    prepare: Callable | None = None

    def prepared(self, value, connection):
        return self.prepare(value, connection) if self.prepare else value


def datetime_parameter(value, connection):
    return connection.ops.adapt_datetimefield_value(value)


MOMENT = Parameter(datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC), datetime_parameter)
IDS = Parameter(frozenset({-7_919, -104_729}), any_parameter)
# The same, for a list whose order counts (Position).
ORDERED_IDS = Parameter([-7_919, -104_729], any_parameter)
TEXT = Parameter("\x1fnewsroom-statement-marker\x1f")
# A second text value in one statement (each parameter needs its own marker).
OTHER_TEXT = Parameter("\x1fnewsroom-statement-marker-2\x1f")
NUMBER = Parameter(-1_299_709)


class Statement:
    """A read whose SQL is the same on every call but for its parameters,
    compiled by the ORM once per database and shape, then sent as it is.

    Building a queryset's SQL costs Django more than PostgreSQL spends
    answering the small, indexed queries of a reader page: on the article
    page it was about a quarter of the request. ``build(**values)`` returns
    the queryset; it is compiled once with each parameter's marker value,
    the markers' places among the SQL parameters are remembered, and every
    call sends the same SQL with its own values there. Rows come back as
    instances of the queryset's model holding ``fields`` (attnames; others
    deferred), through the same converters Django applies; ``extra`` names
    annotations of the queryset, set on each instance as the driver returns
    them (a JSON annotation may arrive as text).

    Only a query whose SQL text does not depend on the values may be one
    (LIMIT and OFFSET are written into the text: make them part of
    ``shape``, the arguments each compiled version is kept for).
    """

    def __init__(
        self,
        build: Callable[..., QuerySet],
        fields: Iterable[str],
        extra: tuple[str, ...] = (),
        **parameters: Parameter,
    ):
        self.build = build
        self.parameters = parameters
        self.wanted = set(fields)
        self.extra = extra
        self.compiled: OrderedDict[tuple, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def _compile(self, using: str, shape: tuple) -> tuple:
        key = (using, *shape)
        found = self.compiled.get(key)
        if found is not None:
            return found
        connection = connections[using]
        queryset = self.build(*shape, **{name: p.marker for name, p in self.parameters.items()})
        model = queryset.model
        fields = [f for f in model._meta.concrete_fields if f.attname in self.wanted]
        selected = queryset.values_list(*(f.attname for f in fields), *self.extra)
        sql, params = selected.query.get_compiler(using).as_sql()
        places = {}
        for name, parameter in self.parameters.items():
            marker = parameter.prepared(parameter.marker, connection)
            places[name] = [i for i, value in enumerate(params) if value == marker]
            if not places[name]:
                raise ValueError(f"parameter {name!r} is not among the statement's parameters")
        converters = []
        for position, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            found_converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if found_converters:
                converters.append((position, found_converters, column))
        found = (model, [f.attname for f in fields], sql, list(params), places, converters)
        with self.lock:
            self.compiled[key] = found
            while len(self.compiled) > STATEMENT_SHAPES:
                self.compiled.popitem(last=False)
        return found

    def __call__(self, *shape, using: str = DEFAULT_DB_ALIAS, **values) -> list:
        model, names, sql, params, places, converters = self._compile(using, shape)
        connection = connections[using]
        params = list(params)
        for name, value in values.items():
            prepared = self.parameters[name].prepared(value, connection)
            for i in places[name]:
                params[i] = prepared
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = []
        for row in rows:
            row = list(row)
            for position, functions, column in converters:
                for function in functions:
                    row[position] = function(row[position], column, connection)
            instance = model.from_db(using, names, row[: len(names)])
            for name, value in zip(self.extra, row[len(names) :], strict=True):
                setattr(instance, name, value)
            found.append(instance)
        return found


# Compiled versions kept per statement (shapes: a page number, a list length).
STATEMENT_SHAPES = 64


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
