"""What every file import reports: rows, counts, and each problem by row and column.

Row numbers are the spreadsheet's (header = row 1), so staff can go straight
to the cell in Excel. A ``DomainError``'s ``field`` names an attribute (``wages_fen``),
never a column: each importer keeps one mapping, ``COLUMN_OF`` (attribute name → its
file's column label), and ``problem`` applies it where an error becomes a row's problem.
"""

import math
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gonghui.core.chinese import simplified
from gonghui.core.errors import DomainError
from gonghui.core.idnumber import parse_id
from gonghui.core.tabular import Cell, Table, cell_text, iter_padded, read_table


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行【{self.column}】{self.message}"


def column_for(error: DomainError, column_of: Mapping[str, str], default: str) -> str:
    """The file's column where ``error`` belongs: ``column_of`` (the importer's mapping,
    attribute name → column label) of the attribute its ``field`` names, else ``default``."""
    return column_of.get(error.field or "", default)


def problem(row: int, error: DomainError, column_of: Mapping[str, str], default: str) -> RowProblem:
    """``error`` as spreadsheet row ``row``'s problem, in the column ``column_for`` gives."""
    return RowProblem(row, column_for(error, column_of, default), error.message)


@dataclass
class ImportReport:
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    file_error: str = ""
    dry_run: bool = False
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and not self.file_error

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.errors})

    def summary(self) -> str:
        if self.file_error:
            return self.file_error
        if self.errors:
            return f"{self.filename}：{len(self.bad_rows)}行有错误，未导入任何数据"
        verb = "校验通过（试导入，未写入）" if self.dry_run else "导入完成"
        return (
            f"{self.filename}：{verb}，共{self.rows}行，新增{self.created}，"
            f"更新{self.updated}，未变{self.unchanged}"
        )


def read_rows(path: Path, columns: Sequence[str], report: ImportReport) -> Table | None:
    """The file's data rows, or None with ``report.file_error`` saying what is wrong with it."""
    try:
        table = read_table(path, columns, filename=report.filename)
    except DomainError as exc:
        report.file_error = exc.message
        return None
    if not table.rows:
        report.file_error = f"{report.filename}：只有表头，没有数据行"
        return None
    report.rows = len(table.rows)
    return table


@contextmanager
def clear_copy(data: bytes) -> Iterator[Path]:
    """A path to an uploaded file's clear bytes that the readers can open, kept off the disk
    where possible (an anonymous memory file on Linux): rosters hold clear ID numbers."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("gonghui-import", os.MFD_CLOEXEC)
        try:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                handle.write(data)
            yield Path(f"/proc/self/fd/{fd}")
        finally:
            os.close(fd)
    else:  # pragma: no cover - non-Linux development machines
        handle = tempfile.NamedTemporaryFile(delete=False)
        try:
            handle.write(data)
            handle.close()
            yield Path(handle.name)
        finally:
            Path(handle.name).unlink(missing_ok=True)


def id_cell_text(raw: Cell) -> str:
    """An ID number cell; Excel may have turned an all-digit number into a float."""
    return str(int(raw)) if isinstance(raw, float) and raw >= 1e15 else cell_text(raw)


def parse_worker_rows(
    path: Path,
    columns: Sequence[str],
    report: ImportReport,
    *,
    find: Callable[[list[str]], dict],
    parse: Callable[[int, list[Cell], object], object],
    column_of: Mapping[str, str],
    once_each: bool = False,
) -> list | None:
    """Rows of a file that names registered workers by ID number (column ``身份证号``).

    Every number is validated, ``find`` (normalised numbers → workers, one batch)
    looks the workers up in the caller's scope, a ``姓名`` column must match the
    registry's name (either script), ``once_each`` refuses a worker's second row,
    and ``parse(row number, cells, worker)`` turns a row into what the service
    takes or raises ``DomainError`` naming the attribute, which ``column_of`` (attribute
    name → column label) places in its column (unnamed or unmapped: ``身份证号``, the row's
    worker). Returns None, with every problem in ``report``, if any row is bad: the caller
    then writes nothing.
    """
    table = read_rows(path, columns, report)
    if table is None:
        return None
    id_column = list(columns).index("身份证号")
    numbers: dict[int, str] = {}
    checked: dict[str, str | DomainError] = {}  # a recovery list repeats each worker many times
    for number, cells in iter_padded(table, len(columns)):
        text = id_cell_text(cells[id_column])
        if text not in checked:
            try:
                checked[text] = parse_id(text).number
            except DomainError as exc:
                checked[text] = exc
        result = checked[text]
        if isinstance(result, DomainError):
            report.errors.append(RowProblem(number, "身份证号", result.message))
        else:
            numbers[number] = result
    found = find(list(numbers.values()))
    name_column = list(columns).index("姓名") if "姓名" in columns else None
    first_row: dict[int, int] = {}
    parsed = []
    for number, cells in iter_padded(table, len(columns)):
        if number not in numbers:
            continue
        worker = found.get(numbers[number])
        if worker is None:
            message = "在您管辖范围内的职工名册中没有该身份证号，请先登记职工"
            report.errors.append(RowProblem(number, "身份证号", message))
            continue
        if name_column is not None and simplified(cell_text(cells[name_column])) != simplified(
            worker.name
        ):
            report.errors.append(RowProblem(number, "姓名", "姓名与职工名册不一致"))
            continue
        seen = first_row.setdefault(worker.pk, number) if once_each else number
        if seen != number:
            report.errors.append(RowProblem(number, "身份证号", f"与第{seen}行是同一职工"))
            continue
        try:
            parsed.append(parse(number, cells, worker))
        except DomainError as exc:
            report.errors.append(problem(number, exc, column_of, "身份证号"))
    order = list(columns)
    report.errors.sort(key=lambda p: (p.row, order.index(p.column) if p.column in order else 0))
    return None if report.errors else parsed


def coordinate_cell(text: str, column: str, problems: dict[str, str]) -> float | None:
    """A longitude or latitude cell as a number, or None with what is wrong in
    ``problems[column]`` (the range is checked with the coordinate system)."""
    if not text:
        problems[column] = f"{column}不能为空"
        return None
    try:
        value = float(text)
    except ValueError:
        problems[column] = f"{column}“{text}”不是数字（例：114.0223）"
        return None
    if not math.isfinite(value):
        problems[column] = f"{column}“{text}”不是有效数字"
        return None
    return value
