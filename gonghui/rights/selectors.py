"""Reads of wage-arrears cases, scoped to the acting user; figures from the rollups.

A user sees the cases their subtree handles and, read only, the cases it
handed on to another org. Workers appear by masked name and phone; only the case's own
officer and reviewer see them in clear, after an audited reveal.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.accounts.selectors import org_asked_for
from gonghui.audit.workflow import timeline
from gonghui.core.crypto import decrypt
from gonghui.core.drilldown import shared
from gonghui.core.indicators import Under
from gonghui.core.money import yuan
from gonghui.core.periods import Period
from gonghui.core.rollups import distinct_workers
from gonghui.core.scoping import in_scope
from gonghui.core.story import StoryLine
from gonghui.members.models import PHONE_PURPOSE, Worker
from gonghui.members.selectors import mask_name
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import child_orgs
from gonghui.rights.models import (
    CaseState,
    CaseWorker,
    Recovery,
    RightsOrgYear,
    RightsWorkerYear,
    WageCase,
)
from gonghui.rights.services import CASE_FLOW, handles, require_handler


def cases_visible_to(user: User, *, state: str | None = None) -> QuerySet[WageCase]:
    cases = WageCase.objects.visible_to(user).select_related("org", "intake_org")
    return cases.filter(state=state) if state else cases


def case_for(user: User, pk: int) -> WageCase:
    """One case the user may see (handled or handed on by their subtree), or 404."""
    try:
        return cases_visible_to(user).get(pk=pk)
    except WageCase.DoesNotExist:
        raise Http404 from None


def may_act(user: User, case: WageCase) -> bool:
    """Only the subtree handling the case works on it; a sender only reads."""
    return in_scope(user, case.org_path)


def overdue_before(days: int | None = None) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(
        days=settings.RIGHTS_OVERDUE_DAYS if days is None else days
    )


def case_queue(user: User) -> QuerySet[WageCase]:
    """Open cases handled in the user's subtree that wait for their role, least recently
    progressed first (the overdue ones lead)."""
    states = CASE_FLOW.queue_states(user.role)
    path = user.scope_path or "\0"
    return (
        cases_visible_to(user)
        .filter(state__in=states, org_path__subtree=path)
        .order_by("last_progress_at", "id")
    )


def overdue_cases(*, under: str, days: int | None = None) -> QuerySet[WageCase]:
    """Open cases under an org path with no progress for ``days`` (the setting by default);
    for the daily report and the officer's dashboard."""
    return (
        WageCase.objects.filter(org_path__subtree=under, last_progress_at__lt=overdue_before(days))
        .exclude(state=CaseState.CLOSED)
        .select_related("org")
        .order_by("last_progress_at", "id")
    )


@dataclass
class WorkerLine:
    case_worker_id: int
    masked_name: str
    id_masked: str
    owed_fen: int
    wages_fen: int
    compensation_fen: int
    instalments: int
    phone_masked: str
    # the name and phone in clear: empty unless revealed to the case's officer or reviewer
    clear_name: str = ""
    clear_phone: str = ""


def case_workers(user: User, case: WageCase, *, in_clear: bool = False) -> list[WorkerLine]:
    """Each worker on the case with what is owed and recovered so far (``case`` from
    ``case_for``), by masked name and phone; ``in_clear`` gives the case's officer or
    reviewer the name and phone in clear, and only after ``services.reveal_case_workers``
    audited it (anyone else is refused)."""
    case_for(user, case.pk)
    if in_clear:
        require_handler(user, case)
    totals = {
        row["case_worker_id"]: row
        for row in Recovery.objects.filter(case=case)
        .values("case_worker_id")
        .annotate(w=Sum("wages_fen"), c=Sum("compensation_fen"), n=Count("id"))
    }
    lines = []
    for cw in CaseWorker.objects.filter(case=case).select_related("worker"):
        got = totals.get(cw.pk, {"w": 0, "c": 0, "n": 0})
        worker = cw.worker
        lines.append(
            WorkerLine(
                cw.pk,
                mask_name(worker.name),
                worker.id_masked,
                cw.owed_fen,
                got["w"],
                got["c"],
                got["n"],
                worker.phone_masked,
                worker.name if in_clear else "",
                _clear_phone(worker) if in_clear else "",
            )
        )
    return lines


def _clear_phone(worker: Worker) -> str:
    return decrypt(worker.phone_cipher, purpose=PHONE_PURPOSE) if worker.phone_cipher else ""


def case_timeline(user: User, case: WageCase) -> list:
    case_for(user, case.pk)
    return timeline(CASE_FLOW.object_type, case.pk)


def recoveries_of(user: User, case: WageCase) -> QuerySet[Recovery]:
    case_for(user, case.pk)
    return Recovery.objects.filter(case=case).select_related("worker", "org")


@dataclass
class RightsFigures:
    org: Org
    year: int
    workers: int
    instalments: int
    wages_fen: int
    compensation_fen: int
    children: list["RightsFigures"] = field(default_factory=list)

    @property
    def total_fen(self) -> int:
        return self.wages_fen + self.compensation_fen


