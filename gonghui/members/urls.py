from django.urls import path

from gonghui.members import views

app_name = "members"
urlpatterns = [
    path("", views.worker_list, name="worker_list"),
    path("find/", views.worker_find, name="worker_find"),
    path("export.xlsx", views.worker_export, name="worker_export"),
    path("new/", views.worker_create, name="worker_create"),
    path("import/", views.worker_import, name="worker_import"),
    path("import/bad-rows.xlsx", views.worker_import_badrows, name="worker_import_badrows"),
    path("import/template.xlsx", views.worker_template, name="worker_template"),
    path("<int:pk>/", views.worker_detail, name="worker_detail"),
    path("<int:pk>/edit/", views.worker_edit, name="worker_edit"),
    path("<int:pk>/reveal-id/", views.worker_reveal_id, name="worker_reveal_id"),
]
