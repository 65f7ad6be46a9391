"""The newsroom's working records: the audit log, shareable preview links,
redirects from old addresses and the story form's autosaved working copies."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.core.addresses import is_site_path, path_key
from newsroom.models.articles import Article


class EditorialEvent(models.Model):
    """Audit trail: who did what to which record, and when. The workflow
    services write one per status change; restoring a version, recovering
    or deleting a record and merging or renaming topics write one too.

    ``article`` is set for article events and survives the article's
    deletion as an empty link: ``subject`` keeps what the event was about.
    Events on other records (a topic, an agreement) name their model in
    ``content_type`` and ``object_id``."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submitted for review")
        PUBLISH = "publish", _("Published")
        SCHEDULE = "schedule", _("Scheduled")
        UNPUBLISH = "unpublish", _("Unpublished")
        ARCHIVE = "archive", _("Archived")
        STATUS = "status", _("Status changed")
        PLAN = "plan", _("Planned time set")
        RESTORE = "restore", _("Version restored")
        RECOVER = "recover", _("Deleted record recovered")
        DELETE = "delete", _("Deleted")
        MERGE_TOPICS = "merge_topics", _("Topics merged")
        RENAME_TOPIC = "rename_topic", _("Topic renamed")

    article = models.ForeignKey(Article, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    subject = models.CharField(_("about"), max_length=300, blank=True)
    detail = models.TextField(_("detail"), blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("editorial event")
        verbose_name_plural = _("editorial events")
        indexes = [models.Index(fields=["content_type", "object_id"], name="event_object_idx")]

    def __str__(self) -> str:
        return f"{self.action}: {self.article or self.subject}"


PREVIEW_SALT = "newsroom.preview-link"
PREVIEW_DAYS = 7


def default_preview_expiry():
    return timezone.now() + timedelta(days=PREVIEW_DAYS)


class PreviewLinkQuerySet(models.QuerySet):
    def active(self) -> PreviewLinkQuerySet:
        """Links that still open their article: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A shareable address that shows an unpublished article, as it is now,
    to anyone who holds it (no account needed), until it expires or an
    editor revokes it. The address carries the link's id signed with the
    site's secret key, so it cannot be guessed or altered."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="preview_links")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=default_preview_expiry)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self) -> str:
        return f"{self.article} ({self.created_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("preview", kwargs={"token": self.token})

    @property
    def token(self) -> str:
        return signing.dumps(self.pk, salt=PREVIEW_SALT)

    @staticmethod
    def id_from_token(token: str) -> int | None:
        """The link id a token was signed for, or None for anything forged,
        mangled or not ours."""
        try:
            value = signing.loads(token, salt=PREVIEW_SALT)
        except signing.BadSignature:
            return None
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RedirectManager(models.Manager):
    def record(self, *, old_url: str, new_url: str):
        """Make ``old_url`` answer 301 with ``new_url`` from now on.

        Chains collapse: whatever pointed at ``old_url`` now points at
        ``new_url`` directly (A->B then B->C gives A->C and B->C), and a
        redirect away from ``new_url`` is dropped, since that address is live
        again (renaming back and forth never makes a loop). Both must be paths
        on this site (``is_site_path``), or ValidationError is raised."""
        bad = {name: url for name, url in (("old_path", old_url), ("new_path", new_url)) if not is_site_path(url)}
        if bad:
            # A redirect answers readers with its address: only this site's paths.
            raise ValidationError(
                {name: _("Not a path on this site: %(url)r.") % {"url": url} for name, url in bad.items()}
            )
        old, new = path_key(old_url), path_key(new_url)
        if old == new:
            return None
        with transaction.atomic(using=self.db):
            self.filter(old_path=new).delete()
            self.filter(new_path=old).update(new_path=new)
            redirect, _created = self.update_or_create(old_path=old, defaults={"new_path": new})
        return redirect

    def address_moved(self, sender, *, old_url: str, new_url: str, **kwargs):
        """Receiver of ``newsroom.core.addresses.address_moved`` (connected in
        NewsroomConfig.ready): a renamed page leaves a redirect behind."""
        self.record(old_url=old_url, new_url=new_url)


class Redirect(models.Model):
    """An old address that answers 301 with a new one. Written by
    ``Redirect.objects.record`` when a published article, an agreement, an
    author or a topic changes its slug (or a topic is merged away); chains
    are collapsed there, so every old address points at a live page."""

    old_path = models.CharField(
        _("old address"),
        max_length=500,
        unique=True,
        help_text=_("The path that moved, starting with / (for example /articles/old-slug/)."),
    )
    new_path = models.CharField(
        _("new address"), max_length=500, help_text=_("Where readers are sent, starting with /.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = RedirectManager()

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")
        constraints = [
            models.CheckConstraint(
                condition=~Q(old_path=models.F("new_path")),
                name="redirect_goes_somewhere_else",
                violation_error_message=_("A redirect cannot point at its own address."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.old_path} → {self.new_path}"

    def clean(self):
        super().clean()
        errors = {}
        for field in ("old_path", "new_path"):
            value = getattr(self, field) or ""
            if not is_site_path(value):
                errors[field] = _(
                    "Give a path on this site, starting with a single / (for example /articles/a-story/), "
                    "without spaces, backslashes, double slashes or an encoded slash."
                )
        if errors:
            raise ValidationError(errors)
        self.old_path = path_key(self.old_path)
        self.new_path = path_key(self.new_path)


class WorkingCopy(models.Model):
    """What someone's story form held a few seconds ago, kept by the form's
    autosave (newsroom.editorial.autosave) so that a closed tab or a crashed
    laptop loses nothing: one per person and story (no article: a story not
    saved yet). It is not a version: the history shows only what was saved,
    and nothing here is ever public or published. ``seen_at`` is the form's
    last sign of life, which tells a second editor who else is in the story.
    """

    #: The form fields kept: the words of the story.
    FIELDS = ("headline", "slug", "dek", "body", "image_alt", "image_caption", "image_credit")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_copies")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, null=True, blank=True, related_name="working_copies")
    fields = models.JSONField(default=dict, blank=True)
    # The article's lock_version when the form was loaded: a restored copy
    # is saved under the edit-conflict rule from there.
    base_version = models.PositiveIntegerField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)
    seen_at = models.DateTimeField(default=timezone.now)
    # When the story was last saved from this person's form: a copy sent by
    # a form opened before then (still on its way when the save went
    # through) is not kept.
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("working copy")
        verbose_name_plural = _("working copies")
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="one_working_copy_per_story"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(article__isnull=True), name="one_new_story_copy_per_person"
            ),
        ]
        indexes = [models.Index(fields=["article", "seen_at"], name="working_copy_presence")]

    def __str__(self) -> str:
        return f"{self.user} · {self.article or _('new story')}"
