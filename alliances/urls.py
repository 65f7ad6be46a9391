from django.urls import path

from alliances import views
from newsroom.core import converters  # noqa: F401 - registers the "uslug" converter

app_name = "alliances"

urlpatterns = [
    path("countries/", views.country_list, name="country-list"),
    path("countries/<uslug:slug>/", views.country_detail, name="country-detail"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<uslug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("people/<uslug:slug>/", views.person_detail, name="person-detail"),
    path("organizations/<uslug:slug>/", views.organization_detail, name="organization-detail"),
]
