"""The return and cancel pages, the return ticket and the sale page's action buttons."""

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from inventario.models import MovimientoInventario
from inventario.selectors import inventario_descuadres
from ventas.caja.services import carrito_agregar
from ventas.devoluciones.services import LineaDevolucionDatos, venta_devolver
from ventas.models import Devolucion, DevolucionLinea, Reembolso, Venta, VentaDetalle

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
CLAVE_GERENTE = "clave-gerente-segura-77"


@pytest.fixture
def venta(cajero, cobrar, turno_para, producto_con_existencia):
    """A cashier's sale of today: 3 notebooks at $58 and 2 pencils at $7.50 (0 % IVA), paid in cash."""
    turno_para(cajero)
    cuaderno = producto_con_existencia(10, nombre="Cuaderno profesional", precio=D("58.00"))
    lapiz = producto_con_existencia(20, nombre="Lápiz HB", precio=D("7.50"), tasa_iva=D("0.00"))
    carrito_agregar(cajero=cajero, producto_id=cuaderno.pk, cantidad=3)
    carrito_agregar(cajero=cajero, producto_id=lapiz.pk, cantidad=2)
    venta, _ = cobrar(cajero, efectivo="200")
    return venta


def _lineas(venta):
    return {d.descripcion.split(" ", 1)[1]: d for d in VentaDetalle.objects.filter(venta=venta)}


def _clave(respuesta):
    return re.search(r'name="clave" value="([0-9a-f-]{36})"', respuesta.content.decode()).group(1)


def _nada_escrito(venta):
    venta.refresh_from_db()
    assert not Devolucion.objects.exists() and not DevolucionLinea.objects.exists() and not Reembolso.objects.exists()
    assert not MovimientoInventario.objects.filter(tipo__in=["cancelacion_venta", "devolucion"]).exists()
    assert venta.estado == "completada" and venta.total_devuelto == 0
    assert not VentaDetalle.objects.filter(venta=venta, cantidad_devuelta__gt=0).exists()


def _texto(respuesta):
    return respuesta.content.decode()


# --- Return form --------------------------------------------------------------------------------------


def test_formulario_de_devolucion(cliente_gerente, gerente, venta, django_assert_max_num_queries):
    url = reverse("ventas:venta_devolver", args=[venta.pk])
    # Business database (the fixture counts "default"): sale + client, lines, payments, refunds so far.
    with django_assert_max_num_queries(4):
        respuesta = cliente_gerente.get(url)
    assert respuesta.status_code == 200
    html = _texto(respuesta)
    assert f"Devolver artículos de la venta {venta.folio_texto}" in html
    cuaderno = _lineas(venta)["Cuaderno profesional"]
    assert f'name="linea_{cuaderno.pk}"' in html and 'max="3"' in html
    assert '<option value="efectivo" selected>Efectivo</option>' in html
    assert "Autorización de gerente" not in html  # a Gerente authorises themself
    uuid.UUID(_clave(respuesta))


def test_consultas_del_formulario_no_crecen_con_las_lineas(cliente_gerente, gerente, cajero, cobrar, turno_para,
                                                           producto_con_existencia, django_assert_max_num_queries):
    turno_para(cajero)
    for _ in range(15):
        carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    venta, _ = cobrar(cajero)
    with django_assert_max_num_queries(4):
        assert cliente_gerente.get(reverse("ventas:venta_devolver", args=[venta.pk])).status_code == 200


