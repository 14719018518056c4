"""A cashier returns a line in a real browser, a Gerente authorising on the same screen."""

from decimal import Decimal

import pytest

from inventario.selectors import inventario_descuadres
from ventas.caja.services import carrito_agregar
from ventas.models import Devolucion

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_cajero_devuelve_una_linea_en_el_navegador(entrar, live_server, pagina, cajero, gerente, cobrar, turno_para,
                                                   producto_con_existencia):
    turno_para(cajero)
    cuaderno = producto_con_existencia(10, nombre="Cuaderno profesional", precio=Decimal("58.00"))
    colores = producto_con_existencia(4, nombre="Colores 12 piezas", precio=Decimal("45.50"))
    carrito_agregar(cajero=cajero, producto_id=cuaderno.pk, cantidad=3)
    carrito_agregar(cajero=cajero, producto_id=colores.pk)
    venta, _ = cobrar(cajero, efectivo="300")

    entrar(f"/ventas/{venta.pk}/ticket/", "cajero1")
    pagina.get_by_role("link", name="Devolver artículos").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/{venta.pk}/devolver/")

    pagina.get_by_label("Cantidad a devolver de", exact=False).first.fill("2")
    pagina.get_by_label("Motivo").fill("Hojas rotas")
    pagina.get_by_label("Usuario del gerente").fill("gerente1")
    pagina.get_by_label("Contraseña del gerente").fill("clave-de-pruebas-123")
    pagina.get_by_role("button", name="Registrar devolución").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/devoluciones/*/ticket/")

    devolucion = Devolucion.objects.get()
    assert pagina.get_by_text(f"Devolución {devolucion.folio_texto} registrada. Reembolsa: efectivo $116.00.").is_visible()
    ticket = pagina.locator("article.ticket").inner_text()
    for texto in ("DEVOLUCIÓN", devolucion.folio_texto, venta.folio_texto, "Cuaderno profesional", "$116.00",
                  "Autorizó: Gabriela Méndez", "Hojas rotas"):
        assert texto in ticket, texto
    pagina.get_by_role("link", name="A4").click()
    assert "ticket-a4" in pagina.locator("body").get_attribute("class")
    cuaderno.refresh_from_db()
    assert cuaderno.existencia == 9 and inventario_descuadres() == []
