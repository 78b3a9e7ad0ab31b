"""The station list staff keep in Excel: every row checked, then all or nothing.

Template columns, in this order::

    驿站名称,所属组织代码,地址,经度,纬度,坐标系,设施,开放时间,联系电话,状态,启用日期

坐标系 is WGS84, GCJ02 or BD09; 设施 lists facilities separated by 、 (names
outside the vocabulary are kept as free text); 开放时间 is ``08:00-20:00``,
``20:00-06:00``, ``00:00-24:00`` or per weekday (see ``hours``); 状态 is
开放/暂停/关闭 (blank: 开放); 启用日期 may be blank. Two optional columns may follow:
类型 (24小时、智慧驿站、换电、法律援助点 …) and 评定 (``最美驿站2024、省级示范2025``); a
sheet without one leaves the stations' kinds or ratings as they are, a blank cell
clears them, an unknown word is the row's error. A station is the same
station when its org and name match, so importing the same file again
changes nothing. Every row goes through ``save_station``.
"""

from dataclasses import dataclass
from pathlib import Path

from gonghui.audit.imports import Progress, run_import
from gonghui.core.coords import parse_crs
from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError
from gonghui.core.hours import parse_hours
from gonghui.core.importing import (
    ImportReport,
    RowProblem,
    column_for,
    coordinate_cell,
    problem,
    read_rows,
)
from gonghui.core.tabular import Cell, cell_text, iter_padded
from gonghui.orgs.models import Org
from gonghui.orgs.selectors import orgs_visible_to
from gonghui.stations.models import Status
from gonghui.stations.services import (
    MANAGE,
    StationFields,
    check_rating,
    clean_fields,
    save_station,
    set_ratings,
)
from gonghui.stations.vocabulary import parse_facilities, parse_kinds, parse_ratings

COLUMNS = (
    "驿站名称",
    "所属组织代码",
    "地址",
    "经度",
    "纬度",
    "坐标系",
    "设施",
    "开放时间",
    "联系电话",
    "状态",
    "启用日期",
)
EXAMPLE = (
    "人民公园爱心驿站",
    "本单位组织代码",
    "某市某区人民公园东门",
    "114.0221",
    "32.9802",
    "GCJ02",
    "饮水、热饭/微波炉",
    "08:00-20:00",
    "0396-1234567",
    "开放",
    "2026-03-01",
)
NAME, ORG, ADDRESS, LNG, LAT, CRS, FACILITIES, HOURS, PHONE, STATUS, OPENED = COLUMNS
OPTIONAL = ("类型", "评定")
KINDS, RATINGS = OPTIONAL
# Attribute a refusal names (a ``StationFields`` field) → its column in the sheet.
COLUMN_OF = {
    "name": NAME,
    "org": ORG,
    "address": ADDRESS,
    "lat": LAT,
    "lng": LNG,
    "crs": CRS,
    "facilities": FACILITIES,
    "hours": HOURS,
    "phone": PHONE,
    "status": STATUS,
    "opened_on": OPENED,
    "kinds": KINDS,
    "ratings": RATINGS,
}
_STATUS = {label: value for value, label in Status.choices}


@dataclass
class _Row:
    number: int
    org: Org
    fields: StationFields
    ratings: list[tuple[str, int]] | None  # None: the sheet has no 评定 column


