import pytest
from django.db import IntegrityError, transaction

from inventario.exceptions import (
    CantidadInvalida,
    ExistenciaInsuficiente,
    ExistenciaModificada,
    MotivoRequerido,
    ProductoNoEncontrado,
)
from inventario.models import MovimientoInventario, Producto, TipoMovimiento
from inventario.selectors import inventario_descuadres
from inventario.services import (
    MovimientoDatos,
    existencia_ajustar,
    existencia_registrar_entrada,
    existencias_mover,
)
from inventario.tests.factories import ProductoFactory

pytestmark = pytest.mark.django_db(databases="__all__")


def _sin_cambios(producto, existencia, movimientos):
    producto.refresh_from_db()
    assert producto.existencia == existencia
    assert producto.movimientos.count() == movimientos
    assert inventario_descuadres() == []


def test_entrada_suma_y_registra_movimiento_con_quien(gerente):
    producto = ProductoFactory()
    movimiento = existencia_registrar_entrada(producto_id=producto.pk, cantidad=24, usuario=gerente, nota="Papelería del Centro")
    producto.refresh_from_db()
    assert producto.existencia == 24
    assert movimiento.tipo == TipoMovimiento.ENTRADA
    assert (movimiento.cantidad, movimiento.existencia_resultante) == (24, 24)
    assert movimiento.id_usuario == gerente.pk and movimiento.nombre_usuario == "Gabriela Méndez"
    assert movimiento.motivo == "Papelería del Centro"
    assert inventario_descuadres() == []


@pytest.mark.parametrize("cantidad", [0, -3])
def test_entrada_de_cero_o_negativa_se_rechaza_sin_escribir(producto_con_existencia, gerente, cantidad):
    producto = producto_con_existencia(5)
    with pytest.raises(CantidadInvalida, match="La cantidad recibida debe ser mayor que cero."):
        existencia_registrar_entrada(producto_id=producto.pk, cantidad=cantidad, usuario=gerente)
    _sin_cambios(producto, 5, 1)


def test_ajuste_a_valor_absoluto(producto_con_existencia, gerente):
    producto = producto_con_existencia(10)
    movimiento = existencia_ajustar(
        producto_id=producto.pk, existencia_nueva=7, existencia_anterior=10, motivo="Conteo físico", usuario=gerente
    )
    assert (movimiento.tipo, movimiento.cantidad, movimiento.existencia_resultante) == ("ajuste", -3, 7)
    _sin_cambios(producto, 7, 2)


def test_ajuste_bajo_cero_se_rechaza(producto_con_existencia, gerente):
    producto = producto_con_existencia(10)
    with pytest.raises(CantidadInvalida, match="no puede ser menor que cero"):
        existencia_ajustar(producto_id=producto.pk, existencia_nueva=-1, existencia_anterior=10, motivo="x", usuario=gerente)
    _sin_cambios(producto, 10, 1)


@pytest.mark.parametrize("motivo", ["", "   ", None])
def test_ajuste_sin_motivo_se_rechaza(producto_con_existencia, gerente, motivo):
    producto = producto_con_existencia(10)
    with pytest.raises(MotivoRequerido, match="Escribe el motivo del ajuste."):
        existencia_ajustar(producto_id=producto.pk, existencia_nueva=8, existencia_anterior=10, motivo=motivo, usuario=gerente)
    _sin_cambios(producto, 10, 1)


def test_ajuste_rechazado_si_una_venta_cambio_la_existencia(producto_con_existencia, gerente, cajero):
    producto = producto_con_existencia(10)
    # The manager opened the form seeing 10; a sale took 3 before the form was sent.
    existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-3, id_venta=1)], usuario=cajero)
    with pytest.raises(ExistenciaModificada) as error:
        existencia_ajustar(producto_id=producto.pk, existencia_nueva=9, existencia_anterior=10, motivo="Conteo", usuario=gerente)
    assert "cambió de 10 a 7" in str(error.value) and "no se guardó nada" in str(error.value)
    _sin_cambios(producto, 7, 2)


def test_venta_sin_existencia_dice_cuanto_queda(producto_con_existencia, cajero):
    producto = producto_con_existencia(2, nombre="Cuaderno profesional")
    with pytest.raises(ExistenciaInsuficiente) as error:
        existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-3)], usuario=cajero)
    assert str(error.value) == "Existencia insuficiente: Cuaderno profesional (quedan 2)"
    _sin_cambios(producto, 2, 1)


