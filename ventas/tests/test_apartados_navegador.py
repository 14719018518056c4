"""An apartado at the till in a real browser: two scans, the client, Apartado with the keyboard
(F4), the minimum paid in cash (Enter), the ticket with the balance and the due date; and the
apartados pages at desktop and phone widths."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from ventas.models import Venta
from ventas.tests.navegador import captura, escanear

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]
D = Decimal


def test_apartar_con_el_teclado_y_pagar_el_minimo(entrar, live_server, pagina, cajero, turno_para,
                                                 producto_con_existencia):
    turno_para(cajero)
    ClienteFactory(nombre="Rocío", apellidos="Vega")
    mochila = producto_con_existencia(5, nombre="Mochila escolar", precio=D("650.00"))
    lonchera = producto_con_existencia(5, nombre="Lonchera térmica", precio=D("349.50"))
    entrar("/ventas/caja/", "cajero1")
    escanear(pagina, mochila.codigo_barras)
    escanear(pagina, lonchera.codigo_barras)
    pagina.wait_for_function("() => document.getElementById('total').textContent.trim() === '$999.50'")
    assert pagina.locator("#plazo-sin-cliente").is_visible()  # Público en general pays in full

    pagina.locator("#buscar-cliente").fill("Rocío")
    pagina.locator("#buscar-cliente").press("Enter")
    pagina.get_by_role("button", name="Rocío Vega").click()
    pagina.wait_for_function("() => document.getElementById('plazo') && !document.getElementById('plazo-sin-cliente')")
    captura(pagina, "apartado-1-cliente")

    pagina.keyboard.press("F4")  # De contado → Apartado: the minimum, selected, and cash follows it
    pagina.wait_for_function("() => document.activeElement.id === 'id_anticipo'")
    assert pagina.locator("input[name=modalidad][value=apartado]").is_checked()
    assert pagina.locator("#id_anticipo").input_value() == "199.90"  # 20 % of $999.50, rounded up
    assert pagina.locator("#id_efectivo_recibido").input_value() == "199.90"
    vence = timezone.localdate() + datetime.timedelta(days=30)
    detalle = pagina.locator(".plazo-detalle[data-modalidad=apartado]").inner_text()
    assert f"{vence:%d/%m/%Y}" in detalle and "$799.60" in detalle
    assert pagina.locator("#boton-cobrar").is_enabled()
    captura(pagina, "apartado-2-modalidad")

    pagina.keyboard.press("Enter")  # charge the anticipo in cash
    pagina.wait_for_selector("#venta-hecha-plazo")
    assert "Saldo $799.60" in pagina.locator("#venta-hecha-plazo").inner_text()
    venta = Venta.objects.get()
    assert (venta.modalidad, venta.pagado, venta.saldo, venta.vence) == ("apartado", D("199.90"), D("799.60"), vence)
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (4, 1)
    # The next cart is paid in full again.
    assert pagina.locator("#plazo").is_hidden()

    pagina.keyboard.press("Enter")  # the ticket
    pagina.wait_for_url(f"{live_server.url}/ventas/{venta.pk}/ticket/")
    ticket = pagina.locator("#ticket-plazo").inner_text()
    assert "Apartado" in ticket and "$199.90" in ticket and "$799.60" in ticket and f"{vence:%d/%m/%Y}" in ticket
    captura(pagina, "apartado-3-ticket")


def test_un_escaneo_no_borra_la_modalidad_elegida(entrar, pagina, cajero, turno_para, producto_con_existencia):
    from ventas.caja.services import carrito_cliente_asignar

    turno_para(cajero)
    pagina.set_viewport_size({"width": 390, "height": 844})  # a phone: the same keys work
    carrito_cliente_asignar(cajero=cajero, cliente_id=ClienteFactory().pk)
    uno = producto_con_existencia(5, precio=D("100.00"))
    otro = producto_con_existencia(5, precio=D("400.00"))
    entrar("/ventas/caja/", "cajero1")
    escanear(pagina, uno.codigo_barras)
    pagina.wait_for_function("() => document.getElementById('total').textContent.trim() === '$100.00'")
    pagina.keyboard.press("F4")
    pagina.wait_for_function("() => document.activeElement.id === 'id_anticipo'")
    pagina.locator("#buscar-producto").focus()
    escanear(pagina, otro.codigo_barras)
    pagina.wait_for_function("() => document.getElementById('total').textContent.trim() === '$500.00'")
    assert pagina.locator("input[name=modalidad][value=apartado]").is_checked()
    assert pagina.locator("#id_anticipo").input_value() == "100.00"  # the new minimum
    # A down payment below the minimum is refused before sending.
    pagina.locator("#id_anticipo").fill("50")
    assert "El anticipo mínimo es $100.00." in pagina.locator("#motivo-cobro").inner_text()
    assert pagina.locator("#boton-cobrar").is_disabled()
    captura(pagina, "apartado-390-anticipo-bajo")
    assert pagina.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.parametrize(("ancho", "alto"), [(1366, 768), (390, 844)])
def test_paginas_de_apartados(entrar, live_server, pagina, cajero, turno_para, producto_con_existencia, ancho, alto):
    from ventas.caja.plazos import plazo_apartado
    from ventas.tests.factories import vender_a_plazos

    turno_para(cajero)
    pagina.set_viewport_size({"width": ancho, "height": alto})
    venta = vender_a_plazos(cajero, ClienteFactory(nombre="Lucía", apellidos="Arriaga"),
                            [(producto_con_existencia(5, precio=D("500.00")), 1)],
                            plazo=plazo_apartado(total=D("500.00")))
    entrar("/ventas/apartados/", "cajero1")
    assert "Lucía Arriaga" in pagina.locator("table.apartados").inner_text()
    captura(pagina, f"apartados-lista-{ancho}")
    pagina.get_by_role("link", name=venta.folio_texto).click()
    pagina.wait_for_url(f"{live_server.url}/ventas/apartados/{venta.pk}/")
    assert "Abierto" in pagina.locator("#apartado-estado").inner_text()
    assert pagina.locator("#boton-cancelar-apartado").is_visible()
    captura(pagina, f"apartado-pagina-{ancho}")
    assert pagina.evaluate("document.documentElement.scrollWidth") <= ancho
    pagina.locator("#boton-cancelar-apartado").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/apartados/{venta.pk}/cancelar/")
    assert pagina.locator("input[name=destino][value=monedero]").is_checked()  # the policy by default
    captura(pagina, f"apartado-cancelar-{ancho}")
    assert pagina.evaluate("document.documentElement.scrollWidth") <= ancho
