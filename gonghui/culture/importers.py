"""Culture's file imports: every row checked, then all or nothing, and safe to repeat.

- ``event-attendees EVENT FILE`` (``身份证号,姓名``): a held event's sign-in sheet; each
  worker goes through ``sign_in``, and one already signed in is left as they are.
- ``bookhouse-visits FILE`` (``书屋名称,所属组织代码,月份,读者人次``): readers' visits per
  bookhouse and month; a month's figure replaces the one recorded before.
- ``campaign-counts CAMPAIGN FILE`` (``组织代码,日期,阅读次数,转发次数``): a reading
  platform's daily report per org; it replaces only the imported counts of that
  (campaign, org, day), never the tracking links' counts.

Importing the same file twice therefore changes nothing. A bad row is reported by
file, row, column and reason, and nothing of the file is written.
"""

import datetime
import re
from pathlib import Path

from django.http import Http404
from django.utils import timezone

from gonghui.audit.imports import Progress, import_counts, run_import
from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError
from gonghui.core.importing import (
    ImportReport,
    RowProblem,
    parse_worker_rows,
    problem,
    read_rows,
)
from gonghui.core.periods import FIRST_YEAR, LAST_YEAR
from gonghui.core.tabular import Cell, cell_text, iter_padded
from gonghui.culture.models import AttendeeChannel, EventState
from gonghui.culture.selectors import bookhouse_named, campaign_for, event_for
from gonghui.culture.services import (
    check_visits,
    record_imported_counts,
    record_visits,
    sign_in,
)
from gonghui.members.selectors import workers_visible_by_id_numbers
from gonghui.orgs.selectors import org_refs_visible_to

ATTENDEE_COLUMNS = ("身份证号", "姓名")
VISIT_COLUMNS = ("书屋名称", "所属组织代码", "月份", "读者人次")
COUNT_COLUMNS = ("组织代码", "日期", "阅读次数", "转发次数")
ATTENDEE_EXAMPLE = ("18位身份证号（文本格式）", "张三")
VISIT_EXAMPLE = ("某某职工书屋", "本单位组织代码", "2026-03", 320)
COUNT_EXAMPLE = ("本单位组织代码", "2026-03-01", 150, 12)
# Attribute a refusal names (the services' keywords) → its column in each sheet.
ATTENDEE_COLUMN_OF = {"worker": "身份证号"}
VISIT_COLUMN_OF = {"month": "月份", "visits": "读者人次"}
COUNT_COLUMN_OF = {"day": "日期", "reads": "阅读次数", "shares": "转发次数"}

_MONTH = re.compile(r"^(\d{4})\s*[-/.年]?\s*(\d{1,2})\s*月?$")


def _may_import(by, report: ImportReport) -> bool:
    if not by.can("manage_programs"):
        report.file_error = f"{report.filename}：您的角色不能导入文化活动数据"
        return False
    return True


def _pk_text(value) -> str:
    return str(getattr(value, "pk", value)).strip()


def _pk(value) -> int:
    return int(_pk_text(value))


def count_cell(value: Cell, field: str) -> int:
    """A whole number of at least 0, as typed or as Excel stored it; ``field`` is the
    attribute it is for (``visits``), which a refusal names."""
    text = cell_text(value).replace(",", "")
    if text == "":
        raise DomainError("empty", "不能为空", field=field)
    if isinstance(value, float) and not value.is_integer():
        raise DomainError("not_whole", f"“{value}”不是整数", field=field)
    if not text.isdigit():
        raise DomainError("not_count", f"“{text}”不是不小于0的整数", field=field)
    return int(text)


def month_cell(value: Cell, field: str = "month") -> datetime.date:
    """A month as staff type it (2026-03, 2026/3, 2026年3月, 202603) or an Excel date in it;
    the first day of that month. A refusal names ``field``."""
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = cell_text(value)
    match = _MONTH.match(text)
    if match and 1 <= int(match[2]) <= 12:
        if not FIRST_YEAR <= int(match[1]) <= LAST_YEAR:
            message = f"“{text}”不在{FIRST_YEAR}年至{LAST_YEAR}年之间"
            raise DomainError("bad_month", message, field=field)
        return datetime.date(int(match[1]), int(match[2]), 1)
    raise DomainError("bad_month", f"“{text}”不是有效月份（例：2026-03）", field=field)


