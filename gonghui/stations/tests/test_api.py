"""/api/stations: the public nearest search (no login, rate-limited) and the staff registry."""

import pytest
from django.core.cache import cache

from gonghui.core.coords import Crs, from_wgs84
from gonghui.core.geo import haversine_m
from gonghui.members.cards import issue_card_token
from gonghui.stations.models import Visit
from gonghui.stations.schemas import NearbyOut
from gonghui.stations.vocabulary import facility_bit, kind_bit

pytestmark = pytest.mark.django_db
NEAREST = "/api/stations/nearest"


@pytest.fixture(autouse=True)
def fresh_rate_windows():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def three(station):
    hot = facility_bit("热饭") | facility_bit("饮水")
    return [
        station("一号驿站", lat=32.980, lng=114.020, facilities=hot),
        station("二号驿站", lat=32.990, lng=114.020, facilities=facility_bit("饮水")),
        station("三号驿站", org="410311", lat=34.62, lng=112.45, facilities=hot),
    ]


def test_nearest_needs_no_login_and_answers_in_the_requested_system(client, three):
    gcj = from_wgs84(32.981, 114.020, Crs.GCJ02)
    response = client.get(NEAREST, {"lat": gcj[0], "lng": gcj[1], "coord": "gcj02", "k": 2})
    assert response.status_code == 200
    body = response.json()
    assert [r["name"] for r in body] == ["一号驿站", "二号驿站"]
    first = body[0]
    assert first["coord"] == "gcj02" and first["org_code"] == "411702"
    assert 100 < first["distance_m"] < 120
    assert haversine_m(first["lat"], first["lng"], *from_wgs84(32.98, 114.02, Crs.GCJ02)) < 0.05
    assert first["facilities"] == ["饮水", "热饭/微波炉"] and first["open_now"] is True


def test_facility_filter_and_radius(client, three):
    body = client.get(NEAREST, {"lat": 32.99, "lng": 114.02, "facility": "热饭", "k": 5}).json()
    assert [r["name"] for r in body] == ["一号驿站", "三号驿站"]
    near = client.get(NEAREST, {"lat": 32.99, "lng": 114.02, "within_m": 3000, "k": 5}).json()
    assert [r["name"] for r in near] == ["二号驿站", "一号驿站"]


def test_a_phones_wgs84_position_gets_markers_for_gcj02_tiles(client, three):
    query = {"lat": 32.981, "lng": 114.020, "coord": "wgs84", "k": 1}
    plain = client.get(NEAREST, query).json()[0]
    moved = client.get(NEAREST, {**query, "out": "gcj02"}).json()[0]
    assert moved["coord"] == "gcj02" and moved["distance_m"] == plain["distance_m"]
    assert (plain["lat"], plain["lng"]) == (32.98, 114.02)
    assert haversine_m(moved["lat"], moved["lng"], *from_wgs84(32.98, 114.02, Crs.GCJ02)) < 0.05
    assert haversine_m(moved["lat"], moved["lng"], 32.98, 114.02) > 100  # really moved


@pytest.mark.parametrize(
    "query,field",
    [
        ({"coord": "cgcs2000"}, "coord"),
        ({"out": "mercator"}, "out"),
        ({"k": 0}, "k"),
        ({"within_m": -5}, "within_m"),
        ({"facility": "桑拿"}, "facility"),
        ({"kind": "加油站"}, "kind"),
        ({"lat": 91}, "lat"),
    ],
)
def test_bad_queries_get_a_chinese_400(client, three, query, field):
    response = client.get(NEAREST, {"lat": 32.98, "lng": 114.02, **query})
    # A range the OpenAPI document states is refused by the schema (422); a word it
    # cannot list, by the handler (400). Both name the parameter, in Chinese.
    assert response.status_code == (422 if field in {"k", "within_m", "lat"} else 400)
    assert response.json()["field"] == field
    assert "请求参数" in response.json()["message"] or response.status_code == 400


