from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gonghui.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="members:worker_list"), name="home"),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("workers/", include("gonghui.members.urls")),
    path("audit/", include("gonghui.audit.urls")),
    path("api/", api.urls),
    path("django-admin/", admin.site.urls),
]
