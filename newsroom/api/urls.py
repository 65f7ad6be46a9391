"""/api/v1/: outside the editions (no /en/ prefix), as SPEC.md says."""

from django.urls import path, re_path

from newsroom.api import views

app_name = "api"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("articles/", views.ArticleList.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("openapi.json", views.Document.as_view(), name="openapi"),
    # Anything else under /api/v1/ is a 404 in JSON, not the site's page.
    re_path(r"^.+$", views.not_found, name="not-found"),
]
