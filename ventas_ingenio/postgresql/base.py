"""Django's PostgreSQL backend with a health check that costs no round trip while the
connection is quiet.

``CONN_HEALTH_CHECKS`` makes Django send ``SELECT 1`` on each alias before a request's first
query: two round trips per request here (business and auth). A connection that PostgreSQL
closed is never quiet: a server shutting down or a terminated backend sends its error and
closes the socket, so the socket turns readable while the connection is idle between requests.
This backend looks at the socket first (``select`` with no wait) and only sends Django's
``SELECT 1`` when something arrived; a silent socket is taken as healthy.

What it does not see is a peer that vanished without a word (a cable pulled between hosts):
the ``SELECT 1`` would not see it either until the TCP timeout, so nothing is lost there.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Names of the statements this session has prepared (``ventas_ingenio.sql.ejecutar``),
        # and whether one of them broke, so the session is replaced at the end of the request.
        self.preparadas: set[str] = set()
        self.preparadas_rotas = False

    def connect(self):
        self.preparadas, self.preparadas_rotas = set(), False  # a new session has none
        super().connect()

    def close_if_unusable_or_obsolete(self):
        if self.connection is not None and self.preparadas_rotas:
            self.close()
            return
        super().close_if_unusable_or_obsolete()

    def close_if_health_check_failed(self):
        if (
            self.connection is None
            or not self.health_check_enabled
            or self.health_check_done
            or self.pool
        ):
            return
        if self._en_silencio():
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def _en_silencio(self) -> bool:
        """Nothing arrived on the connection's socket since its last answer."""
        if self.connection.closed:
            return False
        try:
            legibles, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not legibles
