"""What a link row keeps of its article, so that a list of articles is read
from the link table alone."""

from django.db import models

# The copied fields: derived data, kept out of the link rows' versions
# (django-reversion) and refreshed after a restore.
COPY_FIELDS = ["article_status", "article_language", "article_published_at"]


class ArticleStateCopy(models.Model):
    """The linked article's status, language and publication time, copied
    onto a link row (topic, country and agreement links), behind an index on
    (record, language, status, time, article): page 200 of a busy topic, or
    an agreement's stories in one edition, is a short range of that index
    instead of a join with the articles sorted by time. newsroom.stored.
    listings keeps the copies in step. They only order and narrow the list:
    the cards are fetched through ``Article.objects.published()``, so a
    stale copy can drop a story from a page but never show a hidden one."""

    article_status = models.CharField(max_length=12, blank=True, default="", editable=False)
    article_language = models.CharField(max_length=2, blank=True, default="", editable=False)
    article_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True
