"""Returns and cancellations through the real services, against the ledger invariant."""

import re
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from inventario.models import MovimientoInventario
from inventario.selectors import inventario_descuadres
from ventas import calculos
from ventas.caja.cobro import PagoDatos
from ventas.caja.services import carrito_agregar, carrito_linea_cambiar
from ventas.devoluciones.selectors import metodo_reembolso_sugerido, reembolsables_por_metodo
from ventas.devoluciones.services import (
    LineaDevolucionDatos,
    venta_cancelar,
    venta_devolver,
)
from ventas.exceptions import (
    AutorizacionRechazada,
    ClaveDevolucionReutilizada,
    DevolucionNoPermitida,
    DevolucionNoValida,
    ReembolsoExcedeEfectivo,
    TurnoNoAbierto,
    VentaDeOtroDia,
    VentaNoEncontrada,
    VentaYaCancelada,
)
from ventas.models import Devolucion, DevolucionLinea, Reembolso, Venta, VentaDetalle
from ventas.politica import PERMISO_DEVOLVER, Credenciales
from ventas.tests.autorizar import autorizar
from ventas.turnos.selectors import turno_cuentas
from ventas.turnos.services import caja_movimiento_registrar, turno_cerrar

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
CLAVE_GERENTE = "clave-gerente-segura-77"
FONDO_AMPLIO = D("100000.00")


@pytest.fixture
def turno_para(turno_para):
    """Shifts open with plenty of cash, so a refund fits the drawer unless a test says otherwise."""

    def abrir(usuario, fondo_inicial=FONDO_AMPLIO):
        return turno_para(usuario, fondo_inicial)

    return abrir


@pytest.fixture
def vender(cajero, cobrar, turno_para):
    """vender([(producto, cantidad), ...], efectivo=..., pagos=...) rings a sale up for the cashier."""
    turno_para(cajero)

    def _vender(lineas, *, efectivo="100000", pagos=(), descuentos=None, quien=None):
        quien = quien or cajero
        for producto, cantidad in lineas:
            linea = carrito_agregar(cajero=quien, producto_id=producto.pk, cantidad=cantidad)
            if descuentos and producto.pk in descuentos:
                carrito_linea_cambiar(cajero=quien, linea_id=linea.pk, cantidad=cantidad,
                                               descuento=descuentos[producto.pk])
        venta, _ = cobrar(quien, efectivo=efectivo, pagos=pagos)
        return venta

    return _vender


def _linea(venta, producto):
    return VentaDetalle.objects.get(venta=venta, producto=producto)


def _foto(venta):
    """Everything a refused return must leave untouched."""
    venta.refresh_from_db()
    return (
        Devolucion.objects.count(), DevolucionLinea.objects.count(), Reembolso.objects.count(),
        MovimientoInventario.objects.filter(tipo__in=["cancelacion_venta", "devolucion"]).count(), venta.estado,
        venta.total_devuelto,
        sorted(VentaDetalle.objects.filter(venta=venta).values_list("pk", "cantidad_devuelta")),
    )


def _gerente(extra: dict) -> dict:
    """Typed credentials become a user first, as in the view."""
    credenciales = extra.pop("autorizo", None)
    if credenciales is not None:
        extra["autorizador"] = autorizar(credenciales.usuario, credenciales.clave, PERMISO_DEVOLVER)
    return extra


def _devolver(venta, usuario, lineas, **extra):
    datos = {"motivo": "No le quedó", "clave": uuid.uuid4(), **_gerente(extra)}
    return venta_devolver(
        venta_id=venta.pk, usuario=usuario,
        lineas=[LineaDevolucionDatos(venta_detalle_id=d.pk, cantidad=c) for d, c in lineas], **datos,
    )


def _cancelar(venta, usuario, **extra):
    datos = {"motivo": "Cobro equivocado", "clave": uuid.uuid4(), **_gerente(extra)}
    return venta_cancelar(venta_id=venta.pk, usuario=usuario, **datos)


# --- Happy paths ------------------------------------------------------------------------------


