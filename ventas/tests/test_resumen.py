"""The daily summary and its CSV: figures against a hand-built day, local-day boundaries,
permissions, bad input and a constant number of queries."""

import csv
import io
from datetime import UTC, date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from ventas.politica import dia_local_limites
from ventas.reportes.resumen import resumen_del_dia
from ventas.tests.factories import devolver, vender
from ventas.tests.reportes_datos import dia_completo, local

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
DIA = date(2026, 11, 10)


@pytest.fixture
def cajera(usuario_con_rol):
    return usuario_con_rol("Cajero", username="cajera2", first_name="Beatriz", last_name="Núñez")


@pytest.fixture
def datos(cajero, cajera, gerente, producto_con_existencia, turno_para):
    return dia_completo(cajero=cajero, cajera=cajera, gerente=gerente,
                        producto_con_existencia=producto_con_existencia, turno_para=turno_para)


def test_limites_del_dia_local_en_utc():
    inicio, fin = dia_local_limites(DIA)
    # Mexico City is UTC−6 all year since 2022: the local day runs 06:00 UTC → 06:00 UTC.
    assert inicio.astimezone(UTC).isoformat() == "2026-11-10T06:00:00+00:00"
    assert fin.astimezone(UTC).isoformat() == "2026-11-11T06:00:00+00:00"


def test_cifras_del_dia(datos):
    r = resumen_del_dia(fecha=DIA)
    # Five sales rung up on the 10th (local), the cancelled one included; not the 23:59 of the
    # 9th (05:59 UTC on the 10th) nor the 00:30 of the 11th, but yes the 23:30 (05:30 UTC on the 11th).
    assert (r.ventas, r.canceladas) == (5, 1)
    assert r.subtotal == D("1111.50")
    assert (r.descuento, r.ventas_con_descuento, r.descuentos_autorizados) == (D("5.80"), 1, 0)
    assert r.vendido == D("1105.70")
    assert r.iva_vendido == D("147.34")  # 16.00 + 62.07 + 7.20 + 0 + 62.07

    beatriz, carlos = r.cajeros  # by name
    assert (carlos.nombre, carlos.ventas, carlos.canceladas, carlos.vendido, carlos.devuelto, carlos.neto) == (
        "Carlos Ramírez", 2, 0, D("588.50"), D("58.00"), D("530.50"))
    assert (beatriz.nombre, beatriz.ventas, beatriz.canceladas, beatriz.vendido, beatriz.descuento,
            beatriz.devuelto, beatriz.neto) == ("Beatriz Núñez", 3, 1, D("517.20"), D("5.80"), D("15.00"), D("502.20"))

    metodos = {m.metodo: (m.ventas, m.cobrado, m.reembolsado, m.neto) for m in r.metodos}
    assert metodos == {
        "efectivo": (3, D("303.50"), D("73.00"), D("230.50")),  # 138.50 + 150 + 15, change left out
        "tarjeta": (2, D("750.00"), D("0.00"), D("750.00")),
        "transferencia": (1, D("52.20"), D("0.00"), D("52.20")),
        "monedero": (0, D("0.00"), D("0.00"), D("0.00")),
    }
    assert sum(m.cobrado for m in r.metodos) == r.vendido

    assert (r.cancelaciones.cantidad, r.cancelaciones.total, r.cancelaciones.iva) == (1, D("15.00"), D("0.00"))
    assert r.cancelaciones.reembolsos == {"efectivo": D("15.00")}
    assert (r.devoluciones.cantidad, r.devoluciones.total, r.devoluciones.iva) == (1, D("58.00"), D("8.00"))
    assert r.devoluciones.reembolsos == {"efectivo": D("58.00")}

    assert (r.devuelto, r.total_neto) == (D("73.00"), D("1032.70"))
    assert (r.iva_devuelto, r.iva_neto) == (D("8.00"), D("139.34"))
    tasas = {t.etiqueta: (t.vendido, t.iva_vendido, t.devuelto, t.iva_devuelto, t.iva_neto) for t in r.iva_por_tasa}
    assert tasas == {
        "16 %": (D("1068.20"), D("147.34"), D("58.00"), D("8.00"), D("139.34")),
        "0 %": (D("37.50"), D("0.00"), D("15.00"), D("0.00"), D("0.00")),
    }


