"""The error pages are ours and in Spanish even when the error is the database itself
(PostgreSQL restarting under the running server)."""

import pytest
from django.db import connections
from django.test import Client

from ventas_ingenio.router import DB_AUTH

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def base_de_auth_caida():
    """The auth database unreachable for real: its connection closed and pointed at a socket
    directory with no server (what a request sees while PostgreSQL restarts)."""
    conexion = connections[DB_AUTH]
    anterior = conexion.settings_dict["HOST"]
    conexion.close()
    conexion.settings_dict["HOST"] = "/nonexistent-ventas-ingenio"
    yield
    conexion.close()
    conexion.settings_dict["HOST"] = anterior


def test_error_500_sin_base_de_datos_es_la_pagina_en_espanol(cajero, base_de_auth_caida):
    """The session can't be read, so the view fails; the 500 page must not read the session
    (the layout's user and roles) again, or the server answers its bare English error."""
    cliente = Client(raise_request_exception=False)
    cliente.cookies["sessionid"] = "x" * 32
    respuesta = cliente.get("/ventas/caja/")
    assert respuesta.status_code == 500
    texto = respuesta.content.decode()
    assert "Algo salió mal" in texto and 'lang="es-MX"' in texto
