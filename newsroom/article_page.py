"""Everything the article page prints about an article, in one query.

The page lists nine kinds of related rows: bylines with their authors,
topics, countries, sources, corrections, videos, agreement links (each
agreement with its parties' countries), people and organisations. Fetched
with ``prefetch_related`` that is ten queries, and Django's prefetch
machinery costs more Python time than the database spends answering them:
at 100,000 articles it was over half of the page's time.

Here each list is a correlated subquery that the database folds into a JSON
array (``jsonb_agg`` on PostgreSQL, ``json_group_array`` on SQLite), all
annotated onto the one query that reads the article. The rows are then
turned back into model instances and put where Django's prefetch would have
put them (each manager's prefetch cache), so templates, the JSON-LD and the
admin preview read ``article.tags.all()`` and ``link.agreement.parties``
exactly as before, with no query. Fields a list does not carry are deferred
on its instances: reading one would cost a query, which the query-budget
tests would notice, never a wrong value.
"""

from __future__ import annotations

import functools
from datetime import UTC

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject

from alliances.models import Agreement, AgreementParty, ArticleAgreement, Country, Organization, Person
from newsroom.db import JSONList, json_list
from newsroom.models import Article, Author, Byline, Correction, RelatedVideo, Source, TaggedCountry, TaggedTopic, Topic


def _columns(model, *names: str, prefix: str = "") -> dict:
    """JSONObject arguments for ``model``'s fields ``names`` (attnames),
    read through ``prefix`` (a relation path such as "tag__")."""
    return {name: f"{prefix}{name}" for name in names}


def _list(queryset, link: str, outer: str = "pk", **columns) -> Subquery:
    """The rows of ``queryset`` whose ``link`` is the outer row's ``outer``,
    as a JSON array of objects with ``columns``."""
    rows = (
        queryset.filter(**{link: OuterRef(outer)})
        .order_by()
        .values(link)
        .annotate(rows=JSONList(JSONObject(**columns)))
        .values("rows")
    )
    return Subquery(rows, output_field=JSONField())


# The fields each list carries; anything else on its instances is deferred.
AUTHOR_FIELDS = ("id", "name", "slug")
TOPIC_FIELDS = ("id", "name", "slug")
COUNTRY_FIELDS = ("id", "name", "slug", "iso2", "iso3", "name_en", "name_es", "wikidata_id")
AGREEMENT_FIELDS = ("id", "title", "slug", "kind", "status")


def _parties() -> Subquery:
    return _list(
        AgreementParty.objects.all(),
        "agreement",
        outer="agreement_id",
        id="id",
        agreement_id="agreement_id",
        country_id="country_id",
        role="role",
        country=JSONObject(**_columns(Country, *COUNTRY_FIELDS, prefix="country__")),
    )


def lists() -> dict[str, Subquery]:
    """The annotations that carry the page's lists, by prefetch name."""
    return {
        "page_bylines": _list(
            Byline.objects.all(),
            "article",
            id="id",
            author_id="author_id",
            position="position",
            author=JSONObject(**_columns(Author, *AUTHOR_FIELDS, prefix="author__")),
        ),
        "page_tags": _list(
            TaggedTopic.objects.all(), "content_object", link_id="id", **_columns(Topic, *TOPIC_FIELDS, prefix="tag__")
        ),
        "page_countries": _list(
            TaggedCountry.objects.all(),
            "content_object",
            link_id="id",
            **_columns(Country, *COUNTRY_FIELDS, prefix="tag__"),
        ),
        "page_sources": _list(
            Source.objects.all(), "article", id="id", outlet="outlet", url="url", position="position"
        ),
        "page_corrections": _list(
            Correction.objects.all(),
            "article",
            id="id",
            text="text",
            created_at="created_at",
            created_by_id="created_by_id",
        ),
        "page_videos": _list(
            RelatedVideo.objects.all(), "article", id="id", title="title", url="url", position="position"
        ),
        "page_agreement_links": _list(
            ArticleAgreement.objects.all(),
            "article",
            id="id",
            agreement_id="agreement_id",
            relation="relation",
            note="note",
            agreement=JSONObject(**_columns(Agreement, *AGREEMENT_FIELDS, prefix="agreement__"), parties=_parties()),
        ),
        "page_people": _list(
            Article.people.through.objects.all(),
            "article",
            id="person__id",
            name="person__name",
            slug="person__slug",
            role="person__role",
            country_id="person__country_id",
        ),
        "page_organizations": _list(
            Article.organizations.through.objects.all(),
            "article",
            id="organization__id",
            name="organization__name",
            slug="organization__slug",
            kind="organization__kind",
            country_id="organization__country_id",
        ),
    }


