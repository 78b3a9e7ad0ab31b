"""Console pages for stations: list with filters and Excel export, detail with photos, the
station's QR code and head counts, the map (markers and a list, so it works when tiles
cannot load) and coverage figures; and the workers' public phone pages (``/stations/m/``):
the nearest open stations, an open station's card and photos, and the visit a worker
records by scanning the station's QR code.

Reads go through the stations selectors, writes through the stations services.
"""

import datetime
import io
import json
from functools import partial

import segno
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.accounts.selectors import figures_asked_for
from gonghui.core.coords import Crs, parse_crs
from gonghui.core.errors import DomainError
from gonghui.core.figures import org_code_in, page_context, period_in
from gonghui.core.forms import show_error
from gonghui.core.hours import format_hours, parse_hours
from gonghui.core.import_pages import import_page
from gonghui.core.portal import portal_worker_id
from gonghui.core.views import client_ip, console_view, download, download_name, page
from gonghui.orgs.picker import picked_org
from gonghui.stations.exporters import write_stations
from gonghui.stations.forms import StationForm
from gonghui.stations.importers import COLUMNS, OPTIONAL, import_stations
from gonghui.stations.indicators import FIGURES
from gonghui.stations.models import Rating, Status
from gonghui.stations.selectors import (
    closures_ahead,
    is_open_now,
    photo_for,
    photos_of,
    public_photo,
    public_station,
    station_for,
    station_for_visit,
    stations_visible_to,
    visit_days,
)
from gonghui.stations.services import (
    MANAGE,
    StationFields,
    add_photo,
    close_on,
    photo_bytes,
    record_visit,
    record_worker_visit,
    remove_photo,
    reopen_on,
    save_station,
    set_ratings,
)
from gonghui.stations.tokens import issue_visit_token, read_visit_token
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
    unvisited = request.GET.get("unvisited") == "month"
    return {
        "q": request.GET.get("q", "")[:100],
        "status": status if status in Status.values else "",
        "facilities": bits,
        "unvisited_since": timezone.localdate().replace(day=1) if unvisited else None,
    }


def _choices(request) -> dict:
    return {
        "facility_choices": [t.name for t in FACILITIES],
        "status_choices": Status.choices,
        "chosen": {k: request.GET.get(k, "") for k in ("q", "status", "facility", "unvisited")},
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
    name = download_name("爱心驿站", request.user.org.code, "xlsx")
    return download(buffer.getvalue(), XLSX, name)


def _visit_url(request, station) -> str:
    return request.build_absolute_uri(
        reverse("stations:m_visit", args=[issue_visit_token(station.pk)])
    )


@console_view
def station_detail(request, pk: int):
    station = station_for(request.user, pk)
    visit_url = _visit_url(request, station)
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
        "photos": photos_of(station),
        "visit_url": visit_url,
        # segno writes the SVG from the URL alone (letters, digits and ':/-_').
        "qr": mark_safe(
            segno.make(visit_url, error="m").svg_inline(scale=4, border=3, title="驿站到访二维码")
        ),
    }
    return page(request, "stations/station_detail.html", context)


@console_view
def station_qr(request, pk: int):
    """The station's QR code as a PNG to print for its wall."""
    station = station_for(request.user, pk)
    buffer = io.BytesIO()
    segno.make(_visit_url(request, station), error="m").save(buffer, kind="png", scale=10)
    name = download_name(f"{station.name}-到访二维码", station.org.code, "png")
    return download(buffer.getvalue(), "image/png", name)


