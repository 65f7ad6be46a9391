"""The search benchmark's query mix (bench/search_mix.py): every query finds
articles, sits in the band of the share it finds, and no query repeats."""

from io import StringIO

import pytest
from django.core.management import call_command

from bench import search_mix
from newsroom.discovery.search import matching_articles
from newsroom.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive():
    call_command("bench_data", stdout=StringIO(), articles=120, agreements=40, authors=8)


def test_each_query_finds_articles_in_the_share_of_its_band(archive):
    public = Article.objects.published().count()

    mix = search_mix.build(per_band=8)

    assert sum(len(queries) for queries in mix.values()) >= 8
    for band, queries in mix.items():
        for query in queries:
            found = matching_articles(query.text).count()
            assert found > 0, query
            assert query.band == band == search_mix.band_of(found / public), (query, found)


def test_the_mix_has_words_several_words_and_phrases_in_both_languages(archive):
    queries = [query for queries in search_mix.build(per_band=30).values() for query in queries]

    assert {query.form for query in queries} == {"word", "words", "phrase"}
    assert {query.language for query in queries} == {"es", "en"}
    assert all(query.text.startswith('"') == (query.form == "phrase") for query in queries)
    assert "Cuba" in [query.text for query in queries]


def test_the_mix_depends_on_the_seed_alone_and_never_repeats_a_query(archive):
    first = search_mix.build(per_band=10, seed=3)

    assert search_mix.build(per_band=10, seed=3) == first
    assert search_mix.build(per_band=10, seed=4) != first
    texts = [query.text.casefold() for queries in first.values() for query in queries]
    assert len(texts) == len(set(texts))


def test_bands_follow_the_issue_thresholds():
    assert search_mix.band_of(0.0009) == "rare"
    assert search_mix.band_of(0.001) == "mid"
    assert search_mix.band_of(0.0299) == "mid"
    assert search_mix.band_of(0.03) == "common"
    assert "2 common" in search_mix.describe({"common": {"runs": 2, "examples": ["Cuba"]}})
