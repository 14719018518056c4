"""Every page but the POS on a phone (390×844) and the Gerente's bar on a 1366×768 screen.

On the phone: nothing scrolls sideways (wide tables become cards or scroll inside their own
box), what a finger taps is at least 44 px tall, and the menu folds behind one "Menú" button.
At 1366 px the Gerente's navigation fits one row, grouped in menus a keyboard can open.

MOVIL_CAPTURAS=/tmp/movil saves a screenshot of each page there (to look at them by eye).
"""

import re
from decimal import Decimal
from functools import partial

import pytest

from clientes.tests.factories import ClienteFactory
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.tests.navegador import captura
from ventas.tests.turnos_datos import devolver, vender
from ventas.turnos.services import turno_cerrar

_captura = partial(captura, variable="MOVIL_CAPTURAS")
pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]

TELEFONO = {"width": 390, "height": 844}
ESCRITORIO = {"width": 1366, "height": 768}

# What sticks out to the right of the window, for the failure message.
MEDIR_DESBORDE = """() => {
    const ancho = window.innerWidth;
    const fuera = [...document.querySelectorAll('body *')].filter(el => {
        const caja = el.getBoundingClientRect();
        return caja.width > 0 && caja.right > ancho + 1 && getComputedStyle(el).position !== 'fixed';
    }).slice(0, 4).map(el => el.outerHTML.slice(0, 100));
    return {scroll: document.documentElement.scrollWidth, ancho, fuera};
}"""

# Visible things a finger taps (nav entries, buttons, fields) shorter than 44 px.
MEDIR_TOQUES = """(selector) => [...document.querySelectorAll(selector)].filter(el => {
    const caja = el.getBoundingClientRect();
    return el.checkVisibility() && caja.width > 0 && caja.height < 44 && !el.closest('article.ticket');
}).map(el => `${el.tagName.toLowerCase()} "${(el.innerText || el.name || '').trim().slice(0, 30)}" ${
    Math.round(el.getBoundingClientRect().height)}px`)"""
TOCABLES = (".barra a, .barra summary, .barra button, main .boton, main button, main select, "
            "main input:not([type=checkbox]):not([type=radio]):not([type=hidden])")


def _sesion(pagina, client, live_server, usuario):
    """Sign the browser in as `usuario` (the test client's session cookie)."""
    client.force_login(usuario)
    pagina.context.clear_cookies()
    pagina.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                 "url": live_server.url}])


@pytest.fixture
def datos(cajero, gerente, usuario_con_rol, turno_para, producto_con_existencia):
    """A day with some of everything: a sale to a named client with a partial return, a closed
    shift of another cashier, a cashier with no shift, a product below its minimum."""
    turno = turno_para(cajero)
    largo = producto_con_existencia(20, nombre="Pantalón escolar de gabardina azul marino talla 16 con bolsas",
                                    precio=Decimal("589.00"))
    cuaderno = producto_con_existencia(3, nombre="Cuaderno profesional cuadro chico 100 hojas",
                                       precio=Decimal("58.00"), existencia_minima=5)
    sofia = ClienteFactory(nombre="Sofía Guadalupe", apellidos="Torres Luna de la Fuente",
                           email="sofia.guadalupe.torres.luna@colegio-ingenio.edu.mx", rfc="TOLS100315AB5")
    carrito_agregar(cajero=cajero, producto_id=largo.pk, cantidad=2)
    carrito_agregar(cajero=cajero, producto_id=cuaderno.pk)
    carrito_cliente_asignar(cajero=cajero, cliente_id=sofia.pk)
    venta = vender(cajero, largo, efectivo="2000")
    devolucion = devolver(venta, usuario=cajero, autorizador=gerente)

    olga = usuario_con_rol("Cajero", username="cajero2", first_name="Olga", last_name="Treviño")
    cerrado = turno_para(olga)
    vender(olga, cuaderno, efectivo="100")
    turno_cerrar(turno_id=cerrado.pk, usuario=olga, tarjeta_reportado=Decimal("0"),
                 transferencia_reportado=Decimal("0"), efectivo_contado=Decimal("550"), autorizador=gerente)
    return {"venta": venta, "devolucion": devolucion, "cliente": sofia, "producto": cuaderno, "turno": turno,
            "cerrado": cerrado, "olga": olga}


def _paginas_gerente(d):
    v, c = d["venta"].pk, d["cliente"].pk
    return [
        ("inicio", "/"),
        ("historial", "/ventas/historial/"),
        ("venta", f"/ventas/{v}/"),
        ("ticket", f"/ventas/{v}/ticket/"),
        ("ticket-a4", f"/ventas/{v}/ticket/?formato=a4"),
        ("devolucion-ticket", f"/ventas/devoluciones/{d['devolucion'].pk}/ticket/"),
        ("devolver", f"/ventas/{v}/devolver/"),
        ("turnos", "/ventas/turnos/"),
        ("turno-detalle", f"/ventas/turnos/{d['cerrado'].pk}/"),
        ("turno-abierto-detalle", f"/ventas/turnos/{d['turno'].pk}/?formato=a4"),
        ("turno-cerrar", f"/ventas/turnos/{d['turno'].pk}/cerrar/"),
        ("resumen", "/ventas/resumen/"),
        ("tablero", "/ventas/tablero/"),
        ("inventario", "/inventario/"),
        ("inventario-bajo", "/inventario/?bajo_minimo=on"),
        ("movimientos", f"/inventario/{d['producto'].pk}/movimientos/"),
        ("clientes", "/clientes/"),
        ("cliente", f"/clientes/{c}/"),
        ("cliente-nuevo", "/clientes/nuevo/"),
        ("cliente-editar", f"/clientes/{c}/editar/"),
        ("usuarios", "/usuarios/"),
    ]


