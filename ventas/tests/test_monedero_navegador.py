"""Paying with store credit at the till, in a real browser: the balance appears when the client
is picked (without reloading), the change counts the credit, the ticket shows what is left."""

from decimal import Decimal

import pytest

from clientes.tests.factories import ClienteFactory
from ventas.models import Venta
from ventas.monedero.selectors import monedero_saldo
from ventas.monedero.services import monedero_ajustar

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]
D = Decimal


def test_pagar_parte_con_saldo_a_favor(entrar, live_server, pagina, cajero, gerente, turno_para,
                                       producto_con_existencia):
    turno_para(cajero)
    cliente = ClienteFactory(nombre="Rocío", apellidos="Vega")
    monedero_ajustar(cliente_id=cliente.pk, monto=D("50.00"), motivo="Cambio de talla", usuario=gerente,
                     autorizador=gerente)
    producto = producto_con_existencia(5, nombre="Suéter escolar", precio=D("180.00"))
    entrar("/ventas/caja/", "cajero1")
    pagina.keyboard.type(producto.codigo_barras, delay=3)
    pagina.keyboard.press("Enter")
    pagina.wait_for_function("() => document.getElementById('total').textContent.trim() === '$180.00'")
    assert pagina.locator("#id_monedero_monto").count() == 0  # walk-in client: no store credit

    pagina.locator("#buscar-cliente").fill("Rocío")
    pagina.locator("#buscar-cliente").press("Enter")
    pagina.get_by_role("button", name="Rocío Vega").click()
    pagina.wait_for_selector("#id_monedero_monto")
    assert pagina.locator("#saldo-cliente").inner_text() == "Saldo a favor: $50.00"
    assert pagina.locator("#saldo-disponible").inner_text() == "$50.00"

    pagina.locator("#id_monedero_monto").fill("50")
    pagina.locator("#id_efectivo_recibido").fill("200")
    assert pagina.locator("#cambio").inner_text() == "$70.00"  # 200 − (180 − 50)
    pagina.locator("#boton-cobrar").click()
    pagina.wait_for_selector("#cambio-final")
    assert pagina.locator("#cambio-final").inner_text() == "$70.00"
    venta = Venta.objects.get()
    assert sorted(venta.pagos.values_list("metodo", "monto")) == [("efectivo", D("130.00")), ("monedero", D("50.00"))]
    assert monedero_saldo(cliente_id=cliente.pk) == D("0.00")
    # The next sale is the walk-in client's again: no store-credit field left over.
    assert pagina.locator("#id_monedero_monto").count() == 0
    pagina.goto(f"{live_server.url}/ventas/{venta.pk}/ticket/")
    ticket = pagina.locator("article.ticket").inner_text()
    assert "Saldo a favor usado" in ticket and "$50.00" in ticket and "Saldo a favor restante" in ticket
