"""Admin for countries, sectors, agreements, people and organisations.

Every integrity rule reaches the editor as a form error: the database
constraints through ModelForm's constraint validation, the rules that need
other rows through ``Agreement.clean`` and the parties formset, and deletions
blocked by PROTECT through Django's own "cannot delete" page.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alliances.forms import AgreementAdminForm, AgreementPartyFormSet
from alliances.models import (
    Agreement,
    AgreementParticipant,
    AgreementParty,
    AgreementSource,
    Country,
    Organization,
    Person,
    Sector,
)
from newsroom.editorial.admin.helpers import (
    HTTPS_URLS,
    AccentInsensitiveSearchMixin,
    ListCountsMixin,
    SafeAutocompleteMixin,
    count_of,
    is_changelist,
    known_articles,
)
from newsroom.editorial.admin_history import EditLockAdminMixin, HistoryAdminMixin
from newsroom.editorial.forms import OwnRowsInlineFormSet
from newsroom.editorial.uploads import IMAGE_UPLOADS
from newsroom.models import TaggedCountry


@admin.register(Country)
class CountryAdmin(HistoryAdminMixin, AccentInsensitiveSearchMixin, ListCountsMixin, admin.ModelAdmin):
    list_display = ["name", "iso2", "iso3", "name_es", "article_count", "agreement_count"]
    search_fields = ["name", "name_en", "name_es", "iso2", "iso3"]
    search_help_text = _("Searches English and Spanish names and ISO codes.")
    fields = ["name", "slug", "iso2", "iso3", "name_en", "name_es", "wikidata_id", "introduction", "introduction_en"]
    prepopulated_fields = {"slug": ["name"]}
    # A country's agreements are shown, not edited here (the parties are
    # edited on the agreement): the newest few and a link to all of them in
    # the agreement list. Not an inline: a read-only inline still posts a
    # row per party, and Cuba's thousands of parties went past
    # DATA_UPLOAD_MAX_NUMBER_FIELDS, so saving the country answered 400.
    AGREEMENTS_SHOWN = 10

    def get_list_annotations(self, request) -> dict:
        return {
            "article_count": count_of(
                TaggedCountry, "tag", only=known_articles(request.user, "content_object", copied=True)
            ),
            "agreement_count": count_of(AgreementParty, "country", distinct="agreement"),
        }

    def get_search_results(self, request, queryset, search_term):
        """Exact names and codes first, then names that start with the term:
        "Rusia" offers Russia before Bielorrusia, "Iran" before Ireland."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term:
            exact = Q(name__iexact=term) | Q(name_es__iexact=term) | Q(iso2__iexact=term) | Q(iso3__iexact=term)
            prefix = Q(name__istartswith=term) | Q(name_es__istartswith=term)
            rank = Case(When(exact, then=Value(0)), When(prefix, then=Value(1)), default=Value(2))
            queryset = queryset.annotate(search_rank=rank).order_by("search_rank", "name")
        return queryset, may_have_duplicates

    def get_fields(self, request, obj=None):
        return [*self.fields, "agreement_list"] if obj is not None else self.fields

    def get_readonly_fields(self, request, obj=None):
        # The ISO codes identify the country everywhere (URLs, structured
        # data); they are set by the seed, not edited.
        return ["iso2", "iso3", "agreement_list"] if obj is not None else []

    @admin.display(description=_("agreements"))
    def agreement_list(self, obj: Country) -> str:
        parties = AgreementParty.objects.filter(country=obj)
        total = parties.values("agreement").distinct().count()
        if not total:
            return _("None yet. Parties are added on the agreement.")
        newest = (
            Agreement.objects.filter(parties__country=obj)
            .distinct()
            .order_by("-pk")
            .only("pk", "title")[: self.AGREEMENTS_SHOWN]
        )
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a></li>',
            ((reverse("admin:alliances_agreement_change", args=[a.pk]), a.title) for a in newest),
        )
        everything = f"{reverse('admin:alliances_agreement_changelist')}?parties__country__id__exact={obj.pk}"
        label = ngettext("the one agreement", "all %(count)s agreements", total) % {"count": f"{total:,}"}
        return format_html('<ul class="country-agreements">{}</ul><a href="{}">{}</a>', items, everything, label)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if obj is not None else self.prepopulated_fields

    @admin.display(description=_("articles"), ordering="article_count")
    def article_count(self, obj: Country) -> int:
        return obj.article_count

    @admin.display(description=_("agreements"), ordering="agreement_count")
    def agreement_count(self, obj: Country) -> int:
        return obj.agreement_count


