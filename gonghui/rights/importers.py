"""Case rosters and recoveries from Excel/CSV: every row checked, then all or nothing.

Workers are found in the registry by ID number inside the officer's subtree
(the number is never stored again, only the worker's id). Row numbers are the
spreadsheet's (header = row 1).
"""

from pathlib import Path

from django.http import Http404
from django.utils import timezone

from gonghui.audit.imports import Progress, run_import
from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError
from gonghui.core.importing import ImportReport, parse_worker_rows
from gonghui.core.money import yuan_to_fen
from gonghui.core.tabular import Cell, cell_text
from gonghui.members.selectors import workers_visible_by_id_numbers
from gonghui.rights.models import CaseWorker, WageCase
from gonghui.rights.selectors import case_for
from gonghui.rights.services import (
    Instalment,
    WorkerOwed,
    add_workers,
    check_instalment,
    record_recoveries,
)

WORKER_COLUMNS = ("姓名", "身份证号", "欠薪金额（元）")
RECOVERY_COLUMNS = ("身份证号", "追回工资（元）", "追回赔偿金（元）", "追回日期")
WORKER_EXAMPLE = ("张三", "18位身份证号（文本格式）", "12000.00")
RECOVERY_EXAMPLE = ("18位身份证号（文本格式）", "12000.00", "0", "2026-03-01")
# Attribute a refusal names → its column in each sheet.
WORKER_COLUMN_OF = {"worker": "身份证号", "owed_fen": "欠薪金额（元）"}
RECOVERY_COLUMN_OF = {
    "worker": "身份证号",
    "wages_fen": "追回工资（元）",
    "compensation_fen": "追回赔偿金（元）",
    "recovered_on": "追回日期",
}


def _finder(by):
    return lambda numbers: workers_visible_by_id_numbers(by, numbers)


def _case(by, case: WageCase | int | str, report: ImportReport) -> WageCase | None:
    """The case (or its id, as the CLI gives it) if ``by`` may see it, else a file error."""
    if isinstance(case, WageCase):
        return case
    try:
        return case_for(by, int(case))
    except (Http404, ValueError):
        report.file_error = f"案件“{case}”不存在或不在您的管辖范围内"
        return None


def import_case_workers(
    path: Path,
    *,
    by,
    case: WageCase | int | str,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Add a roster (姓名, 身份证号, 欠薪金额) to a case; any bad row and nothing is added.
    ``dry_run`` writes and rolls back, so it also finds what only the write can refuse."""
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    case = _case(by, case, report)
    if case is None:
        return report
    on_case = set(CaseWorker.objects.filter(case=case).values_list("worker_id", flat=True))

    def parse(number: int, cells: list[Cell], worker) -> WorkerOwed:
        if worker.pk in on_case:
            raise DomainError("already_on_case", "该职工已在本案件中", field="worker")
        owed = yuan_to_fen(cell_text(cells[2]), field="owed_fen", label="欠薪金额（元）")
        if owed <= 0:
            raise DomainError("bad_amount", "欠薪金额须大于0", field="owed_fen")
        return WorkerOwed(worker.pk, owed)

    def write(rows: list[WorkerOwed]) -> None:
        report.created = len(add_workers(by=by, case=case, rows=rows, client_ip=client_ip))

    return run_import(
        report,
        by=by,
        kind="case-workers",
        keep_run=False,  # add_workers audits the roster on the case
        client_ip=client_ip,
        check=lambda: parse_worker_rows(
            path,
            WORKER_COLUMNS,
            report,
            find=_finder(by),
            parse=parse,
            column_of=WORKER_COLUMN_OF,
            once_each=True,
        ),
        write=write,
        progress=progress,
    )


def import_recoveries(
    path: Path,
    *,
    by,
    case: WageCase | int | str,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Record instalments (身份证号, 追回工资, 追回赔偿金, 追回日期) for workers on a case,
    all or none, like ``import_case_workers``."""
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    case = _case(by, case, report)
    if case is None:
        return report
    case_workers = dict(CaseWorker.objects.filter(case=case).values_list("worker_id", "pk"))
    today = timezone.localdate()

    def parse(number: int, cells: list[Cell], worker) -> Instalment:
        if worker.pk not in case_workers:
            raise DomainError("not_on_case", "该职工不在本案件中", field="worker")
        item = Instalment(
            case_workers[worker.pk],
            yuan_to_fen(cell_text(cells[1]) or "0", field="wages_fen", label="追回工资（元）"),
            yuan_to_fen(
                cell_text(cells[2]) or "0", field="compensation_fen", label="追回赔偿金（元）"
            ),
            parse_date(cells[3], field="recovered_on", label="追回日期"),
        )
        check_instalment(item, today)
        return item

    def write(rows: list[Instalment]) -> None:
        report.created = record_recoveries(by=by, case=case, items=rows, client_ip=client_ip)

    return run_import(
        report,
        by=by,
        kind="recoveries",
        keep_run=False,  # record_recoveries audits the instalments on the case
        client_ip=client_ip,
        check=lambda: parse_worker_rows(
            path,
            RECOVERY_COLUMNS,
            report,
            find=_finder(by),
            parse=parse,
            column_of=RECOVERY_COLUMN_OF,
        ),
        write=write,
        progress=progress,
    )
