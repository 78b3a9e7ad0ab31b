"""Reading staff spreadsheets: .xlsx and CSV as Excel writes it in China.

CSV bytes are decoded as UTF-8 (with or without BOM) when they are valid
UTF-8, and as GB18030 (a superset of GBK) otherwise: Excel on Chinese Windows
saves "CSV" in GBK, and a GBK file is almost never valid UTF-8. A UTF-16 BOM
(Excel's "Unicode text") is honoured. A CSV cell that
our exports quoted against formula injection (``'=…``, see ``core.workbook``)
is read as the text it was, so an exported template imports back unchanged.

Whatever a file holds, reading it either gives a table or raises ``DomainError``
naming the file (and the row and column where there is one) and why: an encoding
that does not decode, binary junk, a cell, a row count, a width or a size over the
``IMPORT_MAX_*`` settings, control characters (a NUL that PostgreSQL would refuse
midway through an import), a damaged, password-protected or old-format workbook.
"""

import codecs
import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from gonghui.core.errors import DomainError
from gonghui.core.files import open_private
from gonghui.core.workbook import append_row, csv_cell, csv_uncell

Cell = str | float | int | bool | datetime.date | datetime.datetime | datetime.time | None


@dataclass
class Table:
    """A header and its data rows; ``first_row`` is the spreadsheet number of rows[0].

    ``header`` is the sheet's own: the expected columns, then any the sheet has after them
    (an importer's optional columns)."""

    header: list[str]
    rows: list[list[Cell]]
    first_row: int = 2


_ENCODING_NAMES = {"utf-16": "UTF-16", "utf-8": "UTF-8", "gb18030": "GBK/GB18030"}
# C0 controls but tab, newline and carriage return, and DEL: never in a name or a number.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORKBOOK_MAGIC = b"PK\x03\x04"  # .xlsx is a zip file
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # a password-protected .xlsx or an old .xls


