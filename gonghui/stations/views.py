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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from gonghui.core.errors import DomainError
from gonghui.core.views import client_ip, console_view, page
from gonghui.orgs.selectors import org_for
from gonghui.stations.coords import Crs, parse_crs
from gonghui.stations.exporters import write_stations
from gonghui.stations.forms import StationForm
from gonghui.stations.hours import format_hours, parse_hours
from gonghui.stations.models import Rating, Status
from gonghui.stations.selectors import (
    closures_ahead,
    coverage,
    is_open_now,
    station_for,
    stations_visible_to,
    visit_days,
)
from gonghui.stations.services import (
    MANAGE,
    StationFields,
    close_on,
    record_visit,
    reopen_on,
    save_station,
    set_ratings,
)
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
        "rating_choices": Rating.choices,
        "this_year": timezone.localdate().year,
        "closures": closures_ahead(station),
        "days": visit_days(station),
    }
    return page(request, "stations/station_detail.html", context)


def _manager(user) -> None:
    if not user.can(MANAGE):
        raise Http404


@console_view
def station_create(request):
    _manager(request.user)
    return _station_form(request, None)


@console_view
def station_edit(request, pk: int):
    _manager(request.user)
    return _station_form(request, station_for(request.user, pk))


def _station_form(request, station):
    """Create (``station`` None) or change a station through ``save_station``."""
    if request.method != "POST":
        initial = (
            StationForm.initial_for(station) if station else {"org_code": request.user.org.code}
        )
        form = StationForm(initial=initial)
    else:
        form = StationForm(request.POST)
        saved = form.is_valid() and _save(form, request, station)
        if saved:
            messages.success(request, f"已保存驿站“{saved.station.name}”")
            return redirect("stations:detail", pk=saved.station.pk)
    context = {"nav": "stations", "form": form, "station": station}
    return page(request, "stations/station_form.html", context)


def _save(form: StationForm, request, station):
    data = form.cleaned_data
    try:
        org = org_for(request.user, data["org_code"].strip())
    except Http404:
        form.add_error("org_code", "组织代码不存在或不在您的管辖范围内")
        return None
    try:
        fields = StationFields(
            name=data["name"], address=data["address"], lat=data["lat"], lng=data["lng"],
            crs=parse_crs(data["crs"]), hours=parse_hours(data["hours"]),
            facilities=form.facility_bits(), facilities_other=data["facilities_other"],
            phone=data["phone"], status=data["status"], opened_on=data["opened_on"],
            host_kind=data["host_kind"], host_name=data["host_name"], kinds=form.kind_bits(),
        )  # fmt: skip
        return save_station(by=request.user, org=org, fields=fields, station=station,
                            client_ip=client_ip(request))  # fmt: skip
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


def _day(request) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, "请选择有效日期")
        return None


@console_view
@require_POST
def station_close(request, pk: int):
    """Close the station on a date (a holiday, a repair) or, with ``reopen``, undo it."""
    _manager(request.user)
    station = station_for(request.user, pk)
    day = _day(request)
    if day is not None and request.POST.get("reopen"):
        reopen_on(by=request.user, station=station, day=day)
        messages.success(request, f"已取消{day}的闭站")
    elif day is not None:
        close_on(by=request.user, station=station, day=day, reason=request.POST.get("reason", ""))
        messages.success(request, f"{day}闭站")
    return redirect("stations:detail", pk=station.pk)


@console_view
@require_POST
def station_rate(request, pk: int):
    """Add a rating (with the year awarded) or, with ``remove``, take one away."""
    _manager(request.user)
    station = station_for(request.user, pk)
    ratings = set(station.ratings.values_list("rating", "year"))
    try:
        chosen = (request.POST.get("rating", ""), int(request.POST.get("year", "")))
    except ValueError:
        messages.error(request, "授予年度应为整数")
        return redirect("stations:detail", pk=station.pk)
    if request.POST.get("remove"):
        ratings.discard(chosen)
    else:
        ratings.add(chosen)
    try:
        set_ratings(by=request.user, station=station, ratings=sorted(ratings))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("stations:detail", pk=station.pk)


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
