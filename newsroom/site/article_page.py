"""Everything the article page prints about an article, read from the article.

The page lists nine kinds of related rows: bylines with their authors,
topics, countries, sources, corrections, videos, agreement links (each
agreement with its parties' countries), people and organisations. Fetched
with ``prefetch_related`` that is ten queries, and Django's prefetch
machinery costs more Python time than the database spends answering them.
So the lists are stored with the article as one JSON document
(``Article.page_lists``, written by newsroom.stored.documents whenever
something they print changes), and the page turns it back into model
instances: ``article.lists`` (:class:`ArticleLists`), plain lists the
templates, the JSON-LD and the admin preview read with no query.

Lists ordered by name are sorted in Python, by code point (as SQLite and a
C-collation PostgreSQL sort; a PostgreSQL with a language collation would
put accented names elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alliances import agreement_page
from alliances.models import Agreement, ArticleAgreement, Country, Organization, Person
from newsroom.core.db import instance_from_json, json_list
from newsroom.core.text import reader_name
from newsroom.models import Article, Author, Byline, Correction, RelatedVideo, Source, Topic
from newsroom.stored import documents


@dataclass
class ArticleLists:
    bylines: list[Byline] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    videos: list[RelatedVideo] = field(default_factory=list)
    agreement_links: list[ArticleAgreement] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    # The other article of its translation pair, in whatever state: shown
    # only through ``public_translation``.
    translation: Article | None = None

    @property
    def authors(self) -> list[Author]:
        return [byline.author for byline in self.bylines]

    @property
    def public_translation(self) -> Article | None:
        """The translation readers may see (public by the visibility rule,
        applied now: a scheduled one appears by itself), else None. A draft,
        embargoed or archived translation is never named on the page."""
        translation = self.translation
        return translation if translation is not None and translation.is_visible() else None


def _agreement(data: dict) -> Agreement:
    # (A row stored before documents.FORMAT 3 has no English title: the
    # Spanish one is shown, as for an agreement that has none.)
    agreement = instance_from_json(Agreement, {"title_en": "", **data})
    agreement.party_list = agreement_page.parties_from_rows(json_list(data.get("parties")))
    return agreement


def _topic(row: dict) -> Topic:
    if "name_es" not in row:
        row = {**row, "name_es": reader_name(row.get("name", "")), "name_en": ""}
    return instance_from_json(Topic, row)


def _by(*keys: str):
    return lambda row: tuple(row[k] for k in keys)


def fill(article: Article, document: dict) -> ArticleLists:
    """The lists of ``document`` (a stored ``page_lists``) as instances, on
    ``article.lists``."""
    rows = {name: json_list(document.get(name)) for name in documents.list_names()}
    lists = ArticleLists(
        bylines=[
            instance_from_json(Byline, row, author=instance_from_json(Author, row["author"]))
            for row in sorted(rows["bylines"], key=_by("position", "id"))
        ],
        # Topics and countries in the order the editor gave them (their links'
        # order): the first topic is the kicker, as on the cards.
        # (A row stored before documents.FORMAT 3 lacks the reader names: the
        # typed name shows capitalised, as a new topic's does.)
        topics=[_topic(row) for row in sorted(rows["tags"], key=_by("link_id"))],
        # (A row stored before documents.FORMAT 2 lacks the Spanish name: the
        # English one is shown until migrate writes it again, not a query.)
        countries=[
            instance_from_json(Country, {"name_es": "", **row}) for row in sorted(rows["countries"], key=_by("link_id"))
        ],
        sources=[instance_from_json(Source, r) for r in sorted(rows["sources"], key=_by("position", "id"))],
        corrections=sorted(
            (instance_from_json(Correction, r) for r in rows["corrections"]), key=lambda c: (c.created_at, c.pk)
        ),
        videos=[instance_from_json(RelatedVideo, r) for r in sorted(rows["videos"], key=_by("position", "id"))],
        agreement_links=[
            instance_from_json(ArticleAgreement, r, agreement=_agreement(r["agreement"]))
            for r in sorted(rows["agreement_links"], key=_by("relation", "id"))
        ],
        # (Rows stored before FORMAT 5 lack the English roles, descriptions
        # and Wikidata ids: none are shown until migrate writes them again.)
        people=[
            instance_from_json(Person, {"role_en": "", "wikidata_id": "", **r})
            for r in sorted(rows["people"], key=_by("name", "id"))
        ],
        organizations=[
            instance_from_json(Organization, {"description": "", "description_en": "", "wikidata_id": "", **r})
            for r in sorted(rows["organizations"], key=_by("name", "id"))
        ],
        # (A document stored before documents.FORMAT 4 names no translation.)
        translation=next(
            (instance_from_json(Article, r) for r in sorted(rows["translation"], key=_by("id"))),
            None,
        ),
    )
    article.lists = lists
    return lists


def load(article: Article) -> ArticleLists:
    """``article``'s lists (``article.lists``): from its stored document, or,
    for an article whose document was never written or was not read with
    it, computed now. The public page and the previews alike."""
    if isinstance(getattr(article, "lists", None), ArticleLists):
        return article.lists
    document = article.__dict__.get("page_lists")
    if document is None:
        document = documents.compute([article.pk]).get(article.pk, (None, {}))[1]
    return fill(article, document)
