"""The customer account under concurrent use: threads, each with its own connection."""

import uuid
from decimal import Decimal

import pytest

from clientes.tests.factories import ClienteFactory
from inventario.selectors import inventario_descuadres
from ventas.caja.cobro import PagoDatos, venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.devoluciones.services import LineaDevolucionDatos, venta_devolver
from ventas.exceptions import SaldoInsuficiente
from ventas.models import Monedero, MovimientoMonedero, Venta
from ventas.monedero.selectors import monedero_descuadres
from ventas.monedero.services import monedero_ajustar
from ventas.tests.factories import linea
from ventas_ingenio.tests.hilos import en_paralelo

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
D = Decimal


def _cobro_con_saldo(cajero, monto):
    vista = carrito_de_cajero(cajero=cajero)
    clave, huella = vista.carrito.clave_cobro, vista.huella
    return lambda: venta_confirmar(
        cajero=cajero, clave_cobro=clave, huella=huella, pagos=[PagoDatos("monedero", D(monto))],
        efectivo_recibido=vista.totales.total - D(monto),
    )


def test_diez_cobros_con_el_mismo_saldo_nunca_lo_dejan_negativo(usuario_con_rol, gerente, turno_para,
                                                               producto_con_existencia):
    cliente = ClienteFactory()
    monedero_ajustar(cliente_id=cliente.pk, monto=D("350.00"), motivo="Saldo inicial", usuario=gerente,
                     autorizador=gerente)
    producto = producto_con_existencia(100, nombre="Mochila", precio=D("200.00"))
    cajeros = [usuario_con_rol("Cajero", username=f"saldo{i}") for i in range(10)]
    for cajero in cajeros:
        turno_para(cajero)
        carrito_agregar(cajero=cajero, producto_id=producto.pk)
        carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)

    resultados = en_paralelo([_cobro_con_saldo(c, "100.00") for c in cajeros])

    ventas = [r for r in resultados if isinstance(r, tuple)]
    rechazos = [r for r in resultados if isinstance(r, SaldoInsuficiente)]
    assert len(ventas) == 3, resultados  # 3 × $100 fit in $350; the fourth finds $50
    assert len(rechazos) == 7, resultados
    assert {str(r) for r in rechazos} == {
        "Saldo a favor insuficiente: el cliente tiene $50.00 y se quieren usar $100.00."}
    monedero = Monedero.objects.get(cliente=cliente)
    assert monedero.saldo == D("50.00")
    assert Venta.objects.count() == 3
    assert MovimientoMonedero.objects.filter(tipo="pago").count() == 3
    assert monedero_descuadres() == [] and inventario_descuadres() == []


def test_abonos_por_devolucion_y_cobros_a_la_vez_cuadran(usuario_con_rol, gerente, turno_para,
                                                        producto_con_existencia):
    """Refunds to credit and payments with credit of one client, interleaved: the ledger holds."""
    cliente = ClienteFactory()
    producto = producto_con_existencia(100, nombre="Cuaderno", precio=D("20.00"))
    turno_para(gerente, D("10000.00"))
    vendedora = usuario_con_rol("Cajero", username="vende")
    turno_para(vendedora)
    ventas = []
    for _ in range(5):
        carrito_agregar(cajero=vendedora, producto_id=producto.pk)
        carrito_cliente_asignar(cajero=vendedora, cliente_id=cliente.pk)
        vista = carrito_de_cajero(cajero=vendedora)
        ventas.append(venta_confirmar(cajero=vendedora, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella,
                                      pagos=[], efectivo_recibido=D("20.00"))[0])
    monedero_ajustar(cliente_id=cliente.pk, monto=D("30.00"), motivo="Saldo inicial", usuario=gerente,
                     autorizador=gerente)
    cajeros = [usuario_con_rol("Cajero", username=f"mixto{i}") for i in range(5)]
    for cajero in cajeros:
        turno_para(cajero)
        carrito_agregar(cajero=cajero, producto_id=producto.pk)
        carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    devoluciones = [
        (lambda v=v: venta_devolver(venta_id=v.pk, usuario=gerente, motivo="x", clave=uuid.uuid4(),
                                    metodo_reembolso="monedero",
                                    lineas=[LineaDevolucionDatos(venta_detalle_id=linea(v, producto).pk, cantidad=1)]))
        for v in ventas
    ]
    resultados = en_paralelo([*devoluciones, *[_cobro_con_saldo(c, "20.00") for c in cajeros]])

    assert all(isinstance(r, tuple) or isinstance(r, SaldoInsuficiente) for r in resultados), resultados
    assert all(isinstance(r, tuple) for r in resultados[:5]), resultados
    cobradas = sum(1 for r in resultados[5:] if isinstance(r, tuple))
    monedero = Monedero.objects.get(cliente=cliente)
    assert monedero.saldo == D("30.00") + 5 * D("20.00") - cobradas * D("20.00") >= 0
    assert monedero_descuadres() == [] and inventario_descuadres() == []


def test_la_cuenta_se_abre_una_vez_con_abonos_simultaneos(gerente):
    """Eight first credits at once: one account (INSERT … ON CONFLICT DO NOTHING, then the lock), all counted."""
    cliente = ClienteFactory()
    resultados = en_paralelo([
        (lambda i=i: monedero_ajustar(cliente_id=cliente.pk, monto=D("10.00") + i, motivo=f"Abono {i}",
                                      usuario=gerente, autorizador=gerente))
        for i in range(8)
    ])
    assert all(isinstance(r, MovimientoMonedero) for r in resultados), resultados
    assert Monedero.objects.filter(cliente=cliente).count() == 1
    assert Monedero.objects.get(cliente=cliente).saldo == 8 * D("10.00") + sum(range(8))
    saldos = sorted(MovimientoMonedero.objects.values_list("saldo_resultante", flat=True))
    assert len(set(saldos)) == 8  # each movement saw the one before it
    assert monedero_descuadres() == []
