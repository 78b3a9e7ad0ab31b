"""The busiest tables keep one org_path index, and a subtree read can use it."""

import pytest
from django.db import connection

from gonghui.audit.models import AuditEvent
from gonghui.programs.models import ProgramWorkerYear, ServiceRecord

pytestmark = pytest.mark.django_db

TABLES = [
    (ServiceRecord, "service_record_subtree"),
    (ProgramWorkerYear, "program_worker_year_subtree"),
    (AuditEvent, "audit_event_subtree"),
]


@pytest.mark.parametrize(("model", "index"), TABLES)
def test_one_index_covers_org_path_and_serves_a_subtree_read(model, index):
    """On PostgreSQL the subtree read's plan names the index (sequential scans off, the
    table being small); SQLite's LIKE ignores case and uses no index there anyway."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    on_path = sorted(
        name
        for name, facts in constraints.items()
        if facts["index"] and facts["columns"] == ["org_path"]
    )
    assert on_path == [index]
    if connection.vendor == "postgresql":
        subtree = model.objects.filter(org_path__startswith="410000/411700/")
        sql, params = subtree.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan
