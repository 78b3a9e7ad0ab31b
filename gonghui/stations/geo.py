"""Great-circle distance and the lat/lng box that surely holds a circle around a point.

Distances are haversine on a sphere of the IUGG mean radius (6,371,008.8 m):
within 0.5 % of the ellipsoid everywhere, and the same function decides both
the search and its brute-force check, so "the k nearest" is exact for it.
The box is Matuschek's bounding-coordinates construction, widened by a hair
(1e-7°, about a centimetre) so rounding never drops a station on the circle.
"""

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8
HALF_CIRCUMFERENCE_M = math.pi * EARTH_RADIUS_M
_MARGIN_DEG = 1e-7


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points (degrees)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Box:
    """Latitude range and one or two longitude ranges (two when it crosses ±180°)."""

    lat_min: float
    lat_max: float
    lng_ranges: tuple[tuple[float, float], ...]

    @property
    def is_everything(self) -> bool:
        return self.lat_min <= -90 and self.lat_max >= 90 and self.lng_ranges == ((-180, 180),)


def box_around(lat: float, lng: float, radius_m: float) -> Box:
    """The smallest lat/lng box holding every point within ``radius_m`` of (lat, lng)."""
    if radius_m >= HALF_CIRCUMFERENCE_M:
        return Box(-90, 90, ((-180, 180),))
    delta = radius_m / EARTH_RADIUS_M
    phi = math.radians(lat)
    lat_min = math.degrees(phi - delta) - _MARGIN_DEG
    lat_max = math.degrees(phi + delta) + _MARGIN_DEG
    if lat_min <= -90 or lat_max >= 90:  # the circle holds a pole: every longitude
        return Box(max(lat_min, -90), min(lat_max, 90), ((-180, 180),))
    ratio = math.sin(delta) / math.cos(phi)
    if ratio >= 1:
        return Box(lat_min, lat_max, ((-180, 180),))
    dlng = math.degrees(math.asin(ratio)) + _MARGIN_DEG
    low, high = lng - dlng, lng + dlng
    if low < -180:
        return Box(lat_min, lat_max, ((low + 360, 180), (-180, high)))
    if high > 180:
        return Box(lat_min, lat_max, ((low, 180), (-180, high - 360)))
    return Box(lat_min, lat_max, ((low, high),))
