"""Reading staff spreadsheets: .xlsx and CSV as Excel writes it in China.

CSV bytes are decoded as UTF-8 (with or without BOM) when they are valid
UTF-8, and as GB18030 (a superset of GBK) otherwise: Excel on Chinese Windows
saves "CSV" in GBK, and a GBK file is almost never valid UTF-8. A CSV cell that
our exports quoted against formula injection (``'=…``, see ``core.workbook``)
is read as the text it was, so an exported template imports back unchanged.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from python_calamine import CalamineWorkbook

from gonghui.core.errors import DomainError
from gonghui.core.files import open_private
from gonghui.core.workbook import csv_cell, csv_uncell

Cell = str | float | int | bool | datetime.date | datetime.datetime | datetime.time | None


@dataclass
class Table:
    """A header and its data rows; ``first_row`` is the spreadsheet number of rows[0].

    ``header`` is the sheet's own: the expected columns, then any the sheet has after them
    (an importer's optional columns)."""

    header: list[str]
    rows: list[list[Cell]]
    first_row: int = 2


def decode_csv(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    while rows and all(c is None or str(c).strip() == "" for c in rows[-1]):
        rows.pop()
    return rows


def read_table(path: Path, expected_header: Sequence[str], *, filename: str | None = None) -> Table:
    """Read the first sheet whose header starts with ``expected_header``.

    Raises ``DomainError`` for an unknown type, an empty file or a wrong header,
    naming the file.
    """
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        text = decode_csv(path.read_bytes())
        rows: list[list[Cell]] = [
            [csv_uncell(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))
        ]
        sheets = [_trim(rows)]
    elif suffix in (".xlsx", ".xlsm"):
        try:
            book = CalamineWorkbook.from_path(str(path))
        except Exception as exc:
            raise DomainError("bad_file", f"{name}：无法读取Excel文件（{exc}）") from exc
        sheets = [_trim(book.get_sheet_by_name(s).to_python()) for s in book.sheet_names]
    else:
        raise DomainError("bad_file", f"{name}：只支持 .xlsx 和 .csv 文件")
    expected = list(expected_header)
    for rows in sheets:
        header = [str(c or "").strip() for c in rows[0]] if rows else []
        if header[: len(expected)] == expected:
            return Table(header=header, rows=rows[1:])
    first = sheets[0] if sheets else []
    if not first:
        raise DomainError("empty_file", f"{name}：文件是空的，没有表头和数据")
    found = ",".join(str(c or "").strip() for c in first[0])
    raise DomainError(
        "bad_header",
        f"{name}：第1行表头应为“{','.join(expected)}”，实际为“{found}”",
    )


def iter_padded(table: Table, width: int) -> Iterator[tuple[int, list[Cell]]]:
    """(spreadsheet row number, cells padded to ``width``)."""
    for number, row in enumerate(table.rows, start=table.first_row):
        if len(row) < width:
            row = list(row) + [None] * (width - len(row))
        yield number, row


def cell_text(value: Cell) -> str:
    """A cell as the text a person sees, without Excel's float artefacts."""
    if value.__class__ is str:  # every CSV cell: skip the type tests below
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    encoding: str = "utf-8-sig",
) -> Path:
    """A CSV as Excel expects it: UTF-8 with BOM by default, ``gbk`` as Chinese Windows saves it.

    Owner-only (0600), and text that would start a formula is quoted (``core.workbook``)."""
    with open_private(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_cell(c) for c in header])
        writer.writerows([csv_cell(c) for c in row] for row in rows)
    return path
