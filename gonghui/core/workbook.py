"""Excel exports: one sheet-writing step for every app (bold header, yuan format, widths)."""

from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

YUAN_FORMAT = "#,##0.00"
BOLD = Font(bold=True)


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
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        sheet.append(list(row))
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
