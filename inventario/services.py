"""Writes of the catalog and the stock ledger.

Every change of ``Producto.existencia`` goes through ``existencias_mover``: it locks the
products' rows (``SELECT … FOR UPDATE``, sorted by primary key so two callers never deadlock),
checks that no stock goes below zero, moves ``existencia`` by the summed quantities and writes one
``MovimientoInventario`` per line, all in one transaction. Hence the invariant
``existencia = sum(movimientos.cantidad)`` for every product, at every commit.
"""

from __future__ import annotations

import functools
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
from ventas_ingenio import sql
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
    # Change of the set-aside units (apartados); its sign and size are fixed by ``tipo``
    # (``_validar_signo``): −cantidad for "apartado" and "liberacion_apartado", negative for
    # "entrega_apartado" (whose ``cantidad`` is 0), 0 for every other kind.
    cantidad_apartada: int = 0


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
                .only("id", "codigo", "nombre", "existencia", "existencia_apartada")
            }
        try:
            filas = _movimientos_calcular(
                ids=ids, productos=productos, movimientos=movimientos, usuario=usuario, ahora=ahora
            )
        except InventarioError as error:
            rechazo, registros = error, []
        else:
            rechazo = None
            registros = _existencias_y_movimientos_guardar(productos=productos, filas=filas, ahora=ahora)
    if rechazo is not None:
        raise rechazo
    return registros


def _movimientos_calcular(*, ids, productos, movimientos, usuario, ahora) -> list[dict]:
    """The ledger rows (by attname, in the order they are written) for the locked products, or
    the refusal. ``existencia_resultante`` is left out: the database computes it."""
    faltantes = [i for i in ids if i not in productos]
    if faltantes:
        raise ProductoNoEncontrado(faltantes[0])
    # Expected stock is compared with the stock before this call's own lines.
    for linea in movimientos:
        producto = productos[linea.producto_id]
        if linea.existencia_esperada is not None and linea.existencia_esperada != producto.existencia:
            raise ExistenciaModificada(producto=producto, esperada=linea.existencia_esperada, actual=producto.existencia)
    id_usuario, nombre_usuario = _quien(usuario)
    # The refusals are decided here, on the locked rows, so they come as domain errors before
    # anything is written; the CHECK (existencia >= 0) stays as the last line of defence.
    previstas = {i: productos[i].existencia for i in ids}
    apartadas = {i: productos[i].existencia_apartada for i in ids}
    filas = []
    for linea in sorted(movimientos, key=lambda m: m.producto_id):
        producto = productos[linea.producto_id]
        nueva = previstas[producto.pk] + linea.cantidad
        if nueva < 0:
            raise ExistenciaInsuficiente(producto=producto, disponible=previstas[producto.pk])
        apartadas[producto.pk] += linea.cantidad_apartada
        if apartadas[producto.pk] < 0:
            raise CantidadInvalida(
                f"{producto.nombre}: solo hay {apartadas[producto.pk] - linea.cantidad_apartada} pieza(s) apartada(s)."
            )
        if nueva > EXISTENCIA_MAXIMA:
            raise CantidadInvalida(
                f"{producto.nombre} quedaría con {nueva:,} piezas: la existencia no puede pasar de {EXISTENCIA_MAXIMA:,}."
            )
        previstas[producto.pk] = nueva
        filas.append({
            "producto_id": producto.pk,
            "tipo": linea.tipo,
            "cantidad": linea.cantidad,
            "cantidad_apartada": linea.cantidad_apartada,
            "motivo": linea.motivo.strip()[:255],
            "id_venta": linea.id_venta,
            "id_usuario": id_usuario,
            "nombre_usuario": nombre_usuario,
            "fecha": ahora,
        })
    return filas


# Stock and ledger in one statement (one round trip on every checkout). The stock moves
# relatively (existencia = existencia + the product's summed deltas) and the UPDATE's RETURNING
# feeds each ledger row's resulting stock: the new stock minus the quantities of the same
# product's movements written after it in this call. So existencia = sum(movimientos.cantidad)
# holds from what the database did, not from values computed in Python, even if a caller forgot
# a lock. Every ledger column but existencia_resultante comes from one UNNEST array, in the
# model's field order (ventas_ingenio.sql).
_CAMPO_RESULTANTE = "existencia_resultante"
_CAMPO_APARTADA_RESULTANTE = "apartada_resultante"
_RESULTANTES = (_CAMPO_RESULTANTE, _CAMPO_APARTADA_RESULTANTE)


# Only names go into the braces, all read from the models and quoted by the backend
# (ventas_ingenio.sql); every value is a %(…)s parameter.
_EXISTENCIAS_Y_MOVIMIENTOS = """
WITH m AS (
    SELECT * FROM UNNEST({arreglos}) WITH ORDINALITY AS m({columnas_m}, orden)
), upd AS (
    UPDATE {producto} AS p SET {existencia} = p.{existencia} + v.delta,
        {apartada} = p.{apartada} + v.delta_apartada, {actualizado} = %(ahora)s
    FROM (SELECT {id_producto}, SUM({cantidad}) AS delta, SUM({cantidad_apartada}) AS delta_apartada
          FROM m GROUP BY {id_producto}) AS v
    WHERE p.{pk_producto} = v.{id_producto}
    RETURNING p.{pk_producto} AS {id_producto}, p.{existencia}, p.{apartada}
)
INSERT INTO {movimiento} ({columnas})
SELECT {seleccion} FROM m JOIN upd USING ({id_producto}) ORDER BY m.orden
RETURNING {pk_movimiento}, {resultante}, {apartada_resultante}
"""
_RESULTANTE_SQL = (
    "upd.{existencia} - COALESCE(SUM(m.{cantidad}) OVER (PARTITION BY m.{id_producto} ORDER BY m.orden"
    " ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0)"
)
_APARTADA_RESULTANTE_SQL = (
    "upd.{apartada} - COALESCE(SUM(m.{cantidad_apartada}) OVER (PARTITION BY m.{id_producto} ORDER BY m.orden"
    " ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING), 0)"
)


