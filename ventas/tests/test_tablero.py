"""The dashboard: its figures against a hand-built month, the server-drawn SVG charts, the
alerts (low stock, clients pending SII/Aula) and a bounded number of queries."""

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from clientes.tests.factories import AlumnoFactory
from integraciones.models import SincronizacionAlumno
from inventario.tests.factories import ProductoFactory
from ventas.reportes.graficas import escala_redonda, grafica_por_dia, grafica_por_hora
from ventas.reportes.tablero import DiaVentas, tablero_datos
from ventas.tests.factories import devolver, vender
from ventas.tests.reportes_datos import dia_completo

D = Decimal
SVG = "{http://www.w3.org/2000/svg}"
db = pytest.mark.django_db(databases="__all__")


@pytest.fixture(autouse=True)
def _sin_cache():
    """The dashboard caches its sales figures (per process); each test starts without them."""
    cache.clear()
    yield
    cache.clear()


def _svgs(html):
    """Every <svg> of the page, parsed as standalone XML (so it must be well-formed)."""
    return [ET.fromstring(m) for m in re.findall(r"<svg .*?</svg>", html, flags=re.S)]


def _barras(svg):
    grupos = svg.findall(f".//{SVG}g[@class='grafica-barra']")
    return [
        {
            "alto": float(g.find(f"{SVG}rect").get("height")),
            "y": float(g.find(f"{SVG}rect").get("y")),
            "titulo": g.find(f"{SVG}title").text,
            "textos": [t.text for t in g.findall(f"{SVG}text")],
        }
        for g in grupos
    ]


# --- The chart, without the database -------------------------------------------------------------


def test_grafica_de_30_dias_en_svg_valido():
    hoy = date(2026, 11, 24)
    valores = [D(i * 100) for i in range(30)]  # 0, 100, ..., 2,900
    dias = [DiaVentas(dia=hoy - timedelta(days=29 - i), ventas=i, monto=v) for i, v in enumerate(valores)]
    html = render_to_string("ventas/partials/_grafica_barras.html",
                            {"grafica": grafica_por_dia(dias), "id": "g"})
    (svg,) = _svgs(html)
    assert svg.get("role") == "img"
    assert svg.get("aria-label").startswith("Ventas por día, últimos 30 días.")
    assert svg.find(f"{SVG}title").text == "Ventas por día, últimos 30 días"
    barras = _barras(svg)
    assert len(barras) == 30
    # Heights proportional to the values (one decimal of rounding per bar), one common baseline.
    escala = barras[-1]["alto"] / 2900
    for barra, valor in zip(barras, valores, strict=True):
        assert barra["alto"] == pytest.approx(float(valor) * escala, abs=0.06)
    assert {round(b["y"] + b["alto"], 1) for b in barras} == {280.0}
    # Values and labels as text, a tooltip per bar; the month under the first bar and under the 1st.
    assert barras[-1]["textos"] == ["$2,900", "24"]
    assert barras[0]["textos"] == ["$0", "26", "oct"]
    assert barras[6]["textos"][1:] == ["1", "nov"]
    assert barras[-1]["titulo"] == "martes 24 de noviembre: $2,900.00 en 29 ventas"
    assert barras[1]["titulo"].endswith("$100.00 en 1 venta")
    # The axis has amounts: 0 to a round top at or above the highest bar.
    marcas = [t.text for t in svg.findall(f".//{SVG}text[@class='grafica-marca']")]
    assert marcas == ["$0", "$750", "$1,500", "$2,250", "$3,000"]
    assert "style=" not in html and "<script" not in html


def test_grafica_por_hora_usa_enteros():
    from ventas.reportes.tablero import HoraVentas

    horas = [HoraVentas(hora=h, ventas=n, monto=D(n * 10)) for h, n in ((7, 0), (8, 3), (9, 1))]
    grafica = grafica_por_hora(horas)
    assert [m.texto for m in grafica.marcas] == ["0", "1", "2", "3", "4"]
    assert [b.barra.etiqueta for b in grafica.barras] == ["7", "8", "9"]
    assert grafica.barras[1].barra.titulo == "De 08:00 a 08:59: 3 ventas, $30.00"


@pytest.mark.parametrize(("maximo", "tope"), [(0, 4), (3, 4), (7, 8), (99, 100), (1234.5, 2000), (15000, 20000)])
def test_escala_redonda(maximo, tope):
    assert escala_redonda(maximo) == tope


# --- Figures ------------------------------------------------------------------------------------


@pytest.fixture
def cajera(usuario_con_rol):
    return usuario_con_rol("Cajero", username="cajera2", first_name="Beatriz", last_name="Núñez")


