"""Django's database sessions, read with a prepared statement.

Every signed-in request reads its session before anything else. The ORM's ``get()`` compiled the
same one-table query on every request; this store runs it as a prepared statement
(``ventas_ingenio.sql.ejecutar``). Writing, expiring and deleting sessions are Django's own.
"""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from ventas_ingenio import sql


@functools.cache
def _leer_sql(modelo) -> str:
    columna = {campo.name: sql.nombre(campo.column) for campo in modelo._meta.concrete_fields}
    return (
        f"SELECT {columna['session_data']} FROM {sql.tabla(modelo)}"  # noqa: S608 - names from the model
        f" WHERE {columna['session_key']} = %(clave)s AND {columna['expire_date']} > %(ahora)s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        modelo = self.model
        if not self.session_key:
            self._session_key = None
            return None
        with connections[router.db_for_read(modelo)].cursor() as cursor:
            sql.ejecutar(cursor, nombre="sesion_leer", texto=_leer_sql(modelo),
                         parametros={"clave": self.session_key, "ahora": timezone.now()})
            fila = cursor.fetchone()
        if fila is None:
            self._session_key = None
            return None
        return modelo(session_key=self.session_key, session_data=fila[0])
