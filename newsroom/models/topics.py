"""Topics (the newsroom's own tags), their aliases, and the tag links that
carry a copy of their article's listing fields."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from taggit.models import ItemBase, TagBase

from alliances.models import Country
from newsroom.core.addresses import KeepsOldAddresses
from newsroom.core.converters import slug_path
from newsroom.core.copies import ArticleStateCopy
from newsroom.core.editions import InLanguage, in_edition
from newsroom.core.text import (
    AddressSlugField,
    ascii_slug,
    clean_topic_name,
    reader_name,
    slug_form_constraint,
    topic_key,
)
from newsroom.models.people import can_publish
from newsroom.models.visibility import public_q


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
            tag=OuterRef("pk"), content_object__in=_articles().viewable_by(user).values("pk")
        )
        return self.filter(Exists(_public_links()) | Exists(own))


def _articles():
    # The article model imports this module (its tag links); it is reached
    # through the link's foreign key instead of an import both ways.
    return TaggedTopic._meta.get_field("content_object").related_model.objects


def _public_links():
    """The outer topic's links to public articles, read from the links'
    copies of their article's status and time (one index, written with the
    article: newsroom.stored.listings)."""
    return TaggedTopic.objects.filter(public_q("article_"), tag=OuterRef("pk"))


class TopicManager(models.Manager.from_queryset(TopicQuerySet)):
    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(), which fills the key: fill it here so bulk
        # loaders (bench_data, imports) keep the one-topic-per-key rule.
        objs = list(objs)
        for topic in objs:
            topic.name = clean_topic_name(topic.name or "")
            topic.key = topic_key(topic.name)
            if not (topic.name_es or topic.name_en):
                topic.name_es = reader_name(topic.name)
        return super().bulk_create(objs, *args, **kwargs)


class Topic(KeepsOldAddresses, TagBase):
    """A topic tag ("sanctions", "energy crisis"). Neither case, accents nor
    spacing ever make a second one: ``key`` (the folded name) is unique."""

    # How readers see the name, with its capitals ("Alianzas estratégicas"),
    # in each edition; ``name`` is what editors type to tag and ``key`` its
    # folded form. Either may be empty: the page shows the other, marked
    # with its language (newsroom.core.editions.in_edition).
    name_es = models.CharField(
        _("Spanish name"), max_length=100, blank=True, help_text=_("As readers of the Spanish edition see it.")
    )
    name_en = models.CharField(
        _("English name"), max_length=100, blank=True, help_text=_("As readers of the English edition see it.")
    )
    description = models.TextField(_("description"), blank=True)
    key = models.CharField(
        _("folded name"),
        max_length=100,
        unique=True,
        editable=False,
        help_text=_("The name without case, accents or extra spaces; no two topics share it."),
    )
    slug = AddressSlugField(_("slug"), max_length=100, unique=True)

    objects = TopicManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = [slug_form_constraint("topic_slug_form")]

    def get_absolute_url(self) -> str:
        return slug_path("newsroom:topic-detail", self.slug)

    @property
    def display_name(self) -> InLanguage:
        """The name readers of the active edition see, knowing its language."""
        return in_edition({"es": self.name_es, "en": self.name_en})

    def slugify(self, tag, i=None):
        slug = ascii_slug(tag, 90) or "topic"
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
        if not (self.name_es or self.name_en):
            # A topic made by typing it on an article: readers see what was
            # typed, capitalised, until an editor names it.
            self.name_es = reader_name(self.name)
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


class ArticleTagLink(ItemBase, ArticleStateCopy):
    """What the topic and country links of an article share: taggit's item
    base, and the copy of the linked article's state that topic and country
    pages are listed from (newsroom.core.copies)."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return super().__str__()  # taggit's "<article> tagged with <tag>"


class TaggedTopic(ArticleTagLink):
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
            models.Index(
                fields=["tag", "article_language", "article_status", "-article_published_at", "-content_object"],
                name="topic_edition_listing_idx",
            ),
        ]


class TaggedCountry(ArticleTagLink):
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
            models.Index(
                fields=["tag", "article_language", "article_status", "-article_published_at", "-content_object"],
                name="country_edition_listing_idx",
            ),
        ]
