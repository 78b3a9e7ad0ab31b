"""Bulk enrolment rosters from Excel/CSV (姓名, 身份证号, 缴费日期): every row checked against
the registry and the plan, then the whole roster goes to the next union up for review, or
nothing does. Row numbers are the spreadsheet's (header = row 1)."""

from pathlib import Path

from django.http import Http404

from gonghui.audit.imports import Progress, run_import
from gonghui.core.dates import parse_date
from gonghui.core.importing import ImportReport, parse_worker_rows
from gonghui.core.tabular import Cell
from gonghui.members.selectors import workers_visible_by_id_numbers
from gonghui.mutualaid.models import Plan
from gonghui.mutualaid.selectors import plan_for
from gonghui.mutualaid.services import check_enrolment, submit_roster

ROSTER_COLUMNS = ("姓名", "身份证号", "缴费日期")
ROSTER_EXAMPLE = ("张三", "18位身份证号（文本格式）", "2026-03-01")
# Attribute a refusal names → its column in the sheet.
ROSTER_COLUMN_OF = {"worker": "身份证号", "paid_on": "缴费日期"}


def import_enrolments(
    path: Path,
    *,
    by,
    plan: Plan | int | str,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Check a roster for ``plan`` and submit it for review (``report.run_id`` is the
        roster's number); a dry run submits it and rolls back, so it also finds what only
    submitting can refuse."""
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    if not isinstance(plan, Plan):
        try:
            plan = plan_for(by, int(plan))
        except (Http404, ValueError):
            report.file_error = f"互助保障计划“{plan}”不存在或不在您的范围内"
            return report

    def parse(number: int, cells: list[Cell], worker) -> tuple:
        paid_on = parse_date(cells[2], field="paid_on", label="缴费日期")
        check_enrolment(plan, worker, paid_on)
        return (number, worker, paid_on)

    def write(rows: list[tuple]) -> None:
        roster = submit_roster(by=by, plan=plan, filename=report.filename, rows=rows)
        report.created, report.run_id = len(rows), roster.pk

    return run_import(
        report,
        by=by,
        kind="aid-enrolments",
        keep_run=False,  # the roster is the run: submit_roster keeps and audits it
        client_ip=client_ip,
        check=lambda: parse_worker_rows(
            path,
            ROSTER_COLUMNS,
            report,
            parse=parse,
            column_of=ROSTER_COLUMN_OF,
            once_each=True,
            find=lambda numbers: workers_visible_by_id_numbers(by, numbers),
        ),
        write=write,
        progress=progress,
    )
