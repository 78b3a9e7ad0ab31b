"""The card's distinct persons are read from the per-worker rollups' own indexes: a whole
province in worker order (``by_worker``, no sort of its rows), a city or a county from its
range of paths (``by_path``). These plans are what keeps the province's card within its
time at 8.85 million workers (``gonghui bench report``); a change to the queries' wording
or to the indexes that loses them fails here, not months later at scale."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.indicators import Under
from gonghui.core.periods import Period
from gonghui.programs import indicators as programs
from gonghui.rights import indicators as rights

pytestmark = pytest.mark.django_db

LEVELS = [
    ("410000/", "by_worker"),
    ("410000/411700/", "by_path"),
    ("410000/411700/411702/", "by_path"),
]
FIGURES = [
    (programs.INDICATORS[2], "programs_programworkeryear", "program_wy"),  # breakfast persons
    (rights.WORKERS, "rights_rightsworkeryear", "rights_wy"),
]


def _rollup_queries(indicator, path: str, table: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        indicator.measure(Under(path), Period.year(2026))
    return [q["sql"] for q in captured.captured_queries if table in q["sql"]]


@pytest.mark.parametrize(("path", "index"), LEVELS)
@pytest.mark.parametrize(("indicator", "table", "prefix"), FIGURES)
def test_each_level_reads_distinct_persons_from_its_index(
    served, path, index, indicator, table, prefix
):
    queries = _rollup_queries(indicator, path, table)
    assert len(queries) == 1
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {queries[0]}")
            plan = " ".join(str(row) for row in cursor.fetchall())
            assert f"COVERING INDEX {prefix}_{index}" in plan
            assert "TEMP B-TREE" not in plan or index == "by_path"
        cursor.execute(
            f"SELECT COUNT(DISTINCT worker_id) FROM {table} WHERE year = 2026 AND org_path LIKE %s"
            + (" AND line = 'breakfast'" if table.startswith("programs") else ""),
            [f"{path}%"],
        )
        assert indicator.measure(Under(path), Period.year(2026)) == cursor.fetchone()[0]