@db
def test_cifras_de_los_ultimos_30_dias(cajero, cajera, gerente, producto_con_existencia, turno_para):
    dia_completo(cajero=cajero, cajera=cajera, gerente=gerente, producto_con_existencia=producto_con_existencia,
                 turno_para=turno_para)
    tablero = tablero_datos(hoy=date(2026, 11, 11))
    assert (tablero.desde, tablero.hasta, len(tablero.por_dia)) == (date(2026, 10, 13), date(2026, 11, 11), 30)
    por_dia = {d.dia: (d.ventas, d.monto) for d in tablero.por_dia}
    # The 10th: 4 sales kept (the cancelled one is out), net of the returned cuaderno; the 23:30
    # sale is on the 10th, the 23:59 of the 9th on the 9th, whatever their UTC dates.
    assert por_dia[date(2026, 11, 10)] == (4, D("1032.70"))
    assert por_dia[date(2026, 11, 9)] == (1, D("7.50"))
    assert por_dia[date(2026, 11, 11)] == (1, D("30.00"))
    assert por_dia[date(2026, 10, 13)] == (0, D("0.00"))
    assert (tablero.ventas, tablero.monto) == (6, D("1070.20"))

    por_hora = {h.hora: h.ventas for h in tablero.por_hora}
    assert [h.hora for h in tablero.por_hora] == list(range(0, 24))  # sales at 00:30 and 23:30 widen 7–20
    assert (por_hora[0], por_hora[9], por_hora[10], por_hora[12], por_hora[13], por_hora[23]) == (1, 1, 1, 1, 0, 2)

    assert [(p.nombre, p.unidades, p.importe) for p in tablero.top_importe] == [
        ("Mochila escolar", 2, D("900.00")), ("Cuaderno profesional", 2, D("110.20")), ("Lápiz HB", 8, D("60.00")),
    ]
    assert [(p.nombre, p.unidades) for p in tablero.top_unidades] == [
        ("Lápiz HB", 8), ("Cuaderno profesional", 2), ("Mochila escolar", 2),
    ]
    # Outside the window nothing counts.
    assert tablero_datos(hoy=date(2026, 12, 31)).ventas == 0


