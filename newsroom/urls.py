"""Root URLconf. The newsroom app's public routes are namespaced "newsroom";
the alliances app brings its own under "alliances"."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from newsroom import converters, discovery_urls, views  # noqa: F401 - converters registers "uslug"

app_patterns = [
    path("", views.home, name="home"),
    path("articles/<uslug:slug>/", views.article_detail, name="article-detail"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<uslug:slug>/", views.topic_detail, name="topic-detail"),
    path("authors/<uslug:slug>/", views.author_detail, name="author-detail"),
    path("corrections/", views.corrections, name="corrections"),
    # Shareable previews of unpublished articles (signed links; never cached:
    # settings.PAGE_CACHE_EXCLUDE).
    path("preview/<str:token>/", views.preview, name="preview"),
    # Search, feeds and sitemaps live in their own module (issue "Discovery").
    *discovery_urls.urlpatterns,
]

urlpatterns = [
    # Liveness for load balancers and the benchmark's floor: no database.
    path("health/", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("", include((app_patterns, "newsroom"))),
    path("", include("alliances.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "newsroom.views.page_not_found"
handler500 = "newsroom.views.server_error"
