"""The query helpers of newsroom.db that the read paths share, on both
databases: the ``any`` lookup and several lists from one round trip."""

import pytest
from django.db.models import Count

from newsroom.db import rows_of
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
