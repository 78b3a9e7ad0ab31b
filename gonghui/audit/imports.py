"""The one way a file is imported: read, check every row, write all or nothing, keep the run.

Every importer hands ``run_import`` its report and two steps: ``check`` (read the file and
check every row without writing) and ``write`` (put the clean rows through the app's
services). Whatever the importer, a bad row means nothing of the file is written, a dry run
writes and rolls back, and a kept import is an ``ImportRun`` with an audit event, so every
imported row traces to who and when. It lives in ``audit`` because the run is audited and
``core`` may import no other app.
"""

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.db import transaction

from gonghui.audit.services import record_event
from gonghui.core.errors import DomainError
from gonghui.core.importing import ImportReport
from gonghui.core.models import ImportRun
from gonghui.core.redaction import redact

Progress = Callable[[int, int], None]
Report = TypeVar("Report", bound=ImportReport)
Row = TypeVar("Row")

# How many problems a refused run keeps as text; it counts them all.
KEPT_PROBLEMS = 20


def import_counts(report: ImportReport) -> dict:
    """What the audit event of a run keeps unless the importer says otherwise: the file and
    its counts."""
    return {
        "file": report.filename,
        "rows": report.rows,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
    }


def run_import(
    report: Report,
    *,
    by,
    kind: str,
    client_ip: str | None,
    check: Callable[[], Sequence[Row] | None],
    write: Callable[[Sequence[Row]], None],
    after: Callable[[Report], dict] = import_counts,
    progress: Progress | None = None,
    keep_run: bool = True,
) -> Report:
    """Check a file, then write it in one transaction, all or nothing; returns ``report``.

    ``check()`` reads the file and checks every row without writing; it returns the clean
    rows, or puts every problem in ``report`` (then nothing is written and the report comes
    back at once). ``write(rows)`` puts the rows through the app's services and counts them
    in ``report``; what only a write can refuse (scope, budget, a full class) it adds to
    ``report.errors`` row by row, and a ``DomainError`` it raises refuses the whole file
    (``report.file_error``). Any error rolls the whole write back: a file is imported whole
    or not at all, so a corrected file can simply be imported again.

    ``report.dry_run`` writes and then rolls back, so a dry run also finds what only the
    write can refuse, and keeps nothing, not even the run.

    A kept import of ``kind`` is an ``ImportRun`` (opened before ``write``, so rows may
    point to it through ``report.run_id``; None during a dry run) and an audit event whose
    ``after`` is ``after(report)``. ``keep_run=False`` is for an import whose own service
    keeps the record of it (a mutual-aid roster is itself the run, awaiting review; a case's
    roster and recoveries are audited on the case): then no kept ``ImportRun`` is written.

    A refused file (not a dry run), whatever the importer, is an ``ImportRun`` too, marked
    ``refused`` with its problem count and the first ``KEPT_PROBLEMS`` problems, redacted
    (a problem may quote a cell): nothing else of it is written, and this row is what tells
    its user on the home page that a file still waits to be fixed.

    ``progress(done, total)`` is called with all rows done once the run ends; ``check``
    and ``write`` report their own progress on the way.
    """
    rows = check()
    if rows is not None and report.ok:
        _write_or_roll_back(
            report,
            rows,
            by=by,
            kind=kind if keep_run else None,
            client_ip=client_ip,
            write=write,
            after=after,
        )
    if not report.ok and not report.dry_run:
        _keep_refusal(report, by=by, kind=kind)
    if progress and report.rows:
        progress(report.rows, report.rows)
    return report


def _write_or_roll_back(report, rows, *, by, kind, client_ip, write, after) -> None:
    run, kept = None, False
    try:
        with transaction.atomic():
            if kind is not None and not report.dry_run:
                # Opened first so that rows can point to it (a worker keeps its import run).
                run = ImportRun.objects.create(
                    kind=kind, filename=report.filename, user=by, org_path=by.scope_path
                )
                report.run_id = run.pk
            write(rows)
            kept = not report.errors and not report.dry_run
            if not kept:
                transaction.set_rollback(True)
            elif run is not None:
                _keep_run(run, report, by=by, client_ip=client_ip, after=after(report))
    except DomainError as exc:
        kept = False
        report.file_error = f"{report.filename}：{exc.message}"
    if run is not None and not kept:  # rolled back with the rows
        report.run_id = None


def _keep_run(run: ImportRun, report: ImportReport, *, by, client_ip: str | None, after: dict):
    run.rows, run.created, run.updated, run.unchanged = (
        report.rows,
        report.created,
        report.updated,
        report.unchanged,
    )
    run.save(update_fields=["rows", "created", "updated", "unchanged"])
    record_event(
        actor=by,
        action="import",
        object_type="import_run",
        object_id=run.pk,
        org_path=by.scope_path,
        client_ip=client_ip,
        after=after,
    )


def _keep_refusal(report: ImportReport, *, by, kind: str) -> None:
    problems = [report.file_error] if report.file_error else []
    problems += [str(p) for p in report.errors[: KEPT_PROBLEMS - len(problems)]]
    ImportRun.objects.create(
        kind=kind,
        filename=report.filename,
        user=by,
        org_path=by.scope_path,
        rows=report.rows,
        refused=True,
        problem_count=len(report.errors) + bool(report.file_error),
        problems=redact("\n".join(problems)),
    )
