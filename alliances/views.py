"""Public pages for countries and agreements."""

from django.shortcuts import get_object_or_404, render

from alliances.models import Agreement, Country
from newsroom.models import Article
from newsroom.views import paginate


def country_list(request):
    countries = Country.objects.filter(tagged_articles__content_object__in=Article.objects.published()).distinct()
    return render(request, "alliances/country_list.html", {"countries": countries})


def country_detail(request, slug):
    country = get_object_or_404(Country, slug=slug)
    page = paginate(request, Article.objects.published().for_listing().filter(countries=country))
    return render(request, "alliances/country_detail.html", {"country": country, "page": page})


def agreement_list(request):
    agreements = Agreement.objects.prefetch_related("parties__country")
    return render(request, "alliances/agreement_list.html", {"agreements": agreements})


def agreement_detail(request, slug):
    agreement = get_object_or_404(Agreement.objects.prefetch_related("parties__country", "sources"), slug=slug)
    articles = Article.objects.published().for_listing().filter(agreements=agreement)
    return render(request, "alliances/agreement_detail.html", {"agreement": agreement, "articles": articles})
