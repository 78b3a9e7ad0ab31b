import datetime
import random

import pytest

from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Org
from gonghui.rights.rollups import ROLLUPS
from gonghui.rights.services import WorkerOwed, add_workers, open_case

USCC = make_uscc(random.Random(3))
CONTRACTOR = make_uscc(random.Random(4))


@pytest.fixture(autouse=True)
def rollups_agree_after_every_scenario(request):
    """Design rule: after any scenario, the rollups equal a recount of the raw recoveries."""
    yield
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        assert ROLLUPS.differences() == []


@pytest.fixture
def recorder(staff):
    """A second 驿城区 officer: four eyes keep whoever took a case in from recording its money."""
    return staff("yicheng_recorder", "411702")


@pytest.fixture
def case(yicheng_officer):
    """A hotline case at 驿城区 against a construction firm."""

    def make(**fields):
        values = dict(
            by=yicheng_officer,
            org=Org.objects.get(code="411702"),
            channel="hotline",
            employer_name="驻马店某建筑劳务有限公司",
            employer_uscc=USCC,
            project="驿城区安置房二期",
            contractor_name="某建工集团",
            contractor_uscc=CONTRACTOR,
            opened_on=datetime.date(2026, 1, 5),
        )
        values.update(fields)
        return open_case(**values)

    return make


@pytest.fixture
def case_with_workers(case, make_worker, yicheng_officer):
    """A case with 张东青 (owed 12,000 元) and 李四 (owed 8,000 元)."""
    made = case()
    zhang, li = make_worker("张东青"), make_worker("李四")
    lines = add_workers(
        by=yicheng_officer,
        case=made,
        rows=[WorkerOwed(zhang.pk, 1_200_000), WorkerOwed(li.pk, 800_000)],
    )
    return made, lines
