from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_article_state(apps, schema_editor):
    """Fill the new copies from the articles (newsroom.stored.listings.sync
    keeps them current from here on)."""
    Article = apps.get_model("newsroom", "Article")
    article = Article.objects.filter(pk=OuterRef("article_id"))
    apps.get_model("alliances", "ArticleAgreement").objects.update(
        article_status=Subquery(article.values("status")[:1]),
        article_published_at=Subquery(article.values("published_at")[:1]),
        article_language=Subquery(article.values("language")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("alliances", "0008_english_titles_spanish_sectors"),
        ("newsroom", "0014_translations_edition_lists_topic_names"),
    ]

    operations = [
        # Fields first, then the copy, then the index (built once, full).
        migrations.AddField(
            model_name="articleagreement",
            name="article_language",
            field=models.CharField(blank=True, default="", editable=False, max_length=2),
        ),
        migrations.AddField(
            model_name="articleagreement",
            name="article_published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="articleagreement",
            name="article_status",
            field=models.CharField(blank=True, default="", editable=False, max_length=12),
        ),
        migrations.RunPython(copy_article_state, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="articleagreement",
            index=models.Index(
                fields=["agreement", "article_language", "article_status", "-article_published_at", "-article"],
                name="agreement_edition_listing_idx",
            ),
        ),
    ]
