"""The persistent-connection health check of both backends: no statement for a healthy
connection, a new connection for one that was ended."""

import time

import pytest
from django.db import connection


@pytest.fixture
def other(db, tmp_path):
    """A second connection, as a server thread holds one: to the test database on
    PostgreSQL, to a file on SQLite (Django never closes an in-memory database)."""
    wrapper = connection.copy()
    if wrapper.vendor == "sqlite":
        wrapper.settings_dict["NAME"] = str(tmp_path / "other.sqlite3")
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


def _statements_of_a_health_check(wrapper) -> list[str]:
    """What the health check at the start of a request sends on ``wrapper``'s connection."""
    sent: list[str] = []
    if wrapper.vendor == "postgresql":
        pid = _pid(wrapper)
    else:
        wrapper.connection.set_trace_callback(sent.append)
    wrapper.close_if_unusable_or_obsolete()  # a request starts: its first use checks
    wrapper.close_if_health_check_failed()
    if wrapper.vendor == "postgresql":
        _state, query = _backend(pid)
        return [] if query == "SELECT pg_backend_pid()" else [query]
    wrapper.connection.set_trace_callback(None)
    return sent


def _end(wrapper) -> None:
    """End ``wrapper``'s connection from outside: PostgreSQL terminates its backend, an
    SQLite handle is closed underneath Django."""
    if wrapper.vendor != "postgresql":
        wrapper.connection.close()
        return
    pid = _pid(wrapper)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 10
    while _backend(pid) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _backend(pid) is None


def test_a_healthy_connection_is_checked_without_a_statement(other):
    assert other.health_check_enabled
    raw = other.connection
    assert _statements_of_a_health_check(other) == []
    assert other.health_check_done and other.connection is raw


def test_an_ended_connection_is_replaced_before_it_is_used(other):
    ended = other.connection
    _end(other)
    other.close_if_unusable_or_obsolete()
    with other.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1
    assert other.connection is not ended
