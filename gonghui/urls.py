from django.contrib import admin
from django.urls import include, path

from gonghui.api import api
from gonghui.console.views import home

# The API first: a check-in, the busiest request, then resolves without trying the
# pages' prefixes.
urlpatterns = [
    path("api/", api.urls),
    path("", home, name="home"),
    path("accounts/", include("gonghui.accounts.urls")),
    path("orgs/", include("gonghui.orgs.urls")),
    path("orgs/", include("gonghui.members.tree_urls")),
    path("workers/", include("gonghui.members.urls")),
    path("programs/", include("gonghui.programs.urls")),
    path("stations/", include("gonghui.stations.urls")),
    path("mutualaid/", include("gonghui.mutualaid.urls")),
    path("rights/", include("gonghui.rights.urls")),
    path("training/", include("gonghui.training.urls")),
    path("culture/", include("gonghui.culture.urls")),
    path("reports/", include("gonghui.reports.urls")),
    path("audit/", include("gonghui.audit.urls")),
    path("console/", include("gonghui.console.urls")),
    path("django-admin/", admin.site.urls),
]

handler404 = "gonghui.core.views.page_not_found"
handler500 = "gonghui.core.views.server_error"
