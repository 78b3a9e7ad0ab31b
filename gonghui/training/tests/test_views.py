import datetime
import io
import time

import pytest
from django.core import signing
from django.urls import reverse
from openpyxl import load_workbook

from gonghui.core.crypto import decrypt
from gonghui.core.portal import issue_portal_token
from gonghui.members.validation import ID_PURPOSE
from gonghui.orgs.models import Org
from gonghui.training.models import Enrolment, TrainingClass
from gonghui.training.services import (
    WorkerActor,
    create_class,
    create_course,
    enrol,
    record_roll_call,
)
from gonghui.training.tokens import issue_session_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_class(make_class, make_worker, yicheng_officer):
    """A 5-seat class of 驻马店, full, with one 驿城区 worker waiting."""
    klass = make_class("太极入门班", capacity=5)
    people = [make_worker(f"学员{i}", org="411702") for i in range(6)]
    for w in people:
        enrol(by=yicheng_officer, klass=klass, worker=w, channel="console")
    return klass, people


def test_class_pages_and_export_for_the_city_officer(client, zhumadian_officer, full_class):
    klass, people = full_class
    client.force_login(zhumadian_officer)
    listing = client.get(reverse("training:list")).content.decode()
    assert "太极入门班" in listing and 'data-figure="waiting">1<' in listing
    detail = client.get(reverse("training:detail", args=[klass.pk])).content.decode()
    assert "学*0" in detail and "学员0" not in detail and "第1位" in detail
    response = client.get(reverse("training:export", args=[klass.pk]))
    book = load_workbook(io.BytesIO(response.content))
    names = [row[1] for row in book["名单"].iter_rows(min_row=2, values_only=True)]
    states = [row[4] for row in book["名单"].iter_rows(min_row=2, values_only=True)]
    assert names == [f"学*{i}" for i in range(6)] and states == ["已录取"] * 5 + ["候补"]
    assert all(
        people[0].id_masked[:4] + "*" in str(r[2])
        for r in book["名单"].iter_rows(min_row=2, values_only=True)
    )


def test_a_sibling_officer_gets_404_from_every_class_page(
    client, luoyang_officer, full_class, call
):
    klass, _ = full_class
    enrolment = klass.enrolments.first()
    session = klass.sessions.first()
    client.force_login(luoyang_officer)
    assert "太极入门班" not in client.get(reverse("training:list")).content.decode()
    for name, pk in [
        ("detail", klass.pk),
        ("export", klass.pk),
        ("roll_call", session.pk),
        ("certificate", enrolment.pk),
    ]:
        assert client.get(reverse(f"training:{name}", args=[pk])).status_code == 404, name
    for name, pk in [("enrol", klass.pk), ("lottery", klass.pk), ("cancel", enrolment.pk)]:
        assert client.post(reverse(f"training:{name}", args=[pk])).status_code == 404, name
    figures = client.get(reverse("training:figures") + "?org=411700")
    assert figures.status_code == 404
    assert call(luoyang_officer, "get", "/api/training/classes").json()["count"] == 0
    assert call(luoyang_officer, "get", f"/api/training/classes/{klass.pk}").status_code == 404
    answer = call(luoyang_officer, "post", f"/api/training/enrolments/{enrolment.pk}/cancel")
    assert answer.status_code == 404
    assert Enrolment.objects.filter(state="cancelled").count() == 0


def test_staff_enrol_by_id_number_and_cancel_promotes(
    client, yicheng_officer, full_class, make_worker
):
    klass, people = full_class
    newcomer = make_worker("新学员", org="411702", id_number=None)
    client.force_login(yicheng_officer)
    clear = decrypt(newcomer.id_cipher, purpose=ID_PURPOSE)
    page = client.post(
        reverse("training:enrol", args=[klass.pk]), {"id_number": clear}, follow=True
    ).content.decode()
    assert "新*员 报名成功：候补第2位" in page
    first = klass.enrolments.get(worker=people[0])
    page = client.post(reverse("training:cancel", args=[first.pk]), follow=True).content.decode()
    assert "候补的 学*5 已递补录取" in page


