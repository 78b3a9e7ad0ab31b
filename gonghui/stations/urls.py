from django.urls import path

from gonghui.stations import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("export.xlsx", views.station_export, name="export"),
    path("map/", views.station_map, name="map"),
    path("coverage/", views.station_coverage, name="coverage"),
    path("new/", views.station_create, name="create"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/headcount/", views.station_headcount, name="headcount"),
    path("<int:pk>/close/", views.station_close, name="close"),
    path("<int:pk>/rate/", views.station_rate, name="rate"),
]
