"""The sale ticket: the school's fiscal data, the cart's line order and the folio as a barcode
that finds the sale again when scanned into the sales history."""

import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from ventas.caja.services import carrito_agregar
from ventas.devoluciones.services import LineaDevolucionDatos, venta_devolver
from ventas.models import VentaDetalle
from ventas_ingenio.tests.code128_leer import svg_leer

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal

FISCALES = {
    "TIENDA_RAZON_SOCIAL": "Colegio Ingenio, A.C.",
    "TIENDA_RFC": "EKU9003173C9",
    "TIENDA_DIRECCION": "Calle 5 de Mayo 10, Centro, C.P. 72000, Puebla, Pue.",
    "TIENDA_REGIMEN_FISCAL": "603",
    "TICKET_LEYENDA_FACTURA": "Para facturar entra a facturas.ingenio.edu.mx con el folio de este ticket.",
}


@pytest.fixture
def fiscales(settings):
    for nombre, valor in FISCALES.items():
        setattr(settings, nombre, valor)


@pytest.fixture
def venta_en_orden(cajero, turno_para, producto_con_existencia, cobrar):
    """A sale scanned in an order unlike the products' ids: mochila, cuaderno, lápiz, cuaderno again."""
    turno_para(cajero)
    lapiz = producto_con_existencia(20, nombre="Lápiz HB", precio=D("7.50"), tasa_iva=D("0.00"))
    cuaderno = producto_con_existencia(20, nombre="Cuaderno profesional", precio=D("58.00"))
    mochila = producto_con_existencia(20, nombre="Mochila escolar", precio=D("450.00"))
    for producto in (mochila, cuaderno, lapiz, cuaderno):
        carrito_agregar(cajero=cajero, producto_id=producto.pk)
    venta, _ = cobrar(cajero)
    return venta


def _ticket(cliente, venta, formato="80"):
    respuesta = cliente.get(reverse("ventas:ticket", args=[venta.pk]), {"formato": formato})
    assert respuesta.status_code == 200
    return respuesta.content.decode()


def _svg(html):
    (svg,) = re.findall(r'<svg [^>]*class="codigo-barras".*?</svg>', html, re.S)
    return svg


def test_datos_fiscales_y_leyenda(cliente_cajero, venta_en_orden, fiscales):
    html = _ticket(cliente_cajero, venta_en_orden)
    for texto in ["Colegio Ingenio, A.C.", "RFC: <span class=\"ticket-rfc\">EKU9003173C9</span>",
                  "Régimen fiscal: 603 Personas Morales con Fines no Lucrativos",
                  "<address>Calle 5 de Mayo 10, Centro, C.P. 72000, Puebla, Pue.</address>",
                  "Para facturar entra a facturas.ingenio.edu.mx con el folio de este ticket."]:
        assert texto in html, texto


def test_sin_datos_fiscales_no_hay_renglones_vacios(cliente_cajero, venta_en_orden, settings):
    for nombre in FISCALES:
        setattr(settings, nombre, "")
    html = _ticket(cliente_cajero, venta_en_orden)
    assert "RFC" not in html and "Régimen fiscal" not in html and "<address>" not in html
    assert "ticket-leyenda-factura" not in html


def test_rfc_invalido_no_se_imprime(cliente_cajero, venta_en_orden, fiscales, settings):
    settings.TIENDA_RFC = "ESTO-NO-ES-RFC"
    assert "RFC" not in _ticket(cliente_cajero, venta_en_orden)


def test_lineas_en_el_orden_del_carrito(cliente_cajero, venta_en_orden):
    # A second scan of the cuaderno adds to its line, which keeps its place.
    html = _ticket(cliente_cajero, venta_en_orden)
    cuerpo = html[html.index('class="ticket-lineas"'):]
    posiciones = [cuerpo.index(nombre) for nombre in ("Mochila escolar", "Cuaderno profesional", "Lápiz HB")]
    assert posiciones == sorted(posiciones)
    assert list(VentaDetalle.objects.filter(venta=venta_en_orden).order_by("id").values_list(
        "producto__nombre", "cantidad")) == [("Mochila escolar", 1), ("Cuaderno profesional", 2), ("Lápiz HB", 1)]
    # The sale's detail page lists them the same way.
    detalle = cliente_cajero.get(reverse("ventas:venta_detalle", args=[venta_en_orden.pk])).content.decode()
    posiciones = [detalle.index(nombre) for nombre in ("Mochila escolar", "Cuaderno profesional", "Lápiz HB")]
    assert posiciones == sorted(posiciones)


@pytest.mark.parametrize("formato", ["58", "80", "a4"])
def test_el_codigo_de_barras_es_el_folio(cliente_cajero, venta_en_orden, formato):
    html = _ticket(cliente_cajero, venta_en_orden, formato)
    assert f"ticket-{formato}" in html
    svg = _svg(html)
    assert svg_leer(svg) == venta_en_orden.folio_texto
    assert "style=" not in svg  # the strict CSP allows presentation attributes only


def test_escanear_el_ticket_encuentra_la_venta(cliente_gerente, venta_en_orden):
    escaneado = svg_leer(_svg(_ticket(cliente_gerente, venta_en_orden)))
    folio = venta_en_orden.folio
    # What the scanner types, as the barcode says, without the dash, in lower case (Caps Lock) or
    # with the dash typed as "'" by a scanner set to a US keyboard on a Spanish one.
    for texto in (escaneado, f"V{folio:06d}", f"v-{folio:06d}", f"V'{folio:06d}", f" {escaneado} "):
        respuesta = cliente_gerente.get(reverse("ventas:historial"), {"folio": texto})
        assert [v.pk for v in respuesta.context["ventas"]] == [venta_en_orden.pk], texto
    # From the found sale, the return is one click away.
    detalle = cliente_gerente.get(reverse("ventas:venta_detalle", args=[venta_en_orden.pk])).content.decode()
    assert reverse("ventas:venta_devolver", args=[venta_en_orden.pk]) in detalle
    for texto in (f"D-{folio:06d}", f"V--{folio}", "V-"):
        respuesta = cliente_gerente.get(reverse("ventas:historial"), {"folio": texto})
        assert "Folio no válido" in respuesta.content.decode(), texto


def test_ticket_de_devolucion_con_datos_fiscales(cliente_gerente, gerente, turno_para, venta_en_orden, fiscales):
    turno_para(gerente)
    detalle = VentaDetalle.objects.filter(venta=venta_en_orden).first()
    devolucion, _ = venta_devolver(
        venta_id=venta_en_orden.pk, usuario=gerente, motivo="No le quedó", clave=uuid.uuid4(),
        lineas=[LineaDevolucionDatos(venta_detalle_id=detalle.pk, cantidad=1)],
    )
    html = cliente_gerente.get(reverse("ventas:devolucion_ticket", args=[devolucion.pk])).content.decode()
    assert "Colegio Ingenio, A.C." in html and "EKU9003173C9" in html
    assert "Para facturar" not in html  # nothing to invoice on a refund
