"""Rank the related-articles boxes of articles saved before the ranking was
stored (``Article.related``), or of every article with ``--all``.

The app keeps the boxes current on every save; this is for an archive
imported by other means or upgraded from a version without the column.
"""

from django.core.management.base import BaseCommand

from newsroom.models import Article
from newsroom.pagecache.pages import invalidate_pages
from newsroom.stored import related


class Command(BaseCommand):
    help = "Rank the stored related-articles lists (those still empty, or all with --all)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="Rank every article, not only empty lists.")

    def handle(self, *args, **options):
        articles = Article.objects.order_by("pk")
        if not options["all"]:
            articles = articles.filter(related=[])
        ids = list(articles.values_list("pk", flat=True))
        for done, start in enumerate(range(0, len(ids), 500), start=1):
            related.refresh(ids[start : start + 500])
            self.stdout.write(f"{min(done * 500, len(ids))}/{len(ids)} articles ranked")
        # update() sends no signal: cached pages would keep their old boxes.
        invalidate_pages()
        self.stdout.write(self.style.SUCCESS(f"Ranked {len(ids)} articles."))
