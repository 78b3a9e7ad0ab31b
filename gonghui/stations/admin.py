from django.contrib import admin

from gonghui.core.admin_mixins import ReadOnlyAdmin
from gonghui.stations.models import Station, StationClosure, StationRating, Visit


class RatingInline(ReadOnlyAdmin, admin.TabularInline):
    model = StationRating


class ClosureInline(ReadOnlyAdmin, admin.TabularInline):
    model = StationClosure


@admin.register(Station)
class StationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("name", "org", "address", "status", "lat", "lng", "input_crs", "opened_on")
    list_filter = ("status", "input_crs", "host_kind")
    search_fields = ("name", "address")
    inlines = [RatingInline, ClosureInline]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("station", "hour", "count", "channel", "recorded_by")
    list_filter = ("channel",)
