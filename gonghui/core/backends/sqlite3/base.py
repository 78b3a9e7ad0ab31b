"""Django's SQLite backend with writers queued by the kernel instead of by polling.

With ``BEGIN IMMEDIATE`` every write transaction takes SQLite's one write
lock up front; a writer that finds it taken sleeps in SQLite's busy handler
(1, 2, 5, 10, … 100 ms) and tries again, so under a morning rush most of a
check-in's latency is sleeping and the lock sits idle between sleeps. Here a
writer first takes an exclusive ``flock`` on a file beside the database: the
kernel wakes the next waiter the moment the lock is released, in every
process of the server. The flock is held from BEGIN to COMMIT/ROLLBACK, the
same span SQLite's own lock covers, so nothing is serialised that was not
already. In-memory databases (one process) skip it.

The database file and the lock file are created owner-only (0600) whatever the
umask: the file holds every record. SQLite gives its ``-wal`` and ``-shm``
files the database file's mode.
"""

import fcntl
import os

from django.db.backends.sqlite3 import base

from gonghui.core.files import open_private


class DatabaseWrapper(base.DatabaseWrapper):
    _writers_file = None
    _holds_writers_lock = False

    def get_new_connection(self, conn_params):
        on_disk = not self.is_in_memory_db()
        if on_disk and not os.path.exists(self.settings_dict["NAME"]):
            # An empty file is an empty database, which SQLite then fills.
            open_private(self.settings_dict["NAME"], "ab").close()
        connection = super().get_new_connection(conn_params)
        if on_disk:
            self._writers_file = open_private(f"{self.settings_dict['NAME']}-writers", "a+b")
        return connection

    def is_usable(self) -> bool:
        """A closed handle is found without a statement, as on PostgreSQL (Django's SQLite
        backend calls every handle usable, so one closed underneath it would fail the
        request instead of being replaced before it)."""
        if self.connection is None:
            return False
        try:
            self.connection.total_changes  # noqa: B018 - raises on a closed handle
        except base.Database.ProgrammingError:
            return False
        return True

    def _start_transaction_under_autocommit(self):
        if self._writers_file is not None:
            fcntl.flock(self._writers_file, fcntl.LOCK_EX)
            self._holds_writers_lock = True
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_writers_lock()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._release_writers_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._release_writers_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            self._release_writers_lock()
            if self._writers_file is not None:
                self._writers_file.close()
                self._writers_file = None

    def _release_writers_lock(self) -> None:
        if self._holds_writers_lock:
            fcntl.flock(self._writers_file, fcntl.LOCK_UN)
            self._holds_writers_lock = False
