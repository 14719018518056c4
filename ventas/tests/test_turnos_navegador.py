"""Closing the shift in a real browser: sell, take cash out, count by denomination, close, print."""

from decimal import Decimal

import pytest

from ventas.models import Turno

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_cajero_cierra_su_turno_en_el_navegador(entrar, live_server, pagina, cajero, gerente, producto_con_existencia):
    producto = producto_con_existencia(10, nombre="Juego de geometría", precio=Decimal("85.50"))
    entrar("/ventas/caja/", "cajero1")
    pagina.get_by_label("Fondo inicial").fill("500")
    pagina.get_by_role("button", name="Abrir turno").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/caja/")

    buscar = pagina.get_by_label("Buscar producto")
    buscar.fill(producto.codigo_barras)
    buscar.press("Enter")
    pagina.wait_for_load_state("load")
    pagina.get_by_label("Efectivo recibido").fill("100")
    pagina.get_by_role("button", name="Cobrar").click()
    pagina.locator("#ver-ticket").click()  # the post-sale panel (change shown large) links to the ticket
    pagina.wait_for_url(f"{live_server.url}/ventas/*/ticket/")

    pagina.locator(".navegacion summary", has_text="Ventas").click()  # the bar groups its entries
    pagina.get_by_role("link", name="Turno", exact=True).click()
    pagina.wait_for_url(f"{live_server.url}/ventas/turno/")
    assert pagina.locator("#esperado-efectivo").inner_text() == "$585.50"
    pagina.get_by_role("radio", name="Retiro").check()
    pagina.get_by_label("Monto").fill("200")
    pagina.get_by_label("Motivo").fill("Depósito al banco")
    pagina.get_by_role("button", name="Registrar movimiento").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/turno/")
    assert pagina.locator("#esperado-efectivo").inner_text() == "$385.50"

    # Count: 1×200 + 3×50 + 1×20 coin + 1×10 + 1×5 + 1×0.50 = 385.50, but a $50 note is missing.
    for etiqueta, piezas in (("Billetes de $200", "1"), ("Billetes de $50", "2"), ("Monedas de $20", "1"),
                             ("Monedas de $10", "1"), ("Monedas de $5", "1"), ("Monedas de 50 centavos", "1")):
        pagina.get_by_label(etiqueta, exact=True).fill(piezas)
    pagina.get_by_role("button", name="Revisar diferencias").click()
    pagina.wait_for_load_state("load")
    assert "−$50.00 (faltante)" in pagina.locator("#diferencia-efectivo").inner_text()
    pagina.get_by_label("Billetes de $50", exact=True).fill("3")
    pagina.get_by_role("button", name="Revisar diferencias").click()
    pagina.wait_for_load_state("load")
    assert "$0.00" in pagina.locator("#diferencia-efectivo").inner_text()
    pagina.get_by_label("Nota del cierre").fill("Sin novedad")
    pagina.get_by_role("button", name="Cerrar turno").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/turnos/*/")

    reporte = pagina.locator("article.corte").inner_text()
    for texto in ("Corte de caja", "Carlos Ramírez", "$85.50", "$385.50", "Depósito al banco", "Sin novedad"):
        assert texto in reporte, (texto, reporte)
    pagina.get_by_role("link", name="A4").click()
    pagina.wait_for_load_state("load")
    assert "ticket-a4" in pagina.locator("body").get_attribute("class")
    turno = Turno.objects.get()
    assert (turno.estado, turno.efectivo_esperado, turno.efectivo_contado) == ("cerrado", Decimal("385.50"),
                                                                              Decimal("385.50"))
    assert turno.conteo_denominaciones["b50"] == 3
