"""Wage-arrears cases: migrant workers owed wages, instalments recovered, the case closed.

Each case is taken in by the county union of its first worker, against an employer of
that county, and moves 受理 → 调查 → 调解, recovers in one or two rounds, then is closed
(most), referred to arbitration, or still being mediated; a few more cases are still under
investigation with nothing recovered. The recovered amounts add up to the plan's total to
the fen. Services path: ``open_case``, ``add_workers``, ``move_case``,
``record_recoveries``. Bulk path: the cases (final state), their workers, recoveries and
timeline rows (``CASE_FLOW``'s labels and snapshots; the outcome as ``outcome_of`` decides).
"""

import datetime
from dataclasses import dataclass, field

import numpy as np

from gonghui.cli.generate.bulk import Rows, day_text, loading, stamp_text
from gonghui.cli.generate.context import Generation
from gonghui.cli.generate.timeline import Timeline
from gonghui.core.models import WorkflowStep
from gonghui.members.categories import BY_NAME
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.rights.models import (
    CaseState,
    CaseWorker,
    Channel,
    Outcome,
    Recovery,
    Referral,
    WageCase,
)
from gonghui.rights.services import (
    CASE_FLOW,
    Instalment,
    WorkerOwed,
    add_workers,
    move_case,
    open_case,
    record_recoveries,
)

MIGRANT = BY_NAME["农民工"].bit
UNRECOVERED = 0.05  # workers on cases still under investigation, beyond the plan's persons
CLOSE_REASON = "欠薪已追回，调解结案"
S = CaseState


@dataclass
class CaseSpec:
    county: int
    employer: int  # index into the tree's employers
    channel: str
    opened_on: datetime.date
    project: str
    contractor: tuple[str, str]  # (name, credit code) or ("", "")
    workers: list[int]  # positions
    owed: list[int]
    rounds: list[list[tuple[int, int, int, datetime.date]]]  # (worker on case, wages, comp, day)
    end: str  # "close", "refer", "mediate" or "investigate"
    ids: dict = field(default_factory=dict)


def _amounts(rng, persons: int, total: int) -> np.ndarray:
    """Each person's recovery in fen, adding up to ``total`` exactly."""
    mean = total / persons
    each = np.rint(mean * rng.uniform(0.4, 1.6, persons)).astype(np.int64)
    gap = total - int(each.sum())
    each += gap // persons
    each[: gap % persons] += 1
    return each


def plan_cases(g: Generation) -> list[CaseSpec]:
    plan, work, tree = g.plan, g.workforce, g.tree
    rng = g.rng("rights")
    rnd = g.random("rights")
    pool = np.flatnonzero(work.categories & MIGRANT)
    extra = int(plan.rights_persons * UNRECOVERED)
    chosen = rng.choice(pool, plan.rights_persons + extra, replace=False)
    helped, waiting = np.sort(chosen[: plan.rights_persons]), np.sort(chosen[plan.rights_persons :])
    recovered = _amounts(rng, len(helped), plan.recovered_fen)
    latest = g.day_count - 61
    if latest < 0:
        raise ValueError(f"{g.year}年至今不足两个月，无法生成欠薪案件的追回")
    cases = []
    for group, amounts in ((helped, recovered), (waiting, None)):
        start = 0
        while start < len(group):
            size = int(rng.integers(3, 2 * plan.rights_workers_per_case - 2))
            members = group[start : start + size]
            county = int(tree.union_county[work.union[members[0]]])
            unions = np.flatnonzero(tree.union_county == county)
            opened = int(rng.integers(latest + 1))
            spec = CaseSpec(
                county=county,
                employer=int(unions[rng.integers(len(unions))]),
                channel=str(rng.choice(Channel.values)),
                opened_on=g.day(opened),
                project="",
                contractor=("", ""),
                workers=members.tolist(),
                owed=[],
                rounds=[[], []],
                end="investigate",
            )
            if rng.random() < 0.4:
                spec.project = f"{tree.county_names[county]}安居小区{rng.integers(1, 9)}期工程"
                spec.contractor = (
                    f"河南{rnd.choice('建宏恒华中豫')}建设集团有限公司",
                    make_uscc(rnd, tree.county_codes[county]),
                )
            if amounts is not None:
                _recoveries(rng, g, spec, amounts[start : start + size], opened)
            cases.append(spec)
            start += size
    return cases