def import_stations(
    path: Path,
    *,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate and (unless ``dry_run`` or any row is bad) save every station of the file.

    ``by`` needs the permission to manage stations, and every row's org must lie in
    ``by``'s subtree. The report counts created, updated and unchanged stations.
    """
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    if not by.can(MANAGE):
        report.file_error = "您的角色不能管理驿站"
        return report

    def check() -> list[_Row] | None:
        table = read_rows(path, COLUMNS, report)
        if table is None:
            return None
        orgs = {org.code: org for org in orgs_visible_to(by)}
        # Where the optional columns are in this sheet, if it has them.
        extra = {name: table.header.index(name) for name in OPTIONAL if name in table.header}
        return _check_rows(table, orgs, extra, report, progress)

    return run_import(
        report,
        by=by,
        kind="stations",
        client_ip=client_ip,
        check=check,
        write=lambda rows: _save(rows, by=by, report=report, client_ip=client_ip),
        progress=progress,
    )


def _check_rows(
    table, orgs: dict[str, Org], extra: dict[str, int], report: ImportReport, progress
) -> list[_Row]:
    first_row_of: dict[tuple[int, str], int] = {}
    clean: list[_Row] = []
    width = max([len(COLUMNS) - 1, *extra.values()]) + 1
    for number, cells in iter_padded(table, width):
        text = [cell_text(c) for c in cells[: len(COLUMNS)]]
        more = {name: cell_text(cells[index]) for name, index in extra.items()}
        if not any(text) and not any(more.values()):
            report.errors.append(RowProblem(number, NAME, "整行为空，请删除该行"))
            continue
        problems: dict[str, str] = {}
        org = orgs.get(text[1])
        if not text[1]:
            problems[ORG] = "所属组织代码不能为空"
        elif org is None:
            problems[ORG] = f"组织代码“{text[1]}”不存在或不在您的管辖范围内"
        fields = _fields(text, cells, more, problems)
        ratings = _ratings(more, problems)
        if fields is not None and org is not None:
            try:
                clean_fields(fields)
            except DomainError as exc:
                problems[column_for(exc, COLUMN_OF, NAME)] = exc.message
            key = (org.pk, " ".join(fields.name.split()))
            first = first_row_of.setdefault(key, number)
            if first != number:
                problems.setdefault(NAME, f"与第{first}行重复：同一组织下驿站名称不能相同")
        for column, message in problems.items():
            report.errors.append(RowProblem(number, column, message))
        if not problems and fields is not None and org is not None:
            clean.append(_Row(number, org, fields, ratings))
        if progress and number % 500 == 0:
            progress(number - 1, report.rows)
    report.errors.sort(key=lambda p: (p.row, (*COLUMNS, *OPTIONAL).index(p.column)))
    return clean


def _fields(
    text: list[str], cells: list[Cell], more: dict[str, str], problems: dict[str, str]
) -> StationFields | None:
    """The row's fields in the service's terms; problems go to ``problems`` by column."""
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
    facilities, other = parse_facilities(text[6])
    hours = None
    try:
        hours = parse_hours(text[7])
    except DomainError as exc:
        problems[HOURS] = exc.message
    status = _STATUS.get(text[9] or Status.OPEN.label)
    if status is None:
        problems[STATUS] = f"状态“{text[9]}”应为{'、'.join(_STATUS)}之一"
    opened_on = None
    if text[10]:
        try:
            opened_on = parse_date(
                cells[10] if not isinstance(cells[10], str) else text[10],
                field="opened_on",
                label=OPENED,
            )
        except DomainError as exc:
            problems[OPENED] = exc.message
    kinds = None
    if KINDS in more:
        try:
            kinds = parse_kinds(more[KINDS])
        except DomainError as exc:
            problems[KINDS] = exc.message
    if lat is None or lng is None or crs is None or hours is None or status is None:
        return None
    return StationFields(
        name=text[0],
        address=text[2],
        lat=lat,
        lng=lng,
        crs=crs,
        hours=hours,
        facilities=facilities,
        facilities_other=other,
        phone=text[8],
        status=status,
        opened_on=opened_on,
        kinds=kinds,
    )


def _ratings(more: dict[str, str], problems: dict[str, str]) -> list[tuple[str, int]] | None:
    if RATINGS not in more:
        return None
    try:
        ratings = parse_ratings(more[RATINGS])
        for rating, year in ratings:
            check_rating(rating, year)
    except DomainError as exc:
        problems[RATINGS] = exc.message
        return None
    return ratings


def _save(rows: list[_Row], *, by, report: ImportReport, client_ip: str | None) -> None:
    for row in rows:
        try:
            saved = save_station(by=by, org=row.org, fields=row.fields, client_ip=client_ip)
            rerated = row.ratings is not None and set_ratings(
                by=by, station=saved.station, ratings=row.ratings
            )
        except DomainError as exc:
            report.errors.append(problem(row.number, exc, COLUMN_OF, ORG))
            continue
        outcome = "updated" if saved.outcome == "unchanged" and rerated else saved.outcome
        setattr(report, outcome, getattr(report, outcome) + 1)
