"""The apartado lifecycle (ventas.apartados): handover once paid, cancellation and expiry put the
goods back on the shelf through the ledger, and the money goes by APARTADO_POLITICA_DINERO."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from inventario.models import MovimientoInventario, Producto
from inventario.selectors import inventario_descuadres
from ventas.apartados.selectors import POR_ENTREGAR, VENCIDOS, apartados_filtrar
from ventas.apartados.services import apartado_cancelar, apartado_entregar, apartados_vencer
from ventas.caja.plazos import plazo_apartado
from ventas.exceptions import ApartadoError, AutorizacionRechazada, DevolucionNoPermitida, TurnoNoAbierto
from ventas.models import Devolucion, EstadoVenta, Monedero, MovimientoMonedero, Reembolso, Venta
from ventas.tests.factories import producto_con_existencia, vender, vender_a_plazos

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


@pytest.fixture
def cliente():
    return ClienteFactory(nombre="Marta", apellidos="Ríos")


def _apartar(cajero, cliente, lineas, anticipo=None, tarjeta=None):
    total = sum((p.precio * n for p, n in lineas), D("0"))
    plazo = plazo_apartado(total=total, anticipo=D(anticipo) if anticipo else None)
    pagos = [("tarjeta", tarjeta)] if tarjeta else ()
    return vender_a_plazos(cajero, cliente, lineas, plazo=plazo, pagos=pagos)


def _vencer(venta, dias=1):
    Venta.objects.filter(pk=venta.pk).update(vence=timezone.localdate() - datetime.timedelta(days=dias))


def _estado(producto):
    producto.refresh_from_db()
    return producto.existencia, producto.existencia_apartada


def test_apartado_vencido_regresa_la_mercancia_y_el_dinero_a_saldo_a_favor(cajero, turno_para, cliente, settings):
    settings.APARTADO_POLITICA_DINERO = "monedero"
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("500.00"))
    venta = _apartar(cajero, cliente, [(mochila, 2)], anticipo="250.00")
    assert _estado(mochila) == (3, 2)
    _vencer(venta)

    resultado = apartados_vencer()

    assert (resultado.liberados, resultado.a_monedero, resultado.por_reembolsar) == (1, 1, 0)
    assert _estado(mochila) == (5, 0)
    venta.refresh_from_db()
    assert venta.estado == EstadoVenta.CANCELADA and venta.liberado is not None
    assert (venta.total_devuelto, venta.pagado, venta.saldo) == (D("1000.00"), D("0.00"), D("0.00"))
    devolucion = Devolucion.objects.get(venta=venta)
    assert devolucion.turno_id is None and devolucion.total == D("1000.00")
    assert [(r.metodo, r.monto) for r in Reembolso.objects.filter(devolucion=devolucion)] == [("monedero", D("250.00"))]
    assert Monedero.objects.get(cliente=cliente).saldo == D("250.00")
    movimiento = MovimientoInventario.objects.get(id_venta=venta.pk, tipo="liberacion_apartado")
    assert (movimiento.cantidad, movimiento.cantidad_apartada) == (2, -2)
    assert not MovimientoInventario.objects.filter(id_venta=venta.pk, tipo="cancelacion_venta").exists()
    assert inventario_descuadres() == []
    # A second run finds nothing to do.
    assert apartados_vencer().liberados == 0
    assert MovimientoMonedero.objects.count() == 1 and _estado(mochila) == (5, 0)


def test_apartado_vencido_con_politica_reembolso_queda_por_reembolsar(cajero, gerente, turno_para, cliente,
                                                                     settings):
    settings.APARTADO_POLITICA_DINERO = "reembolso"
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("500.00"))
    venta = _apartar(cajero, cliente, [(mochila, 2)], anticipo="300.00", tarjeta="100.00")
    _vencer(venta)

    resultado = apartados_vencer()

    assert (resultado.liberados, resultado.por_reembolsar) == (1, 1)
    assert _estado(mochila) == (5, 0) and inventario_descuadres() == []
    venta.refresh_from_db()
    # The goods are back; the money waits for someone with a drawer.
    assert venta.estado == EstadoVenta.COMPLETADA and venta.liberado is not None and venta.pagado == D("300.00")
    assert not Devolucion.objects.exists() and not Monedero.objects.filter(cliente=cliente).exists()
    assert list(apartados_filtrar(filtro=VENCIDOS)) == [venta]
    # The client owes nothing for it: not a receivable, not "vencido" in the history's filters.
    from ventas.historial.selectors import por_cobrar_condicion
    from ventas.saldos.selectors import por_cobrar_reporte
    assert not venta.vencida and not Venta.objects.filter(por_cobrar_condicion()).exists()
    assert not por_cobrar_reporte().filas
    with pytest.raises(ApartadoError, match="ya regresó al inventario"):
        apartado_entregar(usuario=cajero, venta_id=venta.pk)

    # The refund, in the Gerente's open shift, by where the money came in; no second liberation.
    turno_para(gerente)
    devolucion, creada = apartado_cancelar(usuario=gerente, autorizador=None, venta_id=venta.pk,
                                           motivo="El cliente no regresó", clave=uuid.uuid4(), destino="reembolso")
    assert creada
    assert sorted((r.metodo, r.monto) for r in devolucion.reembolsos.all()) == [
        ("efectivo", D("200.00")), ("tarjeta", D("100.00"))]
    venta.refresh_from_db()
    assert (venta.estado, venta.pagado, venta.total_devuelto) == ("cancelada", D("0.00"), D("1000.00"))
    assert _estado(mochila) == (5, 0) and inventario_descuadres() == []
    assert MovimientoInventario.objects.filter(id_venta=venta.pk, tipo="liberacion_apartado").count() == 1


def test_entrega_rechazada_con_saldo_y_permitida_pagado(cajero, turno_para, cliente):
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("100.00"))
    venta = _apartar(cajero, cliente, [(mochila, 3)])
    with pytest.raises(ApartadoError, match=r"todavía debe \$240\.00"):
        apartado_entregar(usuario=cajero, venta_id=venta.pk)
    assert _estado(mochila) == (2, 3) and Venta.objects.get(pk=venta.pk).entregado is None

    # Paid in full (the abonos part writes this; here only the balance matters).
    Venta.objects.filter(pk=venta.pk).update(pagado=F("total"))
    assert list(apartados_filtrar(filtro=POR_ENTREGAR)) == [venta]
    apartado_entregar(usuario=cajero, venta_id=venta.pk)

    venta.refresh_from_db()
    assert venta.entregado is not None
    assert _estado(mochila) == (2, 0) and inventario_descuadres() == []
    movimiento = MovimientoInventario.objects.get(id_venta=venta.pk, tipo="entrega_apartado")
    assert (movimiento.cantidad, movimiento.cantidad_apartada) == (0, -3)
    with pytest.raises(ApartadoError, match="ya se entregó"):
        apartado_entregar(usuario=cajero, venta_id=venta.pk)
    # Handed over, it is a normal sale: an expiry never touches it.
    _vencer(venta)
    assert apartados_vencer().liberados == 0


def test_cancelar_apartado_necesita_gerente_y_da_saldo_a_favor(cajero, gerente, turno_para, cliente):
    turno_para(cajero)
    mochila = producto_con_existencia(4, precio=D("200.00"))
    venta = _apartar(cajero, cliente, [(mochila, 2)])
    clave = uuid.uuid4()
    with pytest.raises(DevolucionNoPermitida):
        apartado_cancelar(usuario=cajero, autorizador=None, venta_id=venta.pk, motivo="Ya no lo quiere",
                          clave=clave, destino="monedero")
    with pytest.raises(AutorizacionRechazada):
        apartado_cancelar(usuario=cajero, autorizador=cajero, venta_id=venta.pk, motivo="Ya no lo quiere",
                          clave=clave, destino="monedero")
    with pytest.raises(ApartadoError, match="Elige qué pasa con el dinero"):
        apartado_cancelar(usuario=cajero, autorizador=gerente, venta_id=venta.pk, motivo="x", clave=clave,
                          destino="efectivo")
    assert _estado(mochila) == (2, 2) and not Devolucion.objects.exists()

    devolucion, creada = apartado_cancelar(usuario=cajero, autorizador=gerente, venta_id=venta.pk,
                                           motivo="Ya no lo quiere", clave=clave, destino="monedero")
    assert creada and devolucion.turno is not None
    again, creada = apartado_cancelar(usuario=cajero, autorizador=gerente, venta_id=venta.pk,
                                      motivo="Ya no lo quiere", clave=clave, destino="monedero")
    assert again == devolucion and not creada
    assert _estado(mochila) == (4, 0) and inventario_descuadres() == []
    assert Monedero.objects.get(cliente=cliente).saldo == D("80.00")
    with pytest.raises(ApartadoError, match="venció o se canceló"):
        apartado_entregar(usuario=cajero, venta_id=venta.pk)


def test_cancelar_con_reembolso_necesita_turno(cajero, gerente, turno_para, cliente):
    turno_para(cajero)
    venta = _apartar(cajero, cliente, [(producto_con_existencia(4, precio=D("200.00")), 1)])
    with pytest.raises(TurnoNoAbierto):
        apartado_cancelar(usuario=gerente, autorizador=None, venta_id=venta.pk, motivo="x", clave=uuid.uuid4(),
                          destino="reembolso")
    assert Venta.objects.get(pk=venta.pk).estado == "completada"


def test_una_venta_de_contado_no_es_apartado(cajero, turno_para):
    turno_para(cajero)
    venta = vender(cajero, [(producto_con_existencia(3), 1)])
    with pytest.raises(ApartadoError, match="no existe"):
        apartado_entregar(usuario=cajero, venta_id=venta.pk)


def test_cancelar_la_venta_hoy_con_la_devolucion_normal_libera_las_apartadas(cajero, gerente, turno_para, cliente):
    from ventas.devoluciones.services import venta_cancelar

    turno_para(cajero)
    turno_para(gerente)
    mochila = producto_con_existencia(4, precio=D("200.00"))
    venta = _apartar(cajero, cliente, [(mochila, 2)])
    venta_cancelar(venta_id=venta.pk, usuario=gerente, motivo="Error", clave=uuid.uuid4())
    assert _estado(mochila) == (4, 0) and inventario_descuadres() == []
    assert set(MovimientoInventario.objects.filter(id_venta=venta.pk).values_list("tipo", flat=True)) == {
        "apartado", "liberacion_apartado"}


def test_verificar_inventario_con_apartadas(cajero, turno_para, cliente):
    turno_para(cajero)
    mochila = producto_con_existencia(6, precio=D("100.00"))
    cuaderno = producto_con_existencia(9, precio=D("30.00"))
    entregado = _apartar(cajero, cliente, [(mochila, 1), (cuaderno, 2)])
    Venta.objects.filter(pk=entregado.pk).update(pagado=F("total"))
    apartado_entregar(usuario=cajero, venta_id=entregado.pk)
    _apartar(cajero, cliente, [(mochila, 2), (cuaderno, 3)])
    vencido = _apartar(cajero, cliente, [(mochila, 1)])
    _vencer(vencido)
    apartados_vencer()
    assert _estado(mochila) == (3, 2) and _estado(cuaderno) == (4, 3)
    assert inventario_descuadres() == []
    call_command("verificar_inventario")

    # A set-aside count changed outside the ledger is caught.
    Producto.objects.filter(pk=mochila.pk).update(existencia_apartada=3, existencia=2)
    assert [fila[0] for fila in inventario_descuadres()] == [mochila.pk]
    with pytest.raises(CommandError):
        call_command("verificar_inventario")


def test_comando_vencer_apartados(cajero, turno_para, cliente, settings, capsys):
    settings.APARTADO_POLITICA_DINERO = "monedero"
    turno_para(cajero)
    mochila = producto_con_existencia(3, precio=D("100.00"))
    _vencer(_apartar(cajero, cliente, [(mochila, 1)]), dias=3)
    _apartar(cajero, cliente, [(mochila, 1)])  # still within its date
    call_command("vencer_apartados")
    assert "liberados: 1" in capsys.readouterr().out
    assert _estado(mochila) == (2, 1)


def test_devolver_parte_de_un_apartado_sin_entregar_libera_esas_piezas(cajero, gerente, turno_para, cliente):
    from ventas.devoluciones.services import LineaDevolucionDatos, venta_devolver
    from ventas.tests.factories import linea

    turno_para(cajero)
    turno_para(gerente)
    mochila = producto_con_existencia(6, precio=D("100.00"))
    venta = _apartar(cajero, cliente, [(mochila, 3)], anticipo="150.00")
    venta_devolver(venta_id=venta.pk, usuario=gerente, lineas=[LineaDevolucionDatos(linea(venta, mochila).pk, 1)],
                   motivo="Solo quiere dos", clave=uuid.uuid4())
    assert _estado(mochila) == (4, 2) and inventario_descuadres() == []
    venta.refresh_from_db()
    # $100 returned from a sale owing $150: the balance goes down, nothing is refunded.
    assert (venta.total_devuelto, venta.pagado, venta.saldo) == (D("100.00"), D("150.00"), D("50.00"))
    Venta.objects.filter(pk=venta.pk).update(pagado=F("total") - F("total_devuelto"))
    apartado_entregar(usuario=cajero, venta_id=venta.pk)
    assert _estado(mochila) == (4, 0) and inventario_descuadres() == []
    assert MovimientoInventario.objects.get(id_venta=venta.pk, tipo="entrega_apartado").cantidad_apartada == -2


def test_un_apartado_que_no_se_puede_liberar_no_detiene_a_los_demas(cajero, turno_para, cliente, settings):
    settings.APARTADO_POLITICA_DINERO = "reembolso"
    turno_para(cajero)
    malo_producto = producto_con_existencia(5, precio=D("100.00"))
    bueno_producto = producto_con_existencia(5, precio=D("100.00"))
    malo = _apartar(cajero, cliente, [(malo_producto, 1)])
    bueno = _apartar(cajero, cliente, [(bueno_producto, 1)])
    _vencer(malo, dias=3)
    _vencer(bueno, dias=1)
    Producto.objects.filter(pk=malo_producto.pk).update(existencia_apartada=0)  # a ledger tampered with

    resultado = apartados_vencer()

    assert (resultado.liberados, resultado.fallidos) == (1, 1)
    assert Venta.objects.get(pk=malo.pk).liberado is None and Venta.objects.get(pk=bueno.pk).liberado is not None
    assert _estado(bueno_producto) == (5, 0)


def test_con_abonos_se_liquida_y_se_entrega_y_el_vencido_reembolsa_tambien_lo_abonado(cajero, gerente, turno_para,
                                                                                      cliente, settings):
    from ventas.abonos.services import abono_registrar

    settings.APARTADO_POLITICA_DINERO = "reembolso"
    turno_para(cajero)
    turno_para(gerente)
    mochila = producto_con_existencia(6, precio=D("500.00"))
    pagado = _apartar(cajero, cliente, [(mochila, 1)])  # $100 now, $400 owed
    with pytest.raises(ApartadoError, match="todavía debe"):
        apartado_entregar(usuario=cajero, venta_id=pagado.pk)
    abono_registrar(usuario=cajero, venta_id=pagado.pk, metodo="tarjeta", monto=D("400.00"), clave=uuid.uuid4(),
                    referencia="1234")
    apartado_entregar(usuario=cajero, venta_id=pagado.pk)
    assert Venta.objects.get(pk=pagado.pk).entregado is not None

    vencido = _apartar(cajero, cliente, [(mochila, 1)])
    abono_registrar(usuario=cajero, venta_id=vencido.pk, metodo="transferencia", monto=D("50.00"), clave=uuid.uuid4(),
                    referencia="SPEI 1")
    _vencer(vencido)
    apartados_vencer()
    devolucion, _ = apartado_cancelar(usuario=gerente, autorizador=None, venta_id=vencido.pk, motivo="No regresó",
                                      clave=uuid.uuid4(), destino="reembolso")
    assert sorted((r.metodo, r.monto) for r in devolucion.reembolsos.all()) == [
        ("efectivo", D("100.00")), ("transferencia", D("50.00"))]
    assert _estado(mochila) == (5, 0) and inventario_descuadres() == []
