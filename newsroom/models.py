"""The newsroom's editorial records: authors, articles and what hangs off them.

The one rule that matters most lives in ``ArticleQuerySet.published()``: an
article is public if and only if its status is "published" and its
``published_at`` is not in the future. Every public view, feed, sitemap,
search and related-articles box starts from that method.
"""

from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

import reversion
from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONArray, JSONObject
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager
from taggit.models import ItemBase, TagBase

from alliances.models import Country
from alliances.tagging import CountryTaggableManager
from newsroom.converters import slug_path
from newsroom.db import JSONList, json_list
from newsroom.redirects import KeepsOldAddresses, is_site_path, path_key
from newsroom.tagging import TopicTagManager, clean_topic_name, topic_key

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


def can_publish(user) -> bool:
    """Editors and superusers publish (and so may open and know of every
    article); writers never do. The one test of "is an editor": the
    querysets below and ``newsroom.services`` use it."""
    return bool(user and user.is_active and user.has_perm("newsroom.publish_article"))


def unique_slug(model: type[models.Model], value: str, *, instance_pk=None, max_length=200) -> str:
    """A unicode slug for ``value`` not yet used by another row of ``model``."""
    base = slugify(value, allow_unicode=True)[: max_length - 8].strip("-") or "item"
    slug, n = base, 2
    others = model._default_manager.exclude(pk=instance_pk) if instance_pk else model._default_manager
    while others.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class Author(KeepsOldAddresses, models.Model):
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
        return slug_path("newsroom:author-detail", self.slug)

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Author, self.name, instance_pk=self.pk, max_length=140)
        super().save(*args, **kwargs)
        self.leave_redirect()


class TopicQuerySet(models.QuerySet):
    def with_public_story(self) -> TopicQuerySet:
        """Topics a public story carries: the ones readers may know of (a
        topic page exists only for those)."""
        return self.filter(Exists(_public_links()))

    def visible_to(self, user) -> TopicQuerySet:
        """Topics ``user`` may know of: every topic for editors; for anyone
        else, the topics of public articles and of the articles they may open
        (``ArticleQuerySet.known_to``). A topic that only an embargoed or
        unpublished story carries would give the story away by its name."""
        if can_publish(user):
            return self.all()
        own = TaggedTopic.objects.filter(
            tag=OuterRef("pk"), content_object__in=Article.objects.editable_by(user).values("pk")
        )
        return self.filter(Exists(_public_links()) | Exists(own))


def _public_links():
    """The outer topic's links to public articles, read from the links'
    copies of their article's status and time (one index, written with the
    article: newsroom.listings)."""
    return TaggedTopic.objects.filter(public_q("article_"), tag=OuterRef("pk"))


class TopicManager(models.Manager.from_queryset(TopicQuerySet)):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(), which fills the key: fill it here so bulk
        # loaders (bench_data, imports) keep the one-topic-per-key rule.
        objs = list(objs)
        for topic in objs:
            topic.name = clean_topic_name(topic.name or "")
            topic.key = topic_key(topic.name)
        return super().bulk_create(objs, *args, **kwargs)