def test_devolucion_parcial_en_efectivo(vender, gerente, turno_para, producto_con_existencia):
    playera = producto_con_existencia(10, nombre="Playera deportiva", precio=D("100.00"))
    lapiz = producto_con_existencia(20, nombre="Lápiz", precio=D("7.50"), tasa_iva=D("0.00"))
    venta = vender([(playera, 3), (lapiz, 2)])
    turno = turno_para(gerente)

    devolucion, creada = _devolver(venta, gerente, [(_linea(venta, playera), 1)], motivo="Talla equivocada")

    assert creada and devolucion.folio_texto.startswith("D-")
    assert (devolucion.tipo, devolucion.total, devolucion.iva) == ("devolucion", D("100.00"), D("13.79"))
    assert devolucion.turno == turno and devolucion.motivo == "Talla equivocada"
    assert (devolucion.id_usuario, devolucion.nombre_usuario) == (gerente.pk, "Gabriela Méndez")
    assert devolucion.id_autorizo == gerente.pk
    assert list(devolucion.lineas.values_list("producto_id", "cantidad", "importe", "iva")) == [
        (playera.pk, 1, D("100.00"), D("13.79"))
    ]
    assert list(devolucion.reembolsos.values_list("metodo", "monto")) == [("efectivo", D("100.00"))]
    venta.refresh_from_db()
    assert (venta.estado, venta.total_devuelto) == ("completada", D("100.00"))
    assert _linea(venta, playera).cantidad_devuelta == 1 and _linea(venta, lapiz).cantidad_devuelta == 0
    playera.refresh_from_db()
    assert playera.existencia == 8
    # A partial return is its own kind in the ledger; "cancelacion_venta" is for cancellations.
    (movimiento,) = MovimientoInventario.objects.filter(id_venta=venta.pk).exclude(tipo="venta")
    assert movimiento.tipo == "devolucion" and movimiento.get_tipo_display() == "Devolución"
    assert (movimiento.producto_id, movimiento.cantidad, movimiento.id_venta) == (playera.pk, 1, venta.pk)
    assert movimiento.motivo == f"{devolucion.folio_texto} ({venta.folio_texto}): Talla equivocada"
    assert inventario_descuadres() == []


def test_las_devoluciones_de_una_linea_suman_su_importe(vender, gerente, turno_para, producto_con_existencia):
    # 3 × $10.00 − $0.01 = $29.99: no split into thirds is exact; the last unit takes the remainder.
    cuaderno = producto_con_existencia(10, precio=D("10.00"))
    venta = vender([(cuaderno, 3)], descuentos={cuaderno.pk: D("0.01")})
    linea = _linea(venta, cuaderno)
    assert (linea.importe, linea.iva) == (D("29.99"), D("4.14"))
    turno_para(gerente)

    partes = [_devolver(venta, gerente, [(linea, 1)])[0] for _ in range(3)]

    assert [(p.total, p.iva) for p in partes] == [(D("10.00"), D("1.38")), (D("9.99"), D("1.38")),
                                                  (D("10.00"), D("1.38"))]
    assert sum(p.total for p in partes) == linea.importe and sum(p.iva for p in partes) == linea.iva
    venta.refresh_from_db()
    assert venta.total_devuelto == venta.total
    cuaderno.refresh_from_db()
    assert cuaderno.existencia == 10 and inventario_descuadres() == []


@pytest.mark.parametrize("cortes", [[1, 1, 1, 1, 1, 1, 1], [2, 5], [6, 1], [7], [3, 3, 1]])
def test_cualquier_reparto_suma_exacto(cortes):
    importe, iva = D("99.95"), calculos.a_centavos(D("99.95") * D("0.16") / D("1.16"))
    devuelta, suma_importe, suma_iva = 0, calculos.CERO, calculos.CERO
    for unidades in cortes:
        parte = calculos.devolucion_linea_calcular(
            importe=importe, iva=iva, cantidad=7, devuelta=devuelta, importe_devuelto=suma_importe,
            iva_devuelto=suma_iva, unidades=unidades,
        )
        assert parte.importe == calculos.a_centavos(parte.importe) and parte.importe > 0
        devuelta, suma_importe, suma_iva = devuelta + unidades, suma_importe + parte.importe, suma_iva + parte.iva
    assert (suma_importe, suma_iva) == (importe, iva)


