"""The report of sales and commissions per salesperson and period, its CSV and its bad input."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connections

from ventas.models import Vendedor
from ventas.reportes.comisiones import comisiones_por_vendedor
from ventas.tests.factories import cancelar, devolver, vender
from ventas.tests.reportes_datos import local
from ventas.vendedores.services import carrito_vendedor_asignar
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
URL = "/ventas/comisiones/"
CSV = "/ventas/comisiones/exportar.csv"
NOVIEMBRE = {"desde": "2026-11-01", "hasta": "2026-11-30"}


def _para(cajero, gerente, vendedor):
    carrito_vendedor_asignar(cajero=cajero, id_vendedor=vendedor.pk, autorizador=gerente)


@pytest.fixture
def noviembre(cajero, gerente, usuario_con_rol, producto_con_existencia, turno_para):
    """November 2026. Carlos (cashier, no salesperson row: 0 %) rings up every sale; Valeria
    (5 %, then 10 % from the 20th) and Pedro (a cashier with a 2.5 % row) sell.

    Valeria: V1 2 × $58 with one returned → $58.00 → $2.90; V2 and V3 $50.50 each → $2.525 →
    $2.53 each (half up, per sale: the sum's rounding would give $5.05); V4 $58 cancelled → 0;
    V5 on the 20th $20.00 at 10 % → $2.00. Carlos: V6 $100 for himself → $0. Pedro: V7 $99 →
    $2.475 → $2.48. Outside: Valeria on 31 Oct 23:59 and 1 Dec 00:10 local."""
    valeria = usuario_con_rol("Cajero", username="valeria", first_name="Valeria", last_name="Soto")
    pedro = usuario_con_rol("Cajero", username="pedro", first_name="Pedro", last_name="Luna")
    Vendedor.objects.create(id_usuario=valeria.pk, nombre="Valeria Soto", comision_porcentaje=D("5"))
    Vendedor.objects.create(id_usuario=pedro.pk, nombre="Pedro Luna", comision_porcentaje=D("2.5"))
    cuaderno = producto_con_existencia(50, nombre="Cuaderno", precio=D("58.00"), codigo="CUA-1")
    libro = producto_con_existencia(50, nombre="Libro", precio=D("50.50"), codigo="LIB-1")
    veinte = producto_con_existencia(50, nombre="Regla", precio=D("20.00"), codigo="REG-1")
    cien = producto_con_existencia(50, nombre="Mochila", precio=D("100.00"), codigo="MOC-1")
    noventa = producto_con_existencia(50, nombre="Estuche", precio=D("99.00"), codigo="EST-1")
    turno_para(cajero)
    turno_para(pedro)

    _para(cajero, gerente, valeria)
    v1 = vender(cajero, [(cuaderno, 2)], cuando=local(2026, 11, 3, 10))
    devolver(v1, [(v1.lineas.get(), 1)], usuario=cajero, autorizador=gerente, cuando=local(2026, 11, 4, 9))
    _para(cajero, gerente, valeria)
    v2 = vender(cajero, [(libro, 1)], cuando=local(2026, 11, 5, 10))
    _para(cajero, gerente, valeria)
    v3 = vender(cajero, [(libro, 1)], cuando=local(2026, 11, 6, 10))
    _para(cajero, gerente, valeria)
    v4 = vender(cajero, [(cuaderno, 1)], cuando=local(2026, 11, 7, 10))
    cancelar(v4, usuario=cajero, autorizador=gerente, cuando=local(2026, 11, 7, 11))
    Vendedor.objects.filter(id_usuario=valeria.pk).update(comision_porcentaje=D("10"))
    _para(cajero, gerente, valeria)
    v5 = vender(cajero, [(veinte, 1)], cuando=local(2026, 11, 20, 10))
    v6 = vender(cajero, [(cien, 1)], cuando=local(2026, 11, 21, 10))
    v7 = vender(pedro, [(noventa, 1)], cuando=local(2026, 11, 22, 10))
    _para(cajero, gerente, valeria)
    vender(cajero, [(cien, 1)], cuando=local(2026, 10, 31, 23, 59))
    _para(cajero, gerente, valeria)
    vender(cajero, [(cien, 1)], cuando=local(2026, 12, 1, 0, 10))
    return {"valeria": valeria, "pedro": pedro, "ventas": [v1, v2, v3, v4, v5, v6, v7]}


def test_cifras_por_vendedor(noviembre, cajero):
    from datetime import date

    reporte = comisiones_por_vendedor(desde=date(2026, 11, 1), hasta=date(2026, 11, 30))
    filas = [(f.nombre, f.id_usuario, f.ventas, f.canceladas, f.vendido, f.comision) for f in reporte.filas]
    assert filas == [
        ("Valeria Soto", noviembre["valeria"].pk, 4, 1, D("179.00"), D("9.96")),
        ("Carlos Ramírez", cajero.pk, 1, 0, D("100.00"), D("0.00")),
        ("Pedro Luna", noviembre["pedro"].pk, 1, 0, D("99.00"), D("2.48")),
    ]
    assert (reporte.ventas, reporte.canceladas, reporte.vendido, reporte.comision) == (6, 1, D("378.00"), D("12.44"))
    # The percentages stay those of each sale: changing them now changes nothing.
    Vendedor.objects.update(comision_porcentaje=D("50"))
    despues = comisiones_por_vendedor(desde=date(2026, 11, 1), hasta=date(2026, 11, 30))
    assert [f.comision for f in despues.filas] == [D("9.96"), D("0.00"), D("2.48")]
    # One day: only V5 (the 20th, at 10 %).
    dia = comisiones_por_vendedor(desde=date(2026, 11, 20), hasta=date(2026, 11, 20))
    assert [(f.nombre, f.ventas, f.vendido, f.comision) for f in dia.filas] == [
        ("Valeria Soto", 1, D("20.00"), D("2.00"))]


def test_pagina_del_reporte(cliente_gerente, noviembre):
    respuesta = cliente_gerente.get(URL, NOVIEMBRE)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert "Del 1 de noviembre de 2026 al 30 de noviembre de 2026" in html
    assert "<td>Valeria Soto</td><td class=\"numero\">4</td><td class=\"numero\">1</td>" in html
    assert "$179.00" in html and "$9.96" in html and "$12.44" in html
    assert f'href="{CSV}?desde=2026-11-01&amp;hasta=2026-11-30"' in html


def test_consulta_ve_el_reporte_y_cajero_no(cliente_consulta, client, cajero, noviembre):
    assert cliente_consulta.get(URL, NOVIEMBRE).status_code == 200
    assert cliente_consulta.get(CSV, NOVIEMBRE).status_code == 200
    client.force_login(cajero)
    assert client.get(URL).status_code == 403
    assert client.get(CSV).status_code == 403


def test_sin_fechas_es_este_mes(cliente_gerente):
    from django.utils import timezone

    hoy = timezone.localdate()
    respuesta = cliente_gerente.get(URL)
    assert respuesta.status_code == 200
    assert respuesta.context["reporte"].desde == hoy.replace(day=1) and respuesta.context["reporte"].hasta == hoy
    assert "No hubo ventas en este periodo." in respuesta.content.decode()


def _csv(respuesta):
    cuerpo = b"".join(respuesta.streaming_content)
    assert cuerpo.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(cuerpo.decode("utf-8-sig"))))


def test_csv(cliente_gerente, noviembre, cajero):
    respuesta = cliente_gerente.get(CSV, NOVIEMBRE)
    assert respuesta.status_code == 200 and respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"] == 'attachment; filename="comisiones-2026-11-01-a-2026-11-30.csv"'
    assert _csv(respuesta) == [
        ["Vendedor", "Id de usuario", "Ventas", "Canceladas", "Vendido neto", "Comisión"],
        ["Valeria Soto", str(noviembre["valeria"].pk), "4", "1", "179.00", "9.96"],
        ["Carlos Ramírez", str(cajero.pk), "1", "0", "100.00", "0.00"],
        ["Pedro Luna", str(noviembre["pedro"].pk), "1", "0", "99.00", "2.48"],
        ["Total", "", "6", "1", "378.00", "12.44"],
    ]


def test_csv_protege_formulas(cliente_gerente, cajero, gerente, usuario_con_rol, producto_con_existencia,
                              turno_para):
    raro = usuario_con_rol("Cajero", username="raro")
    Vendedor.objects.create(id_usuario=raro.pk, nombre="=HYPERLINK(1)", comision_porcentaje=D("1"))
    turno_para(cajero)
    _para(cajero, gerente, raro)
    vender(cajero, [(producto_con_existencia(5), 1)])
    filas = _csv(cliente_gerente.get(CSV))
    assert filas[1][0] == "'=HYPERLINK(1)"


def test_consultas_fijas(cliente_gerente, noviembre, django_assert_max_num_queries):
    """One aggregate query whatever the number of salespeople and sales (plus the session's)."""
    with django_assert_max_num_queries(1, connection=connections[DB_NEGOCIO]):
        assert cliente_gerente.get(URL, NOVIEMBRE).status_code == 200
    with django_assert_max_num_queries(1, connection=connections[DB_NEGOCIO]):
        b"".join(cliente_gerente.get(CSV, NOVIEMBRE).streaming_content)


@pytest.mark.parametrize(("datos", "mensaje"), [
    ({"desde": "2026-02-30"}, "La fecha 2026-02-30 no existe."),
    ({"desde": "２０２６-１１-０１"}, "Desde: escribe la fecha como AAAA-MM-DD"),
    ({"hasta": "٢٠٢٦-١١-٠١"}, "Hasta: escribe la fecha como AAAA-MM-DD"),
    ({"desde": "99999-01-01"}, "Desde: escribe la fecha como AAAA-MM-DD"),
    ({"hasta": "9999-12-31"}, "Hasta: la fecha no puede ser posterior al 31/12/2100."),
    ({"desde": "1999-12-31"}, "Desde: la fecha debe ser del 01/01/2000 en adelante."),
    ({"desde": "2026-11-30", "hasta": "2026-11-01"}, "El rango está al revés"),
    ({"desde": "2026-11-01" * 50}, "Desde: escribe la fecha como AAAA-MM-DD"),
    ({"desde": "hoy"}, "Desde: escribe la fecha como AAAA-MM-DD"),
])
def test_entradas_hostiles_dan_400_en_espanol(cliente_gerente, datos, mensaje):
    for url in (URL, CSV):
        respuesta = cliente_gerente.get(url, datos)
        assert respuesta.status_code == 400, (url, datos)
        assert mensaje in respuesta.content.decode()


def test_nul_no_da_500(cliente_gerente):
    for url in (URL, CSV):
        respuesta = cliente_gerente.get(url, {"desde": "2026-11-01\x00", "hasta": "\x00"})
        assert respuesta.status_code == 400
