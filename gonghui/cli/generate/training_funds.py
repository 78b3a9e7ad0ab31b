"""Training-fund projects (校企合作): a county union funds an employer's workers' courses at
the city's vocational college (the plan's budget, 150,000 yuan, the 15万元 the province
reports of one county), with trainees, spending and outcomes.

Projects are set up through the services on both paths. Services path: ``add_trainee``,
``record_spending``, ``record_outcome``. Bulk path: the same rows and each project's
``spent_fen`` (which ``record_spending`` keeps).
"""

import datetime

import numpy as np

from gonghui.cli.generate.bulk import Rows, day_text, loading, stamp_text
from gonghui.cli.generate.context import Generation
from gonghui.members.models import Worker
from gonghui.orgs.models import Org
from gonghui.training.funds import add_trainee, create_fund_project, record_outcome, record_spending
from gonghui.training.models import (
    Channel,
    FundKind,
    FundOutcome,
    FundProject,
    FundSpending,
    FundTrainee,
    OutcomeKind,
)

SPENDING = ((30, "学费", 0.4), (120, "教材资料费", 0.1), (200, "职业技能等级认定考试费", 0.15))
TRAINEES = (20, 41)


def generate(g: Generation) -> None:
    projects = _set_up(g)
    rng = g.rng("training.funds")
    plans = [_plan(g, rng, project, county) for project, county in projects]
    total = sum(len(p["trainees"]) for p in plans)
    with g.phase("培训资助", total) as phase:
        if g.bulk:
            _bulk(g, plans, phase)
        else:
            _services(g, plans, phase)


def _set_up(g: Generation) -> list[tuple[FundProject, int]]:
    tree = g.tree
    count = min(g.plan.fund_projects, len(tree.county_codes))
    counties = np.linspace(0, len(tree.county_codes) - 1, count).round().astype(int).tolist()
    orgs = Org.objects.in_bulk([int(tree.county_ids[c]) for c in counties])
    cities = dict(Org.objects.filter(pk__in=tree.city_ids).values_list("pk", "name"))
    starts = g.first_day.replace(month=3)
    starts = starts if starts <= g.last_day else g.first_day
    out = []
    for county in counties:
        employer = int(np.flatnonzero(tree.union_county == county)[0])
        city = cities[tree.city_ids[tree.county_city[county]]].removesuffix("总工会")
        project = create_fund_project(
            by=g.by,
            org=orgs[int(tree.county_ids[county])],
            name=f"{tree.county_names[county]}校企合作职业技能提升项目",
            kind=FundKind.SKILL,
            employer_name=tree.employer_names[employer],
            uscc=tree.employer_usccs[employer],
            provider=f"{city}职业技术学院",
            starts_on=starts,
            ends_on=g.first_day.replace(month=12, day=31),
            budget_fen=g.plan.fund_budget_fen,
        )
        out.append((project, county))
    return out


def _plan(g: Generation, rng, project: FundProject, county: int) -> dict:
    """Trainees (position, joined on, outcomes) and spending entries of one project."""
    work, tree = g.workforce, g.tree
    unions = np.flatnonzero(tree.union_county == county)
    lo, hi = np.searchsorted(work.union, [unions[0], unions[-1] + 1])
    size = min(int(rng.integers(*TRAINEES)), hi - lo)
    latest = (g.last_day - project.starts_on).days
    trainees = []
    for position in np.sort(lo + rng.choice(hi - lo, size, replace=False)).tolist():
        joined = project.starts_on + datetime.timedelta(days=int(rng.integers(min(30, latest) + 1)))
        left = (g.last_day - joined).days
        outcomes = []
        luck = rng.random()
        if luck < 0.1 and left >= 30:
            outcomes.append((OutcomeKind.DROPPED, joined + datetime.timedelta(days=30), "个人原因"))
        elif luck < 0.85 and left >= 180:
            done = joined + datetime.timedelta(days=180)
            outcomes.append((OutcomeKind.COMPLETED, done, ""))
            if rng.random() < 0.4 and left >= 190:
                number = f"ZS{g.year}{position % 10**8:08d}"
                outcomes.append((OutcomeKind.CERTIFIED, done + datetime.timedelta(days=10), number))
        trainees.append((position, joined, outcomes))
    spending = [
        (
            project.starts_on + datetime.timedelta(days=days),
            int(project.budget_fen * share),
            purpose,
        )
        for days, purpose, share in SPENDING
        if days <= latest
    ]
    return {"project": project, "trainees": trainees, "spending": spending}


def _services(g: Generation, plans: list[dict], phase) -> None:
    first = g.workforce.first_id
    for plan in plans:
        project = plan["project"]
        workers = Worker.objects.in_bulk([p + first for p, _, _ in plan["trainees"]])
        added = [
            add_trainee(
                by=g.by,
                project=project,
                worker=workers[p + first],
                joined_on=joined,
                channel=Channel.CONSOLE,
            ).trainee
            for p, joined, _ in plan["trainees"]
        ]
        for on, amount, purpose in plan["spending"]:
            record_spending(
                by=g.by, project=project, spent_on=on, amount_fen=amount, purpose=purpose
            )
        for trainee, (_, _, outcomes) in zip(added, plan["trainees"], strict=True):
            for kind, on, note in outcomes:
                record_outcome(by=g.by, trainee=trainee, kind=kind, on=on, note=note)
        phase.wrote("资助学员", len(added))


def _bulk(g: Generation, plans: list[dict], phase) -> None:
    first = g.workforce.first_id
    now = stamp_text(g.now)
    trainees = Rows(
        FundTrainee, ["project_id", "worker_id", "org_path", "joined_on", "channel", "added_at"]
    )
    spendings = Rows(
        FundSpending,
        [
            "project_id",
            "org_path",
            "spent_on",
            "amount_fen",
            "purpose",
            "recorded_by_id",
            "recorded_at",
        ],
    )
    outcomes = Rows(FundOutcome, ["trainee_id", "org_path", "kind", "on", "note"])
    with loading(FundTrainee, FundSpending, FundOutcome):
        for plan in plans:
            project = plan["project"]
            path = project.org_path
            ids = [
                trainees.add(project.pk, p + first, path, day_text(joined), Channel.CONSOLE, now)
                for p, joined, _ in plan["trainees"]
            ]
            for on, amount, purpose in plan["spending"]:
                spendings.add(project.pk, path, day_text(on), amount, purpose, g.by.pk, now)
            FundProject.objects.filter(pk=project.pk).update(
                spent_fen=sum(amount for _, amount, _ in plan["spending"])
            )
            for trainee, (_, _, done) in zip(ids, plan["trainees"], strict=True):
                for kind, on, note in done:
                    outcomes.add(trainee, path, kind, day_text(on), note)
            phase.wrote("资助学员", len(ids))
        for rows in (trainees, spendings, outcomes):
            rows.flush()
