"""Coordinate conversion against published reference points, and round trips.

Reference points: googollee/eviltransform's test suite (WGS-84 positions read
by GPS in Shanghai, Shenzhen and Beijing with their GCJ-02 map positions; two
BD-09 points with eviltransform's approximate WGS-84) and wandergis/
coordtransform's published Tiananmen example (GCJ-02 116.404, 39.915 ↔ BD-09).
"""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core.coords import Crs, from_wgs84, parse_crs, to_wgs84
from gonghui.core.errors import DomainError
from gonghui.core.geo import haversine_m

# (wgs lat, wgs lng, gcj lat, gcj lng)
GPS_AND_MAP = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # 上海
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # 深圳
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # 北京
]
# (bd lat, bd lng, wgs lat, wgs lng) where the wgs is eviltransform's one-step approximation
BAIDU_APPROX = [
    (29.199786, 120.019809, 29.196131605295484, 120.00877901149691),
    (29.210504, 120.036455, 29.206795749156136, 120.0253853970846),
]
# 天安门 as in coordtransform's published example: GCJ-02 and its BD-09
TIANANMEN_GCJ = (39.915, 116.404)
TIANANMEN_BD = (39.92133699351021, 116.41036949371029)
# Henan, with a margin: where our stations are
HENAN = dict(lat=st.floats(31.0, 36.6), lng=st.floats(110.2, 116.8))


@pytest.mark.parametrize("wgs_lat,wgs_lng,gcj_lat,gcj_lng", GPS_AND_MAP)
def test_wgs84_to_gcj02_matches_published_points_to_a_millimetre(
    wgs_lat, wgs_lng, gcj_lat, gcj_lng
):
    lat, lng = from_wgs84(wgs_lat, wgs_lng, Crs.GCJ02)
    assert haversine_m(lat, lng, gcj_lat, gcj_lng) < 0.001


@pytest.mark.parametrize("wgs_lat,wgs_lng,gcj_lat,gcj_lng", GPS_AND_MAP)
def test_gcj02_to_wgs84_recovers_the_gps_position_within_a_centimetre(
    wgs_lat, wgs_lng, gcj_lat, gcj_lng
):
    lat, lng = to_wgs84(gcj_lat, gcj_lng, Crs.GCJ02)
    assert haversine_m(lat, lng, wgs_lat, wgs_lng) < 0.01


def test_gcj02_to_bd09_matches_the_published_tiananmen_pair():
    lat, lng = from_wgs84(*to_wgs84(*TIANANMEN_GCJ, Crs.GCJ02), Crs.BD09)
    assert haversine_m(lat, lng, *TIANANMEN_BD) < 0.01
    back = from_wgs84(*to_wgs84(*TIANANMEN_BD, Crs.BD09), Crs.GCJ02)
    assert haversine_m(*back, *TIANANMEN_GCJ) < 0.01


@pytest.mark.parametrize("bd_lat,bd_lng,wgs_lat,wgs_lng", BAIDU_APPROX)
def test_bd09_to_wgs84_is_exact_where_the_one_step_formula_is_metres_off(
    bd_lat, bd_lng, wgs_lat, wgs_lng
):
    lat, lng = to_wgs84(bd_lat, bd_lng, Crs.BD09)
    # Ours maps back onto the Baidu point to a centimetre ...
    assert haversine_m(*from_wgs84(lat, lng, Crs.BD09), bd_lat, bd_lng) < 0.01
    # ... while the published values, one-step approximations (their forward transform
    # lands 10-40 m from the Baidu point), agree with ours within that error.
    assert haversine_m(lat, lng, wgs_lat, wgs_lng) < 50
    assert haversine_m(*from_wgs84(wgs_lat, wgs_lng, Crs.BD09), bd_lat, bd_lng) > 5


@settings(max_examples=200, deadline=None)
@given(**HENAN, crs=st.sampled_from([Crs.GCJ02, Crs.BD09]))
def test_round_trip_through_any_system_returns_within_a_centimetre(lat, lng, crs):
    there = from_wgs84(lat, lng, crs)
    assert haversine_m(*there, lat, lng) > 100  # the offset is real in China
    assert haversine_m(*to_wgs84(*there, crs), lat, lng) < 0.01


def test_outside_china_no_offset_is_applied():
    assert from_wgs84(48.8584, 2.2945, Crs.GCJ02) == (48.8584, 2.2945)


@pytest.mark.parametrize(
    "text,crs", [("WGS84", Crs.WGS84), ("gcj-02", Crs.GCJ02), (" BD09 ", Crs.BD09)]
)
def test_crs_names_as_staff_write_them(text, crs):
    assert parse_crs(text) == crs


@pytest.mark.parametrize("lat,lng", [(91, 114), (32, 181), (math.nan, 114)])
def test_positions_off_the_earth_are_refused(lat, lng):
    with pytest.raises(DomainError):
        to_wgs84(lat, lng, Crs.GCJ02)


def test_unknown_crs_is_refused_with_the_choices():
    with pytest.raises(DomainError, match="WGS84、GCJ02 或 BD09"):
        parse_crs("CGCS2000")
