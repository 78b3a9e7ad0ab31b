"""``gonghui bench report`` times the card and holds every figure against DuckDB; a rollup
that drifted from its records is caught."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from gonghui.programs.models import ProgramOrgYear
from gonghui.reports.card import indicators
from gonghui.reports.tests.conftest import (
    case,
    case_with_workers,
    claim,
    enrolment,
    paid,
    plan,
    recovered,
    reviewer,
    served,
    world,
)

__all__ = [
    "case",
    "case_with_workers",
    "claim",
    "enrolment",
    "paid",
    "plan",
    "recovered",
    "reviewer",
    "served",
    "world",
]
pytestmark = pytest.mark.django_db


def bench(*args: str) -> str:
    out = StringIO()
    call_command("bench", "report", "--year", "2026", "--repeat", "2", *args, stdout=out)
    return out.getvalue()


def test_every_figure_equals_duckdb_at_three_levels(world, province_admin):
    out = bench()
    assert f"3 级 × {len(indicators())} 项指标，成绩单与 DuckDB 全部相等" in out
    for name in ("河南省总工会", "驻马店市总工会", "驿城区总工会"):
        assert name in out
    assert "导出 programs_servicerecord: 8 行" in out


def test_a_drifted_rollup_is_caught(world, province_admin):
    # A lost increment in the per-org rollup the province's breakfast person-times read.
    ProgramOrgYear.objects.filter(org_path__startswith="410000/411700/").update(
        person_times=F("person_times") - 1
    )
    with pytest.raises(CommandError, match="不一致"):
        bench("--orgs", "410000,410300")


def test_an_unknown_org_is_refused_in_one_line(world, province_admin):
    with pytest.raises(CommandError, match="没有这些组织：999999"):
        bench("--orgs", "410000,999999")
