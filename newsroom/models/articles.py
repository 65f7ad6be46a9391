"""Articles and what hangs off them: bylines, sources, videos, corrections.

The one rule that matters most lives in ``ArticleQuerySet.published()``: an
article is public if and only if its status is "published" and its
``published_at`` is not in the future. Every public view, feed, sitemap,
search and related-articles box starts from that method.
"""

from __future__ import annotations

from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from alliances.tagging import CountryTaggableManager
from newsroom.core.addresses import KeepsOldAddresses
from newsroom.core.converters import slug_path
from newsroom.core.copies import ArticleStateCopy
from newsroom.core.editions import InLanguage, in_edition
from newsroom.core.text import AddressSlugField, FillsSlug, reader_name, slug_form_constraint
from newsroom.models.people import Author, can_publish
from newsroom.models.tagging import TopicTagManager
from newsroom.models.topics import TaggedCountry, TaggedTopic, Topic
from newsroom.models.visibility import Status, public_q

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
    # autolink off: Tiptap makes a link mark "inclusive" (text typed right
    # after a link joins it) exactly when it links typed addresses by itself,
    # so the full stop after "EFE" became part of the link. Editors add links
    # with the toolbar or by pasting an address over a selection.
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"], "autolink": False},
}

# What a card prints (ArticleQuerySet.for_listing); a list of twenty decoded
# three timestamps and four other columns per row that no card shows. Also
# translation_key: the other edition's block on a list page leaves out the
# stories that have a translation in the page's language.
CARD_FIELDS = (
    "headline",
    "slug",
    "dek",
    "image",
    "image_renditions",
    "image_alt",
    "status",
    "published_at",
    "language",
    "translation_key",
)


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None) -> ArticleQuerySet:
        """Articles a reader may see: published, with a publication time that has
        arrived. A scheduled article (published, time in the future) appears by
        itself when its time comes; no job has to flip it.

        This is the only place the rule is written (``public_q`` below also
        serves the copies on the topic and country links). ``now`` asks the
        question at another time than the present.
        """
        return self.filter(public_q(now=now))

    def scheduled(self) -> ArticleQuerySet:
        """Published articles whose time has not come yet (the desk's "up next")."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__gt=timezone.now())

    def planned(self) -> ArticleQuerySet:
        """Drafts and articles in review with a planned time still ahead: the
        desk means to publish them then, but nobody has approved them yet, so
        they will not appear by themselves."""
        return self.filter(status__in=[Article.Status.DRAFT, Article.Status.REVIEW], published_at__gt=timezone.now())

    def missed_time(self) -> ArticleQuerySet:
        """Articles whose publication time has passed but that are not public,
        the ones a scheduling mistake would otherwise hide:

        - a draft or an article in review whose planned time has passed (it
          was never approved, so it never went out);
        - an archived article that was archived before its time came (it was
          scheduled, then archived, and never appeared).

        A published article is never here: with its time passed it is public
        by the visibility rule. An article archived after it went public is
        not here either: it was retired on purpose.
        """
        # The audit log's model refers to articles: it is looked up, not imported.
        events = apps.get_model("newsroom", "EditorialEvent")
        last_archived = (
            events.objects.filter(article=OuterRef("pk"), action=events.Action.ARCHIVE)
            .order_by("-created_at", "-pk")
            .values("created_at")[:1]
        )
        return self.filter(published_at__lte=timezone.now()).filter(
            Q(status__in=[Article.Status.DRAFT, Article.Status.REVIEW])
            | Q(status=Article.Status.ARCHIVED, published_at__gt=Subquery(last_archived))
        )

    def for_listing(self) -> ArticleQuerySet:
        """What a list of article cards prints, newest first, in one query
        however long the list: only the columns a card prints
        (``CARD_FIELDS``), with the stored card document (the kicker topic
        and the bylines, kept by newsroom.stored.documents) instead of a
        prefetch or a subquery per list. No body, search vector or related
        list."""
        return self.only(*CARD_FIELDS, "card").order_by("-published_at", "-pk")

    def for_feed(self) -> ArticleQuerySet:
        """for_listing() and every topic and country (the feed's categories)."""
        return self.for_listing().only(*CARD_FIELDS, "card", "modified_at").prefetch_related("tags", "countries")

    def for_admin_list(self) -> ArticleQuerySet:
        return self.defer("body", "search_vector").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("position")),
            "tags",
        )

    def editable_by(self, user) -> ArticleQuerySet:
        """Articles ``user`` may open and change in the admin: everything for
        editors; for writers, their own stories (``viewable_by``) while they
        are drafts or in review."""
        if can_publish(user):
            return self.all()
        return self.viewable_by(user).filter(status__in=[Article.Status.DRAFT, Article.Status.REVIEW])

    def viewable_by(self, user) -> ArticleQuerySet:
        """Articles ``user`` may open in the admin: everything for editors;
        for a writer, their own stories (started by them or carrying their
        byline) in any state, read-only once an editor has taken them over
        (published, scheduled, archived). A colleague's draft stays out of
        reach."""
        if can_publish(user):
            return self.all()
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(Q(created_by=user) | Q(pk__in=Byline.objects.filter(author__user=user).values("article")))

    def known_to(self, user) -> ArticleQuerySet:
        """Articles whose existence and words ``user`` may know of: the public
        ones and those they may open (``viewable_by``). What hangs off an
        article (its corrections, topics, preview links, versions) is shown
        to a user only through an article known to them."""
        if can_publish(user):
            return self.all()
        return self.filter(public_q() | Q(pk__in=Article.objects.viewable_by(user).values("pk")))


