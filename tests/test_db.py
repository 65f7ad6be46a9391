"""The query helpers of newsroom.core.db that the read paths share, on both
databases: the ``any`` lookup, several lists from one round trip, and
queries compiled once."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count

from newsroom.core.db import CompiledQuery, rows_of
from newsroom.models import Article, TaggedTopic
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_any_finds_the_rows_whose_value_is_among_those_given():
    first, second, third = (ArticleFactory(headline=f"Story {i}") for i in range(3))
    for values in ([first.pk, third.pk], frozenset({first.pk, third.pk}), (first.pk, third.pk, 10**12)):
        assert set(Article.objects.filter(pk__any=values).values_list("headline", flat=True)) == {"Story 0", "Story 2"}
    assert not Article.objects.filter(pk__any=[]).exists()
    assert Article.objects.filter(slug__any=[second.slug]).get() == second
    # Foreign keys too.
    second.tags.set(["oil"])
    assert list(TaggedTopic.objects.filter(content_object_id__any=[second.pk]).values_list("tag__name", flat=True)) == [
        "oil"
    ]


def test_rows_of_gives_each_querysets_rows_in_its_order_from_one_query(django_assert_num_queries):
    ArticleFactory(headline="Oil", topics=["oil", "trade"])
    ArticleFactory(headline="Gas", topics=["oil"])
    by_topic = (
        TaggedTopic.objects.values("tag__name").annotate(n=Count("pk")).order_by("-n", "tag__name")
    ).values_list("tag__name", "n")
    headlines = Article.objects.order_by("headline").values_list("headline", "pk")
    nothing = Article.objects.filter(headline="none").values_list("pk")
    with django_assert_num_queries(1):
        topics, articles, empty = rows_of(by_topic, headlines, nothing)
    assert topics == [("oil", 2), ("trade", 1)]
    assert [headline for headline, _pk in articles] == ["Gas", "Oil"]
    assert empty == []


def test_a_compiled_query_gives_the_instances_the_orm_gives(django_assert_num_queries):
    """CompiledQuery.run builds instances itself (not through ``raw()``):
    model fields come through their converters (JSON, dates), deferred
    fields stay deferred, annotations are plain attributes."""
    story = ArticleFactory(public=True, headline="Oil deal", topics=["oil"])
    story.related = [[story.pk + 1, 1, 0, 2, 1700000000]]
    story.save(update_fields=["related"])
    query = CompiledQuery(
        Article,
        lambda ids, now, key: Article.objects.published(now=now)
        .filter(slug=key)
        .only("headline", "published_at", "related")
        .annotate(n_topics=Count("topic_links")),
        key="text",
    )
    with django_assert_num_queries(1):
        (found,) = query.run(key=story.slug)
    orm = Article.objects.get(pk=story.pk)
    with django_assert_num_queries(0):
        assert (found.pk, found.headline, found.published_at, found.related) == (
            orm.pk,
            orm.headline,
            orm.published_at,
            orm.related,
        )
        assert found.n_topics == 1
        assert found.get_deferred_fields() >= {"body", "dek"}
        assert found._state.adding is False
    assert found.dek == orm.dek  # a deferred field loads on demand
    assert query.run(key="no-such-slug") == []

    no_pk = CompiledQuery(
        Article, lambda ids, now, key: Article.objects.filter(slug=key).values("headline"), key="text", clock=False
    )
    with pytest.raises(ImproperlyConfigured, match="primary key"):
        no_pk.run(key=story.slug)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's; this run uses SQLite"
)
def test_ids_small_and_large_share_one_prepared_statement():
    """psycopg keys prepared statements by parameter types as well as text,
    and would send an id under 32,768 as smallint and a larger one as
    integer: a list page's cards were then a new statement nearly every
    time, parsed and planned on every request."""
    from newsroom.site import selectors

    small, large = 7, 40_000
    for ids in ([small, large], [large, small], [large, large], [small, small]) * 2:
        selectors.cards(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), min(parameter_types::text) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%"card_kicker"%'],
        )
        prepared, types = cursor.fetchone()
    assert prepared == 1
    assert "smallint" not in types


def test_compiled_rows_become_instances_whatever_order_the_columns_come_in():
    """Model.from_db() takes values in the model's field order; a query that
    selects them in another order must not put a headline in the slug."""
    from newsroom.core.db import _Instances

    (built,) = _Instances(Article, "default", ["headline", "n", "slug", "id"]).build([("Oil deal", 3, "oil-deal", 7)])
    assert (built.pk, built.headline, built.slug, built.n) == (7, "Oil deal", "oil-deal", 3)
    with pytest.raises(ImproperlyConfigured, match="more than once"):
        _Instances(Article, "default", ["id", "slug", "slug"])
