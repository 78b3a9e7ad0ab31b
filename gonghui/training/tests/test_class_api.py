"""POST /api/training/classes (a class and its sessions, as the console's form opens one)
and the scoped, paginated GET beside it."""

import datetime

import pytest

from gonghui.accounts.models import Role
from gonghui.audit.models import AuditEvent
from gonghui.training.models import Course, TrainingClass

pytestmark = pytest.mark.django_db
URL = "/api/training/classes"
MONDAY = datetime.date(2027, 3, 1)


def body(**changes) -> dict:
    return {
        "org": "411702",
        "subject": "戏曲",
        "course": "驿城区豫剧入门",
        "name": "豫剧周末班",
        "teacher": "李老师",
        "room": "驿城区职工之家",
        "weekdays": [6, 7],
        "starts_at": "09:00",
        "ends_at": "11:00",
        "term_starts": MONDAY.isoformat(),
        "term_ends": (MONDAY + datetime.timedelta(days=27)).isoformat(),
        "capacity": 20,
        **changes,
    }


def test_an_officer_opens_a_class_with_its_sessions_and_the_list_shows_it(call, yicheng_officer):
    answer = call(yicheng_officer, "post", URL, body())
    assert answer.status_code == 201, answer.content
    made = answer.json()
    klass = TrainingClass.objects.get()
    assert made == {
        "id": klass.pk,
        "name": "豫剧周末班",
        "course": "驿城区豫剧入门",
        "subject": "戏曲",
        "org_code": "411702",
        "teacher": "李老师",
        "room": "驿城区职工之家",
        "weekdays": "6,7",
        "starts_at": "09:00:00",
        "ends_at": "11:00:00",
        "term_starts": "2027-03-01",
        "term_ends": "2027-03-28",
        "capacity": 20,
        "enrolled_count": 0,
        "lottery": False,
        "lottery_drawn": False,
    }
    assert klass.sessions.count() == 8  # four weekends
    assert klass.certificate_sessions == 7  # 80% of 8, rounded up
    event = AuditEvent.objects.get(object_type="training_class", action="create")
    assert event.actor_name == "yicheng" and event.client_ip == "127.0.0.1"
    second = call(yicheng_officer, "post", URL, body(name="豫剧周三班", weekdays=[3]))
    assert second.status_code == 201
    assert Course.objects.count() == 1  # the org's course of that name is reused
    listed = call(yicheng_officer, "get", URL, {"limit": 1})
    assert listed.json()["count"] == 2 and len(listed.json()["items"]) == 1


def test_a_refused_class_answers_the_field_and_leaves_no_course_behind(call, yicheng_officer):
    answer = call(yicheng_officer, "post", URL, body(ends_at="08:00"))
    assert answer.status_code == 400
    assert answer.json() == {
        "code": "bad_times",
        "message": "下课时间须晚于上课时间",
        "field": "ends_at",
    }
    answer = call(yicheng_officer, "post", URL, body(certificate_sessions=9))
    assert answer.status_code == 400 and answer.json()["field"] == "certificate_sessions"
    assert not Course.objects.exists() and not TrainingClass.objects.exists()
    for wrong in ({"weekdays": [8]}, {"weekdays": []}, {"capacity": 41}, {"name": ""}):
        assert call(yicheng_officer, "post", URL, body(**wrong)).status_code == 422, wrong


def test_a_sibling_org_is_404_and_a_role_without_programmes_is_403(
    call, luoyang_officer, staff, yicheng_officer
):
    answer = call(luoyang_officer, "post", URL, body())
    assert answer.status_code == 404
    assert answer.json()["code"] == "not_found"
    reviewer = staff("yc_reviewer", "411702", Role.REVIEWER)
    answer = call(reviewer, "post", URL, body())
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    assert not TrainingClass.objects.exists() and not Course.objects.exists()
    call(yicheng_officer, "post", URL, body())
    assert call(luoyang_officer, "get", URL).json() == {"count": 0, "items": []}
    assert call(None, "post", URL, body()).status_code == 401
