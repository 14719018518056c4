"""A Gerente's day in a real browser: open the drawer, sell, filter the history, open a sale,
return one line, cancel another sale, close the shift, and read the day's summary."""

from decimal import Decimal

import pytest

from inventario.selectors import inventario_descuadres
from ventas.models import Devolucion, EstadoVenta, Turno, Venta

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def _vender(pagina, base, codigos, efectivo):
    if not pagina.url.endswith("/ventas/caja/"):
        pagina.goto(f"{base}/ventas/caja/")
    buscar = pagina.get_by_label("Buscar producto")
    for codigo in codigos:
        buscar.fill(codigo)
        buscar.press("Enter")
        pagina.wait_for_load_state("load")
    pagina.get_by_label("Efectivo recibido").fill(efectivo)
    pagina.get_by_role("button", name="Cobrar").click()
    pagina.locator("#ver-ticket").click()  # the post-sale panel (change shown large) links to the ticket
    pagina.wait_for_url(f"{base}/ventas/*/ticket/")
    return Venta.objects.order_by("-id").first()


def test_gerente_lleva_el_dia_completo(entrar, live_server, pagina, gerente, producto_con_existencia, settings):
    settings.SII_API_URL = "http://127.0.0.1:9/api/alumnos/"
    settings.AULA_API_URL = "http://127.0.0.1:9/api/"
    base = live_server.url
    cuaderno = producto_con_existencia(10, nombre="Cuaderno profesional", precio=Decimal("58.00"))
    colores = producto_con_existencia(4, nombre="Colores 12 piezas", precio=Decimal("45.50"))
    mochila = producto_con_existencia(3, nombre="Mochila escolar", precio=Decimal("420.00"))

    entrar("/ventas/caja/", "gerente1")
    pagina.get_by_label("Fondo inicial").fill("500")
    pagina.get_by_role("button", name="Abrir turno").click()
    pagina.wait_for_url(f"{base}/ventas/caja/")

    primera = _vender(pagina, base, [cuaderno.codigo_barras, cuaderno.codigo_barras, colores.codigo_barras], "200")
    segunda = _vender(pagina, base, [mochila.codigo_barras], "500")
    assert (primera.total, segunda.total) == (Decimal("161.50"), Decimal("420.00"))

    # History: the product filter finds the first sale only; its page opens from the list.
    pagina.locator(".navegacion summary", has_text="Ventas").click()  # the bar groups its entries
    pagina.get_by_role("link", name="Historial").click()
    pagina.wait_for_url(f"{base}/ventas/historial/")
    pagina.get_by_label("Producto").fill("colores")
    pagina.get_by_role("button", name="Filtrar").click()
    pagina.wait_for_load_state("load")
    filas = pagina.locator("table.historial tbody tr")
    assert filas.count() == 1 and primera.folio_texto in filas.first.inner_text()
    pagina.get_by_role("link", name=primera.folio_texto).click()
    pagina.wait_for_url(f"{base}/ventas/{primera.pk}/")

    # Return one notebook of the first sale (a Gerente needs nobody's authorisation).
    pagina.get_by_role("link", name="Devolver artículos").click()
    pagina.wait_for_url(f"{base}/ventas/{primera.pk}/devolver/")
    pagina.get_by_label("Cantidad a devolver de", exact=False).first.fill("1")
    pagina.get_by_label("Motivo").fill("Hojas rotas")
    pagina.get_by_role("button", name="Registrar devolución").click()
    pagina.wait_for_url(f"{base}/ventas/devoluciones/*/ticket/")
    devolucion = Devolucion.objects.get()
    assert devolucion.total == Decimal("58.00") and devolucion.venta_id == primera.pk
    assert "$58.00" in pagina.locator("article.ticket").inner_text()

    # Cancel the second sale of today: the backpack goes back to stock.
    pagina.goto(f"{base}/ventas/{segunda.pk}/")
    pagina.get_by_role("link", name="Cancelar venta").click()
    pagina.wait_for_url(f"{base}/ventas/{segunda.pk}/cancelar/")
    pagina.get_by_label("Motivo").fill("El cliente se arrepintió")
    pagina.once("dialog", lambda dialogo: dialogo.accept())  # the form asks before cancelling
    pagina.get_by_role("button", name="Cancelar venta").click()
    pagina.wait_for_url(f"{base}/ventas/devoluciones/*/ticket/")
    segunda.refresh_from_db()
    assert segunda.estado == EstadoVenta.CANCELADA

    # Close the shift: 500 + 161.50 + 420 − 58 − 420 = 603.50 expected in cash, counted as a total.
    pagina.locator(".navegacion summary", has_text="Ventas").click()
    pagina.get_by_role("link", name="Turno", exact=True).click()
    pagina.wait_for_url(f"{base}/ventas/turno/")
    assert pagina.locator("#esperado-efectivo").inner_text() == "$603.50"
    pagina.get_by_label("Efectivo contado (total)").fill("603.50")
    pagina.get_by_role("button", name="Cerrar turno").click()
    pagina.wait_for_url(f"{base}/ventas/turnos/*/")
    assert "$603.50" in pagina.locator("article.corte").inner_text()

    # The day's summary agrees with what happened.
    pagina.locator(".navegacion summary", has_text="Reportes").click()
    pagina.get_by_role("link", name="Resumen del día").click()
    pagina.wait_for_url(f"{base}/ventas/resumen/")
    resumen = pagina.locator("main").inner_text()
    for texto in ("$581.50", "$478.00", "Cancelaciones", "Devoluciones"):
        assert texto in resumen, (texto, resumen)

    turno = Turno.objects.get()
    assert (turno.estado, turno.efectivo_esperado, turno.efectivo_contado) == ("cerrado", Decimal("603.50"),
                                                                              Decimal("603.50"))
    for producto, existencia in ((cuaderno, 9), (colores, 3), (mochila, 3)):
        producto.refresh_from_db()
        assert producto.existencia == existencia, producto.nombre
    assert inventario_descuadres() == []
