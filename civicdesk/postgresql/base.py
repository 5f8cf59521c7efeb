"""PostgreSQL as Django's backend has it, with a persistent connection's health checked without
a round trip (settings: the `ENGINE` when DATABASE_URL is PostgreSQL).

Django checks a persistent connection (CONN_HEALTH_CHECKS) at the first query of each request by
sending `SELECT 1`: a round trip to the server on every request. Between two requests the server
has nothing to say to an idle connection; when it has ended the connection (a restart,
`pg_terminate_backend`, an idle timeout) it says so and closes the socket, which then turns
readable. So a socket with nothing to read is a connection the server still holds, and one with
something to read is closed here and opened anew, as Django does after a failed `SELECT 1`. A
server that vanished without a word (its machine down) is missed by both checks alike: `SELECT 1`
would wait for TCP's own timeout."""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        return not readable
