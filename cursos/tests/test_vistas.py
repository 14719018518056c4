"""The course pages as each role sees them: editions, the roster, Aula state and "Reintentar",
the school report and its CSV; hostile input gets a Spanish 400, never a 500."""

import csv
import io
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from clientes.tests.factories import ClienteFactory
from cursos.selectors import inscripciones_de_alumno
from cursos.tests.datos import alumno_crear, edicion_crear, inscribir, inscripcion_cancelar
from integraciones.models import SincronizacionInscripcion
from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory
from ventas_ingenio.tests.test_recorrido import ESPERADO, ROLES

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def vendedor():
    usuario = UsuarioConRolFactory()
    TurnoFactory(cajero=usuario)
    return usuario


@pytest.fixture
def familia(sandbox, vendedor):
    """A mother paying for two siblings in one edition (5 seats); the first one sent to Aula."""
    mama = ClienteFactory(nombre="Laura", apellidos="Gómez Ruiz")
    edicion = edicion_crear(cupo=5)
    ana = alumno_crear(1, responsable=mama, nombre="Ana", apellidos="Gómez", matricula="A-001", ciclo_escolar="2026-2027",
                       grado="3", grupo="B")
    luis = alumno_crear(2, responsable=mama, nombre="Luis", apellidos="Gómez", grado="1", grupo="A")
    primera = inscribir(cajero=vendedor, alumno=ana, edicion=edicion, cliente=mama)
    sandbox.falla("aula", "caido")
    segunda = inscribir(cajero=vendedor, alumno=luis, edicion=edicion, cliente=mama)
    return {"mama": mama, "edicion": edicion, "ana": ana, "luis": luis, "primera": primera, "segunda": segunda}


def _html(respuesta):
    return respuesta.content.decode()


def test_paginas_por_rol(client, roles, cajero, gerente, consulta, familia):
    inscripcion = familia["primera"]
    urls = {
        "cursos:ediciones": reverse("cursos:ediciones"),
        "cursos:edicion": reverse("cursos:edicion", args=[inscripcion.edicion_id]),
        "cursos:inscripcion_reintentar": reverse("cursos:inscripcion_reintentar", args=[inscripcion.pk]),
        "cursos:reporte_escolar": reverse("cursos:reporte_escolar"),
        "cursos:reporte_escolar_exportar": reverse("cursos:reporte_escolar_exportar"),
    }
    usuarios = {"anonimo": None, "Cajero": cajero, "Gerente": gerente, "Consulta": consulta}
    diferencias = []
    for indice, rol in enumerate(ROLES):
        client.logout()
        if usuarios[rol]:
            client.force_login(usuarios[rol])
        for nombre, url in urls.items():
            obtenido = client.get(url).status_code
            if obtenido != ESPERADO[nombre][indice]:
                diferencias.append(f"{rol} {url}: {obtenido}, se esperaba {ESPERADO[nombre][indice]}")
    assert diferencias == []


def test_edicion_con_su_lista_imprimible(cliente_consulta, familia):
    edicion, primera = familia["edicion"], familia["primera"]
    primera.refresh_from_db()
    html = _html(cliente_consulta.get(reverse("cursos:edicion", args=[edicion.pk])))
    assert edicion.curso.nombre in html
    assert "2 ocupados, 3 libres de 5" in html
    fila_ana = html[html.index(f'id="inscripcion-{primera.pk}"'):]
    fila_ana = fila_ana[:fila_ana.index("</tr>")]
    for texto in ("Gómez Ana", "A-001", "3 B", "2026-2027", "Laura Gómez Ruiz", "Pagado", f"Enviada #{primera.id_aula}"):
        assert texto in fila_ana, texto
    venta = primera.venta_detalle.venta
    assert f'href="{reverse("ventas:venta_detalle", args=[venta.pk])}">{venta.folio_texto}</a>' in fila_ana
    fila_luis = html[html.index(f'id="inscripcion-{familia["segunda"].pk}"'):]
    assert "Pendiente, próximo intento" in fila_luis[:fila_luis.index("</tr>")]
    # Consulta reads; only who may retry sees the button. The page prints (A4 stylesheet, button).
    assert "Reintentar" not in html
    assert "css/cursos.css" in html and "data-imprimir" in html and "js/imprimir.js" in html


def test_lista_de_ediciones_y_sus_filtros(cliente_cajero, familia):
    otra = edicion_crear(estado="cerrada")
    html = _html(cliente_cajero.get(reverse("cursos:ediciones")))
    assert familia["edicion"].producto.codigo in html and otra.producto.codigo in html
    html = _html(cliente_cajero.get(reverse("cursos:ediciones"), {"estado": "cerrada"}))
    assert familia["edicion"].producto.codigo not in html and otra.producto.codigo in html
    html = _html(cliente_cajero.get(reverse("cursos:ediciones"), {"curso": familia["edicion"].curso_id, "proximas": "on"}))
    assert familia["edicion"].producto.codigo in html and otra.producto.codigo not in html


