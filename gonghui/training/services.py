"""Every write to the night school: set-up, enrolment, waiting list, lottery, attendance.

``enrol`` is the one door for an application, whoever makes it (the worker's
phone, a staff page, the API, an import). It locks the class row
(``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the IMMEDIATE transaction
already holds the database's write lock) before it numbers the application
and takes a seat with a conditional update of ``enrolled_count``, which a
check constraint keeps within ``capacity``. So concurrent applications are
served one at a time, in the order they got the lock, and a class can never
be overfilled. ``cancel_enrolment`` frees a seat and gives it, in the same
transaction, to the first on the waiting list.
"""

import datetime
import random
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.portal import WorkerActor
from gonghui.core.scoping import require_in_scope
from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.training import rollups
from gonghui.training.models import (
    Attendance,
    AttendanceChannel,
    Course,
    Enrolment,
    EnrolmentState,
    Holiday,
    Session,
    Subject,
    TrainingClass,
)
from gonghui.training.selectors import course_named


@transaction.atomic
def add_holiday(*, by: User, day: datetime.date, name: str) -> Holiday:
    """A day no class meets; the province's calendar, so only the province may change it.

    Sessions already generated are not touched (they may have attendance).
    """
    require_in_scope(by, "manage_programs", "410000/")
    if by.scope_path != "410000/":
        raise PermissionDenied("forbidden", "节假日由省总工会统一维护")
    holiday, _ = Holiday.objects.update_or_create(day=day, defaults={"name": name})
    record_event(
        actor=by,
        action="create",
        object_type="holiday",
        object_id=day.isoformat(),
        org_path="410000/",
        after={"name": name},
    )
    return holiday


@transaction.atomic
def create_course(*, by: User, org: Org, subject: str, name: str, description: str = "") -> Course:
    require_in_scope(by, "manage_programs", org.path)
    subject_row, _ = Subject.objects.get_or_create(name=subject.strip())
    course = Course(
        org=org, org_path=org.path, subject=subject_row, name=name.strip(), description=description
    )
    course.full_clean()
    course.save()
    record_event(
        actor=by,
        action="create",
        object_type="course",
        object_id=course.pk,
        org_path=org.path,
        after={"name": course.name, "subject": subject_row.name},
    )
    return course


def schedule_days(
    *,
    term_starts: datetime.date,
    term_ends: datetime.date,
    weekdays: list[int],
    holidays: set[datetime.date],
) -> list[datetime.date]:
    """The days a class meets: each listed ISO weekday within the term, holidays skipped."""
    days = []
    day = term_starts
    while day <= term_ends:
        if day.isoweekday() in weekdays and day not in holidays:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


