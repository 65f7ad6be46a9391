"""The stored overview beside a country's stories (alliances.overview):
whatever changes an agreement, a party or a country, the page shows the
change at once, and a country without a stored overview still shows the
right one."""

import pytest
from django.db import transaction

from alliances import overview
from alliances.models import Agreement, AgreementParty, Country, CountryOverview
from newsroom.editorial import restore
from tests.factories import AgreementFactory, country

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def side(client, slug: str, edition: str = "/en") -> str:
    """The country page's side column, in the English edition unless told
    (the Spanish one is ``edition=""``)."""
    page = client.get(f"{edition}/countries/{slug}/").content.decode()
    return page[page.index('id="agreements-heading"') :]


def partners(client, slug: str, edition: str = "/en") -> str:
    text = side(client, slug, edition)
    return text[text.index('id="partners-heading"') :] if 'id="partners-heading"' in text else ""


def test_a_new_agreement_appears_in_each_partys_overview(client):
    AgreementFactory(title="Havana-Hanoi rice deal", party_codes=["CU", "VN"])
    assert "Havana-Hanoi rice deal" in side(client, "cuba")
    assert "Havana-Hanoi rice deal" in side(client, "vietnam")
    assert '<a href="/en/countries/cuba/">Cuba</a> <span class="count">1 agreement</span>' in partners(
        client, "vietnam"
    )


def test_an_edited_agreement_is_shown_as_it_is_now(client):
    deal = AgreementFactory(title="Rice deal", status="signed", party_codes=["CU", "VN"])
    deal.title, deal.status = "Rice and coffee deal", "in_force"
    deal.save()
    text = side(client, "vietnam")
    assert "Rice and coffee deal" in text and ">Rice deal<" not in text
    assert 'status=in_force">In force</a> <span class="count">1</span>' in text
    assert "status=signed" not in text


def test_a_removed_party_leaves_both_overviews(client):
    deal = AgreementFactory(title="Three-way deal", party_codes=["CU", "VN", "IR"])
    deal.parties.get(country=country("IR")).delete()
    assert "Three-way deal" not in side(client, "iran")
    assert "/countries/iran/" not in partners(client, "cuba")
    assert "/countries/vietnam/" in partners(client, "cuba")


def test_a_party_moved_to_another_country_leaves_the_first(client):
    deal = AgreementFactory(title="Moved deal", party_codes=["CU", "VN"])
    party = deal.parties.get(country=country("VN"))
    party.country = country("IR")
    party.save()
    assert "Moved deal" not in side(client, "vietnam")
    assert "Moved deal" in side(client, "iran")
    assert "/countries/vietnam/" not in partners(client, "cuba")


def test_a_deleted_agreement_leaves_every_overview(client):
    AgreementFactory(title="Kept deal", party_codes=["CU", "IR"])
    gone = AgreementFactory(title="Cancelled deal", party_codes=["CU", "VN"])
    gone.delete()
    assert "Cancelled deal" not in side(client, "cuba")
    assert 'Agreements <span class="count">1</span>' in side(client, "cuba")
    assert "No agreements recorded." in side(client, "vietnam")


def test_a_renamed_country_is_renamed_in_its_partners_overviews(client):
    AgreementFactory(title="Deal", party_codes=["CU", "VN"])
    vietnam = country("VN")
    vietnam.name = "Viet Nam"
    vietnam.save()
    assert ">Viet Nam</a>" in partners(client, "cuba")
    # ...and among the parties printed on the agreement's card.
    assert "Viet Nam" in side(client, "cuba").split('id="partners-heading"')[0]
    # The Spanish edition prints the Spanish name, renamed the same way.
    vietnam.name_es = "Viet Nam (es)"
    vietnam.save()
    assert ">Viet Nam (es)</a>" in partners(client, "cuba", edition="")
    assert "Viet Nam (es)" in side(client, "cuba", edition="").split('id="partners-heading"')[0]


