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


def test_gerente_genera_el_plan_y_corrige_un_error(pagina, client, live_server, gerente):
    """From the edition's admin page to its plan: a wrong sum comes back as an error on the same
    page (nothing saved); "Generar" saves enrollment fee + monthly payments; the edition's page
    shows them. At 390 px the plan's rows stay usable (no sideways scroll of the page)."""
    import datetime

    from django.utils import timezone

    from cursos.models import ParcialidadPlan

    edicion = edicion_crear_prueba(precio=Decimal("3000.00"))
    client.force_login(gerente)
    pagina.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                 "url": live_server.url}])
    assert pagina.goto(f"{live_server.url}/admin/cursos/edicion/{edicion.pk}/change/").ok
    pagina.get_by_role("link", name="Crear plan de pagos").click()
    hoy = timezone.localdate()
    pagina.locator("#id_plan-0-concepto").fill("Inscripción")
    pagina.locator("#id_plan-0-monto").fill("1000")
    pagina.locator("#id_plan-0-vence").fill(hoy.isoformat())
    pagina.locator("#id_plan-1-concepto").fill("Resto")
    pagina.locator("#id_plan-1-monto").fill("1999.99")
    pagina.locator("#id_plan-1-vence").fill((hoy + datetime.timedelta(days=30)).isoformat())
    pagina.get_by_role("button", name="Guardar plan").click()
    assert "faltan $0.01" in pagina.locator("#plan-form").inner_text()
    assert not ParcialidadPlan.objects.filter(edicion=edicion).exists()

    pagina.locator("#id_generar-inscripcion").fill("600")
    pagina.locator("#id_generar-mensualidades").fill("4")
    pagina.get_by_role("button", name="Generar plan").click()
    assert "Plan de pagos generado: 5 parcialidades que suman $3,000.00." in pagina.locator("body").inner_text()
    assert [p.monto for p in ParcialidadPlan.objects.filter(edicion=edicion).order_by("numero")] == [
        Decimal("600.00")] * 5
    pagina.set_viewport_size({"width": 390, "height": 844})
    assert pagina.goto(f"{live_server.url}/cursos/ediciones/{edicion.pk}/").ok
    plan = pagina.locator("#plan").inner_text()
    assert "Mensualidad 4" in plan and "$600.00" in plan
    assert pagina.evaluate("document.documentElement.scrollWidth") <= 390
    if CAPTURAS:
        pagina.screenshot(path=f"{CAPTURAS}/390-edicion-plan.png", full_page=True)