@transaction.atomic
def create_class(
    *,
    by: User,
    course: Course,
    org: Org | None = None,
    name: str,
    teacher: str,
    room: str,
    weekdays: list[int],
    starts_at: datetime.time,
    ends_at: datetime.time,
    term_starts: datetime.date,
    term_ends: datetime.date,
    capacity: int,
    lottery: bool = False,
    certificate_sessions: int | None = None,
    client_ip: str | None = None,
) -> TrainingClass:
    """A class of ``course`` run by ``org`` (default the course's), with its sessions.

    ``certificate_sessions`` (attendances needed for the certificate) defaults
    to 80% of the sessions, rounded up.
    """
    org = org or course.org
    require_in_scope(by, "manage_programs", org.path)
    if not org.path.startswith(course.org_path):
        raise DomainError("class_outside_course", "开班组织须在课程主办组织范围内", field="org")
    weekdays = sorted(set(weekdays))
    if not weekdays or any(not 1 <= d <= 7 for d in weekdays):
        raise DomainError("bad_weekdays", "请至少选择一个上课日（周一至周日）", field="weekdays")
    if ends_at <= starts_at:
        raise DomainError("bad_times", "下课时间须晚于上课时间", field="ends_at")
    holidays = set(
        Holiday.objects.filter(day__range=(term_starts, term_ends)).values_list("day", flat=True)
    )
    days = schedule_days(
        term_starts=term_starts, term_ends=term_ends, weekdays=weekdays, holidays=holidays
    )
    if term_ends >= term_starts and not days:
        raise DomainError("no_sessions", "该学期内没有上课日（可能都是节假日）", field="weekdays")
    if certificate_sessions is None:
        certificate_sessions = -(-len(days) * 4 // 5)
    klass = TrainingClass(
        course=course,
        org=org,
        org_path=org.path,
        name=name.strip(),
        teacher=teacher.strip(),
        room=room.strip(),
        weekdays=",".join(map(str, weekdays)),
        starts_at=starts_at,
        ends_at=ends_at,
        term_starts=term_starts,
        term_ends=term_ends,
        capacity=capacity,
        lottery=lottery,
        certificate_sessions=certificate_sessions,
    )
    klass.full_clean()
    if certificate_sessions > len(days):
        raise DomainError(
            "bad_certificate_sessions",
            f"结业所需出勤次数（{certificate_sessions}）超过总课次（{len(days)}）",
            field="certificate_sessions",
        )
    klass.save()
    Session.objects.bulk_create(
        Session(klass=klass, org_path=org.path, day=day, number=i)
        for i, day in enumerate(days, start=1)
    )
    record_event(
        actor=by,
        action="create",
        object_type="training_class",
        object_id=klass.pk,
        org_path=org.path,
        client_ip=client_ip,
        after={
            "name": klass.name,
            "capacity": capacity,
            "weekdays": klass.weekdays,
            "term": [term_starts.isoformat(), term_ends.isoformat()],
            "sessions": len(days),
            "lottery": lottery,
        },
    )
    return klass


@transaction.atomic
def open_class(
    *,
    by: User,
    org: Org,
    subject: str,
    course_name: str,
    client_ip: str | None = None,
    **terms: Any,
) -> TrainingClass:
    """A class of ``org``'s course named ``course_name``, the course set up first (under
    ``subject``) when the org has none of that name: what the console's form and
    ``POST /api/training/classes`` take. ``terms`` are ``create_class``'s; a refused class
    leaves no new course behind."""
    course = course_named(org, course_name) or create_course(
        by=by, org=org, subject=subject, name=course_name
    )
    return create_class(by=by, course=course, org=org, client_ip=client_ip, **terms)


# --- enrolment ------------------------------------------------------------------------------


@dataclass
class Enrolled:
    enrolment: Enrolment
    created: bool  # False: the worker had already applied (an idempotent repeat)


def _lock(klass_id: int) -> TrainingClass:
    """The class row, locked until the transaction ends (PostgreSQL row lock; on SQLite the
    IMMEDIATE transaction already serialises writers and ``FOR UPDATE`` is left out)."""
    return TrainingClass.objects.select_for_update().get(pk=klass_id)


def _may_act_for(by: User | WorkerActor, worker: Worker) -> None:
    """A worker acts for themself; staff for workers in their subtree."""
    if isinstance(by, WorkerActor):
        if by.worker_id != worker.pk:
            raise PermissionDenied("forbidden", "只能为本人报名或取消")
        return
    require_in_scope(by, "record_services", worker.org_path, "该职工不在您的管辖范围内")


def _seat(enrolment: Enrolment, klass: TrainingClass, now: datetime.datetime) -> bool:
    """Give ``enrolment`` a seat if one is free; the conditional update is the capacity rule."""
    taken = TrainingClass.objects.filter(pk=klass.pk, enrolled_count__lt=F("capacity")).update(
        enrolled_count=F("enrolled_count") + 1
    )
    if not taken:
        return False
    enrolment.state = EnrolmentState.ENROLLED
    enrolment.seated_at = now
    enrolment.seated_on = timezone.localdate(now)
    rollups.bump(
        kind="enrolments",
        org_id=klass.org_id,
        org_path=klass.org_path,
        worker_id=enrolment.worker_id,
        day=enrolment.seated_on,
    )
    return True


@transaction.atomic
def enrol(
    *,
    by: User | WorkerActor,
    klass: TrainingClass,
    worker: Worker,
    channel: str,
    client_ip: str | None = None,
) -> Enrolled:
    """Apply for ``worker``: a seat if one is free, else the end of the waiting list.

    ``by`` is a staff user or ``WorkerActor`` (the worker on the portal). The
    same worker applying again gets their live application back (``created``
    False), so a double tap or a re-imported file changes nothing. While a
    lottery class awaits its draw every application waits.
    """
    _may_act_for(by, worker)
    klass = _lock(klass.pk)
    if not worker.org_path.startswith(klass.org_path):
        raise DomainError("not_eligible", f"该职工不在“{klass.name}”的招生范围内")
    if timezone.localdate() > klass.term_ends:
        raise DomainError("class_ended", f"“{klass.name}”已于{klass.term_ends}结课，不能报名")
    earlier = klass.enrolments.exclude(state=EnrolmentState.CANCELLED).filter(worker=worker).first()
    if earlier is not None:
        return Enrolled(earlier, created=False)
    klass.last_queue_no += 1
    TrainingClass.objects.filter(pk=klass.pk).update(last_queue_no=klass.last_queue_no)
    now = timezone.now()
    enrolment = Enrolment(
        klass=klass,
        worker=worker,
        org_path=klass.org_path,
        state=EnrolmentState.WAITING,
        queue_no=klass.last_queue_no,
        channel=channel,
        applied_at=now,
    )
    if not klass.awaiting_lottery:
        _seat(enrolment, klass, now)
    enrolment.save()
    record_event(
        actor=by,
        action="enrol",
        object_type="enrolment",
        object_id=enrolment.pk,
        org_path=klass.org_path,
        client_ip=client_ip,
        after={
            "class": klass.pk,
            "worker": worker.pk,
            "state": enrolment.state,
            "queue_no": enrolment.queue_no,
            "channel": channel,
        },
    )
    return Enrolled(enrolment, created=True)


def _promote_first_waiting(klass: TrainingClass, *, client_ip: str | None) -> Enrolment | None:
    first = klass.enrolments.filter(state=EnrolmentState.WAITING).order_by("queue_no", "id").first()
    if first is None or not _seat(first, klass, timezone.now()):
        return None
    first.save(update_fields=["state", "seated_at", "seated_on"])
    record_event(
        actor=None,
        action="promote",
        object_type="enrolment",
        object_id=first.pk,
        org_path=klass.org_path,
        client_ip=client_ip,
        before={"state": EnrolmentState.WAITING},
        after={"state": first.state},
    )
    return first


@transaction.atomic
def cancel_enrolment(
    *, by: User | WorkerActor, enrolment: Enrolment, client_ip: str | None = None
) -> Enrolment | None:
    """Cancel an application; a freed seat goes at once to the first on the waiting list.

    Returns the promoted enrolment, if any. Attendance already recorded stays.
    """
    _may_act_for(by, enrolment.worker)
    klass = _lock(enrolment.klass_id)
    current = Enrolment.objects.get(pk=enrolment.pk)
    if current.state == EnrolmentState.CANCELLED:
        raise DomainError("already_cancelled", "该报名已取消")
    was = current.state
    current.state = EnrolmentState.CANCELLED
    current.cancelled_at = timezone.now()
    current.save(update_fields=["state", "cancelled_at"])
    record_event(
        actor=by,
        action="cancel",
        object_type="enrolment",
        object_id=current.pk,
        org_path=klass.org_path,
        client_ip=client_ip,
        before={"state": was},
        after={"state": current.state},
    )
    promoted = None
    if was == EnrolmentState.ENROLLED:
        # ``_seat`` dates every seat it gives.
        assert current.seated_on is not None
        TrainingClass.objects.filter(pk=klass.pk).update(enrolled_count=F("enrolled_count") - 1)
        rollups.bump(
            kind="enrolments",
            org_id=klass.org_id,
            org_path=klass.org_path,
            worker_id=current.worker_id,
            day=current.seated_on,
            sign=-1,
        )
        if not klass.awaiting_lottery:
            promoted = _promote_first_waiting(klass, client_ip=client_ip)
    enrolment.refresh_from_db()
    return promoted


def lottery_order(klass_id: int, seed: str, queue_nos: list[int]) -> list[int]:
    """The draw: arrival numbers shuffled by a generator seeded with the class and the seed.

    Anyone holding the audit event (seed and arrival numbers) can repeat it.
    """
    order = sorted(queue_nos)
    random.Random(f"{klass_id}:{seed}").shuffle(order)
    return order


@transaction.atomic
def draw_lottery(
    *, by: User, klass: TrainingClass, seed: str | None = None, client_ip: str | None = None
) -> list[Enrolment]:
    """Seat applicants of a lottery class in a seeded random order; the rest wait in that order.

    Returns the applicants in drawn order. The seed and the arrival numbers in
    drawn order go to the audit log, so the draw can be checked afterwards.
    """
    require_in_scope(by, "manage_programs", klass.org_path)
    klass = _lock(klass.pk)
    if not klass.awaiting_lottery:
        raise DomainError("no_lottery", f"“{klass.name}”不摇号或已摇过号")
    seed = (seed or secrets.token_hex(8)).strip()
    waiting = {e.queue_no: e for e in klass.enrolments.filter(state=EnrolmentState.WAITING)}
    order = lottery_order(klass.pk, seed, list(waiting))
    drawn = [waiting[n] for n in order]
    now = timezone.now()
    for rank, enrolment in enumerate(drawn, start=1):
        enrolment.queue_no = rank
        _seat(enrolment, klass, now)
        enrolment.save(update_fields=["queue_no", "state", "seated_at", "seated_on"])
    klass.lottery_seed, klass.lottery_drawn = seed, True
    klass.last_queue_no = max(klass.last_queue_no, len(drawn))
    klass.save(update_fields=["lottery_seed", "lottery_drawn", "last_queue_no"])
    record_event(
        actor=by,
        action="lottery",
        object_type="training_class",
        object_id=klass.pk,
        org_path=klass.org_path,
        client_ip=client_ip,
        after={
            "seed": seed,
            "arrival_order": sorted(waiting),
            "drawn_order": order,
            "seated": min(len(drawn), klass.capacity),
        },
    )
    return drawn


# --- attendance and certificates -------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *,
    by: User | WorkerActor,
    session: Session,
    worker: Worker,
    channel: str,
    client_ip: str | None = None,
) -> tuple[Attendance, bool]:
    """One worker present at one session (one person-time); a repeat changes nothing.

    Staff (the teacher's list) need the class in their subtree; a worker
    (``WorkerActor``, the class's QR code) signs in only for themself. Only a
    seated worker can attend.
    """
    klass = session.klass
    if isinstance(by, WorkerActor):
        _may_act_for(by, worker)
    else:
        require_in_scope(by, "record_services", klass.org_path)
    enrolment = klass.enrolments.filter(worker=worker, state=EnrolmentState.ENROLLED).first()
    if enrolment is None:
        raise DomainError("not_enrolled", f"未被“{klass.name}”录取，不能签到")
    if session.day > timezone.localdate():
        raise DomainError("session_ahead", f"第{session.number}次课在{session.day}，还未开始")
    earlier = Attendance.objects.filter(session=session, enrolment=enrolment).first()
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                session=session,
                enrolment=enrolment,
                org_path=klass.org_path,
                channel=channel,
                at=timezone.now(),
            )
    except IntegrityError:  # the same sign-in racing itself
        return Attendance.objects.get(session=session, enrolment=enrolment), False
    rollups.bump(
        kind="attendances",
        org_id=klass.org_id,
        org_path=klass.org_path,
        worker_id=worker.pk,
        day=session.day,
    )
    record_event(
        actor=by,
        action="attend",
        object_type="attendance",
        object_id=attendance.pk,
        org_path=klass.org_path,
        client_ip=client_ip,
        after={"session": session.pk, "worker": worker.pk, "channel": channel},
    )
    return attendance, True


