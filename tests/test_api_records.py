"""The API's records (newsroom.api.records): topics, countries, agreements,
people and organisations, public ones only; the article filters that lead
to them; agreements in schema.org's terms; and what every answer shares:
CORS for reading, per-client rate limits, Last-Modified where a stored time
covers the whole answer."""

import csv
import io
from datetime import date, timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils import timezone
from django.utils.http import http_date
from openapi_schema_validator import OAS31Validator

from alliances.models import Agreement, AgreementParticipant, AgreementParty, Country
from newsroom.models import Topic
from tests.conftest import count_queries
from tests.factories import (
    AgreementFactory,
    AgreementSourceFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    CorrectionFactory,
    OrganizationFactory,
    PersonFactory,
    SectorFactory,
    country,
    non_public_states,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]

API = "/api/v1/"


def results(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def names(client, url: str, key: str = "slug") -> list[str]:
    return [row[key] for row in results(client, url)]


def every_page(client, url: str) -> list[dict]:
    rows = []
    while url:
        page = client.get(url).json()
        rows += page["results"]
        url = page["next"]
    return rows


# -- Topics --------------------------------------------------------------------------


def test_a_topic_is_listed_while_a_public_story_carries_it_and_counts_only_those(client):
    ArticleFactory(public=True, topics=["oil"])
    ArticleFactory(public=True, topics=["oil"])
    for state, args in non_public_states().items():
        ArticleFactory(topics=["oil", f"secret-{state}"], **args)
    rows = results(client, API + "topics/")
    assert [(row["slug"], row["article_count"]) for row in rows] == [("oil", 2)]
    secret = Topic.objects.get(slug="secret-draft")
    assert client.get(f"{API}topics/{secret.pk}/").status_code == 404
    oil = client.get(f"{API}topics/{rows[0]['id']}/").json()
    assert oil["url"].endswith("/topics/oil/") and oil["url_en"].endswith("/en/topics/oil/")


# -- Countries -----------------------------------------------------------------------


def test_every_country_is_listed_with_public_counts_and_its_wikidata(client):
    ArticleFactory(public=True, country_codes=["CU"])
    ArticleFactory(country_codes=["CU"])  # a draft: not counted
    pact = AgreementFactory(party_codes=["CU", "RU"])
    AgreementParty.objects.create(agreement=pact, country=country("CU"), role=AgreementParty.Role.BORROWER)
    rows = every_page(client, API + "countries/?limit=100")
    assert len(rows) == Country.objects.count() > 200
    assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)
    cuba = next(row for row in rows if row["iso2"] == "CU")
    assert (cuba["article_count"], cuba["agreement_count"]) == (1, 1)
    assert cuba["same_as"] == ["https://www.wikidata.org/wiki/Q241"]
    assert client.get(f"{API}countries/{cuba['id']}/").json() == cuba


# -- Agreements ----------------------------------------------------------------------


@pytest.fixture
def treaty():
    """The Russia-Iran treaty, which replaces the 2001 agreement and has a
    protocol under it."""
    old = AgreementFactory(
        title="Acuerdo de 2001",
        party_codes=["RU", "IR"],
        status=Agreement.Status.SUPERSEDED,
        signed_on=date(2001, 1, 1),
        signed_on_precision="year",
    )
    treaty = AgreementFactory(
        title="Tratado Rusia-Irán",
        title_en="Russia-Iran treaty",
        kind=Agreement.Kind.TREATY,
        status=Agreement.Status.IN_FORCE,
        party_codes=["RU"],
        supersedes=old,
        signed_on=date(2025, 1, 17),
        signed_on_precision="day",
        in_force_on=date(2025, 10, 1),
        in_force_on_precision="month",
        wikidata_id="Q123456",
    )
    AgreementParty.objects.create(agreement=treaty, country=country("IR"), role=AgreementParty.Role.SIGNATORY)
    treaty.sectors.add(SectorFactory(name="Energy", name_es="Energía"))
    AgreementSourceFactory(agreement=treaty, outlet="TASS", url="https://tass.example/1")
    putin = PersonFactory(name="Vladimir Putin", slug="vladimir-putin")
    AgreementParticipant.objects.create(agreement=treaty, person=putin, role=AgreementParticipant.Role.SIGNATORY)
    AgreementFactory(title="Protocolo", party_codes=["RU", "IR"], part_of=treaty)
    return Agreement.objects.get(pk=treaty.pk)


