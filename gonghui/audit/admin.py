from django.contrib import admin

from gonghui.audit.models import AuditEvent
from gonghui.core.admin_mixins import ReadOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "client_ip")
    list_filter = ("action", "object_type")
