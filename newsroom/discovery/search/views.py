"""The /search/ page."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from alliances.models import Country
from newsroom.core import editions
from newsroom.core.editions import in_edition
from newsroom.discovery.search import engine
from newsroom.discovery.search.query import MAX_QUERY_LENGTH, Filters, clean_query
from newsroom.discovery.search.snippets import add_snippets
from newsroom.models import Article, Topic
from newsroom.site import selectors
from newsroom.site.views import other_language_heading, page_meta, paginate


def result_page(request, ranked: list[int]):
    """The requested page of ``ranked`` ids (a 404 if there is no such
    page), its ids replaced by their cards in the same order."""
    page = paginate(request, ranked)
    found = {card.pk: card for card in selectors.cards(list(page.object_list))}
    page.object_list = [found[pk] for pk in page.object_list if pk in found]
    return page


# --- Facets ----------------------------------------------------------------


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    url: str


@dataclass
class Facets:
    countries: list[FacetOption] = field(default_factory=list)
    topics: list[FacetOption] = field(default_factory=list)
    years: list[FacetOption] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[FacetOption]]]:
        return [(_("Country"), self.countries), (_("Topic"), self.topics), (_("Year"), self.years)]


def _query_string(params: dict) -> str:
    return urlencode({key: value for key, value in params.items() if value not in (None, "")})


def facets_from_rows(countries: list, topics: list, years: list, state: dict) -> Facets:
    """The facet options, named in the edition's language (a country's
    Spanish name on Spanish pages, a topic's reader name in the edition's
    language, else in the other, which the page marks with its ``lang``);
    each links to the search narrowed by it (or widened again, if it is the
    one selected)."""

    def option(key: str, value, label: str, count: int) -> FacetOption:
        selected = str(state.get(key) or "") == str(value)
        url = "?" + _query_string({**state, key: None if selected else value})
        return FacetOption(str(value), label, count, selected, url)

    spanish = translation.get_language() == "es"
    return Facets(
        countries=[option("country", slug, spanish and name_es or name, n) for slug, name, name_es, n in countries],
        topics=[option("topic", slug, in_edition({"es": name_es, "en": name}), n) for slug, name, name_es, n in topics],
        years=[option("year", year, str(year), n) for year, n in years],
    )


# --- The page --------------------------------------------------------------


class QueryField(forms.CharField):
    """A search box that cleans rather than refuses: control characters and
    NUL are dropped and overlong input is cut (see clean_query)."""

    def to_python(self, value):
        return clean_query(super().to_python(value))


class SearchForm(forms.Form):
    q = QueryField(required=False, label=_lazy("Search articles"))
    country = forms.SlugField(required=False, allow_unicode=True, max_length=100)
    topic = forms.SlugField(required=False, allow_unicode=True, max_length=100)
    year = forms.IntegerField(
        required=False, min_value=Article.PUBLICATION_YEARS[0], max_value=Article.PUBLICATION_YEARS[1]
    )


def search_view(request):
    """/search/?q=&country=&topic=&year=&page=. Facet values that are not
    valid or name nothing are ignored; a page that does not exist is a 404."""
    form = SearchForm(request.GET)
    form.is_valid()  # invalid fields are simply left out of cleaned_data
    data = form.cleaned_data
    query = data.get("q") or ""
    context = {
        "query": query,
        "max_length": MAX_QUERY_LENGTH,
        # Result pages are endless combinations of words: not for indexes.
        "meta": page_meta(
            request, title=_("%(query)s – Search") % {"query": query} if query else _("Search"), noindex=True
        ),
    }
    if query:
        filters = Filters(
            country=Country.objects.filter(slug=data["country"]).first() if data.get("country") else None,
            # Only a topic readers may know of: one that only unpublished
            # stories carry is ignored like a slug that names nothing, so the
            # answer cannot tell the two apart.
            topic=Topic.objects.with_public_story().filter(slug=data["topic"]).first() if data.get("topic") else None,
            year=data.get("year"),
        )
        state = {
            "q": query,
            "country": filters.country.slug if filters.country else None,
            "topic": filters.topic.slug if filters.topic else None,
            "year": filters.year,
        }
        # Only the search for the words needs a plan made for them; the page
        # then reads its articles by id.
        with engine().custom_plans():
            matches = engine().find_matches(query, filters)
        page = result_page(request, matches.ranked)
        add_snippets(page.object_list, matches.stems)
        # The edition's language first (the engines order them so), then the
        # other language's matches in a labelled block.
        edition = translation.get_language()
        context.update(
            own_results=[article for article in page.object_list if article.language == edition],
            other_results=[article for article in page.object_list if article.language != edition],
            other_label=other_language_heading(editions.other_languages(edition)),
        )
        context.update(
            filters=filters,
            facets=facets_from_rows(matches.countries, matches.topics, matches.years, state),
            total=len(matches.ranked),
            capped=matches.capped,
            page=page,
            # Read by page_url() (newsroom.site.jinja2) of the pagination links.
            page_query=[(key, value) for key, value in state.items() if value not in (None, "")],
        )
    return render(request, "newsroom/search.html", context)
