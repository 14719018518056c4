import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

from ventas_ingenio.router import APPS_AUTH, DB_AUTH, DB_NEGOCIO

TABLAS_AUTH = {"auth_user", "auth_group", "auth_permission", "django_session", "django_admin_log", "django_content_type"}


def _modelos():
    return [m for m in apps.get_models(include_auto_created=True)]


@pytest.mark.parametrize("modelo", _modelos(), ids=lambda m: m._meta.label)
def test_cada_modelo_va_a_su_base(modelo):
    esperada = DB_AUTH if modelo._meta.app_label in APPS_AUTH else DB_NEGOCIO
    otra = DB_NEGOCIO if esperada == DB_AUTH else DB_AUTH
    assert router.db_for_read(modelo) == esperada
    assert router.db_for_write(modelo) == esperada
    assert router.allow_migrate_model(esperada, modelo) is True
    assert router.allow_migrate_model(otra, modelo) is False


def test_las_apps_del_proyecto_van_al_negocio():
    for etiqueta in ("inventario", "clientes", "ventas", "integraciones"):
        assert router.allow_migrate(DB_NEGOCIO, etiqueta)
        assert not router.allow_migrate(DB_AUTH, etiqueta)


def test_rechaza_relaciones_entre_bases():
    # Rows read from the auth database, built as the ORM builds them.
    usuario, grupo = User.from_db(DB_AUTH, ["id"], [1]), Group.from_db(DB_AUTH, ["id"], [1])
    assert router.allow_relation(usuario, grupo) is True
    negocio = [m for m in _modelos() if m._meta.app_label not in APPS_AUTH]
    if not negocio:
        pytest.skip("todavía no hay modelos de negocio")
    objeto = negocio[0]()
    assert router.allow_relation(usuario, objeto) is False


def _tablas(alias):
    with connections[alias].cursor() as cursor:
        return set(connections[alias].introspection.table_names(cursor))


@pytest.mark.django_db(databases="__all__")
def test_las_tablas_viven_solo_en_su_base():
    en_auth, en_negocio = _tablas(DB_AUTH), _tablas(DB_NEGOCIO)
    assert TABLAS_AUTH <= en_auth
    assert not (TABLAS_AUTH & en_negocio)
    for modelo in _modelos():
        if modelo._meta.app_label in APPS_AUTH or not modelo._meta.managed:
            continue
        tabla = modelo._meta.db_table
        assert tabla in en_negocio, tabla
        assert tabla not in en_auth, tabla


@pytest.mark.django_db(databases="__all__")
def test_tipos_de_contenido_y_permisos_de_negocio_en_auth():
    negocio = [m for m in _modelos() if m._meta.app_label not in APPS_AUTH and not m._meta.auto_created]
    for modelo in negocio:
        tipo = ContentType.objects.get_for_model(modelo)
        assert tipo._state.db == DB_AUTH
        assert Permission.objects.filter(content_type=tipo, codename=f"view_{modelo._meta.model_name}").exists()
