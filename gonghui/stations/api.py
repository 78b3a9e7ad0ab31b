"""/api/stations: the public nearest search and the staff registry, thin over selectors/services.

``/nearest`` needs no login (station locations are public) and is limited per
client address by ``GONGHUI_PUBLIC_RATE``; everything else takes a staff token
and sees the caller's subtree only (404 outside it).
"""

from django.http import HttpRequest
from ninja import Field, Query, Router, Status
from ninja.pagination import paginate

from gonghui.core.coords import parse_crs
from gonghui.core.errors import DomainError
from gonghui.core.ratelimit import over_limit
from gonghui.core.rendered import json_answer
from gonghui.core.schemas import (
    ErrorOut,
    Id,
    InSchema,
    Latitude,
    Longitude,
    NotFoundOut,
    Pagination,
)
from gonghui.core.views import client_ip
from gonghui.stations.schemas import NearbyOut, StationOut, VisitIn, VisitOut
from gonghui.stations.selectors import nearest_stations, station_for, stations_visible_to
from gonghui.stations.services import record_card_visit, record_visit
from gonghui.stations.vocabulary import facility_bit, kind_bit, kind_names, parse_words

router = Router(tags=["爱心驿站"])
MAX_K = 50
MAX_WITHIN_M = 20_037_000.0  # half the earth's circumference: farther is everywhere


class NearestQuery(InSchema):
    lat: Latitude
    lng: Longitude
    coord: str = "wgs84"
    k: int = Field(5, ge=1, le=MAX_K)
    within_m: float | None = Field(None, gt=0, le=MAX_WITHIN_M, allow_inf_nan=False)
    open_now: bool = False
    facility: str = ""
    kind: str = ""
    out: str = ""


def _bits(text: str, bit_of, field: str) -> int:
    """The OR of ``bit_of`` over the words of ``text`` (separated by 、); an unknown word is
    a 400 naming the query parameter ``field``."""
    bits = 0
    for word in parse_words(text):
        try:
            bits |= bit_of(word)
        except DomainError as exc:
            raise DomainError(exc.code, exc.message, field=field) from None
    return bits


@router.get(
    "/nearest",
    auth=None,
    response={200: list[NearbyOut], 400: ErrorOut, 429: ErrorOut},
    url_name="station_nearest",
    summary="最近的爱心驿站（公开）",
)
def nearest(request: HttpRequest, query: Query[NearestQuery]):
    """The ``k`` nearest open stations to (lat, lng) given in ``coord`` (wgs84, gcj02 or
    bd09), exact by great-circle distance; ``within_m`` limits the distance, ``open_now=1``
    keeps those open now (Asia/Shanghai), ``facility`` (several separated by 、) keeps those
    having all of them, ``kind`` (24小时, 骑手换电 …) likewise. Coordinates come back in ``coord``, or in ``out`` when given (a
    phone's WGS-84 position asking for markers on GCJ-02 tiles)."""
    wait = over_limit(request, "nearest")
    if wait:
        return Status(429, {"code": "rate_limited", "message": f"请求过于频繁，请{wait}秒后再试"})
    # The message names the query parameter too, as an API caller wrote it.
    crs = parse_crs(query.coord, field="coord", label="coord")
    out = parse_crs(query.out, field="out", label="out") if query.out else crs
    if not 1 <= query.k <= MAX_K:
        raise DomainError("bad_k", f"k应在1至{MAX_K}之间", field="k")
    if query.within_m is not None and not 0 < query.within_m <= MAX_WITHIN_M:
        raise DomainError("bad_within", "within_m应为正数（米）", field="within_m")
    found = nearest_stations(
        lat=query.lat,
        lng=query.lng,
        crs=crs,
        k=query.k,
        within_m=query.within_m,
        open_now=query.open_now,
        facilities=_bits(query.facility, facility_bit, "facility"),
        kinds=_bits(query.kind, kind_bit, "kind"),
        out=out,
    )
    # The items are built here in NearbyOut's shape from plain values; rendering them
    # directly skips ninja's second pass over every field, a fifth of this endpoint's cost.
    items = [
        {
            **vars(item),
            "coord": out.value,
            "distance_m": round(item.distance_m, 1),
            "kinds": kind_names(item.kinds),
        }
        for item in found
    ]
    return json_answer(items)


@router.get("", response=list[StationOut], url_name="station_list", summary="驿站列表")
@paginate(Pagination, max_limit=500)
def list_stations(request: HttpRequest, q: str = "", status: str = ""):
    """Stations in the caller's subtree; ``q`` searches name and address."""
    return stations_visible_to(request.auth, q=q, status=status).order_by("id")


@router.get(
    "/{station_id}",
    response={200: StationOut, 404: NotFoundOut},
    url_name="station_detail",
    summary="驿站详情",
)
def get_station(request: HttpRequest, station_id: Id):
    return station_for(request.auth, station_id)


@router.post(
    "/{station_id}/visits",
    response={200: VisitOut, 403: ErrorOut, 404: NotFoundOut, 409: ErrorOut},
    url_name="station_visit",
    summary="登记到访人次",
)
def post_visit(request: HttpRequest, station_id: Id, payload: VisitIn):
    """Staff scan a worker's union card (``token``: one visit per worker per station per
    hour, 409 ``already_visited`` beyond it) or enter a head count of workers without
    phones (``count``)."""
    station = station_for(request.auth, station_id)
    masked = ""
    if payload.token:
        scanned = record_card_visit(
            by=request.auth, station=station, token=payload.token, client_ip=client_ip(request)
        )
        visit, masked = scanned.visit, scanned.masked_name
    else:
        visit = record_visit(
            by=request.auth, station=station, count=payload.count, client_ip=client_ip(request)
        )
    return {
        "id": visit.pk,
        "station": station.pk,
        "day": visit.day,
        "hour": visit.hour,
        "count": visit.count,
        "channel": visit.channel,
        "masked_name": masked,
    }
