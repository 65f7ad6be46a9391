"""The visibility rule, stated once: an article is public if and only if its
status is "published" and its publication time has arrived.
``ArticleQuerySet.published()`` applies it to articles; ``public_q`` gives it
as a filter for the tables that keep a copy of those two fields."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


def public_q(prefix: str = "", now=None) -> Q:
    """The visibility rule as a filter: published, with a publication time
    that has arrived (by ``now``, the current time unless given). ``prefix``
    names the copies of those two fields on another table ("article_" on the
    topic and country links)."""
    now = timezone.now() if now is None else now
    return Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}published_at__lte": now})
