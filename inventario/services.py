"""Writes of the catalog and the stock ledger.

Every change of ``Producto.existencia`` goes through ``existencias_mover``: it locks the
products' rows (``SELECT … FOR UPDATE``, sorted by primary key so two callers never deadlock),
checks that no stock goes below zero, updates ``existencia`` and writes one
``MovimientoInventario`` per line, all in one transaction. Hence the invariant
``existencia = sum(movimientos.cantidad)`` for every product, at every commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

from inventario.exceptions import (
    CantidadInvalida,
    ExistenciaInsuficiente,
    ExistenciaModificada,
    InventarioError,
    MotivoRequerido,
    ProductoNoEncontrado,
)
from inventario.models import TIPOS_QUE_SUMAN, MovimientoInventario, Producto, TipoMovimiento
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

NOMBRE_SISTEMA = "Sistema"


@dataclass(frozen=True)
class MovimientoDatos:
    """One line of a stock change.

    ``cantidad`` is signed (negative takes stock out). ``existencia_esperada``, when given, is
    the stock the user saw when opening a form: if it changed meanwhile the whole call is
    refused with ``ExistenciaModificada``.
    """

    producto_id: int
    tipo: str
    cantidad: int
    motivo: str = ""
    id_venta: int | None = None
    existencia_esperada: int | None = None


# Far below the integer column's 2,147,483,647: a school shop never holds a million pieces of
# one product, and a typo (an extra zero or three) is caught instead of stored.
EXISTENCIA_MAXIMA = 1_000_000


def _quien(usuario) -> tuple[int | None, str]:
    if usuario is None:
        return None, NOMBRE_SISTEMA
    return usuario.pk, nombre_para_registro(usuario)


def existencias_mover(
    *, movimientos: Sequence[MovimientoDatos], usuario=None, bloqueados: Mapping[int, Producto] | None = None
) -> list[MovimientoInventario]:
    """Apply several stock movements atomically and return the ledger rows written.

    Usable inside a caller's own ``transaction.atomic(using=DB_NEGOCIO)`` (e.g. a checkout
    taking stock for several products): the products are locked in ``id_producto`` order and
    stay locked until the outermost transaction ends. All or nothing: on any error nothing
    is written. Raises ``ProductoNoEncontrado``, ``CantidadInvalida`` (zero quantity or a
    sign that does not fit the kind), ``ExistenciaModificada`` and ``ExistenciaInsuficiente``.

    ``bloqueados``: a caller that already locked every product of ``movimientos`` FOR UPDATE
    in its open transaction (in ``id_producto`` order) and read them after the lock passes
    them by id, and they are used instead of locking again (the checkout: one query fewer).
    """
    if not movimientos:
        return []
    ids = sorted({linea.producto_id for linea in movimientos})
    if bloqueados is not None:  # programming errors, raised before anything is touched
        if not connections[DB_NEGOCIO].in_atomic_block:
            raise ValueError("bloqueados solo vale dentro de la transacción que los bloqueó")
        if not set(ids) <= bloqueados.keys():
            raise ValueError("bloqueados debe traer todos los productos de los movimientos")
    for linea in movimientos:
        _validar_signo(linea)
    ahora = timezone.now()
    # No savepoint (two round trips fewer on every checkout). Refusals are decided before
    # anything is written and raised after the block, so they leave a caller's transaction
    # usable (an admin form shows the error); a database error still aborts it, as it should.
    with transaction.atomic(using=DB_NEGOCIO, savepoint=False):
        if bloqueados is not None:
            productos = {i: bloqueados[i] for i in ids}
        else:
            productos = {
                producto.pk: producto
                for producto in Producto.objects.using(DB_NEGOCIO)
                .select_for_update(of=("self",))
                .filter(pk__in=ids)
                .order_by("pk")
                .only("id", "codigo", "nombre", "existencia")
            }
        try:
            registros = _movimientos_calcular(
                ids=ids, productos=productos, movimientos=movimientos, usuario=usuario, ahora=ahora
            )
        except InventarioError as error:
            rechazo, filas = error, []
        else:
            rechazo = None
            filas = _existencias_y_movimientos_guardar(productos=[productos[i] for i in ids], registros=registros, ahora=ahora)
    if rechazo is not None:
        raise rechazo
    return filas


def _movimientos_calcular(*, ids, productos, movimientos, usuario, ahora) -> list[MovimientoInventario]:
    """The ledger rows for the locked products (their ``existencia`` updated in memory), or the refusal."""
    faltantes = [i for i in ids if i not in productos]
    if faltantes:
        raise ProductoNoEncontrado(faltantes[0])
    # Expected stock is compared with the stock before this call's own lines.
    for linea in movimientos:
        producto = productos[linea.producto_id]
        if linea.existencia_esperada is not None and linea.existencia_esperada != producto.existencia:
            raise ExistenciaModificada(producto=producto, esperada=linea.existencia_esperada, actual=producto.existencia)
    id_usuario, nombre_usuario = _quien(usuario)
    registros = []
    for linea in sorted(movimientos, key=lambda m: m.producto_id):
        producto = productos[linea.producto_id]
        nueva = producto.existencia + linea.cantidad
        if nueva < 0:
            raise ExistenciaInsuficiente(producto=producto, disponible=producto.existencia)
        if nueva > EXISTENCIA_MAXIMA:
            raise CantidadInvalida(
                f"{producto.nombre} quedaría con {nueva:,} piezas: la existencia no puede pasar de {EXISTENCIA_MAXIMA:,}."
            )
        producto.existencia = nueva
        registros.append(
            MovimientoInventario(
                producto_id=producto.pk,
                tipo=linea.tipo,
                cantidad=linea.cantidad,
                existencia_resultante=nueva,
                motivo=linea.motivo.strip()[:255],
                id_venta=linea.id_venta,
                id_usuario=id_usuario,
                nombre_usuario=nombre_usuario,
                fecha=ahora,
            )
        )
    return registros


# Stock and ledger in one round trip: the UPDATE … FROM (VALUES …) gives the same result as
# bulk_update's CASE WHEN and the INSERT … UNNEST the same as bulk_create, for a fraction of
# their query-building CPU on every checkout. Every column of the ledger is listed:
# test_movimientos_escriben_todas_las_columnas fails when MovimientoInventario gains a field.
_MOVIMIENTOS_INSERTAR = """
INSERT INTO tra_movimiento_inventario (id_producto, tipo, cantidad, existencia_resultante, motivo, id_venta,
    id_usuario, nombre_usuario, fecha)
