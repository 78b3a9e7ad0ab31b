"""The worker roster import: every row checked, then all or nothing.

A file with any bad row imports nothing; the report names each bad row by
its spreadsheet number (header = row 1), the column and the reason. A clean
file is written in one transaction, and importing it again changes nothing.
"""

import datetime
from pathlib import Path

from gonghui.audit.imports import Progress, run_import
from gonghui.core.importing import ImportReport, RowProblem, read_rows
from gonghui.core.tabular import cell_text, iter_padded
from gonghui.members.services import prepare_worker, save_workers
from gonghui.members.validation import COLUMNS, PreparedWorker
from gonghui.orgs.selectors import org_refs_visible_to


def import_workers(
    path: Path,
    *,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate and (unless ``dry_run`` or any row is bad) import a roster for ``by``'s scope.

    ``progress(done, total)`` counts rows twice: once while checking them and,
    for a clean file, again from zero while writing them.
    """
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    refs = org_refs_visible_to(by)
    numbers: list[int] = []  # each prepared worker's row in the sheet

    def check() -> list[PreparedWorker] | None:
        table = read_rows(path, COLUMNS, report)
        if table is None:
            return None
        prepared = []
        first_row_of: dict[str, int] = {}
        today = datetime.date.today()  # one "today" for the whole file, even across midnight
        for number, cells in iter_padded(table, len(COLUMNS)):
            raw_id = cells[1]
            worker, errors = prepare_worker(
                name=cell_text(cells[0]),
                id_number=raw_id
                if isinstance(raw_id, float) and raw_id >= 1e15
                else cell_text(raw_id),
                phone=cell_text(cells[2]),
                org_code=cell_text(cells[3]),
                employer_name=cell_text(cells[4]),
                uscc=cell_text(cells[5]),
                categories=cell_text(cells[6]),
                joined_on=cells[7] if cells[7] not in (None, "") else "",
                refs=refs,
                today=today,
            )
            for error in errors:
                report.errors.append(RowProblem(number, error.field or "", error.message))
            if worker is None:
                continue
            seen = first_row_of.setdefault(worker.id_number.number, number)
            if seen != number:
                report.errors.append(RowProblem(number, "身份证号", f"与第{seen}行身份证号重复"))
                continue
            for warning in worker.warnings:
                report.warnings.append(RowProblem(number, "身份证号", warning))
            prepared.append(worker)
            numbers.append(number)
            if progress and number % 10_000 == 0:
                progress(number - 1, report.rows)
        report.errors.sort(
            key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else 0)
        )
        return prepared

    def write(prepared: list[PreparedWorker]) -> None:
        result = save_workers(
            by=by,
            prepared=prepared,
            refs=refs,
            import_run_id=report.run_id,
            client_ip=client_ip,
            dry_run=dry_run,
            progress=progress,
        )
        for position, message in result.refused:
            report.errors.append(RowProblem(numbers[position], "身份证号", message))
        if not result.refused:
            report.created, report.updated, report.unchanged = (
                result.created,
                result.updated,
                result.unchanged,
            )

    return run_import(
        report,
        by=by,
        kind="workers",
        client_ip=client_ip,
        check=check,
        write=write,
        progress=progress,
    )
