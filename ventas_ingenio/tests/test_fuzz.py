"""Fuzz: random and hostile values posted to every form of every role, on rich data.

The forms are not listed here: they are read from the pages each role can open (every
``<form>`` with its action, method and field names), so a form added later is fuzzed too.
Hypothesis then sends each of them values from very long strings, Unicode digits, NUL and
control characters, SQL and HTML fragments, huge, negative and fractional numbers, and
missing and repeated fields. Two rules must hold for every request:

- never a 5xx;
- a refused request (4xx, an error message, or a form shown again with errors) leaves every
  business table as it was: same row count and same hash of its rows.
"""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django import forms
from django.apps import apps
from django.contrib.messages import ERROR, get_messages
from django.db import connections, router
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ventas_ingenio.router import DB_NEGOCIO
from ventas_ingenio.tests.datos_ricos import datos_ricos_cargar

pytestmark = pytest.mark.django_db(databases="__all__")

# Pages whose forms are collected, per role (the forms' actions may be anywhere).
PAGINAS = [
    "/", "/clientes/", "/clientes/nuevo/", "/clientes/{cliente}/", "/clientes/{cliente}/editar/", "/inventario/",
    "/ventas/caja/", "/ventas/caja/?q=cuaderno", "/ventas/caja/?cliente=a", "/ventas/turno/", "/ventas/turnos/",
    "/ventas/turnos/{turno}/cerrar/", "/ventas/historial/", "/ventas/resumen/", "/ventas/{venta}/",
    "/ventas/{venta}/devolver/", "/ventas/{venta_cancelable}/cancelar/", "/ventas/{venta}/ticket/",
    "/admin/inventario/producto/", "/admin/inventario/producto/add/", "/admin/inventario/producto/{producto}/change/",
    "/admin/inventario/producto/{producto}/entrada/", "/admin/inventario/producto/{producto}/ajuste/",
    "/admin/inventario/categoria/add/", "/admin/auth/user/add/", "/admin/clientes/cliente/{cliente}/change/",
    "/clientes/alumnos/", "/clientes/alumnos/nuevo/", "/clientes/alumnos/nuevo/?cliente={cliente}",
    "/clientes/alumnos/{alumno}/?cliente_q=a", "/clientes/alumnos/{alumno}/editar/",
    "/ventas/comisiones/", "/admin/ventas/vendedor/add/",
    "/cursos/", "/cursos/reportes/escolar/", "/ventas/monedero/{cliente}/ajustar/",
    "/admin/cursos/edicion/{edicion}/plan/",
    "/ventas/abonos/", "/ventas/{venta_con_saldo}/abonar/",
    "/ventas/clientes/{cliente}/estado-de-cuenta/", "/ventas/reportes/por-cobrar/",
]
# Never posted by the fuzzer: signing out ends the role's session for the rest of the run.
EXCLUIDAS = {"/salir/", "/admin/logout/"}

HOSTILES = [
    "", " ", "\x00", "a\x00b", "\x1b[2J", "\u202e", "²", "١٢٣", "½", "0", "-1", "-0", "1.5", "1e309", "NaN", "Infinity",
    "2147483648", "-2147483649", "9223372036854775808", "1" + "0" * 30, "9999999.99", "10000000", "0.001",
    "' OR 1=1 --", "'; DROP TABLE ven_venta; --", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "2026-02-30", "0001-01-01", "9999-12-31", "31/02/2026", "V-000001", "x" * 5000, "é" * 300, "😀" * 50,
    "00000000-0000-0000-0000-000000000000", "a" * 64, "efectivo", "tarjeta", "cerrar", "retiro", "on", "true",
]
valores = st.one_of(
    st.sampled_from(HOSTILES),
    st.text(max_size=60),
    st.integers(min_value=-(10**32), max_value=10**32).map(str),
    st.decimals(allow_nan=True, allow_infinity=True, places=3).map(str),
)


class _Formularios(HTMLParser):
    """Every <form> of a page: (action, method, [field names])."""

    def __init__(self):
        super().__init__()
        self.formularios, self._actual = [], None

    def handle_starttag(self, etiqueta, atributos):
        atributos = dict(atributos)
        if etiqueta == "form":
            self._actual = (atributos.get("action") or "", (atributos.get("method") or "get").lower(), [])
            self.formularios.append(self._actual)
        elif etiqueta in ("input", "select", "textarea", "button") and self._actual and atributos.get("name"):
            if atributos["name"] != "csrfmiddlewaretoken":
                self._actual[2].append(atributos["name"])

    def handle_endtag(self, etiqueta):
        if etiqueta == "form":
            self._actual = None