# Columns newsroom.stored writes; a plain save of an article leaves them be.
STORED_ELSEWHERE = {"related", "card", "page_lists"}


class Article(FillsSlug, KeepsOldAddresses, models.Model):
    slug_source = "headline"
    # The rows each version of an article carries with it (reversion.register
    # in newsroom.models; newsroom.editorial.history restores them).
    HISTORY_FOLLOW = (
        "bylines",
        "sources",
        "videos",
        "corrections",
        "topic_links",
        "country_links",
        "agreement_links",
        "person_links",
        "organization_links",
    )

    Status = Status

    class Language(models.TextChoices):
        ES = "es", _("Spanish")
        EN = "en", _("English")

    headline = models.CharField(
        _("headline"), max_length=200, help_text=_("The title readers see. Search engines show about 60 characters.")
    )
    slug = AddressSlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_(
            "The last part of the article's address. Filled in from the headline; capitals and accents"
            " become plain lower-case letters."
        ),
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
    # The image's copies at the widths readers' screens need, in WebP and
    # JPEG (newsroom.stored.renditions writes them after the save commits;
    # newsroom.core.renditions names them): {"source", "width", "height",
    # "widths"}. NULL until written, and for an article without an image.
    image_renditions = models.JSONField(null=True, blank=True, editable=False)
    image_caption = models.CharField(_("image caption"), max_length=400, blank=True)
    image_credit = models.CharField(_("image credit"), max_length=200, blank=True)
    # The story form's suggestions its editors turned down, as "kind:id"
    # ("countries:12"): not offered again for this story
    # (newsroom.editorial.suggestions; set through ArticleAdminForm).
    dismissed_suggestions = models.JSONField(default=list, blank=True, editable=False)
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles", blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The years a publication time may fall in, from an archive's oldest
    # stories to a schedule beyond any plan; the admin form and the search's
    # year filter hold to them. Beyond them a time in the site's zone could
    # fall outside Python's years once shifted to UTC (9999-12-31 23:00 in
    # Havana is in the year 10000).
    PUBLICATION_YEARS = (1900, 2999)
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("When the article goes public. A time in the future schedules it."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.ES)
    # Articles that are translations of one another share a key (NULL: no
    # translation). The unique pair below is the rule "at most one article per
    # language in a pair", and one shared value cannot disagree with itself,
    # so both directions always hold. Written by
    # newsroom.editorial.translations, never by the form.
    translation_key = models.UUIDField(_("translation key"), null=True, blank=True, editable=False)
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
        # Resolves typed names by their folded key and by alias
        # (newsroom.models.tagging), so accents never make a second topic.
        manager=TopicTagManager,
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
    # Through models of their own (ArticlePerson, ArticleOrganization below):
    # the links carry the article's state, so a person's page is an index range.
    people = models.ManyToManyField(
        "alliances.Person", through="newsroom.ArticlePerson", related_name="articles", blank=True
    )
    organizations = models.ManyToManyField(
        "alliances.Organization", through="newsroom.ArticleOrganization", related_name="articles", blank=True
    )
    # Written only by newsroom.stored.search_vector.refresh_search_vector (called from
    # newsroom.stored.refresh). PostgreSQL: weighted tsvector behind a GIN index that
    # migration 0003 creates there only. SQLite: folded plain text.
    search_vector = SearchVectorField(null=True, editable=False)
    # The related-articles box, ranked on write by newsroom.stored.related (entries
    # [id, shared agreements, shared countries, shared topics, timestamp]).
    related = models.JSONField(default=list, blank=True, editable=False)
    # What a card and the article page print from other rows (the kicker
    # topic and bylines; the page's nine lists), written on change by
    # newsroom.stored.documents so that reading a page is reading this row.
    # NULL until first written: readers then compute it (never a wrong value).
    card = models.JSONField(null=True, blank=True, editable=False)
    page_lists = models.JSONField(null=True, blank=True, editable=False)
    # The last substantive change readers were told about (a correction, or
    # an edit the editor marked as substantive): the page's "Updated" line
    # and dateModified. A typo fix leaves it alone; updated_at does not.
    modified_at = models.DateTimeField(_("last substantive update"), null=True, blank=True, editable=False)
    # Optimistic locking: the change form carries the version it loaded and
    # the save is refused when someone saved in between (services.claim_edit).
    lock_version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("last edited by"),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", "Can publish, schedule, unpublish and archive articles")]
        constraints = [
            slug_form_constraint("article_slug_form"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_time",
                violation_error_message=_("A published article needs a publication time."),
            ),
            models.UniqueConstraint(
                fields=["translation_key", "language"],
                name="one_translation_per_language",
                violation_error_message=_("This story already has a translation in that language."),
            ),
        ]
        indexes = [models.Index(fields=["status", "-published_at"], name="article_status_pub_idx")]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        """The story's own address, in the edition of its language
        (/articles/... for Spanish, /en/articles/... for English), whichever
        edition links to it."""
        return slug_path("newsroom:article-detail", self.slug, self.language)

    @property
    def is_public(self) -> bool:
        return type(self).objects.published().filter(pk=self.pk).exists()

    def is_visible(self) -> bool:
        """The rule of ``ArticleQuerySet.published()`` applied to this instance
        as it is in memory, for code that already holds many articles (the
        desk) and must not query each. tests/test_visibility.py keeps the two
        in step at every boundary."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def date_modified(self):
        """When readers were last told the story changed: the publication
        time, or a later substantive update (dateModified, "Updated")."""
        if self.published_at is None:
            return None
        if self.modified_at is None:
            return self.published_at
        return max(self.published_at, self.modified_at)

    def address_is_public(self, loaded: dict) -> bool:
        # Only an address readers could open deserves a redirect: a draft's
        # slug can change freely.
        if "status" not in loaded or "published_at" not in loaded:
            return False
        return self.is_visible()

    def clean(self):
        super().clean()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def save(self, *args, **kwargs):
        # Sanitise on every save, whichever path the HTML came in by (admin,
        # service, management command, shell): the stored body is always clean.
        self.body = self._meta.get_field("body").sanitize(self.body or "")
        if (
            self.pk is not None
            and not self._state.adding
            and not args
            and kwargs.get("update_fields") is None
            and not kwargs.get("force_insert")
        ):
            # The stored related list and documents have their own writers
            # (newsroom.stored), which also change them when other rows do:
            # an instance loaded before such a write must not write its old
            # copy back. Deferred fields stay out too, as in Django's own save().
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name not in STORED_ELSEWHERE and f.attname not in deferred
            ]
        super().save(*args, **kwargs)
        self.leave_redirect()

    def _card(self) -> dict | None:
        # The stored card document, when this instance read it and it was
        # written (newsroom.stored.documents); None sends readers to the rows.
        return self.__dict__.get("card")

    @property
    def kicker(self) -> Topic | Kicker | None:
        """The topic printed above the headline: the article's first topic,
        from the stored card, else from the article's topics."""
        card = self._card()
        if card is not None:
            return Kicker.from_stored(card.get("kicker"))
        lists = getattr(self, "lists", None)
        topics = lists.topics if lists is not None else self.tags.all()
        return topics[0] if topics else None

    def ordered_authors(self) -> list[Author]:
        """Authors in byline order: from the stored card (instances carrying
        name and slug, the rest deferred), else from the bylines."""
        card = self._card()
        if card is not None:
            return [
                Author.from_db(self._state.db, ["id", "name", "slug"], [row["author_id"], row["name"], row["slug"]])
                for row in card.get("bylines", [])
            ]
        lists = getattr(self, "lists", None)
        if lists is not None:
            return lists.authors
        return [b.author for b in sorted(self.bylines.all(), key=lambda b: b.position)]

    def author_names(self) -> list[str]:
        """The byline's names, in order: what a card prints."""
        card = self._card()
        if card is not None:
            return [row["name"] for row in card.get("bylines", [])]
        return [author.name for author in self.ordered_authors()]