def test_api_enrol_reports_the_waiting_position(call, yicheng_officer, full_class, make_worker):
    klass, _ = full_class
    worker = make_worker("接口学员", org="411702")
    answer = call(
        yicheng_officer,
        "post",
        f"/api/training/classes/{klass.pk}/enrolments",
        {"worker_id": worker.pk},
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["state"], body["waiting_position"], body["masked_name"]) == (
        "waiting",
        2,
        "接**员",
    )
    again = call(
        yicheng_officer,
        "post",
        f"/api/training/classes/{klass.pk}/enrolments",
        {"worker_id": worker.pk},
    ).json()
    assert again["id"] == body["id"] and again["created"] is False


def test_create_class_page_generates_sessions(client, zhumadian_officer):
    client.force_login(zhumadian_officer)
    response = client.post(
        reverse("training:create"),
        {
            "org_code": "411700",
            "subject": "戏曲",
            "course_name": "豫剧唱腔",
            "name": "豫剧周六班",
            "teacher": "常老师",
            "room": "文化宫大厅",
            "weekdays": ["6"],
            "starts_at": "14:00",
            "ends_at": "16:00",
            "term_starts": "2026-09-05",
            "term_ends": "2026-10-31",
            "capacity": "40",
        },
    )
    klass = TrainingClass.objects.get(name="豫剧周六班")
    assert response.status_code == 302 and klass.sessions.count() == 9
    refused = client.post(
        reverse("training:create"),
        {
            "org_code": "411700",
            "subject": "戏曲",
            "course_name": "豫剧唱腔",
            "name": "大班",
            "teacher": "常老师",
            "room": "大厅",
            "weekdays": ["6"],
            "starts_at": "14:00",
            "ends_at": "16:00",
            "term_starts": "2026-09-05",
            "term_ends": "2026-10-31",
            "capacity": "41",
        },
    )
    assert "40" in refused.content.decode() and not TrainingClass.objects.filter(name="大班")


def test_worker_portal_enrol_qr_sign_in_and_certificate(client, make_class, make_worker):
    klass = make_class(capacity=5, certificate_sessions=1)
    worker = make_worker("刘自助", org="411702")
    assert client.get(reverse("training:m_home")).status_code == 404  # no portal session
    bad = client.get(reverse("training:m_enter", args=["forged:token"]))
    assert bad.status_code == 403 and "无法识别" in bad.content.decode()
    client.get(reverse("training:m_enter", args=[issue_portal_token(worker.pk)]))
    assert "硬笔书法周二周四班" in client.get(reverse("training:m_home")).content.decode()
    page = client.post(
        reverse("training:m_class", args=[klass.pk]), {"action": "enrol"}, follow=True
    ).content.decode()
    assert 'id="status"' in page and "已录取" in page
    session = klass.sessions.first()
    signed = client.get(reverse("training:m_attend", args=[issue_session_token(session.pk)]))
    assert "签到成功" in signed.content.decode()
    again = client.get(reverse("training:m_attend", args=[issue_session_token(session.pk)]))
    assert "本次课已签到" in again.content.decode()
    enrolment = klass.enrolments.get()
    cert = client.get(reverse("training:m_certificate", args=[enrolment.pk])).content.decode()
    enrolment.refresh_from_db()
    assert enrolment.certificate_no and enrolment.certificate_no in cert and "刘自助" in cert


