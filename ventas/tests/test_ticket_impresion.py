"""The ticket printed on thermal paper: nothing may stick out of a 58 mm or 80 mm roll."""

from decimal import Decimal

import pytest

from ventas.caja.services import carrito_agregar

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]

# Millimetres to CSS pixels (96 dpi), as Chromium lays out print media.
PX_POR_MM = 96 / 25.4


@pytest.mark.parametrize("formato,ancho_mm", [("58", 58), ("80", 80)])
def test_ticket_cabe_en_el_rollo(live_server, pagina, client, cajero, turno_para, producto_con_existencia, cobrar,
                                 formato, ancho_mm):
    turno_para(cajero)
    largos = [
        producto_con_existencia(50, nombre="Pantalón escolar de gabardina azul marino talla 16 con bolsas", precio=p)
        for p in (Decimal("1234567.89"), Decimal("589.00"))
    ]
    for producto in largos:
        carrito_agregar(cajero=cajero, producto_id=producto.pk)
    venta, _ = cobrar(cajero, efectivo="9999999.99")

    client.force_login(cajero)
    cookie = client.cookies["sessionid"]
    pagina.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
    pagina.emulate_media(media="print")
    pagina.set_viewport_size({"width": round(ancho_mm * PX_POR_MM), "height": 1200})
    pagina.goto(f"{live_server.url}/ventas/{venta.pk}/ticket/?formato={formato}")

    medidas = pagina.evaluate(
        """() => {
            const ticket = document.querySelector('article.ticket').getBoundingClientRect();
            let derecha = 0;
            for (const el of document.querySelectorAll('article.ticket *')) {
                derecha = Math.max(derecha, el.getBoundingClientRect().right);
            }
            const visibles = [...document.querySelectorAll('body *')].filter(
                el => el.offsetParent !== null && !el.closest('article.ticket') && !el.contains(
                    document.querySelector('article.ticket')));
            return {ancho: ticket.width, derecha: ticket.right, contenido: derecha,
                    scroll: document.documentElement.scrollWidth, fuera: visibles.map(el => el.outerHTML.slice(0, 120))};
        }"""
    )
    limite = ancho_mm * PX_POR_MM + 1
    assert medidas["ancho"] <= limite, medidas
    assert medidas["contenido"] <= medidas["derecha"] + 0.5, medidas  # no text sticks out of the ticket
    assert medidas["scroll"] <= limite, medidas  # the page itself does not scroll sideways
    assert medidas["fuera"] == [], medidas  # navigation and buttons are not printed
    assert "1,234,567.89" in pagina.locator("article.ticket").inner_text()
