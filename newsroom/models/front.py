"""The front page as editors arrange it: the lead story of each edition
(with changes of lead scheduled ahead), up to six featured stories per
edition in order, and the topic blocks below them.

A pick names an article, not a copy of it: what the home page shows of a
pick passes the visibility rule when the page is read, so a story that is
unpublished or archived drops out at once, and a scheduled story picked as
lead takes the lead by itself at its release time (the same rule that makes
it appear). Each pick leads or features in the edition of its article's
language. Slots nobody filled, or whose story is not public, take the
newest public stories.

The rows are summed up in ``FrontPage.data`` (newsroom.stored.front, on
every change), so the home page reads one small row to know its picks.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.models.articles import Article
from newsroom.models.topics import Topic

FEATURED_SLOTS = 6
TOPIC_BLOCKS = 6
# The picks' states an editor may choose: a story that is out, or one
# scheduled to be (a draft could never show).
PICKABLE = {"status": Article.Status.PUBLISHED}


class FrontPage(models.Model):
    """The one front page (pk 1): its picks are its inline rows."""

    SINGLETON = 1
    data = models.JSONField(default=dict, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("front page")
        verbose_name_plural = _("front page")

    def __str__(self) -> str:
        return str(_("Front page"))

    @classmethod
    def get(cls) -> FrontPage:
        page, _created = cls.objects.get_or_create(pk=cls.SINGLETON)
        return page


def _pickable(article: Article | None) -> None:
    if article is not None and article.status != Article.Status.PUBLISHED:
        raise ValidationError(
            {"article": _("Only a published or scheduled story can go on the front page; this one is not.")}
        )


class FrontPageLead(models.Model):
    """The lead story of its article's edition from ``starts_at`` on, until
    a later pick of that edition starts. A pick whose story is not public
    (scheduled for later, pulled) is passed over for the one before it."""

    front = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="leads")
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="front_leads",
        verbose_name=_("story"),
        limit_choices_to=PICKABLE,
    )
    starts_at = models.DateTimeField(
        _("lead from"),
        default=timezone.now,
        help_text=_("Now, or a later time: the story leads from then on. A scheduled story leads once it is out."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("lead story")
        verbose_name_plural = _("lead stories")

    def __str__(self) -> str:
        return str(self.article)

    def clean(self):
        super().clean()
        _pickable(self.article if self.article_id else None)


class FrontPageFeature(models.Model):
    """A featured story, in its edition's row of up to six, by ``position``."""

    front = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="features")
    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="front_features",
        verbose_name=_("story"),
        limit_choices_to=PICKABLE,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("featured story")
        verbose_name_plural = _("featured stories")
        constraints = [
            models.UniqueConstraint(
                fields=["front", "article"],
                name="front_feature_once",
                violation_error_message=_("This story is featured already."),
            )
        ]

    def __str__(self) -> str:
        return str(self.article)

    def clean(self):
        super().clean()
        _pickable(self.article if self.article_id else None)


class FrontPageTopic(models.Model):
    """A topic block below the featured stories: the topic's newest public
    stories in the page's edition."""

    front = models.ForeignKey(FrontPage, on_delete=models.CASCADE, related_name="topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+", verbose_name=_("topic"))
    position = models.PositiveSmallIntegerField(_("position"), default=1)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("topic block")
        verbose_name_plural = _("topic blocks")
        constraints = [
            models.UniqueConstraint(
                fields=["front", "topic"],
                name="front_topic_once",
                violation_error_message=_("This topic has a block already."),
            )
        ]

    def __str__(self) -> str:
        return str(self.topic)
