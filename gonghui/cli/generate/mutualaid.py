"""Mutual aid: one plan per city for the year, its enrolments, claims and payouts.

Each enrolled worker joins their city's plan in the enrolment window. Claims follow the
workflow draft → submitted → checked → approved → paid (or rejected, returned, or still
waiting), each step with its timeline row. A few payees claim twice in the year, and the
annual cap may cut their second claim, as ``payable`` computes it. The amounts claimed
once are then moved within their benefit so that the year pays the plan's total to the
fen (1.3亿元 is printed from 129.5M–130.5M yuan only).

Plans go through the services on both paths. Services path: ``enrol_worker``,
``file_claim``, ``move_claim``, ``approve_claim``, ``pay_claim``. Bulk path: the same
enrolments, claims (final state), timeline rows (``CLAIM_FLOW``'s labels and snapshots)
and payouts; the rule text is ``payable``'s wording. Four eyes, on both paths: the
acting account files and checks, ``g.reviewer`` decides and ``g.payer`` pays.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np

from gonghui.cli.generate.bulk import Rows, day_text, loading, stamp_text
from gonghui.cli.generate.context import Generation
from gonghui.cli.generate.timeline import Timeline
from gonghui.core.crypto import encrypt
from gonghui.core.models import WorkflowStep
from gonghui.core.money import fen_to_yuan, yuan
from gonghui.members.models import Worker
from gonghui.mutualaid.models import Benefit, Claim, ClaimState, Enrolment, Payout, Plan
from gonghui.mutualaid.services import (
    CLAIM_FLOW,
    DIAGNOSIS_PURPOSE,
    approve_claim,
    create_plan,
    enrol_worker,
    file_claim,
    move_claim,
    pay_claim,
)
from gonghui.orgs.models import Org

BENEFITS = {
    "恶性肿瘤": 3_500_00,
    "急性心肌梗塞": 3_000_00,
    "脑中风后遗症": 3_000_00,
    "重大器官移植术": 3_500_00,
    "终末期肾病": 2_500_00,
    "严重烧伤": 2_000_00,
}
ANNUAL_CAP = 6_000_00
LEAST_CLAIM = 100_00  # what a moved claim keeps at least
WAITING_DAYS = 90
CONTRIBUTION = 30_00
# The reviewer's steps (whoever filed and checked a claim does not decide it).
REVIEWER_STEPS = ("approve", "return", "reject")
ENROL_UNTIL = (3, 31)
S = ClaimState
# Claims not paid: the steps after filing (ending rejected, returned, checked, submitted)
# and the reason the last one needs.
UNPAID = (
    (("submit", "check", "reject"), "确诊疾病不在互助保障范围内"),
    (("submit", "check", "return"), "请补充出院小结和病理报告"),
    (("submit", "check"), ""),
    (("submit",), ""),
)
PAID_STEPS = ("submit", "check", "approve", "pay")


@dataclass(frozen=True)
class ClaimSpec:
    enrolment: int  # position among the enrolments
    category: str
    diagnosed_on: datetime.date
    claimed_fen: int
    steps: tuple[str, ...]
    reason: str
    paid_on: datetime.date | None


def _set_up(g: Generation) -> list[Plan]:
    cities = Org.objects.in_bulk(g.tree.city_ids)
    year_end = g.first_day.replace(month=12, day=31)
    closes = min(g.first_day.replace(month=ENROL_UNTIL[0], day=ENROL_UNTIL[1]), g.last_day)
    return [
        create_plan(
            by=g.by,
            org=cities[pk],
            year=g.year,
            name=f"{cities[pk].name.removesuffix('总工会')}{g.year}年度职工重大疾病互助保障",
            contribution_fen=CONTRIBUTION,
            enrol_opens=g.first_day,
            enrol_closes=closes,
            cover_starts=g.first_day,
            cover_ends=year_end,
            annual_cap_fen=ANNUAL_CAP,
            waiting_days=WAITING_DAYS,
            benefits=BENEFITS,
        )
        for pk in g.tree.city_ids
    ]


def _claims(g: Generation, rng, paid_on: np.ndarray) -> list[ClaimSpec]:
    """Paid claims (some payees twice), then the unpaid ones, on distinct enrolments."""
    plan = g.plan
    last = g.last_day - datetime.timedelta(days=30)
    people = plan.aid_payees + plan.aid_unpaid_claims
    chosen = rng.choice(len(paid_on), people, replace=False)
    categories = list(BENEFITS)
    specs = []
    for n, enrolment in enumerate(chosen.tolist()):
        waiting_ends = g.day(paid_on[enrolment]) + datetime.timedelta(days=WAITING_DAYS)
        if waiting_ends > last:
            raise ValueError(f"{g.year}年至今还过不了互助保障的等待期，无法生成互助金申请")
        # A second claim of the year is for another illness (one claim per episode).
        twice = n < plan.aid_repeat_payees
        kinds = rng.choice(len(categories), 2 if twice else 1, replace=False).tolist()
        for kind in kinds:
            diagnosed = waiting_ends + datetime.timedelta(
                days=int(rng.integers((last - waiting_ends).days + 1))
            )
            category = categories[kind]
            claimed = int(round(BENEFITS[category] * rng.uniform(0.6, 1.4), -2))
            if n < plan.aid_payees:
                pay = diagnosed + datetime.timedelta(days=int(rng.integers(10, 30)))
                specs.append(
                    ClaimSpec(enrolment, category, diagnosed, claimed, PAID_STEPS, "", pay)
                )
            else:
                steps, reason = UNPAID[n % len(UNPAID)]
                specs.append(
                    ClaimSpec(enrolment, category, diagnosed, claimed, steps, reason, None)
                )
    return _paying_exactly(specs, plan.aid_paid_fen)


def approved_amounts(specs: list[ClaimSpec]) -> list[int]:
    """What ``payable`` approves for each paid claim, in filing order (0 for the unpaid):
    the benefit, the amount claimed and what the year's cap leaves, the least of them."""
    used: dict[int, int] = {}
    amounts = []
    for spec in specs:
        fen = 0
        if spec.paid_on is not None:
            left = max(ANNUAL_CAP - used.get(spec.enrolment, 0), 0)
            fen = min(BENEFITS[spec.category], spec.claimed_fen, left)
            used[spec.enrolment] = used.get(spec.enrolment, 0) + fen
        amounts.append(fen)
    return amounts


