"""One generation run: the phases in order, then (bulk path) every app's rollups rebuilt.

What the bulk path must reproduce of what the services keep beside the raw records:

- every app's rollup tables, budget slots included: ``ROLLUPS.rebuild()`` of each app,
  from the raw rows, after the last phase;
- counters on rows the services update: a night-school class's ``enrolled_count`` and
  ``last_queue_no``, a fund project's ``spent_fen``;
- the workflow timeline (``WorkflowStep``) of every claim and wage case, which the case
  pages show;
- the stations' change stamp, so running servers rebuild their nearest-station index.

Not reproduced: the audit log's per-record events. They record who did what through the
console, API or an import; generated data is done by nobody, and the run is audited once
(``generate`` event with its scale, seed, year and path) on both paths.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import create_staff
from gonghui.audit.services import record_event
from gonghui.cli.generate import (
    culture,
    members,
    mutualaid,
    orgs,
    programs,
    rights,
    stations,
    training,
    training_funds,
)
from gonghui.cli.generate.context import Generation
from gonghui.cli.generate.plan import Plan
from gonghui.cli.management.commands.rollup import APPS
from gonghui.orgs.models import Org

# The second and third pair of eyes the money steps need (``settings.FOUR_EYES``).
REVIEWER, PAYER = "generate-reviewer", "generate-payer"
PHASES = (orgs, members, stations, programs, mutualaid, rights, culture, training, training_funds)
GENERATOR = "generate"


def acting_account() -> User:
    """The province admin the run acts as: the first one, or a new ``generate`` account
    with a random password (nobody logs in with it)."""
    admin = (
        User.objects.select_related("org")
        .filter(is_active=True, role=Role.PROVINCE_ADMIN, org__code="410000")
        .order_by("id")
        .first()
    )
    return admin if admin is not None else province_account(GENERATOR)


def province_account(username: str) -> User:
    """The province admin ``username``, made with an unusable password (nobody logs in with
    it) when it does not exist yet."""
    if not User.objects.filter(username=username).exists():
        create_staff(
            by=None,
            username=username,
            password=None,
            org=Org.objects.get(code="410000"),
            role=Role.PROVINCE_ADMIN,
        )
    return User.objects.select_related("org").get(username=username)


def generate(*, plan: Plan, seed: int, year: int, bulk: bool, out) -> Generation:
    g = Generation(
        plan=plan,
        seed=seed,
        year=year,
        bulk=bulk,
        by=acting_account(),
        reviewer=province_account(REVIEWER),
        payer=province_account(PAYER),
        today=timezone.localdate(),
        now=timezone.now(),
        out=out,
    )
    for phase in PHASES:
        phase.generate(g)
    if bulk:
        with g.phase("汇总表", len(APPS)) as phase:
            for name, rollups in APPS.items():
                rollups.rebuild()
                phase.wrote(name, 1)
    with transaction.atomic():
        record_event(
            actor=g.by,
            action="generate",
            object_type="dataset",
            object_id=f"{plan.name}-{seed}",
            org_path="410000/",
            after={
                "scale": plan.name,
                "seed": seed,
                "year": year,
                "path": "bulk" if bulk else "services",
                "generated_at": datetime.datetime.now(datetime.UTC).isoformat(),
            },
        )
    return g