def test_la_venta_de_las_23_30_es_del_dia_local_no_del_utc(datos):
    assert datos["s5"].fecha.astimezone(UTC).date() == date(2026, 11, 11)
    siguiente = resumen_del_dia(fecha=date(2026, 11, 11))
    anterior = resumen_del_dia(fecha=date(2026, 11, 9))
    assert (siguiente.ventas, siguiente.vendido) == (1, D("30.00"))  # only the 00:30 sale
    assert (anterior.ventas, anterior.vendido) == (1, D("7.50"))  # the 23:59, though its UTC date is the 10th


def test_pagina_del_resumen(cliente_consulta, datos):
    respuesta = cliente_consulta.get(reverse("ventas:resumen"), {"fecha": "2026-11-10"})
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert "Martes 10 de noviembre de 2026" in html
    assert '<dd id="resumen-neto">$1,032.70</dd>' in html
    assert "<th scope=\"row\">Beatriz Núñez</th>" in html and "$502.20" in html
    assert "$303.50" in html and "$750.00" in html and "$52.20" in html  # per method
    assert 'href="?fecha=2026-11-09"' in html and 'href="?fecha=2026-11-11"' in html
    assert "/ventas/resumen/exportar.csv?fecha=2026-11-10" in html
    assert "data-imprimir hidden" in html and "css/resumen.css" in html
    assert " style=" not in html and "<script>" not in html


def test_sin_fecha_es_hoy_y_no_hay_dia_siguiente(cliente_gerente):
    respuesta = cliente_gerente.get(reverse("ventas:resumen"))
    html = respuesta.content.decode()
    hoy = timezone.localdate()
    assert respuesta.status_code == 200
    assert respuesta.context["resumen"].fecha == hoy
    assert f'value="{hoy.isoformat()}"' in html
    assert 'rel="next"' not in html
    assert "No hubo ventas, cancelaciones ni devoluciones este día." in html


def test_permisos(client, cajero, gerente, consulta):
    for usuario, esperado in ((cajero, 403), (gerente, 200), (consulta, 200)):
        client.force_login(usuario)
        for nombre in ("ventas:resumen", "ventas:resumen_exportar", "ventas:tablero"):
            respuesta = client.get(reverse(nombre))
            assert respuesta.status_code == esperado, (usuario.username, nombre)
        if esperado == 403:
            assert "No tienes permiso para ver esta página" in respuesta.content.decode()
    client.logout()
    assert client.get(reverse("ventas:resumen")).status_code == 302  # to the login page


def test_solo_lectura(cliente_gerente):
    assert cliente_gerente.post(reverse("ventas:resumen"), {"fecha": "2026-11-10"}).status_code == 405


@pytest.mark.parametrize(
    ("valor", "mensaje"),
    [
        ("2026-02-30", "La fecha 2026-02-30 no existe: revisa el día y el mes."),
        ("2026-13-01", "La fecha 2026-13-01 no existe: revisa el día y el mes."),
        ("ayer", "Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24."),
        ("10/11/2026", "Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24."),
        ("2026-1-5", "Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24."),
        ("٢٠٢٦-١١-١٠", "Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24."),  # Arabic-Indic digits
        ("9" * 10_000, "Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24."),
        ("1999-12-31", "La fecha debe ser del 1 de enero de 2000 en adelante."),
        ("0001-01-01", "La fecha debe ser del 1 de enero de 2000 en adelante."),
        ("9999-12-31", "Esa fecha todavía no llega: elige hoy o un día anterior."),
        ("2026-11-1\x00", "caracteres no permitidos (caracteres de control o nulos)"),
        ("2026-11-1\x1b", "caracteres no permitidos (caracteres de control o nulos)"),
        ("2026-11-²", "Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24."),
        ("<script>", "Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24."),
    ],
)
@pytest.mark.parametrize("vista", ["ventas:resumen", "ventas:resumen_exportar"])
def test_fechas_malas(cliente_consulta, vista, valor, mensaje):
    respuesta = cliente_consulta.get(reverse(vista), {"fecha": valor})
    html = respuesta.content.decode()
    assert respuesta.status_code == 400
    assert respuesta["Content-Type"].startswith("text/html")
    assert mensaje in html and 'role="alert"' in html
    assert "9999999999" not in html and "\x00" not in html and "<script>" not in html  # garbage not echoed
    assert 'id="resumen-totales"' not in html


