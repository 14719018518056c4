import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from ventas_ingenio.roles import (
    APPS_NEGOCIO,
    PERMISOS_POR_ROL,
    ROL_CAJERO,
    ROL_GERENTE,
    PermisoInexistente,
    rol_asignar,
    roles_configurar,
)
from ventas_ingenio.tests.factories import UsuarioFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def test_configurar_crea_los_tres_roles_y_es_idempotente():
    roles_configurar()
    roles_configurar()
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Cajero", "Consulta", "Gerente"]


def test_gerente_tiene_todo_el_negocio_y_usuarios():
    grupos = roles_configurar()
    permisos = set(grupos[ROL_GERENTE].permissions.values_list("content_type__app_label", "codename"))
    negocio = set(
        Permission.objects.filter(content_type__app_label__in=APPS_NEGOCIO).values_list(
            "content_type__app_label", "codename"
        )
    )
    assert negocio <= permisos
    assert ("auth", "change_user") in permisos


def test_cajero_no_administra_usuarios():
    grupos = roles_configurar()
    codigos = set(grupos[ROL_CAJERO].permissions.values_list("codename", flat=True))
    assert "change_user" not in codigos and "view_user" not in codigos


def test_configurar_quita_permisos_puestos_a_mano():
    grupos = roles_configurar()
    grupos[ROL_CAJERO].permissions.add(Permission.objects.get(codename="delete_user"))
    roles_configurar()
    assert not grupos[ROL_CAJERO].permissions.filter(codename="delete_user").exists()


def test_permiso_mal_escrito_falla(monkeypatch):
    monkeypatch.setitem(PERMISOS_POR_ROL, ROL_CAJERO, ["auth.no_existe"])
    with pytest.raises(PermisoInexistente):
        roles_configurar()


def test_solo_gerente_es_staff():
    roles_configurar()
    usuario = UsuarioFactory()
    rol_asignar(usuario=usuario, rol=ROL_GERENTE)
    assert usuario.is_staff
    rol_asignar(usuario=usuario, rol=ROL_CAJERO)
    usuario.refresh_from_db()
    assert not usuario.is_staff
    assert list(usuario.groups.values_list("name", flat=True)) == [ROL_CAJERO]


def test_preparar_crea_usuarios_de_desarrollo_solo_con_datos_demo(settings):
    """Production (no DATOS_DEMO) never gets the demo users; `make run` (DATOS_DEMO=true, DEBUG
    off) does."""
    from django.contrib.auth import get_user_model

    settings.DATOS_DEMO = False
    call_command("preparar")
    assert not get_user_model().objects.filter(username="gerente").exists()
    settings.DATOS_DEMO = True
    settings.DEBUG = False
    call_command("preparar")
    call_command("preparar")
    gerente = get_user_model().objects.get(username="gerente")
    assert gerente.check_password("gerente-demo") and gerente.is_staff
    assert list(gerente.groups.values_list("name", flat=True)) == [ROL_GERENTE]
