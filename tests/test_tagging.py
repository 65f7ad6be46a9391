"""Topic and country tags as editors type them."""

import pytest
from django.core.exceptions import ValidationError

from alliances.models import Country
from newsroom.models import Topic
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_topic_names_differing_only_in_case_are_one_topic():
    first = ArticleFactory()
    second = ArticleFactory()
    first.tags.add("Cuba")
    second.tags.add("cuba")
    assert Topic.objects.filter(name__iexact="cuba").count() == 1
    assert list(first.tags.all()) == list(second.tags.all())


def test_a_topic_keeps_its_accents_in_its_name_and_its_address_is_plain():
    article = ArticleFactory()
    article.tags.add("Díaz-Canel")
    assert Topic.objects.get(name="Díaz-Canel").slug == "diaz-canel"


@pytest.mark.parametrize("typed", ["Iran", "iran", "IR", "irn", "Irán"])
def test_country_is_found_by_name_code_or_spanish_name(typed):
    article = ArticleFactory()
    article.countries.add(typed)
    assert [c.iso2 for c in article.countries.all()] == ["IR"]


def test_unknown_country_name_is_refused_and_creates_nothing():
    article = ArticleFactory()
    before = Country.objects.count()
    with pytest.raises(ValidationError, match="Atlantis"):
        article.countries.add("Cuba", "Atlantis")
    assert Country.objects.count() == before
    assert article.countries.count() == 0


def test_every_iso_country_is_seeded_with_both_names():
    assert Country.objects.count() == 249
    cuba = Country.objects.get(iso2="CU")
    assert (cuba.iso3, cuba.name_en, cuba.name_es, cuba.slug) == ("CUB", "Cuba", "Cuba", "cuba")
    russia = Country.objects.get(iso3="RUS")
    assert (russia.name, russia.name_es) == ("Russia", "Rusia")
    assert not Country.objects.filter(name_es="").exists()
