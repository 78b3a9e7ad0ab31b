"""/api/culture: events (report held, sign in by worker id), bookhouses, campaigns, figures;
each scoped (a sibling org's user gets 404 or nothing), behind a token, and free of ID numbers."""

import datetime
import json
import random

import pytest
from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.culture.models import CultureDaily, Event, EventAttendee
from gonghui.culture.rollups import ROLLUPS
from gonghui.culture.services import (
    add_bookhouse,
    add_photo,
    cancel_event,
    count_reading,
    create_campaign,
    plan_event,
    record_imported_counts,
    record_visits,
    report_held,
    sign_in,
)
from gonghui.members.generate import make_id
from gonghui.orgs.models import Org

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NOW = timezone.now()
TODAY = timezone.localdate()
LAST_MONTH = NOW - datetime.timedelta(days=40)  # always in an earlier calendar month


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture(autouse=True)
def rollup_agrees_after_every_scenario():
    yield
    assert ROLLUPS.differences() == []


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def id_of(seed: int, region: str = "411702") -> str:
    return make_id(random.Random(seed), region)


@pytest.fixture
def scene(yicheng_officer, make_worker):
    """驿城区: a lecture held yesterday (120, estimated) with two workers signed in and a
    photo, a film held last month (500), a show planned for yesterday, a cancelled one; a
    bookhouse with two months of visits; a running reading campaign with counts."""
    zhang = make_worker("张东青", id_number=id_of(1))
    li = make_worker("李秀英", id_number=id_of(2))

    def event(title: str, kind: str, when: datetime.datetime) -> Event:
        return plan_event(
            by=yicheng_officer,
            org=org("411702"),
            kind=kind,
            title=title,
            venue="驿城区职工之家",
            starts_at=when,
            performers="市豫剧团",
        )

    yesterday = NOW - datetime.timedelta(days=1)
    lecture = report_held(
        by=yicheng_officer,
        event=event("劳动法讲座", "lecture", yesterday),
        audience=120,
        estimated=True,
    )
    sign_in(by=yicheng_officer, event=lecture, workers=[zhang, li], channel="staff")
    photo = add_photo(by=yicheng_officer, event=lecture, filename="现场.png", data=PNG)
    film = report_held(
        by=yicheng_officer, event=event("露天电影", "film", LAST_MONTH), audience=500
    )
    planned = event("送戏下乡", "performance", yesterday)
    cancelled = cancel_event(by=yicheng_officer, event=event("雨天取消", "art", NOW))
    bookhouse = add_bookhouse(
        by=yicheng_officer,
        org=org("411702"),
        name="环卫处职工书屋",
        host_kind="union",
        level="province",
        level_year=2024,
        holdings=2500,
        opening_hours="周一至周五 08:30-18:00",
    )
    this_month = TODAY.replace(day=1)
    record_visits(by=yicheng_officer, bookhouse=bookhouse, month=this_month, visits=80)
    last_year = this_month.replace(year=this_month.year - 1)
    record_visits(by=yicheng_officer, bookhouse=bookhouse, month=last_year, visits=30)
    campaign = create_campaign(
        by=yicheng_officer,
        org=org("411702"),
        name="悦读新思想 经典诵读",
        starts_on=TODAY - datetime.timedelta(days=2),
        ends_on=TODAY + datetime.timedelta(days=9),
        items=[
            ("《劳动者之歌》", "https://example.org/song"),
            ("《工匠精神》", "https://example.org/craft"),
        ],
    )
    song, craft = campaign.items.order_by("id")
    for reader, shared in (("a", False), ("b", False), ("a", True)):
        count_reading(item=song, org=org("411702"), client=reader, shared=shared)
    count_reading(item=craft, org=org("411702"), client="c")
    yicheng = org("411702")
    record_imported_counts(
        campaign=campaign, org_id=yicheng.pk, org_path=yicheng.path, day=TODAY, reads=100, shares=7
    )
    return {
        "lecture": lecture,
        "film": film,
        "planned": planned,
        "cancelled": cancelled,
        "photo": photo,
        "bookhouse": bookhouse,
        "campaign": campaign,
        "song": song,
        "craft": craft,
        "zhang": zhang,
        "li": li,
    }


def titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["items"]]


