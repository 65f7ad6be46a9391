"""Every article's search document again: it now also holds the names of
the people and organisations linked to the article, its image caption and
the outlets it cites (at the lowest weight; newsroom.stored.search_vector)."""

from django.db import migrations


def rebuild_search_vectors(apps, schema_editor):
    from newsroom.stored.search_vector import refresh_search_vector

    refresh_search_vector(None, registry=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0012_address_slugs"),
    ]

    operations = [
        migrations.RunPython(rebuild_search_vectors, migrations.RunPython.noop),
    ]