def _paying_exactly(specs: list[ClaimSpec], total_fen: int) -> list[ClaimSpec]:
    """``specs`` with the amounts of the payees' only claims moved (within their benefit,
    never below ``LEAST_CLAIM``) so that the paid claims approve ``total_fen`` exactly:
    first the gap shared evenly, then what clamping left, claim by claim. Such a claim is
    approved as claimed (one claim stays under the cap), so moving it moves the total by
    as much. Amounts stay whole yuan, as drawn."""
    claims_of = Counter(s.enrolment for s in specs if s.paid_on is not None)
    once = [i for i, s in enumerate(specs) if s.paid_on is not None and claims_of[s.enrolment] == 1]
    gap = total_fen - sum(approved_amounts(specs))
    if gap % 100:
        raise ValueError("互助金总额须为整元")
    out = list(specs)
    even = int(gap / max(len(once), 1) / 100) * 100  # toward zero: never past the total
    for step in (even, None):
        for i in once:
            if not gap:
                break
            spec = out[i]
            now = min(BENEFITS[spec.category], spec.claimed_fen)
            wanted = now + (gap if step is None else step)
            moved = min(max(wanted, LEAST_CLAIM), BENEFITS[spec.category])
            if moved != now:
                out[i] = replace(spec, claimed_fen=moved)
                gap -= moved - now
    if gap:
        raise ValueError(f"互助金申请的给付标准容不下计划的总额（相差{fen_to_yuan(gap)}元）")
    return out