def _instance(model, data: dict, **related):
    """A ``model`` instance from a JSON object, typed as the database would
    type it, with the fields the object lacks deferred."""
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in data:
            value = data[field.attname]
            if value is not None and isinstance(field, models.DateTimeField | models.DateField):
                value = field.to_python(value)
                if isinstance(field, models.DateTimeField) and value.tzinfo is None:
                    value = value.replace(tzinfo=UTC)  # SQLite's JSON drops the zone; it stores UTC
            names.append(field.attname)
            values.append(value)
    instance = model.from_db(DEFAULT_DB_ALIAS, names, values)
    for name, value in related.items():
        setattr(instance, name, value)
    return instance


def _cache(instance, name: str, items: list) -> None:
    """Put ``items`` where ``prefetch_related(name)`` would have."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = items
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def _country(data: dict) -> Country:
    return _instance(Country, data)


def _agreement(data: dict) -> Agreement:
    agreement = _instance(Agreement, data)
    parties = sorted(json_list(data.get("parties")), key=lambda p: p["id"])
    _cache(agreement, "parties", [_instance(AgreementParty, p, country=_country(p["country"])) for p in parties])
    return agreement


def _by(*keys: str):
    return lambda row: tuple(row[k] for k in keys)


def fill(article: Article, values: dict) -> Article:
    """Attach the lists in ``values`` (the columns of :func:`lists`, as the
    query returned them) to ``article``'s prefetch caches."""
    rows = {name: json_list(values.get(f"page_{name}")) for name in PREFETCHED}
    _cache(
        article,
        "bylines",
        [
            _instance(Byline, row, author=_instance(Author, row["author"]))
            for row in sorted(rows["bylines"], key=_by("position", "id"))
        ],
    )
    # Topics and countries in the order the editor gave them (their links'
    # order): the first topic is the kicker, as on the cards.
    _cache(article, "tags", [_instance(Topic, row) for row in sorted(rows["tags"], key=_by("link_id"))])
    _cache(article, "countries", [_country(row) for row in sorted(rows["countries"], key=_by("link_id"))])
    _cache(article, "sources", [_instance(Source, r) for r in sorted(rows["sources"], key=_by("position", "id"))])
    corrections = sorted((_instance(Correction, r) for r in rows["corrections"]), key=lambda c: (c.created_at, c.pk))
    _cache(article, "corrections", corrections)
    _cache(article, "videos", [_instance(RelatedVideo, r) for r in sorted(rows["videos"], key=_by("position", "id"))])
    links = sorted(rows["agreement_links"], key=_by("relation", "id"))
    _cache(
        article,
        "agreement_links",
        [_instance(ArticleAgreement, r, agreement=_agreement(r["agreement"])) for r in links],
    )
    _cache(article, "people", [_instance(Person, r) for r in sorted(rows["people"], key=_by("name", "id"))])
    _cache(
        article,
        "organizations",
        [_instance(Organization, r) for r in sorted(rows["organizations"], key=_by("name", "id"))],
    )
    return article


PREFETCHED = (
    "bylines",
    "tags",
    "countries",
    "sources",
    "corrections",
    "videos",
    "agreement_links",
    "people",
    "organizations",
)


# Django takes several milliseconds to build and compile the lists' query,
# more than PostgreSQL takes to answer it; its text never changes, so it is
# compiled once per process with a stand-in primary key, which each call
# replaces with the article's.
_STAND_IN_PK = -7_319_044_251


@functools.cache
def _compiled(alias: str) -> tuple[str, list, int, list[str]]:
    annotations = lists()
    query = Article.objects.using(alias).filter(pk=_STAND_IN_PK).values(**annotations).query
    sql, params = query.get_compiler(alias).as_sql()
    params = list(params)
    if params.count(_STAND_IN_PK) != 1:
        raise ImproperlyConfigured("the article page query must take the article's key exactly once")
    return sql, params, params.index(_STAND_IN_PK), list(annotations)


def load(article: Article) -> Article:
    """Fill ``article``'s lists with one query: that of every article page,
    the public one and the previews alike."""
    alias = article._state.db or DEFAULT_DB_ALIAS
    sql, params, at, names = _compiled(alias)
    params = params.copy()
    params[at] = article.pk
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return fill(article, dict(zip(names, row, strict=True)) if row else {})
