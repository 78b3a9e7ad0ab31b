"""The worker roster import: every row checked, then all or nothing.

A file with any bad row imports nothing; the report names each bad row by
its spreadsheet number (header = row 1), the column and the reason. A clean
file is written in one transaction, and importing it again changes nothing.
"""

import datetime
from pathlib import Path

from gonghui.audit.imports import Progress, run_import
from gonghui.core.importing import ImportReport, RowProblem, problem, read_rows
from gonghui.core.tabular import cell_text, iter_padded
from gonghui.members.services import prepare_worker, save_workers
from gonghui.members.validation import PreparedWorker
from gonghui.orgs.selectors import org_refs_visible_to

# The roster's columns, in the template's order, by the ``prepare_worker`` keyword each
# one gives: a refusal's ``field`` is the keyword, reported under the column.
COLUMN_OF = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号码",
    "org_code": "工会组织代码",
    "employer_name": "工作单位",
    "uscc": "统一社会信用代码",
    "categories": "职工类别",
    "joined_on": "入会日期",
}
COLUMNS = tuple(COLUMN_OF.values())
EXAMPLE = (
    "张三",
    "18位身份证号（文本格式）",
    "11位手机号码",
    "本单位组织代码",
    "某某环卫服务有限公司",
    "18位统一社会信用代码",
    "环卫工人、户外劳动者",
    "2026-03-01",
)
ID = COLUMN_OF["id_number"]


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
            report.errors.extend(problem(number, error, COLUMN_OF, ID) for error in errors)
            if worker is None:
                continue
            seen = first_row_of.setdefault(worker.id_number.number, number)
            if seen != number:
                report.errors.append(RowProblem(number, ID, f"与第{seen}行身份证号重复"))
                continue
            for warning in worker.warnings:
                report.warnings.append(RowProblem(number, ID, warning))
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
            report.errors.append(RowProblem(numbers[position], ID, message))
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
