"""The search index split by language: one GIN index over the Spanish
articles' vectors and one over the others', in place of one over all.

Each article is matched in its own language (newsroom.discovery.search), so
a search asks "Spanish and matches the Spanish query, or not Spanish and
matches the English one". With one index over all vectors PostgreSQL could
find the candidates in the index but then had to read every candidate's
vector (a few kilobytes, stored out of line) again to tell which half of
that condition held. With an index per language the index answers the
whole condition, and only the rows' small columns are read.

PostgreSQL only, in SQL, for the reasons migration 0003 gives.
"""

from django.db import migrations

OLD_INDEX = "article_search_vector_gin"
NEW_INDEXES = {
    "article_search_es_gin": "language = 'es'",
    "article_search_other_gin": "language <> 'es'",
}


def replace_indexes(schema_editor, create: dict[str, str | None], drop: list[str]) -> None:
    """Create the GIN indexes ``create`` (name: the rows they cover, or None
    for all), then drop the indexes ``drop``."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, condition in create.items():
        where = f" WHERE {condition}" if condition else ""
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON newsroom_article USING gin (search_vector){where}")
    for name in drop:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def split_index(apps, schema_editor):
    replace_indexes(schema_editor, NEW_INDEXES, [OLD_INDEX])


def join_index(apps, schema_editor):
    replace_indexes(schema_editor, {OLD_INDEX: None}, list(NEW_INDEXES))


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0010_stored_card_and_page_lists"),
    ]

    operations = [
        migrations.RunPython(split_index, join_index),
    ]
