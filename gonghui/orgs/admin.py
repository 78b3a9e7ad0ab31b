from django.contrib import admin

from gonghui.core.admin_mixins import ReadOnlyAdmin
from gonghui.orgs.models import Employer, Org


@admin.register(Org)
class OrgAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("code", "name", "kind", "path")
    list_filter = ("kind",)
    search_fields = ("code", "name")


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "uscc", "org")
    search_fields = ("name", "uscc")