def test_reparto_del_reembolso():
    disponibles = [("tarjeta", D("60.00")), ("efectivo", D("40.00"))]
    assert calculos.reembolso_repartir(monto=D("30"), disponibles=disponibles, preferido="efectivo") == [
        ("efectivo", D("30"))
    ]
    assert calculos.reembolso_repartir(monto=D("80"), disponibles=disponibles, preferido="efectivo") == [
        ("efectivo", D("40.00")), ("tarjeta", D("40.00"))
    ]
    assert calculos.reembolso_repartir(monto=D("100"), disponibles=disponibles) == [
        ("tarjeta", D("60.00")), ("efectivo", D("40.00"))
    ]
    with pytest.raises(ValueError):
        calculos.reembolso_repartir(monto=D("100.01"), disponibles=disponibles)


def test_cancelar_venta_de_hoy_pago_mixto(vender, gerente, turno_para, producto_con_existencia):
    mochila = producto_con_existencia(5, precio=D("450.00"))
    venta = vender([(mochila, 1)], efectivo="200", pagos=[PagoDatos("tarjeta", D("300.00"), "AUT-1")])
    turno_para(gerente)

    devolucion, creada = _cancelar(venta, gerente)

    assert creada and devolucion.tipo == "cancelacion" and devolucion.total == D("450.00")
    # Cash is refunded net of the change given: the client handed $200 and got $50 back.
    assert sorted(devolucion.reembolsos.values_list("metodo", "monto")) == [
        ("efectivo", D("150.00")), ("tarjeta", D("300.00"))
    ]
    venta.refresh_from_db()
    assert (venta.estado, venta.total_devuelto) == ("cancelada", D("450.00"))
    mochila.refresh_from_db()
    assert mochila.existencia == 5 and inventario_descuadres() == []
    assert list(MovimientoInventario.objects.filter(id_venta=venta.pk).order_by("id").values_list("tipo", "cantidad")) == [
        ("venta", -1), ("cancelacion_venta", 1)
    ]


def test_cancelar_tras_devolucion_parcial_reembolsa_solo_el_resto(vender, gerente, turno_para, producto_con_existencia):
    a = producto_con_existencia(10, precio=D("58.00"))
    b = producto_con_existencia(10, precio=D("12.50"), tasa_iva=D("0.00"))
    venta = vender([(a, 2), (b, 4)], efectivo="16", pagos=[PagoDatos("tarjeta", D("150.00"))])
    assert venta.total == D("166.00")
    turno_para(gerente)
    primera, _ = _devolver(venta, gerente, [(_linea(venta, a), 1), (_linea(venta, b), 1)], metodo_reembolso="efectivo")
    # $70.50 to refund but only $16 came in cash: the rest goes back to the card.
    assert list(primera.reembolsos.values_list("metodo", "monto")) == [("efectivo", D("16.00")), ("tarjeta", D("54.50"))]

    cancelacion, _ = _cancelar(venta, gerente)

    assert cancelacion.total == D("95.50")
    assert list(cancelacion.reembolsos.values_list("metodo", "monto")) == [("tarjeta", D("95.50"))]
    assert sorted(cancelacion.lineas.values_list("producto_id", "cantidad")) == sorted([(a.pk, 1), (b.pk, 3)])
    venta.refresh_from_db()
    assert venta.total_devuelto == venta.total and venta.estado == "cancelada"
    assert all(d.cantidad_devuelta == d.cantidad for d in venta.lineas.all())
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.existencia, b.existencia) == (10, 10) and inventario_descuadres() == []
    # The return's units came back as "devolucion", the cancellation's as "cancelacion_venta".
    movimientos = MovimientoInventario.objects.filter(id_venta=venta.pk).exclude(tipo="venta")
    assert sorted(movimientos.values_list("tipo", "producto_id", "cantidad")) == sorted([
        ("cancelacion_venta", a.pk, 1), ("cancelacion_venta", b.pk, 3), ("devolucion", a.pk, 1), ("devolucion", b.pk, 1),
    ])


def test_metodo_sugerido_y_metodo_ajeno(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(5, precio=D("100.00"))
    venta = vender([(producto, 2)], efectivo="0", pagos=[PagoDatos("transferencia", D("200.00"))])
    turno_para(gerente)
    disponibles = reembolsables_por_metodo(venta=venta)
    assert disponibles == [("transferencia", D("200.00"))]
    assert metodo_reembolso_sugerido(disponibles) == "transferencia"
    antes = _foto(venta)
    with pytest.raises(DevolucionNoValida, match="no tiene pagos con efectivo por reembolsar"):
        _devolver(venta, gerente, [(_linea(venta, producto), 1)], metodo_reembolso="efectivo")
    assert _foto(venta) == antes
    devolucion, _ = _devolver(venta, gerente, [(_linea(venta, producto), 1)])
    assert list(devolucion.reembolsos.values_list("metodo", "monto")) == [("transferencia", D("100.00"))]


def test_devolver_una_venta_de_otro_dia(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 2)])
    Venta.objects.filter(pk=venta.pk).update(fecha=timezone.now() - timedelta(days=40))
    turno_para(gerente)
    devolucion, creada = _devolver(venta, gerente, [(_linea(venta, producto), 2)])
    assert creada and devolucion.total == venta.total