def test_devolver_por_la_pagina(cliente_gerente, gerente, turno_para, venta):
    turno_para(gerente)
    url = reverse("ventas:venta_devolver", args=[venta.pk])
    lineas = _lineas(venta)
    clave = _clave(cliente_gerente.get(url))
    datos = {"clave": clave, "motivo": "Venían rotos", "metodo_reembolso": "efectivo",
             f"linea_{lineas['Cuaderno profesional'].pk}": "1", f"linea_{lineas['Lápiz HB'].pk}": "2"}

    respuesta = cliente_gerente.post(url, datos, follow=True)

    devolucion = Devolucion.objects.get()
    assert respuesta.redirect_chain == [(reverse("ventas:devolucion_ticket", args=[devolucion.pk]), 302)]
    html = _texto(respuesta)
    assert f"Devolución {devolucion.folio_texto} registrada. Reembolsa: efectivo $73.00." in html
    assert "DEVOLUCIÓN" in html and f"Venta {venta.folio_texto}" in html and "Venían rotos" in html
    assert "Reembolso en efectivo" in html and "$73.00" in html and "Firma del cliente" in html
    assert devolucion.total == D("73.00") and devolucion.iva == D("8.00")
    lineas["Cuaderno profesional"].refresh_from_db()
    assert lineas["Cuaderno profesional"].cantidad_devuelta == 1
    assert inventario_descuadres() == []

    # The same form sent again (double click, back button): same ticket, nothing new.
    otra = cliente_gerente.post(url, datos)
    assert otra.status_code == 302 and otra["Location"] == reverse("ventas:devolucion_ticket", args=[devolucion.pk])
    assert Devolucion.objects.count() == 1 and Reembolso.objects.count() == 1

    # The form shows what was returned and what is left.
    html = _texto(cliente_gerente.get(url))
    assert 'max="2"' in html and "Ya devuelto" in html


@pytest.mark.parametrize(
    ("valor", "mensaje"),
    [
        ("abc", "la cantidad debe ser un número entero"),
        ("1.5", "la cantidad debe ser un número entero"),
        ("-1", "la cantidad no puede ser negativa"),
        ("4", "solo quedan 3 por devolver"),
        ("0", "Indica al menos un artículo a devolver."),
        ("", "Indica al menos un artículo a devolver."),
        ("9" * 5000, "la cantidad debe ser un número entero"),
    ],
)
def test_cantidades_no_validas_en_la_pagina(cliente_gerente, gerente, turno_para, venta, valor, mensaje):
    turno_para(gerente)
    url = reverse("ventas:venta_devolver", args=[venta.pk])
    cuaderno = _lineas(venta)["Cuaderno profesional"]
    respuesta = cliente_gerente.post(url, {"clave": str(uuid.uuid4()), "motivo": "x", "metodo_reembolso": "efectivo",
                                           f"linea_{cuaderno.pk}": valor})
    assert respuesta.status_code == 422
    assert mensaje in _texto(respuesta)
    _nada_escrito(venta)


def test_otros_datos_no_validos_en_la_pagina(cliente_gerente, gerente, turno_para, venta, cajero, cobrar,
                                             producto_con_existencia):
    turno_para(gerente)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(3).pk)
    otra, _ = cobrar(cajero)
    ajena = VentaDetalle.objects.get(venta=otra)
    url = reverse("ventas:venta_devolver", args=[venta.pk])
    cuaderno = _lineas(venta)["Cuaderno profesional"]
    base = {"clave": str(uuid.uuid4()), "motivo": "x", "metodo_reembolso": "efectivo", f"linea_{cuaderno.pk}": "1"}
    casos = [
        ({f"linea_{cuaderno.pk}": "0", f"linea_{ajena.pk}": "1"}, "Indica al menos un artículo a devolver."),
        ({"motivo": ""}, "Escribe el motivo."),
        ({"motivo": "x" * 10_000}, "El motivo no puede pasar de 255 caracteres."),
        ({"metodo_reembolso": "bitcoin"}, "Elige cómo se reembolsa."),
        ({"metodo_reembolso": "tarjeta"}, "Elige cómo se reembolsa."),  # the sale was paid in cash
        ({"clave": "no-es-uuid"}, "El formulario está incompleto: vuelve a abrirlo."),
    ]
    for cambio, mensaje in casos:
        respuesta = cliente_gerente.post(url, {**base, **cambio})
        assert respuesta.status_code == 422, cambio
        assert mensaje in _texto(respuesta), cambio
    _nada_escrito(venta)


