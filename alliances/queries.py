"""Queries about agreements and their parties that both the stored country
overview (alliances.overview) and the reader pages (newsroom.site) make."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from alliances.models import Agreement, AgreementParty, Country


def agreements_by_recency(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Latest known date first (signed, else announced, else in force);
    undated agreements last."""
    return queryset.annotate(latest_date=Coalesce("signed_on", "announced_on", "in_force_on")).order_by(
        F("latest_date").desc(nulls_last=True), "title", "pk"
    )


def party_to(country_id) -> Q:
    """Agreements the country ``country_id`` is party to. A subquery, not a
    join: a country with two roles in one agreement must not count it twice."""
    return Q(pk__in=AgreementParty.objects.filter(country_id=country_id).values("agreement_id"))


def partner_countries(country_id) -> QuerySet[Country]:
    """Countries that share at least one agreement with the country
    ``country_id``, each with ``agreement_count``, most agreements first.
    Grouped on the party links alone: the agreements themselves are not
    read."""
    shared = AgreementParty.objects.filter(country_id=country_id).values("agreement_id")
    return (
        Country.objects.filter(agreement_parties__agreement_id__in=shared)
        .exclude(pk=country_id)
        .annotate(agreement_count=Count("agreement_parties__agreement_id", distinct=True))
        .order_by("-agreement_count", "name")
    )


def party_country_ids(agreement_id) -> set[int]:
    """The countries party to an agreement, by id."""
    return set(AgreementParty.objects.filter(agreement_id=agreement_id).values_list("country_id", flat=True))
