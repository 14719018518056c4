"""What clients owe, in a real browser under the strict CSP: the client's page leads to the
printable statement; the receivables report and the history's payment column fit a laptop and
a phone without sideways scrolling. Screenshots land in var/capturas/ for a person to look at."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from clientes.tests.factories import ClienteFactory
from ventas.tests.factories import devolver, linea, producto_con_existencia, vender
from ventas.tests.saldos_datos import abonar, apartado, parcialidades

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]
CAPTURAS = Path(settings.BASE_DIR) / "var" / "capturas"
TAMANOS = {"laptop": (1366, 768), "telefono": (390, 844)}


def _sin_desborde(pagina) -> bool:
    return pagina.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _datos(cajero, gerente, turno_para):
    turno_para(cajero)
    turno_para(gerente)
    marta = ClienteFactory(nombre="Marta Alejandra", apellidos="Ríos Villaseñor", email="marta.rios@escuela.test")
    playera = producto_con_existencia(10, nombre="Playera deportiva talla 10", precio=Decimal("200.00"))
    contado = vender(cajero, [(playera, 2)])
    contado.cliente = marta
    contado.save(update_fields=["cliente"])
    devolver(contado, [(linea(contado, playera), 1)], usuario=gerente)
    apartado(cajero, marta, precio="1850.00", anticipo="400.00", vence_en=-12)
    plazos = parcialidades(cajero, marta, montos=("1200.00", "1200.00", "1200.00"))
    abonar(plazos, "600.00", usuario=cajero, metodo="transferencia")
    for nombre, dias in (("Beto", 10), ("Ciro", -45), ("Dora", -100)):
        apartado(cajero, ClienteFactory(nombre=nombre, apellidos="Hernández Domínguez"), precio="950.00",
                 anticipo="200.00", vence_en=dias)
    return marta, plazos


def test_estado_de_cuenta_y_por_cobrar_en_el_navegador(entrar, live_server, pagina, gerente, cajero, turno_para):
    marta, plazos = _datos(cajero, gerente, turno_para)
    CAPTURAS.mkdir(parents=True, exist_ok=True)
    avisos = []
    pagina.on("console", lambda mensaje: avisos.append(mensaje.text))

    entrar(f"/clientes/{marta.pk}/", "gerente1")
    assert pagina.locator("#cliente-adeudo").inner_text() == "$3,250.00"
    pagina.get_by_role("link", name="Estado de cuenta").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/clientes/{marta.pk}/estado-de-cuenta/")
    assert pagina.locator("#estado-saldo-final").inner_text() == "$3,250.00"
    assert pagina.get_by_role("button", name="Imprimir").is_visible()  # static/js/imprimir.js ran

    for ruta, nombre in ((f"/ventas/clientes/{marta.pk}/estado-de-cuenta/", "estado-cuenta"),
                         ("/ventas/reportes/por-cobrar/", "por-cobrar"),
                         ("/ventas/historial/?pago=vencido", "historial-vencido"),
                         (f"/ventas/{plazos.pk}/", "venta-parcialidades")):
        for tamano, (ancho, alto) in TAMANOS.items():
            pagina.set_viewport_size({"width": ancho, "height": alto})
            pagina.goto(f"{live_server.url}{ruta}")
            pagina.screenshot(path=str(CAPTURAS / f"{nombre}-{tamano}.png"), full_page=True)
            assert _sin_desborde(pagina), (ruta, tamano)

    # Print preview of the statement: no navigation, filters or buttons; the table fits the page.
    pagina.set_viewport_size({"width": 1366, "height": 768})
    pagina.goto(f"{live_server.url}/ventas/clientes/{marta.pk}/estado-de-cuenta/")
    pagina.emulate_media(media="print")
    assert not pagina.locator(".barra").is_visible() and not pagina.locator("form.filtros").is_visible()
    assert pagina.locator("#estado-movimientos").is_visible()
    pagina.screenshot(path=str(CAPTURAS / "estado-cuenta-impresion.png"), full_page=True)
    pagina.pdf(path=str(CAPTURAS / "estado-cuenta.pdf"), format="Letter")
    pagina.emulate_media(media="screen")

    pagina.goto(f"{live_server.url}/ventas/reportes/por-cobrar/")
    primeras = pagina.locator("#por-cobrar tbody tr td:first-child").all_inner_texts()
    assert primeras[0].startswith("Dora") and primeras[1].startswith("Ciro")  # most overdue first
    with pagina.expect_download() as descarga:
        pagina.get_by_role("link", name="Exportar CSV").click()
    assert descarga.value.suggested_filename.startswith("cuentas-por-cobrar-")
    assert not [a for a in avisos if "Content Security Policy" in a], avisos