def test_an_agreement_gives_its_parties_roles_dates_at_their_precision_and_its_links(client, treaty):
    data = client.get(f"{API}agreements/{treaty.pk}/").json()
    assert (data["title"], data["title_en"], data["kind"], data["status"]) == (
        "Tratado Rusia-Irán",
        "Russia-Iran treaty",
        "treaty",
        "in_force",
    )
    assert [(p["country"]["iso2"], p["role"]) for p in data["parties"]] == [("RU", "party"), ("IR", "signatory")]
    assert data["dates"]["signed"] == {"date": "2025-01-17", "precision": "day", "edtf": "2025-01-17"}
    assert data["dates"]["in_force"]["edtf"] == "2025-10"
    assert data["dates"]["announced"] is None
    assert data["supersedes"]["title"] == "Acuerdo de 2001"
    assert [part["title"] for part in data["parts"]] == ["Protocolo"]
    assert data["sectors"] == [{"slug": "energy", "name_en": "Energy", "name_es": "Energía"}]
    assert data["sources"] == [{"outlet": "TASS", "url": "https://tass.example/1", "published_on": None}]
    assert data["participants"][0]["person"]["slug"] == "vladimir-putin"
    assert data["same_as"] == ["https://www.wikidata.org/wiki/Q123456"]
    old = client.get(f"{API}agreements/{treaty.supersedes_id}/").json()
    assert old["dates"]["signed"]["edtf"] == "2001"
    assert [later["id"] for later in old["superseded_by"]] == [treaty.pk]


