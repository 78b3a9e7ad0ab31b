"""Reads of programs and their figures, scoped to the acting user.

A user sees programs run inside their subtree and programs of the orgs above
them (a county officer sees the province's breakfast programme), but figures
only for the part of the tree they hold. Figures come from the rollups, never
from scanning raw records, except distinct persons below county level, which
the per-county rollup cannot split.
"""

import datetime
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, TypedDict

from django.db import connection
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.accounts.selectors import (
    TOKEN_CONDITION,
    token_columns,
    token_params,
    token_tables,
    token_user_from_row,
)
from gonghui.core.indicators import Under
from gonghui.core.money import yuan
from gonghui.core.periods import Period
from gonghui.core.plain_select import from_row, select_list
from gonghui.core.rollups import COUNTY_DEPTH, distinct_workers, in_years
from gonghui.core.story import StoryLine
from gonghui.members.models import Worker
from gonghui.members.selectors import (
    service_worker_columns,
    service_worker_from_row,
    worker_for_service,
)
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs, org_by_path, org_for, orgs_visible_to
from gonghui.programs.models import (
    BudgetSlot,
    Program,
    ProgramDaily,
    ProgramOrgYear,
    ProgramWorkerYear,
    ServicePoint,
    ServiceRecord,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class Spending(TypedDict):
    spent_fen: int  # what the program's budget slots have spent


def programs_visible_to(user: User) -> "QuerySet[WithAnnotations[Program, Spending]]":
    spent = (
        BudgetSlot.objects.filter(program=OuterRef("pk"))
        .values("program")
        .annotate(total=Sum("spent_fen"))
        .values("total")
    )
    return (
        Program.objects.here_or_above(user)
        .select_related("org")
        .annotate(spent_fen=Coalesce(Subquery(spent), 0))
    )


def budgets_nearly_spent(user: User) -> "QuerySet[WithAnnotations[Program, Spending]]":
    """Programmes run in the user's subtree that have spent at least 90 % of their budget
    (the home page's to-do and the programme list's ``?budget=low``); a programme run above
    is left out, as its spending tells of the other cities'."""
    return (
        programs_visible_to(user)
        .filter(org_path__subtree=user.scope_path or "\0", budget_fen__gt=0)
        .alias(spent_tenths=F("spent_fen") * 10)
        .filter(spent_tenths__gte=F("budget_fen") * 9)
    )


def program_for(user: User, pk: int) -> "WithAnnotations[Program, Spending]":
    try:
        return programs_visible_to(user).get(pk=pk)
    except Program.DoesNotExist:
        raise Http404 from None


def points_visible_to(user: User) -> QuerySet[ServicePoint]:
    return ServicePoint.objects.visible_to(user).select_related("org")


def points_of_staff(user: User) -> QuerySet[ServicePoint]:
    """The service points where this account checks workers in."""
    return user.service_points.select_related("org").prefetch_related("programs")


@cache
def _check_in_sql(vendor: str) -> str:
    """The token's account and org; the point if that account staffs it, the program if
    any of its points offers it, the worker, and whether the point offers the program."""
    staff = ServicePoint.staff.through._meta.db_table
    offers = ServicePoint.programs.through._meta.db_table
    return (
        f"SELECT {token_columns()}, {select_list(ServicePoint, 'p')}, "
        f"{select_list(Program, 'g')}, {service_worker_columns('w')}, EXISTS ("
        f"SELECT 1 FROM {offers} WHERE servicepoint_id = p.id AND program_id = g.id) "
        f"FROM {token_tables()} "
        f"LEFT JOIN {ServicePoint._meta.db_table} p ON p.id = %s AND EXISTS ("
        f"SELECT 1 FROM {staff} WHERE servicepoint_id = p.id AND user_id = u.id) "
        f"LEFT JOIN {Program._meta.db_table} g ON g.id = %s AND EXISTS ("
        f"SELECT 1 FROM {offers} o JOIN {staff} s ON s.servicepoint_id = o.servicepoint_id "
        "WHERE o.program_id = g.id AND s.user_id = u.id) "
        f"LEFT JOIN {Worker._meta.db_table} w ON w.id = %s "
        f"WHERE {TOKEN_CONDITION}"
    )


@dataclass
class PointFacts:
    staffed: bool  # the user is one of the point's clerks
    offered: bool  # the point offers the program


@dataclass
class CheckInContext:
    """Who checks in, and what a check-in at ``point`` for ``program`` decides on besides
    the card itself."""

    user: User
    point: ServicePoint
    program: Program
    worker: Worker | None  # the card's holder, when in the program's subtree
    facts: PointFacts | None = None  # read with the point; None = ask when needed


def check_in_context(
    api_token: str, *, point_id: int, program_id: int, worker_id: int | None
) -> CheckInContext | None:
    """The account of a bearer token, and the point, program and worker its check-in
    names; None when the token is no active account's, 404 when the account may not use
    the point or the program.

    A check-in is the API's busiest call, so the token is read in the statement that
    reads everything else a clerk's scan needs. A clerk has no scope: their points,
    and the programs those points offer (so one of their programs named at another of
    their points is the service's refusal, not 404). Everyone else: a point in their
    subtree and a program visible to them, read after.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _check_in_sql(connection.vendor),
            [point_id, program_id, worker_id, *token_params(api_token)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    user, next_at = token_user_from_row(row)
    point: ServicePoint | None
    program: Program | None
    if not user.can("checkin"):
        point = get_object_or_404(points_visible_to(user), pk=point_id)
        program = program_for(user, program_id)
        worker = None
        if worker_id is not None:
            worker = worker_for_service(worker_id, within_path=program.org_path)
        return CheckInContext(user, point, program, worker)
    point, next_at = from_row(ServicePoint, row, next_at)
    program, next_at = from_row(Program, row, next_at)
    if point is None or program is None:
        raise Http404
    worker, next_at = service_worker_from_row(row, next_at, within_path=program.org_path)
    facts = PointFacts(staffed=True, offered=bool(row[-1]))
    return CheckInContext(user, point, program, worker, facts)


def point_facts(*, point_id: int, program_id: int, user_id: int) -> PointFacts:
    """Is the user one of the point's clerks, does the point offer the program: in one
    round trip, as every check-in asks both."""
    staff = ServicePoint.staff.through._meta.db_table
    offers = ServicePoint.programs.through._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {staff} WHERE servicepoint_id = %s AND user_id = %s), "
            f"EXISTS (SELECT 1 FROM {offers} WHERE servicepoint_id = %s AND program_id = %s)",
            [point_id, user_id, point_id, program_id],
        )
        staffed, offered = cursor.fetchone()
    return PointFacts(staffed=bool(staffed), offered=bool(offered))


def records_visible_to(user: User, *, program: Program | None = None) -> QuerySet[ServiceRecord]:
    records = ServiceRecord.objects.visible_to(user).select_related("worker", "point", "org")
    return records.filter(program=program) if program is not None else records


@dataclass
class OrgFigures:
    org: Org
    persons: int
    person_times: int
    amount_fen: int


@dataclass
class ProgramFigures:
    program: Program
    org: Org
    persons: int
    person_times: int
    amount_fen: int
    children: list[OrgFigures] = field(default_factory=list)
    days: list[tuple[datetime.date, int, int]] = field(default_factory=list)


def _base_path(user: User, program: Program, org_code: str | None) -> str:
    scope = user.scope_path
    if scope is None:  # no program is visible to them
        raise Http404
    base = scope if scope.startswith(program.org_path) else program.org_path
    if org_code:
        path = org_for(user, org_code).path
        if not path.startswith(base):
            raise Http404
        return path
    return base


def _served_rows(path: str, **programs) -> QuerySet:
    """Rows to count distinct workers served under ``path`` for all time, grouped as the
    caller likes: the per-county rollup at county level and above, live raw records below."""
    if path.count("/") <= COUNTY_DEPTH:
        return ProgramWorkerYear.objects.filter(org_path__subtree=path, **programs)
    return ServiceRecord.objects.filter(voided=False, org_path__subtree=path, **programs)


def _persons(under: Under, period: Period, *, rollup: dict, raw: dict) -> int:
    """Exact distinct workers served ``under`` an org in ``period``: ``rollup`` selects the
    per-county rows (a programme, or a card line), ``raw`` the same programmes' records."""
    return distinct_workers(
        under,
        period,
        per_county=ProgramWorkerYear.objects.filter(**rollup),
        raw=ServiceRecord.objects.filter(voided=False, **raw),
        raw_date="served_on",
    )


def distinct_persons(program: Program, path: str) -> int:
    """Exact distinct workers served under ``path`` over the programme's life."""
    mine = {"program": program}
    return _persons(Under(path), Period.all_time(), rollup=mine, raw=mine)


def _line_programs(line: str) -> list[int]:
    """The programmes filed under a report card line: a handful of ids, looked up first so
    that the raw records are read through their program-first key rather than a join."""
    return list(Program.objects.filter(report_line=line).values_list("id", flat=True))


def line_persons(line: str, under: Under, period: Period) -> int:
    """Distinct workers served by the programmes of a report card line; the per-county rows
    carry the line, so a worker served by two of its programmes is read once in order."""
    return _persons(
        under, period, rollup={"line": line}, raw={"program_id__in": _line_programs(line)}
    )


def line_person_times(line: str, under: Under, period: Period) -> int:
    """Person-times of the programmes of a report card line: for whole years from the
    per-org year rollup (a few thousand rows for a province's year of breakfasts), else
    from the day rollup."""
    years = period.whole_years
    if years:
        per_year = ProgramOrgYear.objects.filter(line=line, **in_years(years), **under.filter())
        return per_year.aggregate(n=Sum("person_times"))["n"] or 0
    per_day = ProgramDaily.objects.filter(
        program_id__in=_line_programs(line), **under.filter(), **period.dates("day")
    )
    return per_day.aggregate(n=Sum("person_times"))["n"] or 0


def program_figures(user: User, program: Program, *, org_code: str | None = None) -> ProgramFigures:
    """Persons (distinct), person-times and amount for the user's part of the program,
    split by child org and by day. ``org_code`` drills down inside that part."""
    base = _base_path(user, program, org_code)
    daily = ProgramDaily.objects.filter(program=program, org_path__subtree=base)
    by_path = list(
        daily.values("org_path").annotate(times=Sum("person_times"), fen=Sum("amount_fen"))
    )
    children = []
    for child in child_orgs(org_by_path(base)):
        rows = [r for r in by_path if r["org_path"].startswith(child.path)]
        times = sum(r["times"] for r in rows)
        if not times:
            continue
        fen = sum(r["fen"] for r in rows)
        children.append(OrgFigures(child, distinct_persons(program, child.path), times, fen))
    days = [
        (row["day"], row["times"], row["fen"])
        for row in daily.values("day")
        .annotate(times=Sum("person_times"), fen=Sum("amount_fen"))
        .order_by("day")
    ]
    return ProgramFigures(
        program=program,
        org=org_by_path(base),
        persons=distinct_persons(program, base),
        person_times=sum(r["times"] for r in by_path),
        amount_fen=sum(r["fen"] for r in by_path),
        children=children,
        days=days,
    )


# --- reads for the console pages ----------------------------------------------------------


@dataclass
class ProgramTotals:
    persons: int = 0
    person_times: int = 0
    amount_fen: int = 0


def program_totals(user: User, programs: list[Program]) -> dict[int, ProgramTotals]:
    """Persons (distinct), person-times and amount of each program within the user's part
    of it, in two queries whatever the number of programs (the list page).

    Every record of a program lies in the program's subtree, so the user's part of any
    visible program is simply what lies in the user's subtree: the whole program when it
    runs below the user, the user's share when it is run from above. The figures equal
    ``program_figures(user, program)``'s headline.
    """
    totals = {program.pk: ProgramTotals() for program in programs}
    path = user.scope_path
    if not totals or not path:
        return totals
    daily = (
        ProgramDaily.objects.filter(program_id__in=totals, org_path__subtree=path)
        .values("program_id")
        .annotate(times=Sum("person_times"), fen=Sum("amount_fen"))
    )
    for row in daily:
        totals[row["program_id"]].person_times = row["times"]
        totals[row["program_id"]].amount_fen = row["fen"]
    persons = (
        _served_rows(path, program_id__in=totals)
        .values("program_id")
        .annotate(n=Count("worker_id", distinct=True))
    )
    for row in persons:
        totals[row["program_id"]].persons = row["n"]
    return totals


def budget_left_for(user: User, program: "WithAnnotations[Program, Spending]") -> int | None:
    """The program's budget left (fen), for users who hold the whole program.

    The budget is spent by the whole tree; a county officer looking at the province's
    programme would otherwise learn what the other cities spent. None when there is no
    budget or the user holds only part of the program.
    """
    path = user.scope_path
    if program.budget_fen is None or not path or not program.org_path.startswith(path):
        return None
    return program.budget_fen - program.spent_fen


def figures_trail(user: User, program: Program, org: Org) -> list[Org]:
    """The orgs from the user's base for this program down to ``org``'s parent (breadcrumbs)."""
    base = _base_path(user, program, None)
    parts = org.path.rstrip("/").split("/")
    prefixes = ["/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    wanted = [p for p in prefixes if p.startswith(base)]
    return list(orgs_visible_to(user).filter(path__in=wanted).order_by("depth"))


def recent_records(
    user: User, program: Program, *, under: str, limit: int = 20
) -> list[ServiceRecord]:
    """The latest records of the program delivered under ``under`` (already in scope)."""
    return list(
        records_visible_to(user, program=program)
        .filter(org_path__subtree=under)
        .order_by("-served_at", "-id")[:limit]
    )


def record_for(user: User, pk: int) -> ServiceRecord:
    try:
        return records_visible_to(user).get(pk=pk)
    except ServiceRecord.DoesNotExist:
        raise Http404 from None


def points_of_program(user: User, program: Program) -> QuerySet[ServicePoint]:
    return points_visible_to(user).filter(programs=program).order_by("org_path", "name")


def story_of(user: User, worker: Worker) -> list[StoryLine]:
    """The services the worker received in the user's subtree (voided ones say so)."""
    records = (
        ServiceRecord.objects.visible_to(user)
        .filter(worker=worker)
        .select_related("program", "point")
    )
    return [
        StoryLine(
            r.served_on,
            "普惠服务",
            r.program.name
            + (f"（{r.point.name}）" if r.point else "")
            + f"{r.quantity}次"
            + (f"，{yuan(r.amount_fen)}" if r.amount_fen else "")
            + ("，已作废" if r.voided else ""),
            reverse("programs:detail", args=[r.program_id]),
        )
        for r in records.order_by("served_on", "pk")
    ]
