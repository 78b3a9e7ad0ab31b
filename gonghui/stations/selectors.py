"""Reads of stations: the staff registry (scoped) and the public nearest search.

Station locations are public (they are on public maps and signposts), so
``nearest_stations`` takes no user: it shows only open stations and only what
a signpost shows. Every other read starts from ``Station.objects.visible_to``, except
the report card's measures, which take an org path and no user (``Under``) and which the
coverage page measures through once ``figures_asked_for`` has checked the org is the user's.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.coords import Crs, to_wgs84
from gonghui.core.drilldown import shared
from gonghui.core.hours import is_open_at
from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.core.story import StoryLine
from gonghui.members.models import Worker
from gonghui.members.selectors import outdoor_workers_by_workplace
from gonghui.orgs.selectors import county_path_of
from gonghui.stations.models import (
    Station,
    StationClosure,
    StationDaily,
    StationPhoto,
    Status,
    Visit,
)
from gonghui.stations.search_index import current_index
from gonghui.stations.vocabulary import facility_names

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- the public nearest search -----------------------------------------------------------


@dataclass
class Nearby:
    """One search result; ``lat``/``lng`` are in the system the caller asked for."""

    id: int
    name: str
    org_code: str
    address: str
    lat: float
    lng: float
    distance_m: float
    facilities: list[str]
    facilities_other: str
    open_now: bool
    phone: str
    kinds: int


def nearest_stations(
    *,
    lat: float,
    lng: float,
    crs: Crs = Crs.WGS84,
    k: int = 5,
    within_m: float | None = None,
    open_now: bool = False,
    facilities: int = 0,
    kinds: int = 0,
    out: Crs | None = None,
    now: datetime.datetime | None = None,
) -> list[Nearby]:
    """The exact ``k`` nearest open stations (great-circle metres from the given point,
    ties by id) having every bit in ``facilities`` and in ``kinds``, open at ``now`` (Asia/Shanghai)
    when ``open_now``, within ``within_m`` when given. Fewer than ``k`` when fewer match.
    Their coordinates are in ``out`` (the stored values of that system), else in ``crs``."""
    wgs_lat, wgs_lng = to_wgs84(lat, lng, crs)
    local = timezone.localtime(now or timezone.now(), SHANGHAI).replace(tzinfo=None)
    index = current_index(local.date())
    hits = index.search(
        wgs_lat,
        wgs_lng,
        k=k,
        within_m=within_m,
        open_now=open_now,
        facilities=facilities,
        kinds=kinds,
        local=local,
    )
    lats, lngs = index.coords[out or crs]
    return [
        Nearby(
            id=index.ids[row],
            name=index.names[row],
            org_code=index.org_codes[row],
            address=index.addresses[row],
            lat=lats[row],
            lng=lngs[row],
            distance_m=distance,
            facilities=facility_names(index.facilities[row]),
            facilities_other=index.facilities_other[row],
            open_now=is_open,
            phone=index.phones[row],
            kinds=index.kinds[row],
        )
        for row, distance, is_open in hits
    ]


def is_open_now(station: Station, now: datetime.datetime | None = None) -> bool:
    """Whether ``station`` is open now in Asia/Shanghai (status, weekly hours, closures)."""
    if station.status != Status.OPEN:
        return False
    local = timezone.localtime(now or timezone.now(), SHANGHAI).replace(tzinfo=None)
    closed = station.closures.filter(
        day__in=[local.date(), local.date() - datetime.timedelta(days=1)]
    )
    return is_open_at(station.hours, local, set(closed.values_list("day", flat=True)))


# --- the staff registry ------------------------------------------------------------------


def stations_visible_to(
    user: User,
    *,
    q: str = "",
    status: str = "",
    facilities: int = 0,
    org_path: str | None = None,
    unvisited_since: datetime.date | None = None,
) -> QuerySet[Station]:
    """Stations in the user's subtree; ``q`` searches name and address; ``unvisited_since``
    keeps those without a visit from that day on (by the daily rollup)."""
    stations = Station.objects.visible_to(user).select_related("org")
    if unvisited_since:
        visited = StationDaily.objects.filter(day__gte=unvisited_since, person_times__gt=0)
        stations = stations.exclude(pk__in=visited.values("station_id"))
    if org_path:
        stations = stations.filter(org_path__subtree=org_path)
    if status:
        stations = stations.filter(status=status)
    if facilities:
        stations = stations.alias(has=F("facilities").bitand(facilities)).filter(has=facilities)
    q = q.strip()
    if q:
        stations = stations.filter(Q(name__contains=q) | Q(address__contains=q))
    return stations


def station_for(user: User, pk: int) -> Station:
    try:
        return stations_visible_to(user).get(pk=pk)
    except Station.DoesNotExist:
        raise Http404 from None


def closures_ahead(station: Station, *, days: int = 60) -> list[StationClosure]:
    """The station's closure dates from today on (the caller holds ``station`` in scope)."""
    today = timezone.localdate()
    return list(
        station.closures.filter(day__gte=today, day__lte=today + datetime.timedelta(days=days))
    )


