from django.urls import path

from gonghui.mutualaid import views

app_name = "mutualaid"
urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("export.xlsx", views.claim_export, name="claim_export"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/", views.claim_detail_page, name="claim_detail"),
    path("claims/<int:pk>/action/", views.claim_action, name="claim_action"),
    path("claims/<int:pk>/diagnosis/", views.claim_diagnosis, name="claim_diagnosis"),
    path("claims/<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("enrol/", views.enrol, name="enrol"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_create, name="plan_create"),
    path("rosters/", views.roster_list_page, name="roster_list"),
    path("rosters/new/", views.roster_upload, name="roster_upload"),
    path("rosters/<int:pk>/", views.roster_detail, name="roster_detail"),
    path("rosters/<int:pk>/review/", views.roster_review, name="roster_review"),
    path("figures/", views.figures, name="figures"),
    path("figures/export.xlsx", views.figures_export, name="figures_export"),
]