def test_a_change_rolled_back_leaves_the_overview_as_it_was(client):
    deal = AgreementFactory(title="Steady deal", party_codes=["CU", "VN"])
    with pytest.raises(RuntimeError), transaction.atomic():
        deal.title = "Unsaved title"
        deal.save()
        raise RuntimeError("the editor's save failed")
    assert "Steady deal" in side(client, "cuba")
    assert "Unsaved title" not in side(client, "cuba")


def test_a_country_without_a_stored_overview_gets_the_same_one_computed(client):
    AgreementFactory(title="Deal one", party_codes=["CU", "VN"])
    AgreementFactory(title="Deal two", status="announced", party_codes=["CU", "IR"])
    stored = {edition: side(client, "cuba", edition) for edition in ("", "/en")}
    CountryOverview.objects.filter(country=country("CU")).delete()
    assert {edition: side(client, "cuba", edition) for edition in stored} == stored
    # migrate fills the overviews of countries that have none.
    assert overview.refresh_all(missing_only=True) >= 1
    assert CountryOverview.objects.filter(country=country("CU")).exists()
    assert {edition: side(client, "cuba", edition) for edition in stored} == stored


def test_rows_written_around_the_orm_are_caught_up_by_refresh_all(client):
    deal = Agreement.objects.create(title="Bulk deal", slug="bulk-deal", status="signed")
    AgreementParty.objects.bulk_create(
        [AgreementParty(agreement=deal, country=country("CU")), AgreementParty(agreement=deal, country=country("VN"))]
    )
    assert "Bulk deal" not in side(client, "cuba")  # bulk_create sends no signals
    overview.refresh_all()
    assert "Bulk deal" in side(client, "cuba")
    # Each partner: name, slug, agreement count and Spanish name.
    assert Country.objects.get(iso2="VN").overview.data["partners"] == [["Cuba", "cuba", 1, "Cuba"]]


def test_a_restored_agreement_version_is_shown_where_it_belongs(client, editor_user):
    from newsroom.editorial import history

    deal = AgreementFactory(title="Credit line", party_codes=["RU", "CU"])
    history.record_version(deal, user=editor_user)
    party = deal.parties.get(country=country("CU"))
    party.country = country("VE")
    party.save()
    deal.title = "Credit line for Venezuela"
    deal.save()
    assert "Credit line for Venezuela" in side(client, "venezuela")
    assert "Credit line" not in side(client, "cuba")

    restore.restore_version(version=history.versions_of(deal).last(), user=editor_user)
    assert ">Credit line<" in side(client, "cuba")
    assert "Credit line" not in side(client, "venezuela")


def test_parties_written_through_the_countries_relation_are_followed(client):
    deal = AgreementFactory(title="Relation deal", party_codes=["CU", "VN"])
    deal.countries.add(country("IR"))
    assert "Relation deal" in side(client, "iran")
    assert "/countries/iran/" in partners(client, "cuba")
    deal.countries.remove(country("IR"))
    assert "Relation deal" not in side(client, "iran")
    deal.countries.clear()
    assert "Relation deal" not in side(client, "cuba")
    assert "No agreements recorded." in side(client, "vietnam")
    country("VN").agreements.add(deal)
    assert "Relation deal" in side(client, "vietnam")


def test_a_side_column_rendered_before_a_change_is_not_shown_after_it(client):
    """The side column is rendered once per process for each stored overview
    (alliances.views.side_column): a page seen before an edit, a new party
    or a rename must show the change on the next view, and a remembered
    column must be exactly what a fresh render gives."""
    from alliances import views

    deal = AgreementFactory(title="Rice deal", status="signed", party_codes=["CU", "VN"])
    first = side(client, "vietnam")
    assert "Rice deal" in first and side(client, "vietnam") == first
    deal.title = "Rice and coffee deal"
    deal.save()
    assert "Rice and coffee deal" in side(client, "vietnam")
    AgreementParty.objects.create(agreement=deal, country=country("IR"))
    assert ">Iran<" in partners(client, "vietnam")
    cuba = Country.objects.get(slug="cuba")
    cuba.name = "Republic of Cuba"
    cuba.save()
    remembered = side(client, "vietnam")
    assert "Republic of Cuba" in remembered
    views._side_html.clear()
    assert side(client, "vietnam") == remembered
