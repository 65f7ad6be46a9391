"""The database helpers of newsroom.core.db, on both databases: the ``any``
lookup, stored rows turned back into instances, and steady parameter types
for PostgreSQL's prepared statements."""

import pytest
from django.db import connection

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


def test_a_stored_row_becomes_the_instance_the_orm_gives(django_assert_num_queries):
    """instance_from_json turns a stored document's row back into a model
    instance: fields typed as the database types them (aware datetimes,
    JSON), the fields the row lacks deferred and loaded on demand."""
    from newsroom.core.db import instance_from_json

    story = ArticleFactory(public=True, headline="Oil deal", topics=["oil"])
    story.related = [[story.pk + 1, 1, 0, 2, 1700000000]]
    story.save(update_fields=["related"])
    orm = Article.objects.get(pk=story.pk)
    row = {"id": orm.pk, "headline": orm.headline, "published_at": orm.published_at.isoformat(), "related": orm.related}
    with django_assert_num_queries(0):
        built = instance_from_json(Article, row)
        assert (built.pk, built.headline, built.published_at, built.related) == (
            orm.pk,
            orm.headline,
            orm.published_at,
            orm.related,
        )
        assert built.published_at.tzinfo is not None
        assert built.get_deferred_fields() >= {"body", "dek"}
        assert built._state.adding is False
    assert built.dek == orm.dek  # a deferred field loads on demand


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
            ['%"newsroom_article"."card"%ANY(%'],
        )
        prepared, types = cursor.fetchone()
    assert prepared == 1
    assert "smallint" not in types


def test_a_compiled_statement_reads_what_the_orm_reads():
    """Statement compiles the queryset once and sends it again with new
    values: the instances must be the ORM's, field for field, typed alike
    (aware datetimes, decoded JSON), with the other fields deferred."""
    from datetime import timedelta

    from django.utils import timezone

    from newsroom.models import CARD_FIELDS
    from newsroom.site.selectors import CARDS as statement

    shown = ArticleFactory(public=True, topics=["oil"])
    older = ArticleFactory(public=True, published_at=timezone.now() - timedelta(days=3))
    later = ArticleFactory(status="published", published_at=timezone.now() + timedelta(hours=1))
    fields = ("id", *CARD_FIELDS, "card")
    for _ in range(2):  # compiled on the first call, reused on the second
        found = statement(now=timezone.now(), ids=frozenset({shown.pk, older.pk, later.pk}))
        assert [a.pk for a in found] == [shown.pk, older.pk]  # newest first; the scheduled one not yet
        expected = Article.objects.published().for_listing().filter(pk__any=frozenset({shown.pk, older.pk}))
        for got, want in zip(found, expected, strict=True):
            for name in fields:
                assert getattr(got, name) == getattr(want, name), name
            assert got.published_at.tzinfo is not None
            assert isinstance(got.card, dict)
            assert "body" in got.get_deferred_fields()
    # Asked for at a later time, the scheduled story is there.
    later_on = statement(now=timezone.now() + timedelta(hours=2), ids=frozenset({later.pk}))
    assert [a.pk for a in later_on] == [later.pk]


def test_a_statement_refuses_a_parameter_its_query_does_not_use():
    from newsroom.core.db import MOMENT, TEXT, Statement

    statement = Statement(lambda *, now, slug: Article.objects.published(now=now), ("id",), now=MOMENT, slug=TEXT)
    with pytest.raises(ValueError, match="slug"):
        statement(now=None, slug="x")
