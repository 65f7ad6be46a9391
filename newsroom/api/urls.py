"""/api/v1/: outside the editions (no /en/ prefix), as SPEC.md says."""

from django.urls import path, re_path

from newsroom.api import views

app_name = "api"

urlpatterns = [
    path("", views.Index.as_view(), name="index"),
    path("articles/", views.ArticleList.as_view(), name="article-list"),
    path("articles/<int:pk>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("articles/<int:pk>/ninjs", views.ArticleNinjs.as_view(), name="article-ninjs"),
    path("topics/", views.TopicList.as_view(), name="topic-list"),
    path("topics/<int:pk>/", views.TopicDetail.as_view(), name="topic-detail"),
    path("countries/", views.CountryList.as_view(), name="country-list"),
    path("countries/<int:pk>/", views.CountryDetail.as_view(), name="country-detail"),
    path("agreements/", views.AgreementList.as_view(), name="agreement-list"),
    path("agreements/<int:pk>/", views.AgreementDetail.as_view(), name="agreement-detail"),
    path("agreements.csv", views.AgreementCSV.as_view(), name="agreement-csv"),
    path("people/", views.PersonList.as_view(), name="person-list"),
    path("people/<int:pk>/", views.PersonDetail.as_view(), name="person-detail"),
    path("organisations/", views.OrganisationList.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", views.OrganisationDetail.as_view(), name="organisation-detail"),
    path("openapi.json", views.Document.as_view(), name="openapi"),
    path("docs/", views.reference, name="reference"),
    # Anything else under /api/v1/ is a 404 in JSON, not the site's page.
    # (Any character, a newline in the address too.)
    re_path(r"^[\s\S]+$", views.not_found, name="not-found"),
]
