"""The agreements index: filters by country, kind, status and sector, alone
or combined, from the query string; values it does not know are ignored,
never an error."""

import pytest

from tests.factories import AgreementFactory, ArticleFactory, SectorFactory

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
    page = client.get("/en/agreements/", {"country": "russia"}).content.decode()
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
    assert '<option value="treaty" selected>Tratado</option>' in page
    assert "Quitar filtros" in page
    page = client.get("/en/agreements/", {"country": "cuba", "kind": "treaty"}).content.decode()
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
    assert '<option value="iran">Irán</option>' in page
    assert 'value="france"' not in page
    page = client.get("/en/agreements/").content.decode()
    assert '<option value="iran">Iran</option>' in page
    assert 'value="france"' not in page


def test_a_country_page_counts_its_agreements_by_status_and_shows_the_latest(client):
    from datetime import date

    for day in range(1, 8):
        AgreementFactory(title=f"Signed deal {day}", party_codes=["CU", "VN"], signed_on=date(2024, 5, day))
    AgreementFactory(
        title="Rumoured deal",
        status="announced",
        signed_on=None,
        signed_on_precision="",
        announced_on=date(2024, 5, 20),
        announced_on_precision="day",
        party_codes=["CU", "VN"],
    )
    AgreementFactory(title="Someone else's deal", party_codes=["IR", "VN"])

    page = client.get("/en/countries/cuba/").content.decode()
    side = page[page.index('id="agreements-heading"') :]
    assert 'Agreements <span class="count">8</span>' in side
    # Each status Cuba has, in the statuses' order, with its count and a
    # link to the filtered index; statuses it has none of are left out.
    announced = '<a href="/en/agreements/?country=cuba&amp;status=announced">Announced</a> <span class="count">1</span>'
    signed = '<a href="/en/agreements/?country=cuba&amp;status=signed">Signed</a> <span class="count">7</span>'
    assert announced in side and signed in side
    assert side.index(announced) < side.index(signed)
    assert "status=in_force" not in side
    # The five latest of any status, newest first.
    latest = side[side.index(">Latest<") :]
    shown = [
        title for title in ["Rumoured deal"] + [f"Signed deal {day}" for day in range(7, 0, -1)] if title in latest
    ]
    assert shown == ["Rumoured deal", "Signed deal 7", "Signed deal 6", "Signed deal 5", "Signed deal 4"]
    assert "Someone else" not in page
    assert '<a href="/en/agreements/?country=cuba">All 8 agreements of Cuba</a>' in side
    # Vietnam is party to all eight; Iran to none of Cuba's.
    partners = side[side.index('id="partners-heading"') :]
    assert '<a href="/en/countries/vietnam/">Vietnam</a> <span class="count">8 agreements</span>' in partners
    assert "/countries/iran/" not in partners


def test_a_country_without_agreements_says_so(client):
    ArticleFactory(public=True, headline="Quiet story", country_codes=["UY"])
    page = client.get("/en/countries/uruguay/").content.decode()
    assert "No agreements recorded." in page
    assert 'id="partners-heading"' not in page