def _recoveries(rng, g: Generation, spec: CaseSpec, amounts: np.ndarray, opened: int) -> None:
    """Split each worker's recovery into wages and compensation, in one or two rounds."""
    first_day = opened + int(rng.integers(10, 31))
    second_day = first_day + int(rng.integers(10, 31))
    full = rng.random() < 0.7
    for k, amount in enumerate(amounts.tolist()):
        compensation = int(amount * rng.uniform(0.05, 0.2)) if rng.random() < 0.2 else 0
        wages = amount - compensation
        spec.owed.append(wages if full else int(wages / rng.uniform(0.5, 0.95)))
        if wages > 1 and rng.random() < 0.3:
            part = int(wages * rng.uniform(0.3, 0.7)) or 1
            spec.rounds[0].append((k, part, 0, g.day(first_day)))
            spec.rounds[1].append((k, wages - part, compensation, g.day(second_day)))
        else:
            spec.rounds[0].append((k, wages, compensation, g.day(first_day)))
    spec.end = str(rng.choice(["close"] * 17 + ["refer", "mediate", "mediate"]))


def _waiting_owed(rng, spec: CaseSpec) -> None:
    spec.owed = [int(rng.integers(3_000_00, 30_000_00)) for _ in spec.workers]


def generate(g: Generation) -> None:
    cases = plan_cases(g)
    rng = g.rng("rights.owed")
    for spec in cases:
        if not spec.owed:
            _waiting_owed(rng, spec)
    total = sum(len(c.workers) for c in cases)
    with g.phase("欠薪维权", total) as phase:
        if g.bulk:
            _bulk(g, cases, phase)
        else:
            _services(g, cases, phase)


def _employer(g: Generation, spec: CaseSpec) -> tuple[str, str]:
    return g.tree.employer_names[spec.employer], g.tree.employer_usccs[spec.employer]


def _summary(spec: CaseSpec) -> str:
    return f"{len(spec.workers)}名农民工反映被拖欠工资"


def _external_body(g: Generation, spec: CaseSpec) -> str:
    return f"{g.tree.county_names[spec.county]}劳动人事争议仲裁委员会"


def _services(g: Generation, cases: list[CaseSpec], phase) -> None:
    counties = Org.objects.in_bulk(g.tree.county_ids.tolist())
    first = g.workforce.first_id
    for spec in cases:
        name, uscc = _employer(g, spec)
        case = open_case(
            by=g.by,
            org=counties[int(g.tree.county_ids[spec.county])],
            channel=spec.channel,
            employer_name=name,
            employer_uscc=uscc,
            opened_on=spec.opened_on,
            project=spec.project,
            contractor_name=spec.contractor[0],
            contractor_uscc=spec.contractor[1],
            summary=_summary(spec),
        )
        on_case = add_workers(
            by=g.by,
            case=case,
            rows=[
                WorkerOwed(w + first, fen) for w, fen in zip(spec.workers, spec.owed, strict=True)
            ],
        )
        move_case(by=g.by, case=case, action="investigate")
        if spec.end != "investigate":
            move_case(by=g.by, case=case, action="mediate")
            for items in spec.rounds:
                if items:
                    record_recoveries(
                        by=g.reviewer,
                        case=case,
                        items=[Instalment(on_case[k].pk, w, c, day) for k, w, c, day in items],
                    )
        if spec.end == "close":
            move_case(by=g.by, case=case, action="close", reason=CLOSE_REASON)
        elif spec.end == "refer":
            move_case(
                by=g.by,
                case=case,
                action="refer",
                referral=Referral.ARBITRATION,
                external_body=_external_body(g, spec),
            )
        phase.wrote("涉案职工", len(spec.workers))


