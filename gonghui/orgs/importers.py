"""Employers' workplace locations from the list staff keep in Excel: every row checked, then
all or nothing.

Template columns, in this order::

    统一社会信用代码,单位名称,地址,经度,纬度,坐标系

The employer must already be registered in the importer's subtree (found by its credit
code); 单位名称 only helps a reader of the sheet, so a name that differs from the registry
is a warning, not an error. 坐标系 is WGS84, GCJ02 or BD09. A row whose 经度, 纬度 and 坐标系
are all blank (as the export writes an employer not yet located) leaves that employer as it
is, with a warning: clearing a location is done on the employer's page, not by a blank
cell. Every other row goes through ``set_employer_location``, which writes nothing for an
unchanged row, so importing the same file again changes nothing.
"""

from dataclasses import dataclass
from pathlib import Path

from gonghui.audit.imports import Progress, run_import
from gonghui.core.chinese import simplified
from gonghui.core.coords import Crs, check_lat_lng, parse_crs
from gonghui.core.errors import DomainError
from gonghui.core.importing import (
    ImportReport,
    RowProblem,
    column_for,
    coordinate_cell,
    problem,
    read_rows,
)
from gonghui.core.tabular import cell_text, iter_padded
from gonghui.orgs.models import Employer
from gonghui.orgs.selectors import employers_visible_to
from gonghui.orgs.services import WRITE_EMPLOYERS, clean_uscc, set_employer_location

COLUMNS = ("统一社会信用代码", "单位名称", "地址", "经度", "纬度", "坐标系")
USCC, NAME, ADDRESS, LNG, LAT, CRS = COLUMNS
EXAMPLE = (
    "18位统一社会信用代码",
    "某某环卫服务有限公司",
    "某市某区解放路1号",
    "114.0221",
    "32.9802",
    "GCJ02",
)
# Attribute a refusal names → its column in the sheet.
COLUMN_OF = {"uscc": USCC, "address": ADDRESS, "lng": LNG, "lat": LAT, "crs": CRS}


@dataclass
class _Row:
    number: int
    employer: Employer
    lat: float
    lng: float
    crs: Crs
    address: str


def import_employer_locations(
    path: Path,
    *,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate and (unless ``dry_run`` or any row is bad) set every employer's location.

    ``by`` needs to keep the registry; every employer must be registered in ``by``'s
    subtree. The report counts employers located for the first time (created), moved
    (updated) and unchanged.
    """
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    if not by.can(WRITE_EMPLOYERS):
        report.file_error = "您的角色不能维护用人单位信息"
        return report

    def check() -> list[_Row] | None:
        table = read_rows(path, COLUMNS, report)
        return None if table is None else _check_rows(table, by, report)

    return run_import(
        report,
        by=by,
        kind="employer-locations",
        client_ip=client_ip,
        check=check,
        write=lambda rows: _save(rows, by=by, report=report, client_ip=client_ip),
        progress=progress,
    )


def _check_rows(table, by, report: ImportReport) -> list[_Row]:
    texts = [
        (number, [cell_text(c) for c in cells])
        for number, cells in iter_padded(table, len(COLUMNS))
    ]
    codes: dict[int, str] = {}
    for number, text in texts:
        if not any(text):
            report.errors.append(RowProblem(number, USCC, "整行为空，请删除该行"))
        elif not text[0]:
            report.errors.append(RowProblem(number, USCC, "统一社会信用代码不能为空"))
        else:
            try:
                codes[number] = clean_uscc(text[0])
            except DomainError as exc:
                report.errors.append(RowProblem(number, USCC, exc.message))
    found = {e.uscc: e for e in employers_visible_to(by).filter(uscc__in=set(codes.values()))}
    first_row_of: dict[str, int] = {}
    clean: list[_Row] = []
    for number, text in texts:
        if number not in codes:
            continue
        problems: dict[str, str] = {}
        employer = found.get(codes[number])
        if employer is None:
            problems[USCC] = f"统一社会信用代码“{text[0]}”的单位未登记或不在您的管辖范围内"
        else:
            first = first_row_of.setdefault(employer.uscc, number)
            if first != number:
                problems[USCC] = f"与第{first}行是同一单位"
            elif text[1] and simplified(text[1]) != simplified(employer.name):
                message = f"单位名称与登记的“{employer.name}”不一致，按统一社会信用代码导入"
                report.warnings.append(RowProblem(number, NAME, message))
        if not problems and not any(text[3:6]):
            message = "未填写经纬度，该单位的工作地点不变"
            report.warnings.append(RowProblem(number, LNG, message))
            report.unchanged += 1
            continue
        lng = coordinate_cell(text[3], LNG, problems)
        lat = coordinate_cell(text[4], LAT, problems)
        crs = None
        if not text[5]:
            problems[CRS] = "坐标系不能为空（WGS84、GCJ02 或 BD09）"
        else:
            try:
                crs = parse_crs(text[5])
            except DomainError as exc:
                problems[CRS] = exc.message
        if lat is not None and lng is not None:
            try:
                check_lat_lng(lat, lng)
            except DomainError as exc:
                problems[column_for(exc, COLUMN_OF, LAT)] = exc.message
        if len(text[2]) > 200:
            problems[ADDRESS] = "地址不能超过200字"
        for column, message in problems.items():
            report.errors.append(RowProblem(number, column, message))
        if not problems:
            clean.append(_Row(number, employer, lat, lng, crs, text[2]))
    report.errors.sort(key=lambda p: (p.row, COLUMNS.index(p.column)))
    return clean


def _save(rows: list[_Row], *, by, report: ImportReport, client_ip: str | None) -> None:
    for row in rows:
        try:
            located = set_employer_location(
                by=by,
                employer=row.employer,
                lat=row.lat,
                lng=row.lng,
                crs=row.crs,
                address=row.address,
                client_ip=client_ip,
            )
        except DomainError as exc:
            report.errors.append(problem(row.number, exc, COLUMN_OF, USCC))
            continue
        setattr(report, located.outcome, getattr(report, located.outcome) + 1)
