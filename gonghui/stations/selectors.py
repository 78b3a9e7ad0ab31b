"""Reads of stations: the staff registry (scoped) and the public nearest search.

Station locations are public (they are on public maps and signposts), so
``nearest_stations`` takes no user: it shows only open stations and only what
a signpost shows. Every other read starts from ``Station.objects.visible_to``, except
the report card's measures, which take an org path and no user (``Under``) and which the
coverage page counts through once it has checked the org is the user's.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.accounts.selectors import org_asked_for
from gonghui.core.coords import Crs, to_wgs84
from gonghui.core.hours import is_open_at
from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.members.categories import OUTDOOR_BITS as OUTDOOR_BITS  # still importable here
from gonghui.members.selectors import outdoor_workers_by_workplace
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs, county_path_of
from gonghui.stations.models import (
    Station,
    StationClosure,
    StationDaily,
    StationPhoto,
    Status,
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
    user: User, *, q: str = "", status: str = "", facilities: int = 0, org_path: str | None = None
) -> QuerySet[Station]:
    """Stations in the user's subtree; ``q`` searches name and address."""
    stations = Station.objects.visible_to(user).select_related("org")
    if org_path:
        stations = stations.filter(org_path__startswith=org_path)
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


@dataclass
class OrgCoverage:
    """One org's figures. Outdoor workers of a located employer are covered by the radius
    rule (``radius_m`` metres from the workplace), the rest by the county rule."""

    org: Org
    radius_m: float
    by_status: Counter = field(default_factory=Counter)
    outdoor_workers: int = 0
    covered_by_radius: int = 0
    covered_by_county: int = 0
    visit_person_times: int = 0

    @property
    def covered_workers(self) -> int:
        return self.covered_by_radius + self.covered_by_county

    def add_workers(self, n: int, *, by_radius: bool, covered: bool) -> None:
        self.outdoor_workers += n
        if covered and by_radius:
            self.covered_by_radius += n
        elif covered:
            self.covered_by_county += n

    @property
    def stations(self) -> int:
        return sum(self.by_status.values())

    @property
    def status_counts(self) -> list[int]:
        """Stations per status, in ``Status`` order (the table's columns)."""
        return [self.by_status[status] for status in Status.values]


def coverage(
    user: User, *, org_code: str | None = None, since: datetime.date | None = None
) -> tuple[OrgCoverage, list[OrgCoverage]]:
    """Stations by status, outdoor workers, those covered (``outdoor_coverage``), and visit
    person-times, for the user's org (or ``org_code`` inside it) and each child org.
    Workers belong to one org, so these counts add up exactly."""
    radius = settings.STATION_COVERAGE_M
    base = org_asked_for(user, org_code)
    rows = {c.path: OrgCoverage(c, radius) for c in child_orgs(base)}
    total = OrgCoverage(base, radius)
    stations = stations_visible_to(user, org_path=base.path).order_by()
    for path, status, n in stations.values_list("org_path", "status").annotate(n=Count("id")):
        total.by_status[status] += n
        child = _child_of(path, rows)
        if child is not None:
            child.by_status[status] += n
    for group in outdoor_coverage(Under(base.path)):
        total.add_workers(group.workers, by_radius=group.by_radius, covered=group.covered)
        child = _child_of(group.org_path, rows)
        if child is not None:
            child.add_workers(group.workers, by_radius=group.by_radius, covered=group.covered)
    visits = StationDaily.objects.visible_to(user).filter(org_path__startswith=base.path)
    if since is not None:
        visits = visits.filter(day__gte=since)
    for path, n in visits.values_list("org_path").annotate(n=Sum("person_times")).order_by():
        total.visit_person_times += n
        child = _child_of(path, rows)
        if child is not None:
            child.visit_person_times += n
    return total, [row for row in rows.values() if row.stations or row.outdoor_workers]


@dataclass(frozen=True)
class OutdoorGroup:
    """Outdoor workers of one org, of one workplace (or none), and whether they are covered."""

    org_path: str
    workers: int
    by_radius: bool  # their employer has a workplace location
    covered: bool


def outdoor_coverage(under: Under) -> list[OutdoorGroup]:
    """The outdoor workers under an org (``Under``: its subtree or its own only) by org and
    workplace, each group covered or not, as the stations stand now.

    A worker whose employer has a workplace location is covered when an open station lies
    within ``STATION_COVERAGE_M`` metres of it; any open station counts, inside the org's
    subtree or not, as station locations are public and a worker crosses county lines to
    rest. A worker whose employer has no location is covered when their union's county
    (区/县; the org itself above county level) has an open station anywhere in it, the
    finest place the registry gives for them. Neither rule depends on the org asking, so a
    worker is covered or not alike at every level and the groups add up the tree."""
    radius = settings.STATION_COVERAGE_M
    workers = outdoor_workers_by_workplace(under)
    near = _near_open_station({place for _, place, _ in workers if place is not None}, radius)
    # Every county of these workers lies within the asking org's county, or under it.
    open_counties = _counties_with_an_open_station(county_path_of(under.path))
    return [
        OutdoorGroup(
            org_path=path,
            workers=n,
            by_radius=place is not None,
            covered=place in near if place is not None else county_path_of(path) in open_counties,
        )
        for path, place, n in workers
    ]


def covered_outdoor_workers(under: Under, period: Period) -> int:
    """Outdoor workers covered by an open station (``outdoor_coverage``): a snapshot of the
    registry and the stations as they stand now, which ``period`` does not narrow, since
    neither keeps a history (a worker's categories and employer, a station's status)."""
    return sum(group.workers for group in outdoor_coverage(under) if group.covered)


def open_stations(under: Under, period: Period) -> int:
    """Stations open under an org: the registry as it stands now, which ``period`` does not
    narrow, since a station keeps no history of its status (``opened_on`` is optional and
    says nothing of a suspension or a closure)."""
    return Station.objects.filter(**under.filter(), status=Status.OPEN).count()


def _counties_with_an_open_station(region: str) -> set[str]:
    """The county paths (an org's own above county level) under ``region`` where a station
    is open."""
    paths = Station.objects.filter(org_path__startswith=region, status=Status.OPEN)
    return {
        county_path_of(path)
        for path in paths.order_by().values_list("org_path", flat=True).distinct()
    }


def _near_open_station(places: set[tuple[float, float]], radius_m: float) -> set[tuple]:
    """The places with an open station (status open, whatever the hour) within ``radius_m``,
    asked of the in-memory nearest-search index in one batch."""
    if not places:
        return set()
    points = list(places)
    local = timezone.localtime(timezone.now(), SHANGHAI).replace(tzinfo=None)
    hits = current_index(local.date()).search_many(
        points, k=1, within_m=radius_m, open_now=False, facilities=0, local=local
    )
    return {point for point, found in zip(points, hits, strict=True) if found}


def _child_of(path: str, rows: dict[str, OrgCoverage]) -> OrgCoverage | None:
    for child_path, row in rows.items():
        if path.startswith(child_path):
            return row
    return None


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
