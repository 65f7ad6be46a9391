"""Public pages for countries and agreements. Queries live in
``newsroom.site.selectors``; every article read starts from
``Article.objects.published()``."""

from __future__ import annotations

import functools
import json
import threading
from collections import OrderedDict
from urllib.parse import urlencode

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliances import overview
from alliances.models import Agreement, Country, Organization, Person, Sector
from newsroom.pagecache import tags
from newsroom.pagecache.pages import depends_on
from newsroom.site import selectors
from newsroom.site.seo import agreement_json_ld, profile_json_ld
from newsroom.site.views import absolute_url, page_meta, paginate, paginate_editions


def country_list(request):
    return render(
        request,
        "alliances/country_list.html",
        {
            "countries": selectors.by_display_name(selectors.countries_with_counts()),
            "meta": page_meta(request, title=_("Countries"), description=_("Every country in our coverage.")),
            "breadcrumbs": [(_("Countries"), "")],
        },
    )


# The first page's side column (agreements by status, the latest few,
# partner countries) prints the stored overview and the country's name and
# address, nothing else: it is rendered once per process for each, as cards
# are (newsroom.site.jinja2), by the overview's stored JSON. A changed
# overview or a renamed country makes a new key; the oldest go first.
# Rendering it was about a fifth of a country's first page.
_side_html: OrderedDict[tuple, SafeString] = OrderedDict()
SIDES_KEPT = 1_024
_side_lock = threading.Lock()


def side_column(country: Country) -> SafeString:
    data = getattr(country, "overview_data", None)
    stored = data if isinstance(data, str) or data is None else json.dumps(data, sort_keys=True)
    key = (country.pk, country.name, country.name_es, country.slug, translation.get_language(), stored)
    with _side_lock:
        html = _side_html.get(key) if stored is not None else None
        if html is not None:
            _side_html.move_to_end(key)
            return html
    rendered = loader.render_to_string(
        "alliances/country_side.html", {"country": country, "overview": overview.for_page(country)}
    )
    html = mark_safe(rendered)  # noqa: S308 - an autoescaping template rendered it
    if stored is not None:
        with _side_lock:
            _side_html[key] = html
            if len(_side_html) > SIDES_KEPT:
                _side_html.popitem(last=False)
    return html


def country_detail(request, slug):
    country = overview.country_for_page(slug)
    if country is None:
        raise Http404("No such page")
    page, others = paginate_editions(request, functools.partial(selectors.country_cards, country))
    depends_on(request, tags.tag(Country, country.pk))
    return render(
        request,
        "alliances/country_detail.html",
        {
            "country": country,
            "other_editions": others,
            "page": page,
            # The agreements and partners column is the country's overview:
            # page 1 shows it; older pages of stories link back to it.
            "side_column": side_column(country) if page.number == 1 else "",
            "meta": page_meta(
                request,
                title=country.display_name,
                description=_("Stories, agreements and partners of %(country)s.") % {"country": country.display_name},
                page=page,
            ),
            "breadcrumbs": [(_("Countries"), reverse("alliances:country-list")), (country.display_name, "")],
        },
    )


class AgreementFilterForm(forms.Form):
    """The agreements index's filters. Only known values pass: a country or
    sector slug that exists, a kind or status among the choices. Anything else
    is dropped and that filter is not applied."""

    country = forms.ChoiceField(label=gettext_lazy("Country"), required=False)
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        required=False,
        choices=[("", gettext_lazy("Any kind")), *Agreement.Kind.choices],
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *Agreement.Status.choices],
    )
    sector = forms.ChoiceField(label=gettext_lazy("Sector"), required=False)

    def __init__(self, data, *, countries, sectors):
        super().__init__(data)
        self._countries = {c.slug: c for c in countries}
        self._sectors = {s.slug: s for s in sectors}
        self.fields["country"].choices = [("", _("Any country"))] + [(c.slug, c.display_name) for c in countries]
        self.fields["sector"].choices = [("", _("Any sector"))] + [(s.slug, s.display_name) for s in sectors]

    def filters(self) -> dict:
        """Keyword arguments for ``selectors.filter_agreements``, from the
        fields that validated."""
        self.is_valid()
        data = self.cleaned_data
        return {
            "country": self._countries.get(data.get("country") or ""),
            "kind": data.get("kind") or "",
            "status": data.get("status") or "",
            "sector": self._sectors.get(data.get("sector") or ""),
        }

    def query(self) -> list[tuple[str, str]]:
        """The applied filters as query-string pairs, in a fixed order, for
        pagination links and the canonical address."""
        self.is_valid()
        return [(name, self.cleaned_data[name]) for name in self.fields if self.cleaned_data.get(name)]