def workers_helped(under: Under, period: Period) -> int:
    """Distinct workers with a recovery in ``period`` (exact at any level)."""
    return distinct_workers(
        under,
        period,
        per_county=RightsWorkerYear.objects.all(),
        raw=Recovery.objects.all(),
        raw_date="recovered_on",
    )


@shared
def recovery_sums(under: Under, period: Period) -> dict[str, int]:
    """Instalments and fen recovered (wages, compensation) in ``period``: the per-year rollup
    for whole years, the recoveries themselves (a few per case) for part of a year."""
    money = {c: Sum(c, default=0) for c in ("wages_fen", "compensation_fen")}
    if period.whole_years:
        rows = RightsOrgYear.objects.filter(year__range=period.whole_years, **under.filter())
        return rows.aggregate(instalments=Sum("instalments", default=0), **money)
    raw = Recovery.objects.filter(**period.dates("recovered_on"), **under.filter())
    return raw.aggregate(instalments=Count("id"), **money)


def recovered_fen(under: Under, period: Period) -> int:
    """Wages and compensation recovered in ``period``, in fen."""
    sums = recovery_sums(under, period)
    return sums["wages_fen"] + sums["compensation_fen"]


def wages_recovered_fen(under: Under, period: Period) -> int:
    return recovery_sums(under, period)["wages_fen"]


def compensation_recovered_fen(under: Under, period: Period) -> int:
    return recovery_sums(under, period)["compensation_fen"]


def instalments_recovered(under: Under, period: Period) -> int:
    """Instalments recovered (one per worker and payment)."""
    return recovery_sums(under, period)["instalments"]


def _figures(org: Org, year: int) -> RightsFigures:
    under, period = Under(org.path), Period.year(year)
    sums = recovery_sums(under, period)
    return RightsFigures(
        org=org,
        year=year,
        workers=workers_helped(under, period),
        instalments=sums["instalments"],
        wages_fen=sums["wages_fen"],
        compensation_fen=sums["compensation_fen"],
    )


def rights_figures(user: User, *, year: int, org_code: str | None = None) -> RightsFigures:
    """Distinct workers helped and fen recovered (wages, compensation) in a year, for the
    user's subtree (or ``org_code`` inside it), with one line per child org."""
    org = org_asked_for(user, org_code)
    figures = _figures(org, year)
    figures.children = [_figures(child, year) for child in child_orgs(org)]
    return figures


def case_row(case: WageCase, *, overdue_since: datetime.datetime | None = None) -> dict:
    """What a list shows of a case; ``overdue`` when open and idle past the setting."""
    since = overdue_since or overdue_before()
    return {
        "id": case.pk,
        "org_code": case.org.code,
        "org_name": case.org.name,
        "channel": case.channel,
        "employer_name": case.employer_name,
        "project": case.project,
        "state": case.state,
        "state_label": case.get_state_display(),
        "outcome": case.outcome,
        "opened_on": case.opened_on,
        "last_progress_at": case.last_progress_at,
        "overdue": case.state != CaseState.CLOSED and case.last_progress_at < since,
    }


def case_detail(user: User, case: WageCase, *, in_clear: bool = False) -> dict:
    """A case's page: the row, parties, the workers with owed and recovered amounts (by name
    and phone ``in_clear``, see ``case_workers``), whether the user may act or reveal the
    workers, the steps they may take and the timeline."""
    return {
        **case_row(case),
        "intake_org_code": case.intake_org.code,
        "employer_uscc": case.employer_uscc,
        "contractor_name": case.contractor_name,
        "contractor_uscc": case.contractor_uscc,
        "referral": case.referral,
        "external_body": case.external_body,
        "may_act": may_act(user, case),
        "may_reveal": handles(user, case),
        "actions": [t.name for t in CASE_FLOW.available(user, case)],
        "workers": case_workers(user, case, in_clear=in_clear),
        "timeline": [
            {
                "action": s.action,
                "action_label": s.action_label,
                "to_state": s.to_state,
                "to_state_label": CASE_FLOW.state_label(s.to_state),
                "by": s.by.username,
                "at": s.at,
                "reason": s.reason,
            }
            for s in case_timeline(user, case)
        ],
    }


def story_of(user: User, worker: Worker) -> list[StoryLine]:
    """The wage cases the worker is owed on in the user's subtree, and what was recovered."""
    lines = [
        StoryLine(
            w.case.opened_on,
            "欠薪维权",
            f"欠薪案件（{w.case.employer_name}）欠薪{yuan(w.owed_fen)}，{w.case.get_state_display()}",
            reverse("rights:case_detail", args=[w.case_id]),
        )
        for w in CaseWorker.objects.filter(worker=worker, case__in=cases_visible_to(user))
        .select_related("case")
        .order_by("case__opened_on", "pk")
    ]
    lines += [
        StoryLine(
            r.recovered_on,
            "欠薪维权",
            f"追回工资{yuan(r.wages_fen)}、赔偿金{yuan(r.compensation_fen)}",
            reverse("rights:case_detail", args=[r.case_id]),
        )
        for r in Recovery.objects.visible_to(user)
        .filter(worker=worker)
        .order_by("recovered_on", "pk")
    ]
    return lines
