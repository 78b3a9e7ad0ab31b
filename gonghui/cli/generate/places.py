"""Where generated things are: a made-up but plausible map of Henan in GCJ-02 (what Chinese
maps give), with every station placed once so that employers can be placed near them.

Cities sit at their real centres (to the hundredth of a degree); a city's counties lie on
a ring around it. Stations are scattered around their county's point, and a located
employer lies within ``NEAR_STATION_M`` of an open station of its county, well inside the
coverage radius, so "covered" does not depend on rounding.
"""

import math
from dataclasses import dataclass

import numpy as np

from gonghui.cli.generate.context import Generation

CITY_CENTRES = {
    "410100": (34.75, 113.62),  # 郑州
    "410200": (34.80, 114.31),  # 开封
    "410300": (34.62, 112.45),  # 洛阳
    "410400": (33.77, 113.19),  # 平顶山
    "410500": (36.10, 114.39),  # 安阳
    "410600": (35.75, 114.30),  # 鹤壁
    "410700": (35.30, 113.93),  # 新乡
    "410800": (35.22, 113.24),  # 焦作
    "410900": (35.76, 115.03),  # 濮阳
    "411000": (34.04, 113.85),  # 许昌
    "411100": (33.58, 114.02),  # 漯河
    "411200": (34.77, 111.20),  # 三门峡
    "411300": (33.00, 112.53),  # 南阳
    "411400": (34.41, 115.66),  # 商丘
    "411500": (32.15, 114.09),  # 信阳
    "411600": (33.63, 114.65),  # 周口
    "411700": (32.98, 114.02),  # 驻马店
}
RING_DEG = 0.3  # counties around their city's centre
SPREAD_DEG = 0.06  # stations around their county's point (standard deviation)
NEAR_STATION_M = 600
_M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class StationSites:
    """Every station to be created, by position: county index, GCJ-02 point, open or not."""

    county: np.ndarray
    lat: np.ndarray
    lng: np.ndarray
    open: np.ndarray  # bool

    def open_in(self, county: int) -> np.ndarray:
        return np.flatnonzero((self.county == county) & self.open)


def county_points(g: Generation) -> tuple[np.ndarray, np.ndarray]:
    """(lat, lng) of each county of the tree."""
    tree = g.tree
    lats, lngs = np.empty(len(tree.county_codes)), np.empty(len(tree.county_codes))
    for city, code in enumerate(tree.city_codes):
        counties = np.flatnonzero(tree.county_city == city)
        clat, clng = CITY_CENTRES[code]
        for k, county in enumerate(counties):
            angle = 2 * math.pi * k / len(counties)
            ring = 0.0 if k == 0 else RING_DEG  # the first county is the city's own district
            lats[county] = clat + ring * math.sin(angle)
            lngs[county] = clng + ring * math.cos(angle) / math.cos(math.radians(clat))
    return lats, lngs


def station_sites(g: Generation) -> StationSites:
    """The plan's stations spread over its counties (open ones first in each county)."""
    plan, tree = g.plan, g.tree
    rng = g.rng("places.stations")
    counties = len(tree.county_codes)
    per_open = _spread(plan.stations_open, counties)
    per_other = _spread(plan.stations_other, counties)
    county = np.repeat(np.arange(counties), per_open + per_other)
    is_open = np.concatenate(
        [np.arange(o + c) < o for o, c in zip(per_open, per_other, strict=True)]
    )
    lats, lngs = county_points(g)
    lat = np.round(lats[county] + rng.normal(0, SPREAD_DEG, len(county)), 6)
    lng = np.round(lngs[county] + rng.normal(0, SPREAD_DEG, len(county)), 6)
    return StationSites(county, lat, lng, is_open)


def near(rng: np.random.Generator, lat: float, lng: float) -> tuple[float, float]:
    """A point within ``NEAR_STATION_M`` of (lat, lng)."""
    distance = NEAR_STATION_M * math.sqrt(rng.random())
    angle = 2 * math.pi * rng.random()
    dlat = distance * math.sin(angle) / _M_PER_DEG
    dlng = distance * math.cos(angle) / (_M_PER_DEG * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def _spread(total: int, parts: int) -> np.ndarray:
    """``total`` split over ``parts`` as evenly as integers allow."""
    each, rest = divmod(total, parts)
    return np.array([each + (1 if i < rest else 0) for i in range(parts)], dtype=np.int64)