@pytest.mark.parametrize("parametros", [
    {"curso": "²"}, {"curso": "99999999999999999999999"}, {"curso": "-1"}, {"estado": "abierta"},
])
def test_filtros_hostiles_de_ediciones(cliente_cajero, parametros):
    respuesta = cliente_cajero.get(reverse("cursos:ediciones"), parametros)
    assert respuesta.status_code == 400
    assert "Elige un" in _html(respuesta)


def test_reintentar_desde_la_venta_vuelve_a_la_venta(cliente_cajero, sandbox, familia):
    segunda = familia["segunda"]
    venta = segunda.venta_detalle.venta
    url_venta = reverse("ventas:venta_detalle", args=[venta.pk])
    # A Cajero sees only their own sales; this one was sold by another cashier: use a Gerente's view.
    cliente_cajero.logout()
    gerente = UsuarioConRolFactory(rol="Gerente")
    cliente_cajero.force_login(gerente)
    html = _html(cliente_cajero.get(url_venta))
    linea = html[html.index(f'id="inscripcion-{segunda.pk}"'):]
    linea = linea[:linea.index("</tr>")]
    assert "Luis" in linea and "Pendiente" in linea and "Reintentar" in linea
    sandbox.falla("aula", "ninguna")
    respuesta = cliente_cajero.post(reverse("cursos:inscripcion_reintentar", args=[segunda.pk]), {"siguiente": url_venta})
    assert respuesta.status_code == 302 and respuesta["Location"] == url_venta
    segunda.refresh_from_db()
    html = _html(cliente_cajero.get(url_venta))
    assert f"Enviada #{segunda.id_aula}" in html
    assert len(sandbox.inscripciones()) == 2


def test_reintentar_no_redirige_fuera_y_pide_permiso(client, cajero, consulta, familia):
    segunda = familia["segunda"]
    url = reverse("cursos:inscripcion_reintentar", args=[segunda.pk])
    client.force_login(consulta)
    assert client.post(url).status_code == 403
    client.force_login(cajero)
    respuesta = client.post(url, {"siguiente": "https://malo.example/robar"})
    assert respuesta["Location"] == reverse("cursos:edicion", args=[segunda.edicion_id])
    assert client.post(reverse("cursos:inscripcion_reintentar", args=[10**30])).status_code == 404


def test_cancelada_muestra_su_camino_en_aula(cliente_gerente, sandbox, familia):
    primera = familia["primera"]
    inscripcion_cancelar(primera)  # Aula is down: the cancel waits
    html = _html(cliente_gerente.get(reverse("cursos:edicion", args=[primera.edicion_id])))
    canceladas = html[html.index('id="canceladas"'):]
    assert "Gómez Ana" in canceladas and "cancelación pendiente" in canceladas
    sandbox.falla("aula", "ninguna")
    cliente_gerente.post(reverse("cursos:inscripcion_reintentar", args=[primera.pk]))
    primera.refresh_from_db()
    html = _html(cliente_gerente.get(reverse("cursos:edicion", args=[primera.edicion_id])))
    assert f"Cancelada en Aula #{primera.id_aula}" in html


def test_parcial_del_alumno(rf_usuario, familia):
    filas = inscripciones_de_alumno(alumno_id=familia["luis"].pk)
    html = render_to_string("cursos/partials/_inscripciones_alumno.html", {"inscripciones": filas},
                            request=rf_usuario)
    assert familia["edicion"].curso.nombre in html and "Pendiente" in html and "Reintentar" in html
    assert familia["segunda"].venta_detalle.venta.folio_texto in html


@pytest.fixture
def rf_usuario(cajero):
    from django.contrib.auth.context_processors import PermWrapper  # noqa: F401 - the template reads perms

    peticion = RequestFactory().get("/clientes/")
    peticion.user = cajero
    return peticion


def test_lista_con_muchos_alumnos_en_pocas_consultas(cliente_consulta, sandbox, vendedor, django_assert_max_num_queries):
    mama = ClienteFactory()
    edicion = edicion_crear(cupo=30)
    for n in range(12):
        inscribir(cajero=vendedor, alumno=alumno_crear(100 + n, responsable=mama), edicion=edicion, cliente=mama)
    with django_assert_max_num_queries(12):
        respuesta = cliente_consulta.get(reverse("cursos:edicion", args=[edicion.pk]))
    assert _html(respuesta).count("Enviada #") == 12


