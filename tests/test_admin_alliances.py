"""The alliances admin through real POSTs: every integrity rule comes back as
a form error on a 200 page with nothing saved, never as a 500."""

from datetime import date

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from alliances.models import Agreement, AgreementParty, AgreementSource, ArticleAgreement, Country, Sector
from tests.factories import AgreementFactory, ArticleFactory, OrganizationFactory, PersonFactory, SectorFactory, country

pytestmark = pytest.mark.django_db

AGREEMENT_ADD = reverse("admin:alliances_agreement_add")
AGREEMENT_LIST = reverse("admin:alliances_agreement_changelist")
COUNTRY_LIST = reverse("admin:alliances_country_changelist")


def agreement_change(agreement) -> str:
    return reverse("admin:alliances_agreement_change", args=[agreement.pk])


def set_parties(data: dict, parties: list[tuple[str, str]]) -> dict:
    """Replace the new-party rows of an agreement form with ``parties``
    ((country id or raw value, role) pairs) after the existing ones."""
    existing = int(data["parties-INITIAL_FORMS"])
    for key in [k for k in data if k.startswith("parties-") and k.split("-")[1].isdigit()]:
        if int(key.split("-")[1]) >= existing:
            del data[key]
    for offset, (value, role) in enumerate(parties):
        data[f"parties-{existing + offset}-country"] = value
        data[f"parties-{existing + offset}-role"] = role
    data["parties-TOTAL_FORMS"] = str(existing + len(parties))
    return data


def new_agreement_data(client, admin_form_data, parties=(("IR", "party"), ("CU", "party")), **fields) -> dict:
    data = admin_form_data(client, AGREEMENT_ADD)
    data.update(
        {
            "title": "Iran-Cuba strategic partnership",
            "slug": "iran-cuba-strategic-partnership",
            "kind": "strategic_partnership",
            "status": "signed",
            "signed_on": "2024-05-01",
            "signed_on_precision": "day",
        }
    )
    data.update(fields)
    return set_parties(data, [(str(country(code).pk), role) for code, role in parties])


def assert_refused(response, text: str) -> None:
    assert response.status_code == 200
    assert text in response.content.decode(), text


# -- A good agreement ---------------------------------------------------------------


