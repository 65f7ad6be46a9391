"""Integrity of the alliances records at the model level: each database
constraint refuses a bad row even when validation is skipped, full_clean()
reports the same rule as a ValidationError, and the rules that need other
rows live in clean() and Agreement.check_parties."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import translation

from alliances.models import Agreement, AgreementParty, ArticleAgreement, Country
from tests.factories import AgreementFactory, ArticleFactory, PersonFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """These tests check the rules, not the language: read their messages
    in English (outside a request the site's language is Spanish)."""
    with translation.override("en"):
        yield


DATES = ["announced_on", "signed_on", "in_force_on", "expires_on"]


def refused_by_database(**changes) -> None:
    """Write ``changes`` to a valid agreement without validation; the
    database must refuse."""
    agreement = AgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(**changes)


def refused_by_full_clean(**changes) -> ValidationError:
    agreement = AgreementFactory()
    for field, value in changes.items():
        setattr(agreement, field, value)
    with pytest.raises(ValidationError) as excinfo:
        agreement.full_clean()
    return excinfo.value


# Each case: the fields of a bad row and a phrase of the editor-facing message.
BAD_ROWS = {
    "signed_before_announced": (
        {"announced_on": date(2024, 6, 1), "announced_on_precision": "day", "signed_on": date(2024, 5, 1)},
        "signing date cannot be before the announcement",
    ),
    "in_force_before_signed": (
        {"in_force_on": date(2024, 4, 1), "in_force_on_precision": "day"},
        "cannot enter into force before it is signed",
    ),
    "expires_on_entry_into_force": (
        {
            "in_force_on": date(2024, 6, 1),
            "in_force_on_precision": "day",
            "expires_on": date(2024, 6, 1),
            "expires_on_precision": "day",
        },
        "expiry date must come after entry into force",
    ),
    "expires_before_entry_into_force": (
        {
            "in_force_on": date(2024, 6, 1),
            "in_force_on_precision": "day",
            "expires_on": date(2020, 1, 1),
            "expires_on_precision": "year",
        },
        "expiry date must come after entry into force",
    ),
    "duration_zero": ({"duration_years": 0}, "between 1 and 99 years"),
    "duration_100": ({"duration_years": 100}, "between 1 and 99 years"),
    **{
        f"{field}_without_precision": ({field: date(2024, 6, 1), f"{field}_precision": ""}, "precise it is")
        for field in DATES
    },
    **{
        f"{field}_precision_without_date": ({field: None, f"{field}_precision": "year"}, "precise it is")
        for field in DATES
    },
}


@pytest.mark.parametrize(("changes", "message"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_database_refuses_a_bad_agreement_row(changes, message):
    refused_by_database(**changes)


@pytest.mark.parametrize(("changes", "message"), BAD_ROWS.values(), ids=BAD_ROWS.keys())
def test_full_clean_reports_the_same_rule(changes, message):
    error = refused_by_full_clean(**changes)
    assert any(message in text for text in error.messages), error.messages


@pytest.mark.parametrize("years", [1, 20, 99])
def test_durations_within_range_are_fine(years):
    agreement = AgreementFactory(duration_years=years)
    agreement.full_clean()


def test_a_year_only_date_is_fine_and_shown_as_the_year():
    agreement = AgreementFactory(signed_on=date(2001, 1, 1), signed_on_precision="year", duration_years=20)
    agreement.full_clean()
    assert agreement.display_date("signed_on") == "2001"


@pytest.mark.parametrize("field", ["supersedes", "part_of"])
def test_database_refuses_an_agreement_pointing_at_itself(field):
    agreement = AgreementFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.filter(pk=agreement.pk).update(**{f"{field}_id": agreement.pk})


@pytest.mark.parametrize(("field", "message"), [("supersedes", "supersede itself"), ("part_of", "part of itself")])
def test_validation_refuses_an_agreement_pointing_at_itself(field, message):
    agreement = AgreementFactory()
    setattr(agreement, field, agreement)
    # clean() sees the shortest loop and puts the error on the field...
    with pytest.raises(ValidationError) as excinfo:
        agreement.full_clean()
    assert "loop" in excinfo.value.message_dict[field][0]
    # ...and the check constraint says the same on its own.
    with pytest.raises(ValidationError) as excinfo:
        agreement.validate_constraints()
    assert any(message in text for text in excinfo.value.messages)


@pytest.mark.parametrize("field", ["supersedes", "part_of"])
def test_clean_refuses_a_cycle_through_other_agreements(field):
    first, second, third = AgreementFactory(), AgreementFactory(), AgreementFactory()
    Agreement.objects.filter(pk=second.pk).update(**{field: first})
    Agreement.objects.filter(pk=third.pk).update(**{field: second})
    setattr(first, field, third)  # first -> third -> second -> first
    with pytest.raises(ValidationError) as excinfo:
        first.full_clean()
    assert field in excinfo.value.message_dict
    assert "loop" in excinfo.value.message_dict[field][0]


@pytest.mark.parametrize("field", ["supersedes", "part_of"])
def test_a_chain_without_a_cycle_is_fine(field):
    old, new = AgreementFactory(), AgreementFactory()
    setattr(new, field, old)
    new.full_clean()


def test_one_party_entry_per_agreement_country_and_role():
    agreement = AgreementFactory(party_codes=["IR", "CU"])
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementParty.objects.create(agreement=agreement, country=country("IR"), role="party")
    duplicate = AgreementParty(agreement=agreement, country=country("IR"), role="party")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "already has this role" in str(excinfo.value)
    # The same country in another role is a different entry.
    AgreementParty.objects.create(agreement=agreement, country=country("IR"), role="signatory")


@pytest.mark.parametrize(
    "parties",
    [
        [],
        [("CU", "party")],
        [("CU", "party"), ("CU", "signatory")],
    ],
)
def test_an_agreement_needs_two_distinct_countries(parties):
    agreement = Agreement(title="Lonely")
    with pytest.raises(ValidationError) as excinfo:
        agreement.check_parties([(country(code).pk, role) for code, role in parties])
    assert "at least two different countries" in excinfo.value.messages[0]


def test_a_lender_is_not_its_own_borrower():
    agreement = Agreement(title="Credit")
    ru, cu = country("RU").pk, country("CU").pk
    with pytest.raises(ValidationError) as excinfo:
        agreement.check_parties([(ru, "lender"), (ru, "borrower"), (cu, "party")])
    assert "both the lender and the borrower" in excinfo.value.messages[0]
    agreement.check_parties([(ru, "lender"), (cu, "borrower")])


def test_iso_codes_are_unique_and_well_formed():
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.create(name="Fake Cuba", slug="fake-cuba", iso2="CU", iso3="XCU", name_en="x", name_es="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.create(name="Lower", slug="lower", iso2="xx", iso3="XXX", name_en="x", name_es="x")


def test_a_country_still_referenced_cannot_be_deleted():
    agreement = AgreementFactory(party_codes=["IR", "CU"])
    with pytest.raises(ProtectedError):
        country("IR").delete()
    ArticleFactory(country_codes=["KP"])
    with pytest.raises(ProtectedError):
        country("KP").delete()
    PersonFactory(country=country("RU"))
    with pytest.raises(ProtectedError):
        country("RU").delete()
    assert agreement.parties.count() == 2


def test_an_agreement_still_referenced_cannot_be_deleted():
    old = AgreementFactory()
    AgreementFactory(supersedes=old)
    with pytest.raises(ProtectedError):
        old.delete()
    covered = AgreementFactory()
    ArticleAgreement.objects.create(article=ArticleFactory(), agreement=covered)
    with pytest.raises(ProtectedError):
        covered.delete()
    parent = AgreementFactory()
    AgreementFactory(part_of=parent)
    with pytest.raises(ProtectedError):
        parent.delete()


def test_an_unreferenced_agreement_deletes_with_its_parties():
    agreement = AgreementFactory()
    agreement.delete()
    assert not AgreementParty.objects.exists()


def test_tagging_an_unknown_country_creates_nothing():
    article = ArticleFactory()
    before = Country.objects.count()
    with pytest.raises(ValidationError):
        article.countries.add("Atlantis")
    assert Country.objects.count() == before
    article.countries.add("rusia", "CUB")
    assert sorted(article.countries.values_list("iso2", flat=True)) == ["CU", "RU"]