def plan_claims(g: Generation, workers: int) -> tuple[np.ndarray, np.ndarray, list[ClaimSpec]]:
    """The enrolled workers' positions among ``workers``, their days of payment (day index
    of the year) and the year's claims: every draw of this phase, before anything is
    written (a test draws the province's this way, without its workers)."""
    rng = g.rng("mutualaid")
    enrolled = np.sort(rng.choice(workers, g.plan.aid_enrolments, replace=False))
    closes = min(g.first_day.replace(month=ENROL_UNTIL[0], day=ENROL_UNTIL[1]), g.last_day)
    paid_on = rng.integers((closes - g.first_day).days + 1, size=len(enrolled))
    return enrolled, paid_on, _claims(g, rng, paid_on)


def generate(g: Generation) -> None:
    work = g.workforce
    enrolled, paid_on, claims = plan_claims(g, work.count)
    total = len(enrolled) + len(claims)
    with g.phase("互助保障", total) as phase:
        plans = _set_up(g)
        city = g.tree.county_city[g.tree.union_county[work.union[enrolled]]]
        if g.bulk:
            _bulk(g, plans, enrolled, city, paid_on, claims, phase)
        else:
            _services(g, plans, enrolled, city, paid_on, claims, phase)


def _services(g, plans, enrolled, city, paid_on, claims, phase) -> None:
    enrolments = []
    for start in range(0, len(enrolled), 10_000):
        chunk = enrolled[start : start + 10_000]
        workers = Worker.objects.in_bulk(g.workforce.ids(chunk).tolist())
        for i, position in enumerate(chunk.tolist(), start):
            enrolments.append(
                enrol_worker(
                    by=g.by,
                    plan=plans[city[i]],
                    worker=workers[position + g.workforce.first_id],
                    paid_on=g.day(paid_on[i]),
                )
            )
        phase.wrote("参保", len(chunk))
    for spec in claims:
        claim = file_claim(
            by=g.by,
            enrolment=enrolments[spec.enrolment],
            category=spec.category,
            diagnosed_on=spec.diagnosed_on,
            hospital=_hospital(g, city[spec.enrolment]),
            diagnosis=_diagnosis(spec),
            claimed_fen=spec.claimed_fen,
        )
        for step in spec.steps:
            if step == "approve":
                approve_claim(by=g.reviewer, claim=claim)
            elif step == "pay":
                pay_claim(by=g.payer, claim=claim, paid_on=spec.paid_on)
            else:
                required = CLAIM_FLOW.transition(step).reason_required
                decides = step in REVIEWER_STEPS
                move_claim(
                    by=g.reviewer if decides else g.by,
                    claim=claim,
                    action=step,
                    reason=spec.reason if required else "",
                )
        phase.wrote("互助金申请", 1)


def _hospital(g: Generation, city: int) -> str:
    return f"{Org.objects.get(pk=g.tree.city_ids[city]).name.removesuffix('总工会')}中心医院"


def _diagnosis(spec: ClaimSpec) -> str:
    return f"{spec.category}（{spec.diagnosed_on:%Y年%m月%d日}确诊）"


def _rule(benefit: Benefit, claimed: int, used: int) -> tuple[int, str]:
    """``mutualaid.services.payable`` for a claim whose person-year has ``used`` approved."""
    left = max(ANNUAL_CAP - used, 0)
    fen = min(benefit.amount_fen, claimed, left)
    text = (
        f"“{benefit.category}”给付标准{yuan(benefit.amount_fen)}；"
        f"申请{yuan(claimed)}；年度封顶{yuan(ANNUAL_CAP)}，"
        f"已批准{yuan(used)}，尚余{yuan(left)}；取三者最小值{yuan(fen)}"
    )
    return fen, text


