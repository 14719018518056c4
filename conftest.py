"""Shared fixtures: users in each role, signed-in clients, and a headless browser."""

import os
import shutil

import pytest

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
