"""Article.search_vector, and on PostgreSQL what full-text search needs around it.

The column is added on every database (SQLite accepts the "tsvector" type name
and stores text in it). The rest is PostgreSQL only:

- the unaccent extension (left in place when the migration is reversed:
  other code may use it, and it costs nothing);
- two text search configurations, newsroom_es and newsroom_en: copies of the
  built-in spanish and english ones that pass words through unaccent before
  the stemmer. English articles are indexed and searched with newsroom_en;
  newsroom_es supplies the accent-free stems a Spanish article's vector adds
  to the built-in spanish ones (see newsroom/stored/search_vector.py);
- a GIN index on the column. It is created here with SQL rather than declared
  in Article.Meta.indexes: SQLite cannot build a GIN index, and SQLite rebuilds
  a table with every index in Meta whenever a later migration alters it.

Finally every existing article gets its vector.
"""

from django.contrib.postgres.search import SearchVectorField
from django.db import migrations

SEARCH_CONFIGS = {"newsroom_es": "spanish", "newsroom_en": "english"}
INDEX_NAME = "article_search_vector_gin"


def create_search_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    for name, base in SEARCH_CONFIGS.items():
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")
        schema_editor.execute(f"CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{base})")
        # Only the token types that can hold non-ASCII letters need unaccent;
        # the ascii* types keep the stemmer the copy gave them.
        schema_editor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {name} "
            f"ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {base}_stem"
        )
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON newsroom_article USING gin (search_vector)")


def drop_search_objects(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
    for name in SEARCH_CONFIGS:
        schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name}")


def fill_search_vectors(apps, schema_editor):
    from newsroom.stored.search_vector import refresh_search_vector

    refresh_search_vector(None, registry=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0002_roles"),
        ("alliances", "0003_seed_countries"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(create_search_objects, drop_search_objects),
        migrations.RunPython(fill_search_vectors, migrations.RunPython.noop),
    ]