class Kicker(NamedTuple):
    """A card's kicker: the reader names and address of the article's first
    topic, without building a Topic for every card."""

    name_es: str
    name_en: str
    slug: str

    @classmethod
    def from_stored(cls, row: list | None) -> Kicker | None:
        """The kicker of a stored card ([name_es, name_en, slug]); a card
        stored before the reader names ([typed name, slug]) shows the typed
        name capitalised, as a new topic's name is, until it is rewritten."""
        if not row:
            return None
        if len(row) == 2:
            return cls(reader_name(row[0]), "", row[1])
        return cls(*row)

    def get_absolute_url(self) -> str:
        return slug_path("newsroom:topic-detail", self.slug)

    @property
    def display_name(self) -> InLanguage:
        """As Topic.display_name."""
        return in_edition({"es": self.name_es, "en": self.name_en})


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("added by"),
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.article}: {self.created_at:%Y-%m-%d}"


class ArticlePerson(ArticleStateCopy):
    """An article naming a person (Article.people). The row carries a copy
    of its article's state (newsroom.core.copies), so that page N of a
    person's stories in one edition is a short range of one index, as a
    topic's is: the busiest people are on thousands of stories, and joining
    their links with the articles to sort them by time read every one.

    The table is the one Django made for the plain many-to-many field
    (migration 0020 took it over with its rows), so its unique pair is kept
    as ``unique_together``: that is the constraint, under the name, that the
    table already has. The story form still sets the people as one field."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey("alliances.Person", on_delete=models.CASCADE, related_name="article_links")

    class Meta:
        db_table = "newsroom_article_people"
        unique_together = [("article", "person")]
        verbose_name = _("person in an article")
        verbose_name_plural = _("people in articles")
        indexes = [
            models.Index(
                fields=["person", "article_language", "article_status", "-article_published_at", "-article"],
                name="person_edition_listing_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.person_id}"


class ArticleOrganization(ArticleStateCopy):
    """An article naming an organisation (Article.organizations), with its
    article's state copied: as :class:`ArticlePerson`."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="organization_links")
    organization = models.ForeignKey("alliances.Organization", on_delete=models.CASCADE, related_name="article_links")

    class Meta:
        db_table = "newsroom_article_organizations"
        unique_together = [("article", "organization")]
        verbose_name = _("organisation in an article")
        verbose_name_plural = _("organisations in articles")
        indexes = [
            models.Index(
                fields=["organization", "article_language", "article_status", "-article_published_at", "-article"],
                name="org_edition_listing_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.organization_id}"
