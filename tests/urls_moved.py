"""The site mounted under /site/, for tests of cached URL building."""

from django.urls import include, path

urlpatterns = [path("site/", include("newsroom.urls"))]
