"""Agreement dates as readers should see them: only as precise as known."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

TIMELINE = (
    ("announced_on", _("Announced")),
    ("signed_on", _("Signed")),
    ("in_force_on", _("In force")),
    ("expires_on", _("Expires")),
)


def agreement_timeline(agreement) -> list[dict]:
    """The known dates of ``agreement`` in order, each with its label, its text
    at its precision ("2001", "January 2025") and its ISO form for <time>."""
    return [
        {"label": label, "text": agreement.display_date(name), "iso": agreement.date_iso(name)}
        for name, label in TIMELINE
        if getattr(agreement, name) is not None
    ]


def agreement_date(agreement, name: str) -> dict | None:
    """One date of ``agreement`` (``name`` is e.g. "signed_on") as {"text", "iso"}."""
    if name not in {n for n, _label in TIMELINE} or getattr(agreement, name) is None:
        return None
    return {"text": agreement.display_date(name), "iso": agreement.date_iso(name)}


def party_countries(agreement) -> list:
    """The distinct countries among ``agreement``'s parties, in order (a
    country may hold two roles): from ``party_list`` where a stored document
    gave it (alliances.agreement_page), else the prefetched parties."""
    parties = getattr(agreement, "party_list", None)
    if parties is None:
        parties = agreement.parties.all()
    seen, countries = set(), []
    for party in parties:
        if party.country_id not in seen:
            seen.add(party.country_id)
            countries.append(party.country)
    return countries