def test_fecha_inexistente_se_devuelve_al_campo(cliente_consulta):
    html = cliente_consulta.get(reverse("ventas:resumen"), {"fecha": "2026-02-30"}).content.decode()
    assert 'value="2026-02-30"' in html and 'aria-invalid="true"' in html


def test_manana_es_error(cliente_consulta):
    manana = timezone.localdate() + timedelta(days=1)
    respuesta = cliente_consulta.get(reverse("ventas:resumen"), {"fecha": manana.isoformat()})
    assert respuesta.status_code == 400
    assert "Esa fecha todavía no llega" in respuesta.content.decode()


def test_consultas_constantes(cliente_consulta, django_assert_num_queries, datos):
    # Seven reads of the business database (sales by cashier, payments, abonos, returns, refunds,
    # IVA sold and returned), with one day full of data or an empty one.
    for fecha in ("2026-11-10", "2026-10-01"):
        with django_assert_num_queries(7):
            assert cliente_consulta.get(reverse("ventas:resumen"), {"fecha": fecha}).status_code == 200
    with django_assert_num_queries(7):
        respuesta = cliente_consulta.get(reverse("ventas:resumen_exportar"), {"fecha": "2026-11-10"})
        b"".join(respuesta.streaming_content)


def test_consultas_no_crecen_con_las_ventas(cliente_consulta, django_assert_num_queries, datos, cajero):
    for minuto in range(20):
        vender(cajero, [(datos["lapiz"], 1)], cuando=local(2026, 11, 10, 15, minuto), efectivo="7.50")
    with django_assert_num_queries(7):
        respuesta = cliente_consulta.get(reverse("ventas:resumen"), {"fecha": "2026-11-10"})
    assert respuesta.context["resumen"].ventas == 25


def test_exportar_csv(cliente_consulta, datos):
    respuesta = cliente_consulta.get(reverse("ventas:resumen_exportar"), {"fecha": "2026-11-10"})
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"] == 'attachment; filename="resumen-2026-11-10.csv"'
    crudo = b"".join(respuesta.streaming_content)
    assert crudo.startswith(b"\xef\xbb\xbf")  # BOM: Excel es-MX reads UTF-8
    texto = crudo.decode("utf-8")
    assert "Método de pago" in texto and "Núñez" in texto  # accents intact
    filas = list(csv.reader(io.StringIO(texto.removeprefix("\ufeff"))))
    assert filas[0] == ["Sección", "Concepto", "Operaciones", "Importe"]
    assert filas[1] == ["Día", "2026-11-10", "", ""]
    por_concepto = {(f[0], f[1]): f[2:] for f in filas[1:]}
    assert por_concepto[("Ventas", "Ventas registradas (incluye canceladas)")] == ["5", "1105.70"]
    assert por_concepto[("Ventas", "Descuentos")] == ["1", "5.80"]
    assert por_concepto[("Cajero", "Beatriz Núñez: neto")] == ["", "502.20"]
    assert por_concepto[("Método de pago", "Efectivo: cobrado")] == ["3", "303.50"]
    assert por_concepto[("Método de pago", "Efectivo: reembolsado")] == ["", "73.00"]
    assert por_concepto[("Cancelaciones", "Total")] == ["1", "15.00"]
    assert por_concepto[("Devoluciones", "Reembolso en efectivo")] == ["", "58.00"]
    assert por_concepto[("IVA", "Tasa 16 %: IVA neto")] == ["", "139.34"]
    assert por_concepto[("IVA", "IVA neto")] == ["", "139.34"]
    assert por_concepto[("Total", "Neto del día")] == ["", "1032.70"]


def test_csv_de_un_dia_vacio(cliente_gerente):
    respuesta = cliente_gerente.get(reverse("ventas:resumen_exportar"), {"fecha": "2026-01-06"})
    texto = b"".join(respuesta.streaming_content).decode("utf-8")
    assert respuesta.status_code == 200
    assert '"Total",' not in texto and "Total,Neto del día,,0.00" in texto


