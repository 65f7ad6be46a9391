"""Admin forms for agreements: the rules that need every party at once, and
the edit lock that stops two editors overwriting each other."""

from __future__ import annotations

from django import forms

from alliances.models import Agreement
from newsroom.editorial.forms import EditLockFormMixin, OwnRowsInlineFormSet


class AgreementAdminForm(EditLockFormMixin, forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "title",
            "title_en",
            "slug",
            "kind",
            "status",
            "summary",
            "summary_en",
            "announced_on",
            "announced_on_precision",
            "signed_on",
            "signed_on_precision",
            "in_force_on",
            "in_force_on_precision",
            "expires_on",
            "expires_on_precision",
            "duration_years",
            "sectors",
            "supersedes",
            "part_of",
        ]


class AgreementPartyFormSet(OwnRowsInlineFormSet):
    """The parties inline of an agreement. Row by row, Django checks each
    party (and that no country has the same role twice); here the set as a
    whole goes through ``Agreement.check_parties``: at least two different
    countries, and no country lending to itself."""

    def clean(self):
        super().clean()
        if any(self.errors):
            # Fix the rows first; a half-valid list would give a misleading
            # "needs two countries" on top of the row's own error.
            return
        parties = [
            (form.cleaned_data["country"].pk, form.cleaned_data.get("role"))
            for form in self.forms
            if form.cleaned_data.get("country") is not None and not form.cleaned_data.get("DELETE")
        ]
        self.instance.check_parties(parties)
