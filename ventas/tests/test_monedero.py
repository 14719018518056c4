"""The customer account (monedero): credit from returns, spent at the till, adjusted by a Gerente,
never negative, never cash, always the sum of its movements."""

import io
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from clientes.models import Cliente
from clientes.tests.factories import ClienteFactory
from inventario.selectors import inventario_descuadres
from ventas.caja.cobro import PagoDatos
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.devoluciones.services import LineaDevolucionDatos, venta_devolver
from ventas.exceptions import (
    AutorizacionRechazada,
    DevolucionNoValida,
    MonederoError,
    MonederoNoPermitido,
    PagoNoValido,
    SaldoInsuficiente,
)
from ventas.models import Monedero, MovimientoMonedero, Pago, Reembolso, Venta
from ventas.monedero.selectors import (
    monedero_de_cliente,
    monedero_de_venta,
    monedero_descuadres,
    monedero_saldo,
)
from ventas.monedero.services import monedero_ajustar
from ventas.tests.factories import cancelar, devolver, linea, producto_con_existencia, vender
from ventas.turnos.selectors import turno_abierto, turno_cuentas

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


@pytest.fixture
def cliente():
    return ClienteFactory(nombre="Lucía", apellidos="Torres")


@pytest.fixture
def con_saldo(gerente, cliente):
    def dar(monto, quien=cliente):
        monedero_ajustar(cliente_id=quien.pk, monto=D(monto), motivo="Saldo inicial", usuario=gerente,
                         autorizador=gerente)
        return quien
    return dar


def _vender_a(cajero, cliente, lineas, **kwargs):
    carrito_agregar(cajero=cajero, producto_id=lineas[0][0].pk, cantidad=lineas[0][1])
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    return vender(cajero, lineas[1:], **kwargs) if len(lineas) > 1 else _cobrar_carrito(cajero, **kwargs)


def _cobrar_carrito(cajero, *, pagos=(), efectivo=None):
    from ventas.caja.cobro import venta_confirmar

    vista = carrito_de_cajero(cajero=cajero)
    pagos = [p if isinstance(p, PagoDatos) else PagoDatos(p[0], D(p[1])) for p in pagos]
    if efectivo is None:
        efectivo = vista.totales.total - sum((p.monto for p in pagos), D("0"))
    venta, _ = venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella,
                               pagos=pagos, efectivo_recibido=D(efectivo))
    return venta


# --- Adjustments and the ledger identity ------------------------------------------------------


def test_ajuste_del_gerente_abre_la_cuenta_y_deja_movimiento(gerente, cliente):
    monedero_ajustar(cliente_id=cliente.pk, monto=D("150.00"), motivo="Bonificación", usuario=gerente,
                     autorizador=gerente)
    monedero_ajustar(cliente_id=cliente.pk, monto=D("-50.00"), motivo="Corrección", usuario=gerente,
                     autorizador=gerente)
    estado = monedero_de_cliente(cliente_id=cliente.pk)
    assert estado.saldo == D("100.00")
    assert [(m.tipo, m.monto, m.saldo_resultante, m.motivo) for m in estado.movimientos] == [
        ("ajuste", D("-50.00"), D("100.00"), "Corrección"), ("ajuste", D("150.00"), D("150.00"), "Bonificación"),
    ]
    assert estado.movimientos[0].nombre_usuario == "Gabriela Méndez"
    assert monedero_descuadres() == []


def test_ajuste_que_dejaria_saldo_negativo_se_rechaza_sin_escribir(gerente, con_saldo):
    cliente = con_saldo("20.00")
    with pytest.raises(SaldoInsuficiente, match=r"tiene \$20.00 y se quieren usar \$20.01"):
        monedero_ajustar(cliente_id=cliente.pk, monto=D("-20.01"), motivo="x", usuario=gerente, autorizador=gerente)
    assert monedero_saldo(cliente_id=cliente.pk) == D("20.00")
    assert MovimientoMonedero.objects.count() == 1


@pytest.mark.parametrize("monto", [D("0"), D("0.001"), D("1E+30"), D("NaN"), D("Infinity")])
def test_ajuste_con_monto_hostil_se_rechaza(gerente, cliente, monto):
    with pytest.raises(MonederoError):
        monedero_ajustar(cliente_id=cliente.pk, monto=monto, motivo="x", usuario=gerente, autorizador=gerente)
    assert not Monedero.objects.exists() and not MovimientoMonedero.objects.exists()