class Topic(KeepsOldAddresses, TagBase):
    """A topic tag ("sanctions", "energy crisis"). Neither case, accents nor
    spacing ever make a second one: ``key`` (the folded name) is unique."""

    description = models.TextField(_("description"), blank=True)
    key = models.CharField(
        _("folded name"),
        max_length=100,
        unique=True,
        editable=False,
        help_text=_("The name without case, accents or extra spaces; no two topics share it."),
    )

    objects = TopicManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def get_absolute_url(self) -> str:
        return slug_path("newsroom:topic-detail", self.slug)

    def slugify(self, tag, i=None):
        slug = slugify(tag, allow_unicode=True)[:90] or "topic"
        if i is not None:
            slug += f"-{i}"
        return slug

    def clean(self):
        super().clean()
        self.name = clean_topic_name(self.name or "")
        key = topic_key(self.name)
        if not key:
            raise ValidationError({"name": _("A topic needs a name.")})
        twin = Topic.objects.exclude(pk=self.pk).filter(key=key).first()
        if twin is not None:
            raise ValidationError(
                {
                    "name": _("The topic “%(name)s” already exists; case and accents do not make a new one.")
                    % {"name": twin.name}
                }
            )
        alias = TopicAlias.objects.select_related("topic").filter(key=key).exclude(topic_id=self.pk).first()
        if alias is not None:
            raise ValidationError(
                {
                    "name": _("“%(alias)s” is another name for the topic “%(topic)s”.")
                    % {"alias": alias.name, "topic": alias.topic.name}
                }
            )

    def save(self, *args, **kwargs):
        self.name = clean_topic_name(self.name or "")
        self.key = topic_key(self.name)
        super().save(*args, **kwargs)
        self.leave_redirect()

    def old_address_was_public(self) -> bool:
        # A topic page exists for readers only while a public story carries
        # the topic: the old address of one that none carries answered 404,
        # and a redirect from it would tell anyone the new name.
        return self.has_public_story()

    def has_public_story(self) -> bool:
        return Topic.objects.with_public_story().filter(pk=self.pk).exists()