def test_editor_adds_an_agreement_with_parties_sources_and_sectors(editor_client, admin_form_data):
    energy = SectorFactory(name="energy")
    older = AgreementFactory(title="2001 agreement")
    data = new_agreement_data(
        editor_client,
        admin_form_data,
        parties=[("RU", "lender"), ("CU", "borrower")],
        sectors=[str(energy.pk)],
        supersedes=str(older.pk),
        duration_years="10",
    )
    data.update({"sources-0-outlet": "IRNA", "sources-0-url": "https://example.org/irna", "sources-0-published_on": ""})
    response = editor_client.post(AGREEMENT_ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement = Agreement.objects.get(slug="iran-cuba-strategic-partnership")
    assert sorted(agreement.parties.values_list("country__iso2", "role")) == [("CU", "borrower"), ("RU", "lender")]
    assert list(agreement.sectors.all()) == [energy]
    assert agreement.supersedes == older
    assert AgreementSource.objects.get(agreement=agreement).outlet == "IRNA"


def test_agreement_change_form_round_trips_unchanged(editor_client, admin_form_data):
    agreement = AgreementFactory(party_codes=["RU", "IR"], duration_years=20)
    url = agreement_change(agreement)
    assert editor_client.post(url, admin_form_data(editor_client, url)).status_code == 302
    assert agreement.parties.count() == 2


# -- Every rule as a form error ---------------------------------------------------------

FIELD_RULES = {
    "signed_before_announced": (
        {"announced_on": "2024-06-01", "announced_on_precision": "day"},
        "The signing date cannot be before the announcement.",
    ),
    "in_force_before_signed": (
        {"in_force_on": "2024-04-01", "in_force_on_precision": "day"},
        "An agreement cannot enter into force before it is signed.",
    ),
    "expires_not_after_in_force": (
        {
            "in_force_on": "2024-06-01",
            "in_force_on_precision": "day",
            "expires_on": "2024-06-01",
            "expires_on_precision": "day",
        },
        "The expiry date must come after entry into force.",
    ),
    "duration_zero": ({"duration_years": "0"}, "The duration must be between 1 and 99 years."),
    "duration_100": ({"duration_years": "100"}, "The duration must be between 1 and 99 years."),
    "duration_negative": ({"duration_years": "-3"}, "greater than or equal to 0"),
    "date_without_precision": ({"signed_on_precision": ""}, "Give a date and how precise it is"),
    "precision_without_date": ({"expires_on_precision": "year"}, "Give a date and how precise it is"),
    "not_a_date": ({"signed_on": "2024-13-45"}, "Enter a valid date."),
    "unknown_precision": ({"signed_on_precision": "century"}, "Select a valid choice."),
}


@pytest.mark.parametrize(("fields", "message"), FIELD_RULES.values(), ids=FIELD_RULES.keys())
def test_a_bad_agreement_is_a_form_error_and_nothing_is_saved(editor_client, admin_form_data, fields, message):
    data = new_agreement_data(editor_client, admin_form_data, **fields)
    assert_refused(editor_client.post(AGREEMENT_ADD, data), message)
    assert not Agreement.objects.exists()
    assert not AgreementParty.objects.exists()


@pytest.mark.parametrize(
    ("parties", "message"),
    [
        ([("CU", "party")], "at least two different countries"),
        ([], "at least two different countries"),
        ([("CU", "party"), ("CU", "signatory")], "at least two different countries"),
        ([("RU", "lender"), ("RU", "borrower"), ("CU", "party")], "both the lender and the borrower"),
        ([("IR", "party"), ("IR", "party"), ("CU", "party")], "Please correct the duplicate data for country and role"),
    ],
    ids=["one_country", "no_parties", "one_country_two_roles", "lender_is_borrower", "duplicate_party"],
)
def test_bad_parties_are_a_form_error_and_nothing_is_saved(editor_client, admin_form_data, parties, message):
    data = new_agreement_data(editor_client, admin_form_data, parties=parties)
    assert_refused(editor_client.post(AGREEMENT_ADD, data), message)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("value", ["abc", "999999", "Cuba"])
def test_an_unknown_party_country_is_a_form_error(editor_client, admin_form_data, value):
    data = new_agreement_data(editor_client, admin_form_data)
    data["parties-1-country"] = value
    assert_refused(editor_client.post(AGREEMENT_ADD, data), "Select a valid choice")
    assert not Agreement.objects.exists()


def test_removing_a_party_below_two_countries_is_refused(editor_client, admin_form_data):
    agreement = AgreementFactory(party_codes=["IR", "CU"])
    url = agreement_change(agreement)
    data = admin_form_data(editor_client, url)
    data["parties-1-DELETE"] = "on"
    assert_refused(editor_client.post(url, data), "at least two different countries")
    assert agreement.parties.count() == 2


def test_adding_a_party_that_exists_already_is_refused(editor_client, admin_form_data):
    agreement = AgreementFactory(party_codes=["IR", "CU"])
    url = agreement_change(agreement)
    data = set_parties(admin_form_data(editor_client, url), [(str(country("IR").pk), "party")])
    assert_refused(editor_client.post(url, data), "Please correct the duplicate data for country and role")
    assert agreement.parties.count() == 2


@pytest.mark.parametrize("field", ["supersedes", "part_of"])
def test_an_agreement_pointing_at_itself_is_refused(editor_client, admin_form_data, field):
    agreement = AgreementFactory()
    url = agreement_change(agreement)
    data = admin_form_data(editor_client, url)
    data[field] = str(agreement.pk)
    assert_refused(editor_client.post(url, data), "This would make a loop")
    agreement.refresh_from_db()
    assert getattr(agreement, f"{field}_id") is None


@pytest.mark.parametrize("field", ["supersedes", "part_of"])
def test_a_cycle_through_another_agreement_is_refused(editor_client, admin_form_data, field):
    first = AgreementFactory(title="First")
    second = AgreementFactory(title="Second", **{field: first})
    url = agreement_change(first)
    data = admin_form_data(editor_client, url)
    data[field] = str(second.pk)
    assert_refused(editor_client.post(url, data), "This would make a loop")
    first.refresh_from_db()
    assert getattr(first, f"{field}_id") is None


def test_duplicate_slug_is_a_form_error(editor_client, admin_form_data):
    AgreementFactory(slug="iran-cuba-strategic-partnership")
    data = new_agreement_data(editor_client, admin_form_data)
    assert_refused(editor_client.post(AGREEMENT_ADD, data), "Agreement with this Slug already exists.")
    assert Agreement.objects.count() == 1


# -- Deletions refused by PROTECT ------------------------------------------------------


def assert_cannot_delete(client, url: str) -> None:
    page = client.get(url)
    assert page.status_code == 200
    assert "Cannot delete" in page.content.decode()
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()


@pytest.mark.parametrize("reference", ["party", "article", "person", "organization"])
def test_a_referenced_country_cannot_be_deleted(editor_client, reference):
    cuba = country("CU")
    if reference == "party":
        AgreementFactory(party_codes=["IR", "CU"])
    elif reference == "article":
        ArticleFactory(country_codes=["CU"])
    elif reference == "person":
        PersonFactory(country=cuba)
    else:
        OrganizationFactory(country=cuba)
    assert_cannot_delete(editor_client, reverse("admin:alliances_country_delete", args=[cuba.pk]))
    assert Country.objects.filter(pk=cuba.pk).exists()


@pytest.mark.parametrize("reference", ["article", "superseded", "part_of"])
def test_a_referenced_agreement_cannot_be_deleted(editor_client, reference):
    agreement = AgreementFactory()
    if reference == "article":
        ArticleAgreement.objects.create(article=ArticleFactory(), agreement=agreement)
    elif reference == "superseded":
        AgreementFactory(supersedes=agreement)
    else:
        AgreementFactory(part_of=agreement)
    assert_cannot_delete(editor_client, reverse("admin:alliances_agreement_delete", args=[agreement.pk]))
    assert Agreement.objects.filter(pk=agreement.pk).exists()


def test_bulk_delete_of_a_referenced_country_is_refused(editor_client):
    ArticleFactory(country_codes=["CU"])
    cuba = country("CU")
    response = editor_client.post(
        COUNTRY_LIST, {"action": "delete_selected", "_selected_action": [cuba.pk], "post": "yes"}
    )
    assert response.status_code == 200
    assert "Cannot delete" in response.content.decode()
    assert Country.objects.filter(pk=cuba.pk).exists()


def test_an_unreferenced_agreement_can_be_deleted(editor_client):
    agreement = AgreementFactory()
    response = editor_client.post(reverse("admin:alliances_agreement_delete", args=[agreement.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Agreement.objects.exists()


# -- Lists, search and the country page -------------------------------------------------


def test_agreement_list_shows_parties_without_a_query_per_row(editor_client, django_assert_max_num_queries):
    credit = AgreementFactory(title="Credit line", party_codes=[])
    AgreementParty.objects.create(agreement=credit, country=country("RU"), role="lender")
    AgreementParty.objects.create(agreement=credit, country=country("CU"), role="borrower")
    AgreementFactory(title="Partnership", party_codes=["RU", "CU"])
    with CaptureQueriesContext(connection) as one:
        editor_client.get(AGREEMENT_LIST)
    for _ in range(20):
        AgreementFactory(party_codes=["IR", "RU", "KP"])
    with django_assert_max_num_queries(len(one)):
        response = editor_client.get(AGREEMENT_LIST)
    html = response.content.decode()
    assert "Russia (Lender), Cuba (Borrower)" in html
    assert "Russia, Cuba" in html
    assert response.context["cl"].result_count == 22


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("kind__exact=credit_line", "Credit line"),
        ("status__exact=in_force", "Partnership"),
        ("q=credit", "Credit line"),
    ],
)
def test_agreement_list_filters(editor_client, query, shown):
    AgreementFactory(title="Credit line", kind="credit_line", party_codes=["RU", "CU"])
    AgreementFactory(title="Partnership", kind="strategic_partnership", status="in_force", party_codes=["IR", "CU"])
    response = editor_client.get(f"{AGREEMENT_LIST}?{query}")
    assert [a.title for a in response.context["cl"].result_list] == [shown]


def test_agreement_list_filters_by_country_and_sector(editor_client):
    energy = SectorFactory(name="energy")
    credit = AgreementFactory(title="Credit line", party_codes=["RU", "CU"])
    credit.sectors.add(energy)
    AgreementFactory(title="Partnership", party_codes=["IR", "CU"])
    by_country = editor_client.get(f"{AGREEMENT_LIST}?parties__country__id__exact={country('RU').pk}")
    assert [a.title for a in by_country.context["cl"].result_list] == ["Credit line"]
    by_sector = editor_client.get(f"{AGREEMENT_LIST}?sectors__id__exact={energy.pk}")
    assert [a.title for a in by_sector.context["cl"].result_list] == ["Credit line"]


def test_agreement_list_shows_a_year_only_date_as_the_year(editor_client):
    AgreementFactory(title="2001 treaty", signed_on=date(2001, 1, 1), signed_on_precision="year")
    html = editor_client.get(AGREEMENT_LIST).content.decode()
    assert '<td class="field-signed">2001</td>' in html


@pytest.mark.parametrize("term", ["Corea del Norte", "KP", "PRK", "north korea"])
def test_country_search_by_name_spanish_name_and_iso_codes(editor_client, term):
    response = editor_client.get(COUNTRY_LIST, {"q": term})
    assert [c.iso2 for c in response.context["cl"].result_list] == ["KP"]


def test_country_list_counts_without_a_query_per_row(editor_client, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as empty:
        editor_client.get(COUNTRY_LIST, {"q": "Cuba"})
    AgreementFactory(party_codes=["IR", "CU"])
    both_roles = AgreementFactory(party_codes=["RU", "CU"])
    AgreementParty.objects.create(agreement=both_roles, country=country("CU"), role="signatory")
    for _ in range(3):
        ArticleFactory(country_codes=["CU", "RU"])
    with django_assert_max_num_queries(len(empty)):
        response = editor_client.get(COUNTRY_LIST, {"q": "Cuba"})
    cuba = response.context["cl"].result_list[0]
    assert (cuba.article_count, cuba.agreement_count) == (3, 2)
    with django_assert_max_num_queries(len(empty)):
        assert editor_client.get(COUNTRY_LIST).status_code == 200


def test_country_page_lists_its_agreements(editor_client):
    agreement = AgreementFactory(title="Iran-Cuba partnership", party_codes=["IR", "CU"])
    AgreementFactory(title="Russia-North Korea treaty", party_codes=["RU", "KP"])
    html = editor_client.get(reverse("admin:alliances_country_change", args=[country("CU").pk])).content.decode()
    assert "Iran-Cuba partnership" in html
    assert agreement_change(agreement) in html
    assert "Russia-North Korea treaty" not in html


def test_country_page_shows_the_newest_agreements_and_links_to_all(editor_client):
    made = [AgreementFactory(title=f"Cuba agreement {n}", party_codes=["CU", "VE"]) for n in range(12)]
    html = editor_client.get(reverse("admin:alliances_country_change", args=[country("CU").pk])).content.decode()
    shown = [agreement for agreement in made if agreement_change(agreement) in html]
    assert shown == made[2:]  # the ten newest
    everything = f"{reverse('admin:alliances_agreement_changelist')}?parties__country__id__exact={country('CU').pk}"
    assert escape(everything) in html and "all 12 agreements" in html
    listed = editor_client.get(everything)
    assert listed.status_code == 200 and listed.context["cl"].result_count == 12


@override_settings(DATA_UPLOAD_MAX_NUMBER_FIELDS=60)
def test_country_with_many_agreements_saves(editor_client, admin_form_data):
    """Cuba is party to thousands of agreements in a real archive; listing
    them as inline rows posted a field per party and the save answered 400."""
    cuba = country("CU")
    for n in range(70):
        AgreementFactory(title=f"Deal {n}", party_codes=["CU", "RU"])
    url = reverse("admin:alliances_country_change", args=[cuba.pk])
    data = admin_form_data(editor_client, url)
    data["wikidata_id"] = "Q241"
    assert editor_client.post(url, data).status_code == 302
    cuba.refresh_from_db()
    assert cuba.wikidata_id == "Q241"


def test_country_change_keeps_iso_codes_and_saves_the_rest(editor_client, admin_form_data):
    cuba = country("CU")
    url = reverse("admin:alliances_country_change", args=[cuba.pk])
    AgreementFactory(party_codes=["IR", "CU"])
    data = admin_form_data(editor_client, url)
    assert "iso2" not in data
    data.update({"wikidata_id": "Q241", "iso2": "XX"})
    assert editor_client.post(url, data).status_code == 302
    cuba.refresh_from_db()
    assert (cuba.wikidata_id, cuba.iso2) == ("Q241", "CU")


def test_sector_list_counts_agreements(editor_client):
    energy = SectorFactory(name="energy")
    AgreementFactory().sectors.add(energy)
    response = editor_client.get(reverse("admin:alliances_sector_changelist"))
    assert {s.name: s.agreement_count for s in response.context["cl"].result_list} == {"energy": 1}


@pytest.mark.parametrize(
    ("model_name", "field_name", "term", "expected"),
    [
        ("agreement", "supersedes", "2001", "2001 agreement"),
        ("agreement", "part_of", "2001", "2001 agreement"),
        ("agreement", "sectors", "ener", "energy"),
        ("agreementparty", "country", "Rusia", "Russia"),
        ("article", "people", "Díaz", "Miguel Díaz-Canel"),
        ("article", "organizations", "Novi", "Novikombank"),
    ],
)
def test_autocomplete_sources(editor_client, model_name, field_name, term, expected):
    AgreementFactory(title="2001 agreement")
    Sector.objects.create(name="energy")
    PersonFactory(name="Miguel Díaz-Canel")
    OrganizationFactory(name="Novikombank")
    app_label = "newsroom" if model_name == "article" else "alliances"
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert expected in [r["text"] for r in response.json()["results"]]


def test_writer_reads_agreements_but_cannot_change_them(writer_client, admin_form_data):
    agreement = AgreementFactory(title="Original title")
    url = agreement_change(agreement)
    assert writer_client.get(AGREEMENT_LIST).status_code == 200
    assert writer_client.get(url).status_code == 200  # the read-only view
    response = writer_client.post(url, {"title": "Changed", "slug": agreement.slug, "kind": agreement.kind})
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert agreement.title == "Original title"
