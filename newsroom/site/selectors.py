"""Read queries for the public site.

Every article read starts from ``Article.objects.published()``. Counts and
rankings group on the link tables (topic links, country links, agreement
links) and fetch only the winning rows, so each page runs a fixed number of
queries however many items it lists.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import get_language

from alliances import agreement_page
from alliances.models import (
    Agreement,
    AgreementParticipant,
    AgreementParty,
    ArticleAgreement,
    Country,
    Organization,
    Person,
)
from alliances.queries import agreements_by_recency, party_to
from newsroom.core.cachestore import store
from newsroom.core.converters import slug_path
from newsroom.core.db import (
    IDS,
    MOMENT,
    NUMBER,
    ORDERED_IDS,
    OTHER_TEXT,
    TEXT,
    JSONList,
    Parameter,
    Position,
    Statement,
    Together,
    json_list,
)
from newsroom.core.editions import InLanguage, in_edition
from newsroom.core.text import name_sort_key
from newsroom.models import (
    CARD_FIELDS,
    Article,
    ArticleOrganization,
    ArticlePerson,
    Author,
    FrontPage,
    TaggedCountry,
    TaggedTopic,
    Topic,
    public_q,
)
from newsroom.models.front import FEATURED_SLOTS, TOPIC_BLOCKS
from newsroom.pagecache import pages as page_cache
from newsroom.site import article_page
from newsroom.stored import listings, related

# v5: topics carry their reader names in both languages.
NAV_CACHE_KEY = "site:active-sections:v5"
# The header may be this old (the page cache's docstring: what may lag).
NAV_CACHE_SECONDS = 60
# How long a counted entry is kept past that, for the other workers to serve
# while one counts again; and how long that one may take.
NAV_STALE_SECONDS = 600
NAV_RECOUNT_SECONDS = 30
NAV_FALLBACK_SECONDS = 10
_nav_fallback: tuple[float, dict | None] = (0.0, None)
# The last fresh entry this process read or counted, kept until its minute is
# up: reading it from Redis and unpickling it on every uncached page cost
# about a twentieth of an article page. Kept apart from _nav_fallback on
# purpose: a count made while Redis was down must not stop this process from
# asking Redis again as soon as it answers (tests/test_page_cache.py).
_nav_memo: tuple[float, dict] | None = None
ACTIVE_LIMIT = 10


def _now() -> float:
    """The wall clock the header-count entries carry (its own name, for tests)."""
    return time.time()


# Topics and countries ---------------------------------------------------------


def topics_with_counts() -> QuerySet[Topic]:
    """Topics with at least one public article, each with ``article_count``
    (public articles only). Counted on the link table alone, through the
    copies of each article's status and time that the links carry
    (newsroom.stored.listings, kept in the same transaction as the article): joining
    every link to its article cost PostgreSQL twice as long at 100,000
    articles."""
    return (
        Topic.objects.filter(public_q("tagged_articles__article_"))
        .annotate(article_count=Count("tagged_articles"))
        .order_by("name")
    )


def countries_with_counts() -> QuerySet[Country]:
    """Countries with public coverage, each with ``article_count`` (as
    :func:`topics_with_counts`)."""
    return (
        Country.objects.filter(public_q("tagged_articles__article_"))
        .annotate(article_count=Count("tagged_articles"))
        .order_by("name")
    )


def by_display_name(rows: Iterable) -> list:
    """``rows`` (topics, countries, sectors) in the order of the names the
    active edition prints, not of the column a query can sort by (a
    country's English name, a topic's typed one)."""
    return sorted(rows, key=lambda row: (name_sort_key(row.display_name), row.pk))


@dataclass(frozen=True)
class SectionLink:
    """A topic or country as the header and the front page show it. Plain
    values, so it caches in Redis as well as in memory; its name and address
    are those of the active edition (a country's or topic's Spanish name,
    /en/... in English), worked out when printed. ``default_name`` is the
    English name (a topic's may be empty: its Spanish one then shows)."""

    route: str
    slug: str
    default_name: str
    spanish_name: str
    count: int

    @property
    def name(self) -> InLanguage:
        return in_edition({"es": self.spanish_name, "en": self.default_name})

    @property
    def url(self) -> str:
        return slug_path(self.route, self.slug)


def active_sections() -> dict[str, list[SectionLink]]:
    """The most covered topics and countries, by public article count,
    counted at most once a minute: the header shows them on every page.

    Past its minute, the first worker to notice counts again and the others
    go on serving the entry until it has: four workers counting the archive
    at once, every minute, stalled the site for a moment. When the sections
    the header links to change, the page cache's ``nav`` tag is marked, so
    cached pages never show a header more than about a minute old.

    A process keeps the fresh entry it last read until its minute is up, so
    the header is as old as before (at most a minute) for a Redis round
    trip less on every page.

    While the shared cache is down, the counts are kept in this process for
    ``NAV_FALLBACK_SECONDS``: counting the archive on every page would slow a
    site already without its cache to a crawl.
    """
    global _nav_fallback, _nav_memo
    memo = _nav_memo
    if memo is not None and memo[0] > _now():
        return memo[1]
    entry = page_cache.safely(lambda: store().get(NAV_CACHE_KEY), page_cache.FAILED)
    if entry is page_cache.FAILED:
        if _nav_fallback[0] <= time.monotonic():
            _nav_fallback = (time.monotonic() + NAV_FALLBACK_SECONDS, _count_sections())
        return _nav_fallback[1]
    if entry is not None:
        fresh_until, sections = entry
        recount = f"{NAV_CACHE_KEY}:recount"
        if fresh_until > _now():
            _nav_memo = entry
            return sections
        if not page_cache.safely(lambda: store().add(recount, 1, NAV_RECOUNT_SECONDS)):
            return sections
    counted = _count_sections()
    # Kept here exactly as long as the other workers will serve it.
    _nav_memo = (_now() + NAV_CACHE_SECONDS, counted)
    page_cache.safely(lambda: store().set(NAV_CACHE_KEY, _nav_memo, NAV_CACHE_SECONDS + NAV_STALE_SECONDS))
    page_cache.safely(lambda: store().delete(f"{NAV_CACHE_KEY}:recount"))
    if entry is not None and _links(entry[1]) != _links(counted):
        page_cache.invalidate({page_cache.NAV})
    return counted


def _links(sections: dict[str, list[SectionLink]]) -> dict[str, list[tuple[str, str]]]:
    """What the header prints of the sections (no counts), in every edition."""
    return {
        kind: [(link.default_name, link.spanish_name, link.slug) for link in links] for kind, links in sections.items()
    }


def _count_sections() -> dict[str, list[SectionLink]]:
    return {
        "topics": [
            SectionLink("newsroom:topic-detail", t.slug, t.name_en, t.name_es, t.article_count)
            for t in topics_with_counts().order_by("-article_count", "name")[:ACTIVE_LIMIT]
        ],
        "countries": [
            SectionLink("alliances:country-detail", c.slug, c.name, c.name_es, c.article_count)
            for c in countries_with_counts().order_by("-article_count", "name")[:ACTIVE_LIMIT]
        ],
    }


# Article lists -----------------------------------------------------------------


# The reads of every reader page, compiled once (newsroom.core.db.Statement).
CARD_COLUMNS = ("id", *CARD_FIELDS, "card")
CARDS = Statement(
    lambda *, now, ids: Article.objects.published(now=now).for_listing().filter(pk__any=ids),
    CARD_COLUMNS,
    now=MOMENT,
    ids=IDS,
)
PUBLIC_ARTICLE = Statement(
    lambda *, now, slug: Article.objects.published(now=now).filter(slug=slug).order_by("pk")[:1],
    [f.attname for f in Article._meta.concrete_fields if f.attname != "search_vector"],
    now=MOMENT,
    slug=TEXT,
)


class EditionList:
    """An article list in each edition, newest first, read by one statement
    (newsroom.core.db.Statement): ``ids(language, now, **values)``, the
    ordered ids of one edition's public stories on the list (a topic, a
    country...); ``key``, the path from those rows to the article's
    translation_key.

    Called with ``(offset, limit, language)``, it gives cards ``offset`` to
    ``offset + limit`` of ``language``'s list (the active language by default), the
    page's ids as a subquery, so a deep page skips index entries, never
    cards. With ``other`` and ``others``, the same statement also reads the
    first ``others`` stories of that edition's list, leaving out those whose
    translation into ``language`` is public (that edition lists them
    already): the block below a list's first page costs no query of its own.
    Split the cards by ``language``."""

    def __init__(self, ids, key: str, dress=None, extra: tuple[str, ...] = (), **parameters):
        self.ids = ids
        self.key = key
        self.dress = dress or (lambda queryset, **values: queryset)
        self.own = Statement(self._own, CARD_COLUMNS, extra, now=MOMENT, language=TEXT, **parameters)
        self.both = Statement(
            self._both, CARD_COLUMNS, extra, now=MOMENT, language=TEXT, other=OTHER_TEXT, **parameters
        )

    def _cards(self, ids, now, values):
        queryset = Article.objects.published(now=now).for_listing().filter(pk__in=ids)
        return self.dress(queryset, **values)

    def _own(self, offset, limit, *, now, language, **values):
        return self._cards(self.ids(language, now, **values)[offset : offset + limit], now, values)

    def _both(self, offset, limit, others, *, now, language, other, **values):
        listed_there = Article.objects.published(now=now).filter(language=language, translation_key=OuterRef(self.key))
        theirs = self.ids(other, now, **values).filter(~Exists(listed_there))[:others]
        return self._cards(Together(self.ids(language, now, **values)[offset : offset + limit], theirs), now, values)

    def __call__(self, offset, limit, language=None, other=None, others=0, **values) -> list[Article]:
        now, language = timezone.now(), language or get_language()
        if other and others:
            return self.both(offset, limit, others, now=now, language=language, other=other, **values)
        return self.own(offset, limit, now=now, language=language, **values)


def _latest_ids(language, now):
    return Article.objects.published(now=now).filter(language=language).order_by("-published_at", "-pk").values("pk")


def _ids_through(lookup: str):
    """The ids of one edition's public stories whose ``lookup`` (through a
    link table: bylines) is the list's record, newest first: the join of
    the links with the articles."""

    def ids(language, now, **values):
        (record_id,) = values.values()
        return (
            Article.objects.published(now=now)
            .filter(**{lookup: record_id}, language=language)
            .order_by("-published_at", "-pk")
            .values("pk")
        )

    return ids


def _linked_ids(model, column: str):
    """The ids of one edition's public stories linked to the list's record
    through ``model`` (agreement, person and organisation links, which carry
    their article's state: newsroom.core.copies), newest first: a range of
    the link table's (record, language, status, time) index."""

    def ids(language, now, **values):
        (record_id,) = values.values()
        return (
            model.objects.filter(public_q("article_", now=now), **{column: record_id}, article_language=language)
            .order_by("-article_published_at", "-article_id")
            .values("article_id")
        )

    return ids


def _with_relation(queryset, *, agreement_id):
    """Each card with its link's ``relation`` ("about" or "mentions"); an
    article links an agreement at most once."""
    return queryset.annotate(
        relation=Subquery(
            ArticleAgreement.objects.filter(article=OuterRef("pk"), agreement_id=agreement_id)
            .order_by()
            .values("relation")[:1]
        )
    )


LATEST = EditionList(_latest_ids, "translation_key")
LISTED = {
    model: EditionList(
        lambda language, now, *, tag_id, model=model: listings.edition_ids(model, tag_id, language, now=now),
        "content_object__translation_key",
        tag_id=NUMBER,
    )
    for model in (TaggedTopic, TaggedCountry)
}
AUTHOR_CARDS = EditionList(_ids_through("bylines__author_id"), "translation_key", author_id=NUMBER)
PERSON_CARDS = EditionList(_linked_ids(ArticlePerson, "person_id"), "article__translation_key", person_id=NUMBER)
ORGANIZATION_CARDS = EditionList(
    _linked_ids(ArticleOrganization, "organization_id"), "article__translation_key", organization_id=NUMBER
)
AGREEMENT_CARDS = EditionList(
    _linked_ids(ArticleAgreement, "agreement_id"),
    "article__translation_key",
    _with_relation,
    extra=("relation",),
    agreement_id=NUMBER,
)


def cards(ids: list[int]) -> list[Article]:
    """The public articles among ``ids`` as cards (``for_listing()``),
    newest first. The ids go as one array parameter (the ``any`` lookup), so
    the statement is the same for every list and PostgreSQL keeps its plan."""
    if not ids:
        return []
    return CARDS(now=timezone.now(), ids=frozenset(ids))


# Each edition lists the stories in its language: the active one, unless
# ``language`` names another; ``other`` and ``others`` add the block of
# another edition's stories (EditionList).


def latest_articles(limit: int, language=None, other=None, others=0) -> list[Article]:
    return LATEST(0, limit, language, other, others)


def topic_cards(topic: Topic, offset: int, limit: int, language=None, other=None, others=0) -> list[Article]:
    """Cards ``offset`` to ``offset + limit`` of the public articles on
    ``topic``, from the listing index (newsroom.stored.listings)."""
    return LISTED[TaggedTopic](offset, limit, language, other, others, tag_id=topic.pk)


def country_cards(country: Country, offset: int, limit: int, language=None, other=None, others=0) -> list[Article]:
    """As :func:`topic_cards`, for the articles about ``country``."""
    return LISTED[TaggedCountry](offset, limit, language, other, others, tag_id=country.pk)


def author_cards(author: Author, offset: int, limit: int, language=None, other=None, others=0) -> list[Article]:
    return AUTHOR_CARDS(offset, limit, language, other, others, author_id=author.pk)


def person_cards(person: Person, offset: int, limit: int, language=None, other=None, others=0) -> list[Article]:
    """The public articles about or naming ``person``, newest first, from
    the copies on its links (as :func:`topic_cards`)."""
    return PERSON_CARDS(offset, limit, language, other, others, person_id=person.pk)


def organization_cards(
    organization: Organization, offset: int, limit: int, language=None, other=None, others=0
) -> list[Article]:
    return ORGANIZATION_CARDS(offset, limit, language, other, others, organization_id=organization.pk)


def agreement_cards(
    agreement: Agreement, offset: int, limit: int, language=None, other=None, others=0
) -> list[Article]:
    """The public articles about or mentioning ``agreement``, each with its
    link's ``relation``. (Read as two queries, the links and then their
    cards, the second round trip was about a twentieth of the page.)"""
    return AGREEMENT_CARDS(offset, limit, language, other, others, agreement_id=agreement.pk)


# Pages by address ---------------------------------------------------------------


def topic_by_slug(slug: str) -> Topic | None:
    """The topic at ``slug``, or None."""
    found = TOPIC(slug=slug)
    return found[0] if found else None


TOPIC = Statement(
    lambda *, slug: Topic.objects.filter(slug=slug).order_by("pk")[:1],
    [f.attname for f in Topic._meta.concrete_fields],
    slug=TEXT,
)


# The article page --------------------------------------------------------------


def public_article(slug: str) -> Article | None:
    """The public article at ``slug``, with everything its page lists
    (``article.lists``, from the stored document: see
    :mod:`newsroom.site.article_page`), or None: one query."""
    found = PUBLIC_ARTICLE(now=timezone.now(), slug=slug)
    article = found[0] if found else None
    if article is not None:
        article_page.load(article)
    return article


def load_article_page(article: Article) -> Article:
    """Give ``article`` everything the article page prints (``article.lists``).
    Works on any instance, so the admin's preview of a draft renders through
    the same path as the public page."""
    article_page.load(article)
    return article


def related_articles(article: Article, limit: int = related.SHOWN) -> list[Article]:
    """The first ``limit`` public articles of ``article``'s stored related
    list (ranked on write by :mod:`newsroom.stored.related`), best first, as
    compact cards, in one query: the stored order and the limit are applied
    by the database over the whole list, so entries hidden since it was
    ranked (often a story scheduled for later) never cost a second look.
    The story's own translation shares all its links and would rank first:
    it is left out (the page links it as the other edition already), which
    is why a translated story reads one card more than it shows."""
    ids = related.shown_ids(article)
    if not ids:
        return []
    key = article.translation_key
    if key is None:
        return RELATED(limit, now=timezone.now(), ids=ids)
    cards = RELATED(limit + 1, now=timezone.now(), ids=ids)
    return [card for card in cards if card.translation_key != key][:limit]


RELATED = Statement(
    lambda limit, *, now, ids: Article.objects.published(now=now)
    .for_listing()
    .filter(pk__any=ids)
    .order_by(Position("pk", ids))[:limit],
    CARD_COLUMNS,
    now=MOMENT,
    ids=ORDERED_IDS,
)


# Countries and agreements ------------------------------------------------------

PARTIES_WITH_COUNTRY = Prefetch("parties", queryset=AgreementParty.objects.select_related("country"))


def agreements_for_listing(queryset: QuerySet[Agreement] | None = None) -> QuerySet[Agreement]:
    queryset = Agreement.objects.all() if queryset is None else queryset
    return agreements_by_recency(queryset).prefetch_related(PARTIES_WITH_COUNTRY, "sectors")


def filter_agreements(
    *,
    country: Country | None = None,
    kind: str = "",
    status: str = "",
    sector=None,
) -> QuerySet[Agreement]:
    """Agreements matching every filter given. Callers pass validated values
    (model instances and known choices), never raw request data."""
    queryset = Agreement.objects.all()
    if country is not None:
        queryset = queryset.filter(party_to(country.pk))
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if sector is not None:
        queryset = queryset.filter(sectors=sector)
    return agreements_for_listing(queryset)


# Agreements of a country ------------------------------------------------------


def countries_in_agreements() -> QuerySet[Country]:
    """Countries that are party to at least one agreement: the choices of the
    agreements index's country filter."""
    return Country.objects.filter(pk__in=AgreementParty.objects.values("country_id")).order_by("name")


def agreement_for_page(slug: str) -> Agreement | None:
    """The agreement at ``slug`` with what its page prints read ahead (see
    alliances.agreement_page), or None: one query."""
    return agreement_page.for_page(slug)


# People and organisations ------------------------------------------------------


def _profile_statement(model):
    links = ArticlePerson if model is Person else ArticleOrganization
    column = "person" if model is Person else "organization"

    def query(*, now, slug):
        # The links whose copies say public first (in index order the
        # drafts and archived stories came first), each checked on the
        # article itself.
        public_story = Article.objects.published(now=now).filter(
            pk__in=links.objects.filter(public_q("article_", now=now), **{column: OuterRef(OuterRef("pk"))}).values(
                "article_id"
            )
        )
        in_agreement = AgreementParticipant.objects.filter(**{column: OuterRef("pk")})
        return (
            model.objects.filter(slug=slug)
            .annotate(in_agreement=Exists(in_agreement))
            .filter(Q(in_agreement=True) | Exists(public_story))
            .order_by("pk")[:1]
        )

    fields = [f.attname for f in model._meta.concrete_fields]
    return Statement(query, fields, extra=("in_agreement",), now=MOMENT, slug=TEXT)


def _record_statement(model):
    column = "person" if model is Person else "organization"
    in_agreement = AgreementParticipant.objects.filter(**{column: OuterRef("pk")})
    return Statement(
        lambda *, slug: model.objects.filter(slug=slug).annotate(in_agreement=Exists(in_agreement)).order_by()[:1],
        [f.attname for f in model._meta.concrete_fields],
        extra=("in_agreement",),
        slug=TEXT,
    )


PROFILES = {model: _profile_statement(model) for model in (Person, Organization)}
RECORDS = {model: _record_statement(model) for model in (Person, Organization)}


def profile_by_slug(model, slug: str) -> Person | Organization | None:
    """The person or organisation at ``slug`` and whether an agreement lists
    it (``in_agreement``), public page or not: the page itself decides from
    its first page of stories, as a topic's does (one query).

    Asking :func:`profile_for_page`'s question here as well cost the page a
    fresh plan on every request: its test of time against a parameter makes
    PostgreSQL's generic plan look dear, so the prepared statement was
    planned anew each time (about 1.5 ms, more than running it)."""
    found = RECORDS[model](slug=slug)
    return found[0] if found else None


def profile_for_page(model, slug: str) -> Person | Organization | None:
    """The person or organisation at ``slug``, if it has a public page: while
    an agreement lists it (agreements are public records) or a public story
    names it. A name typed into an embargoed story has no page until the
    story is out, as a topic has none (one query). It says whether an
    agreement lists it (``in_agreement``): most records are in none, and
    their page then asks nothing more about agreements.

    A story counts when its link's copy says it is public and the article
    itself is public too. The copies (written in the same transaction as
    the article's state) only choose which links to look at first, since in
    index order a person's drafts and archived stories come before the
    published ones; the article decides. A wrong copy could hide a page,
    never open one."""
    found = PROFILES[model](now=timezone.now(), slug=slug)
    return found[0] if found else None


# What a person or an organisation did in each agreement: the agreements,
# each with the participant row's id, role and note (their summaries are
# not printed on the profile page, and the stored lists never are).
ROLE_AGREEMENT_FIELDS = [
    f.attname for f in Agreement._meta.concrete_fields if f.attname not in ("summary", "summary_en", "page_lists")
]
ROLES = {
    column: Statement(
        lambda *, record_id, column=column: Agreement.objects.filter(**{f"participants__{column}": record_id})
        .annotate(
            participant_id=F("participants__pk"),
            participant_role=F("participants__role"),
            participant_note=F("participants__note"),
        )
        .order_by(
            F("signed_on").desc(nulls_last=True), F("announced_on").desc(nulls_last=True), "pk", "participant_id"
        ),
        ROLE_AGREEMENT_FIELDS,
        extra=("participant_id", "participant_role", "participant_note"),
        record_id=NUMBER,
    )
    for column in ("person", "organization")
}


def agreement_roles(record: Person | Organization) -> list[AgreementParticipant]:
    """What ``record`` did in each agreement, with the agreement, newest
    agreement first (one statement; none for a record that
    :func:`profile_for_page` found in no agreement)."""
    if not getattr(record, "in_agreement", True):
        return []
    column = "person" if isinstance(record, Person) else "organization"
    roles = []
    for agreement in ROLES[column](record_id=record.pk):
        role = AgreementParticipant(
            pk=agreement.participant_id,
            agreement=agreement,
            role=agreement.participant_role,
            note=agreement.participant_note,
            **{column: record},
        )
        roles.append(role)
    return roles


# The front page -----------------------------------------------------------------

# Stories in a topic block.
BLOCK_CARDS = 4


@dataclass
class TopicBlock:
    topic: SectionLink
    cards: list


@dataclass
class Front:
    """What the editors picked for one edition's home page, as it stands
    now: the lead (None: the newest story leads), the featured stories in
    their order, and each block topic's stories (newest first, the picks
    left out: ``blocks()`` takes the first few). Picks whose story is not
    public are left out; so are blocks without a story."""

    lead: Article | None
    featured: list
    candidates: list
    shown: set
    block_topics: list = field(default_factory=list)

    def blocks(self, exclude=()) -> list[TopicBlock]:
        """The topic blocks: none repeats the picks, ``exclude`` (the lead
        when nobody picked one) or a story of a block above it. The list of
        latest stories may hold some of theirs: a block is the topic's
        newest, wherever else they show."""
        blocks, shown = [], set(exclude)
        for topic, cards in self.candidates:
            cards = [card for card in cards if card.pk not in shown][:BLOCK_CARDS]
            shown.update(card.pk for card in cards)
            if cards:
                blocks.append(TopicBlock(topic, cards))
        return blocks


FRONT_DOCUMENT = Statement(lambda: FrontPage.objects.filter(pk=FrontPage.SINGLETON)[:1], ["id", "data"])
# One parameter per block's topic (each needs a marker of its own); a block
# left empty is asked about topic 0, which has no stories.
BLOCK_TOPICS = {f"topic_{i}": Parameter(-2_000_003 - i) for i in range(TOPIC_BLOCKS)}


def _front_cards(*, now, language, picks, **topics):
    """The picked stories and each block topic's newest ones in
    ``language`` (each an index range of the topic's links), in one
    statement; each card says which block topics it carries."""
    chosen = [topics[name] for name in BLOCK_TOPICS]
    arms = [Article.objects.filter(pk__any=picks).values("pk")]
    # A block shows BLOCK_CARDS stories, none of them a pick shown above it.
    arms += [
        listings.edition_ids(TaggedTopic, topic, language, now=now)[: BLOCK_CARDS + 1 + FEATURED_SLOTS]
        for topic in chosen
    ]
    carried = (
        TaggedTopic.objects.filter(content_object_id=OuterRef("pk"), tag_id__in=chosen)
        .order_by()
        .values("content_object_id")
        .annotate(ids=JSONList("tag_id"))
        .values("ids")
    )
    return (
        Article.objects.published(now=now)
        .for_listing()
        .filter(pk__in=Together(*arms))
        .annotate(block_topics=Subquery(carried))
    )


FRONT_CARDS = Statement(
    _front_cards, CARD_COLUMNS, ("block_topics",), now=MOMENT, language=TEXT, picks=IDS, **BLOCK_TOPICS
)


def front_page(language: str | None = None) -> Front:
    """The editors' front page for ``language``'s edition (the active one):
    two queries, the picks' document and their cards with the blocks'."""
    language = language or get_language()
    now = timezone.now()
    found = FRONT_DOCUMENT()
    data = found[0].data if found else {}
    if not data:
        return Front(None, [], [], set())
    moment = now.timestamp()
    leads = [pk for pk, starts in data.get("leads", []) if starts <= moment]
    features = data.get("features", [])
    topics = data.get("topics", [])[:TOPIC_BLOCKS]
    values = {name: (topics[i][0] if i < len(topics) else 0) for i, name in enumerate(BLOCK_TOPICS)}
    cards = FRONT_CARDS(now=now, language=language, picks=frozenset(leads + features), **values)
    by_id = {card.pk: card for card in cards if card.language == language}
    # The newest pick whose story is public leads; the picks before it are
    # scheduled stories not yet out, or stories since pulled.
    lead = next((by_id[pk] for pk in leads if pk in by_id), None)
    featured = [by_id[pk] for pk in dict.fromkeys(features) if pk in by_id and by_id[pk] is not lead][:FEATURED_SLOTS]
    shown = {card.pk for card in ([lead] if lead else []) + featured}
    candidates = []
    for topic_id, slug, name_es, name_en in topics:
        cards = sorted(
            (
                card
                for card in by_id.values()
                if topic_id in json_list(card.block_topics) and card.pk not in shown and card.pk not in features
            ),
            key=lambda card: (card.published_at, card.pk),
            reverse=True,
        )
        candidates.append((SectionLink("newsroom:topic-detail", slug, name_en, name_es, 0), cards))
    return Front(lead, featured, candidates, shown, [topic[0] for topic in topics])
