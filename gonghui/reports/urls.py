from django.urls import path

from gonghui.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.card_page, name="card"),
    path("card.xlsx", views.card_xlsx, name="card_xlsx"),
    path("card.pdf", views.card_pdf, name="card_pdf"),
    path("months.json", views.card_months, name="card_months"),
    path("map/<str:code>.json", views.province_map, name="province_map"),
]
