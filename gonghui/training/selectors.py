"""Reads of the night school, scoped to the acting user (staff) or to one worker (portal).

Staff see classes run in their subtree and those run above them (a county
officer sees the city's palace classes, and in them only their own workers'
applications); a worker sees the classes run by their union and the unions
above it. Figures come from the rollups, except distinct persons below county
level, which the per-county rollup cannot split. The report card's measures take an org
path and a period, no user (``Under``, ``Period``); the figures page sums through the same
functions.
"""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.core.drilldown import shared
from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.core.rollups import distinct_workers
from gonghui.core.scoping import ancestor_paths
from gonghui.core.story import StoryLine
from gonghui.members.models import Worker
from gonghui.members.selectors import worker_for_service
from gonghui.orgs.models import Org
from gonghui.training.models import (
    Attendance,
    Course,
    CraftsmanTitle,
    Enrolment,
    EnrolmentState,
    Entry,
    FundOutcome,
    FundProject,
    FundSpending,
    FundTrainee,
    FundYear,
    Session,
    TrainingClass,
    TrainingDaily,
    TrainingWorkerYear,
)
from gonghui.training.rollups import FUND_COLUMNS, KINDS

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def classes_visible_to(user: User) -> QuerySet[TrainingClass]:
    return TrainingClass.objects.here_or_above(user).select_related("course__subject", "org")


def classes_awaiting_draw(user: User) -> QuerySet[TrainingClass]:
    """Classes run in the user's subtree whose applications wait for the draw (the home
    page's to-do and the class list's ``?draw=pending``)."""
    return classes_visible_to(user).filter(
        org_path__subtree=user.scope_path or "\0", lottery=True, lottery_drawn=False
    )


def class_for(user: User, pk: int) -> TrainingClass:
    try:
        return classes_visible_to(user).get(pk=pk)
    except TrainingClass.DoesNotExist:
        raise Http404 from None


def enrolments_visible_to(user: User, klass: TrainingClass | None = None) -> QuerySet[Enrolment]:
    """Applications of workers in the user's subtree (a class run above shows only theirs)."""
    path = user.scope_path
    if not path:
        return Enrolment.objects.none()
    rows = Enrolment.objects.filter(
        Q(org_path__subtree=path) | Q(worker__org_path__subtree=path)
    ).select_related("worker__org", "klass")
    return rows.filter(klass=klass) if klass is not None else rows


def enrolment_for(user: User, pk: int) -> Enrolment:
    try:
        return enrolments_visible_to(user).get(pk=pk)
    except Enrolment.DoesNotExist:
        raise Http404 from None


def session_for(user: User, pk: int) -> Session:
    try:
        return Session.objects.visible_to(user).select_related("klass").get(pk=pk)
    except Session.DoesNotExist:
        raise Http404 from None


def waiting_position(enrolment: Enrolment) -> int | None:
    """候补第N位: 1 + those waiting ahead in queue order; None when not waiting."""
    if enrolment.state != EnrolmentState.WAITING:
        return None
    ahead = Enrolment.objects.filter(
        klass_id=enrolment.klass_id, state=EnrolmentState.WAITING
    ).filter(
        Q(queue_no__lt=enrolment.queue_no) | Q(queue_no=enrolment.queue_no, id__lt=enrolment.id)
    )
    return ahead.count() + 1


class Attended(TypedDict):
    attended: int  # sessions the worker attended


def roster(
    klass: TrainingClass, enrolments: QuerySet[Enrolment]
) -> "dict[str, list[WithAnnotations[Enrolment, Attended]]]":
    """Seated and waiting applications in queue order, with attendance counts.

    ``enrolments`` may be only part of the class (a county officer sees their own
    workers in a city's class); each waiting row's ``position`` is still its place in
    the whole class's queue.
    """
    rows = (
        enrolments.filter(klass=klass)
        .exclude(state=EnrolmentState.CANCELLED)
        .annotate(attended=Count("attendances"))
        .order_by("queue_no", "id")
    )
    queue = Enrolment.objects.filter(klass=klass, state=EnrolmentState.WAITING)
    places = {
        pk: n
        for n, pk in enumerate(queue.order_by("queue_no", "id").values_list("pk", flat=True), 1)
    }
    waiting = [e for e in rows if e.state == EnrolmentState.WAITING]
    for e in waiting:
        # The place the page shows, set on the fetched row: django-stubs can declare
        # attributes a query annotates (WithAnnotations), not one set after the fetch.
        e.position = places[e.pk]  # type: ignore[attr-defined]
    return {"enrolled": [e for e in rows if e.state == EnrolmentState.ENROLLED], "waiting": waiting}