def test_clave_reutilizada_con_otros_datos(cliente_gerente, gerente, turno_para, venta):
    turno_para(gerente)
    url = reverse("ventas:venta_devolver", args=[venta.pk])
    cuaderno = _lineas(venta)["Cuaderno profesional"]
    datos = {"clave": str(uuid.uuid4()), "motivo": "x", "metodo_reembolso": "efectivo", f"linea_{cuaderno.pk}": "1"}
    assert cliente_gerente.post(url, datos).status_code == 302
    respuesta = cliente_gerente.post(url, {**datos, f"linea_{cuaderno.pk}": "2"})
    assert respuesta.status_code == 422
    assert "ya se usó para la devolución" in _texto(respuesta)
    assert Devolucion.objects.count() == 1


def test_sin_turno_abierto_en_la_pagina(cliente_gerente, venta):
    url = reverse("ventas:venta_cancelar", args=[venta.pk])
    respuesta = cliente_gerente.post(url, {"clave": str(uuid.uuid4()), "motivo": "Error de cobro"})
    assert respuesta.status_code == 422
    assert "Abre tu turno de caja para devolver dinero." in _texto(respuesta)
    _nada_escrito(venta)


# --- Cancel -----------------------------------------------------------------------------------------


def test_cancelar_por_la_pagina_y_otra_vez(cliente_gerente, gerente, turno_para, venta):
    turno_para(gerente)
    url = reverse("ventas:venta_cancelar", args=[venta.pk])
    pagina = cliente_gerente.get(url)
    assert pagina.status_code == 200
    assert "Efectivo: <strong>$189.00</strong>" in _texto(pagina)
    datos = {"clave": _clave(pagina), "motivo": "Se cobró a otro cliente"}

    respuesta = cliente_gerente.post(url, datos, follow=True)

    cancelacion = Devolucion.objects.get()
    html = _texto(respuesta)
    assert f"Venta {venta.folio_texto} cancelada ({cancelacion.folio_texto}). Reembolsa: efectivo $189.00." in html
    assert "CANCELACIÓN DE VENTA" in html
    venta.refresh_from_db()
    assert venta.estado == "cancelada" and inventario_descuadres() == []
    ticket = _texto(cliente_gerente.get(reverse("ventas:ticket", args=[venta.pk])))
    assert "VENTA CANCELADA" in ticket and "Devuelto" in ticket
    assert reverse("ventas:devolucion_ticket", args=[cancelacion.pk]) in ticket  # reprint the cancellation
    assert reverse("ventas:venta_cancelar", args=[venta.pk]) not in ticket

    # Same form again: the same result, nothing new.
    assert cliente_gerente.post(url, datos)["Location"] == reverse("ventas:devolucion_ticket", args=[cancelacion.pk])
    # A new attempt: the page says so and a POST is refused with the reason.
    motivo = f"La venta {venta.folio_texto} ya está cancelada: no se puede cancelar ni devolver otra vez."
    pagina = _texto(cliente_gerente.get(url))
    assert motivo in pagina and 'name="motivo"' not in pagina
    otra = cliente_gerente.post(url, {"clave": str(uuid.uuid4()), "motivo": "otra vez"})
    assert otra.status_code == 422 and motivo in _texto(otra)  # the page's words and the service's agree
    assert Devolucion.objects.count() == 1 and MovimientoInventario.objects.filter(tipo="cancelacion_venta").count() == 2


def test_cancelar_venta_de_otro_dia_en_la_pagina(cliente_gerente, gerente, turno_para, venta):
    turno_para(gerente)
    Venta.objects.filter(pk=venta.pk).update(fecha=timezone.now() - timedelta(days=2))
    url = reverse("ventas:venta_cancelar", args=[venta.pk])
    pagina = _texto(cliente_gerente.get(url))
    assert "Solo se cancelan ventas de hoy" in pagina and 'name="motivo"' not in pagina
    motivo = (f"Solo se cancelan ventas de hoy; la venta {venta.folio_texto} es del "
              f"{timezone.localdate(timezone.now() - timedelta(days=2)):%d/%m/%Y}.")
    assert motivo in pagina
    respuesta = cliente_gerente.post(url, {"clave": str(uuid.uuid4()), "motivo": "tarde"})
    assert respuesta.status_code == 422 and motivo in _texto(respuesta)
    _nada_escrito(venta)