def _outcome(spec: CaseSpec) -> str:
    """``rights.services.outcome_of``, from the planned recoveries."""
    got = [0] * len(spec.workers)
    for items in spec.rounds:
        for k, wages, _, _ in items:
            got[k] += wages
    if all(g >= owed for g, owed in zip(got, spec.owed, strict=True)):
        return Outcome.FULL
    return Outcome.PART if any(spec.rounds) else Outcome.NONE


def _bulk(g: Generation, cases: list[CaseSpec], phase) -> None:
    tree, first = g.tree, g.workforce.first_id
    now = stamp_text(g.now)
    case_rows = Rows(
        WageCase,
        [
            "org_id",
            "org_path",
            "intake_org_id",
            "channel",
            "employer_name",
            "employer_uscc",
            "project",
            "contractor_name",
            "contractor_uscc",
            "summary",
            "state",
            "state_changed_at",
            "last_progress_at",
            "referral",
            "external_body",
            "outcome",
            "opened_on",
            "opened_by_id",
        ],
    )
    workers = Rows(CaseWorker, ["case_id", "worker_id", "owed_fen"])
    recoveries = Rows(
        Recovery,
        [
            "case_worker_id",
            "case_id",
            "worker_id",
            "org_id",
            "org_path",
            "wages_fen",
            "compensation_fen",
            "recovered_on",
            "recorded_by_id",
            "recorded_at",
        ],
    )
    timeline = Timeline(CASE_FLOW, by_id=g.by.pk, at=now, by_action={"recover": g.reviewer.pk})
    with loading(WageCase, CaseWorker, Recovery, WorkflowStep):
        for spec in cases:
            org_id = int(tree.county_ids[spec.county])
            path = tree.county_paths[spec.county]
            name, uscc = _employer(g, spec)
            case = WageCase(
                pk=case_rows.next_id,
                org_id=org_id,
                org_path=path,
                employer_name=name,
                project=spec.project,
                state=S.ACCEPTED,
            )
            timeline.note(case, "create", "创建")
            on_case = [
                workers.add(case.pk, w + first, fen)
                for w, fen in zip(spec.workers, spec.owed, strict=True)
            ]
            timeline.note(case, "add_workers", f"登记职工{len(on_case)}人")
            timeline.move(case, "investigate")
            if spec.end != "investigate":
                timeline.move(case, "mediate")
                for items in spec.rounds:
                    if not items:
                        continue
                    for k, wages, compensation, day in items:
                        recoveries.add(
                            on_case[k],
                            case.pk,
                            spec.workers[k] + first,
                            org_id,
                            path,
                            wages,
                            compensation,
                            day_text(day),
                            g.reviewer.pk,
                            now,
                        )
                    timeline.note(case, "recover", f"登记追回{len(items)}笔")
            if spec.end == "close":
                case.outcome = _outcome(spec)
                timeline.move(case, "close", CLOSE_REASON)
            elif spec.end == "refer":
                case.referral = Referral.ARBITRATION
                case.external_body = _external_body(g, spec)
                timeline.move(case, "refer")
            case_rows.add(
                org_id,
                path,
                org_id,
                spec.channel,
                name,
                uscc,
                spec.project,
                spec.contractor[0],
                spec.contractor[1],
                _summary(spec),
                case.state,
                now,
                now,
                case.referral,
                case.external_body,
                case.outcome,
                day_text(spec.opened_on),
                g.by.pk,
            )
            phase.wrote("涉案职工", len(spec.workers))
        for rows in (case_rows, workers, recoveries, timeline):
            rows.flush()
