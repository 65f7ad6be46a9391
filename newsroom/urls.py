"""Root URLconf. The newsroom app's reader pages are namespaced "newsroom";
the alliances app brings its own under "alliances". Both are in every
edition (newsroom.core.editions): /topics/ in Spanish, /en/topics/ in
English. The admin, /health/, previews, sitemaps and robots.txt are outside
the editions and unprefixed."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from newsroom.core import converters  # noqa: F401 - registers "uslug"
from newsroom.discovery import urls as discovery_urls
from newsroom.site import views

app_patterns = [
    path("", views.home, name="home"),
    path("articles/<uslug:slug>/", views.article_detail, name="article-detail"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<uslug:slug>/", views.topic_detail, name="topic-detail"),
    path("authors/<uslug:slug>/", views.author_detail, name="author-detail"),
    path("corrections/", views.corrections, name="corrections"),
    # Search and feeds live in their own module (issue "Discovery").
    *discovery_urls.urlpatterns,
]

# The admin's pages, plus the staff preview of an article: a page of the
# reader site (newsroom.site), shown at the admin's address and behind its
# login, so the editorial layer never imports the reader layer.
admin_patterns, admin_app, admin_namespace = admin.site.urls
admin_patterns = [
    path(
        "newsroom/article/<path:object_id>/preview/",
        admin.site.admin_view(views.staff_preview),
        name="newsroom_article_preview",
    ),
    *admin_patterns,
]

urlpatterns = [
    # Liveness for load balancers and the benchmark's floor: no database.
    path("health/", views.health, name="health"),
    path("admin/", include((admin_patterns, admin_app), namespace=admin_namespace)),
    # Shareable previews of unpublished articles (signed links; never cached:
    # settings.PAGE_CACHE_EXCLUDE).
    path("preview/<str:token>/", views.preview, name="preview"),
    # The read-only JSON API (newsroom.api), outside the editions.
    path("api/v1/", include("newsroom.api.urls")),
    *discovery_urls.unprefixed,
    *i18n_patterns(
        path("", include((app_patterns, "newsroom"))),
        path("", include("alliances.urls")),
        prefix_default_language=False,
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "newsroom.site.views.page_not_found"
handler500 = "newsroom.site.views.server_error"
