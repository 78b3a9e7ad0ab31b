from django.urls import path

from gonghui.culture import views

app_name = "culture"
urlpatterns = [
    path("", views.event_list, name="events"),
    path("new/", views.event_create, name="event_create"),
    path("<int:pk>/", views.event_detail, name="event_detail"),
    path("<int:pk>/held/", views.event_held, name="event_held"),
    path("<int:pk>/cancel/", views.event_cancel, name="event_cancel"),
    path("<int:pk>/sign-in/", views.event_sign_in, name="event_sign_in"),
    path("<int:pk>/attendees/import/", views.event_attendees_import, name="event_attendees_import"),
    path("<int:pk>/photos/", views.event_photo_upload, name="event_photo_upload"),
    path("photos/<int:pk>/", views.event_photo, name="event_photo"),
    path("bookhouses/", views.bookhouse_list, name="bookhouses"),
    path("bookhouses/export/", views.bookhouse_export, name="bookhouse_export"),
    path(
        "bookhouses/visits/import/", views.bookhouse_visits_import, name="bookhouse_visits_import"
    ),
    path("bookhouses/<int:pk>/", views.bookhouse_detail, name="bookhouse_detail"),
    path("bookhouses/<int:pk>/edit/", views.bookhouse_edit, name="bookhouse_edit"),
    path("bookhouses/<int:pk>/visits/", views.bookhouse_visits, name="bookhouse_visits"),
    path("campaigns/", views.campaign_list, name="campaigns"),
    path("campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign_detail"),
    path(
        "campaigns/<int:pk>/counts/import/",
        views.campaign_counts_import,
        name="campaign_counts_import",
    ),
    path("figures/", views.figures, name="figures"),
    path("r/<int:pk>/<str:code>/", views.track_read, name="track_read"),
    path("r/<int:pk>/<str:code>/share/", views.track_share, name="track_share"),
]
