import datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.periods import Period
from gonghui.training.models import (
    AttendanceChannel,
    Channel,
    TrainingClass,
    TrainingDaily,
)
from gonghui.training.rollups import ROLLUPS
from gonghui.training.selectors import waiting_position
from gonghui.training.services import (
    WorkerActor,
    add_holiday,
    cancel_enrolment,
    draw_lottery,
    enrol,
    issue_certificate,
    lottery_order,
    record_attendance,
    record_roll_call,
    schedule_days,
)
from gonghui.training.tests.conftest import figures

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = datetime.date.today()
NIGHT_SCHOOL = (
    "training.enrolments",
    "training.enrolled",
    "training.attendances",
    "training.attending",
)


def cells(values: dict) -> tuple[int, ...]:
    """Seats and distinct seated workers, attendances and distinct attending workers."""
    return tuple(values[i] for i in NIGHT_SCHOOL)


# --- schedule ------------------------------------------------------------------------------


def test_term_crossing_national_day_skips_the_holiday_week():
    holidays = {D(2026, 10, d) for d in range(1, 9)}
    days = schedule_days(
        term_starts=D(2026, 9, 21), term_ends=D(2026, 10, 16), weekdays=[2, 4], holidays=holidays
    )
    assert days == [
        D(2026, 9, 22),
        D(2026, 9, 24),
        D(2026, 9, 29),
        D(2026, 10, 13),
        D(2026, 10, 15),
    ]


def test_several_weekdays_and_term_edges_are_inclusive():
    # 2026-03-02 is a Monday, 2026-03-08 a Sunday.
    days = schedule_days(
        term_starts=D(2026, 3, 2), term_ends=D(2026, 3, 8), weekdays=[1, 3, 7], holidays=set()
    )
    assert days == [D(2026, 3, 2), D(2026, 3, 4), D(2026, 3, 8)]


def test_class_sessions_skip_a_holiday_on_a_class_day(province_admin, make_class):
    add_holiday(by=province_admin, day=D(2026, 5, 5), name="劳动节调休")  # a Tuesday
    klass = make_class(term_starts=D(2026, 4, 27), term_ends=D(2026, 5, 10))
    days = list(klass.sessions.values_list("day", flat=True))
    assert days == [D(2026, 4, 28), D(2026, 4, 30), D(2026, 5, 7)]
    assert list(klass.sessions.values_list("number", flat=True)) == [1, 2, 3]
    assert klass.certificate_sessions == 3  # 80% of 3, rounded up


def test_a_term_of_holidays_only_is_refused(province_admin, make_class):
    add_holiday(by=province_admin, day=D(2026, 5, 5), name="劳动节")
    with pytest.raises(DomainError) as refused:
        make_class(term_starts=D(2026, 5, 4), term_ends=D(2026, 5, 6), weekdays=[2])
    assert "没有上课日" in refused.value.message


def test_only_the_province_keeps_the_holiday_calendar(zhumadian_officer):
    with pytest.raises(PermissionDenied):
        add_holiday(by=zhumadian_officer, day=D(2026, 5, 5), name="劳动节")


@pytest.mark.parametrize("capacity", [4, 41])
def test_capacity_outside_5_to_40_is_refused(make_class, capacity):
    with pytest.raises(Exception) as refused:
        make_class(capacity=capacity)
    assert "名额" in str(refused.value) or "class_capacity_range" in str(refused.value)


