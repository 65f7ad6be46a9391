"""What each change refreshes, declared in one place, in the order it runs.

The stored copies (derived data written on save, so pages read it ready):

* search vector: ``Article.search_vector`` (newsroom.stored.search_vector);
* listing copies: each topic, country and agreement link's copy of its
  article's status, time and language (newsroom.stored.listings);
* related lists: ``Article.related`` (newsroom.stored.related);
* article documents: ``Article.card`` and ``Article.page_lists``, what a
  card and the page print from other rows (newsroom.stored.documents);
* agreement pages: ``Agreement.page_lists`` (alliances.agreement_page);
* country overviews: ``alliances.CountryOverview`` (alliances.overview);
* page cache: the cached pages that show what changed, by tag
  (newsroom.pagecache, a reader: it listens to every write of the newsroom,
  alliances and taggit tables itself, holds the tags while the transaction
  is open and marks them after the commit).

Each change refreshes some copies now, in the save's own transaction, and
queues the rest (newsroom.stored.followups) for a worker after the commit:

| Change                              | Now, in the save            | After the commit (queued)      |
|-------------------------------------|-----------------------------|--------------------------------|
| article saved: headline, dek, body, | search vector               |                                |
| language, image caption             |                             |                                |
| article saved: status, time or      | listing copies              | related lists                  |
| language                            |                             |                                |
| article created                     | article documents           |                                |
| article saved with a new image;     |                             | image renditions               |
| author, person, organisation with a |                             |                                |
| new photo                           |                             |                                |
| article of a translation pair saved | the other one's documents   |                                |
| (address, language, headline,       |                             |                                |
| status, time) or deleted            |                             |                                |
| topics, countries, agreements       | search vector, listing      | related lists                  |
| (un)linked                          | copies (when added),        |                                |
|                                     | article documents           |                                |
| byline, source, video, correction   | article documents (and for  |                                |
|                                     | a source, search vector)    |                                |
| people or organisations (un)linked, | article documents, search   |                                |
| or a link row saved on its own      | vector, listing copies      |                                |
|                                     | (when added)                |                                |
| author renamed                      |                             | article documents of its       |
|                                     |                             | articles                       |
| person, organisation renamed or     |                             | article documents and search   |
| deleted                             |                             | vectors of its articles,       |
|                                     |                             | agreement pages listing it     |
| topic renamed or deleted            |                             | search vector, article         |
|                                     |                             | documents of its articles      |
| country renamed                     |                             | search vector, article         |
|                                     |                             | documents, agreement pages,    |
|                                     |                             | country overviews              |
| agreement saved                     | its agreement page          | search vector and documents of |
|                                     |                             | its articles, linked agreement |
|                                     |                             | pages, country overviews       |
| agreement deleted                   |                             | linked agreement pages,        |
|                                     |                             | country overviews              |
| party added, moved or removed       | agreement page              | article documents, overviews   |
| agreement source or sectors changed,| agreement page              |                                |
| a person or organisation in it      |                             |                                |
| sector renamed or deleted           |                             | agreement pages                |
| front page pick added, changed or   | the front page's document   |                                |
| removed; a topic with a block       |                             |                                |
| renamed                             |                             |                                |
| ``manage.py migrate``               | documents and overviews not stored yet                       |
| every write of the three apps       | page cache: tags held       | page cache: tags marked, last  |

Why the line falls there. What a save keeps decides who may see what, or
is the saved record's own text: the listing copies of status and time are
what topic and country pages filter on; the article's search vector and
documents (and an agreement's page) are what its own page and search show
of it, and an editor checks them right after saving. What is queued only
restates the change in other rows: neighbours' related lists (every page
filters their ids by ``Article.objects.published()``, so a late list never
shows a hidden article), names printed by other articles and agreements,
overview counts. The saved article's own related list is queued with its
neighbours', since ranking it cost most of a publish; its box shows the
previous list (or none) until the worker has run. Header counts are not
stored: they are counted at most once a minute (newsroom.site.selectors).

A queued task that rewrites rows sends :data:`rows_rewritten` with their
model and ids, since ``update()`` sends no model signal: the page cache
listens to it.

A saved record's own copies go first, the lists that rank or count it next,
the page cache last. Writes that bypass signals call the same functions:
restoring a version (restore.restore_version: search vector, listing copies,
documents; related lists queued) and merging topics (search vector,
documents). Bulk loads (bench_data, imports) use ``refresh_bulk()``, the
same steps over many articles, all of them at once.

``RULES`` below is the table as code: ``connect()`` (NewsroomConfig.ready)
connects each rule in order, so Django runs them in that order.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete, pre_save
from django.dispatch import Signal

from alliances import agreement_page, overview
from alliances.models import (
    Agreement,
    AgreementParticipant,
    AgreementParty,
    AgreementSource,
    ArticleAgreement,
    Country,
    Organization,
    Person,
    Sector,
)
from newsroom.models import (
    Article,
    Author,
    Byline,
    Correction,
    FrontPageFeature,
    FrontPageLead,
    FrontPageTopic,
    RelatedVideo,
    Source,
    TaggedCountry,
    TaggedTopic,
    Topic,
)
from newsroom.stored import documents, front, listings, related
from newsroom.stored.followups import (
    AGREEMENT_PAGES,
    DOCUMENTS,
    OVERVIEWS,
    PHOTOS,
    RELATED,
    RENDITIONS,
    SEARCH_VECTORS,
    later,
)
from newsroom.stored.search_vector import refresh_search_vector
from newsroom.stored.signals import rows_rewritten

# The queued tasks send it; readers connect to it here. It is declared in its
# own module since the tasks cannot import this one, which imports them.
__all__ = ["RULES", "connect", "refresh_bulk", "rows_rewritten"]

# The fields the vector is built from; saving only other fields (a status
# change from the workflow services, for one) leaves it as it is.
TEXT_FIELDS = {"headline", "dek", "body", "language", "image_caption"}
# Saving these may make the article public (or public later).
# What moves an article in or out of a list (an edition lists its language).
PUBLICATION_FIELDS = {"status", "published_at", "language"}


def _articles_of(model, field: str, value) -> list[int]:
    """Ids of the articles whose link rows in ``model`` have ``field`` = ``value``."""
    article_field = "content_object_id" if model in (TaggedTopic, TaggedCountry) else "article_id"
    return list(model.objects.filter(**{field: value}).values_list(article_field, flat=True))


def _articles_showing_agreements(agreement_ids) -> list[int]:
    return list(ArticleAgreement.objects.filter(agreement_id__in=agreement_ids).values_list("article_id", flat=True))


def article_saved(sender, instance, created=False, update_fields=None, **kwargs):
    fields = set(update_fields) if update_fields is not None else None
    if fields is None or TEXT_FIELDS & fields:
        refresh_search_vector([instance.pk])
    if fields is None or PUBLICATION_FIELDS & fields:
        listings.sync([instance.pk])
        # Published or scheduled: it enters its neighbours' boxes; anything
        # else: it leaves them.
        later(RELATED, [instance.pk])
    if created:
        # Its documents print other rows only: written now (empty), then as
        # those rows come.
        documents.refresh([instance.pk])


def image_saved(sender, instance, update_fields=None, **kwargs):
    """An article saved with a new image (or without its image), or an
    author, person or organisation with a new photo: its renditions are made
    after the commit. Compared in memory, so a save that leaves the image
    alone queues nothing."""
    field, record, kind = (
        ("image", "image_renditions", RENDITIONS)
        if sender is Article
        else ("photo", "photo_renditions", PHOTOS[sender._meta.label_lower])
    )
    if update_fields is not None and field not in update_fields:
        return
    image = getattr(instance, field)
    source = image.name if image else ""
    if (getattr(instance, record) or {}).get("source", "") != source:
        later(kind, [instance.pk])


# What an article's translation prints of it (the language switcher, the
# hreflang alternates and the JSON-LD of the other page of the pair).
SHOWN_TO_TRANSLATION = {"slug", "language", "headline", "status", "published_at"}


def _translation_ids(instance) -> list[int]:
    if instance.translation_key is None:
        return []
    return list(
        Article.objects.filter(translation_key=instance.translation_key)
        .exclude(pk=instance.pk)
        .values_list("pk", flat=True)
    )


def translation_saved(sender, instance, update_fields=None, **kwargs):
    """An article of a translation pair saved: the other article's page
    document holds its address and state, and must never show it once it is
    hidden, so it is written now. (Pairing and parting are
    newsroom.editorial.translations', which write both documents.)"""
    fields = set(update_fields) if update_fields is not None else None
    if fields is None or SHOWN_TO_TRANSLATION & fields:
        documents.refresh(_translation_ids(instance))


def translation_deleted(sender, instance, **kwargs):
    documents.refresh(_translation_ids(instance))


def links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Topics or countries added to or removed from an article (taggit), or
    agreements added through a related manager."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if action != "post_clear" and not pk_set:
        # Nothing added or removed: the admin's form sets every article's
        # topics and countries on each save, most often to what they were.
        return
    if reverse:
        # Called on the agreement (or tag) side: pk_set holds articles.
        # (A reverse clear deletes link rows, which link_row_changed hears.)
        if pk_set:
            refresh_search_vector(pk_set)
            later(RELATED, pk_set)
            if action == "post_add":
                listings.sync(pk_set)
            documents.refresh(pk_set)
    else:
        refresh_search_vector([instance.pk])
        later(RELATED, [instance.pk])
        if action == "post_add":
            listings.sync([instance.pk])
        documents.refresh([instance.pk])


def link_row_changed(sender, instance, origin=None, **kwargs):
    """An agreement link saved or deleted row by row (the admin inline, a
    cascade, or a related manager's remove/clear). A saved row gets its
    article's state copied (listings)."""
    if isinstance(origin, Article):
        return  # the article itself is going away
    if "created" in kwargs:  # saved, not deleted
        listings.sync([instance.article_id])
    refresh_search_vector([instance.article_id])
    # A deletion that cascades from the agreement (hundreds of articles at
    # once) leaves the related lists as they are: their ids stay valid, and
    # each is ranked again at its article's next save.
    if origin is None or origin is instance:
        later(RELATED, [instance.article_id])
    documents.refresh([instance.article_id])


def article_row_changed(sender, instance, origin=None, **kwargs):
    """A byline, source, video or correction saved or deleted (a source's
    outlet is searched too)."""
    if not isinstance(origin, Article):
        documents.refresh([instance.article_id])
        if sender is Source:
            refresh_search_vector([instance.article_id])


def people_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """People or organisations added to or removed from an article. New
    links get their article's state copied (listings)."""
    # Their names are searched too: the search vector follows.
    if action in ("post_add", "post_remove"):
        ids = pk_set if reverse else [instance.pk]
        if action == "post_add" and pk_set:
            listings.sync(ids, models=[sender])
        documents.refresh(ids)
        refresh_search_vector(ids)
    elif action == "pre_clear" and reverse:
        instance.articles_before_clear = list(
            sender.objects.filter(**{sender_field(sender, instance): instance.pk}).values_list("article_id", flat=True)
        )
    elif action == "post_clear":
        ids = getattr(instance, "articles_before_clear", []) if reverse else [instance.pk]
        documents.refresh(ids)
        refresh_search_vector(ids)


def named_link_saved(sender, instance, **kwargs):
    """A person or organisation link saved as a row of its own (a restore,
    code that creates one directly) rather than through ``article.people``,
    whose changes people_changed hears (removals included: the related
    manager's remove and clear send it, and a deleted person's links are
    named_deleted's)."""
    listings.sync([instance.article_id], models=[sender])
    documents.refresh([instance.article_id])
    refresh_search_vector([instance.article_id])


def sender_field(through, instance) -> str:
    """The column of ``through`` that points at ``instance``'s model."""
    return next(f.attname for f in through._meta.fields if f.is_relation and f.related_model is type(instance))


def author_saved(sender, instance, created, **kwargs):
    if not created:
        later(DOCUMENTS, Byline.objects.filter(author=instance).values_list("article_id", flat=True))


def named_saved(sender, instance, created, **kwargs):
    """A person or organisation renamed: the articles and agreements that
    list it."""
    if not created:
        later(AGREEMENT_PAGES, instance.agreement_roles.values_list("agreement_id", flat=True))
        for through in (Article.people.through, Article.organizations.through):
            if any(f.related_model is sender for f in through._meta.fields if f.is_relation):
                ids = list(
                    through.objects.filter(**{sender_field(through, instance): instance.pk}).values_list(
                        "article_id", flat=True
                    )
                )
                later(DOCUMENTS, ids)
                later(SEARCH_VECTORS, ids)


def named_deleting(sender, instance, **kwargs):
    ids = []
    for through in (Article.people.through, Article.organizations.through):
        if any(f.related_model is sender for f in through._meta.fields if f.is_relation):
            field = sender_field(through, instance)
            ids += through.objects.filter(**{field: instance.pk}).values_list("article_id", flat=True)
    instance.articles_before_delete = ids


def named_deleted(sender, instance, **kwargs):
    later(DOCUMENTS, getattr(instance, "articles_before_delete", []))
    later(SEARCH_VECTORS, getattr(instance, "articles_before_delete", []))


def front_pick_changed(sender, instance, **kwargs):
    """A lead, featured story or topic block added, changed or removed."""
    front.refresh()


def front_topic_renamed(sender, instance, created, **kwargs):
    if not created and FrontPageTopic.objects.filter(topic=instance).exists():
        front.refresh()


def topic_saved(sender, instance, created, **kwargs):
    if not created:
        ids = _articles_of(TaggedTopic, "tag", instance)
        later(SEARCH_VECTORS, ids)
        later(DOCUMENTS, ids)


def topic_deleting(sender, instance, **kwargs):
    # The links are gone by the time post_delete runs: note the articles now.
    instance.articles_before_delete = _articles_of(TaggedTopic, "tag", instance)


def topic_deleted(sender, instance, **kwargs):
    ids = getattr(instance, "articles_before_delete", [])
    later(SEARCH_VECTORS, ids)
    later(DOCUMENTS, ids)


def country_saved(sender, instance, created, **kwargs):
    if not created:
        ids = _articles_of(TaggedCountry, "tag", instance)
        later(SEARCH_VECTORS, ids)
        # Its name is printed by its articles and by the agreement boxes and
        # pages of the agreements it is party to.
        agreements = list(AgreementParty.objects.filter(country=instance).values_list("agreement_id", flat=True))
        later(DOCUMENTS, ids + _articles_showing_agreements(agreements))
        later(AGREEMENT_PAGES, agreements)


def agreement_saving(sender, instance, raw=False, **kwargs):
    # The agreements it pointed at list it too: note them before it moves.
    if instance.pk:
        instance.linked_before_save = set(
            Agreement.objects.filter(pk=instance.pk).values_list("supersedes_id", "part_of_id").first() or ()
        ) - {None}


def agreement_saved(sender, instance, created, **kwargs):
    if not created:
        ids = _articles_of(ArticleAgreement, "agreement", instance)
        later(SEARCH_VECTORS, ids)
        later(DOCUMENTS, ids)
    # Its own page now; those that print its title, after the commit.
    agreement_page.refresh([instance.pk])
    later(
        AGREEMENT_PAGES,
        (agreement_page.linked_with([instance.pk]) | getattr(instance, "linked_before_save", set())) - {instance.pk},
    )


def agreement_deleting(sender, instance, **kwargs):
    instance.linked_before_delete = agreement_page.linked_with([instance.pk]) - {instance.pk}


def agreement_deleted(sender, instance, **kwargs):
    later(AGREEMENT_PAGES, getattr(instance, "linked_before_delete", set()))


def party_changed(sender, instance, origin=None, **kwargs):
    """A party added, changed or removed: the agreement's page, and the
    agreement boxes of the articles that link it."""
    if isinstance(origin, Agreement):
        return  # the agreement itself is going away
    agreement_page.refresh([instance.agreement_id])
    later(DOCUMENTS, _articles_showing_agreements([instance.agreement_id]))


def agreement_countries_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Parties written through ``agreement.countries`` (no signal per party)."""
    if action.startswith("post_"):
        agreements = (
            list(AgreementParty.objects.filter(country=instance).values_list("agreement_id", flat=True))
            + list(pk_set or ())
            if reverse
            else [instance.pk]
        )
        agreement_page.refresh(agreements)
        later(DOCUMENTS, _articles_showing_agreements(agreements))


def agreement_row_changed(sender, instance, origin=None, **kwargs):
    """An agreement's source, person or organisation saved or deleted."""
    if not isinstance(origin, Agreement):
        agreement_page.refresh([instance.agreement_id])


def sectors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action in ("post_add", "post_remove"):
        agreement_page.refresh(pk_set if reverse else [instance.pk])
    elif action == "pre_clear" and reverse:
        instance.agreements_before_clear = list(instance.agreements.values_list("pk", flat=True))
    elif action == "post_clear":
        agreement_page.refresh(getattr(instance, "agreements_before_clear", []) if reverse else [instance.pk])


def sector_saved(sender, instance, created, **kwargs):
    if not created:
        later(AGREEMENT_PAGES, instance.agreements.values_list("pk", flat=True))


def sector_deleting(sender, instance, **kwargs):
    instance.agreements_before_delete = list(instance.agreements.values_list("pk", flat=True))


def sector_deleted(sender, instance, **kwargs):
    later(AGREEMENT_PAGES, getattr(instance, "agreements_before_delete", []))


def overviews_later(countries_of):
    """A receiver that queues the overviews of the countries that
    ``countries_of`` (a receiver of alliances.overview) names."""

    def receiver(sender, **kwargs):
        later(OVERVIEWS, countries_of(sender, **kwargs))

    receiver.__name__ = f"{countries_of.__name__}_later"
    return receiver


@dataclass(frozen=True)
class Rule:
    change: str
    signal: Signal
    sender: type
    receiver: object


PEOPLE = (Article.people.through, Article.organizations.through)
PARTIES = Agreement.countries.through

RULES = (
    # The article and its own rows.
    Rule("article saved", post_save, Article, article_saved),
    *(
        Rule(f"{model.__name__} saved: image renditions", post_save, model, image_saved)
        for model in (Article, Author, Person, Organization)
    ),
    Rule("article saved: its translation's document", post_save, Article, translation_saved),
    Rule("article deleted: its translation's document", post_delete, Article, translation_deleted),
    *(
        Rule(f"{through.__name__} rows (un)linked", m2m_changed, through, links_changed)
        for through in (TaggedTopic, TaggedCountry, ArticleAgreement)
    ),
    Rule("agreement link saved", post_save, ArticleAgreement, link_row_changed),
    Rule("agreement link deleted", post_delete, ArticleAgreement, link_row_changed),
    *(
        Rule(f"{model.__name__} {verb}", signal, model, article_row_changed)
        for model in (Byline, Source, RelatedVideo, Correction)
        for verb, signal in (("saved", post_save), ("deleted", post_delete))
    ),
    *(Rule(f"{through.__name__} (un)linked", m2m_changed, through, people_changed) for through in PEOPLE),
    *(Rule(f"{through.__name__} row saved", post_save, through, named_link_saved) for through in PEOPLE),
    # What articles print of other records.
    Rule("author renamed", post_save, Author, author_saved),
    *(Rule(f"{model.__name__} renamed", post_save, model, named_saved) for model in (Person, Organization)),
    *(
        Rule(f"{model.__name__} about to be deleted", pre_delete, model, named_deleting)
        for model in (Person, Organization)
    ),
    *(Rule(f"{model.__name__} deleted", post_delete, model, named_deleted) for model in (Person, Organization)),
    Rule("topic renamed", post_save, Topic, topic_saved),
    Rule("topic renamed: the front page's blocks", post_save, Topic, front_topic_renamed),
    *(
        Rule(f"{model.__name__} {verb}", signal, model, front_pick_changed)
        for model in (FrontPageLead, FrontPageFeature, FrontPageTopic)
        for verb, signal in (("saved", post_save), ("deleted", post_delete))
    ),
    Rule("topic about to be deleted", pre_delete, Topic, topic_deleting),
    Rule("topic deleted", post_delete, Topic, topic_deleted),
    Rule("country renamed: search vector, documents", post_save, Country, country_saved),
    Rule("country renamed: overviews", post_save, Country, overviews_later(overview.country_saved)),
    # Agreements: their pages, their articles' boxes, the country overviews.
    Rule("agreement about to be saved", pre_save, Agreement, agreement_saving),
    Rule("agreement saved: search vector, documents", post_save, Agreement, agreement_saved),
    Rule("agreement saved: overviews", post_save, Agreement, overviews_later(overview.agreement_saved)),
    Rule("agreement about to be deleted: linked pages", pre_delete, Agreement, agreement_deleting),
    Rule("agreement about to be deleted: overviews", pre_delete, Agreement, overview.agreement_deleting),
    Rule("agreement deleted: linked pages", post_delete, Agreement, agreement_deleted),
    Rule("agreement deleted: overviews", post_delete, Agreement, overviews_later(overview.agreement_deleted)),
    Rule("party about to be saved", pre_save, AgreementParty, overview.party_saving),
    Rule("party saved: documents", post_save, AgreementParty, party_changed),
    Rule("party saved: overviews", post_save, AgreementParty, overviews_later(overview.party_changed)),
    Rule("party deleted: documents", post_delete, AgreementParty, party_changed),
    Rule("party deleted: overviews", post_delete, AgreementParty, overviews_later(overview.party_changed)),
    Rule(
        "agreement countries changed: documents", m2m_changed, Agreement.countries.through, agreement_countries_changed
    ),
    Rule(
        "agreement countries changed: overviews",
        m2m_changed,
        Agreement.countries.through,
        overviews_later(overview.countries_changed),
    ),
    Rule("agreement source saved", post_save, AgreementSource, agreement_row_changed),
    Rule("agreement source deleted", post_delete, AgreementSource, agreement_row_changed),
    Rule("agreement participant saved", post_save, AgreementParticipant, agreement_row_changed),
    Rule("agreement participant deleted", post_delete, AgreementParticipant, agreement_row_changed),
    Rule("agreement sectors changed", m2m_changed, Agreement.sectors.through, sectors_changed),
    Rule("sector renamed", post_save, Sector, sector_saved),
    Rule("sector about to be deleted", pre_delete, Sector, sector_deleting),
    Rule("sector deleted", post_delete, Sector, sector_deleted),
)


def connect() -> None:
    for rule in RULES:
        rule.signal.connect(
            rule.receiver,
            sender=rule.sender,
            dispatch_uid=f"newsroom.stored.refresh:{rule.change}:{rule.sender.__name__}",
        )
    post_migrate.connect(
        fill_missing_documents, sender=apps.get_app_config("newsroom"), dispatch_uid="newsroom.stored.documents:migrate"
    )
    post_migrate.connect(
        overview.fill_missing, sender=apps.get_app_config("alliances"), dispatch_uid="newsroom.stored.refresh:migrate"
    )


def fill_missing_documents(sender, apps=None, **kwargs):
    """After ``migrate``: the documents of articles and agreements that have
    none (all of them, the first time). Not when migrating back to before
    the documents existed."""
    if apps is not None:
        try:
            apps.get_model("newsroom", "Article")._meta.get_field("card")
            apps.get_model("alliances", "Agreement")._meta.get_field("page_lists")
        except (LookupError, FieldDoesNotExist):
            return
    documents.refresh_missing()
    agreement_page.refresh_missing()


def refresh_bulk(article_ids: list[int]) -> None:
    """Every stored copy of these articles, for rows written around the ORM
    (bench_data's COPY, an import): the steps the table runs per save, over
    many articles at once. Related lists are ranked by the app's own rule
    (related.rank_bulk); agreement pages and country overviews are all
    written again."""
    refresh_search_vector(article_ids)
    listings.sync(article_ids)
    documents.refresh(article_ids)
    related.rank_bulk(article_ids)
    agreement_page.refresh_all()
    overview.refresh_all()