def visit_days(station: Station, *, days: int = 30) -> list[tuple[datetime.date, int]]:
    """(day, person-times) of the last ``days`` days with visits, from the rollup."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = StationDaily.objects.filter(station=station, day__gte=since).order_by("day")
    return list(rows.values_list("day", "person_times"))


# --- figures -----------------------------------------------------------------------------


@shared
def outdoor_sums(under: Under, period: Period) -> dict[str, int]:
    """Outdoor workers ``under`` an org (``Under``: its subtree or its own only) and those
    covered by an open station, by rule: a snapshot of the registry and the stations as
    they stand now, which ``period`` does not narrow, since neither keeps a history (a
    worker's categories and employer, a station's status).

    A worker whose employer has a workplace location is covered when an open station lies
    within ``STATION_COVERAGE_M`` metres of it; any open station counts, inside the org's
    subtree or not, as station locations are public and a worker crosses county lines to
    rest. A worker whose employer has no location is covered when their union's county
    (区/县; the org itself above county level) has an open station anywhere in it, the
    finest place the registry gives for them. Neither rule depends on the org asking, so a
    worker is covered or not alike at every level, and these add up the tree. A province
    has some twelve thousand (org, workplace) groups, summed here in one pass."""
    workers = outdoor_workers_by_workplace(under)
    near = _near_open_station(
        {place for _, place, _ in workers if place is not None}, settings.STATION_COVERAGE_M
    )
    # Every county of these workers lies within the asking org's county, or under it.
    open_counties = _counties_with_an_open_station(county_path_of(under.path))
    county_open: dict[str, bool] = {}  # per org path: many workplaces share one org
    sums = {"workers": 0, "by_radius": 0, "by_county": 0}
    for path, place, n in workers:
        sums["workers"] += n
        if place is not None:
            sums["by_radius"] += n if place in near else 0
            continue
        if path not in county_open:
            county_open[path] = county_path_of(path) in open_counties
        sums["by_county"] += n if county_open[path] else 0
    return sums


def outdoor_workers(under: Under, period: Period) -> int:
    return outdoor_sums(under, period)["workers"]


def covered_outdoor_workers(under: Under, period: Period) -> int:
    """Outdoor workers covered by an open station, by either rule."""
    sums = outdoor_sums(under, period)
    return sums["by_radius"] + sums["by_county"]


def covered_by_radius(under: Under, period: Period) -> int:
    """Covered by an open station near their employer's workplace."""
    return outdoor_sums(under, period)["by_radius"]


def covered_by_county(under: Under, period: Period) -> int:
    """Covered by an open station in their county (their employer has no location)."""
    return outdoor_sums(under, period)["by_county"]


@shared
def stations_by_status(under: Under, period: Period) -> dict[str, int]:
    """Stations ``under`` an org by status: the registry as it stands now, which ``period``
    does not narrow, since a station keeps no history of its status (``opened_on`` is
    optional and says nothing of a suspension or a closure)."""
    rows = Station.objects.filter(**under.filter()).order_by().values_list("status")
    counted = dict(rows.annotate(n=Count("id")))
    return {status: counted.get(status, 0) for status in Status.values}


def open_stations(under: Under, period: Period) -> int:
    """Stations open under an org (``stations_by_status``)."""
    return stations_by_status(under, period)[Status.OPEN]


def all_stations(under: Under, period: Period) -> int:
    """Stations under an org whatever their status."""
    return sum(stations_by_status(under, period).values())


def stations_with(status: str) -> Callable[[Under, Period], int]:
    """A measure: the stations of one ``status`` under an org (``stations_by_status``)."""

    def measure(under: Under, period: Period) -> int:
        return stations_by_status(under, period)[status]

    return measure


def visits_in(under: Under, period: Period) -> int:
    """Visits (person-times, by QR code at the station) on the days of ``period``."""
    rows = StationDaily.objects.filter(**under.filter(), **period.dates("day"))
    return rows.aggregate(n=Sum("person_times", default=0))["n"]


def _counties_with_an_open_station(region: str) -> set[str]:
    """The county paths (an org's own above county level) under ``region`` where a station
    is open."""
    paths = Station.objects.filter(org_path__subtree=region, status=Status.OPEN)
    return {
        county_path_of(path)
        for path in paths.order_by().values_list("org_path", flat=True).distinct()
    }


def _near_open_station(places: set[tuple[float, float]], radius_m: float) -> set[tuple]:
    """The places with an open station (status open, whatever the hour) within ``radius_m``,
    asked of the in-memory nearest-search index, which remembers its answers."""
    if not places:
        return set()
    local = timezone.localtime(timezone.now(), SHANGHAI).replace(tzinfo=None)
    return current_index(local.date()).near_any(list(places), radius_m, local)


# --- photos and the workers' public pages --------------------------------------------------


def photos_of(station: Station) -> list[StationPhoto]:
    """The station's photos (the caller holds ``station``: in scope, or open and public)."""
    return list(station.photos.all())


def photo_for(user: User, pk: int) -> StationPhoto:
    """A photo of a station in the user's subtree, whatever the station's status; else 404."""
    try:
        return StationPhoto.objects.visible_to(user).select_related("station").get(pk=pk)
    except StationPhoto.DoesNotExist:
        raise Http404 from None


def public_station(pk: int) -> Station:
    """An open station as anyone may see it (locations are public); 404 unless open."""
    try:
        return Station.objects.select_related("org").get(pk=pk, status=Status.OPEN)
    except Station.DoesNotExist:
        raise Http404 from None


def public_photo(public_id: str) -> StationPhoto:
    """A photo by its random public id, only while its station is open; else 404."""
    try:
        return StationPhoto.objects.get(public_id=public_id, station__status=Status.OPEN)
    except StationPhoto.DoesNotExist:
        raise Http404 from None


def station_for_visit(station_id: int) -> Station:
    """The station a genuine QR code names (closed ones too: the service says why it refuses)."""
    try:
        return Station.objects.get(pk=station_id)
    except Station.DoesNotExist:
        raise Http404 from None


def story_of(user: User, worker: Worker) -> list[StoryLine]:
    """The rest stations the worker visited, in the user's subtree."""
    return [
        StoryLine(
            v.day,
            "户外劳动者服务",
            f"到访{v.station.name}",
            reverse("stations:detail", args=[v.station_id]),
        )
        for v in Visit.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("station")
        .order_by("day", "pk")
    ]
