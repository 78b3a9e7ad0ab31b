from django.urls import path

from gonghui.rights import views

app_name = "rights"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail_page, name="case_detail"),
    path("<int:pk>/reveal/", views.case_reveal, name="case_reveal"),
    path("<int:pk>/action/", views.case_action, name="case_action"),
    path("<int:pk>/import/<str:kind>/", views.case_import, name="case_import"),
    path("<int:pk>/recovery/", views.case_recovery, name="case_recovery"),
    path("<int:pk>/transfer/", views.case_transfer, name="case_transfer"),
    path("<int:pk>/export.xlsx", views.case_export, name="case_export"),
    path("figures/", views.figures, name="figures"),
    path("figures/export.xlsx", views.figures_export, name="figures_export"),
]