@functools.cache
def _existencias_y_movimientos_sql() -> str:
    campos = sql.campos_insertables(MovimientoInventario)
    de_arreglo = [c for c in campos if c.attname not in _RESULTANTES]
    nombres = {
        "producto": sql.tabla(Producto),
        "pk_producto": sql.columna(Producto, "id"),
        "existencia": sql.columna(Producto, "existencia"),
        "apartada": sql.columna(Producto, "existencia_apartada"),
        "actualizado": sql.columna(Producto, "actualizado"),
        "movimiento": sql.tabla(MovimientoInventario),
        "pk_movimiento": sql.columna(MovimientoInventario, "id"),
        "resultante": sql.columna(MovimientoInventario, _CAMPO_RESULTANTE),
        "apartada_resultante": sql.columna(MovimientoInventario, _CAMPO_APARTADA_RESULTANTE),
        "id_producto": sql.columna(MovimientoInventario, "producto"),
        "cantidad": sql.columna(MovimientoInventario, "cantidad"),
        "cantidad_apartada": sql.columna(MovimientoInventario, "cantidad_apartada"),
        "arreglos": ", ".join(f"%({c.attname})s::{sql.tipo_arreglo(c)}" for c in de_arreglo),
        "columnas_m": ", ".join(sql.nombre(c.column) for c in de_arreglo),
        "columnas": ", ".join(sql.nombre(c.column) for c in campos),
    }
    calculadas = {
        _CAMPO_RESULTANTE: _RESULTANTE_SQL.format(**nombres),
        _CAMPO_APARTADA_RESULTANTE: _APARTADA_RESULTANTE_SQL.format(**nombres),
    }
    nombres["seleccion"] = ", ".join(calculadas.get(c.attname, f"m.{sql.nombre(c.column)}") for c in campos)
    return _EXISTENCIAS_Y_MOVIMIENTOS.format(**nombres)


def _existencias_y_movimientos_guardar(
    *, productos: dict[int, Producto], filas: list[dict], ahora
) -> list[MovimientoInventario]:
    campos = [c for c in sql.campos_insertables(MovimientoInventario) if c.attname not in _RESULTANTES]
    parametros = {c.attname: [fila[c.attname] for fila in filas] for c in campos}
    parametros["ahora"] = ahora
    with connections[DB_NEGOCIO].cursor() as cursor:
        sql.ejecutar(cursor, nombre="existencias_mover", texto=_existencias_y_movimientos_sql(), parametros=parametros)
        # Sequence values follow the insertion order, which is the order of ``filas``.
        escritas = sorted(cursor.fetchall())
    registros = []
    for fila, (id_movimiento, resultante, apartada) in zip(filas, escritas, strict=True):
        registros.append(sql.instancia(MovimientoInventario, {
            **fila, "id": id_movimiento, _CAMPO_RESULTANTE: resultante, _CAMPO_APARTADA_RESULTANTE: apartada,
        }))
        # The caller's locked instances show the stock the database now holds.
        productos[fila["producto_id"]].existencia = resultante
        productos[fila["producto_id"]].existencia_apartada = apartada
    return registros


def _validar_signo(linea: MovimientoDatos) -> None:
    if linea.tipo not in TipoMovimiento.values:
        raise CantidadInvalida(f"Tipo de movimiento desconocido: {linea.tipo}.")
    if linea.cantidad == 0 and linea.tipo != TipoMovimiento.ENTREGA_APARTADO:
        raise CantidadInvalida("La cantidad no puede ser cero.")
    if linea.cantidad != 0 and linea.tipo == TipoMovimiento.ENTREGA_APARTADO:
        raise CantidadInvalida("Una entrega de apartado no cambia la existencia vendible.")
    if linea.tipo in TIPOS_QUE_SUMAN and linea.cantidad < 0:
        raise CantidadInvalida("La cantidad debe ser mayor que cero.")
    if linea.tipo == TipoMovimiento.VENTA and linea.cantidad > 0:
        raise CantidadInvalida("Una venta saca mercancía: la cantidad debe ser negativa.")
    apartada_esperada = {
        TipoMovimiento.APARTADO: -linea.cantidad,
        TipoMovimiento.LIBERACION_APARTADO: -linea.cantidad,
    }.get(linea.tipo, 0)
    if linea.tipo == TipoMovimiento.ENTREGA_APARTADO:
        if linea.cantidad_apartada >= 0:
            raise CantidadInvalida("Una entrega de apartado saca piezas apartadas: la cantidad debe ser negativa.")
    elif linea.cantidad_apartada != apartada_esperada:
        raise CantidadInvalida(f"Un movimiento de tipo {linea.tipo} no mueve piezas apartadas así.")
    if linea.tipo == TipoMovimiento.APARTADO and linea.cantidad > 0:
        raise CantidadInvalida("Apartar saca piezas de la existencia: la cantidad debe ser negativa.")
    if linea.tipo == TipoMovimiento.LIBERACION_APARTADO and linea.cantidad < 0:
        raise CantidadInvalida("Liberar un apartado regresa piezas: la cantidad debe ser positiva.")


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
