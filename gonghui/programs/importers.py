"""Service lists sent by hospitals and insurers: every row checked, then all or nothing.

Template columns, in this order: ``身份证号,姓名,服务日期,服务点,数量,金额(元)``.
服务点 is optional (blank: recorded against the worker's own union); 数量
defaults to 1; 金额 defaults to the program's unit cost × 数量.

The rules are the worker import's: the report names each bad row by its
spreadsheet number (header = row 1), the column and the reason; a file with
any bad row imports nothing. Every record is written through
``record_service`` (channel ``import``) inside one transaction, so budget,
rollups and audit go through the one door, and the same door's refusals
(scope, budget, already served) become row problems. Each row carries a
request id derived from what it says, so importing the same file again
returns the records already made and changes nothing.
"""

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.http import Http404
from django.utils import timezone

from gonghui.audit.imports import Progress, run_import
from gonghui.core.chinese import simplified
from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.importing import ImportReport, RowProblem, read_rows
from gonghui.core.money import fen_to_yuan, yuan_to_fen
from gonghui.core.tabular import Cell, cell_text, iter_padded
from gonghui.members.selectors import mask_name, worker_by_id_number
from gonghui.members.validation import clean_id
from gonghui.programs import budget
from gonghui.programs.models import Channel, Frequency, Program, ServicePoint, ServiceRecord
from gonghui.programs.selectors import program_for
from gonghui.programs.services import (
    ServiceRefused,
    check_eligibility,
    period_key,
    record_service,
)

COLUMNS = ("身份证号", "姓名", "服务日期", "服务点", "数量", "金额(元)")
ID, NAME, DATE, POINT, QUANTITY, AMOUNT = COLUMNS
EXAMPLE = ("18位身份证号（文本格式）", "张三", "2026-03-01", "某某环卫早餐点", 1, "5.00")
MAX_QUANTITY = 9999
# One person's service costs far less; a bigger figure is a slipped column, not a price.
MAX_AMOUNT_FEN = 100_000_000 * 100
_SPACES = re.compile(r"\s+")


@dataclass
class ServiceImportReport(ImportReport):
    """The worker import's report; ``created`` are new records, ``unchanged`` rows
    that an earlier import of the same lines already recorded."""

    program_name: str = ""
    amount_fen: int = 0

    def summary(self) -> str:
        if self.file_error or self.errors:
            return super().summary()
        verb = "校验通过（试导入，未写入）" if self.dry_run else "导入完成"
        return (
            f"{self.filename}：{verb}，项目“{self.program_name}”，共{self.rows}行，"
            f"新增服务记录{self.created}条（金额{fen_to_yuan(self.amount_fen)}元），"
            f"此前已导入{self.unchanged}条"
        )


@dataclass
class _Row:
    number: int
    worker: object
    day: datetime.date
    point: ServicePoint | None
    quantity: int
    amount_fen: int | None  # None: the program's unit cost × quantity