def test_rate_limit_per_client_address(client, three, settings):
    settings.PUBLIC_RATE = "3/m"
    query = {"lat": 32.98, "lng": 114.02}
    codes = [client.get(NEAREST, query).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "请求过于频繁" in client.get(NEAREST, query).json()["message"]
    other = client.get(NEAREST, query, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_registry_is_scoped_and_404_outside(call, three, luoyang_officer, zhumadian_officer):
    mine = call(zhumadian_officer, "get", "/api/stations").json()
    assert sorted(s["name"] for s in mine["items"]) == ["一号驿站", "二号驿站"]
    theirs = call(luoyang_officer, "get", "/api/stations").json()
    assert [s["name"] for s in theirs["items"]] == ["三号驿站"]
    assert call(luoyang_officer, "get", f"/api/stations/{three[0].pk}").status_code == 404
    detail = call(zhumadian_officer, "get", f"/api/stations/{three[0].pk}").json()
    assert detail["hours"] == "00:00-24:00" and detail["facilities"] == ["饮水", "热饭/微波炉"]


def test_registry_needs_a_token(client, three):
    assert client.get("/api/stations").status_code == 401


def test_head_count_by_staff_and_not_by_a_sibling(call, three, yicheng_officer, luoyang_officer):
    url = f"/api/stations/{three[0].pk}/visits"
    response = call(yicheng_officer, "post", url, {"count": 7})
    assert response.status_code == 200 and response.json()["count"] == 7
    assert call(luoyang_officer, "post", url, {"count": 7}).status_code == 404
    assert call(yicheng_officer, "post", url, {"count": 0}).status_code == 422
    assert sum(Visit.objects.values_list("count", flat=True)) == 7


def test_the_first_search_builds_the_index_and_later_ones_read_only_the_stamp(
    client, three, django_assert_num_queries
):
    """Stamp, stations, closures; then only the stamp (every time in tests, where the
    recheck interval is 0; at most once a second by default)."""
    with django_assert_num_queries(3):
        assert len(client.get(NEAREST, {"lat": 32.98, "lng": 114.02, "k": 2}).json()) == 2
    with django_assert_num_queries(1):
        assert len(client.get(NEAREST, {"lat": 34.6, "lng": 112.4, "k": 3}).json()) == 3


def test_kind_filter_finds_the_battery_swap_station(client, station):
    station("普通驿站", lat=32.980, lng=114.020)
    swap = station("换电驿站", lat=33.200, lng=114.020, kinds=kind_bit("骑手换电"))
    body = client.get(NEAREST, {"lat": 32.98, "lng": 114.02, "kind": "换电", "k": 5}).json()
    assert [r["id"] for r in body] == [swap.pk] and body[0]["kinds"] == ["骑手换电"]


def test_card_scan_counts_a_worker_once_an_hour(call, three, yicheng_officer, make_worker):
    worker = make_worker("张东青", org="410311")  # a 洛阳 worker resting in 驻马店
    url = f"/api/stations/{three[0].pk}/visits"
    first = call(yicheng_officer, "post", url, {"token": issue_card_token(worker.pk)})
    assert first.status_code == 200
    assert (first.json()["masked_name"], first.json()["channel"]) == ("张*青", "scan")
    again = call(yicheng_officer, "post", url, {"token": issue_card_token(worker.pk)})
    assert again.status_code == 409 and again.json()["code"] == "already_visited"
    forged = call(yicheng_officer, "post", url, {"token": "12:abc:def"})
    assert forged.status_code == 409 and forged.json()["code"] == "card_invalid"
    assert Visit.objects.filter(worker=worker).count() == 1


def test_hand_rendered_nearest_answer_keeps_its_documented_schema(client, three):
    response = client.get(NEAREST, {"lat": 32.981, "lng": 114.020, "k": 3})
    assert response.status_code == 200
    body = response.json()
    assert len(body) == 3
    for item in body:
        assert set(item) == set(NearbyOut.model_fields), set(item) ^ set(NearbyOut.model_fields)
        NearbyOut.model_validate(item)
