"""Apartados under concurrent use: threads, each with its own connection."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from inventario.exceptions import ExistenciaInsuficiente
from inventario.models import MovimientoInventario
from inventario.selectors import inventario_descuadres
from ventas.apartados.services import apartados_vencer
from ventas.caja.cobro import venta_confirmar
from ventas.caja.plazos import plazo_apartado
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.models import Monedero, MovimientoMonedero, Venta
from ventas.monedero.selectors import monedero_descuadres
from ventas.tests.factories import vender_a_plazos
from ventas_ingenio.tests.hilos import en_paralelo

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
D = Decimal


def _cobro(cajero, *, apartar: bool):
    vista = carrito_de_cajero(cajero=cajero)
    total = vista.totales.total
    plazo = plazo_apartado(total=total) if apartar else None
    return lambda: venta_confirmar(
        cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=[],
        efectivo_recibido=plazo.anticipo if plazo else total, plazo=plazo,
    )


def test_los_ultimos_articulos_no_se_venden_de_mas_mientras_se_apartan(usuario_con_rol, turno_para,
                                                                      producto_con_existencia):
    cliente = ClienteFactory()
    mochila = producto_con_existencia(2, nombre="Mochila", precio=D("300.00"))
    cajeros = [usuario_con_rol("Cajero", username=f"ultima{i}") for i in range(4)]
    for cajero in cajeros:
        turno_para(cajero)
        carrito_agregar(cajero=cajero, producto_id=mochila.pk, cantidad=2)
        carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)

    # Two set the last two aside, two sell them outright, all at once.
    resultados = en_paralelo([_cobro(c, apartar=i % 2 == 0) for i, c in enumerate(cajeros)])

    hechas = [r for r in resultados if isinstance(r, tuple)]
    assert len(hechas) == 1, resultados
    assert all(isinstance(r, ExistenciaInsuficiente) for r in resultados if not isinstance(r, tuple)), resultados
    mochila.refresh_from_db()
    venta = hechas[0][0]
    esperado = (0, 2) if venta.modalidad == "apartado" else (0, 0)
    assert (mochila.existencia, mochila.existencia_apartada) == esperado
    assert Venta.objects.count() == 1 and inventario_descuadres() == []


def test_dos_vencimientos_a_la_vez_liberan_una_sola_vez(cajero, turno_para, producto_con_existencia, settings):
    settings.APARTADO_POLITICA_DINERO = "monedero"
    turno_para(cajero)
    cliente = ClienteFactory()
    productos = [producto_con_existencia(10, precio=D("100.00")) for _ in range(3)]
    ventas = []
    for producto in productos:
        for _ in range(2):
            plazo = plazo_apartado(total=D("200.00"))
            ventas.append(vender_a_plazos(cajero, cliente, [(producto, 2)], plazo=plazo))
    Venta.objects.filter(pk__in=[v.pk for v in ventas]).update(vence=timezone.localdate() - datetime.timedelta(days=2))

    resultados = en_paralelo([apartados_vencer, apartados_vencer, apartados_vencer])

    assert not [r for r in resultados if isinstance(r, Exception)], resultados
    assert sum(r.liberados for r in resultados) == 6
    assert MovimientoInventario.objects.filter(tipo="liberacion_apartado").count() == 6
    assert MovimientoMonedero.objects.filter(tipo="abono_devolucion").count() == 6
    assert Monedero.objects.get(cliente=cliente).saldo == 6 * D("40.00")
    for producto in productos:
        producto.refresh_from_db()
        assert (producto.existencia, producto.existencia_apartada) == (10, 0)
    assert inventario_descuadres() == [] and monedero_descuadres() == []
    assert apartados_vencer().liberados == 0
