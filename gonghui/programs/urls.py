from django.urls import path

from gonghui.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("points/new/", views.point_create, name="point_create"),
    path("checkin/", views.checkin, name="checkin"),
    path("<int:pk>/", views.program_detail, name="detail"),
    path("<int:pk>/budget/", views.program_budget, name="budget"),
    path("<int:pk>/export.xlsx", views.program_export, name="export"),
    path("<int:pk>/import/", views.program_import, name="import"),
    path("records/<int:pk>/void/", views.record_void, name="void"),
    path("cards/<int:pk>/", views.worker_card, name="card"),
]
