"""What search engines read: the sitemaps, the Google News sitemap and
robots.txt.

/sitemap.xml is always a sitemap index pointing at one sitemap per section
(/sitemap-articles.xml, /sitemap-topics.xml, ...). A page that every edition
has (the front page, a topic, a country...) is listed once per edition, each
entry naming the others as ``xhtml:link`` alternates with an x-default (the
default edition's); a story is listed at its own address, in its language's
edition, with its public translation and itself as alternates. A section past the
protocol's 50,000 URLs is split into pages (?p=2, ...) and the index lists
each page. Listing pages (topics, countries, authors) appear only once they
have a public article; people and organisations once a public article
names them or an agreement lists them. Every article read starts from
``Article.objects.published()``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from alliances.models import Agreement, AgreementParticipant, Organization, Person
from newsroom.core import editions
from newsroom.core.converters import slug_path
from newsroom.discovery.feeds import xml_text
from newsroom.models import Article, Byline, TaggedCountry, TaggedTopic

# Google News reads articles of the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class EditionsSitemap(Sitemap):
    """Pages that exist in every edition: one entry per edition, with
    alternates (Django's own i18n sitemaps; ``location`` is called with each
    language active, and addresses follow the active edition)."""

    i18n = True
    alternates = True
    x_default = True


class PageSitemap(EditionsSitemap):
    """The fixed entry points: front page and the three directories."""

    def items(self):
        return ["newsroom:home", "newsroom:topic-list", "alliances:country-list", "alliances:agreement-list"]

    def location(self, name: str) -> str:
        return reverse(name)


class ArticleSitemap(Sitemap):
    """Each public story at its own address; a story whose translation is
    public too names both (and the default edition's as x-default) as
    ``xhtml:link`` alternates, as each page's hreflang links do."""

    def items(self):
        # Its public translation, read in the same query (a draft, scheduled
        # or archived translation is never named).
        translation = (
            Article.objects.published()
            .filter(translation_key=OuterRef("translation_key"))
            .exclude(pk=OuterRef("pk"))
            .order_by("pk")
        )
        # Ordered by id so that a page of the sitemap keeps its articles as
        # new ones are published.
        return (
            Article.objects.published()
            .only("slug", "language", "updated_at")
            .annotate(
                translation_slug=Subquery(translation.values("slug")[:1]),
                translation_language=Subquery(translation.values("language")[:1]),
            )
            .order_by("pk")
        )

    def lastmod(self, article: Article):
        return article.updated_at

    def get_urls(self, page=1, site=None, protocol=None):
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        origin = f"{self.get_protocol(protocol)}://{self.get_domain(site)}"
        for url in urls:
            article = url["item"]
            if article.translation_slug:
                paths = {
                    article.language: article.get_absolute_url(),
                    article.translation_language: slug_path(
                        "newsroom:article-detail", article.translation_slug, article.translation_language
                    ),
                }
                url["alternates"] = [
                    {"lang_code": code, "location": origin + paths[code]}
                    for code in editions.languages()
                    if code in paths
                ]
                if editions.default_language() in paths:
                    default = origin + paths[editions.default_language()]
                    url["alternates"].append({"lang_code": "x-default", "location": default})
        return urls

    def get_latest_lastmod(self):
        # Django's default walks every item in Python; one aggregate instead.
        return Article.objects.published().aggregate(latest=Max("updated_at"))["latest"]


class _CoverageSitemap(EditionsSitemap):
    """Pages that list articles (a topic, a country, an author), each with
    the time of its newest public article. Read from the link table in one
    grouped query: items are {"slug": ..., "latest": ...}."""

    link_model = None
    slug_path = ""
    article_path = ""
    url_name = ""

    def links(self) -> QuerySet:
        return self.link_model.objects.filter(**{f"{self.article_path}__in": Article.objects.published()})

    def items(self):
        return (
            self.links()
            .values(slug=F(self.slug_path))
            .annotate(latest=Max(f"{self.article_path}__published_at"))
            .order_by("slug")
        )

    def location(self, item) -> str:
        return reverse(self.url_name, kwargs={"slug": item["slug"]})

    def lastmod(self, item):
        return item["latest"]

    def get_latest_lastmod(self):
        return self.links().aggregate(latest=Max(f"{self.article_path}__published_at"))["latest"]


class TopicSitemap(_CoverageSitemap):
    link_model, slug_path, article_path = TaggedTopic, "tag__slug", "content_object"
    url_name = "newsroom:topic-detail"


class CountrySitemap(_CoverageSitemap):
    link_model, slug_path, article_path = TaggedCountry, "tag__slug", "content_object"
    url_name = "alliances:country-detail"


class AuthorSitemap(_CoverageSitemap):
    link_model, slug_path, article_path = Byline, "author__slug", "article"
    url_name = "newsroom:author-detail"


class AgreementSitemap(EditionsSitemap):
    """Every agreement has a public page, covered or not."""

    def items(self):
        return Agreement.objects.only("slug", "updated_at").order_by("pk")

    def lastmod(self, agreement: Agreement):
        return agreement.updated_at

    def get_latest_lastmod(self):
        return Agreement.objects.aggregate(latest=Max("updated_at"))["latest"]


class _ProfileSitemap(EditionsSitemap):
    """People or organisations with a page (selectors.profile_for_page:
    named by a public story, or in an agreement), each with the time of its
    newest public story, if any."""

    model = None
    column = ""

    def public_links(self) -> QuerySet:
        links = Article._meta.get_field(self.link_field).remote_field.through
        return links.objects.filter(article__in=Article.objects.published())

    def items(self):
        public = self.public_links()
        newest = (
            public.filter(**{self.column: OuterRef("pk")})
            .order_by("-article__published_at")
            .values("article__published_at")[:1]
        )
        in_agreement = AgreementParticipant.objects.filter(**{f"{self.column}__isnull": False})
        return (
            self.model.objects.filter(Q(pk__in=public.values(self.column)) | Q(pk__in=in_agreement.values(self.column)))
            .annotate(latest=Subquery(newest))
            .only("slug")
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.latest

    def get_latest_lastmod(self):
        return self.public_links().aggregate(latest=Max("article__published_at"))["latest"]


class PersonSitemap(_ProfileSitemap):
    model, column, link_field = Person, "person", "people"


class OrganizationSitemap(_ProfileSitemap):
    model, column, link_field = Organization, "organization", "organizations"


SITEMAPS = {
    "pages": PageSitemap,
    "articles": ArticleSitemap,
    "topics": TopicSitemap,
    "countries": CountrySitemap,
    "agreements": AgreementSitemap,
    "authors": AuthorSitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
}


def news_sitemap(request):
    """Google News sitemap: public articles of the last 48 hours."""
    since = timezone.now() - NEWS_WINDOW
    articles = (
        Article.objects.published()
        .filter(published_at__gte=since)
        .only("slug", "headline", "language", "published_at")
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )
    entries = [
        {
            "loc": request.build_absolute_uri(article.get_absolute_url()),
            "language": article.language,
            "date": article.published_at.isoformat(timespec="seconds"),
            "title": xml_text(article.headline),
        }
        for article in articles
    ]
    return render(
        request,
        "sitemaps/news.xml",
        {"entries": entries, "publication": xml_text(settings.SITE_NAME)},
        content_type="application/xml; charset=utf-8",
    )


def robots_txt(request):
    return render(
        request,
        "robots.txt",
        {
            "sitemap_url": request.build_absolute_uri(reverse("sitemap")),
            "news_sitemap_url": request.build_absolute_uri(reverse("news-sitemap")),
        },
        content_type="text/plain; charset=utf-8",
    )
