"""Enrolment lists (a union's sign-up sheet), training-fund trainee rosters and judges'
score sheets: every row checked, then all or nothing.

Template columns, in this order: ``身份证号,姓名``. Rows are applications in
the sheet's order: each goes through ``enrol`` (channel ``import``), so a
full class puts the later rows on the waiting list exactly as the phone page
would, and the same refusals (scope, eligibility, an ended class) become row
problems. A worker who already applied is left as they are, so importing the
same file again changes nothing.
"""

from dataclasses import dataclass
from pathlib import Path

from django.http import Http404

from gonghui.audit.imports import Progress, import_counts, run_import
from gonghui.core.chinese import simplified
from gonghui.core.dates import parse_date
from gonghui.core.errors import DomainError, PermissionDenied
from gonghui.core.importing import (
    ImportReport,
    RowProblem,
    parse_worker_rows,
    problem,
    read_rows,
)
from gonghui.core.tabular import Cell, cell_text, iter_padded
from gonghui.members.selectors import mask_name, worker_by_id_number, workers_by_id_numbers
from gonghui.members.validation import clean_id
from gonghui.training.competitions import (
    check_mark,
    competition_for,
    may_score,
    record_score,
)
from gonghui.training.funds import add_trainee, fund_project_for
from gonghui.training.models import (
    Channel,
    Competition,
    EnrolmentState,
    FundProject,
    Part,
    TrainingClass,
)
from gonghui.training.selectors import class_for
from gonghui.training.services import enrol

COLUMNS = ("身份证号", "姓名")
ID, NAME = COLUMNS
EXAMPLE = ("18位身份证号（文本格式）", "张三")


@dataclass
class EnrolmentImportReport(ImportReport):
    """``created`` new applications (``seated`` of them got a seat, ``waiting`` wait);
    ``unchanged`` rows whose worker had already applied."""

    class_name: str = ""
    seated: int = 0
    waiting: int = 0

    def summary(self) -> str:
        if self.file_error or self.errors:
            return super().summary()
        verb = "校验通过（试导入，未写入）" if self.dry_run else "导入完成"
        return (
            f"{self.filename}：{verb}，班级“{self.class_name}”，共{self.rows}行，"
            f"新报名{self.created}人（录取{self.seated}，候补{self.waiting}），"
            f"此前已报名{self.unchanged}人"
        )