@db
def test_top_10_limita_y_ordena(cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    ayer = timezone.localtime() - timedelta(days=1)
    productos = [producto_con_existencia(100, nombre=f"Producto {i:02d}", precio=D(10 + i)) for i in range(12)]
    for i, producto in enumerate(productos):
        vender(cajero, [(producto, 12 - i)], cuando=ayer, efectivo="10000")
    tablero = tablero_datos(hoy=timezone.localdate())
    assert len(tablero.top_importe) == len(tablero.top_unidades) == 10
    assert [p.unidades for p in tablero.top_unidades] == list(range(12, 2, -1))
    importes = [p.importe for p in tablero.top_importe]
    assert importes == sorted(importes, reverse=True)


@db
def test_existencia_baja_y_pendientes(roles):
    ProductoFactory(nombre="Goma blanca", existencia_minima=5, activo=True)  # 0 ≤ 5
    ProductoFactory(nombre="Regla 30 cm", existencia_minima=0, activo=True)  # 0 ≤ 0: nothing to sell
    ProductoFactory(nombre="Descontinuado", existencia_minima=5, activo=False)
    viejo, nuevo, listo = AlumnoFactory(nombre="Ana", apellidos="Pérez"), AlumnoFactory(), AlumnoFactory()
    SincronizacionAlumno.objects.create(alumno=viejo, sistema="sii", estado="error", intentos=10)
    SincronizacionAlumno.objects.create(alumno=viejo, sistema="aula", estado="pendiente", intentos=2)
    SincronizacionAlumno.objects.create(alumno=nuevo, sistema="aula", estado="pendiente")
    SincronizacionAlumno.objects.create(alumno=listo, sistema="sii", estado="sincronizado", id_externo="A1")
    tablero = tablero_datos(hoy=timezone.localdate())
    assert [p.nombre for p in tablero.existencia_baja] == ["Goma blanca", "Regla 30 cm"]
    assert tablero.existencia_baja_total == 2
    assert tablero.pendientes_total == 2
    primero = tablero.pendientes[0]
    assert (primero.alumno_id, primero.nombre, primero.intentos) == (viejo.pk, "Ana Pérez", 10)
    assert primero.sistemas == ["Aula: pendiente", "SII: error"]
    assert [p.alumno_id for p in tablero.pendientes] == [viejo.pk, nuevo.pk]


@db
def test_una_edicion_llena_no_es_existencia_baja(roles):
    """An edition's stock is its free seats: a full one is not something to restock."""
    from cursos.tests.factories import edicion_crear_prueba
    from inventario.models import Producto

    ProductoFactory(nombre="Goma blanca", existencia_minima=5, activo=True)
    llena = edicion_crear_prueba(cupo=1, codigo="MAT-R9")
    Producto.objects.filter(pk=llena.pk).update(existencia=0)  # its one seat sold
    tablero = tablero_datos(hoy=timezone.localdate())
    assert [p.nombre for p in tablero.existencia_baja] == ["Goma blanca"]
    assert tablero.existencia_baja_total == 1


# --- The page -----------------------------------------------------------------------------------


@db
def test_pagina_del_tablero(cliente_consulta, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    ahora = timezone.localtime()
    mochila = producto_con_existencia(3, nombre="Mochila <b>escolar</b>", precio=D("450.00"), existencia_minima=5)
    vender(cajero, [(mochila, 1)], cuando=ahora, efectivo="450")
    vender(cajero, [(mochila, 1)], cuando=ahora - timedelta(days=2), efectivo="450")
    pendiente = AlumnoFactory(nombre="Luis", apellidos="Ortega")
    SincronizacionAlumno.objects.create(alumno=pendiente, sistema="sii", estado="pendiente")

    respuesta = cliente_consulta.get(reverse("ventas:tablero"))
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    por_dia, por_hora = _svgs(html)
    barras = _barras(por_dia)
    assert len(barras) == 30
    assert barras[-1]["textos"][0] == "$450" and barras[-3]["textos"][0] == "$450"
    assert barras[-1]["alto"] == barras[-3]["alto"] > 0 and barras[-2]["alto"] == 0
    assert sum(float(b["textos"][0]) for b in _barras(por_hora)) == 2
    # The same data as a table, each day linking to its summary.
    assert f'href="/ventas/resumen/?fecha={ahora.date().isoformat()}"' in html
    assert 'id="tabla-por-dia"' in html and 'id="tabla-por-hora"' in html
    assert "Mochila &lt;b&gt;escolar&lt;/b&gt;" in html  # escaped, in the top 10 and the low-stock list
    assert "Mochila <b>" not in html
    assert f'href="/clientes/alumnos/{pendiente.pk}/"' in html and "SII: pendiente" in html
    assert "/inventario/?bajo_minimo=on" in html
    assert " style=" not in html and "<script>" not in html


@db
def test_consultas_acotadas(cliente_gerente, cajero, producto_con_existencia, turno_para, django_assert_num_queries):
    # The returns fingerprint, the earlier days' sums (sales by hour, lines by product), today's
    # (the same two), the top products' names, low stock and pending clients: 8 queries (7 with
    # no sales: no names to read); one more to count each alert list that is full. Never more
    # than 10, whatever the data size; 2 fewer when the earlier days come from the cache.
    with django_assert_num_queries(7):
        assert cliente_gerente.get(reverse("ventas:tablero")).status_code == 200
    turno_para(cajero)
    for i in range(20):
        producto = producto_con_existencia(1, nombre=f"Producto {i}", existencia_minima=5)
        vender(cajero, [(producto, 1)], cuando=timezone.localtime() - timedelta(days=i), efectivo="1000")
        SincronizacionAlumno.objects.create(alumno=AlumnoFactory(), sistema="sii", estado="pendiente")
    cache.clear()  # these sales were back-dated after the page was cached; real ones land on today
    with django_assert_num_queries(8 + 2):
        html = cliente_gerente.get(reverse("ventas:tablero")).content.decode()
    assert '<dd id="tablero-ventas">20</dd>' in html
    with django_assert_num_queries(6 + 2):
        assert cliente_gerente.get(reverse("ventas:tablero")).status_code == 200
    assert "Ver los 20 productos con existencia baja" in html
    assert "<strong>20</strong> alumnos sin registrar" in html


@db
def test_cache_de_cifras_nunca_atrasado(cliente_consulta, cajero, gerente, producto_con_existencia, turno_para,
                                        django_assert_num_queries):
    turno_para(cajero)
    mochila = producto_con_existencia(10, nombre="Mochila escolar", precio=D("450.00"))
    ahora = timezone.localtime()
    vieja = vender(cajero, [(mochila, 2)], cuando=ahora - timedelta(days=2), efectivo="900")
    vender(cajero, [(mochila, 1)], cuando=ahora, efectivo="450")
    primera = cliente_consulta.get(reverse("ventas:tablero")).content.decode()
    assert '<dd id="tablero-monto">$1,350.00</dd>' in primera
    # No return since: the earlier days come from the cache (fingerprint, today's 2, names, 2 alerts).
    with django_assert_num_queries(6):
        segunda = cliente_consulta.get(reverse("ventas:tablero")).content.decode()
    assert segunda.split('<main id="contenido"')[1] == primera.split('<main id="contenido"')[1]
    # Returning a unit of the older sale adds a return row: the earlier days are read again.
    devolver(vieja, [(vieja.lineas.get(), 1)], usuario=cajero, autorizador=gerente, cuando=ahora)
    with django_assert_num_queries(8):
        html = cliente_consulta.get(reverse("ventas:tablero")).content.decode()
    assert '<dd id="tablero-monto">$900.00</dd>' in html
    # A new sale lands on today, which is always read fresh.
    vender(cajero, [(mochila, 1)], cuando=ahora, efectivo="450")
    with django_assert_num_queries(6):
        html = cliente_consulta.get(reverse("ventas:tablero")).content.decode()
    assert '<dd id="tablero-monto">$1,350.00</dd>' in html and '<dd id="tablero-ventas">3</dd>' in html


@db
def test_inicio_enlaza_el_tablero(client, consulta, cajero):
    client.force_login(consulta)
    html = client.get("/").content.decode()
    assert 'href="/ventas/tablero/"' in html and 'href="/ventas/resumen/"' in html
    client.force_login(cajero)
    html = client.get("/").content.decode()
    assert "/ventas/tablero/" not in html and "/ventas/resumen/" not in html