def agreement_list(request):
    form = AgreementFilterForm(
        request.GET,
        countries=selectors.by_display_name(selectors.countries_in_agreements()),
        sectors=selectors.by_display_name(Sector.objects.all()),
    )
    page = paginate(request, selectors.filter_agreements(**form.filters()))
    query = form.query()
    return render(
        request,
        "alliances/agreement_list.html",
        {
            "form": form,
            "page": page,
            "page_query": query,
            # The same agreements as a table: the API's export, under the same filters.
            "csv_url": reverse("api:agreement-csv") + (f"?{urlencode(query)}" if query else ""),
            "filtered": bool(query),
            "meta": page_meta(
                request,
                title=_("Agreements"),
                description=_("Treaties, partnerships, credit lines and investment projects between countries."),
                page=page,
                query=query,
            ),
            "breadcrumbs": [(_("Agreements"), "")],
        },
    )


def agreement_detail(request, slug):
    agreement = selectors.agreement_for_page(slug)
    if agreement is None:
        # A renamed agreement's old address answers 301 (newsroom.site.middleware).
        raise Http404("No such page")
    page, others = paginate_editions(request, functools.partial(selectors.agreement_cards, agreement))
    lists = agreement.lists
    linked = [lists.supersedes, lists.part_of, *lists.superseded_by, *lists.parts]
    depends_on(
        request,
        tags.tag(Agreement, agreement.pk),
        tags.tags_of(Agreement, [other.pk for other in linked if other is not None]),
    )
    return render(
        request,
        "alliances/agreement_detail.html",
        {
            "agreement": agreement,
            "page": page,
            "other_editions": others,
            "json_ld": agreement_json_ld(agreement),
            "meta": page_meta(
                request,
                title=agreement.display_title,
                description=Truncator(agreement.display_summary).chars(200)
                or _("%(kind)s: %(status)s.")
                % {"kind": agreement.get_kind_display(), "status": agreement.get_status_display()},
                page=page,
            ),
            "breadcrumbs": [(_("Agreements"), reverse("alliances:agreement-list")), (agreement.display_title, "")],
        },
    )


def _profile_page(request, model, slug, cards, *, empty_text: str, kind: str):
    """A person's or an organisation's page: who they are, the agreements
    they took part in (with their role), and the public stories that name
    them, paginated as a topic's are, in each edition."""
    record = selectors.profile_by_slug(model, slug)
    if record is None:
        # A renamed record's old address answers 301 (newsroom.site.middleware).
        raise Http404("No such page")
    page, others = paginate_editions(request, functools.partial(cards, record))
    if not record.in_agreement and not page.object_list and not others:
        # The page exists while an agreement lists the record or a public
        # story names it (selectors.profile_for_page): a name typed into an
        # embargoed story is not given away. Later pages without stories
        # are 404s already (paginate_articles).
        raise Http404("No such page")
    roles = selectors.agreement_roles(record)
    depends_on(request, tags.tag(model, record.pk), tags.tags_of(Agreement, {r.agreement_id for r in roles}))
    name = record.name
    role = record.display_role
    return render(
        request,
        "alliances/profile_detail.html",
        {
            "record": record,
            "kind": kind,
            "roles": roles,
            "page": page,
            "other_editions": others,
            "empty_text": empty_text,
            "feed_url": reverse(f"newsroom:{model._meta.model_name}-feed", kwargs={"slug": record.slug}),
            "json_ld": profile_json_ld(record, page),
            "meta": page_meta(
                request,
                title=name,
                description=Truncator(record.display_note).chars(200)
                or (f"{name}: {role}." if role else _("Stories about %(name)s.") % {"name": name}),
                type="profile",
                page=page,
                image=absolute_url(record.photo.url) if record.photo else "",
            ),
            "breadcrumbs": [(name, "")],
        },
    )


def person_detail(request, slug):
    return _profile_page(
        request,
        Person,
        slug,
        selectors.person_cards,
        empty_text=_("No published stories name this person yet."),
        kind=_("Person"),
    )


def organization_detail(request, slug):
    return _profile_page(
        request,
        Organization,
        slug,
        selectors.organization_cards,
        empty_text=_("No published stories name this organisation yet."),
        kind=_("Organisation"),
    )
