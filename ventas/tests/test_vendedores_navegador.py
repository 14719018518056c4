"""The till's "Vendedor" panel in a real browser: refused without a Gerente, accepted with a
Gerente's password typed on the cashier's screen, written on the sale, back to the cashier after."""

from decimal import Decimal

import pytest

from ventas.models import Vendedor, Venta
from ventas.tests.factories import CLAVE_PRUEBAS

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_cajero_asigna_vendedor_con_clave_de_gerente(entrar, pagina, cajero, gerente, usuario_con_rol, turno_para,
                                                     producto_con_existencia):
    valeria = usuario_con_rol("Cajero", username="valeria", first_name="Valeria", last_name="Soto")
    Vendedor.objects.create(id_usuario=valeria.pk, nombre="Valeria Soto", comision_porcentaje=Decimal("5"))
    producto = producto_con_existencia(10, precio=Decimal("80.00"))
    turno_para(cajero)
    entrar("/ventas/caja/", "cajero1")
    pagina.keyboard.type(producto.codigo_barras, delay=3)
    pagina.keyboard.press("Enter")
    pagina.wait_for_function("() => document.getElementById('articulos').textContent.trim() === '1'")
    assert pagina.locator("#vendedor-actual").inner_text() == "Carlos Ramírez"

    pagina.locator("#vendedor summary").click()
    pagina.locator("#vendedor_vendedor").select_option(str(valeria.pk))
    pagina.get_by_role("button", name="Asignar vendedor").click()
    pagina.wait_for_function("() => [...document.querySelectorAll('#registro li')].some(li => li.textContent.includes('Solo un gerente'))")
    assert pagina.locator("#vendedor-actual").inner_text() == "Carlos Ramírez"

    # The panel stays open with the choice made: the Gerente types their username and password.
    assert pagina.locator("#vendedor_vendedor").input_value() == str(valeria.pk)
    pagina.locator("#vendedor_usuario").fill("gerente1")
    pagina.locator("#vendedor_clave").fill(CLAVE_PRUEBAS)
    pagina.get_by_role("button", name="Asignar vendedor").click()
    pagina.wait_for_function("() => document.getElementById('vendedor-actual').textContent === 'Valeria Soto'")
    assert "asignó Gabriela Méndez" in pagina.locator("#vendedor").inner_text()

    pagina.keyboard.press("F2")
    pagina.wait_for_function("() => document.activeElement.id === 'id_efectivo_recibido'")
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#cambio-final")
    venta = Venta.objects.get()
    assert (venta.id_cajero, venta.id_vendedor, venta.nombre_vendedor, venta.comision_porcentaje) == (
        cajero.pk, valeria.pk, "Valeria Soto", Decimal("5.00"))
    # The next sale is the cashier's again.
    assert pagina.locator("#vendedor-actual").inner_text() == "Carlos Ramírez"
