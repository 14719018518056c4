"""An abono at the till in a real browser, by keyboard only: type the folio, pay part of the
balance in cash, read the receipt with the balance before and after.

CAPTURAS_ABONOS=/some/dir saves screenshots of the abono pages (1366×768 and 390×844) to look at."""

from decimal import Decimal
from functools import partial

import pytest
from playwright.sync_api import expect

from clientes.tests.factories import ClienteFactory
from ventas.models import Abono
from ventas.tests.abonos_datos import a_plazos, apartado
from ventas.tests.navegador import captura

_captura = partial(captura, variable="CAPTURAS_ABONOS")
pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]
D = Decimal


def test_abono_en_efectivo_solo_con_teclado(entrar, live_server, pagina, cajero, turno_para):
    turno_para(cajero)
    venta = apartado(cajero, ClienteFactory(nombre="Rocío", apellidos="Vega"), precio="1000.00", anticipo="200.00")
    entrar("/ventas/abonos/", "cajero1")
    # The folio field takes the focus by itself (autofocus, applied by the browser after the
    # load event): the cashier types or scans into it without clicking.
    expect(pagina.locator("#id_folio")).to_be_focused()
    _captura(pagina, "buscar-1366")
    pagina.keyboard.type(venta.folio_texto, delay=3)
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(f"{live_server.url}/ventas/{venta.pk}/abonar/")
    assert pagina.locator("#abono-saldo").inner_text() == "$800.00"
    # The amount has the focus, prefilled with the balance and selected: typing replaces it.
    assert pagina.evaluate("document.activeElement.id") == "id_monto"
    _captura(pagina, "abono-1366")
    pagina.keyboard.type("300", delay=3)
    pagina.keyboard.press("Tab")
    assert pagina.evaluate("document.activeElement.id") == "id_recibido"
    pagina.keyboard.type("500", delay=3)
    assert "Cambio por el efectivo recibido: $200.00." in pagina.locator("#abono-cambio-vivo").inner_text()
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#saldo-posterior")
    abono = Abono.objects.get()
    assert pagina.url == f"{live_server.url}/ventas/abonos/{abono.pk}/"
    assert pagina.locator("#saldo-anterior").inner_text() == "$800.00"
    assert pagina.locator("#abono-monto").inner_text() == "$300.00"
    assert pagina.locator("#saldo-posterior").inner_text() == "$500.00"
    assert pagina.locator("#abono-cambio").inner_text() == "$200.00"
    assert abono.folio_texto in pagina.locator("article.ticket").inner_text()
    _captura(pagina, "ticket-1366")
    venta.refresh_from_db()
    assert venta.pagado == D("500.00")


def test_paginas_de_abono_en_un_telefono(entrar, live_server, pagina, cajero, turno_para):
    """At 390 px: nothing wider than the screen on the search, abono and receipt pages."""
    turno_para(cajero)
    venta = a_plazos(cajero, ClienteFactory(nombre="Rocío", apellidos="Vega"))
    pagina.set_viewport_size({"width": 390, "height": 844})
    entrar(f"/ventas/{venta.pk}/abonar/", "cajero1")
    ancho = "() => document.documentElement.scrollWidth"
    assert pagina.evaluate(ancho) <= 390
    _captura(pagina, "abono-390")
    pagina.locator("#id_monto").press("Enter")
    pagina.wait_for_selector("#saldo-posterior")
    assert pagina.evaluate(ancho) <= 390
    _captura(pagina, "ticket-390")
    pagina.goto(f"{live_server.url}/ventas/abonos/")
    assert pagina.evaluate(ancho) <= 390
    _captura(pagina, "buscar-390")
