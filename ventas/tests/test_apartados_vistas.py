"""Apartados and installments through HTTP: the till's modalidad without JavaScript
(POST/redirect/GET), the ticket, the refusals next to their field with nothing written, and
the apartados pages (list, handover, cancellation)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from inventario.models import MovimientoInventario
from ventas.caja.plazos import plazo_apartado
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar, carrito_inscribir
from ventas.models import Devolucion, Venta
from ventas.tests.factories import producto_con_existencia, vender_a_plazos

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


def _carrito(cajero, lineas, cliente=None):
    for producto, cantidad in lineas:
        carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=cantidad)
    if cliente is not None:
        carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    vista = carrito_de_cajero(cajero=cajero)
    return {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella}


def _errores(html: str) -> list[str]:
    return [re.sub(r"\s+", " ", e).strip() for e in re.findall(r'<p class="error" role="alert"[^>]*>(.*?)</p>', html)]


def test_apartado_sin_javascript_cobra_el_minimo_y_el_ticket_dice_saldo_y_fecha(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    cliente = ClienteFactory(nombre="Marta", apellidos="Ríos")
    mochila = producto_con_existencia(5, precio=D("450.00"))
    datos = _carrito(cajero, [(mochila, 2)], cliente)
    pagina = cliente_cajero.get(reverse("ventas:caja")).content.decode()
    assert 'name="modalidad" value="apartado"' in pagina and "Anticipo mínimo <strong>$180.00</strong>" in pagina
    assert 'value="parcialidades"' not in pagina  # no edition with a plan in the cart

    # Anticipo left empty: the minimum (20 % of $900), paid with a $200 bill.
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), {**datos, "modalidad": "apartado", "anticipo": "",
                                                               "efectivo_recibido": "200"})
    venta = Venta.objects.get()
    assert respuesta.status_code == 302 and respuesta.url == reverse("ventas:ticket", args=[venta.pk])
    assert (venta.modalidad, venta.pagado, venta.saldo) == ("apartado", D("180.00"), D("720.00"))
    vence = timezone.localdate() + datetime.timedelta(days=30)
    assert venta.vence == vence
    ticket = cliente_cajero.get(respuesta.url).content.decode()
    bloque = re.search(r'id="ticket-plazo">(.*?)</dl>', ticket, re.S).group(1)
    texto = re.sub(r"<[^>]+>|\s+", " ", bloque)
    assert "Apartado" in texto and "$180.00" in texto and "$720.00" in texto and f"{vence:%d/%m/%Y}" in texto
    assert "Cambio</dt><dd>$20.00" in ticket
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (3, 2)


@pytest.mark.parametrize(("cambios", "campo_error", "mensaje"), [
    ({"anticipo": "100.00"}, "anticipo", "El anticipo mínimo es $180.00."),
    ({"anticipo": "0"}, "anticipo", "El anticipo debe ser mayor que cero."),
    ({"anticipo": "950.00"}, "anticipo", "El anticipo ($950.00) no puede pasar del total ($900.00)."),
    ({"anticipo": "-5"}, "anticipo", "Anticipo: no puede ser negativo."),
    ({"anticipo": "1e9"}, "anticipo", "Anticipo: escribe un importe en pesos, por ejemplo 150.50."),
    ({"anticipo": "２００"}, "anticipo", "Anticipo: escribe un importe en pesos, por ejemplo 150.50."),
    ({"anticipo": "180.001"}, "anticipo", "Anticipo: usa como máximo 2 decimales (centavos)."),
    ({"modalidad": "fiado"}, "modalidad", "Elige la modalidad: de contado, apartado o en parcialidades."),
    ({"modalidad": "parcialidades"}, "modalidad", "Ningún curso del carrito tiene plan de parcialidades"),
])
def test_anticipo_o_modalidad_malos_no_escriben_nada(cliente_cajero, cajero, turno_para, cambios, campo_error,
                                                     mensaje):
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("450.00"))
    datos = _carrito(cajero, [(mochila, 2)], ClienteFactory())
    envio = {**datos, "modalidad": "apartado", "anticipo": "", "efectivo_recibido": "1000", **cambios}
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), envio)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert any(e.startswith(mensaje) for e in _errores(html)), _errores(html)
    # The error is next to its field, and what was typed stays.
    if campo_error == "anticipo":
        assert re.search(r'id="campo-anticipo">.*?' + re.escape(mensaje[:20]), html, re.S)
        assert f'value="{cambios["anticipo"]}"' in html
    assert not Venta.objects.exists() and not MovimientoInventario.objects.filter(tipo="apartado").exists()
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (5, 0)


def test_apartado_de_publico_general_o_con_curso_se_rechaza(cliente_cajero, cajero, turno_para):
    from cursos.tests.datos import alumno_crear, edicion_crear

    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("450.00"))
    datos = _carrito(cajero, [(mochila, 1)])
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), {**datos, "modalidad": "apartado",
                                                               "efectivo_recibido": "450"})
    assert "Para apartar o pagar en parcialidades elige primero al cliente" in _errores(respuesta.content.decode())[0]
    assert "elige primero al cliente (no Público en general)" in respuesta.content.decode()

    cliente = ClienteFactory()
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    edicion = edicion_crear()
    carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno_crear(1, responsable=cliente).pk)
    vista = carrito_de_cajero(cajero=cajero)
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), {
        "clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "modalidad": "apartado",
        "efectivo_recibido": "5000"})
    assert _errores(respuesta.content.decode()) == ["Un apartado solo lleva artículos: cobra los cursos aparte."]
    assert not Venta.objects.exists()


def test_parcialidades_se_ofrecen_con_plan_y_guardan_el_calendario(cliente_cajero, cajero, turno_para):
    from cursos.models import ParcialidadPlan
    from cursos.tests.datos import alumno_crear, edicion_crear

    turno_para(cajero)
    hoy = timezone.localdate()
    cliente = ClienteFactory()
    edicion = edicion_crear()  # $1,500.00
    for numero, dias in enumerate((0, 30, 60), start=1):
        ParcialidadPlan.objects.create(edicion=edicion, numero=numero, concepto=f"Pago {numero}", monto=D("500.00"),
                                       vence=hoy + datetime.timedelta(days=dias))
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno_crear(1, responsable=cliente).pk)
    pagina = cliente_cajero.get(reverse("ventas:caja")).content.decode()
    assert 'value="parcialidades"' in pagina and 'value="apartado"' not in pagina
    assert "Calendario de pagos" in pagina
    vista = carrito_de_cajero(cajero=cajero)
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), {
        "clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "modalidad": "parcialidades",
        "anticipo": "700", "efectivo_recibido": "700"})
    venta = Venta.objects.get()
    assert (venta.modalidad, venta.pagado, venta.saldo) == ("parcialidades", D("700.00"), D("800.00"))
    ticket = cliente_cajero.get(respuesta.url).content.decode()
    assert 'id="ticket-calendario"' in ticket and "Pago 3" in ticket


def test_contado_sigue_igual(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    datos = _carrito(cajero, [(producto_con_existencia(5, precio=D("80.00")), 3)])
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), {**datos, "efectivo_recibido": "300"})
    assert respuesta.status_code == 302
    venta = Venta.objects.get()
    assert (venta.modalidad, venta.pagado, venta.saldo) == ("contado", D("240.00"), D("0.00"))
    assert 'id="ticket-plazo"' not in cliente_cajero.get(respuesta.url).content.decode()


# --- The apartados pages -----------------------------------------------------------------


def _apartar(cajero, cliente, producto, cantidad=1):
    total = producto.precio * cantidad
    return vender_a_plazos(cajero, cliente, [(producto, cantidad)], plazo=plazo_apartado(total=total))


def test_lista_de_apartados_por_filtro(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    marta = ClienteFactory(nombre="Marta", apellidos="Ríos")
    abierto = _apartar(cajero, marta, producto_con_existencia(5, precio=D("100.00")))
    pagado = _apartar(cajero, ClienteFactory(nombre="Pedro", apellidos="Luna"), producto_con_existencia(5))
    Venta.objects.filter(pk=pagado.pk).update(pagado=F("total"))
    vencido = _apartar(cajero, ClienteFactory(nombre="Rosa", apellidos="Paz"), producto_con_existencia(5))
    Venta.objects.filter(pk=vencido.pk).update(vence=timezone.localdate() - datetime.timedelta(days=2))
    url = reverse("ventas:apartados")
    for filtro, esperado in (("abiertos", abierto), ("por_entregar", pagado), ("vencidos", vencido)):
        html = cliente_cajero.get(url, {"filtro": filtro}).content.decode()
        folios = set(re.findall(r">(V-\d{6})<", html))
        assert folios == {esperado.folio_texto}, (filtro, folios)
    html = cliente_cajero.get(url, {"filtro": "abiertos", "q": "marta"}).content.decode()
    assert "Marta Ríos" in html and "$80.00" in html  # the balance
    # Hostile filters: the default list, never a 500.
    for mala in ({"filtro": "x' OR 1=1"}, {"q": "a" * 5000}, {"filtro": "\x00"}, {"q": "V-99999999999999999999"}):
        assert cliente_cajero.get(url, mala).status_code in (200, 400)  # NUL bytes: 400 by the middleware


def test_entregar_por_http_rechaza_con_saldo_y_entrega_pagado(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("100.00"))
    venta = _apartar(cajero, ClienteFactory(), mochila, 2)
    url = reverse("ventas:apartado_entregar", args=[venta.pk])
    respuesta = cliente_cajero.post(url, follow=True)
    assert "todavía debe $160.00" in respuesta.content.decode()
    assert Venta.objects.get(pk=venta.pk).entregado is None
    assert not MovimientoInventario.objects.filter(tipo="entrega_apartado").exists()

    Venta.objects.filter(pk=venta.pk).update(pagado=F("total"))
    pagina = cliente_cajero.get(reverse("ventas:apartado", args=[venta.pk])).content.decode()
    assert 'id="boton-entregar"' in pagina
    # The sale's own page shows the same state and button.
    detalle = cliente_cajero.get(reverse("ventas:venta_detalle", args=[venta.pk])).content.decode()
    assert 'id="apartado-estado"' in detalle and "Pagado · por entregar" in detalle and 'id="boton-entregar"' in detalle
    respuesta = cliente_cajero.post(url, follow=True)
    assert "entregado" in respuesta.content.decode().lower()
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (3, 0)
    assert cliente_cajero.get(url).status_code == 405
    assert cliente_cajero.post(reverse("ventas:apartado_entregar", args=[2147483647])).status_code == 404


def test_cancelar_apartado_por_http_con_gerente(cliente_cajero, cajero, gerente, turno_para):
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("100.00"))
    venta = _apartar(cajero, ClienteFactory(), mochila, 2)
    url = reverse("ventas:apartado_cancelar", args=[venta.pk])
    pagina = cliente_cajero.get(url).content.decode()
    clave = re.search(r'name="clave" value="([0-9a-f-]+)"', pagina).group(1)
    base = {"clave": clave, "motivo": "Ya no lo quiere", "destino": "monedero"}
    for malos, mensaje in (
        ({}, "Un gerente debe autorizarlo"),
        ({"gerente_usuario": "gerente1", "gerente_clave": "mala"}, "Usuario o contraseña de gerente incorrectos."),
        ({"destino": "bitcoin", "gerente_usuario": "gerente1", "gerente_clave": "clave-de-pruebas-123"},
         "Elige"),
        ({"motivo": "", "gerente_usuario": "gerente1", "gerente_clave": "clave-de-pruebas-123"}, "motivo"),
    ):
        respuesta = cliente_cajero.post(url, {**base, **malos})
        assert respuesta.status_code in (200, 400, 403, 422), respuesta.status_code
        assert mensaje in respuesta.content.decode(), mensaje
        assert not Devolucion.objects.exists()
    respuesta = cliente_cajero.post(url, {**base, "gerente_usuario": "gerente1",
                                          "gerente_clave": "clave-de-pruebas-123"}, follow=True)
    assert respuesta.status_code == 200 and "cancelado" in respuesta.content.decode().lower()
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (5, 0)
    assert Venta.objects.get(pk=venta.pk).estado == "cancelada"


def test_apartado_vencido_no_se_entrega_por_http(cliente_cajero, cajero, turno_para, settings):
    from ventas.apartados.services import apartados_vencer

    settings.APARTADO_POLITICA_DINERO = "reembolso"
    turno_para(cajero)
    venta = _apartar(cajero, ClienteFactory(), producto_con_existencia(5, precio=D("100.00")))
    Venta.objects.filter(pk=venta.pk).update(vence=timezone.localdate() - datetime.timedelta(days=1))
    apartados_vencer()
    pagina = cliente_cajero.get(reverse("ventas:apartado", args=[venta.pk])).content.decode()
    assert "por reembolsar" in pagina and 'id="boton-entregar"' not in pagina
    respuesta = cliente_cajero.post(reverse("ventas:apartado_entregar", args=[venta.pk]), follow=True)
    assert "ya regresó al inventario" in respuesta.content.decode()
    assert Venta.objects.get(pk=venta.pk).entregado is None


def test_clave_de_cancelacion_mala_es_400(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    venta = _apartar(cajero, ClienteFactory(), producto_con_existencia(5))
    respuesta = cliente_cajero.post(reverse("ventas:apartado_cancelar", args=[venta.pk]),
                                    {"clave": "no-es-uuid", "motivo": "x", "destino": "monedero"})
    assert respuesta.status_code == 400 and "formulario" in respuesta.content.decode().lower()
    assert not Devolucion.objects.exists()


def test_inventario_y_admin_muestran_apartadas_y_el_libro_los_tipos(cliente_gerente, gerente, turno_para):
    from ventas.apartados.services import apartado_entregar, apartados_vencer

    turno_para(gerente)
    mochila = producto_con_existencia(9, precio=D("100.00"), nombre="Mochila apartable")
    entregada = _apartar(gerente, ClienteFactory(), mochila, 2)
    Venta.objects.filter(pk=entregada.pk).update(pagado=F("total"))
    apartado_entregar(usuario=gerente, venta_id=entregada.pk)
    vencida = _apartar(gerente, ClienteFactory(), mochila, 1)
    Venta.objects.filter(pk=vencida.pk).update(vence=timezone.localdate() - datetime.timedelta(days=1))
    apartados_vencer()
    _apartar(gerente, ClienteFactory(), mochila, 3)
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (4, 3)

    lista = cliente_gerente.get(reverse("inventario:producto_lista"), {"q": "Mochila apartable"}).content.decode()
    assert "Apartadas" in lista and re.search(r'data-etiqueta="Apartadas">3<', lista)
    ficha = cliente_gerente.get(reverse("admin:inventario_producto_change", args=[mochila.pk])).content.decode()
    assert "Apartadas" in ficha or "apartadas" in ficha
    libro = cliente_gerente.get(reverse("inventario:producto_movimientos", args=[mochila.pk])).content.decode()
    for etiqueta in ("Apartado", "Entrega de apartado", "Apartado liberado"):
        assert f'data-etiqueta="Tipo">{etiqueta}<' in libro, etiqueta


def test_vencimiento_sin_turno_en_el_resumen_del_dia_y_el_ticket(cliente_gerente, gerente, turno_para, settings):
    from ventas.apartados.services import apartados_vencer

    settings.APARTADO_POLITICA_DINERO = "monedero"
    turno_para(gerente)
    venta = _apartar(gerente, ClienteFactory(), producto_con_existencia(5, precio=D("100.00")))
    Venta.objects.filter(pk=venta.pk).update(vence=timezone.localdate() - datetime.timedelta(days=1))
    apartados_vencer()
    resumen = cliente_gerente.get(reverse("ventas:resumen"))
    assert resumen.status_code == 200 and "Vencimiento automático (sin turno)" in resumen.content.decode()
    # The $100.00 "Devuelto" is the goods' amount; the $20.00 paid went to store credit: no
    # drawer paid anything, and the page must not say it did.
    assert "salió de la caja" not in resumen.content.decode()
    assert "no es dinero que haya salido de la caja" in resumen.content.decode()
    devolucion = Devolucion.objects.get(venta=venta)
    ticket = cliente_gerente.get(reverse("ventas:devolucion_ticket", args=[devolucion.pk]))
    assert ticket.status_code == 200 and "Saldo a favor" in ticket.content.decode()
    pagina = cliente_gerente.get(reverse("ventas:venta_detalle", args=[venta.pk]))
    assert pagina.status_code == 200 and "Cancelado" in pagina.content.decode()
    turno = cliente_gerente.get(reverse("ventas:turno"))
    assert turno.status_code == 200


def test_lista_de_apartados_no_crece_en_consultas(cliente_cajero, cajero, turno_para, django_assert_max_num_queries):
    from django.db import connections

    from ventas_ingenio.router import DB_AUTH

    turno_para(cajero)
    producto = producto_con_existencia(50, precio=D("100.00"))
    for _ in range(12):
        _apartar(cajero, ClienteFactory(), producto)
    with django_assert_max_num_queries(2) as negocio, \
            django_assert_max_num_queries(2, connection=connections[DB_AUTH]):
        respuesta = cliente_cajero.get(reverse("ventas:apartados"))
    assert respuesta.status_code == 200 and respuesta.content.decode().count('data-etiqueta="Saldo"') == 12
    assert len(negocio) <= 2


def test_buscar_por_folio_encuentra_el_apartado_en_cualquier_estado(cliente_cajero, cajero, turno_para):
    """A cashier types the folio from the client's ticket: the apartado shows up whatever its state
    (paid and waiting to be handed over is not "abierto", and the list opens on "Abiertos")."""
    turno_para(cajero)
    pagado = _apartar(cajero, ClienteFactory(nombre="Pedro", apellidos="Luna"), producto_con_existencia(5))
    Venta.objects.filter(pk=pagado.pk).update(pagado=F("total"))
    url = reverse("ventas:apartados")
    for texto in (pagado.folio_texto, str(pagado.folio), pagado.folio_texto.lower()):
        html = cliente_cajero.get(url, {"q": texto}).content.decode()
        assert set(re.findall(r">(V-\d{6})<", html)) == {pagado.folio_texto}, texto
        assert "Pagado · por entregar" in html
    # A name still searches within the chosen filter.
    html = cliente_cajero.get(url, {"q": "Pedro"}).content.decode()
    assert pagado.folio_texto not in html
