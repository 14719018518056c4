"""Sessions read with a prepared statement (``ventas_ingenio.sesiones``) behave as Django's."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

pytestmark = pytest.mark.django_db(databases="__all__")


def test_sesion_vigente_vencida_y_falsa(client, cajero):
    client.force_login(cajero)
    assert client.get("/ventas/caja/buscar/?q=").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    respuesta = client.get("/ventas/caja/buscar/?q=")
    assert respuesta.status_code == 302 and respuesta["Location"].startswith("/entrar/")
    client.cookies["sessionid"] = "x" * 32  # a key nobody was given
    assert client.get("/ventas/caja/buscar/?q=").status_code == 302
    client.cookies["sessionid"] = "\x00'; --"
    assert client.get("/ventas/caja/buscar/?q=").status_code == 302


def test_cerrar_sesion_la_borra(client, cajero):
    client.force_login(cajero)
    clave = client.cookies["sessionid"].value
    client.post("/salir/")
    assert not Session.objects.filter(session_key=clave).exists()
    client.cookies["sessionid"] = clave  # the old cookie, replayed
    assert client.get("/ventas/caja/buscar/?q=").status_code == 302
