"""Database expressions shared by the read paths."""

from __future__ import annotations

import json

from django.db.models import Aggregate, JSONField


class JSONList(Aggregate):
    """The aggregated rows as one JSON array (PostgreSQL ``jsonb_agg``,
    SQLite ``json_group_array``). Element order is not guaranteed (SQLite
    before 3.44 has no ORDER BY inside an aggregate): give each element its
    sort key and sort in Python."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def json_list(value) -> list:
    """A JSON list column as Python: [] for NULL (no rows), and decoded when
    the database handed back text (SQLite, for arrays nested in objects, and
    any column read without Django's converters)."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value