def test_a_worker_cannot_see_a_luoyang_class_or_another_worker_certificate(
    client, make_class, make_worker, luoyang_officer, zhumadian_officer
):
    course = create_course(
        by=luoyang_officer, org=Org.objects.get(code="410300"), subject="书法", name="洛阳书法"
    )
    luoyang_class = create_class(
        by=luoyang_officer,
        course=course,
        name="洛阳班",
        teacher="李",
        room="1",
        weekdays=[1],
        starts_at=datetime.time(19),
        ends_at=datetime.time(20),
        term_starts=datetime.date.today(),
        term_ends=datetime.date.today() + datetime.timedelta(30),
        capacity=10,
    )
    ours = make_class(capacity=5, certificate_sessions=1)
    worker, other = make_worker("本人", org="411702"), make_worker("别人", org="411702")
    theirs = enrol(by=WorkerActor(other.pk), klass=ours, worker=other, channel="portal").enrolment
    record_roll_call(by=zhumadian_officer, session=ours.sessions.first(), workers=[other])
    client.get(reverse("training:m_enter", args=[issue_portal_token(worker.pk)]))
    assert client.get(reverse("training:m_class", args=[luoyang_class.pk])).status_code == 404
    assert "洛阳班" not in client.get(reverse("training:m_home")).content.decode()
    assert client.get(reverse("training:m_certificate", args=[theirs.pk])).status_code == 404
    foreign = client.get(
        reverse("training:m_attend", args=[issue_session_token(luoyang_class.sessions.first().pk)])
    )
    assert foreign.status_code == 409 and luoyang_class.sessions.first().attendances.count() == 0


def test_portal_link_page_is_for_workers_in_scope(
    client, yicheng_officer, luoyang_officer, make_worker
):
    worker = make_worker("张东青", org="411702")
    client.force_login(yicheng_officer)
    page = client.get(reverse("training:portal_link", args=[worker.pk])).content.decode()
    assert "/training/m/enter/" in page and "<svg" in page
    client.force_login(luoyang_officer)
    assert client.get(reverse("training:portal_link", args=[worker.pk])).status_code == 404


def test_a_county_officer_sees_only_their_workers_with_their_real_queue_places(
    client, zhumadian_officer, yicheng_officer, make_class, make_worker
):
    """A city class with 驿城区 and 西平县 applicants: 驿城区 sees its own, at their places."""
    klass = make_class("市文化宫太极班", capacity=5)
    yicheng = [make_worker(f"驿城{i}", org="411702") for i in range(6)]
    xiping = make_worker("西平人", org="411721")
    for worker in [*yicheng[:5], xiping, yicheng[5]]:
        enrol(by=zhumadian_officer, klass=klass, worker=worker, channel="console")
    client.force_login(yicheng_officer)
    page = client.get(reverse("training:detail", args=[klass.pk])).content.decode()
    assert "西*人" not in page and "驿*5" in page
    assert "<td>第2位</td>" in page and "<td>第1位</td>" not in page


def test_an_expired_portal_link_is_refused(client, make_worker, monkeypatch):
    worker = make_worker("过期链接", org="411702")
    eight_days_ago = time.time() - 8 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    stale = issue_portal_token(worker.pk)
    monkeypatch.undo()
    answer = client.get(reverse("training:m_enter", args=[stale]))
    assert answer.status_code == 403 and "链接已过期" in answer.content.decode()
    assert client.get(reverse("training:m_home")).status_code == 404


def test_lottery_page_draws_with_the_given_seed(
    client, zhumadian_officer, yicheng_officer, make_class, make_worker
):
    klass = make_class("摇号班", capacity=5, lottery=True)
    for i in range(8):
        worker = make_worker(f"摇号{i}", org="411702")
        enrol(by=yicheng_officer, klass=klass, worker=worker, channel="console")
    client.force_login(yicheng_officer)  # the class is the city's: 驿城区 cannot draw
    client.post(reverse("training:lottery", args=[klass.pk]), {"seed": "公证-001"})
    klass.refresh_from_db()
    assert not klass.lottery_drawn
    client.force_login(zhumadian_officer)
    page = client.post(
        reverse("training:lottery", args=[klass.pk]), {"seed": "公证-001"}, follow=True
    ).content.decode()
    assert "摇号完成（种子“公证-001”）：8人参加，录取5人" in page
    klass.refresh_from_db()
    assert klass.lottery_drawn and klass.enrolled_count == 5 and klass.lottery_seed == "公证-001"