def _bulk(g, plans, enrolled, city, paid_on, claims, phase) -> None:
    work, tree = g.workforce, g.tree
    now = stamp_text(g.now)
    enrolments = Rows(
        Enrolment,
        [
            "plan_id",
            "worker_id",
            "org_id",
            "org_path",
            "year",
            "contribution_fen",
            "paid_on",
            "cover_starts",
            "cover_ends",
            "created_by_id",
            "created_at",
        ],
    )
    claim_rows = Rows(
        Claim,
        [
            "enrolment_id",
            "benefit_id",
            "worker_id",
            "org_id",
            "org_path",
            "diagnosed_on",
            "hospital",
            "diagnosis_cipher",
            "claimed_fen",
            "rule_fen",
            "rule_text",
            "approved_fen",
            "state",
            "state_changed_at",
            "filed_by_id",
        ],
    )
    timeline = Timeline(
        CLAIM_FLOW,
        by_id=g.by.pk,
        at=now,
        by_action={step: g.reviewer.pk for step in REVIEWER_STEPS} | {"pay": g.payer.pk},
    )
    payouts = Rows(
        Payout,
        [
            "claim_id",
            "reference",
            "worker_id",
            "org_id",
            "org_path",
            "year",
            "amount_fen",
            "paid_on",
            "paid_by_id",
        ],
    )
    benefits = {(b.plan_id, b.category): b for b in Benefit.objects.filter(plan__in=plans)}
    union_ids, paths = tree.union_ids.tolist(), tree.union_paths
    day_texts = [day_text(g.day(d)) for d in range(g.day_count)]
    cover_ends = day_text(g.first_day.replace(month=12, day=31))
    with loading(Enrolment, Claim, WorkflowStep, Payout):
        ids = list(enrolments.take_ids(len(enrolled)))
        batch = []
        for i, position in enumerate(enrolled.tolist()):
            union = work.union[position]
            paid = day_texts[paid_on[i]]
            plan = plans[city[i]]
            batch.append(
                (
                    ids[i],
                    plan.pk,
                    position + work.first_id,
                    union_ids[union],
                    paths[union],
                    g.year,
                    CONTRIBUTION,
                    paid,
                    paid,  # cover starts when paid (the plan's cover starts on 1 January)
                    cover_ends,
                    g.by.pk,
                    now,
                )
            )
            if len(batch) == 100_000:
                enrolments.write(batch)
                phase.wrote("参保", len(batch))
                batch = []
        enrolments.write(batch)
        phase.wrote("参保", len(batch))
        approved: dict[int, int] = {}  # by enrolment: what its approved claims take
        for spec in claims:
            position = int(enrolled[spec.enrolment])
            union = work.union[position]
            plan = plans[city[spec.enrolment]]
            benefit = benefits[(plan.pk, spec.category)]
            claim = Claim(
                pk=claim_rows.next_id,
                enrolment_id=ids[spec.enrolment],
                benefit=benefit,
                worker_id=position + work.first_id,
                org_id=union_ids[union],
                org_path=paths[union],
                diagnosed_on=spec.diagnosed_on,
                hospital=_hospital(g, city[spec.enrolment]),
                claimed_fen=spec.claimed_fen,
                state=S.DRAFT,
            )
            timeline.note(claim, "create", "创建")
            for name in spec.steps:
                if name == "approve":
                    used = approved.get(claim.enrolment_id, 0)
                    fen, claim.rule_text = _rule(benefit, spec.claimed_fen, used)
                    claim.rule_fen = claim.approved_fen = fen
                    approved[claim.enrolment_id] = used + fen
                required = CLAIM_FLOW.transition(name).reason_required
                timeline.move(claim, name, spec.reason if required else "")
            claim_rows.add(
                claim.enrolment_id,
                benefit.pk,
                claim.worker_id,
                claim.org_id,
                claim.org_path,
                day_text(spec.diagnosed_on),
                claim.hospital,
                encrypt(_diagnosis(spec), purpose=DIAGNOSIS_PURPOSE),
                spec.claimed_fen,
                claim.rule_fen,
                claim.rule_text,
                claim.approved_fen,
                claim.state,
                now,
                g.by.pk,
            )
            if spec.paid_on is not None:
                payouts.add(
                    claim.pk,
                    f"HZ{g.year}{claim.pk:010d}",
                    claim.worker_id,
                    claim.org_id,
                    claim.org_path,
                    g.year,
                    claim.approved_fen,
                    day_text(spec.paid_on),
                    g.payer.pk,
                )
            phase.wrote("互助金申请", 1)
        for rows in (claim_rows, timeline, payouts):
            rows.flush()