@console_view
@require_POST
def photo_upload(request, pk: int):
    """Staff who manage stations add a JPEG/PNG photo; anything else is refused by content."""
    _manager(request.user)
    station = station_for(request.user, pk)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, "请选择照片")
        return redirect("stations:detail", pk=station.pk)
    if upload.size > settings.UPLOAD_MAX_BYTES:  # refused before it is read into memory
        messages.error(request, f"{upload.name}：文件过大")
        return redirect("stations:detail", pk=station.pk)
    try:
        add_photo(
            by=request.user,
            station=station,
            filename=upload.name,
            data=upload.read(),
            caption=request.POST.get("caption", ""),
            client_ip=client_ip(request),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已上传照片")
    return redirect("stations:detail", pk=station.pk)


def _image(photo, cache_control: str) -> HttpResponse:
    response = HttpResponse(photo_bytes(photo), content_type=photo.content_type)
    response["Cache-Control"] = cache_control
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@console_view
def photo(request, pk: int):
    """A photo of a station in the user's subtree, whatever the station's status."""
    return _image(photo_for(request.user, pk), "private, max-age=3600")


@console_view
@require_POST
def photo_remove(request, pk: int):
    _manager(request.user)
    found = photo_for(request.user, pk)
    remove_photo(by=request.user, photo=found, client_ip=client_ip(request))
    messages.success(request, "已删除照片")
    return redirect("stations:detail", pk=found.station_id)


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


@console_view
def station_import(request):
    """The station list staff keep in Excel: a POST runs ``import_stations`` on the uploaded
    file (all rows or none)."""
    _manager(request.user)
    context = {
        "nav": "stations",
        "heading": "批量导入驿站",
        "columns": COLUMNS,
        "template_url": f"{reverse('console:fill_in')}?kind=stations",
        "back": (reverse("stations:list"), "爱心驿站"),
        "note": (
            f"可在末尾加{'、'.join(OPTIONAL)}两列（缺列时保留原值，空白清除）。"
            "同一组织下同名的驿站视为同一驿站，再次导入即更新。"
        ),
    }
    run = partial(import_stations, by=request.user)
    return import_page(request, run=run, done=reverse("stations:list"), context=context)


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
    org = picked_org(form, request.user)
    if org is None:
        return None
    try:
        fields = StationFields(
            name=data["name"],
            address=data["address"],
            lat=data["lat"],
            lng=data["lng"],
            crs=parse_crs(data["crs"]),
            hours=parse_hours(data["hours"]),
            facilities=form.facility_bits(),
            facilities_other=data["facilities_other"],
            phone=data["phone"],
            status=data["status"],
            opened_on=data["opened_on"],
            host_kind=data["host_kind"],
            host_name=data["host_name"],
            kinds=form.kind_bits(),
        )
        return save_station(
            by=request.user, org=org, fields=fields, station=station, client_ip=client_ip(request)
        )
    except DomainError as exc:
        show_error(form, exc)
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
    lat_field, lng_field = {
        Crs.WGS84: ("lat", "lng"),
        Crs.GCJ02: ("gcj_lat", "gcj_lng"),
        Crs.BD09: ("bd_lat", "bd_lng"),
    }[crs]
    stations = list(stations_visible_to(request.user, **filters)[:MAP_LIMIT])
    markers = [
        {
            "id": s.pk,
            "name": s.name,
            "lat": getattr(s, lat_field),
            "lng": getattr(s, lng_field),
            "facilities": facility_names(s.facilities),
            "status": s.get_status_display(),
        }
        for s in stations
    ]
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
    """Stations by status and visits, outdoor workers covered (by workplace radius or
    county), by child org (本级, every child, 合计) for a year or dates."""
    period, problem = period_in(request)
    drilled = figures_asked_for(
        request.user, FIGURES.indicators, period=period, org_code=org_code_in(request)
    )
    context = {
        "nav": "stations",
        "figures": page_context(FIGURES, drilled, problem),
        "radius_m": settings.STATION_COVERAGE_M,
    }
    return page(request, "stations/station_coverage.html", context)


# --- the workers' public phone pages ---------------------------------------------------------


def m_nearby(request):
    """The nearest open stations from the phone's position, asked of the public nearest
    search by the page's script; markers when tiles load, the list always. No login."""
    context = {
        "map_config": json.dumps({"tiles": settings.STATION_TILES_URL, "crs": _tiles_crs().value}),
        "facility_choices": [t.name for t in FACILITIES],
        "markers": [],  # the page starts from the phone's position, not from a list
    }
    return page(request, "stations/m_nearby.html", context)


def m_station(request, pk: int):
    """An open station as a signpost shows it, with its photos; 404 unless open. No login."""
    station = public_station(pk)
    context = {
        "station": station,
        "facilities": facility_names(station.facilities),
        "kinds": kind_names(station.kinds),
        "ratings": list(station.ratings.all()),
        "hours": format_hours(station.hours),
        "open_now": is_open_now(station),
        "photos": photos_of(station),
    }
    return page(request, "stations/m_station.html", context)


def m_photo(request, public_id: str):
    """A photo of an open station, by its random public id; 404 once the station is not open."""
    return _image(public_photo(public_id), "public, max-age=3600")


@never_cache
def m_visit(request, token: str):
    """A worker scanned the station's own QR code: record their visit (once an hour)."""
    try:
        station = station_for_visit(read_visit_token(token))
    except DomainError as exc:
        return page(request, "stations/m_message.html", {"message": exc.message}, status=404)
    context = {"station": station}
    worker_id = portal_worker_id(request)
    if worker_id is None:
        context["message"] = "请先打开工会发给您的职工链接，再扫描驿站二维码登记到访。"
        return page(request, "stations/m_message.html", context, status=403)
    try:
        record_worker_visit(worker_id=worker_id, station=station, client_ip=client_ip(request))
    except DomainError as exc:
        context["message"] = exc.message
        return page(request, "stations/m_message.html", context, status=409)
    context.update(ok=True, message=f"欢迎来到“{station.name}”，本次到访已登记")
    return page(request, "stations/m_message.html", context)