def test_events_list_narrows_by_month_state_and_kind(
    call, scene, yicheng_officer, zhumadian_officer
):
    everything = call(yicheng_officer, "get", "/api/culture/events")
    assert everything.json()["count"] == 4
    assert titles(everything)[0] == "露天电影"  # by start time
    month = f"{LAST_MONTH:%Y-%m}"
    assert titles(call(yicheng_officer, "get", "/api/culture/events", {"month": month})) == [
        "露天电影"
    ]
    held = titles(call(yicheng_officer, "get", "/api/culture/events", {"state": "held"}))
    assert held == ["露天电影", "劳动法讲座"]
    films = call(yicheng_officer, "get", "/api/culture/events", {"kind": "film", "state": "held"})
    row = films.json()["items"][0]
    assert (row["kind_label"], row["state_label"], row["audience"], row["org_code"]) == (
        "送电影",
        "已举办",
        500,
        "411702",
    )
    cancelled = call(zhumadian_officer, "get", "/api/culture/events", {"state": "cancelled"})
    assert titles(cancelled) == ["雨天取消"]  # the city sees its counties' events
    for bad in ({"month": "2026-13"}, {"month": "202601"}, {"state": "done"}, {"kind": "opera"}):
        answer = call(yicheng_officer, "get", "/api/culture/events", bad)
        assert answer.status_code == 422 and answer.json()["code"] == "invalid_request", bad


def test_event_detail_has_audience_attendees_masked_and_photo_ids(call, scene, yicheng_officer):
    lecture = scene["lecture"]
    body = call(yicheng_officer, "get", f"/api/culture/events/{lecture.pk}").json()
    assert (body["audience"], body["audience_estimated"], body["state"]) == (120, True, "held")
    assert (body["attendances"], body["attendees_distinct"]) == (2, 2)
    assert [
        (a["worker_id"], a["masked_name"], a["org_code"], a["channel"]) for a in body["attendees"]
    ] == [
        (scene["zhang"].pk, "张*青", "411702", "staff"),
        (scene["li"].pk, "李*英", "411702", "staff"),
    ]
    assert body["photo_ids"] == [scene["photo"].pk]
    planned = call(yicheng_officer, "get", f"/api/culture/events/{scene['planned'].pk}").json()
    assert (planned["audience"], planned["attendees"], planned["photo_ids"]) == (None, [], [])


def test_reporting_held_through_the_api_enters_the_figures_once(
    call, scene, yicheng_officer, staff
):
    url = f"/api/culture/events/{scene['planned'].pk}/held"
    auditor = staff("shenji", "411702", Role.AUDITOR)
    refused = call(auditor, "post", url, {"audience": 300})
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    too_many = call(yicheng_officer, "post", url, {"audience": 10_000_000})
    assert too_many.status_code == 400 and too_many.json()["code"] == "bad_audience"
    done = call(yicheng_officer, "post", url, {"audience": 300, "estimated": True})
    assert done.status_code == 200, done.content
    assert (done.json()["state"], done.json()["audience"]) == ("held", 300)
    again = call(yicheng_officer, "post", url, {"audience": 300})
    assert again.status_code == 400 and again.json()["code"] == "not_planned"
    future = plan_event(
        by=yicheng_officer,
        org=org("411702"),
        kind="film",
        title="下周电影",
        venue="某村",
        starts_at=NOW + datetime.timedelta(days=7),
    )
    early = call(yicheng_officer, "post", f"/api/culture/events/{future.pk}/held", {"audience": 10})
    assert early.status_code == 400 and early.json()["code"] == "not_yet"
    figures = call(yicheng_officer, "get", "/api/culture/figures").json()
    assert (figures["events"], figures["audience"]) == (3, 120 + 500 + 300)


def test_signing_in_by_worker_ids_counts_each_worker_once(
    call, scene, yicheng_officer, make_worker
):
    url = f"/api/culture/events/{scene['lecture'].pk}/attendees"
    wang = make_worker("王伟", id_number=id_of(3))
    stranger = make_worker("赵六", org="410311", id_number=id_of(4, "410311"))
    mixed = call(yicheng_officer, "post", url, {"worker_ids": [wang.pk, stranger.pk]})
    assert mixed.status_code == 400
    assert mixed.json()["code"] == "unknown_worker" and str(stranger.pk) in mixed.json()["message"]
    assert EventAttendee.objects.count() == 2  # all or nothing
    done = call(yicheng_officer, "post", url, {"worker_ids": [wang.pk, scene["zhang"].pk, wang.pk]})
    assert done.status_code == 200, done.content
    assert done.json() == {"created": 1, "unchanged": 2, "attendances": 3}
    again = call(yicheng_officer, "post", url, {"worker_ids": [wang.pk]}).json()
    assert again == {"created": 0, "unchanged": 1, "attendances": 3}
    assert call(yicheng_officer, "post", url, {"worker_ids": []}).status_code == 422
    planned = call(
        yicheng_officer,
        "post",
        f"/api/culture/events/{scene['planned'].pk}/attendees",
        {"worker_ids": [wang.pk]},
    )
    assert planned.status_code == 400 and planned.json()["code"] == "not_held"
    figures = call(yicheng_officer, "get", "/api/culture/figures").json()
    assert (figures["attendances"], figures["attendees"]) == (3, 3)