def decode_csv(data: bytes, name: str = "文件") -> str:
    """The text of a CSV file, or ``DomainError`` naming the line that does not decode."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif data.startswith(codecs.BOM_UTF8):
        encoding, data = "utf-8", data[len(codecs.BOM_UTF8) :]
    else:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            encoding = "gb18030"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise DomainError(
            "bad_encoding",
            f"{name}：第{line}行有无法按{_ENCODING_NAMES[encoding]}编码读取的字节"
            f"（0x{data[error.start]:02X}），文件可能混用了编码或不是文本文件；"
            "请在Excel中另存为“CSV UTF-8（逗号分隔）”后重新导入",
        ) from None


def _trim(rows: list[list[Cell]]) -> list[list[Cell]]:
    while rows and all(c is None or str(c).strip() == "" for c in rows[-1]):
        rows.pop()
    return rows


def _csv_sheet(data: bytes, name: str) -> list[list[Cell]]:
    if data.startswith(_WORKBOOK_MAGIC):
        raise DomainError("bad_file", f"{name}：这是Excel工作簿，不是CSV：请把扩展名改为 .xlsx")
    reader = csv.reader(io.StringIO(decode_csv(data, name), newline=""))
    try:
        return _trim([[csv_uncell(c) for c in r] for r in reader])
    except csv.Error as error:
        reason = (
            f"有单元格超过{csv.field_size_limit()}个字符"
            if "field larger" in str(error)
            else f"不是有效的CSV（{error}）"
        )
        raise DomainError("bad_file", f"{name}：第{reader.line_num}行{reason}") from None


def _workbook_sheets(path: Path, name: str) -> list[list[list[Cell]]]:
    with path.open("rb") as file:
        if file.read(4) == _OLE_MAGIC:
            raise DomainError(
                "bad_file",
                f"{name}：文件设置了打开密码，或是旧版Excel（.xls）：请取消密码并另存为 .xlsx 后导入",
            )
    try:
        book = CalamineWorkbook.from_path(str(path))
        return [_trim(book.get_sheet_by_name(s).to_python()) for s in book.sheet_names]
    except Exception as exc:  # the reader's own errors name no common base class
        raise DomainError(
            "bad_file", f"{name}：无法读取Excel文件，文件可能已损坏或不完整（{exc}）"
        ) from exc


def _column_label(header: list[str], index: int) -> str:
    return header[index] if index < len(header) and header[index] else f"第{index + 1}列"


def _check_cells(table: Table, name: str) -> None:
    """Refuse a table over the row or cell limits, or holding control characters."""
    if len(table.rows) > settings.IMPORT_MAX_ROWS:
        raise DomainError(
            "too_many_rows",
            f"{name}：有{len(table.rows)}行数据，超过每个文件{settings.IMPORT_MAX_ROWS}行的上限"
            "（GONGHUI_IMPORT_MAX_ROWS）：请拆成几个文件导入",
        )
    longest = settings.IMPORT_MAX_CELL
    for number, row in enumerate(table.rows, start=table.first_row):
        if len(row) > settings.IMPORT_MAX_COLUMNS:
            raise DomainError(
                "too_many_columns",
                f"{name}：第{number}行有{len(row)}列，超过{settings.IMPORT_MAX_COLUMNS}列的上限"
                "（GONGHUI_IMPORT_MAX_COLUMNS）",
            )
        for index, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            if len(cell) > longest:
                raise DomainError(
                    "cell_too_long",
                    f"{name}：第{number}行【{_column_label(table.header, index)}】有{len(cell)}个字符，"
                    f"超过{longest}个字符的上限（GONGHUI_IMPORT_MAX_CELL）",
                )
            found = _CONTROL.search(cell)
            if found:
                raise DomainError(
                    "control_character",
                    f"{name}：第{number}行【{_column_label(table.header, index)}】含有不可见的控制字符"
                    f"（U+{ord(found.group()):04X}），文件可能不是文本或被损坏",
                )


def read_table(path: Path, expected_header: Sequence[str], *, filename: str | None = None) -> Table:
    """Read the first sheet whose header starts with ``expected_header``.

    Raises ``DomainError`` naming the file (and the row and column where there is one) for
    an unknown type, a file over the import limits, an empty or unreadable file, a
    wrong header or control characters in a cell.
    """
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    size = path.stat().st_size
    if size > settings.IMPORT_MAX_BYTES:
        raise DomainError(
            "file_too_large",
            f"{name}：文件大小{size / 1024 / 1024:.1f}MB，超过导入上限"
            f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:.0f}MB（GONGHUI_IMPORT_MAX_BYTES）",
        )
    if suffix == ".csv":
        sheets = [_csv_sheet(path.read_bytes(), name)]
    elif suffix in (".xlsx", ".xlsm"):
        sheets = _workbook_sheets(path, name)
    else:
        raise DomainError("bad_file", f"{name}：只支持 .xlsx 和 .csv 文件")
    expected = list(expected_header)
    for rows in sheets:
        if rows and len(rows[0]) > settings.IMPORT_MAX_COLUMNS:
            raise DomainError(
                "too_many_columns",
                f"{name}：表头有{len(rows[0])}列，超过{settings.IMPORT_MAX_COLUMNS}列的上限"
                "（GONGHUI_IMPORT_MAX_COLUMNS）",
            )
        header = [str(c or "").strip() for c in rows[0]] if rows else []
        if header[: len(expected)] == expected:
            table = Table(header=header, rows=rows[1:])
            _check_cells(table, name)
            return table
    first = sheets[0] if sheets else []
    if not first:
        raise DomainError("empty_file", f"{name}：文件是空的，没有表头和数据")
    shown = [_CONTROL.sub("?", str(c or "").strip())[:40] for c in first[0][:20]]
    found = ",".join(shown) + ("…" if len(first[0]) > 20 else "")
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


def write_xlsx(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """The same sheet as ``write_csv`` saved as .xlsx (the header, then ``rows``), as staff
    fill in a downloaded template; numbers and dates stay typed cells."""
    book = Workbook()
    append_row(book.active, header)
    for row in rows:
        append_row(book.active, row)
    book.save(path)
    return path