class TopicAlias(models.Model):
    """Another name for a topic. An editor who types the alias gets the
    topic; a topic merged into another leaves its name here, so the old name
    keeps working (and old versions of articles can find their topic)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=100, help_text=_("Typing this name tags the topic instead."))
    key = models.CharField(max_length=100, unique=True, editable=False)
    former_topic_id = models.BigIntegerField(
        null=True, blank=True, editable=False, help_text=_("The id the merged topic had.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic alias")
        verbose_name_plural = _("topic aliases")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        self.name = clean_topic_name(self.name or "")
        key = topic_key(self.name)
        if not key:
            raise ValidationError({"name": _("An alias needs a name.")})
        topic = Topic.objects.filter(key=key).first()
        if topic is not None:
            raise ValidationError({"name": _("“%(name)s” is already a topic.") % {"name": topic.name}})
        if TopicAlias.objects.exclude(pk=self.pk).filter(key=key).exists():
            raise ValidationError({"name": _("This alias is already in use.")})

    def save(self, *args, **kwargs):
        self.name = clean_topic_name(self.name or "")
        self.key = topic_key(self.name)
        super().save(*args, **kwargs)


class ListingCopy(models.Model):
    """The linked article's status and publication time, copied onto a topic
    or country link (newsroom.listings keeps them in step) so that page 200
    of a busy topic is read from one index on the link table instead of an
    OFFSET over a join with the articles. The copy only orders and narrows
    the list: the cards themselves are fetched through
    ``Article.objects.published()``, so a stale copy can drop a story from a
    page but never show a hidden one."""

    article_status = models.CharField(max_length=12, blank=True, default="", editable=False)
    article_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class TaggedTopic(ItemBase, ListingCopy):
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
        indexes = [
            models.Index(fields=["tag", "content_object"], name="topic_tag_article_idx"),
            models.Index(
                fields=["tag", "article_status", "-article_published_at", "-content_object"], name="topic_listing_idx"
            ),
        ]

    def __str__(self) -> str:
        return super().__str__()  # taggit's "<article> tagged with <tag>"


class TaggedCountry(ItemBase, ListingCopy):
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
        indexes = [
            models.Index(fields=["tag", "content_object"], name="country_tag_article_idx"),
            models.Index(
                fields=["tag", "article_status", "-article_published_at", "-content_object"],
                name="country_listing_idx",
            ),
        ]

    def __str__(self) -> str:
        return super().__str__()  # taggit's "<article> tagged with <tag>"


def public_q(prefix: str = "", now=None) -> Q:
    """The visibility rule as a filter: published, with a publication time
    that has arrived (by ``now``, the current time unless given). ``prefix``
    names the copies of those two fields on another table ("article_" on the
    topic and country links)."""
    now = timezone.now() if now is None else now
    return Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}published_at__lte": now})


# What a card prints (ArticleQuerySet.for_listing); a list of twenty decoded
# three timestamps and four other columns per row that no card shows.
CARD_FIELDS = ("headline", "slug", "dek", "image", "image_alt", "status", "published_at", "language")


class ArticleQuerySet(models.QuerySet):
    def published(self, now=None) -> ArticleQuerySet:
        """Articles a reader may see: published, with a publication time that has
        arrived. A scheduled article (published, time in the future) appears by
        itself when its time comes; no job has to flip it.

        This is the only place the rule is written (``public_q`` below also
        serves the copies on the topic and country links). ``now`` is for
        queries compiled ahead of time (newsroom.db.CompiledQuery).
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
        last_archived = (
            EditorialEvent.objects.filter(article=OuterRef("pk"), action=EditorialEvent.Action.ARCHIVE)
            .order_by("-created_at", "-pk")
            .values("created_at")[:1]
        )
        return self.filter(published_at__lte=timezone.now()).filter(
            Q(status__in=[Article.Status.DRAFT, Article.Status.REVIEW])
            | Q(status=Article.Status.ARCHIVED, published_at__gt=Subquery(last_archived))
        )

    def for_listing(self, *, kicker: bool = True) -> ArticleQuerySet:
        """What a list of article cards prints, newest first, in one query
        however long the list: the cards, each with its kicker topic
        (``card_kicker``: the article's first topic as a JSON [name, slug])
        and its authors' names and addresses (``card_bylines``, a JSON
        list), as subqueries: prefetching bylines or topics would cost a
        query each and build a queryset per card. No body, search vector or
        related list: only the columns a card prints (``CARD_FIELDS``).
        ``kicker=False`` for lists that print no kicker (search results)."""
        queryset = self.only(*CARD_FIELDS).annotate(card_bylines=card_bylines()).order_by("-published_at", "-pk")
        if not kicker:
            return queryset
        return queryset.annotate(card_kicker=card_kicker())

    def for_feed(self) -> ArticleQuerySet:
        """for_listing() and every topic and country (the feed's categories)."""
        return self.for_listing().only(*CARD_FIELDS, "modified_at").prefetch_related("tags", "countries")

    def for_admin_list(self) -> ArticleQuerySet:
        return self.defer("body", "search_vector").prefetch_related(
            models.Prefetch("bylines", queryset=Byline.objects.select_related("author").order_by("position")),
            "tags",
        )

    def editable_by(self, user) -> ArticleQuerySet:
        """Articles ``user`` may open and change in the admin: everything for
        editors; for writers, their own drafts and articles in review (ones
        they started or carry the byline of)."""
        if can_publish(user):
            return self.all()
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.filter(
            Q(created_by=user) | Q(pk__in=Byline.objects.filter(author__user=user).values("article")),
            status__in=[Article.Status.DRAFT, Article.Status.REVIEW],
        )

    def known_to(self, user) -> ArticleQuerySet:
        """Articles whose existence and words ``user`` may know of: the public
        ones and those they may open (``editable_by``). What hangs off an
        article (its corrections, topics, preview links, versions) is shown
        to a user only through an article known to them."""
        if can_publish(user):
            return self.all()
        return self.filter(public_q() | Q(pk__in=Article.objects.editable_by(user).values("pk")))


