"""What every file import reports: rows, counts, and each problem by row and column.

Row numbers are the spreadsheet's (header = row 1), so staff can go straight
to the cell in Excel.
"""

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gonghui.core.errors import DomainError
from gonghui.core.tabular import Table, read_table


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行【{self.column}】{self.message}"


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
