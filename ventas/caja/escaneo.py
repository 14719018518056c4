"""A barcode scan at the till: one more unit of the scanned product in the cashier's cart.

The till's hottest request (a cashier scans several per second). Written as two statements in
autocommit instead of a transaction of four ORM queries, because the ORM's compilation and the
round trips cost more than the work (bench/README.md, "El escaneo en dos sentencias"):

1. ``_ESCANEO`` finds the product by its code or barcode and, if it is sellable goods, creates
   or touches the cashier's active cart and adds the units with ``INSERT … ON CONFLICT DO
   UPDATE`` on the line's unique key (one line per product without alumno). The quantity and
   stock checks are the statement's ``WHERE``: a scan that would pass the stock read in this
   statement, or ``CANTIDAD_MAXIMA``, writes nothing, and Python says why from the row it read.
   Writing the cart row takes its row lock, so two scans of one cart are applied one after the
   other; the statement is its own transaction and commits without waiting for the disk
   (``synchronous_commit`` off for it alone: a cart is work in progress, see docs/decisiones.md).
2. The cart's lines with their products, read after the write has committed, so they include
   whatever another tab of the same cashier committed meanwhile.

The fingerprint of the cart before the scan (what the page should be showing) is the cart read
in 2 with the scanned line as it was before: if another tab changed the cart in between, it
differs from the page's and the page gets the whole cart, as before.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass

from django.db import connections

from clientes.models import Alumno
from inventario.models import Producto, TipoProducto
from ventas.caja.selectors import CAMPOS_PRODUCTO_ESCANEO, carrito_huella
from ventas.caja.services import alumno_exigir, cantidad_validar, producto_vendible
from ventas.exceptions import CantidadNoValida, LineaNoEncontrada, ProductoNoVendible
from ventas.models import Carrito, CarritoLinea
from ventas.politica import CANTIDAD_MAXIMA
from ventas_ingenio import sql
from ventas_ingenio.router import DB_NEGOCIO

# What the cart screen shows of a line's product (the rest stays in the database).
CAMPOS_PRODUCTO_LINEA = ("codigo", "nombre", "precio", "tasa_iva", "existencia", "activo")


@dataclass
class Escaneo:
    """What a scan left in the cart: the changed line and every line (cart order, each with its
    product); ``huella_antes`` is the cart's fingerprint before the scan ("" for a cart the scan
    created)."""

    carrito: Carrito
    linea: CarritoLinea
    linea_nueva: bool
    lineas: list[CarritoLinea]
    huella_antes: str


@functools.cache
def _escaneo_sql() -> str:
    """The write of a scan (statement 1 of the module's docstring), from the models' metadata."""
    p = {campo: sql.columna(Producto, campo) for campo in CAMPOS_PRODUCTO_ESCANEO}
    c = {campo.attname: sql.nombre(campo.column) for campo in Carrito._meta.concrete_fields}
    linea_columna = {campo.attname: sql.nombre(campo.column) for campo in CarritoLinea._meta.concrete_fields}
    linea_valor = {
        "carrito_id": f"carrito.{c['id']}", "producto_id": f"producto.{p['id']}", "cantidad": "%(cantidad)s::integer",
        "descuento": "0", "precio_visto": f"producto.{p['precio']}", "alumno_id": "NULL",
    }
    carrito_campos = sql.campos_insertables(Carrito)
    linea_campos = sql.campos_insertables(CarritoLinea)
    l_cantidad, l_precio = linea_columna["cantidad"], linea_columna["precio_visto"]
    l_carrito, l_producto, l_alumno = linea_columna["carrito_id"], linea_columna["producto_id"], linea_columna["alumno_id"]
    return f"""
    WITH asincrona AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true)),
    producto AS MATERIALIZED (
        SELECT {", ".join(p.values())} FROM {sql.tabla(Producto)}
        WHERE {p["codigo_barras"]} = %(texto)s OR {p["codigo"]} = %(codigo)s
        ORDER BY {p["id"]} LIMIT 1
    ),
    carrito AS (
        INSERT INTO {sql.tabla(Carrito)} ({", ".join(c[x.attname] for x in carrito_campos)})
        SELECT {", ".join(f"%(c_{x.attname})s::{sql.tipo(x)}" for x in carrito_campos)} FROM producto, asincrona
        WHERE producto.{p["tipo"]} = {sql.constante(TipoProducto.ARTICULO)} AND producto.{p["activo"]}
            AND %(cantidad)s::integer <= producto.{p["existencia"]}
        ON CONFLICT ({c["id_cajero"]}) WHERE {c["estado"]} = {sql.constante(Carrito.Estado.ACTIVO)}
        DO UPDATE SET {c["actualizado"]} = EXCLUDED.{c["actualizado"]}
        RETURNING {sql.columnas(Carrito, sql.tabla(Carrito))}, (xmax = 0) AS carrito_nuevo
    ),
    antes AS (
        SELECT l.{l_cantidad}, l.{l_precio} FROM {sql.tabla(CarritoLinea)} l, carrito, producto
        WHERE l.{l_carrito} = carrito.{c["id"]} AND l.{l_producto} = producto.{p["id"]} AND l.{l_alumno} IS NULL
    ),
    escrita AS (
        INSERT INTO {sql.tabla(CarritoLinea)} AS l ({", ".join(linea_columna[x.attname] for x in linea_campos)})
        SELECT {", ".join(linea_valor[x.attname] for x in linea_campos)} FROM carrito, producto
        WHERE %(cantidad)s::integer <= producto.{p["existencia"]}
        ON CONFLICT ({l_carrito}, {l_producto}) WHERE {l_alumno} IS NULL
        DO UPDATE SET {l_cantidad} = l.{l_cantidad} + EXCLUDED.{l_cantidad}, {l_precio} = EXCLUDED.{l_precio}
        WHERE l.{l_cantidad} + EXCLUDED.{l_cantidad} <= LEAST(%(maximo)s::integer, (SELECT {p["existencia"]} FROM producto))
        RETURNING l.{linea_columna["id"]}
    )
    SELECT {sql.columnas(Producto, "producto", CAMPOS_PRODUCTO_ESCANEO)},
           {sql.columnas(Carrito, "carrito")}, carrito.carrito_nuevo,
           antes.{l_cantidad}, antes.{l_precio}, escrita.{linea_columna["id"]}
    FROM producto LEFT JOIN carrito ON true LEFT JOIN antes ON true LEFT JOIN escrita ON true
    """  # noqa: S608 - names from the models' metadata, values as parameters


# What the cart screen shows of a line's alumno (a course seat).
CAMPOS_ALUMNO_LINEA = ("id", "nombre", "apellidos")


@functools.cache
def _lineas_sql() -> str:
    """The cart's lines in cart order, each with its product and alumno (statement 2)."""
    return f"""
    SELECT {sql.columnas(CarritoLinea, "l")}, {sql.columnas(Producto, "p", ("id", *CAMPOS_PRODUCTO_LINEA))},
           {sql.columnas(Alumno, "a", CAMPOS_ALUMNO_LINEA)}
    FROM {sql.tabla(CarritoLinea)} l
    JOIN {sql.tabla(Producto)} p ON p.{sql.columna(Producto, "id")} = l.{sql.columna(CarritoLinea, "producto")}
    LEFT JOIN {sql.tabla(Alumno)} a ON a.{sql.columna(Alumno, "id")} = l.{sql.columna(CarritoLinea, "alumno")}
    WHERE l.{sql.columna(CarritoLinea, "carrito")} = %(carrito)s
    ORDER BY l.{sql.columna(CarritoLinea, "id")}
    """  # noqa: S608 - names from the models' metadata, values as parameters


