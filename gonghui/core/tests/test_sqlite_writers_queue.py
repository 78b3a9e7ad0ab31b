"""SQLite writers wait their turn on the backend's flock instead of failing or polling."""

import threading

from django.db import connections, transaction

WRITERS = 8
TRANSACTIONS_EACH = 20


def test_overlapping_write_transactions_queue_with_the_busy_handler_off(
    tmp_path, django_db_blocker
):
    alias = "writers_queue"
    connections.settings[alias] = {
        **connections.settings["default"],
        "ENGINE": "gonghui.core.backends.sqlite3",
        "NAME": str(tmp_path / "queue.sqlite3"),
        # No busy handler at all: without the queue the second BEGIN IMMEDIATE fails at once.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 0},
        "CONN_MAX_AGE": 0,
    }
    errors: list[Exception] = []
    start = threading.Barrier(WRITERS)

    def write(writer: int) -> None:
        try:
            start.wait()
            for n in range(TRANSACTIONS_EACH):
                with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
                    cursor.execute("INSERT INTO t (writer, n) VALUES (%s, %s)", [writer, n])
                    threading.Event().wait(0.001)  # hold the lock long enough to overlap
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(exc)
        finally:
            connections[alias].close()

    try:
        with django_db_blocker.unblock():
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE t (writer INTEGER, n INTEGER)")
            threads = [threading.Thread(target=write, args=(w,)) for w in range(WRITERS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT COUNT(*), COUNT(DISTINCT writer) FROM t")
                stored = cursor.fetchone()
            connections[alias].close()
    finally:
        del connections.settings[alias]
    assert errors == []
    assert stored == (WRITERS * TRANSACTIONS_EACH, WRITERS)
