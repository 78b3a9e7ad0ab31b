"""The PostgreSQL backend's health check: no statement for a healthy connection, a new
connection for one the server has ended."""

import time

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's backend (CI runs the suite on both)"
)


@pytest.fixture
def other(db):
    """A second connection to the test database, as a server thread holds one."""
    wrapper = connection.copy()
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def _backend(pid: int) -> tuple | None:
    with connection.cursor() as cursor:
        # The test's transaction would otherwise keep seeing its first look at the activity.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT state, query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()


def _pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def test_a_healthy_connection_is_checked_without_a_statement(other):
    pid = _pid(other)
    assert other.health_check_enabled
    other.close_if_unusable_or_obsolete()  # a request starts: its first use checks
    other.close_if_health_check_failed()
    assert other.health_check_done
    assert other.connection is not None and not other.connection.closed
    assert _backend(pid) == ("idle", "SELECT pg_backend_pid()")


def test_a_connection_the_server_ended_is_replaced_before_it_is_used(other):
    pid = _pid(other)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while _backend(pid) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _backend(pid) is None
    other.close_if_unusable_or_obsolete()
    assert _pid(other) != pid
