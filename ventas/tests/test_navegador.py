"""A cashier's sale in a real browser (Playwright driving Debian's Chromium)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from clientes.models import Cliente
from inventario.selectors import inventario_descuadres
from ventas.models import Venta

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_cajero_vende_en_el_navegador(entrar, live_server, pagina, cajero, producto_con_existencia, settings):
    # Nothing listens on port 9: SII/Aula are "down", the client stays queued.
    settings.SII_API_URL = "http://127.0.0.1:9/api/alumnos/"
    settings.AULA_API_URL = "http://127.0.0.1:9/api/"
    cuaderno = producto_con_existencia(10, nombre="Cuaderno profesional", precio=Decimal("58.00"))
    colores = producto_con_existencia(4, nombre="Colores 12 piezas", precio=Decimal("45.50"))

    entrar("/ventas/caja/", "cajero1")

    # No shift yet: the POS asks for the opening cash first.
    assert pagina.get_by_role("heading", name="Abrir turno").is_visible()
    pagina.get_by_label("Fondo inicial").fill("500")
    pagina.get_by_role("button", name="Abrir turno").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/caja/")
    assert pagina.get_by_text("Turno abierto con $500.00 de fondo.").is_visible()

    buscar = pagina.get_by_label("Buscar producto")
    assert pagina.evaluate("document.activeElement.id") == "buscar-producto"
    for codigo in (cuaderno.codigo_barras, colores.codigo_barras):  # a scanner types digits and Enter
        buscar.type(codigo)
        buscar.press("Enter")
        pagina.wait_for_load_state("load")
        assert pagina.evaluate("document.activeElement.id") == "buscar-producto"
        assert pagina.get_by_label("Buscar producto").input_value() == ""

    # The cart updates in place (static/js/caja.js): wait for the new total, not for a page load.
    pagina.get_by_label("Cantidad de Colores 12 piezas").wait_for()
    pagina.get_by_label("Cantidad de Cuaderno profesional").fill("3")
    pagina.get_by_label("Cantidad de Cuaderno profesional").press("Enter")
    expect(pagina.locator("#total")).to_have_text("$219.50")

    pagina.get_by_text("Registrar cliente nuevo").click()
    pagina.locator("#id_nombre").fill("Sofía")
    pagina.locator("#id_apellidos").fill("Torres Luna")
    pagina.locator("#id_email").fill("sofia.torres@escuela.test")
    pagina.get_by_role("button", name="Registrar y usar en esta venta").click()
    expect(pagina.get_by_text("Cliente Sofía Torres Luna registrado.")).to_be_visible()

    cobrar = pagina.get_by_role("button", name="Cobrar")
    pagina.get_by_label("Efectivo recibido").fill("200")
    assert cobrar.is_disabled()
    assert "faltan $19.50" in pagina.locator("#motivo-cobro").inner_text()
    pagina.get_by_label("Efectivo recibido").fill("250")
    assert pagina.locator("#cambio").inner_text() == "$30.50"
    cobrar.click()
    # The post-sale panel shows the change large; its link (or Enter) opens the ticket.
    expect(pagina.locator("#cambio-final")).to_have_text("$30.50")
    pagina.locator("#ver-ticket").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/*/ticket/")

    venta = Venta.objects.get()
    ticket = pagina.locator("article.ticket").inner_text()
    for texto in (venta.folio_texto, "Cuaderno profesional", "Colores 12 piezas", "Sofía Torres Luna", "$219.50",
                  "$250.00", "$30.50", "Carlos Ramírez"):
        assert texto in ticket, texto
    assert venta.total == Decimal("219.50")
    assert venta.turno.id_cajero == venta.id_cajero and venta.turno.fondo_inicial == Decimal("500.00")
    assert venta.cliente == Cliente.objects.get(email="sofia.torres@escuela.test")
    assert sorted(venta.lineas.values_list("cantidad", flat=True)) == [1, 3]
    (pago,) = venta.pagos.all()
    assert (pago.recibido, pago.cambio) == (Decimal("250.00"), Decimal("30.50"))
    cuaderno.refresh_from_db()
    colores.refresh_from_db()
    assert (cuaderno.existencia, colores.existencia) == (7, 3)
    assert inventario_descuadres() == []