class Article(KeepsOldAddresses, models.Model):
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
        # (newsroom.tagging), so accents never make a second topic.
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
    people = models.ManyToManyField("alliances.Person", related_name="articles", blank=True)
    organizations = models.ManyToManyField("alliances.Organization", related_name="articles", blank=True)
    # Written only by newsroom.search.refresh_search_vector (called from
    # newsroom.signals). PostgreSQL: weighted tsvector behind a GIN index that
    # migration 0003 creates there only. SQLite: folded plain text.
    search_vector = SearchVectorField(null=True, editable=False)
    # The related-articles box, ranked on write by newsroom.related (entries
    # [id, shared agreements, shared countries, shared topics, timestamp]).
    related = models.JSONField(default=list, blank=True, editable=False)
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
        return slug_path("newsroom:article-detail", self.slug)

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
        if not self.slug:
            self.slug = unique_slug(Article, self.headline, instance_pk=self.pk)
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
            # The stored related list has its own writer (newsroom.related),
            # which also merges newer stories into it: an instance loaded
            # before such a merge must not write its old copy back. Deferred
            # fields stay out too, as in Django's own save().
            deferred = self.get_deferred_fields()
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "related" and f.attname not in deferred
            ]
        super().save(*args, **kwargs)
        self.leave_redirect()

    @property
    def kicker(self) -> Topic | Kicker | None:
        """The topic printed above the headline: the article's first topic.
        Cards from ``for_listing()`` carry it as ``card_kicker`` and need no
        topic query; otherwise the (prefetched) topics are read."""
        if "card_kicker" in self.__dict__:
            pair = json_list(self.card_kicker)
            return Kicker(*pair) if pair else None
        topics = self.tags.all()
        return topics[0] if topics else None

    def ordered_authors(self) -> list[Author]:
        """Authors in byline order: from ``card_bylines`` on cards from
        ``for_listing()`` (instances carrying name and slug, the rest
        deferred), else from the (prefetched) bylines."""
        if "card_bylines" in self.__dict__:
            return [
                Author.from_db(self._state.db, ["id", "name", "slug"], [row["author_id"], row["name"], row["slug"]])
                for row in self._card_byline_rows()
            ]
        return [b.author for b in sorted(self.bylines.all(), key=lambda b: b.position)]

    def author_names(self) -> list[str]:
        """The byline's names, in order: what a card prints."""
        if "card_bylines" in self.__dict__:
            return [row["name"] for row in self._card_byline_rows()]
        return [author.name for author in self.ordered_authors()]

    def _card_byline_rows(self) -> list[dict]:
        return sorted(json_list(self.card_bylines), key=lambda row: (row["position"], row["id"]))


class Kicker(NamedTuple):
    """A card's kicker: the name and address of the article's first topic,
    without building a Topic for every card."""

    name: str
    slug: str

    def get_absolute_url(self) -> str:
        return slug_path("newsroom:topic-detail", self.slug)


def card_kicker() -> Subquery:
    """An article's first topic (in the order taggit gives them: the order
    they were added) as a JSON [name, slug], for cards. The first link's
    topic id is found first and the topic then read by its key: joining the
    links with the topics made PostgreSQL hash the whole topic table once per
    card (2 ms a page of twenty, against 0.3)."""
    first_topic = (
        TaggedTopic.objects.filter(content_object_id=OuterRef(OuterRef("pk"))).order_by("pk").values("tag_id")[:1]
    )
    return Subquery(
        Topic.objects.filter(pk=Subquery(first_topic)).order_by().values(pair=JSONArray("name", "slug"))[:1],
        output_field=JSONField(),
    )


def card_bylines() -> Subquery:
    """An article's bylines as a JSON list of {id, position, author_id,
    name, slug}, for cards (``ArticleQuerySet.for_listing``)."""
    return Subquery(
        Byline.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(
            rows=JSONList(
                JSONObject(
                    id="id", position="position", author_id="author_id", name="author__name", slug="author__slug"
                )
            )
        )
        .values("rows"),
        output_field=models.JSONField(),
    )


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
        return reverse("newsroom:preview", kwargs={"token": self.token})

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


class Redirect(models.Model):
    """An old address that answers 301 with a new one. Written by
    ``services.record_redirect`` when a published article, an agreement, an
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


# -- History (django-reversion) ------------------------------------------------
# An article's version holds the rows that make up the story: bylines,
# sources, videos, corrections, its topic and country links and its
# agreement links (ArticleAgreement is registered in alliances.models).
# People and organisations are plain many-to-many fields, saved inside the
# article's own version. The search vector and the related list are derived
# data, rebuilt on save.

for _model in (Byline, Source, RelatedVideo, Correction):
    reversion.register(_model)
for _model in (TaggedTopic, TaggedCountry):
    # The listing copies are derived (newsroom.listings), refreshed on restore.
    reversion.register(_model, exclude=["article_status", "article_published_at"])
reversion.register(
    Article,
    exclude=["search_vector", "related"],
    follow=["bylines", "sources", "videos", "corrections", "topic_links", "country_links", "agreement_links"],
)
