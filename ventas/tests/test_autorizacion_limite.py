"""A Gerente's password typed on a till: 5 wrong ones from that till, then 15 minutes refused.

The limit is the sign-in one (django-axes, per username and till address) and applies to the
three screens where a Gerente authorises for a cashier: discounts, returns/cancellations and a
shift close with a difference. The cashier sees the refusal on the same screen; nothing is
written.
"""

import logging
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from ventas.caja.services import carrito_agregar
from ventas.models import Carrito, Devolucion, Turno, Venta, VentaDetalle
from ventas.politica import PERMISO_AUTORIZAR
from ventas.tests.autorizar import autorizar

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
CLAVE = "clave-de-pruebas-123"
CAJA_1, CAJA_2 = "10.20.0.7", "10.20.0.8"
BLOQUEADO = "Demasiados intentos fallidos. Intenta de nuevo en 15 minutos."
INCORRECTOS = "Usuario o contraseña de gerente incorrectos."


def _texto(respuesta):
    return respuesta.content.decode()


def _mensajes(respuesta):
    return [str(m) for m in respuesta.context["messages"]] if respuesta.context else []


def _pasan_16_minutos():
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))


# --- Discounts ---------------------------------------------------------------------------------------


@pytest.fixture
def descuento_grande(cliente_cajero, cajero, gerente, producto_con_existencia, turno_para):
    """A cart with a 15 % discount: above the cashier's 10 %, it needs a Gerente."""
    turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("100.00"))
    linea = carrito_agregar(cajero=cajero, producto_id=producto.pk)
    cliente_cajero.post(reverse("ventas:linea_cambiar", args=[linea.pk]), {"cantidad": "1", "descuento": "15"})


def _autorizar(client, clave, ip=CAJA_1):
    return client.post(reverse("ventas:autorizar"), {"usuario": "gerente1", "clave": clave}, REMOTE_ADDR=ip,
                       follow=True)


def test_descuento_cinco_claves_malas_bloquean_al_gerente_en_esa_caja(cliente_cajero, cajero, descuento_grande,
                                                                      caplog):
    caplog.set_level(logging.INFO, logger="ventas_ingenio.seguridad")
    for intento in range(4):
        assert INCORRECTOS in _mensajes(_autorizar(cliente_cajero, f"mala-{intento}"))
    assert "mala-" not in AccessAttempt.objects.get().post_data  # typed passwords are not stored
    quinto = _autorizar(cliente_cajero, "mala-5")
    assert quinto.status_code == 200 and quinto.redirect_chain[-1][0] == reverse("ventas:caja")
    assert any(m.startswith(BLOQUEADO) for m in _mensajes(quinto))
    buena = _autorizar(cliente_cajero, CLAVE)
    # The cashier stays on the POS, signed in, with the message: not the sign-in refusal page.
    assert buena.redirect_chain[-1][0] == reverse("ventas:caja")
    assert any(m.startswith(BLOQUEADO) for m in _mensajes(buena))
    assert 'id="buscar-producto"' in _texto(buena)
    carrito = Carrito.objects.get(id_cajero=cajero.pk, estado=Carrito.Estado.ACTIVO)
    assert carrito.id_autorizo_descuento is None

    lineas = [r.getMessage() for r in caplog.records if r.name == "ventas_ingenio.seguridad"]
    para = "para=descuentos del carrito de cajero1"
    # Four wrong passwords, then the fifth locks: it and the right one after it are "bloqueada".
    assert lineas.count(f"Autorización rechazada (usuario o contraseña incorrectos): autoriza=gerente1 "
                        f"solicita=cajero1 ip={CAJA_1} {para}") == 4
    assert f"Bloqueo por intentos fallidos: usuario=gerente1 ip={CAJA_1} {para} ruta=/ventas/caja/autorizar/" in lineas
    assert lineas.count(f"Autorización bloqueada por intentos fallidos: autoriza=gerente1 solicita=cajero1 "
                        f"ip={CAJA_1} {para}") == 2
    assert not any(linea.startswith("Inicio de sesión fallido") for linea in lineas)  # one line per attempt

    caplog.clear()
    otra_caja = _autorizar(cliente_cajero, CLAVE, ip=CAJA_2)
    assert "Descuentos autorizados por Gabriela Méndez." in _mensajes(otra_caja)
    assert Carrito.objects.get(pk=carrito.pk).nombre_autorizo_descuento == "Gabriela Méndez"
    assert f"Autorización concedida: autoriza=gerente1 solicita=cajero1 ip={CAJA_2} {para}" in [
        r.getMessage() for r in caplog.records
    ]


def test_descuento_despues_de_15_minutos_se_autoriza(cliente_cajero, cajero, descuento_grande):
    for intento in range(5):
        _autorizar(cliente_cajero, f"mala-{intento}")
    assert any(m.startswith(BLOQUEADO) for m in _mensajes(_autorizar(cliente_cajero, CLAVE)))
    _pasan_16_minutos()
    assert "Descuentos autorizados por Gabriela Méndez." in _mensajes(_autorizar(cliente_cajero, CLAVE))
    assert not AccessAttempt.objects.exists()  # a success clears the count, as signing in does