# --- the worker's own view (portal) ---------------------------------------------------------


def classes_open_to(worker: Worker) -> QuerySet[TrainingClass]:
    """Classes run by the worker's union or one above it."""
    return TrainingClass.objects.filter(
        org_path__in=ancestor_paths(worker.org_path)
    ).select_related("course__subject", "org")


def class_open_to(worker: Worker, pk: int) -> TrainingClass:
    try:
        return classes_open_to(worker).get(pk=pk)
    except TrainingClass.DoesNotExist:
        raise Http404 from None


def live_enrolment(worker: Worker, klass: TrainingClass) -> Enrolment | None:
    return (
        Enrolment.objects.filter(worker=worker, klass=klass)
        .exclude(state=EnrolmentState.CANCELLED)
        .first()
    )


def enrolments_of(worker: Worker) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(worker=worker).select_related("klass").order_by("-applied_at")


def attendance_count(enrolment: Enrolment) -> int:
    return Attendance.objects.filter(enrolment=enrolment).count()


# --- figures --------------------------------------------------------------------------------


@shared
def daily_sums(under: Under, period: Period) -> dict[str, int]:
    """Seats taken, attendances and competition entries (person-times) ``under`` an org on the
    days of ``period`` (the seat's, the session's, the contest's), from ``TrainingDaily``:
    additive, so the 本级 row and the children add up to the total."""
    rows = TrainingDaily.objects.filter(**under.filter(), **period.dates("day"))
    return rows.aggregate(**{kind: Sum(kind, default=0) for kind in KINDS})


def enrolments_in(under: Under, period: Period) -> int:
    """Night-school seats taken (person-times), on the day of the seat."""
    return daily_sums(under, period)["enrolments"]


def attendances_in(under: Under, period: Period) -> int:
    """Night-school attendances (person-times), on the session's day."""
    return daily_sums(under, period)["attendances"]


def entries_in(under: Under, period: Period) -> int:
    """Skill-competition entries (person-times), on the contest's day under its org."""
    return daily_sums(under, period)["entries"]


def _persons(kind: str, under: Under, period: Period, raw: QuerySet, raw_date: str) -> int:
    return distinct_workers(
        under,
        period,
        per_county=TrainingWorkerYear.objects.filter(**{f"{kind}__gt": 0}),
        raw=raw,
        raw_date=raw_date,
    )


def enrolled_persons(under: Under, period: Period) -> int:
    """Distinct workers seated in a class in ``period`` (exact at any level)."""
    seats = Enrolment.objects.filter(state=EnrolmentState.ENROLLED)
    return _persons("enrolments", under, period, seats, "seated_on")


def attending_persons(under: Under, period: Period) -> int:
    """Distinct workers who attended a session in ``period`` (exact at any level)."""
    present = Attendance.objects.annotate(worker_id=F("enrolment__worker_id"))
    return _persons("attendances", under, period, present, "session__day")


def entrants(under: Under, period: Period) -> int:
    """Distinct workers entered in a contest held in ``period``, under the contest's org."""
    return _persons("entries", under, period, Entry.objects.all(), "competition__held_on")


def fund_measure(column: str) -> Callable[[Under, Period], int]:
    """A measure of one ``FundYear`` column: the per-year rollup for whole years; for part
    of a year the registry rows themselves (small), each dated as ``FundYear`` dates it
    (projects and budgets by start, spending by payment, trainees by entry, outcomes by
    their date)."""

    def measure(under: Under, period: Period) -> int:
        if period.whole_years:
            return fund_year_sums(under, period)[column]
        return _fund_rows(column, under, period)

    return measure


