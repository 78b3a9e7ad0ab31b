"""The admin is a read-only window onto stations: writes go through the services."""

from django.contrib import admin

from gonghui.core.admin_mixins import ReadOnlyAdmin
from gonghui.stations.models import Station, StationClosure, StationPhoto, StationRating, Visit


class _ReadOnlyInline(admin.TabularInline):
    # Inlines are asked with the parent object too, so ReadOnlyAdmin's signatures do not fit.
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RatingInline(_ReadOnlyInline):
    model = StationRating


class ClosureInline(_ReadOnlyInline):
    model = StationClosure


class PhotoInline(_ReadOnlyInline):
    model = StationPhoto
    fields = ("caption", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "org", "address", "status", "lat", "lng", "input_crs", "opened_on")
    list_filter = ("status", "input_crs", "host_kind")
    search_fields = ("name", "address")
    inlines = [RatingInline, ClosureInline, PhotoInline]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("station", "hour", "count", "channel", "recorded_by")
    list_filter = ("channel",)
