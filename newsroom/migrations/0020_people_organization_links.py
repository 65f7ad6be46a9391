"""Article.people and Article.organizations get link models of their own,
ArticlePerson and ArticleOrganization, which carry a copy of the article's
state (newsroom.core.copies) behind an index, as topic links do.

The tables Django made for the plain many-to-many fields stay, with their
rows: the models take them over in the migration state only (Django cannot
alter a many-to-many field into one with a link model in the database), and
then the copy columns and the index are added as usual and filled from the
articles.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

LINKS = (("ArticlePerson", "person"), ("ArticleOrganization", "organization"))


def fill_copies(apps, schema_editor):
    article_model = apps.get_model("newsroom", "Article")
    for model_name, _column in LINKS:
        model = apps.get_model("newsroom", model_name)
        article = article_model._base_manager.filter(pk=OuterRef("article_id"))
        model._base_manager.update(
            article_status=Subquery(article.values("status")[:1]),
            article_published_at=Subquery(article.values("published_at")[:1]),
            article_language=Subquery(article.values("language")[:1]),
        )


def link_model(model_name: str, column: str, to: str, table: str, names: tuple[str, str]) -> migrations.CreateModel:
    """The link model as the existing table already is: an id, the two
    foreign keys (each indexed, deleted with either side) and the unique
    pair."""
    return migrations.CreateModel(
        name=model_name,
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            (
                "article",
                models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name=f"{column}_links",
                    to="newsroom.article",
                ),
            ),
            (
                column,
                models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="article_links", to=to),
            ),
        ],
        options={
            "db_table": table,
            "unique_together": {("article", column)},
            "verbose_name": names[0],
            "verbose_name_plural": names[1],
        },
    )


def copies(model_name: str) -> list:
    return [
        migrations.AddField(
            model_name=model_name,
            name="article_language",
            field=models.CharField(blank=True, default="", editable=False, max_length=2),
        ),
        migrations.AddField(
            model_name=model_name,
            name="article_published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name=model_name,
            name="article_status",
            field=models.CharField(blank=True, default="", editable=False, max_length=12),
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0013_profile_photo_renditions"),
        ("newsroom", "0019_author_photo_renditions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                link_model(
                    "ArticlePerson",
                    "person",
                    "alliances.person",
                    "newsroom_article_people",
                    ("person in an article", "people in articles"),
                ),
                link_model(
                    "ArticleOrganization",
                    "organization",
                    "alliances.organization",
                    "newsroom_article_organizations",
                    ("organisation in an article", "organisations in articles"),
                ),
                migrations.AlterField(
                    model_name="article",
                    name="people",
                    field=models.ManyToManyField(
                        blank=True, related_name="articles", through="newsroom.ArticlePerson", to="alliances.person"
                    ),
                ),
                migrations.AlterField(
                    model_name="article",
                    name="organizations",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="articles",
                        through="newsroom.ArticleOrganization",
                        to="alliances.organization",
                    ),
                ),
            ],
        ),
        *copies("articleperson"),
        *copies("articleorganization"),
        # Filled before the listing indexes exist, so the UPDATE need not
        # keep them up to date row by row.
        migrations.RunPython(fill_copies, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="articleperson",
            index=models.Index(
                fields=["person", "article_language", "article_status", "-article_published_at", "-article"],
                name="person_edition_listing_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="articleorganization",
            index=models.Index(
                fields=["organization", "article_language", "article_status", "-article_published_at", "-article"],
                name="org_edition_listing_idx",
            ),
        ),
    ]