def test_bookhouses_list_and_detail_with_monthly_visits(call, scene, yicheng_officer):
    listed = call(yicheng_officer, "get", "/api/culture/bookhouses").json()
    assert listed["count"] == 1
    row = listed["items"][0]
    assert (row["name"], row["level_label"], row["level_year"], row["holdings"]) == (
        "环卫处职工书屋",
        "省级示范点",
        2024,
        2500,
    )
    assert (
        row["visits"] == 110 and row["opening_hours"] == "周一至周五 08:30-18:00；周六、周日 休息"
    )
    this_year = call(yicheng_officer, "get", "/api/culture/bookhouses", {"year": TODAY.year})
    assert this_year.json()["items"][0]["visits"] == 80
    detail = call(yicheng_officer, "get", f"/api/culture/bookhouses/{scene['bookhouse'].pk}")
    this_month = f"{TODAY:%Y-%m}"
    last_year = f"{TODAY.year - 1}-{TODAY:%m}"
    assert detail.json()["months"] == [
        {"month": this_month, "visits": 80},
        {"month": last_year, "visits": 30},
    ]


def test_campaigns_carry_reads_and_shares_totals(call, scene, yicheng_officer, zhumadian_officer):
    listed = call(zhumadian_officer, "get", "/api/culture/campaigns").json()
    assert [(c["name"], c["reads"], c["shares"]) for c in listed["items"]] == [
        ("悦读新思想 经典诵读", 103, 8)
    ]
    body = call(yicheng_officer, "get", f"/api/culture/campaigns/{scene['campaign'].pk}").json()
    assert (body["reads"], body["shares"]) == (103, 8)
    assert (body["imported_reads"], body["imported_shares"]) == (100, 7)
    assert [(i["title"], i["reads"], i["shares"]) for i in body["items"]] == [
        ("《劳动者之歌》", 2, 1),
        ("《工匠精神》", 1, 0),
    ]


def test_figures_by_org_year_and_month(call, scene, yicheng_officer, zhumadian_officer):
    city = call(zhumadian_officer, "get", "/api/culture/figures").json()
    assert (city["org_code"], city["events"], city["audience"]) == ("411700", 2, 620)
    assert (city["attendances"], city["attendees"]) == (2, 2)
    assert city["bookhouses"] == {"省级示范点": 1} and city["province_or_above"] == 1
    assert (city["visits"], city["reads"], city["shares"]) == (110, 103, 8)
    assert [(c["org_code"], c["events"]) for c in city["children"]] == [("411702", 2)]
    lecture_day = scene["lecture"].day
    period = {"org": "411702", "year": lecture_day.year, "month": lecture_day.month}
    month = call(zhumadian_officer, "get", "/api/culture/figures", period).json()
    assert (month["org_code"], month["year"], month["month"]) == (
        "411702",
        lecture_day.year,
        lecture_day.month,
    )
    assert (month["events"], month["audience"], month["attendees"]) == (1, 120, 2)
    empty = call(yicheng_officer, "get", "/api/culture/figures", {"year": 2001}).json()
    assert (empty["events"], empty["visits"], empty["reads"]) == (0, 0, 0)
    alone = call(yicheng_officer, "get", "/api/culture/figures", {"month": 3})
    assert alone.status_code == 400 and alone.json()["code"] == "month_without_year"
    assert call(yicheng_officer, "get", "/api/culture/figures", {"month": 13}).status_code == 422
    assert (
        call(yicheng_officer, "get", "/api/culture/figures", {"org": "411700"}).status_code == 404
    )


# Every /api/culture endpoint; the schema test below fails when one is added without being here.
ENDPOINTS = [
    ("get", "/api/culture/events"),
    ("get", "/api/culture/events/{event_id}"),
    ("post", "/api/culture/events/{event_id}/held"),
    ("post", "/api/culture/events/{event_id}/attendees"),
    ("get", "/api/culture/bookhouses"),
    ("get", "/api/culture/bookhouses/{bookhouse_id}"),
    ("get", "/api/culture/campaigns"),
    ("get", "/api/culture/campaigns/{campaign_id}"),
    ("get", "/api/culture/figures"),
]


