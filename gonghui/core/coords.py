"""WGS-84 ↔ GCJ-02 ↔ BD-09, through geocoordinates-rs.

Stations are stored in WGS-84 (what phones report); Chinese web maps and most
Chinese data give GCJ-02 (AMap, Tencent) or BD-09 (Baidu). The forward
transforms are the published formulas; the inverses have no closed form, so
the package's refined inverses iterate until the forward transform of the
answer gives the input back (within ``max_error_m``, 0.5 m for GCJ-02 and
1 m for BD-09 as the package states; measured far below that in our tests).
Outside China GCJ-02 and BD-09's offset is not applied, as every map does.
"""

from enum import StrEnum

import geocoordinates_ffi as gc

from gonghui.core.errors import DomainError


class Crs(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


CRS_LABELS = {Crs.WGS84: "WGS84", Crs.GCJ02: "GCJ02", Crs.BD09: "BD09"}


def parse_crs(text: str, *, field: str = "crs", label: str = "坐标系") -> Crs:
    """'WGS84', 'gcj-02', 'BD09' … as staff and callers write them; ``field`` is the
    attribute (or query parameter) the error names, ``label`` how its message names it."""
    key = text.strip().lower().replace("-", "").replace("_", "")
    for crs in Crs:
        if key == crs.value:
            return crs
    raise DomainError("bad_crs", f"{label}“{text}”应为 WGS84、GCJ02 或 BD09", field=field)


def check_lat_lng(lat: float, lng: float) -> None:
    """Refuse what is not a position on Earth (NaN, out of range, swapped beyond range)."""
    if not (-90.0 <= lat <= 90.0):
        raise DomainError("bad_lat", f"纬度{lat}应在-90至90之间", field="lat")
    if not (-180.0 <= lng <= 180.0):
        raise DomainError("bad_lng", f"经度{lng}应在-180至180之间", field="lng")


def to_wgs84(lat: float, lng: float, crs: Crs) -> tuple[float, float]:
    """(lat, lng) given in ``crs`` as WGS-84."""
    check_lat_lng(lat, lng)
    if crs == Crs.WGS84:
        return lat, lng
    if crs == Crs.GCJ02:
        point = gc.gcj02_to_wgs84_refined(gc.Gcj02(lat=lat, lon=lng))
    else:
        try:
            point = gc.bd09_to_wgs84_refined(gc.Bd09(lat=lat, lon=lng))
        except gc.GeoError.OutOfRange:
            return _bd09_past_the_edge(lat, lng)
    return point.lat, point.lon


def _bd09_past_the_edge(lat: float, lng: float) -> tuple[float, float]:
    """BD-09's offset (under 0.01°) carries a point near a pole or the antimeridian past it,
    where the package's inverse gives up; undo the offset by the closed form, then bring
    the point back onto the Earth (clamped at the pole, wrapped across the antimeridian).
    That far from China GCJ-02 is WGS-84."""
    gcj = gc.bd09_to_gcj02_fast(gc.Bd09(lat=lat, lon=lng))
    wrapped = (gcj.lon + 180.0) % 360.0 - 180.0
    return min(90.0, max(-90.0, gcj.lat)), wrapped


def from_wgs84(lat: float, lng: float, crs: Crs) -> tuple[float, float]:
    """WGS-84 (lat, lng) expressed in ``crs``."""
    check_lat_lng(lat, lng)
    if crs == Crs.WGS84:
        return lat, lng
    wgs = gc.Wgs84(lat=lat, lon=lng)
    point = gc.wgs84_to_gcj02(wgs) if crs == Crs.GCJ02 else gc.wgs84_to_bd09(wgs)
    return point.lat, point.lon
