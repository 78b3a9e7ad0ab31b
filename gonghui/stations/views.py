"""Console pages for stations: list with filters and Excel export, detail with head counts,
the map (markers and a list, so it works when tiles cannot load) and coverage figures.

Reads go through the stations selectors, writes through the stations services.
"""

import datetime
import io
import json

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from gonghui.core.errors import DomainError
from gonghui.core.views import client_ip, console_view, page
from gonghui.stations.coords import Crs, parse_crs
from gonghui.stations.exporters import write_stations
from gonghui.stations.hours import format_hours
from gonghui.stations.models import Status
from gonghui.stations.selectors import (
    closures_ahead,
    coverage,
    is_open_now,
    station_for,
    stations_visible_to,
    visit_days,
)
from gonghui.stations.services import record_visit
from gonghui.stations.vocabulary import FACILITIES, facility_bit, facility_names, kind_names

PAGE_SIZE = 50
MAP_LIMIT = 2000  # markers on one page; more than this is a list to filter, not a map
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filters(request) -> dict:
    """The list's filters from the query string, in ``stations_visible_to``'s terms."""
    facility = request.GET.get("facility", "")
    status = request.GET.get("status", "")
    try:
        bits = facility_bit(facility) if facility else 0
    except DomainError:
        bits = 0
    return {
        "q": request.GET.get("q", "")[:100],
        "status": status if status in Status.values else "",
        "facilities": bits,
    }


def _choices(request) -> dict:
    return {
        "facility_choices": [t.name for t in FACILITIES],
        "status_choices": Status.choices,
        "chosen": {k: request.GET.get(k, "") for k in ("q", "status", "facility")},
    }


@console_view
def station_list(request):
    filters = _filters(request)
    stations = stations_visible_to(request.user, **filters)
    page_obj = Paginator(stations, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"station": s, "facilities": facility_names(s.facilities), "hours": format_hours(s.hours)}
        for s in page_obj
    ]
    context = {"nav": "stations", "page_obj": page_obj, "rows": rows, **_choices(request)}
    return page(request, "stations/station_list.html", context)


@console_view
def station_export(request):
    """The filtered list as the import template (.xlsx); audited by the exporter."""
    buffer = io.BytesIO()
    write_stations(request.user, buffer, **_filters(request))
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"爱心驿站-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@console_view
def station_detail(request, pk: int):
    station = station_for(request.user, pk)
    context = {
        "nav": "stations",
        "station": station,
        "facilities": facility_names(station.facilities),
        "kinds": kind_names(station.kinds),
        "hours": format_hours(station.hours),
        "open_now": is_open_now(station),
        "ratings": list(station.ratings.all()),
        "closures": closures_ahead(station),
        "days": visit_days(station),
    }
    return page(request, "stations/station_detail.html", context)


@console_view
@require_POST
def station_headcount(request, pk: int):
    """Staff enter how many workers without phones used the station just now."""
    station = station_for(request.user, pk)
    try:
        count = int(request.POST.get("count", ""))
        record_visit(by=request.user, station=station, count=count, client_ip=client_ip(request))
    except ValueError:
        messages.error(request, "人数应为整数")
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已登记{count}人次")
    return redirect("stations:detail", pk=station.pk)


def _tiles_crs() -> Crs:
    return parse_crs(settings.STATION_TILES_CRS)


@console_view
def station_map(request):
    """Markers on the tiles of ``GONGHUI_STATION_TILES_URL`` (in its own coordinate system)
    and the same stations as a list; "near me" asks the public nearest search."""
    filters = _filters(request)
    crs = _tiles_crs()
    lat_field, lng_field = {Crs.WGS84: ("lat", "lng"), Crs.GCJ02: ("gcj_lat", "gcj_lng"),
                            Crs.BD09: ("bd_lat", "bd_lng")}[crs]  # fmt: skip
    stations = list(stations_visible_to(request.user, **filters)[:MAP_LIMIT])
    markers = [
        {"id": s.pk, "name": s.name, "lat": getattr(s, lat_field), "lng": getattr(s, lng_field),
         "facilities": facility_names(s.facilities), "status": s.get_status_display()}
        for s in stations
    ]  # fmt: skip
    context = {
        "nav": "stations",
        "stations": stations,
        "markers": markers,
        "map_config": json.dumps({"tiles": settings.STATION_TILES_URL, "crs": crs.value}),
        "truncated": len(stations) == MAP_LIMIT,
        **_choices(request),
    }
    return page(request, "stations/station_map.html", context)


@console_view
def station_coverage(request):
    """Stations per org and status, outdoor workers covered, visit person-times (30 days)."""
    since = timezone.localdate() - datetime.timedelta(days=29)
    total, children = coverage(request.user, org_code=request.GET.get("org") or None, since=since)
    context = {"nav": "stations", "total": total, "children": children, "since": since,
               "statuses": Status.choices}  # fmt: skip
    return page(request, "stations/station_coverage.html", context)
