"""Who writes: authors, and the one test of who publishes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom.core.addresses import KeepsOldAddresses
from newsroom.core.converters import slug_path
from newsroom.core.editions import InLanguage, in_edition
from newsroom.core.text import AddressSlugField, FillsSlug, slug_form_constraint


def can_publish(user) -> bool:
    """Editors and superusers publish (and so may open and know of every
    article); writers never do. The one test of "is an editor": the
    querysets below and ``newsroom.editorial.services`` use it."""
    return bool(user and user.is_active and user.has_perm("newsroom.publish_article"))


class Author(FillsSlug, KeepsOldAddresses, models.Model):
    slug_max_length = 140
    name = models.CharField(_("name"), max_length=120)
    slug = AddressSlugField(_("slug"), max_length=140, unique=True)
    bio = models.TextField(
        _("bio"), blank=True, help_text=_("One or two sentences shown on the author page. In Spanish.")
    )
    # The English edition falls back to the Spanish bio, marked as Spanish.
    bio_en = models.TextField(_("English bio"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
    # Its copies at the widths pages need (newsroom.stored.renditions).
    photo_renditions = models.JSONField(null=True, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
        help_text=_("The staff account that writes as this author, if any."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        constraints = [slug_form_constraint("author_slug_form")]

    @property
    def display_bio(self) -> InLanguage:
        return in_edition({"es": self.bio, "en": self.bio_en})

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_path("newsroom:author-detail", self.slug)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.leave_redirect()


class StaffPreferences(models.Model):
    """What a member of staff chose for the admin: the language it speaks
    to them (newsroom.editorial.language). Without a row, the admin speaks
    settings.ADMIN_LANGUAGE_CODE (Spanish unless set otherwise)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="staff_preferences"
    )
    language = models.CharField(_("admin language"), max_length=8, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("staff preferences")
        verbose_name_plural = _("staff preferences")

    def __str__(self) -> str:
        return f"{self.user} · {self.language}"
