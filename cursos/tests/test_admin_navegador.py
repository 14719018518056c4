"""The admin's edition list on a 1366×768 screen: every column shows without scrolling sideways.

MOVIL_CAPTURAS=/tmp/dir saves a screenshot there (to look at it by eye).
"""

import os
from decimal import Decimal
from pathlib import Path

import pytest

from cursos.models import Modalidad
from cursos.tests.factories import curso_crear, edicion_crear_prueba

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]
CAPTURAS = os.environ.get("MOVIL_CAPTURAS")

# How far the results table reaches past the box it sits in (the admin scrolls it inside that box).
MEDIR = """() => {
    const tabla = document.querySelector('#result_list');
    const caja = tabla.parentElement.getBoundingClientRect();
    return {tabla: Math.round(tabla.getBoundingClientRect().right), caja: Math.round(caja.right),
            pagina: document.documentElement.scrollWidth, ancho: window.innerWidth,
            columnas: [...tabla.querySelectorAll('thead th')].map(th => th.innerText.trim())};
}"""


def test_la_lista_de_ediciones_cabe_a_1366(pagina, client, live_server, gerente):
    curso = curso_crear(codigo="DIP-ADM", nombre="Diplomado en administración de proyectos con metodologías ágiles",
                        modalidad=Modalidad.HIBRIDO, precio_lista=Decimal("12500.00"))
    for _ in range(3):
        edicion_crear_prueba(curso=curso, cupo=120, precio=Decimal("11999.00"))
    client.force_login(gerente)
    pagina.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                 "url": live_server.url}])
    pagina.set_viewport_size({"width": 1366, "height": 768})
    assert pagina.goto(f"{live_server.url}/admin/cursos/edicion/").ok
    if CAPTURAS:
        Path(CAPTURAS).mkdir(parents=True, exist_ok=True)
        pagina.screenshot(path=f"{CAPTURAS}/1366-admin-ediciones.png", full_page=True)
    medida = pagina.evaluate(MEDIR)
    assert medida["tabla"] <= medida["caja"] and medida["pagina"] <= medida["ancho"], medida
    assert "LUGARES" in [c.upper() for c in medida["columnas"]], medida
    fila = " ".join(pagina.locator("#result_list tbody tr").first.inner_text().split())
    assert "0 de 120 ocupados · 120 libres" in fila and "$11,999.00" in fila, fila
