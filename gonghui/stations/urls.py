from django.urls import path

from gonghui.stations import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="list"),
    path("export.xlsx", views.station_export, name="export"),
    path("map/", views.station_map, name="map"),
    path("coverage/", views.station_coverage, name="coverage"),
    path("new/", views.station_create, name="create"),
    path("import/", views.station_import, name="import"),
    path("<int:pk>/", views.station_detail, name="detail"),
    path("<int:pk>/edit/", views.station_edit, name="edit"),
    path("<int:pk>/headcount/", views.station_headcount, name="headcount"),
    path("<int:pk>/close/", views.station_close, name="close"),
    path("<int:pk>/rate/", views.station_rate, name="rate"),
    path("<int:pk>/qr.png", views.station_qr, name="qr"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("photos/<int:pk>/remove/", views.photo_remove, name="photo_remove"),
    # The workers' phone pages: no login.
    path("m/", views.m_nearby, name="m_nearby"),
    path("m/<int:pk>/", views.m_station, name="m_station"),
    path("m/photos/<str:public_id>/", views.m_photo, name="m_photo"),
    path("m/visit/<str:token>/", views.m_visit, name="m_visit"),
]