def test_ajuste_sin_motivo_o_sin_permiso(gerente, cajero, cliente):
    with pytest.raises(MonederoError, match="motivo"):
        monedero_ajustar(cliente_id=cliente.pk, monto=D("5"), motivo="   ", usuario=gerente, autorizador=gerente)
    with pytest.raises(AutorizacionRechazada):
        monedero_ajustar(cliente_id=cliente.pk, monto=D("5"), motivo="regalo", usuario=cajero, autorizador=cajero)
    assert not MovimientoMonedero.objects.exists()


def test_publico_en_general_nunca_tiene_cuenta(gerente):
    publico = Cliente.objects.get(es_publico_general=True)
    with pytest.raises(MonederoNoPermitido, match="público en general no tiene saldo a favor"):
        monedero_ajustar(cliente_id=publico.pk, monto=D("5"), motivo="x", usuario=gerente, autorizador=gerente)
    assert not Monedero.objects.exists()


def test_la_base_impide_saldo_negativo_y_movimientos_incoherentes(con_saldo, gerente):
    cliente = con_saldo("10.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Monedero.objects.filter(cliente=cliente).update(saldo=D("-0.01"))
    monedero = Monedero.objects.get(cliente=cliente)
    for malo in (
        {"tipo": "pago", "monto": D("5")},  # a payment takes credit away
        {"tipo": "abono_devolucion", "monto": D("5")},  # a credit from a return names the return
        {"tipo": "ajuste", "monto": D("5"), "motivo": ""},  # an adjustment says why
        {"tipo": "ajuste", "monto": D("0"), "motivo": "x"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            MovimientoMonedero.objects.create(monedero=monedero, saldo_resultante=D("10"), id_usuario=gerente.pk,
                                              nombre_usuario="x", **malo)


def test_verificar_monedero_detecta_descuadre(con_saldo):
    cliente = con_saldo("30.00")
    call_command("verificar_monedero", stdout=io.StringIO())
    Monedero.objects.filter(cliente=cliente).update(saldo=D("31.00"))
    with pytest.raises(CommandError, match="1 monedero"):
        call_command("verificar_monedero", stdout=io.StringIO(), stderr=io.StringIO())


# --- Paying with store credit at the till -----------------------------------------------------


def test_pagar_con_saldo_y_efectivo(cajero, turno_para, con_saldo):
    turno_para(cajero)
    cliente = con_saldo("100.00")
    producto = producto_con_existencia(5, precio=D("250.00"))
    venta = _vender_a(cajero, cliente, [(producto, 1)], pagos=[("monedero", "100.00")])
    assert sorted(Pago.objects.filter(venta=venta).values_list("metodo", "monto")) == [
        ("efectivo", D("150.00")), ("monedero", D("100.00"))]
    movimiento = monedero_de_venta(venta_id=venta.pk)
    assert (movimiento.tipo, movimiento.monto, movimiento.saldo_resultante) == ("pago", D("-100.00"), D("0.00"))
    assert monedero_saldo(cliente_id=cliente.pk) == D("0.00")
    # Store credit is not cash: the drawer expects only the cash part.
    cuentas = turno_cuentas(turno=turno_abierto(cajero=cajero))
    assert cuentas.esperado["efectivo"] == D("500.00") + D("150.00")
    assert monedero_descuadres() == [] and inventario_descuadres() == []


def test_pagar_con_mas_saldo_del_que_tiene_no_escribe_nada(cajero, turno_para, con_saldo):
    turno_para(cajero)
    cliente = con_saldo("40.00")
    producto = producto_con_existencia(5, precio=D("100.00"))
    with pytest.raises(SaldoInsuficiente, match=r"Saldo a favor insuficiente: el cliente tiene \$40.00 y se quieren usar \$40.01"):
        _vender_a(cajero, cliente, [(producto, 1)], pagos=[("monedero", "40.01")])
    assert not Venta.objects.exists()
    assert monedero_saldo(cliente_id=cliente.pk) == D("40.00")
    assert MovimientoMonedero.objects.count() == 1
    producto.refresh_from_db()
    assert producto.existencia == 5


def test_pagar_con_saldo_sin_cuenta_o_sin_cliente(cajero, turno_para, cliente):
    turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("100.00"))
    with pytest.raises(SaldoInsuficiente, match=r"tiene \$0.00"):
        _vender_a(cajero, cliente, [(producto, 1)], pagos=[("monedero", "10.00")])
    carrito_cliente_asignar(cajero=cajero, cliente_id=None)
    with pytest.raises(PagoNoValido, match="elige primero al cliente"):
        _cobrar_carrito(cajero, pagos=[("monedero", "10.00")])
    assert not Venta.objects.exists() and not Monedero.objects.exists()


# --- Refunds as store credit ------------------------------------------------------------------


def test_devolucion_a_saldo_a_favor_no_es_efectivo(cajero, gerente, turno_para, cliente):
    turno_para(cajero)
    turno_para(gerente, D("1000.00"))
    producto = producto_con_existencia(5, precio=D("80.00"))
    venta = _vender_a(cajero, cliente, [(producto, 3)])
    antes = turno_cuentas(turno=turno_abierto(cajero=gerente)).esperado

    devolucion = devolver(venta, [(linea(venta, producto), 2)], usuario=gerente, metodo="monedero")

    assert list(Reembolso.objects.filter(devolucion=devolucion).values_list("metodo", "monto")) == [
        ("monedero", D("160.00"))]
    estado = monedero_de_cliente(cliente_id=cliente.pk)
    assert estado.saldo == D("160.00")
    assert [(m.tipo, m.devolucion_id, m.saldo_resultante) for m in estado.movimientos] == [
        ("abono_devolucion", devolucion.pk, D("160.00"))]
    despues = turno_cuentas(turno=turno_abierto(cajero=gerente)).esperado
    assert despues == antes  # refunds to credit are not cash (nor card, nor transfer)
    assert monedero_descuadres() == [] and inventario_descuadres() == []


def test_cancelacion_a_saldo_a_favor(cajero, gerente, turno_para, cliente):
    turno_para(cajero)
    turno_para(gerente)
    producto = producto_con_existencia(5, precio=D("99.50"))
    venta = _vender_a(cajero, cliente, [(producto, 2)])
    cancelar(venta, usuario=gerente, metodo="monedero")
    assert monedero_saldo(cliente_id=cliente.pk) == D("199.00")
    assert turno_cuentas(turno=turno_abierto(cajero=gerente)).esperado["efectivo"] == D("500.00")


def test_lo_pagado_con_saldo_vuelve_al_saldo_al_cancelar(cajero, gerente, turno_para, con_saldo):
    turno_para(cajero)
    turno_para(gerente)
    cliente = con_saldo("60.00")
    producto = producto_con_existencia(5, precio=D("100.00"))
    venta = _vender_a(cajero, cliente, [(producto, 1)], pagos=[("monedero", "60.00")])
    assert monedero_saldo(cliente_id=cliente.pk) == D("0.00")
    cancelar(venta, usuario=gerente)
    assert sorted(Reembolso.objects.filter(devolucion__venta=venta).values_list("metodo", "monto")) == [
        ("efectivo", D("40.00")), ("monedero", D("60.00"))]
    assert monedero_saldo(cliente_id=cliente.pk) == D("60.00")
    assert monedero_descuadres() == []


def test_publico_en_general_no_recibe_saldo_a_favor(cajero, gerente, turno_para):
    turno_para(cajero)
    turno_para(gerente)
    producto = producto_con_existencia(5, precio=D("10.00"))
    venta = vender(cajero, [(producto, 1)])
    with pytest.raises(DevolucionNoValida, match="público en general no tiene saldo a favor"):
        venta_devolver(venta_id=venta.pk, usuario=gerente, motivo="x", clave=uuid.uuid4(), metodo_reembolso="monedero",
                       lineas=[LineaDevolucionDatos(venta_detalle_id=linea(venta, producto).pk, cantidad=1)])
    assert not Reembolso.objects.exists() and not Monedero.objects.exists()


def test_un_cliente_con_monedero_no_se_elimina(con_saldo):
    from clientes.exceptions import ClienteConVentas
    from clientes.services import cliente_eliminar

    cliente = con_saldo("15.00")
    with pytest.raises(ClienteConVentas):
        cliente_eliminar(cliente=cliente)
    assert Cliente.objects.filter(pk=cliente.pk).exists() and monedero_saldo(cliente_id=cliente.pk) == D("15.00")


def test_quitar_saldo_a_quien_nunca_tuvo(gerente, cliente):
    with pytest.raises(SaldoInsuficiente, match=r"tiene \$0.00 y se quieren usar \$5.00"):
        monedero_ajustar(cliente_id=cliente.pk, monto=D("-5"), motivo="x", usuario=gerente, autorizador=gerente)
    assert not Monedero.objects.exists()
