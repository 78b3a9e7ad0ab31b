"""Outdoor-category workers per org × employer (``OutdoorWorkerCount``), kept by
``save_workers`` in the transaction that writes the workers and recounted from the
worker table alone (``gonghui rollup check|rebuild --app members``).

A write gathers its changes in an ``OutdoorDeltas`` (+1 where a worker now counts, −1
where one no longer does) and applies them with ``add_outdoor``: one grouped upsert per
batch of workers, whatever its size, never a statement per worker. A row that falls to
zero is deleted, so the table holds what a rebuild would write, row for row.
"""

from collections import Counter

from django.db import connection
from django.db.models import Count, QuerySet

from gonghui.core.rollups import RollupSet, RollupTable, add_many_to_rollup
from gonghui.members.categories import OUTDOOR_BITS
from gonghui.members.models import OutdoorWorkerCount, Worker

NO_EMPLOYER = 0  # ``OutdoorWorkerCount.employer_id`` of workers without an employer


class OutdoorDeltas(Counter):
    """Changes to ``OutdoorWorkerCount`` by (org_id, org_path, employer_id or 0)."""

    def add_worker(
        self, *, org_id: int, org_path: str, employer_id: int | None, categories: int, by: int
    ) -> None:
        """Add ``by`` (1 or −1) for a worker of these values, if an outdoor one."""
        if categories & OUTDOOR_BITS:
            self[(org_id, org_path, employer_id or NO_EMPLOYER)] += by


def add_outdoor(deltas: Counter) -> None:
    """Apply ``deltas`` to ``OutdoorWorkerCount``; call inside the workers' transaction."""
    add_many_to_rollup(
        OutdoorWorkerCount,
        key=("org_path", "employer_id"),
        extra=("org_id",),
        deltas=("workers",),
        rows=[
            (org_path, employer_id, org_id, n)
            for (org_id, org_path, employer_id), n in deltas.items()
            if n
        ],
    )
    # Only a decrement can empty a row: updates and deletions, never a roster's inserts.
    emptied = [(path, employer_id) for (_, path, employer_id), n in deltas.items() if n < 0]
    if emptied:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"DELETE FROM {OutdoorWorkerCount._meta.db_table} "
                "WHERE org_path = %s AND employer_id = %s AND workers = 0",
                emptied,
            )


def count_outdoor(workers: QuerySet[Worker]) -> OutdoorDeltas:
    """The outdoor workers among ``workers``, grouped as the rollup keys them, in one query:
    what to subtract before deleting them, or (all workers) the rollup itself."""
    outdoor = workers.extra(where=["(categories & %s) != 0"], params=[OUTDOOR_BITS])
    rows = outdoor.order_by().values_list("org_id", "org_path", "employer_id")
    counted = OutdoorDeltas()
    for org_id, org_path, employer_id, n in rows.annotate(n=Count("id")).iterator():
        counted[(org_id, org_path, employer_id or NO_EMPLOYER)] += n
    return counted


def take_out_of_outdoor(workers: QuerySet[Worker]) -> None:
    """Subtract ``workers`` from the rollup; call in the transaction that deletes them."""
    add_outdoor(Counter({key: -n for key, n in count_outdoor(workers).items()}))


OUTDOOR = RollupTable(
    "户外劳动者汇总", OutdoorWorkerCount, ("org_id", "org_path", "employer_id"), ("workers",)
)


def recount() -> tuple[Counter]:
    """Outdoor workers per org and employer, recounted from the worker table."""
    counted = count_outdoor(Worker.objects.all())
    return (Counter({(*key, "workers"): n for key, n in counted.items()}),)


ROLLUPS = RollupSet(label="户外劳动者汇总表", tables=(OUTDOOR,), recount=recount)
