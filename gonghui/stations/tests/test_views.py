"""The stations console through the client: list, export, detail, head count, map, coverage,
and a sibling city's officer getting nothing from any of them."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.audit.models import AuditEvent
from gonghui.stations.models import Station, StationDaily
from gonghui.stations.services import record_visit
from gonghui.stations.vocabulary import facility_bit
from gonghui.tests.figures import page_tables

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def world(station, yicheng_officer, make_worker):
    """Two 驿城区 stations (one with 热饭), one 洛龙区 station, 3 outdoor workers in 驿城区."""
    hot = station("驿城区热饭驿站", facilities=facility_bit("热饭"))
    plain = station("驿城区饮水驿站", facilities=facility_bit("饮水"), lat=32.99)
    luolong = station(
        "洛龙区驿站", org="410311", lat=34.62, lng=112.45, address="洛龙区开元大道1号"
    )
    for _ in range(3):
        make_worker(categories="外卖骑手")
    make_worker(categories="家政服务员")
    record_visit(by=yicheng_officer, station=hot, count=4)
    return {"hot": hot, "plain": plain, "luolong": luolong}


def test_list_filters_by_facility_and_search(client, world, zhumadian_officer):
    login(client, zhumadian_officer)
    page = client.get(reverse("stations:list")).content.decode()
    assert "驿城区热饭驿站" in page and "驿城区饮水驿站" in page and "洛龙区驿站" not in page
    hot = client.get(reverse("stations:list"), {"facility": "热饭/微波炉"}).content.decode()
    assert "驿城区热饭驿站" in hot and "驿城区饮水驿站" not in hot
    found = client.get(reverse("stations:list"), {"q": "饮水"}).content.decode()
    assert "驿城区饮水驿站" in found and "驿城区热饭驿站" not in found


def test_export_is_the_template_of_the_users_stations(client, world, zhumadian_officer):
    response = login(client, zhumadian_officer).get(reverse("stations:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("驿站名称", "所属组织代码", "地址")
    assert sorted(r[0] for r in rows[1:]) == ["驿城区热饭驿站", "驿城区饮水驿站"]
    assert AuditEvent.objects.filter(action="export", object_type="stations").exists()


def test_detail_and_head_count(client, world, yicheng_officer):
    login(client, yicheng_officer)
    url = reverse("stations:detail", args=[world["hot"].pk])
    page = client.get(url).content.decode()
    assert "热饭/微波炉" in page and "开放中" in page and "00:00-24:00" in page
    response = client.post(reverse("stations:headcount", args=[world["hot"].pk]), {"count": "6"})
    assert response.status_code == 302
    assert StationDaily.objects.get(station=world["hot"]).person_times == 10
    refused = client.post(
        reverse("stations:headcount", args=[world["hot"].pk]), {"count": "x"}, follow=True
    )
    assert "人数应为整数" in refused.content.decode()


def test_map_lists_markers_without_tiles(client, world, zhumadian_officer, settings):
    settings.STATION_TILES_URL = ""
    page = login(client, zhumadian_officer).get(reverse("stations:map")).content.decode()
    assert 'id="station-list"' in page and "驿城区热饭驿站" in page and "洛龙区驿站" not in page
    assert "leaflet/leaflet.js" in page and "station-markers" in page


def test_coverage_counts_stations_outdoor_workers_and_visits(client, world, zhumadian_officer):
    page = login(client, zhumadian_officer).get(reverse("stations:coverage"))
    stations, workers = page_tables(page.content.decode())
    assert (stations[""]["stations.all"], stations[""]["stations.visits"]) == ("2", "4")
    assert (workers[""]["stations.outdoor"], workers[""]["stations.covered"]) == ("3", "3")
    statuses = [stations["411702"][f"stations.status.{s}"] for s in ("open", "suspended", "closed")]
    assert statuses == ["2", "0", "0"]


def test_sibling_city_gets_nothing(client, world, luoyang_officer):
    login(client, luoyang_officer)
    hot = world["hot"].pk
    assert client.get(reverse("stations:detail", args=[hot])).status_code == 404
    assert client.post(reverse("stations:headcount", args=[hot]), {"count": 1}).status_code == 404
    for name in ("stations:list", "stations:map"):
        page = client.get(reverse(name)).content.decode()
        assert "洛龙区驿站" in page and "驿城区" not in page
    sheet = load_workbook(io.BytesIO(client.get(reverse("stations:export")).content)).active
    assert [row[0] for row in sheet.values] == ["驿站名称", "洛龙区驿站"]
    stations, _ = page_tables(client.get(reverse("stations:coverage")).content.decode())
    assert (stations[""]["stations.all"], stations[""]["stations.visits"]) == ("1", "0")
    assert client.get(reverse("stations:coverage"), {"org": "411700"}).status_code == 404


FORM = {
    "org_code": "411702",
    "name": "新建驿站",
    "host_kind": "bank",
    "host_name": "工行驿城支行",
    "address": "驿城区中华路9号",
    "lng": "114.0253",
    "lat": "32.9795",
    "crs": "gcj02",
    "facilities": ["1", "2"],
    "facilities_other": "",
    "hours": "20:00-06:00",
    "phone": "",
    "status": "open",
    "opened_on": "",
}


def test_officer_creates_and_edits_a_station_in_the_console(client, yicheng_officer):
    login(client, yicheng_officer)
    response = client.post(reverse("stations:create"), FORM)
    station = Station.objects.get(name="新建驿站")
    assert response.url == reverse("stations:detail", args=[station.pk])
    assert (station.input_crs, station.host_name, station.hours[0]) == (
        "gcj02",
        "工行驿城支行",
        [[1200, 360]],
    )
    edit = reverse("stations:edit", args=[station.pk])
    assert 'value="114.0253"' in client.get(edit).content.decode()
    client.post(edit, {**FORM, "phone": "0396-1234567"})
    station.refresh_from_db()
    assert station.phone == "0396-1234567"


def test_console_form_shows_the_services_refusal_next_to_the_field(client, yicheng_officer):
    login(client, yicheng_officer)
    page = client.post(reverse("stations:create"), {**FORM, "hours": "8点到20点"})
    assert page.status_code == 200 and "应写作" in str(page.context["form"].errors["hours"])
    outside = client.post(reverse("stations:create"), {**FORM, "org_code": "410311"})
    assert "不在您的管辖范围内" in str(outside.context["form"].errors["org_code"])
    assert not Station.objects.exists()


def test_sibling_and_read_only_staff_cannot_edit(client, world, luoyang_officer, staff):
    login(client, luoyang_officer)
    assert client.get(reverse("stations:edit", args=[world["hot"].pk])).status_code == 404
    login(client, staff("reader", "411700", role="auditor"))
    assert client.get(reverse("stations:create")).status_code == 404
    assert client.get(reverse("stations:edit", args=[world["hot"].pk])).status_code == 404


def test_list_page_queries_do_not_grow_with_rows(client, world, zhumadian_officer, station):
    login(client, zhumadian_officer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("stations:list"))
    for i in range(5):
        station(f"驿城区新驿站{i}", lat=32.9 + i / 100)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("stations:list"))
    assert len(more) == len(few)


def test_closures_and_ratings_from_the_detail_page(client, world, yicheng_officer, luoyang_officer):
    hot = world["hot"]
    login(client, yicheng_officer)
    day = timezone.localdate()
    client.post(
        reverse("stations:close", args=[hot.pk]), {"day": day.isoformat(), "reason": "春节"}
    )
    assert list(hot.closures.values_list("day", "reason")) == [(day, "春节")]
    assert "未开放" in client.get(reverse("stations:detail", args=[hot.pk])).content.decode()
    client.post(reverse("stations:close", args=[hot.pk]), {"day": day.isoformat(), "reopen": "1"})
    assert not hot.closures.exists()
    client.post(
        reverse("stations:rate", args=[hot.pk]), {"rating": "most_beautiful", "year": "2024"}
    )
    assert list(hot.ratings.values_list("rating", "year")) == [("most_beautiful", 2024)]
    bad = client.post(
        reverse("stations:rate", args=[hot.pk]),
        {"rating": "most_beautiful", "year": "1900"},
        follow=True,
    )
    assert "授予年度1900" in bad.content.decode() and hot.ratings.count() == 1
    login(client, luoyang_officer)
    for name in ("stations:close", "stations:rate"):
        assert (
            client.post(reverse(name, args=[hot.pk]), {"day": day.isoformat()}).status_code == 404
        )


def test_admin_shows_a_station_read_only(client, world, province_admin):
    province_admin.is_staff = province_admin.is_superuser = True
    province_admin.save()
    login(client, province_admin)
    page = client.get(reverse("admin:stations_station_change", args=[world["hot"].pk]))
    assert page.status_code == 200 and "驿城区热饭驿站" in page.content.decode()
    assert client.get(reverse("admin:stations_station_add")).status_code == 403
