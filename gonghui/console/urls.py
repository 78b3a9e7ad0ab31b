from django.urls import path

from gonghui.console import views

app_name = "console"
urlpatterns = [
    path("workers/<int:pk>/story/", views.worker_story, name="worker_story"),
    path("imports/", views.import_list, name="import_list"),
    path("fill-in.xlsx", views.fill_in, name="fill_in"),
    path("orgs/<str:code>/cards/", views.union_cards, name="union_cards"),
    path("orgs/<str:code>/cards.pdf", views.union_cards_pdf, name="union_cards_pdf"),
]