# --- the school report ---------------------------------------------------------------------------
def test_reporte_por_ciclo_grado_y_grupo_y_su_csv(cliente_gerente, familia, sandbox):
    respuesta = cliente_gerente.get(reverse("cursos:reporte_escolar"))
    html = _html(respuesta)
    assert respuesta.status_code == 200 and 'id="reporte-escolar"' in html
    respuesta = cliente_gerente.get(reverse("cursos:reporte_escolar_exportar"))
    texto = b"".join(respuesta.streaming_content).decode("utf-8-sig")
    filas = list(csv.reader(io.StringIO(texto)))
    assert filas[0][:4] == ["Ciclo escolar", "Grado", "Grupo", "Lugares vendidos"]
    precio = familia["edicion"].producto.precio
    cuerpo = {tuple(f[:3]): f[3:] for f in filas[1:]}
    # Ana (2026-2027, 3 B) is in Aula; Luis (no ciclo, 1 A) is not yet: pending.
    assert cuerpo[("2026-2027", "3", "B")] == ["1", f"{precio:.2f}", "1", "0"]
    assert cuerpo[("—", "1", "A")] == ["1", f"{precio:.2f}", "1", "1"]
    assert cuerpo[("Total", "", "")] == ["2", f"{precio * 2:.2f}", "2", "1"]
    # Once Aula has Luis nothing is pending; a seat returned leaves sales and enrolled.
    sandbox.falla("aula", "ninguna")
    SincronizacionInscripcion.objects.update(proximo_intento="2000-01-01T00:00:00Z")
    from integraciones.services import circuitos_cerrar, inscripciones_procesar_lote

    circuitos_cerrar()
    inscripciones_procesar_lote()
    inscripcion_cancelar(familia["primera"])
    from ventas.models import VentaDetalle

    VentaDetalle.objects.filter(pk=familia["primera"].venta_detalle_id).update(cantidad_devuelta=1)
    respuesta = cliente_gerente.get(reverse("cursos:reporte_escolar_exportar"))
    filas = list(csv.reader(io.StringIO(b"".join(respuesta.streaming_content).decode("utf-8-sig"))))
    assert filas[-1] == ["Total", "", "", "1", f"{precio:.2f}", "1", "0"]
    assert Decimal(filas[-1][4]) == precio


@pytest.mark.parametrize(("parametros", "mensaje"), [
    ({"desde": "2026-02-30"}, "La fecha 2026-02-30 no existe."),
    ({"desde": "²⁰²⁶-01-01"}, "AAAA-MM-DD"),
    ({"hasta": "99999999999999-01-01"}, "AAAA-MM-DD"),
    ({"desde": "2026-03-01", "hasta": "2026-01-01"}, "El rango está al revés"),
    ({"desde": "2000-01-01", "hasta": "2026-01-01"}, "como máximo tres años"),
])
def test_fechas_hostiles_del_reporte(cliente_gerente, parametros, mensaje):
    for nombre in ("cursos:reporte_escolar", "cursos:reporte_escolar_exportar"):
        respuesta = cliente_gerente.get(reverse(nombre), parametros)
        assert respuesta.status_code == 400
        assert mensaje in _html(respuesta)


def test_nul_en_el_reporte_es_400_en_espanol(cliente_gerente):
    respuesta = cliente_gerente.get(reverse("cursos:reporte_escolar"), {"desde": "2026-01-01\x00"})
    assert respuesta.status_code == 400
    assert "caracteres" in _html(respuesta)


def test_venta_con_inscripcion_en_pocas_consultas(cliente_gerente, familia, django_assert_max_num_queries):
    from django.db import connections

    from ventas_ingenio.router import DB_NEGOCIO

    venta = familia["primera"].venta_detalle.venta
    # The sale page's 8, plus the enrollments of its lines and their Aula rows (3, whatever the count).
    with django_assert_max_num_queries(11, connection=connections[DB_NEGOCIO]):
        respuesta = cliente_gerente.get(reverse("ventas:venta_detalle", args=[venta.pk]))
    assert "Enviada #" in _html(respuesta)


def test_valores_hostiles_en_los_filtros_nunca_son_500(cliente_gerente):
    from ventas_ingenio.tests.test_fuzz import HOSTILES

    for valor in HOSTILES:
        for url, campo in (("cursos:ediciones", "curso"), ("cursos:ediciones", "estado"), ("cursos:ediciones", "proximas"),
                           ("cursos:reporte_escolar", "desde"), ("cursos:reporte_escolar", "hasta"),
                           ("cursos:reporte_escolar_exportar", "desde")):
            respuesta = cliente_gerente.get(reverse(url), {campo: valor})
            assert respuesta.status_code in (200, 400), (url, campo, valor, respuesta.status_code)


def test_un_lugar_en_singular(cliente_consulta, vendedor):
    """«1 ocupado, 1 libre», not «1 ocupados, 1 libres»."""
    mama = ClienteFactory()
    edicion = edicion_crear(cupo=2)
    inscribir(cajero=vendedor, alumno=alumno_crear(7, responsable=mama), edicion=edicion, cliente=mama)
    html = _html(cliente_consulta.get(reverse("cursos:edicion", args=[edicion.pk])))
    assert "1 ocupado, 1 libre de 2" in html
