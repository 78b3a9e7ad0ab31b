"""The one import skeleton every importer runs on: all or nothing, dry runs keep nothing, and
a kept import is exactly one run and one audit event.

Each "row" here registers an employer through the real service, so what is rolled back is a
real write."""

import random

import pytest

from gonghui.audit.imports import import_counts, run_import
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import DomainError
from gonghui.core.importing import ImportReport, RowProblem
from gonghui.core.models import ImportRun
from gonghui.orgs.generate import make_uscc
from gonghui.orgs.models import Employer, Org
from gonghui.orgs.services import register_employer

pytestmark = pytest.mark.django_db

RNG = random.Random(11)
ROWS = [(2, "驿城区第一环卫公司", make_uscc(RNG)), (3, "驿城区第二环卫公司", make_uscc(RNG))]


def run(by, *, dry_run=False, keep_run=True, refuse=None, check_error=None, seen=None):
    """Import ``ROWS``; ``refuse`` names a row the write refuses ("row") or the whole file
    ("file") once the row before it is written; ``check_error`` a row the check finds bad."""
    report = ImportReport(filename="单位.csv", dry_run=dry_run)
    calls = []

    def check():
        report.rows = len(ROWS)
        if check_error:
            report.errors.append(RowProblem(check_error, "统一社会信用代码", "格式不对"))
        return ROWS

    def write(rows):
        calls.append(report.run_id)
        county = Org.objects.get(code="411702")
        for number, name, uscc in rows:
            if refuse and number == 3:
                if refuse == "file":
                    raise DomainError("closed", "本月已结账")
                report.errors.append(RowProblem(number, "统一社会信用代码", "该单位已注销"))
                continue
            register_employer(by=by, name=name, uscc=uscc, county=county)
            report.created += 1

    progress = []
    returned = run_import(
        report,
        by=by,
        kind="employers",
        keep_run=keep_run,
        client_ip="10.0.0.9",
        check=check,
        write=write,
        progress=lambda done, total: progress.append((done, total)),
    )
    assert returned is report
    if seen is not None:
        seen.update(write_calls=calls, progress=progress)
    return report


def imports():
    return AuditEvent.objects.filter(action="import")


def refused_run(problems: str) -> None:
    """The one run kept of a refused file: refused, with its problems, and no audit event."""
    run_row = ImportRun.objects.get()
    assert run_row.refused and (run_row.kind, run_row.problems) == ("employers", problems)
    assert run_row.problem_count == 1 and not imports().exists()


def test_a_clean_run_keeps_one_run_and_one_audit_event(province_admin):
    seen = {}
    report = run(province_admin, seen=seen)
    assert report.ok and report.created == 2 and "导入完成" in report.summary()
    assert Employer.objects.count() == 2
    run_row = ImportRun.objects.get()
    assert (run_row.kind, run_row.rows, run_row.created) == ("employers", 2, 2)
    assert report.run_id == run_row.pk
    assert seen["write_calls"] == [run_row.pk]  # the write could point its rows to the run
    event = imports().get()
    assert event.object_id == str(run_row.pk) and event.client_ip == "10.0.0.9"
    assert event.after == import_counts(report)
    assert seen["progress"] == [(2, 2)]


def test_a_dry_run_writes_then_rolls_back_and_keeps_no_run(province_admin):
    seen = {}
    report = run(province_admin, dry_run=True, seen=seen)
    assert report.ok and report.created == 2 and "试导入" in report.summary()
    assert seen["write_calls"] == [None]  # the write ran, with no run to point to
    assert not Employer.objects.exists()
    assert not ImportRun.objects.exists() and not imports().exists()
    assert report.run_id is None


def test_a_refusal_only_the_write_finds_rolls_back_the_rows_written_before_it(province_admin):
    report = run(province_admin, refuse="row")
    assert [(p.row, p.message) for p in report.errors] == [(3, "该单位已注销")]
    assert "未导入任何数据" in report.summary()
    assert not Employer.objects.exists()  # row 2 was written, then rolled back
    refused_run("第3行【统一社会信用代码】该单位已注销")
    assert report.run_id is None


def test_a_whole_file_refusal_from_the_write_is_the_files_error(province_admin):
    report = run(province_admin, refuse="file")
    assert report.file_error == "单位.csv：本月已结账" and not report.ok
    assert not Employer.objects.exists() and report.run_id is None
    refused_run("单位.csv：本月已结账")


def test_a_bad_row_found_by_the_check_writes_nothing(province_admin):
    seen = {}
    report = run(province_admin, check_error=3, seen=seen)
    assert not report.ok and seen["write_calls"] == []
    assert not Employer.objects.exists()
    refused_run("第3行【统一社会信用代码】格式不对")
    assert seen["progress"] == [(2, 2)]


def test_an_import_whose_service_keeps_its_own_record_keeps_no_run(province_admin):
    report = run(province_admin, keep_run=False)
    assert report.ok and Employer.objects.count() == 2
    assert not ImportRun.objects.exists() and not imports().exists()
    assert report.run_id is None