def test_an_agreement_is_a_schema_org_legislation_in_the_api_and_on_its_page(client, treaty):
    legislation = client.get(f"{API}agreements/{treaty.pk}/").json()["schema_org"]
    assert legislation["@type"] == "Legislation"
    assert legislation["legislationLegalForce"] == "https://schema.org/InForce"
    assert legislation["legislationDate"] == "2025-01-17"
    assert legislation["temporalCoverage"] == "2025-10/.."
    assert legislation["legislationChanges"]["url"].endswith("/agreements/acuerdo-de-2001/")
    assert legislation["sameAs"] == "https://www.wikidata.org/wiki/Q123456"
    assert [j["legislationJurisdiction"]["identifier"] for j in legislation["legislationJurisdiction"]] == [
        "RU",
        "IR",
    ]
    protocol = Agreement.objects.get(title="Protocolo")
    assert client.get(f"{API}agreements/{protocol.pk}/").json()["schema_org"]["isBasedOn"]["name"] == (
        "Russia-Iran treaty"
    )
    old = client.get(f"{API}agreements/{treaty.supersedes_id}/").json()["schema_org"]
    assert old["legislationLegalForce"] == "https://schema.org/NotInForce"
    page = client.get(treaty.get_absolute_url()).content.decode()
    assert '<script type="application/ld+json">' in page and '"@type": "Legislation"' in page
    assert '"legislationLegalForce": "https://schema.org/InForce"' in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", {"Acuerdo de 2001", "Tratado Rusia-Irán", "Protocolo", "Cuba-Iran"}),
        ("?country=cuba", {"Cuba-Iran"}),
        ("?kind=treaty", {"Tratado Rusia-Irán"}),
        ("?status=superseded", {"Acuerdo de 2001"}),
        ("?sector=energy", {"Tratado Rusia-Irán"}),
        ("?person=vladimir-putin", {"Tratado Rusia-Irán"}),
        ("?organisation=rosneft", {"Cuba-Iran"}),
        ("?country=iran&kind=treaty", {"Tratado Rusia-Irán"}),
        ("?country=nowhere", set()),
    ],
)
def test_agreement_filters(client, treaty, query, expected):
    cuba = AgreementFactory(title="Cuba-Iran", party_codes=["CU", "IR"])
    AgreementParticipant.objects.create(agreement=cuba, organization=OrganizationFactory(name="Rosneft"))
    assert set(names(client, API + "agreements/" + query, "title")) == expected


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("kind=war", "kind"),
        ("status=", "status"),
        ("country=a%00b", "country"),
        ("sector=" + "x" * 300, "sector"),
        ("person=a/b", "person"),
        ("organisation=%27%3B", "organisation"),
        ("limit=0", "limit"),
        ("cursor=cD1hYmM=", "cursor"),
    ],
)
def test_a_bad_agreement_filter_is_a_400_naming_it(client, query, parameter):
    response = client.get(f"{API}agreements/?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


# -- People and organisations --------------------------------------------------------


@pytest.mark.parametrize("state", list(non_public_states()))
def test_a_person_named_only_in_an_unpublished_story_is_nowhere_in_the_api(client, state):
    hidden = PersonFactory(name="Hidden Source")
    ArticleFactory(**non_public_states()[state]).people.add(hidden)
    named = PersonFactory(name="Named")
    ArticleFactory(public=True).people.add(named)
    signer = PersonFactory(name="Signer")
    AgreementParticipant.objects.create(agreement=AgreementFactory(), person=signer)
    rows = results(client, API + "people/")
    assert [(row["name"], row["article_count"]) for row in rows] == [("Named", 1), ("Signer", 0)]
    assert client.get(f"{API}people/{hidden.pk}/").status_code == 404
    assert results(client, f"{API}articles/?person={hidden.slug}") == []
    assert results(client, f"{API}agreements/?person={hidden.slug}") == []


def test_organisations_are_listed_by_country_with_their_wikidata(client):
    bank = OrganizationFactory(name="Novikombank", country=country("RU"), wikidata_id="Q4345678")
    ArticleFactory(public=True).organizations.add(bank)
    ArticleFactory(public=True).organizations.add(OrganizationFactory(name="Cupet", country=country("CU")))
    assert names(client, API + "organisations/?country=russia", "name") == ["Novikombank"]
    data = client.get(f"{API}organisations/{bank.pk}/").json()
    assert (data["kind"], data["country"]["iso2"], data["same_as"]) == (
        "other",
        "RU",
        ["https://www.wikidata.org/wiki/Q4345678"],
    )


def test_articles_filter_by_agreement_person_and_organisation(client, treaty):
    story = ArticleFactory(public=True, headline="Treaty story")
    ArticleAgreementFactory(article=story, agreement=treaty)
    story.people.add(treaty.participants.get().person)
    story.organizations.add(OrganizationFactory(name="Gazprom", slug="gazprom"))
    draft = ArticleFactory(headline="Draft")
    ArticleAgreementFactory(article=draft, agreement=treaty)
    ArticleFactory(public=True, headline="Other")
    for query in (f"agreement={treaty.slug}", "person=vladimir-putin", "organisation=gazprom"):
        assert names(client, f"{API}articles/?{query}", "headline") == ["Treaty story"], query


# -- What every list shares ----------------------------------------------------------


def grow(n: int) -> None:
    """``n`` more of every record, each linked as richly as the others."""
    for i in range(n):
        person = PersonFactory()
        organisation = OrganizationFactory(country=country("RU"))
        agreement = AgreementFactory(party_codes=["RU", "IR"])
        agreement.sectors.add(SectorFactory())
        AgreementParticipant.objects.create(agreement=agreement, person=person)
        story = ArticleFactory(public=True, topics=[f"topic-{i}-{timezone.now().timestamp()}"], country_codes=["RU"])
        story.people.add(person)
        story.organizations.add(organisation)


@pytest.mark.parametrize("name", ["topics", "countries", "agreements", "people", "organisations"])
def test_each_list_runs_the_same_queries_for_one_record_and_for_thirty(client, name):
    grow(1)
    one = count_queries(client, f"{API}{name}/?limit=100")
    grow(29)
    assert len(results(client, f"{API}{name}/?limit=100")) >= 30
    assert count_queries(client, f"{API}{name}/?limit=100") == one <= 2


def test_every_answer_matches_the_openapi_document(client, treaty):
    document = client.get(API + "openapi.json").json()
    ArticleFactory(public=True, topics=["oil"]).people.add(PersonFactory(photo=""))
    ArticleFactory(public=True).organizations.add(OrganizationFactory(country=country("CU")))
    ids = {
        "topics": Topic.objects.get(slug="oil").pk,
        "countries": country("CU").pk,
        "agreements": treaty.pk,
        "people": treaty.participants.get().person_id,
        "organisations": results(client, API + "organisations/")[0]["id"],
    }
    checked = 0
    for name, pk in ids.items():
        for url, path, status in (
            (f"{API}{name}/?limit=3", f"/api/v1/{name}/", "200"),
            (f"{API}{name}/?limit=x", f"/api/v1/{name}/", "400"),
            (f"{API}{name}/{pk}/", f"/api/v1/{name}/{{id}}/", "200"),
            (f"{API}{name}/99999999/", f"/api/v1/{name}/{{id}}/", "404"),
        ):
            response = client.get(url)
            assert str(response.status_code) == status, url
            content = document["paths"][path]["get"]["responses"][status]["content"]["application/json"]
            OAS31Validator({**content["schema"], "components": document["components"]}).validate(response.json())
            checked += 1
    assert checked == 20


def test_any_page_may_read_the_api_but_not_with_credentials(client):
    for url in (API + "agreements/", API + "agreements/?kind=war", API + "nothing/"):
        response = client.get(url, HTTP_ORIGIN="https://partner.example")
        assert response["Access-Control-Allow-Origin"] == "*", url
        assert "ETag" in response["Access-Control-Expose-Headers"]
        assert "Access-Control-Allow-Credentials" not in response
    preflight = client.options(
        API + "agreements/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD"
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    # The site's own pages are not opened to other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/", HTTP_ORIGIN="https://partner.example")


@pytest.fixture
def one_moment():
    """Time stands still for the rate limit: no window ends mid-test."""
    with mock.patch("newsroom.api.throttle.time.time", return_value=1_800_000_030.0):
        yield


@override_settings(API_RATE_LIMIT="3/minute")
def test_a_client_past_its_limit_gets_429_with_retry_after_even_for_a_304(client, one_moment):
    first = client.get(API + "topics/")
    assert first.status_code == 200
    assert client.get(API + "topics/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(API + "countries/?limit=1").status_code == 200
    refused = client.get(API + "topics/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert refused.status_code == 429
    assert refused["Retry-After"] == "30"  # the window's end
    assert refused.json()["detail"].startswith("Request was throttled")
    assert refused["Access-Control-Allow-Origin"] == "*"  # a page elsewhere can read why
    # Another client is counted apart.
    assert client.get(API + "topics/", REMOTE_ADDR="192.0.2.7").status_code == 200


@override_settings(API_RATE_LIMIT="2/minute")
def test_a_client_cannot_escape_its_limit_by_naming_another_address(client, one_moment):
    """Without a proxy in front (AXES_PROXY_COUNT 0), X-Forwarded-For is the
    client's own say: ignored. IPv6 clients count by their /64."""
    answers = [client.get(API, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code for i in range(4)]
    assert answers == [200, 200, 429, 429]
    v6 = [client.get(API, REMOTE_ADDR=f"2001:db8:1:2::{i}").status_code for i in range(1, 4)]
    assert v6 == [200, 200, 429]
    assert client.get(API, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200  # another /64


@override_settings(API_RATE_LIMIT="2/minute", REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1})
def test_behind_a_proxy_the_client_is_the_address_it_saw(client, one_moment):
    from rest_framework.settings import api_settings

    api_settings.reload()
    try:
        statuses = [
            client.get(API, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"spoof, 203.0.113.{i % 2}").status_code
            for i in range(5)
        ]
    finally:
        api_settings.reload()
    assert statuses == [200, 200, 200, 200, 429]


@override_settings(API_RATE_LIMIT="off")
def test_no_limit_when_it_is_off(client):
    assert all(client.get(API).status_code == 200 for _ in range(30))


def test_a_limit_that_is_no_rate_stops_the_start():
    with override_settings(API_RATE_LIMIT="12/fortnight"), pytest.raises(SystemCheckError, match="API_RATE_LIMIT"):
        call_command("check")


# -- Last-Modified -------------------------------------------------------------------


def test_an_article_says_when_it_last_changed_and_answers_304_until_it_does(client):
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start - timedelta(minutes=1)):
        story = ArticleFactory(public=True, topics=["oil"])
    url = f"{API}articles/{story.pk}/"
    stamp = client.get(url)["Last-Modified"]
    assert stamp == http_date((start - timedelta(minutes=1)).timestamp())
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=stamp).status_code == 304
    # A correction rewrites the article's stored lists, not its row.
    later = start - timedelta(seconds=30)
    with mock.patch("django.utils.timezone.now", return_value=later):
        CorrectionFactory(article=story)
    changed = client.get(url, HTTP_IF_MODIFIED_SINCE=stamp)
    assert changed.status_code == 200 and changed.json()["corrections"]
    assert changed["Last-Modified"] == http_date(later.timestamp())
    # A change under SETTLE ago: no date yet (one committing meanwhile could
    # carry an earlier time), so no 304 on a date; the ETag still serves.
    CorrectionFactory(article=story, text="A second correction.")
    fresh = client.get(url, HTTP_IF_MODIFIED_SINCE=changed["Last-Modified"])
    assert fresh.status_code == 200 and "Last-Modified" not in fresh
    assert client.get(url, HTTP_IF_NONE_MATCH=fresh["ETag"]).status_code == 304


def test_a_substantive_update_moves_the_date_though_it_saves_no_row(client, editor_user):
    from newsroom.editorial import services

    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start - timedelta(minutes=2)):
        story = ArticleFactory(public=True)
    url = f"{API}articles/{story.pk}/"
    stamp = client.get(url)["Last-Modified"]
    services.mark_substantive_update(article=story, user=editor_user, at=start - timedelta(minutes=1))
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=stamp).status_code == 200


def test_an_agreement_s_date_follows_its_stored_lists(client):
    start = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=start - timedelta(minutes=2)):
        pact = AgreementFactory()
    url = f"{API}agreements/{pact.pk}/"
    stamp = client.get(url)["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=stamp).status_code == 304
    with mock.patch("django.utils.timezone.now", return_value=start - timedelta(minutes=1)):
        SectorFactory(name="Oil").agreements.add(pact)  # its row is not saved
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=stamp).status_code == 200


