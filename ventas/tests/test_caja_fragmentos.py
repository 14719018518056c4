"""The POS answers static/js/caja.js with HTML fragments, and keeps POST/redirect/GET without it;
errors keep what the cashier typed; resuming a parked sale asks about the current one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_poner_en_espera, carrito_vaciar
from ventas.models import Carrito, CarritoLinea, Venta

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


def test_escaneo_asincrono_responde_fragmentos(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, nombre="Cuaderno", precio=D("58.00"))
    respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": producto.codigo_barras}, **FETCH)
    assert respuesta.status_code == 200 and respuesta["X-Caja-Fragmentos"] == "1"
    html = respuesta.content.decode()
    linea = CarritoLinea.objects.get()
    assert f'id="linea-{linea.pk}" class=" linea-reciente"' in html
    assert "Agregado: Cuaderno ($58.00)" in html
    assert 'id="total" data-total="58.00"' in html
    assert f'value="{carrito_de_cajero(cajero=cajero).huella}"' in html  # the payment's new fingerprint
    assert "<html" not in html


def test_escaneo_sin_javascript_sigue_con_redireccion(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, nombre="Cuaderno")
    respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": producto.codigo_barras})
    linea = CarritoLinea.objects.get()
    assert respuesta.status_code == 302 and respuesta["Location"] == f"/ventas/caja/?reciente={linea.pk}"
    html = cliente_cajero.get(respuesta["Location"]).content.decode()
    assert "linea-reciente" in html and "Agregado: Cuaderno" in html


def test_codigo_desconocido_lo_dice(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    html = cliente_cajero.post(reverse("ventas:agregar"), {"texto": "750123"}, **FETCH).content.decode()
    assert "No se encontró 750123" in html
    respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": "750123"}, follow=True)
    assert "No se encontró 750123" in respuesta.content.decode()


def test_texto_asincrono_lista_coincidencias(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto_con_existencia(5, nombre="Lápiz adhesivo")
    html = cliente_cajero.post(reverse("ventas:agregar"), {"texto": "lapiz"}, **FETCH).content.decode()
    assert 'id="coincidencias"' in html and "Lápiz adhesivo" in html
    assert not CarritoLinea.objects.exists()


def test_descuento_arriba_del_limite_se_avisa_al_cambiar_la_linea(cliente_cajero, cajero, producto_con_existencia,
                                                                  turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, nombre="Mochila", precio=D("100.00"))
    linea = carrito_agregar(cajero=cajero, producto_id=producto.pk)
    respuesta = cliente_cajero.post(reverse("ventas:linea_cambiar", args=[linea.pk]),
                                    {"cantidad": "1", "descuento": "15"}, **FETCH)
    html = respuesta.content.decode()
    assert "El descuento de Mochila pasa del 10 %" in html
    assert 'action="/ventas/caja/autorizar/"' in html  # the Gerente's form, right there
    assert 'id="motivo-cobro" role="status" data-motivo="Falta que un gerente autorice' in html


def test_cobro_rechazado_conserva_lo_escrito(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("100.00"))
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "50",
             "tarjeta_monto": "20", "tarjeta_referencia": "AUT-77"}
    for extra in ({}, FETCH):
        respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos, **extra)
        html = respuesta.content.decode()
        assert respuesta.status_code == 200
        assert "Pago insuficiente: faltan $30.00." in html
        assert 'value="50"' in html and 'value="20"' in html and 'value="AUT-77"' in html
    assert Venta.objects.count() == 0


def test_cobro_asincrono_muestra_el_cambio(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("87.50"))
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_rapido": "100"}
    html = cliente_cajero.post(reverse("ventas:cobrar"), datos, **FETCH).content.decode()
    venta = Venta.objects.get()
    assert 'id="cambio-final">$12.50' in html
    assert f'href="/ventas/{venta.pk}/ticket/"' in html
    # Without JavaScript the same button charges and goes to the ticket.
    producto2 = producto_con_existencia(5, precio=D("10.00"))
    carrito_agregar(cajero=cajero, producto_id=producto2.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_rapido": "50"}
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos)
    assert respuesta.status_code == 302 and "/ticket/" in respuesta["Location"]


@pytest.mark.parametrize("extra", [{}, FETCH])
def test_cliente_con_rfc_invalido_conserva_los_datos(cliente_cajero, cajero, turno_para, extra):
    from clientes.models import Cliente

    turno_para(cajero)
    antes = Cliente.objects.count()
    datos = {"tipo": "persona", "nombre": "Sofía", "apellidos": "Torres", "email": "sofia@escuela.test",
             "telefono": "", "rfc": "TOLS100315AB9"}
    respuesta = cliente_cajero.post(reverse("ventas:cliente_registrar"), datos, **extra)
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert 'value="Sofía"' in html and 'value="sofia@escuela.test"' in html and 'value="TOLS100315AB9"' in html
    assert '<details class="cliente-nuevo" open>' in html
    assert "campo-error" in html and "RFC" in html
    assert Cliente.objects.count() == antes


def test_registrar_quien_paga_en_la_caja_empresa_sin_correo(cliente_cajero, cajero, turno_para):
    from clientes.models import Cliente
    from clientes.tests.factories import rfc_valido
    from integraciones.models import SincronizacionAlumno

    turno_para(cajero)
    datos = {"tipo": "empresa", "nombre": "Aceros del Norte", "apellidos": "", "email": "", "telefono": "",
             "rfc": rfc_valido(3, empresa=True)}
    respuesta = cliente_cajero.post(reverse("ventas:cliente_registrar"), datos, follow=True)
    empresa = Cliente.objects.get(nombre="Aceros del Norte")
    assert (empresa.tipo, empresa.rfc, empresa.email) == ("empresa", rfc_valido(3, empresa=True), "")
    assert "Aceros del Norte" in respuesta.content.decode()
    assert not SincronizacionAlumno.objects.exists()


def test_reanudar_pregunta_que_hacer_con_la_venta_actual(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    a, b = producto_con_existencia(5, precio=D("30.00")), producto_con_existencia(5, precio=D("7.00"))
    carrito_agregar(cajero=cajero, producto_id=a.pk)
    carrito_agregar(cajero=cajero, producto_id=a.pk)
    espera = carrito_poner_en_espera(cajero=cajero, nota="Mamá de Luis")
    carrito_agregar(cajero=cajero, producto_id=b.pk)
    html = cliente_cajero.get(reverse("ventas:caja")).content.decode()
    assert "$60.00</strong> · 2 artículos" in html  # the parked cart's total and items
    assert 'name="actual" value="espera"' in html and 'name="actual" value="vaciar"' in html

    # No answer: nothing changes, the POS asks.
    respuesta = cliente_cajero.post(reverse("ventas:reanudar", args=[espera.pk]), follow=True)
    assert "elige si la pones en espera o la vacías" in respuesta.content.decode()
    assert Carrito.objects.get(pk=espera.pk).estado == Carrito.Estado.EN_ESPERA

    cliente_cajero.post(reverse("ventas:reanudar", args=[espera.pk]), {"actual": "vaciar"})
    assert Carrito.objects.get(pk=espera.pk).estado == Carrito.Estado.ACTIVO
    assert list(CarritoLinea.objects.values_list("producto_id", flat=True)) == [a.pk]  # the other one emptied
    assert not Carrito.objects.filter(estado=Carrito.Estado.EN_ESPERA).exists()


def test_reanudar_y_poner_en_espera_la_actual(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    a, b = producto_con_existencia(5), producto_con_existencia(5)
    carrito_agregar(cajero=cajero, producto_id=a.pk)
    espera = carrito_poner_en_espera(cajero=cajero)
    carrito_agregar(cajero=cajero, producto_id=b.pk)
    cliente_cajero.post(reverse("ventas:reanudar", args=[espera.pk]), {"actual": "espera"})
    assert Carrito.objects.get(pk=espera.pk).estado == Carrito.Estado.ACTIVO
    assert Carrito.objects.filter(estado=Carrito.Estado.EN_ESPERA).count() == 1
    assert cliente_cajero.post(reverse("ventas:reanudar", args=[espera.pk]), {"actual": "x"}, follow=True).status_code == 200


def _escanear(cliente, producto, huella):
    return cliente.post(reverse("ventas:agregar"), {"texto": producto.codigo_barras, "huella": huella}, **FETCH)


def test_escaneo_responde_solo_la_linea_y_los_totales(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    a, b = producto_con_existencia(5, precio=D("10.00")), producto_con_existencia(5, nombre="Regla", precio=D("7.50"))
    carrito_agregar(cajero=cajero, producto_id=a.pk)
    html = _escanear(cliente_cajero, b, carrito_de_cajero(cajero=cajero).huella).content.decode()
    linea_a, linea_b = CarritoLinea.objects.order_by("id")
    assert '<table id="caja-lineas" hidden><tbody>' in html and f'id="linea-{linea_b.pk}"' in html
    assert f'id="linea-{linea_a.pk}"' not in html and 'id="carrito"' not in html  # the rest of the cart stays
    assert 'id="total" data-total="17.50"' in html and "Agregado: Regla" in html
    vista = carrito_de_cajero(cajero=cajero)
    assert f'name="huella" value="{vista.huella}"' in html and f'value="{vista.carrito.clave_cobro}"' in html
    # The same product again: its row, with 2 units.
    html = _escanear(cliente_cajero, b, vista.huella).content.decode()
    assert f'id="linea-{linea_b.pk}" class=" linea-reciente"' in html and 'name="cantidad" value="2"' in html
    assert 'id="total" data-total="25.00"' in html


def test_escaneo_responde_todo_el_carrito_si_la_pagina_no_lo_muestra(cliente_cajero, cajero, producto_con_existencia,
                                                                     turno_para):
    turno_para(cajero)
    a, b = producto_con_existencia(5), producto_con_existencia(5)
    html = _escanear(cliente_cajero, a, "").content.decode()  # the first line: the cart's buttons appear with it
    assert 'id="carrito"' in html and "Vaciar carrito" in html
    huella_vieja = carrito_de_cajero(cajero=cajero).huella
    carrito_agregar(cajero=cajero, producto_id=b.pk)  # another tab
    html = _escanear(cliente_cajero, a, huella_vieja).content.decode()
    assert 'id="carrito"' in html and 'id="caja-lineas"' not in html
    assert all(f'id="linea-{linea.pk}"' in html for linea in CarritoLinea.objects.all())
    # No fingerprint sent (a client other than static/js/caja.js): the whole cart.
    html = cliente_cajero.post(reverse("ventas:agregar"), {"texto": a.codigo_barras}, **FETCH).content.decode()
    assert 'id="carrito"' in html


def test_consultas_por_escaneo_no_crecen_con_el_carrito(cliente_cajero, cajero, producto_con_existencia, turno_para,
                                                        django_assert_max_num_queries):
    """A scan finds the product and writes the cart and the line in one statement, then reads the
    lines with their products; on the auth database, the session and the user with its
    permissions. The same into a cart of 1 line as of 20, for a line already there and for a new one."""
    from django.db import connections

    from ventas_ingenio.router import DB_AUTH

    turno_para(cajero)
    productos = [producto_con_existencia(50) for _ in range(21)]
    cuentas = []
    for lineas in (1, 20):
        carrito_vaciar(cajero=cajero)
        for producto in productos[:lineas]:
            carrito_agregar(cajero=cajero, producto_id=producto.pk)
        for producto in (productos[0], productos[20]):
            huella = carrito_de_cajero(cajero=cajero).huella
            with django_assert_max_num_queries(2) as negocio, \
                    django_assert_max_num_queries(2, connection=connections[DB_AUTH]) as auth:
                respuesta = _escanear(cliente_cajero, producto, huella)
            assert respuesta.status_code == 200 and 'id="caja-lineas"' in respuesta.content.decode()
            cuentas.append((len(negocio), len(auth)))
    assert len(set(cuentas)) == 1, cuentas


def test_reanudar_o_quitar_lo_ajeno_o_lo_que_no_existe_lo_dice(cliente_cajero, cajero, usuario_con_rol, turno_para,
                                                              producto_con_existencia):
    """Resume cart id 0 (used to fall back to the active cart) or remove another cashier's line:
    a Spanish message and nothing changed."""
    from ventas.caja.services import carrito_agregar
    from ventas.models import CarritoLinea

    turno_para(cajero)
    otra = usuario_con_rol("Cajero", username="cajera9")
    ajena = carrito_agregar(cajero=otra, producto_id=producto_con_existencia(5).pk)
    for url, mensaje in (("/ventas/caja/espera/0/reanudar/", "Ese carrito ya no existe o no es tuyo."),
                         (f"/ventas/caja/linea/{ajena.pk}/quitar/", "Esa línea ya no está en tu carrito."),
                         ("/ventas/caja/linea/2147483647/quitar/", "Esa línea ya no está en tu carrito.")):
        respuesta = cliente_cajero.post(url, follow=True)
        assert respuesta.status_code == 200 and mensaje in respuesta.content.decode(), url
    assert CarritoLinea.objects.filter(pk=ajena.pk).exists()


def _confirmacion_sincrona() -> str:
    from django.db import connections

    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_el_escaneo_confirma_sin_esperar_al_disco_y_el_cobro_si_espera(cajero, producto_con_existencia, turno_para,
                                                                      cobrar):
    """A scan's transaction turns synchronous_commit off for itself (the cart is work in
    progress); the checkout does not. In the test both run inside the test's transaction, so the
    scan's local setting is still visible after it; the checkout is looked at first."""
    from ventas.caja.escaneo import carrito_escanear

    turno_para(cajero)
    producto = producto_con_existencia(5)
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    _, creada = cobrar(cajero)
    assert creada and _confirmacion_sincrona() == "on"
    carrito_escanear(cajero=cajero, texto=producto.codigo_barras)  # starts the next cart
    carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
    assert _confirmacion_sincrona() == "off"
    assert CarritoLinea.objects.get().cantidad == 2
