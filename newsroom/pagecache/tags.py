"""What a page shows, as tags, and which tags a change touches.

A cached page is stored with the tags of what it prints: ``article-12`` for
a story whose page it is or whose card sits in its related box,
``topic-3`` / ``country-7`` / ``agreement-5`` / ``author-2`` / ``person-4`` /
``organization-6`` for the list of stories a topic, country, agreement,
author, person or organisation page (or feed) shows,
``latest`` for the newest stories site-wide (home page, main feed), ``front``
for the editors' picks on the home page, ``nav``
for the header's sections, and ``all``, which every page carries.

A list names its record, not each card: a save of a story marks the lists
it is on (its topics, countries, agreements, authors, ``latest``), so every
card of it is fresh; and a hit reads one key per tag, so a page of twenty
cards checks five keys, not twenty-five. The cost is that an edit makes
stale every page of those lists, which a publication does anyway (each new
story moves every later page of its lists by one). A page whose view names no tags depends on ``any`` as
well, which every change touches: it is invalidated by every write, as the
whole site was before pages said what they show.

A change touches (``tags_for_change``):

| Change                                  | Tags                                           |
|-----------------------------------------|------------------------------------------------|
| article saved or deleted                | article-N, latest, its topics, countries,      |
|                                         | agreements, authors, people and organisations, |
|                                         | and its translation's article-M (whose page    |
|                                         | names it)                                      |
| topic or country link added or removed  | topic-N / country-N, article-N                 |
| agreement link, byline                  | agreement-N / author-N, article-N              |
| people or organisations linked          | person-N / organization-N, article-N           |
| correction, source, video               | article-N                                      |
| agreement saved or deleted              | agreement-N, country-N of its parties          |
| party, agreement source, sectors        | agreement-N (and the party's country-N)        |
| person or organisation in an agreement  | agreement-N, person-N / organization-N         |
| country overview rewritten              | country-N                                      |
| front page picks, their document        | front (the home page)                          |
| topic, country, author, person or       | its own tag: its page and list; the stories    |
| organisation renamed/deleted            | that print its name follow when the queued     |
|                                         | rewrite of their copies sends rows_rewritten   |
| sector, alias                           | nothing but ``any`` (printed only through the  |
|                                         | stored copies, rewritten as above)             |
| created without links (a new topic)     | nothing but ``any``                            |
| editorial log, preview links, redirects | nothing (no cached page prints them; redirects |
|                                         | answer 301, which is never stored)             |
| anything else in the three apps         | all                                            |
| every change                            | any                                            |

Stored copies rewritten outside a save (``newsroom.stored.refresh.rows_rewritten``:
related lists of neighbours, documents restating a renamed name, overviews)
touch the tags of the rows they rewrote (and, for articles, of the lists that
print their cards).

The same tags go out in ``Surrogate-Key`` (Fastly, Varnish xkey) and
``Cache-Tag`` (Cloudflare) headers, so a CDN can purge exactly what the app
invalidates (README, "Page cache and CDN").
"""

from __future__ import annotations

from collections.abc import Iterable

from alliances.models import (
    Agreement,
    AgreementParticipant,
    AgreementParty,
    AgreementSource,
    ArticleAgreement,
    Country,
    CountryOverview,
    Organization,
    Person,
    Sector,
)
from alliances.queries import party_country_ids
from newsroom.models import (
    Article,
    Author,
    Byline,
    EditorialEvent,
    FrontPage,
    FrontPageFeature,
    FrontPageLead,
    FrontPageTopic,
    PreviewLink,
    Redirect,
    TaggedCountry,
    TaggedTopic,
    Topic,
    TopicAlias,
)

ALL = "all"
ANY = "any"
FRONT = "front"
LATEST = "latest"
NAV = "nav"

# The prefix of each model whose rows have a page (or a list on one).
PREFIXES = {
    Article: "article",
    Topic: "topic",
    Country: "country",
    Agreement: "agreement",
    Author: "author",
    Person: "person",
    Organization: "organization",
}
NAMED = (Topic, Country, Author, Person, Organization, Sector, TopicAlias)
UNSHOWN = (EditorialEvent, PreviewLink, Redirect)


def tag(model: type, pk) -> str:
    return f"{PREFIXES[model]}-{pk}"


def tags_of(model: type, pks: Iterable) -> set[str]:
    return {tag(model, pk) for pk in pks}


def links_by_article(article_ids: Iterable[int]) -> dict[int, set[str]]:
    """The list pages each article appears on: its topics, countries,
    agreements, authors, people and organisations (six queries, however
    many articles)."""
    ids = list(article_ids)
    links: dict[int, set[str]] = {pk: set() for pk in ids}
    if not ids:
        return links
    tables = (
        (Topic, TaggedTopic.objects.filter(content_object_id__in=ids).values_list("content_object_id", "tag_id")),
        (Country, TaggedCountry.objects.filter(content_object_id__in=ids).values_list("content_object_id", "tag_id")),
        (Agreement, ArticleAgreement.objects.filter(article_id__in=ids).values_list("article_id", "agreement_id")),
        (Author, Byline.objects.filter(article_id__in=ids).values_list("article_id", "author_id")),
        (Person, Article.people.through.objects.filter(article_id__in=ids).values_list("article_id", "person_id")),
        (
            Organization,
            Article.organizations.through.objects.filter(article_id__in=ids).values_list(
                "article_id", "organization_id"
            ),
        ),
    )
    for model, rows in tables:
        for article_id, pk in rows:
            links[article_id].add(tag(model, pk))
    return links