def test_venta_ya_devuelta_no_ofrece_cancelar(cliente_gerente, gerente, turno_para, venta):
    turno_para(gerente)
    lineas = [LineaDevolucionDatos(venta_detalle_id=d.pk, cantidad=d.cantidad) for d in _lineas(venta).values()]
    venta_devolver(venta_id=venta.pk, usuario=gerente, lineas=lineas, motivo="No les quedó", clave=uuid.uuid4())
    url = reverse("ventas:venta_cancelar", args=[venta.pk])
    motivo = f"Todos los artículos de la venta {venta.folio_texto} ya se devolvieron: no queda nada por cancelar."
    pagina = _texto(cliente_gerente.get(url))
    assert motivo in pagina and 'name="motivo"' not in pagina
    antes = Devolucion.objects.count()
    respuesta = cliente_gerente.post(url, {"clave": str(uuid.uuid4()), "motivo": "por si acaso"})
    assert respuesta.status_code == 422 and motivo in _texto(respuesta)
    venta.refresh_from_db()
    assert Devolucion.objects.count() == antes and venta.estado == "completada"


# --- Who ------------------------------------------------------------------------------------------


def test_cajero_necesita_al_gerente_en_pantalla(cliente_cajero, cajero, gerente, venta):
    gerente.set_password(CLAVE_GERENTE)
    gerente.save()
    url = reverse("ventas:venta_cancelar", args=[venta.pk])
    pagina = cliente_cajero.get(url)
    assert "Autorización de gerente" in _texto(pagina)
    datos = {"clave": _clave(pagina), "motivo": "Cobro doble"}

    sin = cliente_cajero.post(url, datos)
    assert sin.status_code == 422 and "Un gerente debe autorizarlo" in _texto(sin)
    mal = cliente_cajero.post(url, {**datos, "gerente_usuario": "gerente1", "gerente_clave": "no-es"})
    assert mal.status_code == 422 and "Usuario o contraseña de gerente incorrectos." in _texto(mal)
    _nada_escrito(venta)

    bien = cliente_cajero.post(url, {**datos, "gerente_usuario": "gerente1", "gerente_clave": CLAVE_GERENTE})
    assert bien.status_code == 302
    cancelacion = Devolucion.objects.get()
    assert (cancelacion.id_usuario, cancelacion.id_autorizo) == (cajero.pk, gerente.pk)
    ticket = _texto(cliente_cajero.get(bien["Location"]))
    assert "Autorizó: Gabriela Méndez" in ticket and "Atendió: Carlos Ramírez" in ticket


def test_consulta_recibe_403(cliente_consulta, venta):
    for nombre in ("ventas:venta_cancelar", "ventas:venta_devolver"):
        url = reverse(nombre, args=[venta.pk])
        assert cliente_consulta.get(url).status_code == 403
        assert cliente_consulta.post(url, {"clave": str(uuid.uuid4()), "motivo": "x"}).status_code == 403
    _nada_escrito(venta)


def test_cajero_no_ve_ventas_ajenas(venta, usuario_con_rol, turno_para, gerente):
    otra = usuario_con_rol("Cajero", username="cajera2")
    turno_para(otra)
    cliente = Client()
    cliente.force_login(otra)
    for nombre in ("ventas:venta_cancelar", "ventas:venta_devolver"):
        url = reverse(nombre, args=[venta.pk])
        assert cliente.get(url).status_code == 404
        assert cliente.post(url, {"clave": str(uuid.uuid4()), "motivo": "x"}).status_code == 404
    assert cliente.get(reverse("ventas:venta_devolver", args=[999_999])).status_code == 404
    _nada_escrito(venta)