@admin.register(Sector)
class SectorAdmin(ListCountsMixin, admin.ModelAdmin):
    list_display = ["name", "name_es", "slug", "agreement_count"]
    search_fields = ["name", "name_es"]
    fields = ["name", "name_es", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_annotations = {"agreement_count": count_of(Agreement.sectors.through, "sector")}

    @admin.display(description=_("agreements"), ordering="agreement_count")
    def agreement_count(self, obj: Sector) -> int:
        return obj.agreement_count


class AgreementPartyInline(SafeAutocompleteMixin, admin.TabularInline):
    model = AgreementParty
    formset = AgreementPartyFormSet
    autocomplete_fields = ["country"]
    fields = ["country", "role"]

    def get_extra(self, request, obj=None, **kwargs):
        # A new agreement needs two parties; show two empty rows for them.
        return 2 if obj is None else 0


class AgreementSourceInline(admin.TabularInline):
    model = AgreementSource
    formset = OwnRowsInlineFormSet
    formfield_overrides = HTTPS_URLS
    fields = ["outlet", "url", "published_on"]

    def get_extra(self, request, obj=None, **kwargs):
        return 1 if obj is None else 0


class AgreementParticipantInline(SafeAutocompleteMixin, admin.TabularInline):
    """Who signed, negotiated or lends under the agreement: a person or an
    organisation per row (the model's constraint says which rows are
    whole)."""

    model = AgreementParticipant
    formset = OwnRowsInlineFormSet
    autocomplete_fields = ["person", "organization"]
    fields = ["person", "organization", "role", "note"]
    extra = 0


@admin.register(Agreement)
class AgreementAdmin(
    EditLockAdminMixin, HistoryAdminMixin, AccentInsensitiveSearchMixin, SafeAutocompleteMixin, admin.ModelAdmin
):
    form = AgreementAdminForm
    recoverable = True
    list_display = ["title", "kind", "status", "party_list", "signed"]
    list_filter = ["kind", "status", "sectors", ("parties__country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "title_en"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["sectors", "supersedes", "part_of"]
    inlines = [AgreementPartyInline, AgreementParticipantInline, AgreementSourceInline]
    fieldsets = [
        (None, {"fields": ["title", "title_en", "slug", ("kind", "status"), "summary", "summary_en"]}),
        (
            _("Dates"),
            {
                "description": _(
                    "Give each known date with its precision: a year-only date shows as the year, never as 1 January."
                ),
                "fields": [
                    ("announced_on", "announced_on_precision"),
                    ("signed_on", "signed_on_precision"),
                    ("in_force_on", "in_force_on_precision"),
                    ("expires_on", "expires_on_precision"),
                    "duration_years",
                ],
            },
        ),
        (_("Related"), {"fields": ["sectors", "supersedes", "part_of", "wikidata_id"]}),
    ]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_changelist(request, self):
            qs = qs.prefetch_related(Prefetch("parties", queryset=AgreementParty.objects.select_related("country")))
        return qs

    @admin.display(description=_("parties"))
    def party_list(self, obj: Agreement) -> str:
        # "Russia (lender), Cuba (borrower)"; a plain party needs no label.
        return ", ".join(
            party.country.name if party.role == AgreementParty.Role.PARTY else str(party) for party in obj.parties.all()
        )

    @admin.display(description=_("signed"), ordering="signed_on")
    def signed(self, obj: Agreement) -> str:
        return obj.display_date("signed_on")


class ProfileAdmin(HistoryAdminMixin, AccentInsensitiveSearchMixin, SafeAutocompleteMixin, admin.ModelAdmin):
    """People and organisations. The autocomplete of the story form and of
    the agreement's people searches their other names too ("Díaz-Canel
    Bermúdez" finds Miguel Díaz-Canel), accents and capitals ignored."""

    formfield_overrides = IMAGE_UPLOADS
    list_select_related = ["country"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country"]
    page_fields = ["note", "note_en", "photo", "photo_credit", "wikidata_id"]

    def view_on_site(self, obj):
        # Only while the page exists (a public story names it, or an
        # agreement lists it): "View on site" must not lead to a 404.
        return obj.get_absolute_url() if obj.old_address_was_public() else None


@admin.register(Person)
class PersonAdmin(ProfileAdmin):
    list_display = ["name", "role", "country"]
    list_filter = [("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "aliases", "role", "role_en"]
    search_help_text = _("Searches names, other names and roles.")
    fieldsets = [
        (None, {"fields": ["name", "slug", "aliases", ("role", "role_en"), "country"]}),
        (_("Page"), {"fields": ProfileAdmin.page_fields}),
    ]


@admin.register(Organization)
class OrganizationAdmin(ProfileAdmin):
    list_display = ["name", "kind", "country"]
    list_filter = ["kind", ("country", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "aliases", "description", "description_en"]
    search_help_text = _("Searches names, other names and descriptions.")
    fieldsets = [
        (None, {"fields": ["name", "slug", "aliases", "kind", ("description", "description_en"), "country"]}),
        (_("Page"), {"fields": ProfileAdmin.page_fields}),
    ]
