"""Bulk enrolment: a grassroots agent's roster, checked row by row, reviewed by the union above."""

import pytest
from django.core.management import call_command

from gonghui.core.errors import PermissionDenied
from gonghui.core.tabular import write_csv
from gonghui.mutualaid.importers import ROSTER_COLUMNS, import_enrolments
from gonghui.mutualaid.models import Enrolment, EnrolmentRoster, RosterRow
from gonghui.mutualaid.selectors import aid_figures
from gonghui.mutualaid.services import ClaimRefused, review_roster

pytestmark = pytest.mark.django_db


def test_a_roster_with_a_bad_row_is_not_submitted(plan, agent_and_workers, tmp_path):
    agent, _, numbers = agent_and_workers
    path = write_csv(
        tmp_path / "名册.csv",
        ROSTER_COLUMNS,
        [
            ["张东青", numbers[0], "2026-01-10"],
            ["李四", numbers[1], "2026-05-01"],
            ["王六", numbers[2], "2026-01-10"],
            ["张东青", numbers[0], "2026-01-11"],
        ],
        encoding="gbk",
    )
    report = import_enrolments(path, by=agent, plan=plan)
    problems = [str(p) for p in report.errors]
    assert problems == [
        "第3行【缴费日期】参保时间为2025-11-01至2026-03-31，2026-05-01不在其中",
        "第4行【姓名】姓名与职工名册不一致",
        "第5行【身份证号】与第2行是同一职工",
    ]
    assert EnrolmentRoster.objects.count() == 0 and Enrolment.objects.count() == 0


def test_the_union_above_accepts_rows_and_returns_one_with_a_reason(
    plan, agent_and_workers, yicheng_officer, luoyang_officer, tmp_path
):
    agent, workers, numbers = agent_and_workers
    path = write_csv(
        tmp_path / "名册.csv",
        ROSTER_COLUMNS,
        [[w.name, n, "2026-01-10"] for w, n in zip(workers, numbers, strict=True)],
    )
    call_command("import", "aid-enrolments", str(plan.pk), str(path), "--user", "agent")
    roster = EnrolmentRoster.objects.get()
    assert roster.rows.count() == 3 and Enrolment.objects.count() == 0
    with pytest.raises(PermissionDenied):
        review_roster(by=agent, roster=roster, returned={})  # not its own roster
    with pytest.raises(PermissionDenied):
        review_roster(by=luoyang_officer, roster=roster, returned={})
    enrolled = review_roster(by=yicheng_officer, roster=roster, returned={3: "缴费凭证不清"})
    assert len(enrolled) == 2
    row = RosterRow.objects.get(row_number=3)
    assert (row.decision, row.reason, row.enrolment) == ("returned", "缴费凭证不清", None)
    with pytest.raises(ClaimRefused) as twice:
        review_roster(by=yicheng_officer, roster=roster, returned={})
    assert twice.value.code == "already_reviewed"
    assert aid_figures(yicheng_officer, year=2026).enrolments == 2


def test_rosters_through_the_api_and_not_for_a_sibling(
    call, plan, agent_and_workers, yicheng_officer, luoyang_officer, tmp_path
):
    agent, workers, numbers = agent_and_workers
    path = write_csv(
        tmp_path / "名册.csv", ROSTER_COLUMNS, [[workers[0].name, numbers[0], "2026-01-10"]]
    )
    roster_id = import_enrolments(path, by=agent, plan=plan).run_id
    assert call(luoyang_officer, "get", "/api/mutualaid/rosters").json() == []
    assert (
        call(luoyang_officer, "post", f"/api/mutualaid/rosters/{roster_id}/review", {}).status_code
        == 404
    )
    assert call(agent, "post", f"/api/mutualaid/rosters/{roster_id}/review", {}).status_code == 403
    pending = call(yicheng_officer, "get", "/api/mutualaid/rosters").json()
    assert [(r["id"], r["state"], r["rows"][0]["masked_name"]) for r in pending] == [
        (roster_id, "submitted", "张*青")
    ]
    reviewed = call(
        yicheng_officer, "post", f"/api/mutualaid/rosters/{roster_id}/review", {}
    ).json()
    assert reviewed["state"] == "reviewed" and reviewed["rows"][0]["decision"] == "accepted"