def _paginas_cajero(d):
    v = d["venta"].pk
    return [
        ("inicio", "/"),
        ("turno", "/ventas/turno/"),
        ("historial", "/ventas/historial/"),
        ("venta", f"/ventas/{v}/"),
        ("ticket", f"/ventas/{v}/ticket/"),
        ("clientes", "/clientes/"),
        ("inventario", "/inventario/"),
    ]


def _revisar(pagina, live_server, rol, paginas):
    """Open each page at the current size; return what sticks out or is too small to tap."""
    problemas = []
    for nombre, ruta in paginas:
        respuesta = pagina.goto(f"{live_server.url}{ruta}")
        assert respuesta.ok, (ruta, respuesta.status)
        assert "/entrar/" not in pagina.url, ruta
        _captura(pagina, f"390-{rol}-{nombre}")
        medida = pagina.evaluate(MEDIR_DESBORDE)
        if medida["scroll"] > medida["ancho"]:
            problemas.append(f"{ruta}: {medida['scroll']} px de ancho en {medida['ancho']} · {medida['fuera']}")
        chicos = pagina.evaluate(MEDIR_TOQUES, TOCABLES)
        if chicos:
            problemas.append(f"{ruta}: menos de 44 px: {chicos[:5]}")
    return problemas


def _menu_pliega(pagina):
    """On a phone the entries hide behind "Menú"; it unfolds, they are 44 px, it folds again."""
    menu = pagina.locator(".barra summary", has_text="Menú")
    historial = pagina.locator(".navegacion").get_by_role("link", name="Historial")
    assert menu.is_visible() and not historial.is_visible()
    assert menu.bounding_box()["height"] >= 44
    menu.click()
    assert pagina.get_by_role("button", name="Salir").is_visible()
    ventas = pagina.locator(".navegacion summary", has_text="Ventas")
    ventas.click()
    assert historial.is_visible()
    alturas = pagina.evaluate("""() => [...document.querySelectorAll('.barra a, .barra summary, .barra button')]
        .filter(el => el.checkVisibility()).map(el => el.getBoundingClientRect().height)""")
    assert len(alturas) >= 4 and min(alturas) >= 44, alturas
    assert pagina.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    _captura(pagina, "390-menu-abierto")
    historial.click()
    pagina.wait_for_url(re.compile(r".*/ventas/historial/$"))
    assert menu.is_visible() and not historial.is_visible()  # a new page starts folded


def test_gerente_en_el_telefono(pagina, client, live_server, gerente, datos):
    pagina.set_viewport_size(TELEFONO)
    _sesion(pagina, client, live_server, gerente)
    assert _revisar(pagina, live_server, "gerente", _paginas_gerente(datos)) == []
    pagina.goto(f"{live_server.url}/ventas/tablero/")
    _menu_pliega(pagina)


def test_cajero_en_el_telefono(pagina, client, live_server, cajero, datos):
    pagina.set_viewport_size(TELEFONO)
    _sesion(pagina, client, live_server, cajero)
    assert _revisar(pagina, live_server, "cajero", _paginas_cajero(datos)) == []
    # The historial as cards: each field says what it is.
    pagina.goto(f"{live_server.url}/ventas/historial/")
    fila = pagina.locator("table.historial tbody tr").first
    assert fila.locator("td").nth(1).evaluate("td => getComputedStyle(td, '::before').content") == '"Fecha y hora"'
    assert fila.bounding_box()["width"] <= TELEFONO["width"]
    pagina.goto(f"{live_server.url}/")
    _menu_pliega(pagina)


def test_cajero_sin_turno_en_el_telefono(pagina, client, live_server, datos):
    pagina.set_viewport_size(TELEFONO)
    _sesion(pagina, client, live_server, datos["olga"])
    assert _revisar(pagina, live_server, "cajero-sin-turno", [("turno-abrir", "/ventas/turno/")]) == []


def test_punto_de_venta_en_el_telefono(pagina, client, live_server, cajero, datos):
    """Also the alumno picker of an edition, with an alumno whose name has no place to break."""
    from cursos.tests.datos import alumno_crear, edicion_crear

    edicion = edicion_crear(cupo=5)
    alumno_crear(1, responsable=datos["cliente"], nombre="Maximiliano" * 6, apellidos="Torres" + "Luna" * 20)
    carrito_cliente_asignar(cajero=cajero, cliente_id=datos["cliente"].pk)
    pagina.set_viewport_size(TELEFONO)
    _sesion(pagina, client, live_server, cajero)
    assert _revisar(pagina, live_server, "cajero", [
        ("caja", "/ventas/caja/"), ("caja-inscribir", f"/ventas/caja/?inscribir={edicion.pk}"),
    ]) == []
    assert pagina.locator("#inscribir .alumno-elegir").count() == 1


