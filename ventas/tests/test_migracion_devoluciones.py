"""inventario 0005 relabels the ledger rows of partial returns written as "cancelacion_venta".

The sales and returns are written by the services; the database is then migrated back to
inventario 0003 (the reverse of 0005 puts every row in the old shape, which the old CHECK
accepts), the ``motivo`` of some rows is rewritten as the demo loader and hand-written rows
left them, and the migrations run forward again.
"""

import uuid
from decimal import Decimal

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from inventario.selectors import inventario_descuadres
from ventas.caja.services import carrito_agregar
from ventas.devoluciones.services import LineaDevolucionDatos, venta_cancelar, venta_devolver
from ventas.models import VentaDetalle
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

ANTES_DEL_TIPO_DEVOLUCION = ("inventario", "0003_nombre_orden_palabras")


def _sql(consulta, parametros=()):
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(consulta, parametros)
        return cursor.fetchall() if cursor.description else None


def _tipos(id_venta):
    """(tipo, cantidad) of the sale's return-to-stock rows, in ledger order."""
    return _sql(
        "SELECT tipo, cantidad FROM tra_movimiento_inventario WHERE id_venta = %s AND tipo <> 'venta' "
        "ORDER BY id_movimiento", [id_venta],
    )


def _migrar(executor, objetivo):
    executor.loader.build_graph()
    executor.migrate(objetivo)


@pytest.fixture
def ventas_con_devoluciones(cajero, gerente, cobrar, turno_para, producto_con_existencia):
    turno_para(cajero)
    turno_para(gerente)
    cuaderno = producto_con_existencia(20, precio=Decimal("30.00"))
    lapiz = producto_con_existencia(20, precio=Decimal("5.00"), tasa_iva=Decimal("0.00"))

    def vender():
        carrito_agregar(cajero=cajero, producto_id=cuaderno.pk, cantidad=3)
        carrito_agregar(cajero=cajero, producto_id=lapiz.pk, cantidad=2)
        venta, _ = cobrar(cajero)
        return venta

    def devolver(venta, producto, cantidad):
        detalle = VentaDetalle.objects.get(venta=venta, producto=producto)
        devolucion, _ = venta_devolver(
            venta_id=venta.pk, usuario=gerente, motivo="No le quedó", clave=uuid.uuid4(),
            lineas=[LineaDevolucionDatos(venta_detalle_id=detalle.pk, cantidad=cantidad)],
        )
        return devolucion

    def cancelar(venta):
        venta_cancelar(venta_id=venta.pk, usuario=gerente, motivo="Cobro equivocado", clave=uuid.uuid4())

    # A: one return, then cancelled. B: two returns. C: cancelled. D: one return (its row will
    # carry the demo loader's bare folio). E: one return (its row will lose the folio).
    # F: one return and cancelled (its return row will lose the folio: nothing tells it apart).
    a, b, c, d, e, f = (vender() for _ in range(6))
    devolver(a, cuaderno, 1)
    cancelar(a)
    devolver(b, cuaderno, 2)
    devolver(b, lapiz, 1)
    cancelar(c)
    devolucion_d = devolver(d, lapiz, 2)
    devolver(e, cuaderno, 1)
    devolver(f, lapiz, 1)
    cancelar(f)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "folio_d": devolucion_d.folio}


def test_reetiqueta_las_devoluciones_parciales_y_deja_las_cancelaciones(ventas_con_devoluciones):
    v = ventas_con_devoluciones
    existencias = _sql("SELECT id_producto, existencia FROM cat_producto ORDER BY id_producto")
    assert _tipos(v["b"].pk) == [("devolucion", 2), ("devolucion", 1)]

    executor = MigrationExecutor(connections[DB_NEGOCIO])
    try:
        _migrar(executor, [ANTES_DEL_TIPO_DEVOLUCION])
        # Back in the old shape: one kind for both, and the old CHECK accepts nothing else.
        assert _sql("SELECT DISTINCT tipo FROM tra_movimiento_inventario ORDER BY tipo") == [
            ("cancelacion_venta",), ("entrada",), ("venta",)
        ]
        _sql("UPDATE tra_movimiento_inventario SET motivo = %s WHERE id_venta = %s AND tipo <> 'venta'",
             [f"D-{v['folio_d']:06d}", v["d"].pk])
        _sql("UPDATE tra_movimiento_inventario SET motivo = 'Devolución' WHERE id_venta IN (%s, %s) "
             "AND tipo <> 'venta' AND cantidad = 1", [v["e"].pk, v["f"].pk])
        assert _tipos(v["b"].pk) == [("cancelacion_venta", 2), ("cancelacion_venta", 1)]

        _migrar(executor, executor.loader.graph.leaf_nodes())
    finally:
        # Whatever happened, leave the schema the rest of the suite expects.
        _migrar(executor, executor.loader.graph.leaf_nodes())

    # The return of A came before its cancellation: each keeps its own kind.
    assert _tipos(v["a"].pk) == [("devolucion", 1), ("cancelacion_venta", 2), ("cancelacion_venta", 2)]
    assert _tipos(v["b"].pk) == [("devolucion", 2), ("devolucion", 1)]
    assert _tipos(v["c"].pk) == [("cancelacion_venta", 3), ("cancelacion_venta", 2)]
    assert _tipos(v["d"].pk) == [("devolucion", 2)]  # bare folio, as the demo loader writes it
    assert _tipos(v["e"].pk) == [("devolucion", 1)]  # no folio, sale never cancelled
    # No folio on a cancelled sale: the return can't be told from the cancellation, so it stays.
    assert _tipos(v["f"].pk) == [("cancelacion_venta", 1), ("cancelacion_venta", 3), ("cancelacion_venta", 1)]
    # Only labels changed: every stock is still the sum of its movements.
    assert _sql("SELECT id_producto, existencia FROM cat_producto ORDER BY id_producto") == existencias
    assert inventario_descuadres() == []
