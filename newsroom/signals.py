"""Keep Article.search_vector, Article.related and the listing copies current.

The vector holds the article's headline, dek and body and the names of its
topics, countries and agreements, so it is rebuilt when any of those change:
the article is saved, links are added or removed (taggit and Django's related
managers send m2m_changed; the admin's agreement inline saves and deletes link
rows), or a topic, country or agreement is renamed or a topic deleted.

The related-articles list (newsroom.related) is ranked again when the
article's own links change or when it is saved as published or scheduled
(so it enters its neighbours' boxes). Renames do not touch it: it holds ids.

Connected in NewsroomConfig.ready().
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from alliances.models import Agreement, ArticleAgreement, Country
from newsroom import listings, related
from newsroom.models import Article, TaggedCountry, TaggedTopic, Topic
from newsroom.search import refresh_search_vector

# The fields the vector is built from; saving only other fields (a status
# change from the workflow services, for one) leaves it as it is.
TEXT_FIELDS = {"headline", "dek", "body", "language"}
# Saving these may make the article public (or public later).
PUBLICATION_FIELDS = {"status", "published_at"}


def article_saved(sender, instance, update_fields=None, **kwargs):
    fields = set(update_fields) if update_fields is not None else None
    if fields is None or TEXT_FIELDS & fields:
        refresh_search_vector([instance.pk])
    if fields is None or PUBLICATION_FIELDS & fields:
        listings.sync([instance.pk])
        # Published or scheduled: it enters its neighbours' boxes; anything
        # else: it leaves them.
        related.request_refresh([instance.pk])


def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Topics or countries added to or removed from an article (taggit), or
    agreements added through a related manager."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        # Called on the agreement (or tag) side: pk_set holds articles.
        # (A reverse clear deletes link rows, which link_row_changed hears.)
        if pk_set:
            refresh_search_vector(pk_set)
            related.request_refresh(pk_set)
            if action == "post_add":
                listings.sync(pk_set)
    else:
        refresh_search_vector([instance.pk])
        related.request_refresh([instance.pk])
        if action == "post_add":
            listings.sync([instance.pk])


def link_row_changed(sender, instance, origin=None, **kwargs):
    """An agreement link saved or deleted row by row (the admin inline, a
    cascade, or a related manager's remove/clear)."""
    refresh_search_vector([instance.article_id])
    # A deletion that cascades from the article (it is going away) or from
    # the agreement (hundreds of articles at once) leaves the related lists
    # as they are: their ids stay valid, and each is ranked again at its
    # article's next save.
    if origin is None or origin is instance:
        related.request_refresh([instance.article_id])


def topic_saved(sender, instance, created, **kwargs):
    if not created:
        refresh_search_vector(TaggedTopic.objects.filter(tag=instance).values_list("content_object_id", flat=True))


def topic_deleting(sender, instance, **kwargs):
    # The links are gone by the time post_delete runs: note the articles now.
    instance._search_article_ids = list(
        TaggedTopic.objects.filter(tag=instance).values_list("content_object_id", flat=True)
    )


def topic_deleted(sender, instance, **kwargs):
    refresh_search_vector(getattr(instance, "_search_article_ids", []))


def country_saved(sender, instance, created, **kwargs):
    if not created:
        refresh_search_vector(TaggedCountry.objects.filter(tag=instance).values_list("content_object_id", flat=True))


def agreement_saved(sender, instance, created, **kwargs):
    if not created:
        refresh_search_vector(ArticleAgreement.objects.filter(agreement=instance).values_list("article_id", flat=True))


def connect() -> None:
    uid = "newsroom.search_vector"
    post_save.connect(article_saved, sender=Article, dispatch_uid=f"{uid}.article")
    for through in (TaggedTopic, TaggedCountry, ArticleAgreement):
        m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"{uid}.m2m.{through.__name__}")
    post_save.connect(link_row_changed, sender=ArticleAgreement, dispatch_uid=f"{uid}.agreement_link_saved")
    post_delete.connect(link_row_changed, sender=ArticleAgreement, dispatch_uid=f"{uid}.agreement_link_deleted")
    post_save.connect(topic_saved, sender=Topic, dispatch_uid=f"{uid}.topic_saved")
    pre_delete.connect(topic_deleting, sender=Topic, dispatch_uid=f"{uid}.topic_deleting")
    post_delete.connect(topic_deleted, sender=Topic, dispatch_uid=f"{uid}.topic_deleted")
    post_save.connect(country_saved, sender=Country, dispatch_uid=f"{uid}.country_saved")
    post_save.connect(agreement_saved, sender=Agreement, dispatch_uid=f"{uid}.agreement_saved")