def test_ids_de_otro_dia_en_medio_no_cuentan(cajero, gerente, producto_con_existencia, turno_para):
    """Sale ids usually follow the clock, and the summary bounds payments and lines by the day's
    id range; a sale of another day inside that range (an import, a clock fix) must not count."""
    turno_para(cajero)
    cuaderno = producto_con_existencia(20, precio=D("58.00"))
    lapiz = producto_con_existencia(20, precio=D("7.50"), tasa_iva=D("0.00"))
    primera = vender(cajero, [(cuaderno, 1)], cuando=local(2026, 11, 10, 9, 0), efectivo="58")
    otra = vender(cajero, [(lapiz, 2)], cuando=local(2026, 11, 12, 9, 0), pagos=[("tarjeta", "15.00")])
    tercera = vender(cajero, [(cuaderno, 1)], cuando=local(2026, 11, 10, 11, 0), efectivo="58")
    assert otra.pk == primera.pk + 1 and tercera.pk == otra.pk + 1  # the other day sits inside the range
    devolver(primera, [(primera.lineas.get(), 1)], usuario=cajero, autorizador=gerente,
             cuando=local(2026, 11, 10, 12, 0))
    devolver(otra, [(otra.lineas.get(), 1)], usuario=cajero, autorizador=gerente, metodo="tarjeta",
             cuando=local(2026, 11, 12, 12, 0))
    devolver(tercera, [(tercera.lineas.get(), 1)], usuario=cajero, autorizador=gerente,
             cuando=local(2026, 11, 10, 13, 0))
    r = resumen_del_dia(fecha=DIA)
    assert (r.ventas, r.vendido) == (2, D("116.00"))
    assert {m.metodo: (m.ventas, m.cobrado, m.reembolsado) for m in r.metodos} == {
        "efectivo": (2, D("116.00"), D("116.00")), "tarjeta": (0, D("0.00"), D("0.00")),
        "transferencia": (0, D("0.00"), D("0.00")), "monedero": (0, D("0.00"), D("0.00")),
    }
    assert [(t.etiqueta, t.vendido, t.devuelto) for t in r.iva_por_tasa] == [("16 %", D("116.00"), D("116.00"))]
    assert (r.devoluciones.cantidad, r.devoluciones.total) == (2, D("116.00"))


def test_devoluciones_por_unidad_suman_lo_cobrado(cajero, gerente, producto_con_existencia, turno_para):
    """The summary counts what the return service refunded. Three cuadernos at $58 with 1 ¢ off
    make a $173.99 line; returning them one by one gives back its share, rounded once to cents,
    cumulatively (calculos.devolucion_linea_calcular): 173.99 × 1/3 → 58.00, × 2/3 → 115.99 so
    57.99, and the last unit the remainder, 58.00. Together exactly what was paid: the day nets to
    zero (a rounding per return, 58.00 three times, would give back 174.00)."""
    turno_para(cajero)
    cuaderno = producto_con_existencia(10, precio=D("58.00"))
    venta = vender(cajero, [(cuaderno, 3, "0.01")], cuando=local(2026, 11, 10, 9, 0), efectivo="200")
    assert (venta.total, venta.iva) == (D("173.99"), D("24.00"))
    for hora in (10, 11, 12):
        devolver(venta, [(venta.lineas.get(), 1)], usuario=cajero, autorizador=gerente,
                 cuando=local(2026, 11, 10, hora, 0))
    assert [d.total for d in venta.devoluciones.order_by("fecha")] == [D("58.00"), D("57.99"), D("58.00")]
    # IVA the same way: 24.00 × 1/3 → 8.00, × 2/3 → 16.00, the rest 8.00.
    assert [d.iva for d in venta.devoluciones.order_by("fecha")] == [D("8.00"), D("8.00"), D("8.00")]
    r = resumen_del_dia(fecha=DIA)
    assert (r.devoluciones.cantidad, r.devoluciones.total, r.devoluciones.iva) == (3, D("173.99"), D("24.00"))
    assert r.devoluciones.reembolsos == {"efectivo": D("173.99")}
    assert (r.vendido, r.devuelto, r.total_neto, r.iva_neto) == (D("173.99"), D("173.99"), D("0.00"), D("0.00"))
