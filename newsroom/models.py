"""The newsroom's editorial records: authors, articles and what hangs off them.

The one rule that matters most lives in ``ArticleQuerySet.published()``: an
article is public if and only if its status is "published" and its
``published_at`` is not in the future. Every public view, feed, sitemap,
search and related-articles box starts from that method.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from alliances.models import Country
from alliances.tagging import CountryTaggableManager

# What the body editor offers, and so what the sanitiser lets through: a news
# story needs headings, emphasis, links, quotes and lists; nothing that can
# carry script, style or embedded frames.
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
}


def unique_slug(model: type[models.Model], value: str, *, instance_pk=None, max_length=200) -> str:
    """A unicode slug for ``value`` not yet used by another row of ``model``."""
    base = slugify(value, allow_unicode=True)[: max_length - 8].strip("-") or "item"
    slug, n = base, 2
    others = model._default_manager.exclude(pk=instance_pk) if instance_pk else model._default_manager
    while others.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class Author(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, allow_unicode=True)
    bio = models.TextField(_("bio"), blank=True, help_text=_("One or two sentences shown on the author page."))
    photo = models.ImageField(_("photo"), upload_to="authors/", blank=True)
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

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("newsroom:author-detail", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.name, instance_pk=self.pk, max_length=140)
        super().save(*args, **kwargs)


class Topic(TagBase):
    """A topic tag ("sanctions", "energy crisis"). Case never makes a second one."""

    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def get_absolute_url(self) -> str:
        return reverse("newsroom:topic-detail", kwargs={"slug": self.slug})

    def slugify(self, tag, i=None):
        slug = slugify(tag, allow_unicode=True)[:90] or "topic"
        if i is not None:
            slug += f"-{i}"
        return slug


class TaggedTopic(ItemBase):
    """Through model for Article.tags: a plain foreign key, not a generic one, so
    that 'articles with this topic' is an indexed join."""

    tag = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="tagged_articles")
    content_object = models.ForeignKey("newsroom.Article", on_delete=models.CASCADE, related_name="topic_links")

    class Meta:
        verbose_name = _("article topic")
        verbose_name_plural = _("article topics")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_topic_per_article"),
        ]
        indexes = [models.Index(fields=["tag", "content_object"], name="topic_tag_article_idx")]


class TaggedCountry(ItemBase):
    """Through model for Article.countries. Deleting a country still tagged on an
    article is refused (PROTECT): the article would silently lose a fact."""

    tag = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="tagged_articles")
    content_object = models.ForeignKey("newsroom.Article", on_delete=models.CASCADE, related_name="country_links")

    class Meta:
        verbose_name = _("article country")
        verbose_name_plural = _("article countries")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="unique_country_per_article"),
        ]
        indexes = [models.Index(fields=["tag", "content_object"], name="country_tag_article_idx")]


class ArticleQuerySet(models.QuerySet):
    def published(self) -> ArticleQuerySet:
        """Articles a reader may see: published, with a publication time that has
        arrived. A scheduled article (published, time in the future) appears by
        itself when its time comes; no job has to flip it.

        This is the only place the rule is written.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self) -> ArticleQuerySet:
        """Published articles whose time has not come yet (the desk's "up next")."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def for_listing(self) -> ArticleQuerySet:
        """What a list of article cards prints, fetched in a fixed number of
        queries, without the body column the cards never show."""
        return (
            self.defer("body", "search_vector")
            .prefetch_related(
                models.Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("position")),
                "tags",
                "countries",
            )
            .order_by("-published_at", "-pk")
        )

    def for_admin_list(self) -> ArticleQuerySet:
        return self.defer("body", "search_vector").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("position")),
            "tags",
        )

    def editable_by(self, user) -> ArticleQuerySet:
        """Articles ``user`` may change: everything for editors; for writers,
        their own drafts and articles in review."""
        if user.has_perm("newsroom.publish_article"):
            return self.all()
        return self.filter(
            Q(created_by=user) | Q(bylines__author__user=user),
            status__in=[Article.Status.DRAFT, Article.Status.REVIEW],
        ).distinct()


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Language(models.TextChoices):
        ES = "es", _("Spanish")
        EN = "en", _("English")

    headline = models.CharField(
        _("headline"), max_length=200, help_text=_("The title readers see. Search engines show about 60 characters.")
    )
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        allow_unicode=True,
        help_text=_("The last part of the article's address. Filled in from the headline; accents are fine."),
    )
    dek = models.CharField(
        _("dek"),
        max_length=300,
        blank=True,
        help_text=_("One-sentence summary under the headline; also the description search engines show."),
    )
    body = ProseEditorField(_("body"), extensions=BODY_EXTENSIONS, sanitize=True, blank=True)
    image = models.ImageField(_("hero image"), upload_to="articles/%Y/%m/", blank=True)
    image_alt = models.CharField(
        _("image alt text"),
        max_length=250,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    image_caption = models.CharField(_("image caption"), max_length=400, blank=True)
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("When the article goes public. A time in the future schedules it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ES)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    tags = TaggableManager(
        verbose_name=_("topics"),
        through=TaggedTopic,
        blank=True,
        help_text=_("Topics, separated by commas."),
    )
    countries = CountryTaggableManager(
        verbose_name=_("countries"),
        through=TaggedCountry,
        blank=True,
        related_name="articles",
        help_text=_("Countries the story is about."),
    )
    agreements = models.ManyToManyField(
        "alliances.Agreement", through="alliances.ArticleAgreement", related_name="articles", blank=True
    )
    people = models.ManyToManyField("alliances.Person", related_name="articles", blank=True)
    organizations = models.ManyToManyField("alliances.Organization", related_name="articles", blank=True)
    # Written only by newsroom.search.refresh_search_vector (called from
    # newsroom.signals). PostgreSQL: weighted tsvector behind a GIN index that
    # migration 0003 creates there only. SQLite: folded plain text.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", "Can publish, schedule, unpublish and archive articles")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_pub_idx")]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("newsroom:article-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return type(self).objects.published().filter(pk=self.pk).exists()

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    def clean(self):
        super().clean()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, instance_pk=self.pk)
        # Sanitise on every save, whichever path the HTML came in by (admin,
        # service, management command, shell): the stored body is always clean.
        self.body = self._meta.get_field("body").sanitize(self.body or "")
        super().save(*args, **kwargs)

    def ordered_authors(self) -> list[Author]:
        """Authors in byline order, from the prefetch cache when there is one."""
        return [b.author for b in sorted(self.bylines.all(), key=lambda b: b.position)]


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("byline")
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="unique_author_per_article")]

    def __str__(self) -> str:
        return str(self.author)


class Source(models.Model):
    """An outlet the article cites."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="sources")
    outlet = models.CharField(_("outlet"), max_length=200)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("cited source")
        verbose_name_plural = _("cited sources")

    def __str__(self) -> str:
        return self.outlet


class RelatedVideo(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="videos")
    title = models.CharField(_("title"), max_length=200, blank=True)
    url = models.URLField(_("URL"), max_length=500)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("related video")
        verbose_name_plural = _("related videos")

    def __str__(self) -> str:
        return self.title or self.url


class Correction(models.Model):
    """A dated note that tells readers what was wrong and what was fixed."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    text = models.TextField(_("correction"), help_text=_("What was wrong and what the article says now."))
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.article}: {self.created_at:%Y-%m-%d}"


class EditorialEvent(models.Model):
    """Audit trail: who moved which article to which state, and when."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=20)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("editorial event")
        verbose_name_plural = _("editorial events")

    def __str__(self) -> str:
        return f"{self.action}: {self.article}"
