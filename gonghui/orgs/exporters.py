"""Employers with their workplace locations as the ``import employer-locations`` template
(.xlsx or .csv): staff fill in the blank coordinates and import the sheet back; rows left
blank, and rows already located, import back unchanged."""

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from gonghui.audit.services import record_event
from gonghui.core.coords import CRS_LABELS, Crs
from gonghui.core.files import open_private
from gonghui.core.tabular import write_csv
from gonghui.core.workbook import append_row
from gonghui.orgs.importers import COLUMNS
from gonghui.orgs.models import Employer
from gonghui.orgs.selectors import employers_visible_to


def export_row(employer: Employer) -> list:
    """Coordinates as entered, in the system they were entered in."""
    if not employer.has_location:
        return [employer.uscc, employer.name, employer.address, "", "", ""]
    return [
        employer.uscc,
        employer.name,
        employer.address,
        employer.input_lng,
        employer.input_lat,
        CRS_LABELS[Crs(employer.input_crs)],
    ]


def write_employers(
    user, output, *, progress: Callable[[int], None] | None = None, **filters
) -> int:
    """Write the user's employers (``filters`` as ``employers_visible_to``) to ``output``, a
    path ending .xlsx or .csv or a binary stream (written as .xlsx); audited. Returns the
    number of employers."""
    rows = []
    for count, employer in enumerate(employers_visible_to(user, **filters).order_by("uscc"), 1):
        rows.append(export_row(employer))
        if progress and count % 1000 == 0:
            progress(count)
    if isinstance(output, Path) and output.suffix.lower() == ".csv":
        write_csv(output, COLUMNS, rows)
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("用人单位")
        append_row(sheet, COLUMNS)
        for row in rows:
            append_row(sheet, row)
        if isinstance(output, Path):
            with open_private(output) as handle:
                book.save(handle)
        else:
            book.save(output)
    record_event(
        actor=user,
        action="export",
        object_type="employers",
        object_id=getattr(output, "name", "employers.xlsx"),
        org_path=user.scope_path or "",
        after={"rows": len(rows), "filters": {k: str(v) for k, v in filters.items()}},
    )
    return len(rows)