def test_cajero_con_autorizacion_de_gerente(vender, cajero, gerente, producto_con_existencia):
    gerente.set_password(CLAVE_GERENTE)
    gerente.save()
    producto = producto_con_existencia(5)
    venta = vender([(producto, 2)])  # opens the cashier's shift

    devolucion, _ = _devolver(venta, cajero, [(_linea(venta, producto), 1)],
                              autorizo=Credenciales(usuario="gerente1", clave=CLAVE_GERENTE))

    assert (devolucion.id_usuario, devolucion.id_autorizo) == (cajero.pk, gerente.pk)
    assert devolucion.nombre_autorizo == "Gabriela Méndez"
    assert devolucion.turno.id_cajero == cajero.pk  # the cash leaves the cashier's drawer


# --- Idempotency --------------------------------------------------------------------------------


def test_misma_clave_no_hace_nada_la_segunda_vez(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 3)])
    turno_para(gerente)
    clave = uuid.uuid4()
    primera, creada = _devolver(venta, gerente, [(_linea(venta, producto), 1)], clave=clave)
    antes = _foto(venta)
    segunda, otra_vez = _devolver(venta, gerente, [(_linea(venta, producto), 1)], clave=clave)
    assert creada and not otra_vez and segunda.pk == primera.pk
    assert _foto(venta) == antes

    clave_cancelar = uuid.uuid4()
    cancelacion, _ = _cancelar(venta, gerente, clave=clave_cancelar)
    antes = _foto(venta)
    repetida, otra_vez = _cancelar(venta, gerente, clave=clave_cancelar)
    assert repetida.pk == cancelacion.pk and not otra_vez
    assert _foto(venta) == antes
    producto.refresh_from_db()
    assert producto.existencia == 5 and inventario_descuadres() == []


def test_misma_clave_con_otros_datos_se_rechaza(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 3)])
    turno_para(gerente)
    clave = uuid.uuid4()
    _devolver(venta, gerente, [(_linea(venta, producto), 1)], clave=clave)
    antes = _foto(venta)
    with pytest.raises(ClaveDevolucionReutilizada, match="ya se usó para la devolución D-"):
        _devolver(venta, gerente, [(_linea(venta, producto), 2)], clave=clave)
    with pytest.raises(ClaveDevolucionReutilizada):
        _cancelar(venta, gerente, clave=clave)
    assert _foto(venta) == antes


# --- Refusals: Spanish message, nothing written -------------------------------------------------------


def test_cancelar_dos_veces(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 1)])
    turno_para(gerente)
    _cancelar(venta, gerente)
    antes = _foto(venta)
    with pytest.raises(VentaYaCancelada, match=f"La venta {venta.folio_texto} ya está cancelada"):
        _cancelar(venta, gerente)
    with pytest.raises(VentaYaCancelada):
        _devolver(venta, gerente, [(_linea(venta, producto), 1)])
    assert _foto(venta) == antes
    producto.refresh_from_db()
    assert producto.existencia == 5


def test_cancelar_venta_de_otro_dia(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 1)])
    ayer = timezone.now() - timedelta(days=1)
    Venta.objects.filter(pk=venta.pk).update(fecha=ayer)
    turno_para(gerente)
    antes = _foto(venta)
    with pytest.raises(VentaDeOtroDia, match=f"Solo se cancelan ventas de hoy; la venta {venta.folio_texto} es del "
                                             f"{timezone.localdate(ayer):%d/%m/%Y}"):
        _cancelar(venta, gerente)
    assert _foto(venta) == antes


