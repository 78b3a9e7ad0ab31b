"""Visits racing each other from many threads, each with its own database connection:
the database, not a read-then-write check, keeps one visit per worker per hour, and the
rollup loses no increment."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from gonghui.stations.models import StationDaily, Visit
from gonghui.stations.rollups import ROLLUPS
from gonghui.stations.services import VisitRefused, record_visit, record_worker_visit

THREADS = 12
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("file_database"),  # every thread reaches it, on SQLite too
]


def race(work) -> list:
    """Run ``work()`` in THREADS threads released together; each result or exception."""
    gate = threading.Barrier(THREADS)
    results: list = []

    def run():
        try:
            gate.wait()
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_same_worker_scanning_at_once_counts_once(station, yicheng_officer, make_worker):
    made, worker = station(), make_worker()
    at = timezone.now() - datetime.timedelta(minutes=1)
    results = race(lambda: record_visit(by=yicheng_officer, station=made, worker=worker, at=at))
    refused = [r for r in results if isinstance(r, VisitRefused)]
    assert len(refused) == THREADS - 1, results
    assert {r.code for r in refused} == {"already_visited"}
    assert Visit.objects.count() == 1
    assert StationDaily.objects.get().person_times == 1


def test_concurrent_head_counts_all_reach_the_rollup(station, yicheng_officer):
    made = station()
    results = race(lambda: record_visit(by=yicheng_officer, station=made, count=3))
    assert all(isinstance(r, Visit) for r in results), results
    assert StationDaily.objects.get().person_times == 3 * THREADS
    assert ROLLUPS.differences() == []


def test_a_workers_own_scans_at_once_count_once(station, make_worker):
    """The same phone scanning the station's QR code twice at once (a double tap)."""
    made, worker = station(), make_worker()
    at = timezone.now() - datetime.timedelta(minutes=1)  # one clock hour for every thread
    results = race(lambda: record_worker_visit(worker_id=worker.pk, station=made, at=at))
    assert sum(isinstance(r, Visit) for r in results) == 1, results
    assert {r.code for r in results if not isinstance(r, Visit)} == {"already_visited"}
    assert StationDaily.objects.get().person_times == 1
    assert ROLLUPS.differences() == []
