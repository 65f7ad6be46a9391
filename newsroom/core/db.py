"""Database helpers shared by the read paths of the busiest pages.

A detail page that lists several kinds of related rows (an article's
bylines, topics, sources...; an agreement's parties, sectors, sources...)
reads them all in one query: each list is a correlated subquery folded into
a JSON array, the rows are turned back into model instances, and those are
put where ``prefetch_related`` would have put them, so templates read
``obj.parties.all()`` as usual. Fields a list does not carry are deferred on
its instances: reading one costs a query (which the query-budget tests
notice), never a wrong value.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Aggregate, Field, ForeignObject, JSONField, Lookup, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.db.models.sql import Query
from django.utils import timezone


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


class PrefetchedList(models.QuerySet):
    """A related list read ahead of time, where ``prefetch_related`` would
    have put it: ``obj.parties.all()`` iterates it, counts it, indexes it.
    Unlike a prefetched queryset it does not know its relation, so anything
    that would build a new query from it (filter, order_by, first...)
    raises instead of querying the whole table."""

    def _chain(self):
        raise TypeError(f"{self.model.__name__} list read ahead of time: filter or sort it in Python")


@functools.cache
def _related_model(model, name: str):
    return model._meta.get_field(name).related_model


def set_prefetched(instance, name: str, items: list) -> None:
    """Put ``items`` where ``prefetch_related(name)`` would have. Building
    the relation's own queryset, as prefetch_related does, cost more than
    the rest of a list (a related manager and a filtered query per list:
    ten lists on the article page)."""
    queryset = PrefetchedList(model=_related_model(type(instance), name))
    queryset._result_cache = items  # noqa: SLF001  # private-api: no public way to fill a relation cache; see README "Still private"
    queryset._prefetch_done = True  # noqa: SLF001  # private-api: no public way to fill a relation cache; see README "Still private"
    if not hasattr(instance, "_prefetched_objects_cache"):  # noqa: SLF001  # private-api: no public way to fill a relation cache; see README "Still private"
        instance._prefetched_objects_cache = {}  # noqa: SLF001  # private-api: no public way to fill a relation cache; see README "Still private"
    instance._prefetched_objects_cache[name] = queryset  # noqa: SLF001  # private-api: no public way to fill a relation cache; see README "Still private"


class ListsQuery:
    """One row's lists (``build()`` returns the JSON-array annotations by
    name), fetched by primary key. Django takes several milliseconds to
    build and compile such a query, more than PostgreSQL takes to answer it;
    its text never changes, so it is compiled once per process and database
    with a stand-in key, which each call replaces."""

    STAND_IN_PK = -7_319_044_251

    def __init__(self, model, build: Callable[[], dict]):
        self.model = model
        self.build = build
        self._compiled: dict[str, tuple[str, list, int, list[str]]] = {}

    def _compile(self, alias: str) -> tuple[str, list, int, list[str]]:
        if alias not in self._compiled:
            annotations = self.build()
            query = self.model._default_manager.using(alias).filter(pk=self.STAND_IN_PK).values(**annotations).query
            sql, params = query.get_compiler(alias).as_sql()
            params = list(params)
            if params.count(self.STAND_IN_PK) != 1:
                raise ImproperlyConfigured(f"{self.model.__name__} lists: the key must appear exactly once")
            self._compiled[alias] = (sql, params, params.index(self.STAND_IN_PK), list(annotations))
        return self._compiled[alias]

    def fetch(self, pk, alias: str = DEFAULT_DB_ALIAS) -> dict:
        """The lists of the row ``pk``, by name (raw JSON: see json_list)."""
        sql, params, at, names = self._compile(alias)
        params = params.copy()
        params[at] = pk
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return dict(zip(names, row, strict=True)) if row else {}


class CompiledQuery:
    """A queryset whose SQL is built once per process and database, run
    with new values each time. ``build(ids=..., now=..., key=...)`` returns
    the queryset: each run gives up to ``size`` ids (the list is padded with
    an id no row has), the current time for the visibility rule (unless
    ``clock=False``), and, when ``key`` is "text" or "int", one lookup value
    (a slug, a foreign key). ``paged=True`` adds LIMIT and OFFSET as
    parameters, given to each run. For the queries every reader page makes,
    where Django's query building cost more than PostgreSQL's answer.

    ``run()`` gives model instances (``Model.objects.raw``), with annotations
    as plain attributes (JSON as text: see json_list); ``rows()`` gives the
    plain rows of a ``values_list()`` queryset."""

    STAND_IN_TIME = datetime(1901, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
    STAND_IN_ID = -7_319_044_000
    STAND_IN_KEYS = {"text": "\ufffestand-in key\ufffe", "int": -7_319_045_001}
    MISSING_ID = 0

    def __init__(
        self,
        model,
        build: Callable[..., models.QuerySet],
        *,
        size: int = 0,
        key: str | None = None,
        clock: bool = True,
        paged: bool = False,
    ):
        if key is not None and key not in self.STAND_IN_KEYS:
            raise ImproperlyConfigured(f"key must be one of {sorted(self.STAND_IN_KEYS)}")
        self.model = model
        self.build = build
        self.size = size
        self.key = key
        self.clock = clock
        self.paged = paged
        self._compiled: dict[str, tuple[str, list, list[int], list[int], list[int]]] = {}
        self._instances: dict[str, _Instances] = {}

    def _compile(self, alias: str):
        if alias not in self._compiled:
            connection = connections[alias]
            stand_in_ids = [self.STAND_IN_ID - i for i in range(self.size)]
            key = self.STAND_IN_KEYS[self.key] if self.key else None
            queryset = self.build(ids=stand_in_ids, now=self.STAND_IN_TIME, key=key).using(alias)
            sql, params = queryset.query.get_compiler(alias).as_sql()
            params = list(params)
            time_value = connection.ops.adapt_datetimefield_value(self.STAND_IN_TIME)
            # Each id once (a builder using the ids twice would leave stand-ins
            # in the second place); the clock and the key wherever they appear.
            # Lookups must be exact: values are substituted as given.
            if any(params.count(value) != 1 for value in stand_in_ids):
                raise ImproperlyConfigured(f"{self.model.__name__}: each id must appear exactly once")
            id_at = [params.index(value) for value in stand_in_ids]
            time_at = [i for i, value in enumerate(params) if value == time_value]
            key_at = [i for i, value in enumerate(params) if key is not None and value == key]
            if (self.clock and not time_at) or (key is not None and not key_at):
                raise ImproperlyConfigured(f"{self.model.__name__}: a compiled query must take every stand-in")
            if self.paged:
                if queryset.query.is_sliced or queryset.query.combinator:
                    raise ImproperlyConfigured(f"{self.model.__name__}: a paged query is sliced by each run")
                # What Django itself appends for a slice, as parameters.
                sql += " LIMIT %s OFFSET %s"
            self._compiled[alias] = (sql, params, id_at, time_at, key_at)
        return self._compiled[alias]

    def _sql(self, ids, key, alias, limit, offset) -> tuple[str, list]:
        if len(ids) > self.size:
            raise ValueError(f"at most {self.size} ids")
        if self.paged != (limit is not None):
            raise ValueError("limit (and offset) go with a paged query, and only with one")
        sql, params, id_at, time_at, key_at = self._compile(alias)
        params = params.copy()
        padded = list(ids) + [self.MISSING_ID] * (self.size - len(ids))
        for at, value in zip(id_at, padded, strict=True):
            params[at] = value
        now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
        for at in time_at:
            params[at] = now
        for at in key_at:
            params[at] = key
        if self.paged:
            params += [limit, offset or 0]
        return sql, params

    def run(self, ids: list = (), key=None, alias: str = DEFAULT_DB_ALIAS, *, limit=None, offset=None) -> list:
        sql, params = self._sql(ids, key, alias, limit, offset)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            if alias not in self._instances:
                self._instances[alias] = _Instances(self.model, alias, [column[0] for column in cursor.description])
        return self._instances[alias].build(rows)

    def rows(self, ids: list = (), key=None, alias: str = DEFAULT_DB_ALIAS, *, limit=None, offset=None) -> list:
        sql, params = self._sql(ids, key, alias, limit, offset)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class _Instances:
    """Model instances from the rows of one compiled query, as
    ``Model.objects.raw()`` would make them (model fields through their
    database converters, other columns as plain attributes), with the
    column mapping worked out once: the query's columns never change, and
    ``raw()`` worked it out again on every run, which cost a reader page
    more than reading its rows.

    Only the mapping is kept, never a connection: each thread has its own,
    and the converters are taken from the one that ran the query."""

    def __init__(self, model, alias: str, columns: list[str]):
        connection = connections[alias]
        name_of = connection.introspection.identifier_converter
        order = {name_of(field.column): (at, field) for at, field in enumerate(model._meta.concrete_fields)}
        repeated = {column for column in columns if column in order and columns.count(column) > 1}
        if repeated:
            raise ImproperlyConfigured(f"{model.__name__}: a compiled query selects {sorted(repeated)} more than once")
        # Model.from_db() takes the values in the model's field order,
        # whatever order the query selects them in.
        fields = sorted((order[column], position) for position, column in enumerate(columns) if column in order)
        if model._meta.pk not in (field for (_, field), _ in fields):
            raise ImproperlyConfigured(f"{model.__name__}: a compiled query must select the primary key")
        self.model = model
        self.alias = alias
        self.names = [field.attname for (_, field), _ in fields]
        self.positions = [position for _, position in fields]
        self.annotations = [(column, at) for at, column in enumerate(columns) if column not in order]
        self.query = Query(model)
        self.cols = [order[column][1].get_col(model._meta.db_table) if column in order else None for column in columns]
        self.converts = bool(self._compiler(connection).get_converters(self.cols))

    def _compiler(self, connection):
        return connection.ops.compiler("SQLCompiler")(self.query, connection, self.alias)

    def build(self, rows: list) -> list:
        if self.converts:
            compiler = self._compiler(connections[self.alias])
            rows = compiler.apply_converters(rows, compiler.get_converters(self.cols))
        from_db, alias, names, positions, annotations = (
            self.model.from_db,
            self.alias,
            self.names,
            self.positions,
            self.annotations,
        )
        instances = []
        for row in rows:
            instance = from_db(alias, names, [row[at] for at in positions])
            for name, at in annotations:
                setattr(instance, name, row[at])
            instances.append(instance)
        return instances


def rows_of(*querysets) -> list[list[tuple]]:
    """The rows of each ``values_list()`` queryset, from one round trip to
    the database: each becomes a subquery folded into a JSON array. For a
    page that needs several small lists at once (the search facets). Values
    come back as JSON gives them (numbers, strings): no dates."""
    connection = connections[querysets[0].db]
    aggregate = "JSON_AGG" if connection.vendor == "postgresql" else "JSON_GROUP_ARRAY"
    build = "JSON_BUILD_ARRAY" if connection.vendor == "postgresql" else "JSON_ARRAY"
    parts, params = [], []
    for queryset in querysets:
        sql, sql_params = queryset.query.sql_with_params()
        # The columns in the order the queryset selects them.
        names = list(queryset.query.selected or [*queryset.query.values_select, *queryset.query.annotation_select])
        row = ", ".join(f"f.{connection.ops.quote_name(name)}" for name in names)
        # The rows keep the subquery's order (its ORDER BY) in the array.
        parts.append(f"(SELECT {aggregate}({build}({row})) FROM ({sql}) f)")  # noqa: S608 - compiled SQL
        params.extend(sql_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)  # noqa: S608 - compiled querysets; values are parameters
        found = cursor.fetchone()
    return [[tuple(row) for row in json_list(value)] for value in found]