def _huella() -> list[tuple]:
    """Row count and an order-free hash of every business table's rows (what a refused
    request must leave as it was; a write undone by a rollback leaves it unchanged)."""
    conexion = connections[DB_NEGOCIO]
    tablas = sorted({m._meta.db_table for m in apps.get_models()
                     if m._meta.managed and router.db_for_write(m) == DB_NEGOCIO})
    consulta = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), COALESCE(SUM(hashtext(t::text)::bigint), 0) FROM {conexion.ops.quote_name(tabla)} AS t"
        for i, tabla in enumerate(tablas)
    )
    with conexion.cursor() as cursor:
        cursor.execute(consulta)
        # UNION ALL has no order of its own (a parallel append returns the branches as they finish).
        return [(tablas[i], cuenta, suma) for i, cuenta, suma in sorted(cursor.fetchall())]


def _rechazada(respuesta) -> bool:
    if respuesta.status_code >= 400:
        return True
    if any(mensaje.level >= ERROR for mensaje in get_messages(respuesta.wsgi_request)):
        return True
    for contexto in respuesta.context or []:
        for valor in contexto.flatten().values() if hasattr(contexto, "flatten") else []:
            if isinstance(valor, forms.BaseForm) and valor.is_bound and valor.errors:
                return True
    return False


def _venta_con_saldo(cliente):
    """An apartado still owing, rung up by a cashier of its own: its page shows the abono form."""
    from ventas.tests.abonos_datos import apartado
    from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory

    cajera = UsuarioConRolFactory()
    TurnoFactory(cajero=cajera)
    return apartado(cajera, cliente)


@pytest.fixture
def formularios(roles, cajero, gerente, consulta):
    """(role, client, action, method, fields) for every form the roles see, on rich data."""
    datos = datos_ricos_cargar(cajero=cajero, gerente=gerente)
    ids = {"cliente": datos.cliente.pk, "alumno": datos.alumno.pk, "turno": datos.turno_abierto.pk, "venta": datos.venta.pk,
           "venta_cancelable": datos.venta.pk, "producto": datos.producto.pk, "edicion": datos.edicion.pk,
           "venta_con_saldo": _venta_con_saldo(datos.cliente).pk}
    encontrados = {}
    for usuario in (cajero, gerente, consulta):
        cliente = Client()
        cliente.force_login(usuario)
        for pagina in PAGINAS:
            url = pagina.format(**ids)
            respuesta = cliente.get(url)
            if respuesta.status_code != 200 or "html" not in respuesta.get("Content-Type", ""):
                continue
            lector = _Formularios()
            lector.feed(respuesta.content.decode())
            for accion, metodo, campos in lector.formularios:
                destino = urlsplit(accion).path or urlsplit(url).path
                if destino in EXCLUIDAS:
                    continue
                encontrados.setdefault((usuario.username, destino, metodo), (cliente, sorted(set(campos))))
    assert len(encontrados) >= 40, sorted(encontrados)
    return [(rol, cliente, destino, metodo, campos) for (rol, destino, metodo), (cliente, campos) in sorted(
        encontrados.items(), key=lambda par: par[0])]


# Examples per form: every form gets its own share (a rare form is fuzzed as much as the till).
EJEMPLOS_POST, EJEMPLOS_GET = 12, 6
numeros = st.one_of(
    st.sampled_from(["2147483648", "-2147483649", "1" + "0" * 30, "²", "١٢", "NaN", "-1", "0", "1.5", "10000000"]),
    st.integers(min_value=-(10**32), max_value=10**32).map(str),
)


def _envios(campos):
    """A request's fields: each one with a hostile value, a number, several values, or missing;
    sometimes an extra field nobody expects."""

    @st.composite
    def envio(draw):
        enviar = {}
        for campo in campos:
            modo = draw(st.sampled_from(["valor", "numero", "valor", "falta", "repetido"]))
            if modo == "valor":
                enviar[campo] = draw(valores)
            elif modo == "numero":
                enviar[campo] = draw(numeros)
            elif modo == "repetido":
                enviar[campo] = draw(st.lists(valores, min_size=2, max_size=3))
        if draw(st.booleans()):
            enviar[draw(st.sampled_from(HOSTILES[:12])) or "x"] = draw(valores)
        return enviar

    return envio()


def _fuzzear(rol, cliente, destino, metodo, campos):
    @settings(max_examples=EJEMPLOS_POST if metodo == "post" else EJEMPLOS_GET, deadline=None, derandomize=True,
              database=None, suppress_health_check=list(HealthCheck))
    @given(enviar=_envios(campos))
    def probar(enviar):
        cliente.cookies.pop("messages", None)  # only this request's messages tell whether it was refused
        antes = _huella() if metodo == "post" else None
        respuesta = cliente.post(destino, enviar) if metodo == "post" else cliente.get(destino, enviar)
        assert respuesta.status_code < 500, f"{rol} {metodo.upper()} {destino} {enviar!r} → {respuesta.status_code}"
        if metodo == "post" and _rechazada(respuesta):
            assert _huella() == antes, f"{rol} POST {destino} {enviar!r}: rechazada, pero escribió filas"

    probar()


def test_formularios_resisten_valores_hostiles(formularios):
    for formulario in formularios:
        _fuzzear(*formulario)