def test_las_claves_malas_en_caja_tambien_cuentan_para_entrar(cliente_cajero, descuento_grande, gerente):
    from django.test import Client

    for intento in range(5):
        _autorizar(cliente_cajero, f"mala-{intento}")
    respuesta = Client().post(reverse("login"), {"username": "gerente1", "password": CLAVE}, REMOTE_ADDR=CAJA_1)
    assert respuesta.status_code == 429 and BLOQUEADO in _texto(respuesta)


# --- Returns and cancellations ------------------------------------------------------------------------


@pytest.fixture
def venta(cajero, gerente, cobrar, turno_para, producto_con_existencia):
    """A cashier's sale of today (3 notebooks at $58, cash), with the cashier's shift open."""
    turno_para(cajero)
    cuaderno = producto_con_existencia(10, nombre="Cuaderno profesional", precio=D("58.00"))
    carrito_agregar(cajero=cajero, producto_id=cuaderno.pk, cantidad=3)
    venta, _ = cobrar(cajero, efectivo="200")
    return venta


def _clave_formulario(respuesta):
    return re.search(r'name="clave" value="([0-9a-f-]{36})"', _texto(respuesta)).group(1)


def _nada_devuelto(venta):
    venta.refresh_from_db()
    assert not Devolucion.objects.exists()
    assert venta.estado == "completada" and venta.total_devuelto == 0


@pytest.mark.parametrize("vista", ["ventas:venta_cancelar", "ventas:venta_devolver"])
def test_devolver_y_cancelar_cinco_claves_malas_bloquean(cliente_cajero, venta, vista):
    url = reverse(vista, args=[venta.pk])
    datos = {"clave": _clave_formulario(cliente_cajero.get(url)), "motivo": "Cobro doble",
             "metodo_reembolso": "efectivo", f"linea_{VentaDetalle.objects.get(venta=venta).pk}": "1"}

    def enviar(clave, ip=CAJA_1):
        return cliente_cajero.post(url, {**datos, "gerente_usuario": "gerente1", "gerente_clave": clave},
                                   REMOTE_ADDR=ip)

    for intento in range(4):
        respuesta = enviar(f"mala-{intento}")
        assert respuesta.status_code == 422 and INCORRECTOS in _texto(respuesta)
    assert "mala-" not in AccessAttempt.objects.get().post_data  # typed passwords are not stored
    assert BLOQUEADO in _texto(enviar("mala-5"))
    buena = enviar(CLAVE)
    assert buena.status_code == 422 and BLOQUEADO in _texto(buena)
    assert 'name="motivo"' in _texto(buena)  # the same form, to try with another Gerente
    _nada_devuelto(venta)

    _pasan_16_minutos()
    hecha = enviar(CLAVE)
    assert hecha.status_code == 302
    devolucion = Devolucion.objects.get()
    assert devolucion.nombre_autorizo == "Gabriela Méndez"


def test_cancelar_desde_otra_caja_no_esta_bloqueado(cliente_cajero, venta):
    url = reverse("ventas:venta_cancelar", args=[venta.pk])
    datos = {"clave": _clave_formulario(cliente_cajero.get(url)), "motivo": "Cobro doble", "gerente_usuario": "gerente1"}
    for intento in range(5):
        cliente_cajero.post(url, {**datos, "gerente_clave": f"mala-{intento}"}, REMOTE_ADDR=CAJA_1)
    _nada_devuelto(venta)
    respuesta = cliente_cajero.post(url, {**datos, "gerente_clave": CLAVE}, REMOTE_ADDR=CAJA_2)
    assert respuesta.status_code == 302
    assert Venta.objects.get(pk=venta.pk).estado == "cancelada"


# --- Shift close with a difference -------------------------------------------------------------------


def test_cierre_con_diferencia_cinco_claves_malas_bloquean(cliente_cajero, cajero, gerente, turno_para):
    turno = turno_para(cajero)
    url = reverse("ventas:turno_cerrar", args=[turno.pk])
    datos = {"efectivo_total": "420", "tarjeta_reportado": "0", "transferencia_reportado": "0", "nota": "",
             "autorizo_usuario": "gerente1", "accion": "cerrar"}  # $80 short: above the $50 limit

    def cerrar(clave, ip=CAJA_1):
        return cliente_cajero.post(url, {**datos, "autorizo_clave": clave}, REMOTE_ADDR=ip)

    for intento in range(4):
        respuesta = cerrar(f"mala-{intento}")
        assert respuesta.status_code == 400 and INCORRECTOS in _texto(respuesta)
    assert "mala-" not in AccessAttempt.objects.get().post_data  # typed passwords are not stored
    assert BLOQUEADO in _texto(cerrar("mala-5"))
    buena = cerrar(CLAVE)
    assert buena.status_code == 400 and BLOQUEADO in _texto(buena)
    assert Turno.objects.get(pk=turno.pk).estado == "abierto"

    _pasan_16_minutos()
    assert cerrar(CLAVE).status_code == 302
    turno.refresh_from_db()
    assert (turno.estado, turno.id_autorizo_diferencia) == ("cerrado", gerente.pk)


def test_la_autorizacion_exige_la_peticion_de_la_caja(cajero, gerente):
    """Without the till's request there is no address to count by: refused, not unthrottled."""
    with pytest.raises(ValueError, match="petición de la caja"):
        autorizar("gerente1", CLAVE, PERMISO_AUTORIZAR, request=None)
    assert not Carrito.objects.filter(id_autorizo_descuento__isnull=False).exists()
