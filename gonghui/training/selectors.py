"""Reads of the night school, scoped to the acting user (staff) or to one worker (portal).

Staff see classes run in their subtree and those run above them (a county
officer sees the city's palace classes, and in them only their own workers'
applications); a worker sees the classes run by their union and the unions
above it. Figures come from the rollups, except distinct persons below county
level, which the per-county rollup cannot split. The report card's measures take an org
path and a period, no user (``Under``, ``Period``); the figures page sums through the same
functions.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from gonghui.accounts.models import User
from gonghui.core.indicators import Under
from gonghui.core.money import fen_to_yuan
from gonghui.core.periods import Period
from gonghui.core.scoping import ancestor_paths
from gonghui.members.models import Worker
from gonghui.members.selectors import worker_for_service
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs, org_by_path, org_for
from gonghui.training.models import (
    Attendance,
    Course,
    Enrolment,
    EnrolmentState,
    Entry,
    FundProject,
    FundTrainee,
    FundYear,
    OutcomeKind,
    Session,
    TrainingClass,
    TrainingDaily,
    TrainingWorkerYear,
)
from gonghui.training.rollups import FUND_COLUMNS, KINDS

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

_COUNTY_DEPTH = 3
# A figure asked for all time: the years a Period may span.


def classes_visible_to(user: User) -> QuerySet[TrainingClass]:
    return TrainingClass.objects.here_or_above(user).select_related("course__subject", "org")


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
        Q(org_path__startswith=path) | Q(worker__org_path__startswith=path)
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


@dataclass
class TrainingFigures:
    org_code: str
    org_name: str
    enrolments: int  # seats taken (person-times)
    attendances: int  # person-times
    enrolled_persons: int  # distinct workers with a seat
    attending_persons: int  # distinct workers who attended
    entries: int  # competition entries (person-times), under the contest's org
    entrants: int  # distinct workers entered
    fund_projects: int  # fund projects started
    fund_budget_fen: int  # their budgets
    fund_spent_fen: int  # paid out (by payment date)
    fund_trainees: int  # trainee places (person-times: one per person and project)
    fund_trainee_persons: int  # distinct workers funded
    outcomes: dict[str, int]  # OutcomeKind value → trainees with that result

    @property
    def fund_budget(self) -> str:
        return f"{fen_to_yuan(self.fund_budget_fen):,.2f}"

    @property
    def fund_spent(self) -> str:
        return f"{fen_to_yuan(self.fund_spent_fen):,.2f}"

    @property
    def outcome_cells(self) -> list[tuple[str, int]]:
        """(kind, count) in ``OutcomeKind`` order, for a table row."""
        return [(kind, self.outcomes[kind]) for kind in OutcomeKind.values]


def _distinct(path: str, kind: str, year: int | None) -> int:
    """Distinct workers with a seat / an attendance / a competition entry under ``path`` (in
    ``year``): the per-county rollup at county level and above, raw rows below it."""
    if path.count("/") <= _COUNTY_DEPTH:
        rows = TrainingWorkerYear.objects.filter(org_path__startswith=path, **{f"{kind}__gt": 0})
        rows = rows.filter(year=year) if year else rows
        return rows.values("worker_id").distinct().count()
    if kind == "enrolments":
        seats = Enrolment.objects.filter(org_path__startswith=path, state=EnrolmentState.ENROLLED)
        seats = seats.filter(seated_on__year=year) if year else seats
        return seats.values("worker_id").distinct().count()
    if kind == "entries":
        entries = Entry.objects.filter(org_path__startswith=path)
        entries = entries.filter(competition__held_on__year=year) if year else entries
        return entries.values("worker_id").distinct().count()
    present = Attendance.objects.filter(org_path__startswith=path)
    present = present.filter(session__day__year=year) if year else present
    return present.values("enrolment__worker_id").distinct().count()


def _fund_persons(path: str, year: int | None) -> int:
    """Distinct funded workers under ``path``: the trainee rows themselves (one per person and
    project, a registry far smaller than any event log), never a sum of children."""
    rows = FundTrainee.objects.filter(org_path__startswith=path)
    rows = rows.filter(joined_on__year=year) if year else rows
    return rows.values("worker_id").distinct().count()


def daily_sums(under: Under, period: Period) -> dict[str, int]:
    """Seats taken, attendances and competition entries (person-times) ``under`` an org on the
    days of ``period`` (the seat's, the session's, the contest's), from ``TrainingDaily``:
    additive, so the 本级 row and the children add up to the total."""
    rows = TrainingDaily.objects.filter(**under.filter(), **period.dates("day"))
    return rows.aggregate(**{kind: Sum(kind, default=0) for kind in KINDS})


def attendances_in(under: Under, period: Period) -> int:
    """Night-school attendances (person-times), on the session's day."""
    return daily_sums(under, period)["attendances"]


def entries_in(under: Under, period: Period) -> int:
    """Skill-competition entries (person-times), on the contest's day under its org."""
    return daily_sums(under, period)["entries"]


def fund_year_sums(under: Under, years: tuple[int, int]) -> dict[str, int]:
    """Every ``FundYear`` column ``under`` an org over the years ``years`` (first, last)."""
    rows = FundYear.objects.filter(**under.filter(), year__range=years)
    return rows.aggregate(**{column: Sum(column, default=0) for column in FUND_COLUMNS})


def fund_budget_fen(under: Under, period: Period) -> int:
    """Budgets of the fund projects starting in ``period``, in fen: the per-year rollup for
    whole years, the projects themselves (a small registry) for part of a year."""
    years = period.whole_years
    if years:
        return fund_year_sums(under, years)["budget_fen"]
    projects = FundProject.objects.filter(**under.filter(), **period.dates("starts_on"))
    return projects.aggregate(n=Sum("budget_fen", default=0))["n"]


def _figures(path: str, year: int | None) -> TrainingFigures:
    org, under = org_by_path(path), Under(path)
    period = Period.year(year) if year else Period.all_time()
    sums = daily_sums(under, period)
    money = fund_year_sums(under, period.years)
    return TrainingFigures(
        org_code=org.code,
        org_name=org.name,
        enrolments=sums["enrolments"],
        attendances=sums["attendances"],
        enrolled_persons=_distinct(path, "enrolments", year),
        attending_persons=_distinct(path, "attendances", year),
        entries=sums["entries"],
        entrants=_distinct(path, "entries", year),
        fund_projects=money["projects"],
        fund_budget_fen=money["budget_fen"],
        fund_spent_fen=money["spent_fen"],
        fund_trainees=money["trainees"],
        fund_trainee_persons=_fund_persons(path, year),
        outcomes={kind: money[kind] for kind in OutcomeKind.values},
    )


def _active(path: str) -> bool:
    return (
        TrainingDaily.objects.filter(org_path__startswith=path).exists()
        or FundYear.objects.filter(org_path__startswith=path).exists()
    )


def training_figures(
    user: User, *, org_code: str | None = None, year: int | None = None
) -> tuple[TrainingFigures, list[TrainingFigures]]:
    """Training figures of the user's subtree (or of ``org_code`` in it) and of its children
    with any activity, for all time or one calendar ``year``.

    Seats count in the year they were taken, attendances in the year of the session,
    entries in the year of the contest; fund projects and budgets in their start year,
    spending by payment date, trainees by entry date, outcomes by their date. Distinct
    persons are counted at each level, never added up from the children.
    """
    scope = user.scope_path
    if not scope:
        raise Http404
    path = org_for(user, org_code).path if org_code else scope
    children = [
        _figures(child.path, year) for child in child_orgs(org_by_path(path)) if _active(child.path)
    ]
    return _figures(path, year), children


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
