"""The agreements index: filters by country, kind, status and sector, alone
or combined, from the query string; values it does not know are ignored,
never an error."""

import pytest

from tests.factories import AgreementFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreements():
    energy = SectorFactory(name="energy")
    defense = SectorFactory(name="defense")
    treaty = AgreementFactory(title="Treaty RU-IR", kind="treaty", status="announced", party_codes=["RU", "IR"])
    treaty.sectors.add(energy)
    credit = AgreementFactory(title="Credit RU-CU", kind="credit_line", status="signed", party_codes=["RU", "CU"])
    credit.sectors.add(energy)
    pact = AgreementFactory(title="Pact IR-CU", kind="treaty", status="signed", party_codes=["IR", "CU"])
    pact.sectors.add(defense)
    return {"treaty": treaty, "credit": credit, "pact": pact}


def titles(client, query) -> set[str]:
    response = client.get("/agreements/", query)
    assert response.status_code == 200
    page = response.content.decode()
    return {title for title in ("Treaty RU-IR", "Credit RU-CU", "Pact IR-CU") if f">{title}</a>" in page}


def test_unfiltered_index_lists_every_agreement(client, agreements):
    assert titles(client, {}) == {"Treaty RU-IR", "Credit RU-CU", "Pact IR-CU"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"country": "cuba"}, {"Credit RU-CU", "Pact IR-CU"}),
        ({"kind": "treaty"}, {"Treaty RU-IR", "Pact IR-CU"}),
        ({"status": "signed"}, {"Credit RU-CU", "Pact IR-CU"}),
        ({"sector": "energy"}, {"Treaty RU-IR", "Credit RU-CU"}),
        ({"country": "cuba", "kind": "treaty"}, {"Pact IR-CU"}),
        ({"country": "russia", "status": "signed", "sector": "energy"}, {"Credit RU-CU"}),
        ({"country": "russia", "kind": "treaty", "status": "signed"}, set()),
    ],
)
def test_filters_apply_alone_and_combined(client, agreements, query, expected):
    assert titles(client, query) == expected


def test_a_country_with_two_roles_lists_its_agreement_once(client, agreements):
    agreements["credit"].parties.create(country_id=agreements["credit"].parties.first().country_id, role="lender")
    page = client.get("/agreements/", {"country": "russia"}).content.decode()
    assert page.count(">Credit RU-CU</a>") == 1
    assert "2 agreements" in page


@pytest.mark.parametrize(
    "query",
    [
        {"country": "atlantis"},
        {"kind": "alliance"},
        {"status": "'; DROP TABLE alliances_agreement; --"},
        {"sector": "x" * 5000},
        {"country": ["cuba", "russia", "nowhere"]},
        {"country": "\x00"},
        {"kind": "TREATY"},
        {"pk__gt": "0", "title__startswith": "Treaty"},
    ],
)
def test_unknown_values_and_keys_are_ignored_not_an_error(client, agreements, query):
    response = client.get("/agreements/", query)
    assert response.status_code == 200
    # An unknown value filters nothing: every agreement is still there, except
    # where a known value in the same request applies.
    assert titles(client, query) <= {"Treaty RU-IR", "Credit RU-CU", "Pact IR-CU"}
    if query in ({"country": "atlantis"}, {"kind": "alliance"}, {"pk__gt": "0", "title__startswith": "Treaty"}):
        assert titles(client, query) == {"Treaty RU-IR", "Credit RU-CU", "Pact IR-CU"}


def test_form_shows_the_applied_filters(client, agreements):
    page = client.get("/agreements/", {"country": "cuba", "kind": "treaty"}).content.decode()
    assert '<option value="cuba" selected>Cuba</option>' in page
    assert '<option value="treaty" selected>Treaty</option>' in page
    assert "Clear filters" in page


def test_pagination_keeps_valid_filters_and_drops_stray_parameters(client, settings):
    for i in range(25):
        AgreementFactory(title=f"Deal {i:02}", kind="mou", party_codes=["CU", "VE"])
    AgreementFactory(title="Another kind", kind="treaty", party_codes=["CU", "VE"])
    page = client.get("/agreements/", {"kind": "mou", "country": "cuba", "utm_source": "x", "sector": "nope"})
    html = page.content.decode()
    assert 'href="/agreements/?country=cuba&amp;kind=mou&amp;page=2"' in html
    assert "utm_source" not in html and "nope" not in html
    assert f'<link rel="canonical" href="{settings.SITE_URL}/agreements/?country=cuba&amp;kind=mou">' in html
    second = client.get("/agreements/", {"kind": "mou", "country": "cuba", "page": "2"}).content.decode()
    assert second.count('class="agreement-card"') == 5
    assert "Another kind" not in second


def test_country_choices_are_countries_with_agreements(client, agreements):
    page = client.get("/agreements/").content.decode()
    assert '<option value="iran">Iran</option>' in page
    assert 'value="france"' not in page


def test_a_country_page_shows_the_latest_agreements_of_each_status_and_links_to_the_rest(client):
    from datetime import date

    for day in range(1, 8):
        AgreementFactory(title=f"Signed deal {day}", party_codes=["CU", "VN"], signed_on=date(2024, 5, day))
    AgreementFactory(
        title="Rumoured deal", status="announced", signed_on=None, signed_on_precision="", party_codes=["CU", "VN"]
    )

    page = client.get("/countries/cuba/").content.decode()
    side = page[page.index('id="agreements-heading"') :]
    shown = [f"Signed deal {day}" for day in range(1, 8) if f">Signed deal {day}<" in side]
    assert shown == [f"Signed deal {day}" for day in (3, 4, 5, 6, 7)]  # the five latest
    assert side.index("Signed deal 7") < side.index("Signed deal 3")
    assert '<span class="count">7</span>' in side
    assert "All 7 signed agreements" in side
    assert "/agreements/?country=cuba&amp;status=signed" in side
    assert "Rumoured deal" in side and "All 1 announced" not in side  # a complete group has no link
