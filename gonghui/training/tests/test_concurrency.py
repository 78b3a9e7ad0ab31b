"""100 workers applying at the same moment for a 30-seat class, each on its own connection.

``transaction=True`` so each thread's transaction really commits and the
class row lock (PostgreSQL) or the IMMEDIATE write lock (SQLite) is what
serialises them. SQLite's in-memory test database cannot be shared by
writers on several connections, so on SQLite the test moves to a file.
"""

import threading
import time
from collections import Counter

import pytest
from django.db import OperationalError, connection

from gonghui.training.models import EnrolmentState
from gonghui.training.selectors import waiting_position
from gonghui.training.services import WorkerActor, cancel_enrolment, enrol

pytestmark = pytest.mark.django_db(transaction=True)
APPLICANTS = 100


def connect() -> None:
    """This thread's own connection; while the server is at its connection limit (other
    test runs share it), wait for one to free up rather than fail the application."""
    for _ in range(200):
        try:
            connection.ensure_connection()
            return
        except OperationalError as exc:
            if "too many clients" not in str(exc):
                raise
            connection.close()
            time.sleep(0.05)
    connection.ensure_connection()


def test_100_simultaneous_applications_fill_30_seats_and_queue_70(
    file_database, make_class, make_worker
):
    klass = make_class(capacity=30)
    workers = [make_worker(f"学员{i:03d}", org="411702") for i in range(APPLICANTS)]
    start = threading.Barrier(APPLICANTS)
    results, failures = {}, []

    def apply(worker):
        try:
            start.wait()
            connect()
            done = enrol(by=WorkerActor(worker.pk), klass=klass, worker=worker, channel="portal")
            results[worker.pk] = done.enrolment
        except Exception as exc:  # reported below, with the thread's worker
            failures.append((worker.pk, repr(exc)))
        finally:
            connection.close()

    # The test's own connection would be the 101st; PostgreSQL allows 100 by default.
    connection.close()
    threads = [threading.Thread(target=apply, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    states = Counter(e.state for e in results.values())
    assert states == {EnrolmentState.ENROLLED: 30, EnrolmentState.WAITING: 70}
    klass.refresh_from_db()
    assert klass.enrolled_count == 30 and klass.last_queue_no == 100
    by_arrival = sorted(klass.enrolments.all(), key=lambda e: e.queue_no)
    # the first 30 to get the lock hold the seats; the others wait in the order they came
    assert [e.queue_no for e in by_arrival] == list(range(1, 101))
    assert [e.state for e in by_arrival] == ["enrolled"] * 30 + ["waiting"] * 70
    assert [e.applied_at for e in by_arrival] == sorted(e.applied_at for e in by_arrival)
    assert [waiting_position(e) for e in by_arrival[30:]] == list(range(1, 71))

    leaver = by_arrival[7]
    promoted = cancel_enrolment(by=WorkerActor(leaver.worker_id), enrolment=leaver)
    assert promoted.pk == by_arrival[30].pk and promoted.state == "enrolled"
    by_arrival[31].refresh_from_db()
    assert waiting_position(by_arrival[31]) == 1
    klass.refresh_from_db()
    assert klass.enrolled_count == 30
