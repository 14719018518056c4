"""Shared fixtures: users in each role, signed-in clients, and a headless browser."""

import os
import shutil
import sys
import threading
from pathlib import Path

import pytest
import requests

from ventas_ingenio.roles import ROL_CAJERO, ROL_CONSULTA, ROL_GERENTE, rol_asignar, roles_configurar
from ventas_ingenio.tests.factories import UsuarioFactory

CLAVE_PRUEBAS = "clave-de-pruebas-123"


@pytest.fixture
def roles(db):
    return roles_configurar()


def _usuario_con_rol(rol, **campos):
    usuario = UsuarioFactory(**campos)
    rol_asignar(usuario=usuario, rol=rol)
    return usuario


@pytest.fixture
def usuario_con_rol(roles):
    """Factory fixture: usuario_con_rol("Cajero", username="ana")."""
    return _usuario_con_rol


@pytest.fixture
def cajero(roles):
    return _usuario_con_rol(ROL_CAJERO, username="cajero1", first_name="Carlos", last_name="Ramírez")


@pytest.fixture
def gerente(roles):
    return _usuario_con_rol(ROL_GERENTE, username="gerente1", first_name="Gabriela", last_name="Méndez")


@pytest.fixture
def consulta(roles):
    return _usuario_con_rol(ROL_CONSULTA, username="consulta1", first_name="Rosa", last_name="Aguilar")


@pytest.fixture
def cliente_cajero(client, cajero):
    client.force_login(cajero)
    return client


@pytest.fixture
def cliente_gerente(client, gerente):
    client.force_login(gerente)
    return client


