from django.urls import path

from gonghui.orgs import views

app_name = "orgs"
urlpatterns = [
    path("pick/", views.org_choices, name="pick"),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/export/", views.employer_export, name="employer_export"),
    path(
        "employers/locations/import/",
        views.employer_locations_import,
        name="employer_locations_import",
    ),
    path("employers/<int:pk>/location/", views.employer_location, name="employer_location"),
]
