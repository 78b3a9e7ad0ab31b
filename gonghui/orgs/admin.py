from django.contrib import admin

from gonghui.orgs.models import Employer, Org


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "path")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "org")
    search_fields = ("name", "uscc")
