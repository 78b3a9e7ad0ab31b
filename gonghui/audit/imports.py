"""A finished import, kept and audited: every imported row traces to who and when."""

from gonghui.audit.services import record_event
from gonghui.core.importing import ImportReport
from gonghui.core.models import ImportRun


def record_import_run(
    report: ImportReport, *, by, kind: str, client_ip: str | None, after: dict
) -> None:
    """Keep a finished import as an ``ImportRun`` and audit it, inside the caller's
    transaction, so every imported row traces to who and when; ``after`` is what the audit
    event keeps of the run."""
    run = ImportRun.objects.create(
        kind=kind,
        filename=report.filename,
        user=by,
        org_path=by.scope_path,
        rows=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
    )
    report.run_id = run.pk
    record_event(
        actor=by,
        action="import",
        object_type="import_run",
        object_id=run.pk,
        org_path=by.scope_path,
        client_ip=client_ip,
        after=after,
    )
