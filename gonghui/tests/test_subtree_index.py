"""The busiest tables keep one org_path index, and a subtree read can use it."""

import pytest
from django.db import connection

from gonghui.audit.models import AuditEvent
from gonghui.orgs.models import Org, OrgKind
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
    table being small); on SQLite, whose LIKE ignores case and never uses an index, the
    ``subtree`` lookup is a range that does."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    on_path = sorted(
        name
        for name, facts in constraints.items()
        if facts["index"] and facts["columns"] == ["org_path"]
    )
    assert on_path == [index]
    subtree = model.objects.filter(org_path__subtree="410000/411700/")
    sql, params = subtree.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert index in plan


@pytest.mark.parametrize(
    ("path", "inside"),
    [
        ("990000/991700/", True),
        ("990000/991700/991702/", True),
        ("990000/9917000/", False),  # a longer code is not a child
        ("990000/99170/", False),
        ("990000/991800/", False),
        ("990000/", False),
    ],
)
def test_subtree_is_the_rows_under_a_path_and_nothing_beside_it(path, inside):
    Org.objects.create(
        code="419999", name="测试", kind=OrgKind.GRASSROOTS, path=path, depth=path.count("/")
    )
    found = Org.objects.filter(path__subtree="990000/991700/", code="419999").exists()
    assert found is inside