SELECT * FROM UNNEST(%s::bigint[], %s::text[], %s::integer[], %s::integer[], %s::text[], %s::bigint[],
    %s::integer[], %s::text[], %s::timestamptz[])
RETURNING id_movimiento
"""


def _existencias_y_movimientos_guardar(
    *, productos: list[Producto], registros: list[MovimientoInventario], ahora
) -> list[MovimientoInventario]:
    valores = ", ".join(["(%s::bigint, %s::integer)"] * len(productos))
    existencias = [x for producto in productos for x in (producto.pk, producto.existencia)]
    columnas = [
        [getattr(registro, campo) for registro in registros]
        for campo in ("producto_id", "tipo", "cantidad", "existencia_resultante", "motivo", "id_venta",
                      "id_usuario", "nombre_usuario", "fecha")
    ]
    with connections[DB_NEGOCIO].cursor() as cursor:
        # Two statements, one execute: psycopg2 sends them together and returns the last result.
        # Only "%s" placeholders are interpolated; every value is a parameter.
        cursor.execute(
            f"UPDATE cat_producto AS p SET existencia = v.existencia, actualizado = %s "  # noqa: S608 - placeholders only
            f"FROM (VALUES {valores}) AS v(id_producto, existencia) WHERE p.id_producto = v.id_producto;"
            + _MOVIMIENTOS_INSERTAR,
            [ahora, *existencias, *columnas],
        )
        ids = [fila[0] for fila in cursor.fetchall()]
    for registro, id_movimiento in zip(registros, ids, strict=True):
        registro.id = id_movimiento
        registro._state.adding, registro._state.db = False, DB_NEGOCIO
    return registros


def _validar_signo(linea: MovimientoDatos) -> None:
    if linea.tipo not in TipoMovimiento.values:
        raise CantidadInvalida(f"Tipo de movimiento desconocido: {linea.tipo}.")
    if linea.cantidad == 0:
        raise CantidadInvalida("La cantidad no puede ser cero.")
    if linea.tipo in TIPOS_QUE_SUMAN and linea.cantidad < 0:
        raise CantidadInvalida("La cantidad debe ser mayor que cero.")
    if linea.tipo == TipoMovimiento.VENTA and linea.cantidad > 0:
        raise CantidadInvalida("Una venta saca mercancía: la cantidad debe ser negativa.")


def existencia_registrar_entrada(*, producto_id: int, cantidad: int, usuario, nota: str = "") -> MovimientoInventario:
    """Receive goods: add ``cantidad`` (> 0) units to the product's stock, with an optional note."""
    if cantidad is None or cantidad <= 0:
        raise CantidadInvalida("La cantidad recibida debe ser mayor que cero.")
    (movimiento,) = existencias_mover(
        movimientos=[MovimientoDatos(producto_id=producto_id, tipo=TipoMovimiento.ENTRADA, cantidad=cantidad, motivo=nota)],
        usuario=usuario,
    )
    return movimiento


def existencia_ajustar(
    *, producto_id: int, existencia_nueva: int, existencia_anterior: int, motivo: str, usuario
) -> MovimientoInventario:
    """Correct the stock to the counted ``existencia_nueva`` (absolute value, ≥ 0).

    ``existencia_anterior`` is the stock shown when the count was taken: if a sale (or any
    other movement) changed it meanwhile, raises ``ExistenciaModificada`` and writes nothing.
    Raises ``MotivoRequerido`` without a reason and ``CantidadInvalida`` for a negative count or
    a count equal to the current stock.
    """
    motivo = (motivo or "").strip()
    if not motivo:
        raise MotivoRequerido()
    if existencia_nueva is None or existencia_nueva < 0:
        raise CantidadInvalida("La existencia contada no puede ser menor que cero.")
    if existencia_nueva == existencia_anterior:
        raise CantidadInvalida(f"La existencia ya es {existencia_anterior}: no hay nada que ajustar.")
    (movimiento,) = existencias_mover(
        movimientos=[
            MovimientoDatos(
                producto_id=producto_id,
                tipo=TipoMovimiento.AJUSTE,
                cantidad=existencia_nueva - existencia_anterior,
                motivo=motivo,
                existencia_esperada=existencia_anterior,
            )
        ],
        usuario=usuario,
    )
    return movimiento
