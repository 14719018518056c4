"""A Gerente reads the dashboard and a day's summary in a real browser, under the strict CSP."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from ventas.tests.factories import vender

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]


def test_gerente_lee_el_tablero_y_el_resumen(entrar, live_server, pagina, gerente, cajero, producto_con_existencia,
                                            turno_para):
    turno_para(cajero)
    mochila = producto_con_existencia(10, nombre="Mochila escolar", precio=Decimal("450.00"))
    ayer = timezone.localtime() - timedelta(days=1)
    vender(cajero, [(mochila, 2)], cuando=ayer, efectivo="900")
    avisos = []
    pagina.on("console", lambda mensaje: avisos.append(mensaje.text))

    entrar("/", "gerente1")
    pagina.locator(".navegacion summary", has_text="Reportes").click()  # the bar groups its entries
    pagina.get_by_role("link", name="Tablero", exact=True).first.click()
    pagina.wait_for_url(f"{live_server.url}/ventas/tablero/")

    grafica = pagina.get_by_role("img", name="Ventas por día, últimos 30 días.", exact=False)
    assert grafica.is_visible()
    assert pagina.locator("#grafica-por-dia .grafica-barra").count() == 30
    assert pagina.locator("#grafica-por-dia .grafica-rect").nth(28).bounding_box()["height"] > 50
    assert pagina.locator("#top-importe").get_by_text("Mochila escolar").is_visible()

    pagina.locator("#tabla-por-dia").get_by_role("link").nth(28).click()
    pagina.wait_for_url(f"{live_server.url}/ventas/resumen/?fecha={ayer.date().isoformat()}")
    assert pagina.locator("#resumen-neto").inner_text() == "$900.00"
    assert pagina.get_by_role("button", name="Imprimir").is_visible()  # static/js/imprimir.js ran

    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Exportar CSV").click()
    assert descarga.value.suggested_filename == f"resumen-{ayer.date().isoformat()}.csv"

    pagina.get_by_label("Fecha").fill("2000-01-01")
    pagina.get_by_role("button", name="Ver").click()
    pagina.wait_for_load_state("load")
    assert pagina.locator("#resumen-vacio").is_visible()
    assert not [a for a in avisos if "Content Security Policy" in a], avisos