def test_lists_and_counted_records_carry_an_etag_but_no_last_modified(client):
    """A story published elsewhere changes a count, or a list, and no
    stored time: a date there would earn stale 304s."""
    ArticleFactory(public=True, topics=["oil"])
    for url in (API + "articles/", API + "topics/", f"{API}topics/{Topic.objects.get().pk}/"):
        response = client.get(url)
        assert "ETag" in response and "Last-Modified" not in response, url


# -- The agreements as a table -------------------------------------------------------


def csv_table(client, query: str = "") -> list[list[str]]:
    response = client.get(f"{API}agreements.csv{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="agreements.csv"'
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_csv_has_a_row_per_party_under_the_list_s_filters(client, treaty):
    header, *rows = csv_table(client)
    assert header[:5] == ["agreement_id", "title", "title_en", "kind", "status"]
    assert header[-4:] == ["party_iso2", "party_name_en", "party_name_es", "party_role"]
    column = header.index
    mine = [row for row in rows if row[column("agreement_id")] == str(treaty.pk)]
    assert [(row[column("party_iso2")], row[column("party_role")]) for row in mine] == [
        ("RU", "party"),
        ("IR", "signatory"),
    ]
    assert {row[column("signed")] for row in mine} == {"2025-01-17"}
    assert {row[column("in_force")] for row in mine} == {"2025-10"}
    assert {row[column("sectors")] for row in mine} == {"Energy"}
    assert len(rows) == 2 * Agreement.objects.count()
    _header, *treaties = csv_table(client, "?kind=treaty")
    assert {row[0] for row in treaties} == {str(treaty.pk)}
    assert client.get(f"{API}agreements.csv?status=maybe").json() == {
        "status": "Must be one of: " + ", ".join(Agreement.Status.values) + "."
    }


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://evil.example","x")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"]
)
def test_no_cell_of_the_csv_is_a_formula(client, title):
    AgreementFactory(title=title, title_en=title, party_codes=["CU", "IR"])
    _header, *rows = csv_table(client)
    assert {row[1] for row in rows} == {"'" + title}
    assert {row[2] for row in rows} == {"'" + title}


def test_the_agreements_page_links_its_table_with_its_filters(client, treaty):
    page = client.get("/agreements/?kind=treaty").content.decode()
    assert 'href="/api/v1/agreements.csv?kind=treaty"' in page
    assert 'href="/api/v1/docs/"' in page


def test_the_reference_page_describes_every_endpoint_in_english(client):
    response = client.get(API + "docs/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    assert '<html lang="en">' in page
    document = client.get(API + "openapi.json").json()
    for path in document["paths"]:
        assert f"<code>GET {path}</code>" in page, path
    assert "Retry-After" in page and "120/minute" in page


def test_an_agreement_s_wikidata_id_is_checked():
    agreement = AgreementFactory()
    agreement.wikidata_id = "Treaty 12"
    with pytest.raises(ValidationError) as refused:
        agreement.full_clean()
    assert "wikidata_id" in refused.value.message_dict
