from django.urls import path

from gonghui.training import views

app_name = "training"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("new/", views.class_create, name="create"),
    path("figures/", views.figures, name="figures"),
    path("<int:pk>/", views.class_detail, name="detail"),
    path("<int:pk>/export.xlsx", views.class_export, name="export"),
    path("<int:pk>/enrol/", views.class_enrol, name="enrol"),
    path("<int:pk>/lottery/", views.class_lottery, name="lottery"),
    path("sessions/<int:pk>/", views.roll_call, name="roll_call"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="cancel"),
    path("enrolments/<int:pk>/certificate/", views.certificate, name="certificate"),
    path("portal-link/<int:pk>/", views.portal_link, name="portal_link"),
    path("competitions/", views.competition_list, name="competitions"),
    path("competitions/<int:pk>/", views.competition_detail, name="competition"),
    path("competitions/<int:pk>/scores/", views.competition_score, name="competition_score"),
    path("competitions/<int:pk>/import/", views.competition_import, name="competition_import"),
    path("funds/", views.fund_list, name="funds"),
    path("funds/new/", views.fund_create, name="fund_create"),
    path("funds/<int:pk>/", views.fund_detail, name="fund"),
    path("funds/<int:pk>/edit/", views.fund_edit, name="fund_edit"),
    path("funds/<int:pk>/spend/", views.fund_spend, name="fund_spend"),
    path("funds/<int:pk>/trainees/", views.fund_trainee_add, name="fund_trainee_add"),
    path("funds/<int:pk>/import/", views.fund_import, name="fund_import"),
    path("funds/<int:pk>/outcome/", views.fund_outcome, name="fund_outcome"),
    path("funds/<int:pk>/export.xlsx", views.fund_export, name="fund_export"),
    path("craftsmen/", views.craftsmen, name="craftsmen"),
    path("craftsmen/<int:pk>/public/", views.craftsman_public, name="craftsman_public"),
    path("m/profile/", views.m_profile, name="m_profile"),
    path("m/", views.m_home, name="m_home"),
    path("m/enter/<str:token>/", views.m_enter, name="m_enter"),
    path("m/<int:pk>/", views.m_class, name="m_class"),
    path("m/attend/<str:token>/", views.m_attend, name="m_attend"),
    path("m/certificates/<int:pk>/", views.m_certificate, name="m_certificate"),
]