def import_enrolments(
    path: Path,
    *,
    class_id: TrainingClass | int | str,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> EnrolmentImportReport:
    """Validate and (unless ``dry_run`` or any row is bad) apply every row for ``klass``.

    ``class_id`` is a class (or its id) visible to ``by``, who needs the
    ``record_services`` permission for the workers of their subtree.
    """
    report = EnrolmentImportReport(filename=filename or path.name, dry_run=dry_run)
    found = _class(by, class_id, report)
    if found is None:
        return report
    report.class_name = found.name

    def check() -> list[tuple[int, object]] | None:
        table = read_rows(path, COLUMNS, report)
        if table is None:
            return None
        rows = []
        first_row_of: dict[int, int] = {}
        for number, cells in iter_padded(table, len(COLUMNS)):
            worker = _worker(number, cells, found, report)
            if worker is None:
                continue
            first = first_row_of.setdefault(worker.pk, number)
            if first != number:
                report.errors.append(RowProblem(number, ID, f"与第{first}行是同一职工"))
                continue
            rows.append((number, worker))
        return rows

    def write(rows: list[tuple[int, object]]) -> None:
        for done, (number, worker) in enumerate(rows, start=1):
            try:
                result = enrol(
                    by=by, klass=found, worker=worker, channel=Channel.IMPORT, client_ip=client_ip
                )
            except PermissionDenied:
                report.errors.append(RowProblem(number, ID, "该职工不在您的管辖范围内"))
                continue
            except DomainError as exc:
                report.errors.append(RowProblem(number, ID, exc.message))
                continue
            if not result.created:
                report.unchanged += 1
            else:
                report.created += 1
                seated = result.enrolment.state == EnrolmentState.ENROLLED
                report.seated += seated
                report.waiting += not seated
            if progress and done % 100 == 0:
                progress(done, report.rows)

    return run_import(
        report,
        by=by,
        kind="enrolments",
        client_ip=client_ip,
        check=check,
        write=write,
        after=lambda report: {
            "file": report.filename,
            "class": found.pk,
            "rows": report.rows,
            "created": report.created,
            "seated": report.seated,
            "waiting": report.waiting,
            "unchanged": report.unchanged,
        },
        progress=progress,
    )


def _class(by, klass, report: EnrolmentImportReport) -> TrainingClass | None:
    if not by.can("record_services"):
        report.file_error = "您的角色不能为职工报名"
        return None
    pk = klass.pk if isinstance(klass, TrainingClass) else klass
    try:
        return class_for(by, int(str(pk).strip()))
    except (Http404, ValueError):
        report.file_error = f"没有编号为“{pk}”的班级（或不在您的管辖范围内）"
        return None


def _worker(number: int, cells, klass: TrainingClass, report: EnrolmentImportReport):
    raw, name = cells[0], cell_text(cells[1])
    problems = []
    worker = None
    if cell_text(raw) == "":
        problems.append((ID, "身份证号不能为空"))
    else:
        try:
            # A long number Excel stored as a float is reported as such by clean_id.
            number_ok = clean_id(raw if isinstance(raw, float) and raw >= 1e15 else cell_text(raw))
            worker = worker_by_id_number(number_ok.number, within_path=klass.org_path)
            if worker is None:
                problems.append((ID, f"该身份证号未在“{klass.org.name}”范围内的职工名册中登记"))
        except DomainError as exc:
            problems.append((ID, exc.message))
    if not name:
        problems.append((NAME, "姓名不能为空"))
    elif worker is not None and simplified(name.replace(" ", "")) != simplified(worker.name):
        problems.append(
            (NAME, f"姓名“{name}”与该身份证号登记的姓名（{mask_name(worker.name)}）不一致")
        )
    report.errors.extend(RowProblem(number, column, message) for column, message in problems)
    return None if problems else worker


# --- training-fund trainees -----------------------------------------------------------------

FUND_COLUMNS = ("身份证号", "姓名", "入学日期")
FUND_EXAMPLE = ("18位身份证号（文本格式）", "张三", "2026-03-01")
# Attribute a refusal names (``add_trainee``'s keywords) → its column in the sheet.
FUND_COLUMN_OF = {"worker": "身份证号", "joined_on": "入学日期"}


def import_fund_trainees(
    path: Path,
    *,
    project: FundProject | int | str,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Add a roster (``身份证号,姓名,入学日期``; a blank date is the project's start) to a
    fund project visible to ``by``. Any bad row and nothing is added; a worker already on
    the project counts as unchanged, so importing the same file again changes nothing.
    """
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    found = _project(by, project, report)
    if found is None:
        return report

    def parse(number: int, cells: list[Cell], worker) -> tuple[int, object, object]:
        joined = cells[2]
        joined_on = (
            parse_date(joined, field="joined_on", label="入学日期") if cell_text(joined) else None
        )
        if joined_on and not found.starts_on <= joined_on <= found.ends_on:
            raise DomainError(
                "outside_period",
                f"入学日期须在项目期间（{found.starts_on}至{found.ends_on}）内",
                field="joined_on",
            )
        return number, worker, joined_on

    def write(rows: list[tuple[int, object, object]]) -> None:
        for done, (number, worker, joined_on) in enumerate(rows, start=1):
            try:
                added = add_trainee(
                    by=by,
                    project=found,
                    worker=worker,
                    joined_on=joined_on,
                    channel=Channel.IMPORT,
                    client_ip=client_ip,
                )
            except DomainError as exc:
                report.errors.append(problem(number, exc, FUND_COLUMN_OF, ID))
                continue
            report.created += added.created
            report.unchanged += not added.created
            if progress and done % 100 == 0:
                progress(done, report.rows)

    return run_import(
        report,
        by=by,
        kind="fund-trainees",
        client_ip=client_ip,
        check=lambda: parse_worker_rows(
            path,
            FUND_COLUMNS,
            report,
            once_each=True,
            parse=parse,
            column_of=FUND_COLUMN_OF,
            find=lambda numbers: workers_by_id_numbers(numbers, within_path=found.org_path),
        ),
        write=write,
        after=lambda report: {
            "file": report.filename,
            "fund_project": found.pk,
            "rows": report.rows,
            "created": report.created,
            "unchanged": report.unchanged,
        },
        progress=progress,
    )


def _project(by, project, report: ImportReport) -> FundProject | None:
    if not by.can("record_services"):
        report.file_error = "您的角色不能登记资助学员"
        return None
    pk = project.pk if isinstance(project, FundProject) else project
    try:
        return fund_project_for(by, int(str(pk).strip()))
    except (Http404, ValueError):
        report.file_error = f"没有编号为“{pk}”的培训资助项目（或不在您的管辖范围内）"
        return None


# --- judges' score sheets -------------------------------------------------------------------

SCORE_COLUMNS = ("身份证号", "姓名", "评委", "部分", "分数")
SCORE_EXAMPLE = ("18位身份证号（文本格式）", "张三", "评委1", "实操", "86.5")
_PART_OF_LABEL = {label: value for value, label in Part.choices}
# Attribute a refusal names (``record_score``'s keywords) → its column in the sheet.
SCORE_COLUMN_OF = {"worker": "身份证号", "judge": "评委", "part": "部分", "points": "分数"}


def import_scores(
    path: Path,
    *,
    competition: Competition | int | str,
    by,
    filename: str | None = None,
    dry_run: bool = False,
    client_ip: str | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Judges' marks (``身份证号,姓名,评委,部分,分数``; 部分 is 理论 or 实操) for the entries of a
    contest run in ``by``'s subtree, each row one judge's mark for one part of that worker's
    entry, through ``record_score``. Any bad row and nothing is written; a mark equal to the
    stored one is unchanged and a different one replaces it (updated), so importing the same
    sheet again changes nothing and a corrected sheet changes only the corrected marks.
    """
    report = ImportReport(filename=filename or path.name, dry_run=dry_run)
    found = _competition(by, competition, report)
    if found is None:
        return report
    entry_of = {e.worker_id: e for e in found.entries.all()}
    first_row: dict[tuple[int, str, str], int] = {}

    def parse(number: int, cells: list[Cell], worker) -> tuple[int, object, str, str, object]:
        entry = entry_of.get(worker.pk)
        if entry is None:
            raise DomainError("not_entered", f"该职工未报名“{found.name}”", field="worker")
        label = cell_text(cells[3])
        judge, part, points = check_mark(
            judge=cell_text(cells[2]),
            part=_PART_OF_LABEL.get(label, label),
            points=cell_text(cells[4]),
        )
        seen = first_row.setdefault((worker.pk, judge, part), number)
        if seen != number:
            raise DomainError(
                "duplicate_mark", f"与第{seen}行是同一评委对该职工{label}部分的评分", field="judge"
            )
        return number, entry, judge, part, points

    def write(rows: list[tuple[int, object, str, str, object]]) -> None:
        for done, (_, entry, judge, part, points) in enumerate(rows, start=1):
            marked = record_score(
                by=by, entry=entry, judge=judge, part=part, points=points, client_ip=client_ip
            )
            report.created += marked.change == "created"
            report.updated += marked.change == "updated"
            report.unchanged += marked.change == "unchanged"
            if progress and done % 100 == 0:
                progress(done, report.rows)

    return run_import(
        report,
        by=by,
        kind="scores",
        client_ip=client_ip,
        check=lambda: parse_worker_rows(
            path,
            SCORE_COLUMNS,
            report,
            parse=parse,
            column_of=SCORE_COLUMN_OF,
            find=lambda numbers: workers_by_id_numbers(numbers, within_path=found.org_path),
        ),
        write=write,
        after=lambda report: {**import_counts(report), "competition": found.pk},
        progress=progress,
    )


def _competition(by, competition, report: ImportReport) -> Competition | None:
    pk = competition.pk if isinstance(competition, Competition) else competition
    try:
        found = competition_for(by, int(str(pk).strip()))
    except (Http404, ValueError):
        report.file_error = f"没有编号为“{pk}”的技能竞赛（或不在您的管辖范围内）"
        return None
    if not may_score(by, found):
        report.file_error = f"您无权为“{found.name}”登记评分（须由主办组织或其上级经办人登记）"
        return None
    return found