def test_sin_csrf_se_rechaza(gerente, turno_para, venta):
    turno_para(gerente)
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(gerente)
    respuesta = cliente.post(reverse("ventas:venta_cancelar", args=[venta.pk]),
                             {"clave": str(uuid.uuid4()), "motivo": "x"})
    assert respuesta.status_code == 403
    _nada_escrito(venta)


# --- Tickets and the sale page's buttons --------------------------------------------------------------


def test_ticket_de_devolucion_formatos_y_permisos(cliente_gerente, gerente, turno_para, venta, cajero, usuario_con_rol,
                                                  django_assert_max_num_queries):
    turno_para(gerente)
    cuaderno = _lineas(venta)["Cuaderno profesional"]
    devolucion, _ = venta_devolver(
        venta_id=venta.pk, usuario=gerente, motivo="Defecto", clave=uuid.uuid4(),
        lineas=[LineaDevolucionDatos(venta_detalle_id=cuaderno.pk, cantidad=2)],
    )
    url = reverse("ventas:devolucion_ticket", args=[devolucion.pk])
    for formato in ("58", "80", "a4"):
        with django_assert_max_num_queries(3):  # return + sale + client, lines, refunds
            respuesta = cliente_gerente.get(url, {"formato": formato})
        html = _texto(respuesta)
        assert f"ticket-{formato}" in html and devolucion.folio_texto in html
        assert "Cuaderno profesional" in html and "$116.00" in html
        assert "16 %" in html and "$100.00" in html and "$16.00" in html  # base and IVA of the return
    # The cashier of the sale sees it; another cashier and anonymous visitors do not.
    propio = Client()
    propio.force_login(cajero)
    assert propio.get(url).status_code == 200
    ajeno = Client()
    ajeno.force_login(usuario_con_rol("Cajero", username="cajera2"))
    assert ajeno.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def _acciones(usuario, venta):
    request = RequestFactory().get("/")
    request.user = usuario
    return render_to_string("ventas/partials/_venta_acciones.html", {"venta": venta}, request=request)


def test_botones_de_la_venta(venta, cajero, gerente, consulta, usuario_con_rol):
    cancelar, devolver = reverse("ventas:venta_cancelar", args=[venta.pk]), reverse("ventas:venta_devolver", args=[venta.pk])
    for usuario in (gerente, cajero):
        html = _acciones(usuario, venta)
        assert cancelar in html and devolver in html
    for usuario in (consulta, usuario_con_rol("Cajero", username="cajera2")):
        html = _acciones(usuario, venta)
        assert cancelar not in html and devolver not in html and "Reimprimir ticket" in html
    venta.fecha = timezone.now() - timedelta(days=1)
    html = _acciones(gerente, venta)
    assert cancelar not in html and devolver in html
    venta.estado = "cancelada"
    assert devolver not in _acciones(gerente, venta)


def test_el_ticket_de_venta_lleva_a_devolver_y_cancelar(cliente_cajero, venta):
    html = _texto(cliente_cajero.get(reverse("ventas:ticket", args=[venta.pk])))
    assert reverse("ventas:venta_devolver", args=[venta.pk]) in html
    assert reverse("ventas:venta_cancelar", args=[venta.pk]) in html


def test_reembolso_mayor_que_el_efectivo_de_la_caja(cliente_gerente, gerente, cajero, cobrar, turno_para,
                                                    producto_con_existencia):
    turno_para(cajero)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(3, precio=D("600.00")).pk)
    venta, _ = cobrar(cajero)
    turno_para(gerente)  # opening cash $500
    respuesta = cliente_gerente.post(reverse("ventas:venta_cancelar", args=[venta.pk]),
                                     {"clave": str(uuid.uuid4()), "motivo": "Error"})
    assert respuesta.status_code == 422
    assert "En tu caja debe haber $500.00 en efectivo: no alcanza para reembolsar $600.00." in _texto(respuesta)
    _nada_escrito(venta)