def test_cancelar_cuenta_el_dia_local(vender, gerente, turno_para, producto_con_existencia):
    # 23:30 of yesterday, local time (05:30 UTC today): another day for the shop.
    producto = producto_con_existencia(5)
    venta = vender([(producto, 1)])
    hoy_local = timezone.localdate()
    anoche = timezone.make_aware(datetime.combine(hoy_local, time.min)) - timedelta(minutes=30)
    Venta.objects.filter(pk=venta.pk).update(fecha=anoche)
    turno_para(gerente)
    with pytest.raises(VentaDeOtroDia):
        _cancelar(venta, gerente)


@pytest.mark.parametrize(
    ("cantidad", "mensaje"),
    [
        (4, "solo quedan 3 por devolver (se vendieron 3, ya se devolvieron 0)"),
        (0, "número entero mayor que cero"),
        (-1, "número entero mayor que cero"),
        ("2", "número entero mayor que cero"),
        (2.5, "número entero mayor que cero"),
    ],
)
def test_cantidades_no_validas(vender, gerente, turno_para, producto_con_existencia, cantidad, mensaje):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 3)])
    turno_para(gerente)
    antes = _foto(venta)
    with pytest.raises(DevolucionNoValida, match=re.escape(mensaje)):
        _devolver(venta, gerente, [(_linea(venta, producto), cantidad)])
    assert _foto(venta) == antes


def test_no_mas_de_lo_que_queda(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 3)])
    turno_para(gerente)
    _devolver(venta, gerente, [(_linea(venta, producto), 2)])
    antes = _foto(venta)
    with pytest.raises(DevolucionNoValida, match="solo queda 1 por devolver"):
        _devolver(venta, gerente, [(_linea(venta, producto), 2)])
    assert _foto(venta) == antes


def test_linea_de_otra_venta_sin_lineas_o_repetida(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(10)
    venta = vender([(producto, 1)])
    otra = vender([(producto, 1)])
    turno_para(gerente)
    antes = _foto(venta)
    with pytest.raises(DevolucionNoValida, match=f"Esa línea no pertenece a la venta {venta.folio_texto}"):
        _devolver(venta, gerente, [(_linea(otra, producto), 1)])
    with pytest.raises(DevolucionNoValida, match="Indica al menos un artículo"):
        _devolver(venta, gerente, [])
    linea = _linea(venta, producto)
    with pytest.raises(DevolucionNoValida, match="aparece dos veces"):
        _devolver(venta, gerente, [(linea, 1), (linea, 1)])
    with pytest.raises(DevolucionNoValida, match="Escribe el motivo"):
        _devolver(venta, gerente, [(linea, 1)], motivo="   ")
    with pytest.raises(DevolucionNoValida, match="no puede pasar de 255"):
        _cancelar(venta, gerente, motivo="x" * 256)
    assert _foto(venta) == antes


def test_sin_turno_abierto(vender, gerente, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 1)])
    antes = _foto(venta)
    with pytest.raises(TurnoNoAbierto) as error:
        _cancelar(venta, gerente)
    assert str(error.value) == "Abre tu turno de caja para devolver dinero."
    with pytest.raises(TurnoNoAbierto):
        _devolver(venta, gerente, [(_linea(venta, producto), 1)])
    assert _foto(venta) == antes


def test_cajero_sin_autorizacion_o_con_clave_equivocada(vender, cajero, gerente, usuario_con_rol, producto_con_existencia):
    gerente.set_password(CLAVE_GERENTE)
    gerente.save()
    otro_cajero = usuario_con_rol("Cajero", username="cajera2", password=CLAVE_GERENTE)
    producto = producto_con_existencia(5)
    venta = vender([(producto, 2)])
    antes = _foto(venta)
    with pytest.raises(DevolucionNoPermitida, match="Un gerente debe autorizarlo"):
        _cancelar(venta, cajero)
    with pytest.raises(AutorizacionRechazada, match="Usuario o contraseña de gerente incorrectos"):
        _cancelar(venta, cajero, autorizo=Credenciales(usuario="gerente1", clave="otra"))
    with pytest.raises(AutorizacionRechazada, match="no puede autorizar devoluciones ni cancelaciones"):
        _devolver(venta, cajero, [(_linea(venta, producto), 1)],
                  autorizo=Credenciales(usuario=otro_cajero.username, clave=CLAVE_GERENTE))
    assert _foto(venta) == antes