@pytest.fixture
def cliente_consulta(client, consulta):
    client.force_login(consulta)
    return client


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def navegador():
    """Debian's Chromium driven by Playwright. Required under CI; skipped elsewhere if absent."""
    ruta = shutil.which("chromium") or shutil.which("chromium-browser")
    if not ruta:
        if os.environ.get("CI"):
            pytest.fail("Falta chromium: .ci/run debe instalarlo con apt-get")
        pytest.skip("chromium no está instalado (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM
    # calls happen in other threads, the test's own ORM checks in this one.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ruta, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def pagina(navegador):
    contexto = navegador.new_context(locale="es-MX", timezone_id="America/Mexico_City")
    page = contexto.new_page()
    page.set_default_timeout(10_000)
    yield page
    contexto.close()


@pytest.fixture
def entrar(pagina, live_server):
    """entrar("/ventas/caja/", "cajero1"): open a page signed out, sign in on the login form it
    leads to (password CLAVE_PRUEBAS) and wait until the browser is back on that page."""

    def _entrar(ruta, usuario):
        pagina.goto(f"{live_server.url}{ruta}")
        pagina.locator("#id_username").fill(usuario)
        pagina.locator("#id_password").fill(CLAVE_PRUEBAS)
        pagina.get_by_role("button", name="Entrar").click()
        pagina.wait_for_url(f"{live_server.url}{ruta}")

    return _entrar


# --- The sandbox SII + Aula server, over loopback HTTP ---------------------------------------------
class Sandbox:
    """Control of the running sandbox: faults, what each system holds, a worker's environment."""

    def __init__(self, servidor):
        from integraciones.sandbox import urls_de

        self.servidor = servidor
        self.sii_url, self.aula_url = urls_de(servidor)
        host, puerto = servidor.server_address[:2]
        self.base = f"http://{host}:{puerto}"

    def _post(self, ruta, datos=None):
        respuesta = requests.post(f"{self.base}/_control/{ruta}", json=datos or {}, timeout=5)
        respuesta.raise_for_status()

    def reiniciar(self):
        self._post("reiniciar/")

    def falla(self, sistema="todos", modo="ninguna", **opciones):
        self._post("falla/", {"sistema": sistema, "modo": modo, **opciones})

    def alumnos(self, sistema):
        return requests.get(f"{self.base}/_control/alumnos/{sistema}/", timeout=5).json()

    def inscripciones(self):
        return requests.get(f"{self.base}/_control/inscripciones/", timeout=5).json()

    def peticiones(self, sistema):
        return requests.get(f"{self.base}/_control/peticiones/{sistema}/", timeout=5).json()["peticiones"]


@pytest.fixture(scope="session")
def servidor_sandbox():
    from integraciones.sandbox import crear_servidor

    servidor = crear_servidor("127.0.0.1", 0)
    hilo = threading.Thread(target=servidor.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    hilo.start()
    yield servidor
    servidor.almacen.liberar.set()
    servidor.shutdown()
    servidor.server_close()


# Short timeouts and retry delays so fault tests stay fast; the worker subprocesses get the same.
AJUSTES_INTEGRACION_PRUEBAS = {
    "INTEGRACIONES_TIMEOUT_CONEXION": 0.5,
    "INTEGRACIONES_TIMEOUT_LECTURA": 1.0,
    "INTEGRACIONES_PRESUPUESTO_INMEDIATO": 2.0,
    "INTEGRACIONES_BACKOFF_BASE": 0.01,
    "INTEGRACIONES_BACKOFF_MAXIMO": 0.05,
    "INTEGRACIONES_RECLAMO_SEGUNDOS": 3.0,
    "INTEGRACIONES_CIRCUITO_UMBRAL": 5,
    "INTEGRACIONES_CIRCUITO_SEGUNDOS": 0.5,
    "INTEGRACIONES_MAX_INTENTOS": 10,
}


@pytest.fixture
def sandbox(servidor_sandbox, settings):
    """A clean sandbox, with SII_API_URL/AULA_API_URL and short timeouts pointing at it."""
    control = Sandbox(servidor_sandbox)
    control.reiniciar()
    settings.SII_API_URL, settings.AULA_API_URL = control.sii_url, control.aula_url
    for nombre, valor in AJUSTES_INTEGRACION_PRUEBAS.items():
        setattr(settings, nombre, valor)
    yield control
    control.reiniciar()


@pytest.fixture
def entorno_trabajador(sandbox):
    """Environment for a `manage.py sincronizar_clientes` subprocess on the test databases."""
    from django.db import connections

    entorno = dict(os.environ)
    entorno.update(
        DJANGO_SETTINGS_MODULE="ventas_ingenio.settings_test",
        PRUEBAS_BD_NEGOCIO=connections["default"].settings_dict["NAME"],
        PRUEBAS_BD_AUTH=connections["auth"].settings_dict["NAME"],
        SII_API_URL=sandbox.sii_url,
        AULA_API_URL=sandbox.aula_url,
        **{nombre: str(valor) for nombre, valor in AJUSTES_INTEGRACION_PRUEBAS.items()},
    )
    return entorno


MANAGE = [sys.executable, str(Path(__file__).resolve().parent / "manage.py")]


@pytest.fixture(autouse=True)
def _publico_general(request):
    """The walk-in client comes from a data migration; transactional tests flush it away, so
    every database test gets it back (as `make run`'s migrated database has it)."""
    marcador = request.node.get_closest_marker("django_db")
    if marcador is None:
        return
    request.getfixturevalue("transactional_db" if marcador.kwargs.get("transaction") else "db")
    from clientes.models import NOMBRE_PUBLICO_GENERAL, Cliente
    from ventas_ingenio.router import DB_NEGOCIO

    Cliente.objects.using(DB_NEGOCIO).get_or_create(
        es_publico_general=True, defaults={"nombre": NOMBRE_PUBLICO_GENERAL, "email": ""}
    )


@pytest.fixture
def turno_para():
    """Factory fixture: turno_para(cajero) opens a cash-drawer shift for that user (fondo $500)."""
    from decimal import Decimal

    from ventas.turnos.services import turno_abrir

    def abrir(usuario, fondo_inicial=Decimal("500.00")):
        return turno_abrir(cajero=usuario, fondo_inicial=fondo_inicial)

    return abrir