def test_the_database_refuses_more_seats_than_capacity(make_class):
    klass = make_class(capacity=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingClass.objects.filter(pk=klass.pk).update(enrolled_count=6)


# --- enrolment and the waiting list ----------------------------------------------------------


@pytest.fixture
def five(make_worker):
    return [make_worker(f"学员{i}", org="411702") for i in range(7)]


def test_full_class_puts_applicants_on_the_waiting_list_in_order(yicheng_officer, make_class, five):
    klass = make_class(capacity=5)
    results = [
        enrol(by=yicheng_officer, klass=klass, worker=w, channel=Channel.CONSOLE) for w in five
    ]
    states = [r.enrolment.state for r in results]
    assert states == ["enrolled"] * 5 + ["waiting"] * 2
    assert [waiting_position(r.enrolment) for r in results[5:]] == [1, 2]
    klass.refresh_from_db()
    assert klass.enrolled_count == 5


def test_enrolling_twice_returns_the_first_application(yicheng_officer, make_class, five):
    klass = make_class(capacity=5)
    first = enrol(by=yicheng_officer, klass=klass, worker=five[0], channel=Channel.CONSOLE)
    again = enrol(by=WorkerActor(five[0].pk), klass=klass, worker=five[0], channel=Channel.PORTAL)
    assert again.created is False and again.enrolment.pk == first.enrolment.pk
    klass.refresh_from_db()
    assert klass.enrolled_count == 1 and klass.last_queue_no == 1


def test_cancelling_a_seat_promotes_the_first_waiting(yicheng_officer, make_class, five):
    klass = make_class(capacity=5)
    results = [
        enrol(by=yicheng_officer, klass=klass, worker=w, channel=Channel.CONSOLE) for w in five
    ]
    promoted = cancel_enrolment(by=WorkerActor(five[2].pk), enrolment=results[2].enrolment)
    assert promoted.pk == results[5].enrolment.pk and promoted.state == "enrolled"
    results[6].enrolment.refresh_from_db()
    assert waiting_position(results[6].enrolment) == 1
    assert AuditEvent.objects.filter(action="promote", object_id=str(promoted.pk)).exists()
    # cancelling a waiting application frees no seat and promotes nobody
    assert cancel_enrolment(by=yicheng_officer, enrolment=results[6].enrolment) is None
    klass.refresh_from_db()
    assert klass.enrolled_count == 5
    with pytest.raises(DomainError):
        cancel_enrolment(by=yicheng_officer, enrolment=results[6].enrolment)


def test_a_worker_cannot_act_for_another(make_class, five):
    klass = make_class()
    with pytest.raises(PermissionDenied):
        enrol(by=WorkerActor(five[1].pk), klass=klass, worker=five[0], channel=Channel.PORTAL)


def test_a_sibling_officer_cannot_enrol_our_worker(luoyang_officer, make_class, five):
    klass = make_class()
    with pytest.raises(PermissionDenied):
        enrol(by=luoyang_officer, klass=klass, worker=five[0], channel=Channel.API)
    assert klass.enrolments.count() == 0


def test_a_worker_outside_the_class_org_is_not_eligible(province_admin, make_class, make_worker):
    klass = make_class()
    luoyang = make_worker("洛阳人", org="410302")
    with pytest.raises(DomainError) as refused:
        enrol(by=province_admin, klass=klass, worker=luoyang, channel=Channel.CONSOLE)
    assert refused.value.code == "not_eligible"


def test_an_ended_class_takes_no_applications(yicheng_officer, make_class, five):
    klass = make_class(term_starts=D(2025, 3, 1), term_ends=D(2025, 6, 30))
    with pytest.raises(DomainError) as refused:
        enrol(by=yicheng_officer, klass=klass, worker=five[0], channel=Channel.CONSOLE)
    assert refused.value.code == "class_ended"


# --- lottery -------------------------------------------------------------------------------


def test_seeded_lottery_is_repeatable_and_audited(
    yicheng_officer, zhumadian_officer, make_class, five
):
    klass = make_class(capacity=5, lottery=True)
    applied = [
        enrol(by=yicheng_officer, klass=klass, worker=w, channel=Channel.CONSOLE).enrolment
        for w in five
    ]
    assert {e.state for e in applied} == {"waiting"}
    drawn = draw_lottery(by=zhumadian_officer, klass=klass, seed="2026-春季")
    expected = lottery_order(klass.pk, "2026-春季", [e.queue_no for e in applied])
    by_arrival = {e.queue_no: e.pk for e in applied}
    assert [e.pk for e in drawn] == [by_arrival[n] for n in expected]
    assert [e.state for e in drawn] == ["enrolled"] * 5 + ["waiting"] * 2
    event = AuditEvent.objects.get(action="lottery")
    assert event.after["seed"] == "2026-春季" and event.after["drawn_order"] == expected
    # after the draw the class is first come, first served: a cancellation promotes rank 6
    promoted = cancel_enrolment(by=yicheng_officer, enrolment=drawn[0])
    assert promoted.pk == drawn[5].pk
    late = enrol(by=yicheng_officer, klass=klass, worker=drawn[0].worker, channel=Channel.CONSOLE)
    assert late.enrolment.state == "waiting" and waiting_position(late.enrolment) == 2
    with pytest.raises(DomainError):
        draw_lottery(by=zhumadian_officer, klass=klass, seed="again")


# --- attendance, certificate and figures ------------------------------------------------------


def test_attendance_counts_person_times_and_distinct_persons(
    yicheng_officer, zhumadian_officer, province_admin, make_class, five
):
    klass = make_class(capacity=5)
    for w in five[:3]:
        enrol(by=yicheng_officer, klass=klass, worker=w, channel=Channel.CONSOLE)
    waiting = enrol(by=yicheng_officer, klass=klass, worker=five[3], channel=Channel.CONSOLE)
    first, second = list(klass.sessions.all()[:2])
    with pytest.raises(PermissionDenied):  # the class is the city's, not 驿城区's
        record_roll_call(by=yicheng_officer, session=first, workers=five[:3])
    assert record_roll_call(by=zhumadian_officer, session=first, workers=five[:3]) == 3
    assert record_roll_call(by=zhumadian_officer, session=first, workers=five[:3]) == 0
    _, created = record_attendance(
        by=WorkerActor(five[0].pk), session=second, worker=five[0], channel=AttendanceChannel.QR
    )
    assert created
    assert waiting.enrolment.state == "enrolled"  # capacity 5, only 4 applied
    city, rows = figures(province_admin, org_code="411700")
    assert cells(city) == (4, 4, 4, 3)
    assert cells(rows["411700"]) == (4, 4, 4, 3)  # the class belongs to the city itself: 本级
    assert cells(rows["411702"]) == (0, 0, 0, 0)
    province, rows = figures(province_admin)
    assert province["training.attendances"] == rows["411700"]["training.attendances"] == 4
    assert rows["410000"]["training.attendances"] == 0
    call_command("rollup", "rebuild", "--app", "training")
    assert ROLLUPS.differences() == []


def test_certificate_needs_enough_attendance_and_keeps_its_number(
    yicheng_officer, zhumadian_officer, make_class, five
):
    klass = make_class(
        term_starts=TODAY - datetime.timedelta(days=6),
        term_ends=TODAY + datetime.timedelta(days=1),
        weekdays=[1, 2, 3, 4, 5, 6, 7],
        certificate_sessions=2,
    )
    enrolment = enrol(by=yicheng_officer, klass=klass, worker=five[0], channel="console").enrolment
    sessions = list(klass.sessions.all())
    assert len(sessions) == 8
    record_roll_call(by=zhumadian_officer, session=sessions[0], workers=[five[0]])
    with pytest.raises(DomainError) as refused:
        issue_certificate(by=WorkerActor(five[0].pk), enrolment=enrolment)
    assert refused.value.message == "出勤1次，结业需出勤2次"
    record_roll_call(by=zhumadian_officer, session=sessions[1], workers=[five[0]])
    issued = issue_certificate(by=WorkerActor(five[0].pk), enrolment=enrolment)
    assert issued.certificate_no.startswith(f"YX{klass.term_starts:%Y}")
    again = issue_certificate(by=yicheng_officer, enrolment=enrolment)
    assert again.certificate_no == issued.certificate_no


def test_a_waiting_worker_cannot_sign_in(yicheng_officer, make_class, five):
    klass = make_class(capacity=5)
    for w in five[:6]:
        enrol(by=yicheng_officer, klass=klass, worker=w, channel="console")
    with pytest.raises(DomainError) as refused:
        record_attendance(
            by=WorkerActor(five[5].pk),
            session=klass.sessions.first(),
            worker=five[5],
            channel=AttendanceChannel.QR,
        )
    assert refused.value.code == "not_enrolled"
    later = klass.sessions.filter(day__gt=TODAY).first()
    with pytest.raises(DomainError) as refused:
        record_attendance(
            by=WorkerActor(five[0].pk), session=later, worker=five[0], channel=AttendanceChannel.QR
        )
    assert refused.value.code == "session_ahead"


def test_rollup_check_reports_a_tampered_rollup(yicheng_officer, make_class, five):
    klass = make_class(capacity=5)
    enrol(by=yicheng_officer, klass=klass, worker=five[0], channel="console")
    TrainingDaily.objects.update(enrolments=7)
    with pytest.raises(CommandError):
        call_command("rollup", "check", "--app", "training")
    call_command("rollup", "rebuild", "--app", "training")
    assert TrainingDaily.objects.get().enrolments == 1


def test_figures_by_year_and_distinct_persons_below_county(
    yicheng_officer, zhumadian_officer, province_admin, make_class, make_worker
):
    """A worker in two 驿城区 classes counts twice in person-times, once in persons."""
    first = make_class("甲班", org="411702")
    second = make_class("乙班", org="411702")
    worker = make_worker("两班都上", org="411702")
    for klass in (first, second):
        enrol(by=yicheng_officer, klass=klass, worker=worker, channel="console")
        record_roll_call(by=yicheng_officer, session=klass.sessions.first(), workers=[worker])
    city, rows = figures(zhumadian_officer, period=Period.year(TODAY.year))
    assert cells(city)[:2] == cells(rows["411702"])[:2] == (2, 1)
    assert cells(rows["411700"])[:2] == (0, 0)
    session_year = first.sessions.first().day.year
    county, rows = figures(yicheng_officer, period=Period.year(session_year))
    assert cells(county)[2:] == cells(rows["411702"])[2:] == (2, 1)  # 驿城区's own classes
    empty, _ = figures(province_admin, period=Period.year(2001))
    assert cells(empty) == (0, 0, 0, 0)


def test_figures_below_county_come_from_raw_rows(
    grassroots, yicheng_officer, make_class, make_worker
):
    """(``grassroots`` first: ``make_worker`` reads the tree when it is set up.)"""
    klass = make_class("环卫处书法班", org=grassroots.code)
    worker = make_worker("基层学员", org=grassroots.code)
    enrol(by=yicheng_officer, klass=klass, worker=worker, channel="console")
    for session in klass.sessions.all()[:2]:
        record_roll_call(by=yicheng_officer, session=session, workers=[worker])
    here, _ = figures(yicheng_officer, org_code=grassroots.code)
    assert cells(here) == (1, 1, 2, 1)
    county, rows = figures(yicheng_officer)
    assert cells(rows[grassroots.code]) == cells(county) == (1, 1, 2, 1)
    assert cells(rows["411702"]) == (0, 0, 0, 0)
