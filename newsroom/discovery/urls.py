"""Routes for search, feeds and sitemaps.

Search and the feeds are reader pages, part of the "newsroom" namespace and
of every edition (/feed/, /en/feed/). The feed of a topic, country, agreement
author, person or organisation page lives under that page's address (/countries/cuba/feed/), even
for the pages that the alliances app serves. The sitemaps and robots.txt
(``unprefixed``) list every edition's pages and are not in one: they are
named at the root, as /health/ is."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from newsroom.discovery import feeds, sitemaps
from newsroom.discovery.search import views as search

urlpatterns = [
    path("search/", search.search_view, name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="feed-atom"),
    path("topics/<uslug:slug>/feed/", feeds.TOPIC, name="topic-feed"),
    path("countries/<uslug:slug>/feed/", feeds.COUNTRY, name="country-feed"),
    path("agreements/<uslug:slug>/feed/", feeds.AGREEMENT, name="agreement-feed"),
    path("authors/<uslug:slug>/feed/", feeds.AUTHOR, name="author-feed"),
    path("people/<uslug:slug>/feed/", feeds.PERSON, name="person-feed"),
    path("organizations/<uslug:slug>/feed/", feeds.ORGANIZATION, name="organization-feed"),
]

unprefixed = [
    path(
        "sitemap.xml",
        sitemap_views.index,
        {
            "sitemaps": sitemaps.SITEMAPS,
            "sitemap_url_name": "sitemap-section",
            "template_name": "sitemaps/sitemap_index.xml",
        },
        name="sitemap",
    ),
    path(
        "sitemap-<str:section>.xml",
        sitemap_views.sitemap,
        # Django's own template gives lastmod as a date; a news site's pages
        # change within the day, so ours gives the full time. Every sitemap
        # names static/sitemaps/sitemap.xsl, which shows it as a page to a
        # person who opens it in a browser.
        {"sitemaps": sitemaps.SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap-section",
    ),
    path("news-sitemap.xml", sitemaps.news_sitemap, name="news-sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
