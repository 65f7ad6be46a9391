"""What each change refreshes, declared in one place, in the order it runs.

The stored copies (derived data written on save, so pages read it ready):

* search vector: ``Article.search_vector`` (newsroom.stored.search_vector);
* listing copies: each topic and country link's copy of its article's
  status and time (newsroom.stored.listings);
* related lists: ``Article.related`` (newsroom.stored.related);
* country overviews: ``alliances.CountryOverview`` (alliances.overview);
* page cache: every cached page, by one generation counter
  (newsroom.pagecache, a reader: it listens to every write of the newsroom,
  alliances and taggit tables itself, after the transaction commits).

| Change                                         | Refreshes, in this order                        |
|------------------------------------------------|-------------------------------------------------|
| article saved: headline, dek, body, language   | search vector, then page cache                  |
| article saved: status or publication time      | listing copies, related lists, then page cache  |
| topics, countries or agreements (un)linked     | search vector, related lists, listing copies    |
|                                                | (when added), then page cache                   |
| agreement link row saved or deleted (inline)   | search vector, related lists, then page cache   |
| topic renamed or deleted                       | search vector of its articles, then page cache  |
| country renamed                                | search vector of its articles, country          |
|                                                | overviews around it, then page cache            |
| agreement saved                                | search vector of its articles, country          |
|                                                | overviews of its parties, then page cache       |
| agreement deleted                              | country overviews of its parties, page cache    |
| party added, moved or removed                  | country overviews, then page cache              |
| ``manage.py migrate``                          | country overviews not stored yet                |

A saved record's own fields go first, the lists that rank or count it next,
the page cache last. Writes that bypass signals call the same functions:
restoring a version (services.restore: search vector, listing copies,
related lists) and merging topics (search vector). Bulk loads (bench_data,
imports) use ``refresh_bulk()``, the same steps over many articles at once.

``RULES`` below is the table as code: ``connect()`` (NewsroomConfig.ready)
connects each rule in order, so Django runs them in that order.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save
from django.dispatch import Signal

from alliances import overview
from alliances.models import Agreement, AgreementParty, ArticleAgreement, Country
from newsroom.models import Article, TaggedCountry, TaggedTopic, Topic
from newsroom.stored import listings, related
from newsroom.stored.search_vector import refresh_search_vector

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
    instance.search_article_ids_before_delete = list(
        TaggedTopic.objects.filter(tag=instance).values_list("content_object_id", flat=True)
    )


def topic_deleted(sender, instance, **kwargs):
    refresh_search_vector(getattr(instance, "search_article_ids_before_delete", []))


def country_saved(sender, instance, created, **kwargs):
    if not created:
        refresh_search_vector(TaggedCountry.objects.filter(tag=instance).values_list("content_object_id", flat=True))


def agreement_saved(sender, instance, created, **kwargs):
    if not created:
        refresh_search_vector(ArticleAgreement.objects.filter(agreement=instance).values_list("article_id", flat=True))


@dataclass(frozen=True)
class Rule:
    change: str
    signal: Signal
    sender: type
    receiver: object


RULES = (
    Rule("article saved", post_save, Article, article_saved),
    *(
        Rule(f"{through.__name__} rows (un)linked", m2m_changed, through, links_changed)
        for through in (TaggedTopic, TaggedCountry, ArticleAgreement)
    ),
    Rule("agreement link saved", post_save, ArticleAgreement, link_row_changed),
    Rule("agreement link deleted", post_delete, ArticleAgreement, link_row_changed),
    Rule("topic renamed", post_save, Topic, topic_saved),
    Rule("topic about to be deleted", pre_delete, Topic, topic_deleting),
    Rule("topic deleted", post_delete, Topic, topic_deleted),
    Rule("country renamed: search vector", post_save, Country, country_saved),
    Rule("country renamed: overviews", post_save, Country, overview.country_saved),
    Rule("agreement saved: search vector", post_save, Agreement, agreement_saved),
    Rule("agreement saved: overviews", post_save, Agreement, overview.agreement_saved),
    Rule("agreement about to be deleted", pre_delete, Agreement, overview.agreement_deleting),
    Rule("agreement deleted", post_delete, Agreement, overview.agreement_deleted),
    Rule("party about to be saved", pre_save, AgreementParty, overview.party_saving),
    Rule("party saved", post_save, AgreementParty, overview.party_changed),
    Rule("party deleted", post_delete, AgreementParty, overview.party_changed),
    Rule("agreement countries changed", m2m_changed, Agreement.countries.through, overview.countries_changed),
)


def connect() -> None:
    for rule in RULES:
        rule.signal.connect(
            rule.receiver,
            sender=rule.sender,
            dispatch_uid=f"newsroom.stored.refresh:{rule.change}:{rule.sender.__name__}",
        )
    post_migrate.connect(
        overview.fill_missing, sender=apps.get_app_config("alliances"), dispatch_uid="newsroom.stored.refresh:migrate"
    )


def refresh_bulk(article_ids: list[int]) -> None:
    """Every stored copy of these articles, for rows written around the ORM
    (bench_data's COPY, an import): the steps the table runs per save, over
    many articles at once. Related lists are ranked by the app's own rule
    (related.rank_bulk); country overviews are all written again."""
    refresh_search_vector(article_ids)
    listings.sync(article_ids)
    related.rank_bulk(article_ids)
    overview.refresh_all()
