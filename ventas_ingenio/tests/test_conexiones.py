"""The health check of pooled connections: no SELECT 1 while the socket is quiet, and a
connection PostgreSQL closed is still replaced before the request's first query."""

import select
import time

import pytest
from django.db import connections

from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases=[DB_NEGOCIO])


@pytest.fixture
def conexion():
    """A connection of its own (as a gunicorn thread holds one), outside the test's transaction."""
    envoltura = connections.create_connection(DB_NEGOCIO)
    envoltura.settings_dict["CONN_HEALTH_CHECKS"] = True
    yield envoltura
    envoltura.close()


def _consultar(envoltura, marca: str) -> int:
    with envoltura.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), %s", [marca])
        return cursor.fetchone()[0]


def _ultima_consulta(pid: int) -> str:
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def _nueva_peticion(envoltura) -> None:
    # What Django does between two requests (request_started / request_finished).
    envoltura.close_if_unusable_or_obsolete()
    envoltura.close_if_health_check_failed()


def test_conexion_en_silencio_no_manda_select_1(conexion):
    pid = _consultar(conexion, "primera")
    assert conexion.health_check_enabled
    _nueva_peticion(conexion)
    assert conexion.connection is not None
    # The server saw nothing after the request's query: no SELECT 1 went out.
    assert "pg_backend_pid" in _ultima_consulta(pid)
    assert _consultar(conexion, "segunda") == pid


def test_conexion_cerrada_por_postgresql_se_reemplaza_antes_de_la_primera_consulta(conexion):
    pid = _consultar(conexion, "primera")
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    limite = time.monotonic() + 5  # the terminated backend's error reaches the socket
    while not select.select([conexion.connection.fileno()], [], [], 0.05)[0]:
        assert time.monotonic() < limite, "el socket no recibió el cierre"
    _nueva_peticion(conexion)
    assert conexion.connection is None  # closed by the check, not by a failed query
    nuevo = _consultar(conexion, "después")
    assert nuevo != pid
