"""The station list as the import template (.xlsx or .csv): importing it back changes nothing.

Coordinates are written as they were entered, in the system they were entered
in, so the round trip compares like with like; the optional columns 类型 and 评定
follow the template's.
"""

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from gonghui.audit.services import record_event
from gonghui.core.coords import CRS_LABELS
from gonghui.core.files import open_private
from gonghui.core.hours import format_hours
from gonghui.core.tabular import write_csv
from gonghui.core.workbook import append_row
from gonghui.stations.importers import COLUMNS, OPTIONAL
from gonghui.stations.models import Station
from gonghui.stations.selectors import stations_visible_to
from gonghui.stations.vocabulary import format_facilities, format_ratings, kind_names


def export_row(station: Station) -> list:
    return [
        station.name,
        station.org.code,
        station.address,
        station.input_lng,
        station.input_lat,
        CRS_LABELS[station.input_crs],
        format_facilities(station.facilities, station.facilities_other),
        format_hours(station.hours),
        station.phone,
        station.get_status_display(),
        station.opened_on.isoformat() if station.opened_on else "",
        "、".join(kind_names(station.kinds)),
        format_ratings([(r.rating, r.year) for r in station.ratings.all()]),
    ]


def write_stations(
    user, output, *, progress: Callable[[int], None] | None = None, **filters
) -> int:
    """Write the user's stations (``filters`` as ``stations_visible_to``) to ``output``,
    a path ending .xlsx or .csv or a binary stream (written as .xlsx); audited. Returns
    the number of stations."""
    rows = []
    stations = stations_visible_to(user, **filters).prefetch_related("ratings").order_by("id")
    for count, station in enumerate(stations, 1):
        rows.append(export_row(station))
        if progress and count % 1000 == 0:
            progress(count)
    if isinstance(output, Path) and output.suffix.lower() == ".csv":
        write_csv(output, (*COLUMNS, *OPTIONAL), rows)
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("驿站")
        append_row(sheet, (*COLUMNS, *OPTIONAL))
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
        object_type="stations",
        object_id=getattr(output, "name", "stations.xlsx"),
        org_path=user.scope_path or "",
        after={"rows": len(rows), "filters": {k: str(v) for k, v in filters.items()}},
    )
    return len(rows)