def import_services(
    path: Path,
    *,
    program: Program | int | str,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ServiceImportReport:
    """Validate and (unless ``dry_run`` or any row is bad) record a service list.

    ``program`` is a program (or its id) visible to ``by``; ``by`` needs the
    ``record_services`` permission, and ``record_service`` decides per row
    whether the worker (or the point) lies in ``by``'s subtree. A dry run
    writes every record and rolls back, so it also finds the refusals only a
    write can find (budget, scope, already served). ``progress(done, total)``
    counts rows twice: while checking them and again while recording them.
    """
    report = ServiceImportReport(filename=filename or path.name, dry_run=dry_run)
    program = _program(by, program, report)
    if program is None:
        return report
    report.program_name = program.name

    def check() -> list[_Row] | None:
        table = read_rows(path, COLUMNS, report)
        return None if table is None else _check_rows(table, program, report, progress)

    return run_import(
        report,
        by=by,
        kind="services",
        client_ip=client_ip,
        check=check,
        write=lambda rows: _record(
            rows, program=program, by=by, report=report, client_ip=client_ip, progress=progress
        ),
        after=lambda report: {
            "file": report.filename,
            "program": program.pk,
            "rows": report.rows,
            "created": report.created,
            "unchanged": report.unchanged,
            "amount_fen": report.amount_fen,
        },
        progress=progress,
    )


def _program(by, program: Program | int | str, report: ServiceImportReport) -> Program | None:
    if not by.can("record_services"):
        report.file_error = "您的角色不能登记服务记录"
        return None
    pk = program.pk if isinstance(program, Program) else program
    try:
        found = program_for(by, int(str(pk).strip()))
    except (Http404, ValueError):
        report.file_error = f"没有编号为“{pk}”的服务项目（或不在您的管辖范围内）"
        return None
    if not found.is_active:
        report.file_error = f"服务项目“{found.name}”已停用，不能导入服务记录"
        return None
    return found


def _check_rows(table, program: Program, report: ServiceImportReport, progress) -> list[_Row]:
    """Every check that needs no write; problems go to ``report``, clean rows come back."""
    points: dict[str, list[ServicePoint]] = {}
    for point in program.points.select_related("org"):
        points.setdefault(_plain(point.name), []).append(point)
    today = timezone.localdate()
    first_row_of: dict[tuple[int, str], int] = {}
    clean: list[_Row] = []
    total = len(table.rows)
    for number, cells in iter_padded(table, len(COLUMNS)):
        problems: dict[str, str] = {}
        if all(cell_text(c) == "" for c in cells[: len(COLUMNS)]):
            report.errors.append(RowProblem(number, ID, "整行为空，请删除该行"))
            continue
        worker = _worker(cells[0], program, problems)
        _check_name(cell_text(cells[1]), worker, problems)
        day = _day(cells[2], today, problems)
        point = _point(cell_text(cells[3]), points, program, problems)
        quantity = _quantity(cell_text(cells[4]), problems)
        amount = _amount(cell_text(cells[5]), problems)
        if day is not None:
            try:
                check_eligibility(program, worker, day)
            except ServiceRefused as refusal:
                if refusal.code == "program_inactive":
                    problems.setdefault(DATE, refusal.message)
                elif worker is not None:
                    problems.setdefault(ID, refusal.message)
        if worker is not None and day is not None:
            key = (worker.pk, period_key(program.frequency, day))
            first = first_row_of.setdefault(key, number)
            if first != number:
                problems.setdefault(
                    ID, f"与第{first}行重复：同一职工{_window(program, day)}只能享受一次本项目"
                )
        for column, message in problems.items():
            report.errors.append(RowProblem(number, column, message))
        if not problems:
            clean.append(_Row(number, worker, day, point, quantity, amount))
        if progress and number % 500 == 0:
            progress(number - 1, total)
    report.errors.sort(key=lambda p: (p.row, COLUMNS.index(p.column) if p.column in COLUMNS else 0))
    return clean


def _record(
    rows: list[_Row],
    *,
    program: Program,
    by,
    report: ServiceImportReport,
    client_ip: str | None,
    progress,
) -> None:
    """Record the clean rows through ``record_service``; each refusal is its row's problem."""
    total = report.rows
    ran_out = False
    for done, row in enumerate(rows, start=1):
        try:
            served = record_service(
                by=by,
                program=program,
                worker=row.worker,
                point=row.point,
                channel=Channel.IMPORT,
                served_at=_served_at(row.day),
                quantity=row.quantity,
                amount_fen=row.amount_fen,
                request_id=_request_id(program, row),
                client_ip=client_ip,
            )
        except ServiceRefused as refusal:
            if refusal.code == "budget_exhausted":
                # Every later row would run out too; the first one is the news.
                if not ran_out:
                    ran_out = True
                    report.errors.append(_budget_problem(program, row))
                continue
            report.errors.append(_refusal_problem(program, row, refusal))
            continue
        except PermissionDenied:
            report.errors.append(_scope_problem(row))
            continue
        except DomainError as exc:
            report.errors.append(RowProblem(row.number, ID, exc.message))
            continue
        if served.repeated:
            report.unchanged += 1
            if served.record.voided:
                report.warnings.append(
                    RowProblem(row.number, ID, "该行此前已导入，但记录已作废；本次不再重复登记")
                )
        else:
            report.created += 1
            report.amount_fen += served.record.amount_fen
        if progress and done % 100 == 0:
            progress(done, total)


def _plain(text: str) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def _worker(raw: Cell, program: Program, problems: dict[str, str]):
    if cell_text(raw) == "":
        problems[ID] = "身份证号不能为空"
        return None
    try:
        # A long number Excel stored as a float is reported as such by clean_id.
        number = clean_id(raw if isinstance(raw, float) and raw >= 1e15 else cell_text(raw))
    except DomainError as exc:
        problems[ID] = exc.message
        return None
    worker = worker_by_id_number(number.number, within_path=program.org_path)
    if worker is None:
        problems[ID] = f"该身份证号未在“{program.org.name}”范围内的职工名册中登记"
    return worker


def _check_name(name: str, worker, problems: dict[str, str]) -> None:
    if not name:
        problems[NAME] = "姓名不能为空"
    elif worker is not None and simplified(_plain(name)) != simplified(_plain(worker.name)):
        problems[NAME] = f"姓名“{name}”与该身份证号登记的姓名（{mask_name(worker.name)}）不一致"


def _day(raw: Cell, today: datetime.date, problems: dict[str, str]) -> datetime.date | None:
    value = raw if isinstance(raw, datetime.date) else cell_text(raw)
    if value == "":
        problems[DATE] = "服务日期不能为空"
        return None
    try:
        day = parse_date(value, field="served_on", label=DATE)
    except DomainError as exc:
        problems[DATE] = exc.message
        return None
    if day > today:
        problems[DATE] = f"服务日期{day}晚于今天"
        return None
    return day


def _point(
    name: str, points: dict[str, list[ServicePoint]], program: Program, problems: dict[str, str]
) -> ServicePoint | None:
    if not name:
        return None
    found = points.get(_plain(name), [])
    if not found:
        problems[POINT] = f"“{name}”不是“{program.name}”的服务点"
        return None
    if len(found) > 1:
        orgs = "、".join(p.org.name for p in found)
        problems[POINT] = (
            f"“{program.name}”有{len(found)}个名为“{name}”的服务点（{orgs}），无法区分"
        )
        return None
    return found[0]


def _quantity(text: str, problems: dict[str, str]) -> int:
    if not text:
        return 1
    digits = unicodedata.normalize("NFKC", text)
    if not (digits.isascii() and digits.isdigit() and 1 <= int(digits) <= MAX_QUANTITY):
        problems[QUANTITY] = f"数量“{text}”应为1至{MAX_QUANTITY}之间的整数"
        return 1
    return int(digits)


def _amount(text: str, problems: dict[str, str]) -> int | None:
    if not text:
        return None
    try:
        fen = yuan_to_fen(unicodedata.normalize("NFKC", text), field="amount_fen", label=AMOUNT)
    except DomainError as exc:
        problems[AMOUNT] = exc.message
        return None
    except (ArithmeticError, ValueError):  # NaN, Infinity: Decimal parses them
        problems[AMOUNT] = f"{AMOUNT}“{text}”不是有效金额"
        return None
    if fen < 0:
        problems[AMOUNT] = f"{AMOUNT}“{text}”不能为负数"
    elif fen > MAX_AMOUNT_FEN:
        problems[AMOUNT] = f"{AMOUNT}“{text}”过大（单行不超过{MAX_AMOUNT_FEN // 100}元）"
    else:
        return fen
    return None


def _window(program: Program, day: datetime.date) -> str:
    if program.frequency == Frequency.DAILY:
        return f"在{day}当天"
    if program.frequency == Frequency.YEARLY:
        return f"在{day.year}年内"
    return ""


def _served_at(day: datetime.date) -> datetime.datetime:
    """A list gives the day, not the time: the record says the day's start, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _request_id(program: Program, row: _Row) -> str:
    """The same line of the same program gives the same id, so a re-import is a replay.

    Built from what the line says (the worker's blind index, never the clear ID):
    a corrected line (another amount, say) is a new request, which the
    frequency limit refuses while the earlier record is live.
    """
    parts = [
        str(program.pk),
        row.worker.id_index,
        row.day.isoformat(),
        str(row.point.pk) if row.point else "",
        str(row.quantity),
        "" if row.amount_fen is None else str(row.amount_fen),
    ]
    return "import:" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:57]


def _refusal_problem(program: Program, row: _Row, refusal: ServiceRefused) -> RowProblem:
    if refusal.code != "already_served":
        return RowProblem(row.number, ID, refusal.message)
    earlier = (
        ServiceRecord.objects.filter(
            program=program,
            worker=row.worker,
            period_key=period_key(program.frequency, row.day),
            voided=False,
        )
        .select_related("point", "org")
        .first()
    )
    if earlier is None:  # voided between the refusal and this look-up
        return RowProblem(row.number, ID, refusal.message)
    where = earlier.point.name if earlier.point else earlier.org.name
    return RowProblem(
        row.number,
        ID,
        f"该职工{_window(program, row.day)}已享受过本项目：{earlier.served_on}在{where}"
        f"（{earlier.get_channel_display()}），不能重复登记",
    )


def _budget_problem(program: Program, row: _Row) -> RowProblem:
    left = program.budget_fen - budget.spent_fen(program)
    need = program.unit_cost_fen * row.quantity if row.amount_fen is None else row.amount_fen
    return RowProblem(
        row.number,
        AMOUNT,
        f"“{program.name}”预算已用完：导入到本行时剩余{fen_to_yuan(left)}元，"
        f"本行需{fen_to_yuan(need)}元，整个文件未导入",
    )


def _scope_problem(row: _Row) -> RowProblem:
    if row.point is not None:
        return RowProblem(row.number, POINT, f"服务点“{row.point.name}”不在您的管辖范围内")
    return RowProblem(row.number, ID, "该职工不在您的管辖范围内，无权为其登记服务")