def _fila_de_la_barra(pagina):
    return pagina.evaluate("""() => {
        const barra = document.querySelector('.barra').getBoundingClientRect();
        const entradas = [...document.querySelectorAll(
            '.barra > .marca, .navegacion > ul > li > a, .navegacion > ul > li > details > summary, .sesion button')];
        return {alto: barra.height, cimas: [...new Set(entradas.map(el => Math.round(el.getBoundingClientRect().top)))],
                entradas: entradas.map(el => el.innerText.trim())};
    }""")


def test_la_barra_del_gerente_cabe_en_una_fila(pagina, client, live_server, gerente, datos):
    _sesion(pagina, client, live_server, gerente)
    for ancho in (1366, 1280, 1120):  # 1120 px (70em) is the narrowest that shows the whole bar
        pagina.set_viewport_size({"width": ancho, "height": 768})
        pagina.goto(f"{live_server.url}/ventas/historial/")
        fila = _fila_de_la_barra(pagina)
        assert fila["alto"] <= 64 and len(fila["cimas"]) == 1, (ancho, fila)
        assert pagina.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), ancho
        assert pagina.get_by_role("button", name="Salir").is_visible()
        assert not pagina.locator(".barra summary", has_text="Menú").is_visible()
    pagina.set_viewport_size(ESCRITORIO)
    pagina.goto(f"{live_server.url}/ventas/historial/")
    assert _fila_de_la_barra(pagina)["entradas"][1:6] == ["Punto de venta", "Ventas", "Reportes", "Catálogo",
                                                         "Administración"]
    _captura(pagina, "1366-gerente-historial")

    # The groups open from the keyboard, one at a time; Escape or a click elsewhere closes them.
    tablero = pagina.locator(".navegacion").get_by_role("link", name="Tablero")
    assert not tablero.is_visible()
    reportes = pagina.locator(".navegacion summary", has_text="Reportes")
    reportes.focus()
    pagina.keyboard.press("Enter")
    assert tablero.is_visible()
    _captura(pagina, "1366-gerente-menu-reportes")
    pagina.keyboard.press("Tab")
    assert pagina.evaluate("document.activeElement.textContent.trim()") == "Resumen del día"
    pagina.keyboard.press("Escape")
    assert not tablero.is_visible()
    assert pagina.evaluate("document.activeElement.textContent.trim()") == "Reportes"
    pagina.locator(".navegacion summary", has_text="Ventas").click()
    historial = pagina.locator(".navegacion").get_by_role("link", name="Historial")
    assert historial.is_visible() and historial.get_attribute("aria-current") == "page"
    reportes.click()
    assert tablero.is_visible() and not historial.is_visible()
    pagina.locator("h1").click()
    assert not tablero.is_visible()
    for nombre in ("tablero", "resumen"):
        pagina.goto(f"{live_server.url}/ventas/{nombre}/")
        _captura(pagina, f"1366-gerente-{nombre}")


def test_la_barra_del_cajero_en_escritorio(pagina, client, live_server, cajero, datos):
    pagina.set_viewport_size(ESCRITORIO)
    _sesion(pagina, client, live_server, cajero)
    pagina.goto(f"{live_server.url}/ventas/turno/")
    fila = _fila_de_la_barra(pagina)
    assert fila["alto"] <= 64 and len(fila["cimas"]) == 1, fila
    assert fila["entradas"][1:4] == ["Punto de venta", "Ventas", "Catálogo"], fila
    pagina.locator(".navegacion summary", has_text="Ventas").click()
    assert pagina.locator(".navegacion .menu-grupo[open] a").all_inner_texts() == ["Turno", "Abonos", "Historial",
                                                                                   "Apartados", "Cortes de caja"]
    _captura(pagina, "1366-cajero-turno")


def test_el_menu_funciona_sin_javascript(navegador, client, live_server, gerente):
    contexto = navegador.new_context(java_script_enabled=False, viewport=TELEFONO)
    try:
        pagina = contexto.new_page()
        _sesion(pagina, client, live_server, gerente)
        pagina.goto(f"{live_server.url}/clientes/")
        menu = pagina.locator(".barra summary", has_text="Menú")
        administracion = pagina.locator(".navegacion summary", has_text="Administración")
        usuarios = pagina.locator(".navegacion").get_by_role("link", name="Usuarios")
        assert not administracion.is_visible()
        menu.click()
        administracion.click()
        assert usuarios.is_visible()
        menu.click()
        assert not usuarios.is_visible()

        pagina.set_viewport_size(ESCRITORIO)
        pagina.goto(f"{live_server.url}/clientes/")
        assert not menu.is_visible() and pagina.get_by_role("button", name="Salir").is_visible()
        assert administracion.is_visible() and not usuarios.is_visible()
        administracion.click()
        assert usuarios.is_visible()
    finally:
        contexto.close()
