"""Each public article as an IPTC ninjs 2.0 item (newsroom.api.ninjs),
checked against the official schema kept in tests/data/ninjs/."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker

from tests.conftest import count_queries
from tests.factories import (
    AgreementFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    OrganizationFactory,
    PersonFactory,
    SourceFactory,
    hero_image,
    non_public_states,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

SCHEMA = json.loads((Path(__file__).parent / "data" / "ninjs" / "ninjs-schema_2.0.json").read_text())


def ninjs(client, article) -> dict:
    response = client.get(f"/api/v1/articles/{article.pk}/ninjs")
    assert response.status_code == 200, response.content
    return response.json()


def assert_valid(item: dict) -> None:
    errors = sorted(Draft4Validator(SCHEMA, format_checker=FormatChecker()).iter_errors(item), key=str)
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.fixture
def story(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    article = ArticleFactory(
        public=True,
        headline="Iran and Russia sign a treaty",
        dek="Twenty years of partnership.",
        body="<p>The two presidents <strong>signed</strong> it in Moscow</p><p>Both spoke &amp; left.</p>",
        language="en",
        authors=[AuthorFactory(name="Ana Reporter"), AuthorFactory(name="Luis Editor")],
        topics=["alliances"],
        country_codes=["IR", "RU"],
        image=hero_image(),
        image_alt="Two men shaking hands",
        image_caption="At the Kremlin.",
        image_credit="Photo agency",
    )
    ArticleAgreementFactory(
        article=article, agreement=AgreementFactory(title="Tratado", party_codes=["IR", "RU"]), relation="about"
    )
    article.people.add(PersonFactory(name="Vladimir Putin", wikidata_id="Q7747"))
    article.organizations.add(OrganizationFactory(name="Kremlin"))
    SourceFactory(article=article, outlet="TASS", url="https://tass.example/1")
    SourceFactory(article=article, outlet="Word of mouth", url="")
    CorrectionFactory(article=article, text="An earlier version misnamed the city.")
    return article


def test_a_story_is_a_valid_ninjs_2_item_with_everything_it_carries(client, story):
    item = ninjs(client, story)
    assert_valid(item)
    assert item["uri"].endswith(f"/api/v1/articles/{story.pk}/")
    assert item["standard"]["version"] == "2.0"
    assert (item["type"], item["pubstatus"], item["language"]) == ("text", "usable", "en")
    assert item["headlines"] == [{"role": "main", "contenttype": "text/plain", "value": story.headline}]
    assert [d["role"] for d in item["descriptions"]] == ["summary", "correction"]
    body = item["bodies"][0]
    # "Moscow" and "Both" are two words, though no space parts them in the markup.
    text = "The two presidents signed it in Moscow Both spoke & left."
    assert (body["contenttype"], body["wordcount"], body["charcount"]) == ("text/html", 10, len(text))
    assert item["by"] == "Ana Reporter, Luis Editor"
    assert [(p["literal"], p["uri"]) for p in item["places"]] == [
        ("IR", "https://www.wikidata.org/wiki/Q794"),
        ("RU", "https://www.wikidata.org/wiki/Q159"),
    ]
    assert [(s["name"], s["rel"]) for s in item["subjects"]] == [("Alliances", "topic"), ("Tratado", "about")]
    assert item["people"] == [
        {
            "name": "Vladimir Putin",
            "rel": "mentions",
            "uri": "https://www.wikidata.org/wiki/Q7747",
            "literal": "vladimir-putin",
        }
    ]
    assert item["organisations"][0]["uri"].endswith("/kremlin/")  # no Wikidata id: its page
    assert item["infosources"] == [{"name": "TASS", "uri": "https://tass.example/1"}, {"name": "Word of mouth"}]
    picture = item["associations"][0]
    assert (picture["name"], picture["type"], picture["by"]) == ("featureimage", "picture", "Photo agency")
    assert picture["renditions"][0]["contenttype"] == "image/png"


def test_a_bare_story_is_valid_too(client):
    item = ninjs(client, ArticleFactory(public=True, dek="", language="es"))
    assert_valid(item)
    assert "descriptions" not in item and "associations" not in item


@pytest.mark.parametrize("state", list(non_public_states()))
def test_no_unpublished_story_has_a_ninjs_item(client, state):
    hidden = ArticleFactory(**non_public_states()[state])
    response = client.get(f"/api/v1/articles/{hidden.pk}/ninjs")
    assert response.status_code == 404


def test_an_item_costs_the_same_queries_however_much_it_names(client, story):
    bare = ArticleFactory(public=True)
    rich = ArticleFactory(public=True, topics=[f"topic {i}" for i in range(20)], country_codes=["CU", "IR", "RU", "VE"])
    rich.people.add(*[PersonFactory(wikidata_id=f"Q{i + 1}") for i in range(20)])
    rich.organizations.add(*[OrganizationFactory() for _ in range(20)])
    for i in range(10):
        ArticleAgreementFactory(article=rich, agreement=AgreementFactory(title=f"Pact {i}"))
    one = count_queries(client, f"/api/v1/articles/{bare.pk}/ninjs")
    assert (
        count_queries(client, f"/api/v1/articles/{rich.pk}/ninjs")
        == one
        == count_queries(client, f"/api/v1/articles/{story.pk}/")
    )


def test_the_schema_itself_catches_a_broken_item():
    """The kept schema is the real one: it refuses what ninjs 2.0 refuses."""
    with pytest.raises(AssertionError, match="uri"):
        assert_valid({"type": "text"})
    with pytest.raises(AssertionError, match="Additional properties"):
        assert_valid({"uri": "https://example.org/1", "headline": "ninjs 1.x had this"})