# --- event-attendees -------------------------------------------------------------------------


def import_event_attendees(
    path: Path,
    *,
    event,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Sign the workers of a held ``event`` (an event or its id visible to ``by``) in.

    ``created`` workers newly signed in, ``unchanged`` those already signed in. Workers
    are looked up in ``by``'s subtree by ID number; a name that differs is an error.
    """
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    if not _may_import(by, report):
        return report
    try:
        found = event_for(by, _pk(event))
    except (Http404, ValueError):
        report.file_error = f"没有编号为“{_pk_text(event)}”的文化活动（或不在您的管辖范围内）"
        return report
    if found.state != EventState.HELD:
        report.file_error = f"“{found.title}”尚未登记为已举办，不能导入签到表"
        return report

    def write(workers: list) -> None:
        done = sign_in(
            by=by, event=found, workers=workers, channel=AttendeeChannel.IMPORT, client_ip=client_ip
        )
        report.created, report.unchanged = done.created, done.unchanged

    return run_import(
        report,
        by=by,
        kind="event-attendees",
        client_ip=client_ip,
        check=lambda: parse_worker_rows(
            path,
            ATTENDEE_COLUMNS,
            report,
            once_each=True,
            find=lambda numbers: workers_visible_by_id_numbers(by, numbers),
            parse=lambda number, cells, worker: worker,
            column_of=ATTENDEE_COLUMN_OF,
        ),
        write=write,
        after=lambda report: {
            **import_counts(report),
            "kind": "event-attendees",
            "event": found.pk,
        },
        progress=progress,
    )


# --- bookhouse-visits ------------------------------------------------------------------------


def import_bookhouse_visits(
    path: Path,
    *,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Set readers' visits per bookhouse and month for bookhouses in ``by``'s subtree."""
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    if not _may_import(by, report):
        return report

    def record(bookhouse, month, visits) -> str:
        return record_visits(by=by, bookhouse=bookhouse, month=month, visits=visits, audit=False)

    return run_import(
        report,
        by=by,
        kind="bookhouse-visits",
        client_ip=client_ip,
        check=lambda: _check_visits(path, by, report),
        write=lambda rows: _record_each(rows, record, report, progress),
        after=lambda report: {**import_counts(report), "kind": "bookhouse-visits"},
        progress=progress,
    )


def _check_visits(path: Path, by, report: ImportReport) -> list[tuple] | None:
    table = read_rows(path, VISIT_COLUMNS, report)
    if table is None:
        return None
    name_col, org_col, month_col, visits_col = VISIT_COLUMNS
    rows = []
    first_row: dict[tuple, int] = {}
    for number, cells in iter_padded(table, len(VISIT_COLUMNS)):
        problems: list[RowProblem] = []
        name, code = cell_text(cells[0]), cell_text(cells[1])
        bookhouse = None
        if not name:
            problems.append(RowProblem(number, name_col, "不能为空"))
        if not code:
            problems.append(RowProblem(number, org_col, "不能为空"))
        if name and code:
            bookhouse = bookhouse_named(by, org_code=code, name=name)
            if bookhouse is None:
                problems.append(
                    RowProblem(
                        number,
                        name_col,
                        f"组织“{code}”下没有名为“{name}”的职工书屋（或不在您的管辖范围内）",
                    )
                )
        month = visits = None
        try:
            month = month_cell(cells[2], "month")
        except DomainError as exc:
            problems.append(problem(number, exc, VISIT_COLUMN_OF, month_col))
        try:
            visits = count_cell(cells[3], "visits")
        except DomainError as exc:
            problems.append(problem(number, exc, VISIT_COLUMN_OF, visits_col))
        if month is not None and visits is not None:
            try:
                check_visits(visits, month)
            except DomainError as exc:
                problems.append(problem(number, exc, VISIT_COLUMN_OF, visits_col))
        if bookhouse is not None and month is not None and not problems:
            first = first_row.setdefault((bookhouse.pk, month), number)
            if first != number:
                problems.append(RowProblem(number, month_col, f"与第{first}行是同一书屋的同一月份"))
        report.errors.extend(problems)
        if not problems:
            rows.append((bookhouse, month, visits))
    return rows


# --- campaign-counts -------------------------------------------------------------------------


def import_campaign_counts(
    path: Path,
    *,
    campaign,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Set the imported reads and shares of ``campaign`` (or its id, visible to ``by``) per
    org and day. Orgs must lie in both the campaign's and ``by``'s subtree, days in the
    campaign's period and not in the future."""
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    if not _may_import(by, report):
        return report
    try:
        found = campaign_for(by, _pk(campaign))
    except (Http404, ValueError):
        report.file_error = f"没有编号为“{_pk_text(campaign)}”的阅读活动（或不在您的管辖范围内）"
        return report

    def record(ref, day, reads, shares) -> str:
        return record_imported_counts(
            campaign=found, org_id=ref.id, org_path=ref.path, day=day, reads=reads, shares=shares
        )

    return run_import(
        report,
        by=by,
        kind="campaign-counts",
        client_ip=client_ip,
        check=lambda: _check_counts(path, found, by, report),
        write=lambda rows: _record_each(rows, record, report, progress),
        after=lambda report: {
            **import_counts(report),
            "kind": "campaign-counts",
            "campaign": found.pk,
        },
        progress=progress,
    )


def _check_counts(path: Path, found, by, report: ImportReport) -> list[tuple] | None:
    table = read_rows(path, COUNT_COLUMNS, report)
    if table is None:
        return None
    org_col, day_col, reads_col, shares_col = COUNT_COLUMNS
    refs = org_refs_visible_to(by)
    today = timezone.localdate()
    rows = []
    first_row: dict[tuple, int] = {}
    for number, cells in iter_padded(table, len(COUNT_COLUMNS)):
        problems: list[RowProblem] = []
        code = cell_text(cells[0])
        ref = refs.get(code)
        if not code:
            problems.append(RowProblem(number, org_col, "不能为空"))
        elif ref is None:
            problems.append(
                RowProblem(number, org_col, f"组织代码“{code}”不存在或不在您的管辖范围内")
            )
        elif not ref.path.startswith(found.org_path):
            problems.append(RowProblem(number, org_col, f"组织“{code}”不在本次阅读活动范围内"))
        day = None
        try:
            day = parse_date(cells[1], field="day", label=day_col)
            if not found.starts_on <= day <= found.ends_on:
                raise DomainError(
                    "out_of_period",
                    f"{day}不在活动期内（{found.starts_on}至{found.ends_on}）",
                    field="day",
                )
            if day > today:
                raise DomainError("future", f"{day}还未到", field="day")
        except DomainError as exc:
            problems.append(problem(number, exc, COUNT_COLUMN_OF, day_col))
            day = None
        counts = []
        for index, field, column in ((2, "reads", reads_col), (3, "shares", shares_col)):
            try:
                counts.append(count_cell(cells[index], field))
            except DomainError as exc:
                problems.append(problem(number, exc, COUNT_COLUMN_OF, column))
        if ref is not None and day is not None and not problems:
            first = first_row.setdefault((code, day), number)
            if first != number:
                problems.append(RowProblem(number, day_col, f"与第{first}行是同一组织的同一天"))
        report.errors.extend(problems)
        if not problems:
            rows.append((ref, day, *counts))
    return rows


def _record_each(rows: list[tuple], record, report: ImportReport, progress) -> None:
    """Each row through ``record``, which says whether it was created, updated or unchanged."""
    for done, row in enumerate(rows, start=1):
        outcome = record(*row)
        setattr(report, outcome, getattr(report, outcome) + 1)
        if progress and done % 100 == 0:
            progress(done, report.rows)