def test_varias_lineas_todo_o_nada(producto_con_existencia, cajero):
    a = producto_con_existencia(5)
    b = producto_con_existencia(1)
    with pytest.raises(ExistenciaInsuficiente):
        existencias_mover(
            movimientos=[
                MovimientoDatos(producto_id=b.pk, tipo="venta", cantidad=-2),
                MovimientoDatos(producto_id=a.pk, tipo="venta", cantidad=-1),
            ],
            usuario=cajero,
        )
    _sin_cambios(a, 5, 1)
    _sin_cambios(b, 1, 1)
    filas = existencias_mover(
        movimientos=[
            MovimientoDatos(producto_id=b.pk, tipo="venta", cantidad=-1, id_venta=7),
            MovimientoDatos(producto_id=a.pk, tipo="venta", cantidad=-2, id_venta=7),
            MovimientoDatos(producto_id=a.pk, tipo="venta", cantidad=-3, id_venta=7),
        ],
        usuario=cajero,
    )
    # Lines are applied in id_producto order (the lock order), each with its resulting stock.
    assert [(f.producto_id, f.existencia_resultante) for f in filas] == [(a.pk, 3), (a.pk, 0), (b.pk, 0)]
    _sin_cambios(a, 0, 3)
    _sin_cambios(b, 0, 2)


def test_dentro_de_la_transaccion_del_llamador_se_revierte_con_ella(producto_con_existencia, cajero):
    producto = producto_con_existencia(5)
    with pytest.raises(RuntimeError), transaction.atomic(using="default"):
        existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-2)], usuario=cajero)
        raise RuntimeError("el cobro falló")
    _sin_cambios(producto, 5, 1)


@pytest.mark.parametrize("tipo", ["cancelacion_venta", "devolucion"])
def test_cancelacion_o_devolucion_de_venta_devuelve(producto_con_existencia, cajero, tipo):
    producto = producto_con_existencia(5)
    existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-2, id_venta=3)], usuario=cajero)
    (movimiento,) = existencias_mover(
        movimientos=[MovimientoDatos(producto_id=producto.pk, tipo=tipo, cantidad=2, id_venta=3)], usuario=cajero
    )
    assert (movimiento.tipo, movimiento.existencia_resultante) == (tipo, 5)
    _sin_cambios(producto, 5, 3)


@pytest.mark.parametrize("tipo,cantidad", [("devolucion", -1), ("cancelacion_venta", -1), ("venta", 1)])
def test_la_base_impide_el_signo_contrario_al_tipo(producto_con_existencia, tipo, cantidad):
    producto = producto_con_existencia(5)
    movimiento = producto.movimientos.get()
    with pytest.raises(IntegrityError, match="movimiento_signo_segun_tipo"), transaction.atomic():
        MovimientoInventario.objects.filter(pk=movimiento.pk).update(tipo=tipo, cantidad=cantidad)


@pytest.mark.parametrize(
    "tipo,cantidad,mensaje",
    [("venta", 2, "debe ser negativa"), ("entrada", -1, "mayor que cero"), ("ajuste", 0, "no puede ser cero"),
     ("cancelacion_venta", -1, "mayor que cero"), ("devolucion", -1, "mayor que cero"), ("robo", 1, "desconocido")],
)
def test_signo_segun_tipo(producto_con_existencia, tipo, cantidad, mensaje):
    producto = producto_con_existencia(5)
    with pytest.raises(CantidadInvalida, match=mensaje):
        existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo=tipo, cantidad=cantidad)])
    _sin_cambios(producto, 5, 1)


def test_producto_inexistente():
    with pytest.raises(ProductoNoEncontrado, match="No existe el producto 999999"):
        existencias_mover(movimientos=[MovimientoDatos(producto_id=999999, tipo="entrada", cantidad=1)])
    assert not MovimientoInventario.objects.exists()


def test_la_base_impide_existencia_negativa():
    producto = ProductoFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Producto.objects.filter(pk=producto.pk).update(existencia=-1)


def test_verificar_inventario_detecta_descuadre(producto_con_existencia):
    from django.core.management import CommandError, call_command

    producto = producto_con_existencia(4)
    call_command("verificar_inventario")
    Producto.objects.filter(pk=producto.pk).update(existencia=9)  # a write that skipped the service
    with pytest.raises(CommandError, match="1 producto"):
        call_command("verificar_inventario")


def test_productos_ya_bloqueados_por_el_llamador_no_se_vuelven_a_leer(producto_con_existencia, cajero):
    from django.db import connections
    from django.test.utils import CaptureQueriesContext

    a, b = producto_con_existencia(5), producto_con_existencia(5)
    movimientos = [MovimientoDatos(producto_id=p.pk, tipo="venta", cantidad=-1) for p in (a, b)]
    with transaction.atomic(using="default"):
        bloqueados = {p.pk: p for p in Producto.objects.select_for_update().filter(pk__in=[a.pk, b.pk]).order_by("pk")}
        with pytest.raises(ValueError):
            existencias_mover(movimientos=movimientos, usuario=cajero, bloqueados={a.pk: bloqueados[a.pk]})
        with CaptureQueriesContext(connections["default"]) as consultas:
            existencias_mover(movimientos=movimientos, usuario=cajero, bloqueados=bloqueados)
    assert not any("FOR UPDATE" in c["sql"] for c in consultas), [c["sql"] for c in consultas]
    _sin_cambios(a, 4, 2)
    _sin_cambios(b, 4, 2)


