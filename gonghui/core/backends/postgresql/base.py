"""Django's PostgreSQL backend with a health check that costs no round trip.

With ``conn_health_checks`` Django sends ``SELECT 1`` before a request's first
statement, to find persistent connections that the server has ended (a restart, an
administrator's ``pg_terminate_backend``). That was one of a check-in's four round
trips. A connection the server has ended has something to read on its socket (the
server's farewell, or end of file), while a healthy idle one has nothing, so a
zero-timeout poll of the socket tells them apart without asking the server. Only
when there is something to read does Django's ``SELECT 1`` run, so anything else
unexpected still gets the full check.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed or self.connection.broken:
            return False
        poller = select.poll()
        poller.register(self.connection.fileno(), select.POLLIN)
        if not poller.poll(0):
            return True
        return super().is_usable()
