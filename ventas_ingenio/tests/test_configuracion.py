"""Settings in production mode, checked in subprocesses with a production-like environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

RAIZ = Path(settings.BASE_DIR)


def _entorno_produccion(**extra):
    base = settings.DATABASES["default"]
    auth = settings.DATABASES["auth"]

    def url(db):
        return f"postgres://{db['USER']}@/{db['NAME']}?host={db['HOST']}&port={db['PORT']}"

    entorno = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "SECURE_", "DATABASE_URL", "AUTH_DATABASE_URL"))}
    entorno.update(
        DJANGO_SETTINGS_MODULE="ventas_ingenio.settings",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="ventas.escuela.mx",
        TIENDA_RAZON_SOCIAL="Colegio Ingenio, A.C.",
        TIENDA_RFC="EKU9003173C9",
        TIENDA_DIRECCION="Calle 5 de Mayo 10, Centro, C.P. 72000, Puebla, Pue.",
        TIENDA_REGIMEN_FISCAL="603",
        DATABASE_URL=url(base),
        AUTH_DATABASE_URL=url(auth),
    )
    entorno.update(extra)
    return entorno


def _manage(*argumentos, entorno):
    return subprocess.run(
        [sys.executable, "manage.py", *argumentos], cwd=RAIZ, env=entorno, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_sin_avisos():
    resultado = _manage("check", "--deploy", "--fail-level", "WARNING", entorno=_entorno_produccion())
    assert resultado.returncode == 0, resultado.stdout + resultado.stderr
    assert "System check identified no issues" in resultado.stdout
    assert "WARNING" not in resultado.stderr


@pytest.mark.parametrize("clave", ["", "corta", "django-insecure-" + "a1b2c3d4e5" * 6])
def test_produccion_se_niega_sin_secret_key_real(clave):
    resultado = _manage("check", entorno=_entorno_produccion(SECRET_KEY=clave))
    assert resultado.returncode != 0
    assert "SECRET_KEY falta o es insegura" in resultado.stderr


def test_rfc_invalido_detiene_el_arranque_y_faltantes_avisan():
    resultado = _manage("check", entorno=_entorno_produccion(TIENDA_RFC="EKU-9013-17"))
    assert resultado.returncode != 0
    assert "ventas_ingenio.E001" in resultado.stderr and "no es un RFC válido" in resultado.stderr
    resultado = _manage("check", "--deploy", entorno=_entorno_produccion(TIENDA_RFC="", DATOS_DEMO="false"))
    assert resultado.returncode == 0
    assert "ventas_ingenio.W001" in resultado.stderr + resultado.stdout and "TIENDA_RFC" in resultado.stderr + resultado.stdout


def test_una_sola_url_de_base_es_un_error_claro():
    entorno = _entorno_produccion()
    del entorno["AUTH_DATABASE_URL"]
    resultado = _manage("check", entorno=entorno)
    assert resultado.returncode != 0
    assert "Define DATABASE_URL y AUTH_DATABASE_URL juntas" in resultado.stderr


def test_idioma_zona_y_dinero():
    assert settings.LANGUAGE_CODE == "es-mx"
    assert settings.TIME_ZONE == "America/Mexico_City"
    assert settings.USE_TZ is True


@pytest.mark.django_db(databases="__all__")
def test_el_servidor_es_postgresql_con_contrib():
    for alias in ("default", "auth"):
        assert connections[alias].vendor == "postgresql"
        assert connections[alias].pg_version >= 140000
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT name FROM pg_available_extensions WHERE name IN ('pg_trgm', 'unaccent')")
        assert {fila[0] for fila in cursor.fetchall()} == {"pg_trgm", "unaccent"}


@pytest.mark.django_db(databases="__all__", transaction=True)
def test_replica_de_lectura_opcional_recibe_los_reportes(cajero):
    """With REPLICA_DATABASE_URL the 'lectura' alias exists, is never migrated, and
    db_lectura() points the report reads at it (here the replica is the same test database)."""
    from ventas_ingenio.router import DB_NEGOCIO, db_lectura

    assert db_lectura() == DB_NEGOCIO  # no replica configured in the suite
    base = settings.DATABASES["default"]
    replica = f"postgres://{base['USER']}@/{base['NAME']}?host={base['HOST']}&port={base['PORT']}"
    codigo = (
        "from django.db import connections; from django.conf import settings\n"
        "from ventas_ingenio.router import db_lectura, RouterBasesDatos\n"
        "from clientes.models import Cliente\n"
        "alias = db_lectura()\n"
        "print(alias, settings.DATABASES[alias]['NAME'], RouterBasesDatos().allow_migrate(alias, 'ventas'))\n"
        "print(Cliente.objects.using(alias).filter(es_publico_general=True).count())\n"
    )
    resultado = _manage("shell", "--no-imports", "-c", codigo, entorno=_entorno_produccion(REPLICA_DATABASE_URL=replica))
    assert resultado.returncode == 0, resultado.stderr
    assert resultado.stdout.split() == ["lectura", base["NAME"], "False", "1"]
    connections.close_all()
