"""The home page in a real browser (issue 19): every to-do has something waiting for the
province admin, and each count's link opens a list of exactly that many rows."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import log_in
from gonghui.console.tests.test_home import PAGE_SIZE, ROW, generated  # noqa: F401 (fixture)
from gonghui.core.audited import service_writes
from gonghui.core.models import ImportRun
from gonghui.members.models import Worker
from gonghui.mutualaid.models import Enrolment, Plan
from gonghui.mutualaid.services import submit_roster
from gonghui.rights.models import CaseState, WageCase
from gonghui.stations.importers import COLUMNS, import_stations

# Playwright's sync API runs an event loop in this thread; the fixtures' ORM calls are
# ordinary blocking calls made before the browser starts.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def everything_waits(generated, staff, province_admin, tmp_path: Path, settings):  # noqa: F811
    """On top of the generated province (claims and cases at the admin's step, a class to
    draw, a budget spent, stations unvisited): a wage case without progress for longer than
    the setting, a roster a county union submitted, and a station list the admin's import
    refused."""
    stale = timezone.now() - datetime.timedelta(days=settings.RIGHTS_OVERDUE_DAYS + 1)
    case = WageCase.objects.exclude(state=CaseState.CLOSED).first()
    with service_writes():
        WageCase.objects.filter(pk=case.pk).update(last_progress_at=stale)
    county = staff("yicheng", "411702")
    plans = Plan.objects.order_by("-enrol_closes")
    plan = next(p for p in plans if county.scope_path.startswith(p.org_path))
    enrolled = Enrolment.objects.filter(plan=plan).values("worker_id")
    worker = Worker.objects.filter(org_path__startswith=county.scope_path).exclude(pk__in=enrolled)[
        0
    ]
    submit_roster(by=county, plan=plan, filename="名册.xlsx", rows=[(2, worker, plan.enrol_opens)])
    bad = tmp_path / "驿站.csv"
    bad.write_text(",".join(COLUMNS) + "\n没有组织的驿站,9999,,东经,,,,,,,\n", "utf-8-sig")
    assert not import_stations(bad, by=province_admin, filename="驿站.csv").ok
    assert ImportRun.objects.filter(refused=True).count() == 1


def test_each_count_on_the_home_page_opens_a_list_of_that_many_rows(
    live_server, everything_waits, console_page
):
    page = console_page
    page.goto(f"{live_server.url}/")
    log_in(page, "province")
    page.wait_for_selector("#todos")
    page.step("home")
    counts = {key: int(page.locator(f'[data-todo="{key}"] strong').inner_text()) for key in ROW}
    assert all(counts.values()), counts
    for key, row in ROW.items():
        page.click(f'[data-todo="{key}"] a')
        page.wait_for_load_state()
        assert page.locator(f"tr[{row}]").count() == min(counts[key], PAGE_SIZE), key
        page.step(f"list-{key}")
        page.goto(f"{live_server.url}/")
        page.wait_for_selector("#todos")