def record_roll_call(
    *, by: User, session: Session, workers: list[Worker], client_ip: str | None = None
) -> int:
    """The teacher's list: every worker ticked is present; returns how many were new."""
    with transaction.atomic():
        return sum(
            record_attendance(
                by=by,
                session=session,
                worker=w,
                channel=AttendanceChannel.LIST,
                client_ip=client_ip,
            )[1]
            for w in workers
        )


@transaction.atomic
def issue_certificate(
    *, by: User | WorkerActor, enrolment: Enrolment, client_ip: str | None = None
) -> Enrolment:
    """The completion certificate's number, once the worker attended enough sessions.

    Idempotent: a certificate already issued keeps its number.
    """
    _may_act_for(by, enrolment.worker)
    enrolment = Enrolment.objects.select_related("klass").get(pk=enrolment.pk)
    if enrolment.certificate_no:
        return enrolment
    klass = enrolment.klass
    if enrolment.state != EnrolmentState.ENROLLED:
        raise DomainError("not_enrolled", "未被录取（或已取消），不能结业")
    attended = enrolment.attendances.count()
    if attended < klass.certificate_sessions:
        raise DomainError(
            "not_completed",
            f"出勤{attended}次，结业需出勤{klass.certificate_sessions}次",
        )
    enrolment.certificate_no = f"YX{klass.term_starts:%Y}{klass.pk:05d}{enrolment.pk:07d}"
    enrolment.save(update_fields=["certificate_no"])
    record_event(
        actor=by,
        action="certificate",
        object_type="enrolment",
        object_id=enrolment.pk,
        org_path=klass.org_path,
        client_ip=client_ip,
        after={"certificate_no": enrolment.certificate_no},
    )
    return enrolment
