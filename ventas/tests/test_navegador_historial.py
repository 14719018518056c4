"""The history in a real browser: filter with a quick pick and a client, open a sale, export."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.models import Venta

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_gerente_filtra_el_historial_y_abre_una_venta(entrar, live_server, pagina, cajero, gerente, producto_con_existencia,
                                                       turno_para, cobrar):
    turno_para(cajero)
    cuaderno = producto_con_existencia(10, nombre="Cuaderno profesional", precio=Decimal("58.00"))
    sofia = ClienteFactory(nombre="Sofía", apellidos="Torres Luna", email="sofia.torres@escuela.test")
    carrito_agregar(cajero=cajero, producto_id=cuaderno.pk, cantidad=2)
    carrito_cliente_asignar(cajero=cajero, cliente_id=sofia.pk)
    hoy, _ = cobrar(cajero)
    carrito_agregar(cajero=cajero, producto_id=cuaderno.pk)
    antigua, _ = cobrar(cajero)
    Venta.objects.filter(pk=antigua.pk).update(fecha=timezone.now() - timedelta(days=40))

    entrar("/ventas/historial/", "gerente1")
    assert pagina.locator("#resumen").inner_text().startswith("2 ventas")

    pagina.get_by_role("link", name="Hoy").click()
    pagina.wait_for_load_state("load")
    assert pagina.locator("#resumen").inner_text().startswith("1 venta")
    pagina.get_by_label("Cliente").fill("Torres")
    pagina.get_by_role("button", name="Filtrar").click()
    pagina.wait_for_load_state("load")
    assert "cliente=Torres" in pagina.url and f"desde={timezone.localdate().isoformat()}" in pagina.url
    filas = pagina.locator("table.historial tbody tr")
    assert filas.count() == 1 and "Sofía Torres Luna" in filas.first.inner_text()

    pagina.get_by_role("link", name=hoy.folio_texto).click()
    pagina.wait_for_url(f"{live_server.url}/ventas/{hoy.pk}/")
    assert pagina.get_by_role("heading", name=f"Venta {hoy.folio_texto}").is_visible()
    assert "Cuaderno profesional" in pagina.locator("#lineas").inner_text()
    assert "−2" in pagina.locator("#movimientos").inner_text() or "-2" in pagina.locator("#movimientos").inner_text()

    # A date that does not exist, typed in the URL, comes back as a message on the page.
    pagina.goto(f"{live_server.url}/ventas/historial/?desde=2026-02-30")
    assert pagina.get_by_text("La fecha 2026-02-30 no existe.").is_visible()