def url(path: str, scene: dict) -> str:
    """``path`` with the scene's objects: the planned event to report held, the held one else."""
    event = scene["planned"] if path.endswith("/held") else scene["lecture"]
    return path.format(
        event_id=event.pk, bookhouse_id=scene["bookhouse"].pk, campaign_id=scene["campaign"].pk
    )


def body_for(path: str, scene: dict) -> dict | None:
    if path.endswith("/held"):
        return {"audience": 60}
    if path.endswith("/attendees"):
        return {"worker_ids": [scene["zhang"].pk, scene["li"].pk]}
    return None


def test_the_schema_documents_exactly_the_endpoints_tested_here(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    documented = {
        (method, path)
        for path, operations in paths.items()
        if path.startswith("/api/culture")
        for method in operations
    }
    assert documented == set(ENDPOINTS)
    assert paths["/api/culture/events"]["get"]["security"] == [{"TokenAuth": []}]


def test_a_sibling_org_gets_404_on_every_detail_and_write_and_empty_lists(
    call, scene, luoyang_officer
):
    for method, path in ENDPOINTS:
        answer = call(luoyang_officer, method, url(path, scene), body_for(path, scene))
        if path.endswith("/figures"):
            theirs = answer.json()
            assert (theirs["org_code"], theirs["events"], theirs["reads"]) == ("410300", 0, 0)
        elif method == "get" and "{" not in path:
            assert (answer.json()["count"], answer.json()["items"]) == (0, []), path
        else:
            assert answer.status_code == 404, path
    figures = call(luoyang_officer, "get", "/api/culture/figures", {"org": "411702"})
    assert figures.status_code == 404
    scene["planned"].refresh_from_db()
    assert scene["planned"].state == "planned" and EventAttendee.objects.count() == 2
    assert sum(CultureDaily.objects.values_list("events", flat=True)) == 2


def test_every_endpoint_needs_a_token(call, scene):
    for method, path in ENDPOINTS:
        answer = call(None, method, url(path, scene), body_for(path, scene))
        assert answer.status_code == 401, path
    scene["planned"].refresh_from_db()
    assert scene["planned"].state == "planned" and EventAttendee.objects.count() == 2


def test_no_id_number_or_full_name_in_any_response(call, scene, yicheng_officer, province_admin):
    answers = [
        call(user, method, url(path, scene), body_for(path, scene))
        for user in (province_admin, yicheng_officer)
        for method, path in ENDPOINTS
        if method == "get" or user == yicheng_officer  # an event is reported held once
    ]
    assert [a.status_code for a in answers] == [200] * len(answers)
    # as decoded text: the JSON escapes Chinese, so the raw bytes would hide a full name
    everything = "".join(json.dumps(a.json(), ensure_ascii=False) for a in answers)
    assert "张*青" in everything and "李*英" in everything
    for worker, number in ((scene["zhang"], id_of(1)), (scene["li"], id_of(2))):
        assert number not in everything and number.lower() not in everything
        assert worker.id_masked not in everything and worker.name not in everything


def test_lists_and_details_do_not_query_per_row(call, scene, yicheng_officer, make_worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(path: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert call(yicheng_officer, "get", path).status_code == 200
        return len(captured)

    paths = (
        "/api/culture/events",
        f"/api/culture/events/{scene['lecture'].pk}",
        "/api/culture/bookhouses",
        "/api/culture/campaigns",
    )
    call(yicheng_officer, "get", "/api/culture/figures")  # issues the token
    before = [queries(path) for path in paths]
    more = [make_worker(f"职工{n}", id_number=id_of(10 + n)) for n in range(3)]
    sign_in(by=yicheng_officer, event=scene["lecture"], workers=more, channel="staff")
    for n in range(3):
        plan_event(
            by=yicheng_officer,
            org=org("411702"),
            kind="film",
            title=f"电影{n}",
            venue="某村",
            starts_at=NOW,
        )
        add_bookhouse(by=yicheng_officer, org=org("411702"), name=f"书屋{n}", host_kind="union")
        create_campaign(
            by=yicheng_officer,
            org=org("411702"),
            name=f"阅读{n}",
            starts_on=TODAY,
            ends_on=TODAY,
            items=[],
        )
    assert [queries(path) for path in paths] == before == [3, 4, 3, 3]
