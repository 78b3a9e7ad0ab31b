"""The registry's one door, ratings, closures, visits and their rollup."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.coords import Crs, from_wgs84
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.geo import haversine_m
from gonghui.core.hours import parse_hours
from gonghui.orgs.models import Org
from gonghui.stations.models import Rating, Station, StationDaily, Status, Visit
from gonghui.stations.rollups import ROLLUPS
from gonghui.stations.selectors import is_open_now, station_for, stations_visible_to
from gonghui.stations.services import (
    StationFields,
    VisitRefused,
    close_on,
    record_visit,
    save_station,
    set_ratings,
)
from gonghui.stations.vocabulary import parse_facilities

pytestmark = pytest.mark.django_db


def fields(**changes) -> StationFields:
    values = dict(
        name="驿城区环卫驿站",
        address="驿城区解放路1号",
        lat=32.98,
        lng=114.02,
        crs=Crs.WGS84,
        hours=parse_hours("08:00-20:00"),
    )
    values.update(changes)
    return StationFields(**values)


def test_gcj02_input_is_stored_in_wgs84_and_the_input_is_remembered(province_admin):
    gcj = (32.9795, 114.0253)
    saved = save_station(
        by=province_admin,
        org=Org.objects.get(code="411702"),
        fields=fields(lat=gcj[0], lng=gcj[1], crs=Crs.GCJ02),
    )
    station = saved.station
    assert saved.outcome == "created"
    assert (station.input_crs, station.input_lat, station.input_lng) == ("gcj02", *gcj)
    assert 300 < haversine_m(station.lat, station.lng, *gcj) < 800  # the offset was removed
    assert haversine_m(*from_wgs84(station.lat, station.lng, Crs.GCJ02), *gcj) < 0.02
    assert haversine_m(station.gcj_lat, station.gcj_lng, *gcj) < 0.02


def test_saving_the_same_station_again_changes_nothing(province_admin):
    org = Org.objects.get(code="411702")
    first = save_station(by=province_admin, org=org, fields=fields())
    events = AuditEvent.objects.count()
    again = save_station(by=province_admin, org=org, fields=fields(name=" 驿城区环卫驿站 "))
    assert (again.outcome, again.station.pk) == ("unchanged", first.station.pk)
    assert AuditEvent.objects.count() == events
    changed = save_station(by=province_admin, org=org, fields=fields(phone="0396-2821234"))
    assert changed.outcome == "updated" and Station.objects.count() == 1
    event = AuditEvent.objects.latest("id")
    assert event.before == {"phone": ""} and event.after == {"phone": "0396-2821234"}


def test_same_name_in_another_org_is_another_station(province_admin):
    save_station(by=province_admin, org=Org.objects.get(code="411702"), fields=fields())
    save_station(by=province_admin, org=Org.objects.get(code="410311"), fields=fields())
    assert Station.objects.count() == 2


def test_staff_edit_only_inside_their_subtree(yicheng_officer, luoyang_officer, station):
    mine = station()
    with pytest.raises(PermissionDenied):
        save_station(by=luoyang_officer, org=Org.objects.get(code="411702"), fields=fields())
    with pytest.raises(PermissionDenied):  # moving a 驻马店 station into 洛阳 needs both
        save_station(
            by=luoyang_officer, org=Org.objects.get(code="410300"), station=mine, fields=fields()
        )
    saved = save_station(
        by=yicheng_officer, org=mine.org, station=mine, fields=fields(phone="123456")
    )
    assert saved.outcome == "updated"


def test_auditor_may_not_edit(staff):
    auditor = staff("audit", "411700", role="auditor")
    with pytest.raises(PermissionDenied):
        save_station(by=auditor, org=Org.objects.get(code="411702"), fields=fields())


@pytest.mark.parametrize(
    "change,field",
    [
        (dict(name=""), "name"),
        (dict(address=" "), "address"),
        (dict(phone="call me"), "phone"),
        (dict(lat=95.0), "lat"),
        (dict(opened_on=timezone.localdate() + datetime.timedelta(days=2)), "opened_on"),
    ],
)
def test_bad_fields_are_refused_naming_the_field(province_admin, change, field):
    with pytest.raises(DomainError) as refused:
        save_station(by=province_admin, org=Org.objects.get(code="411702"), fields=fields(**change))
    assert refused.value.field == field
    assert not Station.objects.exists()


def test_facilities_keep_vocabulary_and_free_text():
    bits, other = parse_facilities("饮水、热饭、按摩椅，WiFi")
    assert other == "按摩椅"
    assert bits == parse_facilities("饮水、热饭/微波炉、无线网络")[0]


def test_sibling_city_sees_no_station(luoyang_officer, zhumadian_officer, station):
    made = station()
    assert list(stations_visible_to(zhumadian_officer)) == [made]
    assert not stations_visible_to(luoyang_officer).exists()
    with pytest.raises(Exception) as missing:
        station_for(luoyang_officer, made.pk)
    assert missing.type.__name__ == "Http404"


def test_ratings_with_year(province_admin, station):
    made = station()
    set_ratings(
        by=province_admin,
        station=made,
        ratings=[(Rating.MOST_BEAUTIFUL, 2024), (Rating.PROVINCIAL_DEMO, 2025)],
    )
    assert [str(r) for r in made.ratings.all()] == ["2025年省级示范驿站", "2024年最美驿站"]
    with pytest.raises(DomainError, match="授予年度"):
        set_ratings(by=province_admin, station=made, ratings=[(Rating.MOST_BEAUTIFUL, 1990)])


def test_closure_today_closes_a_round_the_clock_station(province_admin, station):
    made = station(hours="00:00-24:00")
    assert is_open_now(made)
    close_on(by=province_admin, station=made, day=timezone.localdate(), reason="春节")
    close_on(by=province_admin, station=made, day=timezone.localdate())
    assert made.closures.count() == 1
    # Yesterday's whole-day span does not run over midnight, so the station is closed.
    assert not is_open_now(made)


def test_one_visit_per_worker_per_station_per_hour(yicheng_officer, station, make_worker):
    made, worker = station(), make_worker()
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    ten = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(10, 10)))
    record_visit(by=yicheng_officer, station=made, worker=worker, at=ten)
    with pytest.raises(VisitRefused) as refused:
        record_visit(by=yicheng_officer, station=made, worker=worker, at=ten.replace(minute=59))
    assert refused.value.code == "already_visited"
    record_visit(by=yicheng_officer, station=made, worker=worker, at=ten.replace(hour=11))
    record_visit(by=yicheng_officer, station=station("另一驿站"), worker=worker, at=ten)
    assert Visit.objects.count() == 3
    assert StationDaily.objects.get(station=made).person_times == 2


def test_head_counts_add_person_times_to_the_day(yicheng_officer, station, make_worker):
    made = station()
    record_visit(by=yicheng_officer, station=made, count=12)
    record_visit(by=yicheng_officer, station=made, count=3)
    record_visit(by=yicheng_officer, station=made, worker=make_worker())
    daily = StationDaily.objects.get(station=made)
    assert (daily.day, daily.person_times) == (timezone.localdate(), 16)


def test_visits_refused_outside_scope_or_at_a_closed_station(
    luoyang_officer, yicheng_officer, province_admin, station
):
    made = station()
    with pytest.raises(PermissionDenied):
        record_visit(by=luoyang_officer, station=made, count=1)
    with pytest.raises(DomainError, match="人数"):
        record_visit(by=yicheng_officer, station=made, count=0)
    save_station(
        by=province_admin,
        org=made.org,
        station=made,
        fields=fields(name=made.name, status=Status.SUSPENDED),
    )
    made.refresh_from_db()
    with pytest.raises(VisitRefused, match="暂停"):
        record_visit(by=yicheng_officer, station=made, count=1)
    assert not Visit.objects.exists()


def test_rollup_check_finds_drift_and_rebuild_repairs_it(yicheng_officer, station):
    made = station()
    record_visit(by=yicheng_officer, station=made, count=5)
    StationDaily.objects.update(person_times=4)
    assert len(ROLLUPS.differences()) == 1
    with pytest.raises(CommandError, match="不一致"):
        call_command("rollup", "check", "--app", "stations")
    ROLLUPS.rebuild()
    assert StationDaily.objects.get().person_times == 5


def test_moving_a_station_moves_its_visits(province_admin, yicheng_officer, station):
    made = station()
    record_visit(by=yicheng_officer, station=made, count=2)
    save_station(
        by=province_admin,
        org=Org.objects.get(code="411721"),
        station=made,
        fields=fields(name=made.name),
    )
    assert set(Visit.objects.values_list("org_path", flat=True)) == {made.org.path}
    assert StationDaily.objects.get().org_path == made.org.path
