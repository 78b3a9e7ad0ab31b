from django.urls import path

from gonghui.culture import views

app_name = "culture"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("new/", views.event_create, name="event_create"),
    path("<int:pk>/held/", views.event_held, name="event_held"),
    path("<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("bookhouses/", views.bookhouse_list, name="bookhouses"),
    path("figures/", views.figures, name="figures"),
    path("r/<int:pk>/<str:code>/", views.track_read, name="track_read"),
    path("r/<int:pk>/<str:code>/share/", views.track_share, name="track_share"),
]
