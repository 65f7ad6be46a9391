"""The stored search document of each article (``Article.search_vector``).

Rebuilt whenever what it is made of changes (see newsroom.stored.refresh);
the search itself (newsroom.discovery.search) reads it. On PostgreSQL a
weighted tsvector, stemmed in the article's language; on SQLite the folded
words in one string.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps as django_apps
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchVector, SearchVectorCombinable, SearchVectorField
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import F, Func, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Concat

from newsroom.core.text import body_text, folded_document

# PostgreSQL text search configurations. Articles and queries in a language
# are parsed with SEARCH_CONFIGS[language]; "spanish" is built in, while
# newsroom_en and newsroom_es (the Spanish stemmer behind unaccent, for the
# accent-free stems) come from migration 0003.
SEARCH_CONFIGS = {"es": "spanish", "en": "newsroom_en"}
SPANISH_UNACCENTED = "newsroom_es"

# Private-use characters that mark highlighted words on their way from the
# database to the page (newsroom.discovery.search); never indexed.
HIGHLIGHT_START, HIGHLIGHT_STOP = "\ue000", "\ue001"


def uses_postgres(using: str = DEFAULT_DB_ALIAS) -> bool:
    return connections[using].vendor == "postgresql"


def refresh_search_vector(article_ids: Iterable[int] | None, *, registry=None, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rebuild the stored search vector of the given articles, or of every
    article when ``article_ids`` is None.

    Called by newsroom.stored.refresh whenever an article's text, topics, countries
    or agreement links change, and by migration 0003 (with its historical
    ``registry``). Writes with ``update()``: no signals, no ``updated_at``
    change. Code that changes links behind the ORM's back (raw SQL,
    ``QuerySet.update()`` on the link tables, such as a tag merge) calls it
    itself.
    """
    registry = registry or django_apps
    article_model = registry.get_model("newsroom", "Article")
    articles = article_model._base_manager.using(using)
    if article_ids is not None:
        ids = sorted({int(pk) for pk in article_ids if pk is not None})
        if not ids:
            return
        articles = articles.filter(pk__in=ids)
    with transaction.atomic(using=using):
        if uses_postgres(using):
            _refresh_tsvector(articles, registry)
        else:
            all_ids = ids if article_ids is not None else list(articles.values_list("pk", flat=True))
            _refresh_folded(article_model, all_ids, registry, using)


def _names(registry, app_label: str, model_name: str, article_fk: str, name) -> Subquery:
    """The names linked to the outer article, as one space-separated string,
    in the order of the links (so the same rows always give the same vector).
    ``model_name`` is a link model's, or an article field's (``people``) whose
    link model it is."""
    link_model = _link_model(registry, app_label, model_name)
    return Subquery(
        link_model._base_manager.filter(**{article_fk: OuterRef("pk")})
        .order_by()
        .values(article_fk)
        .annotate(names=StringAgg(name, " ", order_by=("id",)))
        .values("names"),
        output_field=TextField(),
    )


def _link_model(registry, app_label: str, name: str):
    """The link model ``name``, or that of the article's many-to-many field
    ``name``: people and organisations were linked through tables Django
    made before they had models of their own (migration newsroom 0020), and
    an older migration's ``registry`` knows only those."""
    if name in ("people", "organizations"):
        return registry.get_model("newsroom", "Article")._meta.get_field(name).remote_field.through
    return registry.get_model(app_label, name)


def _with_aliases(registry, column: str):
    """The name of the linked person or organisation (``column``) and the
    other names it goes by, as one text: a story naming Miguel Díaz-Canel is
    found by "Díaz-Canel Bermúdez" too. Before the aliases existed (an older
    migration's ``registry``) the name alone."""
    model = registry.get_model("alliances", "Person" if column == "person" else "Organization")
    if not any(f.name == "aliases" for f in model._meta.get_fields()):
        return F(f"{column}__name")
    return Concat(f"{column}__name", Value(" "), f"{column}__aliases", output_field=TextField())