@shared
def fund_year_sums(under: Under, period: Period) -> dict[str, int]:
    """Every ``FundYear`` column ``under`` an org over the whole years of ``period``."""
    rows = FundYear.objects.filter(**under.filter(), year__range=period.years)
    return rows.aggregate(**{column: Sum(column, default=0) for column in FUND_COLUMNS})


def _fund_rows(column: str, under: Under, period: Period) -> int:
    where = under.filter()
    if column in ("projects", "budget_fen"):
        projects = FundProject.objects.filter(**where, **period.dates("starts_on"))
        total = Count("id") if column == "projects" else Sum("budget_fen", default=0)
        return projects.aggregate(n=total)["n"]
    if column == "spent_fen":
        spending = FundSpending.objects.filter(**where, **period.dates("spent_on"))
        return spending.aggregate(n=Sum("amount_fen", default=0))["n"]
    if column == "trainees":
        return FundTrainee.objects.filter(**where, **period.dates("joined_on")).count()
    return FundOutcome.objects.filter(**where, kind=column, **period.dates("on")).count()


def fund_budget_fen(under: Under, period: Period) -> int:
    """Budgets of the fund projects starting in ``period``, in fen."""
    return fund_measure("budget_fen")(under, period)


def fund_trainee_persons(under: Under, period: Period) -> int:
    """Distinct funded workers who joined a project in ``period``: the trainee rows themselves
    (one per person and project, a registry far smaller than any event log)."""
    rows = FundTrainee.objects.filter(**under.filter(), **period.dates("joined_on"))
    return rows.values("worker_id").distinct().count()


def course_named(org: Org, name: str) -> Course | None:
    """The course of that name run by ``org`` (an org the caller already holds), if any."""
    return Course.objects.filter(org=org, name=name.strip()).first()


def portal_worker(worker_id: int | None) -> Worker | None:
    """The worker signed in on the portal (identified by a signed link), or None."""
    return worker_for_service(worker_id, within_path="") if worker_id else None


def session_open_to(worker: Worker, session_id: int) -> Session | None:
    """A session of a class the worker may attend (the sign-in QR code names it)."""
    return (
        Session.objects.filter(pk=session_id, klass__in=classes_open_to(worker))
        .select_related("klass")
        .first()
    )


def story_of(user: User, worker: Worker) -> list[StoryLine]:
    """The worker's class seats and certificates, competitions, titles and funded training in
    the user's subtree. Seats and entries count those of the classes and contests above the
    user's org too: the user sees those classes and contests already (``here_or_above``),
    and the caller has checked the worker is the user's own, so a county officer reads their
    worker's place in the city's class without seeing anyone else's."""
    lines = [
        StoryLine(
            e.applied_at.date(),
            "技能素质",
            f"报名夜校“{e.klass.name}”，{e.get_state_display()}"
            + (f"，结业证书{e.certificate_no}" if e.certificate_no else ""),
            reverse("training:detail", args=[e.klass_id]),
        )
        for e in Enrolment.objects.here_or_above(user)
        .filter(worker=worker)
        .select_related("klass")
        .order_by("applied_at", "pk")
    ]
    lines += [
        StoryLine(
            e.competition.held_on,
            "技能素质",
            f"参加技能竞赛“{e.competition.name}”",
            reverse("training:competition", args=[e.competition_id]),
        )
        for e in Entry.objects.here_or_above(user)
        .filter(worker=worker)
        .select_related("competition")
        .order_by("pk")
    ]
    lines += [
        StoryLine(
            datetime.date(t.year, 1, 1),
            "技能素质",
            f"{t.year}年获评{t.title}（{t.get_level_display()}）",
        )
        for t in CraftsmanTitle.objects.visible_to(user)
        .filter(worker=worker)
        .order_by("year", "pk")
    ]
    lines += [
        StoryLine(
            f.joined_on,
            "技能素质",
            f"参加资助培训“{f.project.name}”",
            reverse("training:fund", args=[f.project_id]),
        )
        for f in FundTrainee.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("project")
        .order_by("joined_on", "pk")
    ]
    return lines