def test_movimientos_escriben_todas_las_columnas():
    """The ledger's INSERT lists every column of MovimientoInventario but its key, in field
    order; each comes from the UNNEST array named after its field, but the resulting stock and
    set-aside units, which the database computes from the UPDATE's RETURNING."""
    import re

    from inventario import services
    from ventas_ingenio.tests.sql import (
        columnas_de_los_parametros,
        columnas_del_insert,
        columnas_que_escribe_la_app,
    )

    sql = services._existencias_y_movimientos_sql()
    columnas = columnas_del_insert(sql, MovimientoInventario._meta.db_table)
    assert columnas == columnas_que_escribe_la_app(MovimientoInventario)
    arreglos, nombres = re.search(r"UNNEST\((.*?)\) WITH ORDINALITY AS m\((.*?), orden\)", sql, re.S).groups()
    nombres = [n.strip().strip('"') for n in nombres.split(",")]
    assert columnas_de_los_parametros(arreglos, MovimientoInventario) == nombres
    calculadas = {"existencia_resultante": 'upd."existencia"', "apartada_resultante": 'upd."existencia_apartada"'}
    assert nombres == [c for c in columnas if c not in calculadas]
    seleccion = re.search(r"INSERT INTO [^)]*\)\s+SELECT (.*) FROM m JOIN upd", sql, re.S).group(1)
    fuentes = re.findall(r'(?:^|, )(m\."\w+"|upd\."existencia(?:_apartada)?")', seleccion)
    assert fuentes == [calculadas.get(c, f'm."{c}"') for c in columnas]


def test_el_movimiento_devuelto_es_la_fila_escrita(producto_con_existencia, cajero):
    """The instances returned are the rows as stored, field by field (no column swapped)."""
    producto = producto_con_existencia(5)
    (movimiento,) = existencias_mover(
        movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-2, motivo="V-000042", id_venta=42)],
        usuario=cajero,
    )
    guardado = MovimientoInventario.objects.get(pk=movimiento.pk)
    campos = [c.attname for c in MovimientoInventario._meta.concrete_fields]
    assert [getattr(movimiento, c) for c in campos] == [getattr(guardado, c) for c in campos]
    assert (guardado.existencia_resultante, guardado.id_venta, guardado.id_usuario) == (3, 42, cajero.pk)
    assert movimiento._state.adding is False and movimiento._state.db == "default"


def test_varios_movimientos_de_un_producto_en_una_llamada(producto_con_existencia, gerente):
    """Each ledger row shows the stock right after it, in the order given, also when one call
    moves a product several times; the product ends with the sum."""
    a, b = producto_con_existencia(10), producto_con_existencia(4)
    filas = existencias_mover(
        movimientos=[
            MovimientoDatos(producto_id=b.pk, tipo="ajuste", cantidad=-1, motivo="uno"),
            MovimientoDatos(producto_id=a.pk, tipo="entrada", cantidad=5),
            MovimientoDatos(producto_id=b.pk, tipo="entrada", cantidad=7),
            MovimientoDatos(producto_id=a.pk, tipo="ajuste", cantidad=-12, motivo="conteo"),
            MovimientoDatos(producto_id=b.pk, tipo="ajuste", cantidad=-3, motivo="tres"),
        ],
        usuario=gerente,
    )
    assert [(f.producto_id, f.cantidad, f.existencia_resultante) for f in filas] == [
        (a.pk, 5, 15), (a.pk, -12, 3), (b.pk, -1, 3), (b.pk, 7, 10), (b.pk, -3, 7),
    ]
    assert [f.id for f in filas] == sorted(f.id for f in filas)
    _sin_cambios(a, 3, 3)
    _sin_cambios(b, 7, 4)


def test_existencia_se_mueve_relativa_a_la_fila(producto_con_existencia, cajero):
    """The stock moves by the quantity from what the row holds, not to a value computed in
    Python: a caller whose locked copy is stale still leaves the ledger adding up."""
    producto = producto_con_existencia(10)
    with transaction.atomic(using="default"):
        bloqueado = Producto.objects.select_for_update().get(pk=producto.pk)
        Producto.objects.filter(pk=producto.pk).update(existencia=8)  # e.g. a write that skipped the ledger
        (movimiento,) = existencias_mover(
            movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-3)],
            usuario=cajero,
            bloqueados={producto.pk: bloqueado},
        )
    assert movimiento.existencia_resultante == 5 == bloqueado.existencia
    producto.refresh_from_db()
    assert producto.existencia == 5