def _lineas_leer(*, carrito_id: int) -> list[CarritoLinea]:
    """What the ORM's ``select_related("producto", "alumno")`` gave, without compiling it per scan."""
    conexion = connections[DB_NEGOCIO]
    leer_linea = sql.Lector(CarritoLinea, CarritoLinea._meta.concrete_fields, conexion)
    leer_producto = sql.Lector(Producto, ("id", *CAMPOS_PRODUCTO_LINEA), conexion)
    leer_alumno = sql.Lector(Alumno, CAMPOS_ALUMNO_LINEA, conexion)
    n_linea, n_producto = len(CarritoLinea._meta.concrete_fields), len(CAMPOS_PRODUCTO_LINEA) + 1
    with conexion.cursor() as cursor:
        sql.ejecutar(cursor, nombre="caja_lineas", texto=_lineas_sql(), parametros={"carrito": carrito_id})
        filas = cursor.fetchall()
    lineas = []
    for fila in filas:
        linea = leer_linea(fila[:n_linea])
        linea.producto = leer_producto(fila[n_linea:n_linea + n_producto])
        alumno = fila[n_linea + n_producto:]
        linea.alumno = leer_alumno(alumno) if alumno[0] is not None else None
        lineas.append(linea)
    return lineas


def _carrito_nuevo_valores(cajero) -> dict:
    """The parameters of a cart the scan may create, prepared as the ORM prepares an INSERT."""
    conexion = connections[DB_NEGOCIO]
    carrito = Carrito(id_cajero=cajero.pk, clave_cobro=uuid.uuid4())
    return {
        f"c_{campo.attname}": campo.get_db_prep_save(campo.pre_save(carrito, True), conexion)
        for campo in sql.campos_insertables(Carrito)
    }


