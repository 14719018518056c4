"""The auth backend reads the user and their permissions in one query, on every request."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connections
from django.test.utils import CaptureQueriesContext

from ventas_ingenio.router import DB_AUTH
from ventas_ingenio.tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db(databases="__all__")

HISTORIAL = "/ventas/historial/"


def test_una_peticion_lee_sesion_y_usuario_con_permisos_en_dos_consultas(client, cajero):
    client.force_login(cajero)
    with CaptureQueriesContext(connections[DB_AUTH]) as consultas:
        assert client.get(HISTORIAL).status_code == 200
    # the session, then the user with both permission sets and role names (ModelBackend: 1 + 4)
    assert len(consultas) == 2, [c["sql"] for c in consultas]


def test_quitar_el_rol_aplica_en_la_siguiente_peticion(client, cajero):
    client.force_login(cajero)
    assert client.get(HISTORIAL).status_code == 200
    cajero.groups.clear()
    assert client.get(HISTORIAL).status_code == 403


def test_permiso_directo_del_usuario_cuenta(client):
    usuario = UsuarioFactory(username="auditor")
    client.force_login(usuario)
    assert client.get(HISTORIAL).status_code == 403
    usuario.user_permissions.add(Permission.objects.get(codename="view_venta", content_type__app_label="ventas"))
    assert client.get(HISTORIAL).status_code == 200


def test_usuario_desactivado_sale_de_su_sesion(client, cajero):
    client.force_login(cajero)
    cajero.is_active = False
    cajero.save()
    respuesta = client.get(HISTORIAL)
    assert respuesta.status_code == 302 and respuesta["Location"].startswith("/entrar/")


def test_superusuario_tiene_todos_los_permisos(client):
    jefe = UsuarioFactory(username="jefe", is_superuser=True, is_staff=True)
    client.force_login(jefe)
    assert client.get(HISTORIAL).status_code == 200
    usuario = client.get(HISTORIAL).wsgi_request.user
    assert usuario.has_perm("ventas.autorizar_descuento") and usuario.has_perm("auth.delete_group")