def test_consulta_y_ventas_ajenas(vender, consulta, gerente, usuario_con_rol, turno_para, producto_con_existencia):
    gerente.set_password(CLAVE_GERENTE)
    gerente.save()
    producto = producto_con_existencia(5)
    venta = vender([(producto, 2)])
    otra_cajera = usuario_con_rol("Cajero", username="cajera2")
    turno_para(otra_cajera)
    autorizo = Credenciales(usuario="gerente1", clave=CLAVE_GERENTE)
    antes = _foto(venta)
    with pytest.raises(DevolucionNoPermitida, match="Tu usuario no puede registrar devoluciones"):
        _cancelar(venta, consulta, autorizo=autorizo)
    # A Cajero returns only their own sales, even with a Gerente's authorisation.
    with pytest.raises(VentaNoEncontrada, match="Esa venta no existe o no puedes verla"):
        _cancelar(venta, otra_cajera, autorizo=autorizo)
    turno_para(gerente)
    with pytest.raises(VentaNoEncontrada):
        venta_cancelar(venta_id=venta.pk + 1000, usuario=gerente, motivo="x", clave=uuid.uuid4())
    assert _foto(venta) == antes


def test_todo_devuelto_no_se_cancela(vender, gerente, turno_para, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 2)])
    turno_para(gerente)
    _devolver(venta, gerente, [(_linea(venta, producto), 2)])
    antes = _foto(venta)
    with pytest.raises(DevolucionNoValida, match="ya se devolvieron: no queda nada por cancelar"):
        _cancelar(venta, gerente)
    assert _foto(venta) == antes


def test_nada_por_cancelar_se_dice_antes_que_abrir_turno(vender, gerente, turno_para, producto_con_existencia):
    """The refusals of ``venta_cancelacion_impedimento`` come before the shift: opening one would not help."""
    producto = producto_con_existencia(5)
    venta = vender([(producto, 2)])
    turno = turno_para(gerente)
    _devolver(venta, gerente, [(_linea(venta, producto), 2)])
    turno_cerrar(turno_id=turno.pk, usuario=gerente, efectivo_contado=turno_cuentas(turno=turno).esperado["efectivo"],
                 tarjeta_reportado=D("0"), transferencia_reportado=D("0"))
    antes = _foto(venta)
    with pytest.raises(DevolucionNoValida, match="no queda nada por cancelar"):
        _cancelar(venta, gerente)
    with pytest.raises(TurnoNoAbierto):  # a return still asks for the shift first
        _devolver(venta, gerente, [(_linea(venta, producto), 1)])
    assert _foto(venta) == antes


def test_la_base_impide_devolver_mas_de_lo_vendido(vender, producto_con_existencia):
    producto = producto_con_existencia(5)
    venta = vender([(producto, 2)])
    with pytest.raises(IntegrityError), transaction.atomic():
        VentaDetalle.objects.filter(venta=venta).update(cantidad_devuelta=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Venta.objects.filter(pk=venta.pk).update(total_devuelto=venta.total + 1)


def test_el_efectivo_del_reembolso_debe_estar_en_la_caja(vender, cajero, gerente, turno_para, producto_con_existencia):
    mochila = producto_con_existencia(5, precio=D("450.00"))
    venta = vender([(mochila, 2)])  # $900 in cash, into the cashier's drawer
    turno = turno_para(gerente, D("500.00"))  # the Gerente's drawer holds only the opening $500
    linea = _linea(venta, mochila)
    antes = _foto(venta)
    with pytest.raises(ReembolsoExcedeEfectivo, match=r"En tu caja debe haber \$500.00 en efectivo: no alcanza "
                                                      r"para reembolsar \$900.00"):
        _cancelar(venta, gerente)
    assert _foto(venta) == antes
    # One bag fits ($450 of $500); then $50 are left, not enough for the second one.
    _devolver(venta, gerente, [(linea, 1)])
    antes = _foto(venta)
    with pytest.raises(ReembolsoExcedeEfectivo, match=r"\$50.00 en efectivo"):
        _devolver(venta, gerente, [(linea, 1)])
    assert _foto(venta) == antes
    # A deposit into the shift makes room.
    deposito = caja_movimiento_registrar(usuario=gerente, tipo="deposito", monto=D("400.00"), motivo="Cambio del banco")
    assert deposito.turno_id == turno.pk
    devolucion, _ = _devolver(venta, gerente, [(linea, 1)])
    assert devolucion.total == D("450.00")