def translation_tags(article: Article) -> set[str]:
    """The page of ``article``'s translation, which names it (the language
    switcher, hreflang, JSON-LD) while both are public: one query, none for
    an article that was never paired. Read from the instance's own key, so
    a deleted article still finds its partner. The partner's page carries
    only its own tag: nothing in its headers names a hidden translation."""
    if article.translation_key is None:
        return set()
    partners = Article.objects.filter(translation_key=article.translation_key).exclude(pk=article.pk)
    return tags_of(Article, partners.values_list("pk", flat=True))


def translations_by_article(article_ids: Iterable[int]) -> dict[int, set[str]]:
    """``translation_tags`` for many articles (one query): the scheduled
    stories' translations, whose pages change when the story goes public."""
    ids = list(article_ids)
    found: dict[int, set[str]] = {pk: set() for pk in ids}
    if not ids:
        return found
    keys = Article.objects.filter(pk__in=ids, translation_key__isnull=False).values("translation_key")
    pairs: dict = {}
    for pk, key in Article.objects.filter(translation_key__in=keys).values_list("pk", "translation_key"):
        pairs.setdefault(key, set()).add(pk)
    for members in pairs.values():
        for pk in members & set(ids):
            found[pk] = tags_of(Article, members - {pk})
    return found


def article_links(article_ids: Iterable[int]) -> set[str]:
    """The list pages any of the articles appears on."""
    return set().union(*links_by_article(article_ids).values())


def tags_for_change(instance, *, created: bool = False) -> set[str]:
    """The tags a saved or deleted ``instance`` touches (the table above),
    ``any`` not included."""
    model = type(instance)
    if isinstance(instance, UNSHOWN):
        return set()
    if isinstance(instance, Article):
        return {tag(Article, instance.pk), LATEST} | article_links([instance.pk]) | translation_tags(instance)
    if isinstance(instance, TaggedTopic | TaggedCountry):
        tag_model = Topic if isinstance(instance, TaggedTopic) else Country
        return {tag(tag_model, instance.tag_id), tag(Article, instance.content_object_id)}
    if isinstance(instance, ArticleAgreement):
        return {tag(Agreement, instance.agreement_id), tag(Article, instance.article_id)}
    if isinstance(instance, Byline):
        return {tag(Author, instance.author_id), tag(Article, instance.article_id)}
    if isinstance(instance, Agreement):
        return {tag(Agreement, instance.pk)} | tags_of(Country, party_country_ids(instance.pk))
    if isinstance(instance, AgreementParty):
        return {tag(Agreement, instance.agreement_id), tag(Country, instance.country_id)}
    if isinstance(instance, AgreementSource):
        return {tag(Agreement, instance.agreement_id)}
    if isinstance(instance, AgreementParticipant):
        who = tag(Person, instance.person_id) if instance.person_id else tag(Organization, instance.organization_id)
        return {tag(Agreement, instance.agreement_id), who}
    if isinstance(instance, CountryOverview):
        return {tag(Country, instance.country_id)}
    if isinstance(instance, FrontPage | FrontPageLead | FrontPageFeature | FrontPageTopic):
        return {FRONT}
    if isinstance(instance, NAMED):
        return {tag(model, instance.pk)} if model in PREFIXES and not created else set()
    article_id = getattr(instance, "article_id", None)
    if article_id is not None and model._meta.app_label == "newsroom":
        return {tag(Article, article_id)}  # a correction, source or video
    return {ALL}


def tags_for_links(through: type, instance, pk_set: Iterable | None) -> set[str]:
    """The tags an m2m change touches: ``instance`` on one side, the rows
    ``pk_set`` names on the other (people and organisations of an article,
    an agreement's sectors, taggit's topics and countries)."""
    tags: set[str] = set()
    for model, pks in ((type(instance), [instance.pk]), (_other_side(through, type(instance)), pk_set or [])):
        if model in PREFIXES:
            tags |= tags_of(model, pks)
        elif model is None or model not in (Person, Organization, Sector):
            tags.add(ALL)
    return tags


def _other_side(through: type, model: type) -> type | None:
    sides = [f.related_model for f in through._meta.fields if f.is_relation]
    others = [side for side in sides if side is not model]
    return others[0] if len(others) == 1 else None


def tags_for_rows(label: str, ids: Iterable[int]) -> set[str]:
    """The tags of rows whose stored copies were rewritten outside a save."""
    if label == "newsroom.article":
        # Their pages, and the lists that print their cards (the front page
        # and the main feed among them: a card's image copies, a renamed
        # byline).
        return tags_of(Article, ids) | article_links(ids) | ({LATEST} if ids else set())
    if label == "alliances.agreement":
        return tags_of(Agreement, ids)
    if label in ("newsroom.author", "alliances.person", "alliances.organization"):
        # A photo's copies: only the record's own page shows it.
        model = {"newsroom.author": Author, "alliances.person": Person, "alliances.organization": Organization}[label]
        return tags_of(model, ids)
    if label in ("alliances.country", "alliances.countryoverview"):
        return tags_of(Country, ids)  # an overview's key is its country's
    return {ALL}