def _body_text_sql():
    """The body's text in SQL: tags (and stray highlight markers) become spaces."""
    return Func(
        F("body"),
        Value(f"<[^>]*>|[{HIGHLIGHT_START}{HIGHLIGHT_STOP}]"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


class _TsDelete(SearchVectorCombinable, Func):
    """ts_delete(vector, lexemes): the vector without those lexemes."""

    function = "ts_delete"
    output_field = SearchVectorField()


def _refresh_tsvector(articles: QuerySet, registry) -> None:
    topics = _names(registry, "newsroom", "TaggedTopic", "content_object", "tag__name")
    countries = _names(
        registry,
        "newsroom",
        "TaggedCountry",
        "content_object",
        Concat("tag__name", Value(" "), "tag__name_es", output_field=TextField()),
    )
    agreements = _names(registry, "alliances", "ArticleAgreement", "article", "agreement__title")
    people = _names(registry, "newsroom", "people", "article", _with_aliases(registry, "person"))
    organizations = _names(registry, "newsroom", "organizations", "article", _with_aliases(registry, "organization"))
    sources = _names(registry, "newsroom", "Source", "article", "outlet")

    def weighted(config: str):
        return (
            SearchVector("headline", config=config, weight="A")
            + SearchVector("dek", topics, countries, agreements, config=config, weight="B")
            + SearchVector(_body_text_sql(), config=config, weight="C")
            # Found, but ranked last: who and what the story names, the
            # photo's caption, the outlets it cites.
            + SearchVector("image_caption", people, organizations, sources, config=config, weight="D")
        )

    articles.exclude(language="es").update(search_vector=weighted(SEARCH_CONFIGS["en"]))
    spanish = articles.filter(language="es")
    spanish.update(search_vector=weighted(SEARCH_CONFIGS["es"]))
    # Then the accent-free stems the Spanish vector lacks, and only those, so
    # that no word counts twice in the ranking. A second UPDATE because it
    # reads the first one's result: in a single statement PostgreSQL would
    # stem the whole text (the dearest part of the update) twice.
    stored = F("search_vector")
    spanish.update(
        search_vector=CombinedExpression(
            stored,
            "||",
            _TsDelete(
                weighted(SPANISH_UNACCENTED),
                Func(stored, function="tsvector_to_array", output_field=ArrayField(TextField())),
            ),
            output_field=SearchVectorField(),
        )
    )


def _refresh_folded(article_model, all_ids: list[int], registry, using: str, batch: int = 500) -> None:
    topic_links = registry.get_model("newsroom", "TaggedTopic")._base_manager.using(using)
    country_links = registry.get_model("newsroom", "TaggedCountry")._base_manager.using(using)
    agreement_links = registry.get_model("alliances", "ArticleAgreement")._base_manager.using(using)
    # People, organisations and sources: (model, article column, name column).
    named = (
        ("people", "article_id", _with_aliases(registry, "person")),
        ("organizations", "article_id", _with_aliases(registry, "organization")),
        ("Source", "article_id", F("outlet")),
    )
    for start in range(0, len(all_ids), batch):
        ids = all_ids[start : start + batch]
        names = defaultdict(list)
        for pk, name in topic_links.filter(content_object_id__in=ids).values_list("content_object_id", "tag__name"):
            names[pk].append(name)
        for pk, name, name_es in country_links.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name", "tag__name_es"
        ):
            names[pk] += [name, name_es]
        for pk, title in agreement_links.filter(article_id__in=ids).values_list("article_id", "agreement__title"):
            names[pk].append(title)
        for model_name, article_column, name_column in named:
            rows = _link_model(registry, "newsroom", model_name)._base_manager.using(using)
            for pk, name in rows.filter(**{f"{article_column}__in": ids}).values_list(article_column, name_column):
                names[pk].append(name)
        rows = article_model._base_manager.using(using).filter(pk__in=ids)
        documents = [
            article_model(
                pk=pk, search_vector=folded_document(headline, dek, *names[pk], body_text(body), caption or "")
            )
            for pk, headline, dek, body, caption in rows.values_list("pk", "headline", "dek", "body", "image_caption")
        ]
        article_model._base_manager.using(using).bulk_update(documents, ["search_vector"])
