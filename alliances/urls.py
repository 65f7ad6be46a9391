from django.urls import path

from alliances import views

app_name = "alliances"

urlpatterns = [
    path("countries/", views.country_list, name="country-list"),
    path("countries/<str:slug>/", views.country_detail, name="country-detail"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<str:slug>/", views.agreement_detail, name="agreement-detail"),
]