def carrito_escanear(*, cajero, texto: str, cantidad: int = 1) -> Escaneo | None:
    """One more unit (``cantidad``) of the product whose code or barcode is ``texto``.

    Returns ``None`` when no product has that code (the caller searches by name), else an
    ``Escaneo``. Raises ``AlumnoRequerido`` or ``InscripcionNoValida``
    for an edition of a course (a seat needs its alumno), ``ProductoNoVendible`` (inactive, out of
    stock) or ``CantidadNoValida``; then nothing is written."""
    cantidad_validar(cantidad)
    texto = (texto or "").strip()
    if not texto:
        return None
    parametros = {
        "texto": texto, "codigo": texto.upper(), "cantidad": cantidad, "maximo": CANTIDAD_MAXIMA,
        **_carrito_nuevo_valores(cajero),
    }
    with connections[DB_NEGOCIO].cursor() as cursor:
        sql.ejecutar(cursor, nombre="caja_escaneo", texto=_escaneo_sql(), parametros=parametros)
        fila = cursor.fetchone()
    if fila is None:
        return None
    conexion = connections[DB_NEGOCIO]
    n_producto, n_carrito = len(CAMPOS_PRODUCTO_ESCANEO), len(Carrito._meta.concrete_fields)
    producto = sql.Lector(Producto, CAMPOS_PRODUCTO_ESCANEO, conexion)(fila[:n_producto])
    carrito_fila = fila[n_producto:n_producto + n_carrito]
    carrito_nuevo, cantidad_antes, precio_antes, linea_id = fila[n_producto + n_carrito:]
    if linea_id is None:
        # Nothing written: say why, from what the statement read.
        alumno_exigir(producto)
        nueva = (cantidad_antes or 0) + cantidad
        if nueva > CANTIDAD_MAXIMA:
            raise CantidadNoValida(f"La cantidad debe ser un número entero entre 1 y {CANTIDAD_MAXIMA}.")
        producto_vendible(producto, nueva)
        raise ProductoNoVendible(f"Existencia insuficiente: {producto.nombre} (quedan {producto.existencia})")
    carrito = sql.Lector(Carrito, Carrito._meta.concrete_fields, conexion)(carrito_fila)
    lineas = _lineas_leer(carrito_id=carrito.pk)
    linea = next((x for x in lineas if x.pk == linea_id), None)
    if linea is None:  # another tab of the cashier removed it in between
        raise LineaNoEncontrada()
    antes = [x for x in lineas if x is not linea]
    if cantidad_antes is not None:
        antes.append(CarritoLinea(producto_id=linea.producto_id, cantidad=cantidad_antes, descuento=linea.descuento,
                                  precio_visto=precio_antes))
    return Escaneo(
        carrito=carrito, linea=linea, linea_nueva=cantidad_antes is None, lineas=lineas,
        huella_antes="" if carrito_nuevo else carrito_huella(cliente_id=carrito.cliente_id, lineas=antes),
    )
