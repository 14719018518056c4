"""Reads of the catalog and the stock ledger."""

from __future__ import annotations

import unicodedata

from django.db import connections
from django.db.models import F, Q, QuerySet

from inventario.models import Categoria, MovimientoInventario, Producto
from ventas_ingenio.router import DB_NEGOCIO


def texto_normalizar(texto: str) -> str:
    """Lower case without accents, as ``inmutable_unaccent(lower(...))`` does in SQL."""
    descompuesto = unicodedata.normalize("NFKD", texto.strip().lower())
    return "".join(c for c in descompuesto if not unicodedata.combining(c))


def productos_buscar(*, consulta: QuerySet[Producto] | None = None, texto: str = "") -> QuerySet[Producto]:
    """Products whose name contains ``texto`` (accent- and case-insensitive, trigram index
    ``producto_busqueda_trgm`` on the stored ``nombre_busqueda``) or whose code or barcode is exactly ``texto``."""
    consulta = Producto.objects.using(DB_NEGOCIO).all() if consulta is None else consulta
    texto = (texto or "").strip()
    if not texto:
        return consulta
    return consulta.filter(
        Q(nombre_busqueda__contains=texto_normalizar(texto))
        | Q(codigo=texto.upper())
        | Q(codigo_barras=texto)
    )


def productos_filtrar(
    *, texto: str = "", categoria_id: int | None = None, bajo_minimo: bool = False, solo_activos: bool = False
) -> QuerySet[Producto]:
    """The inventory list: search, category, low stock; category joined in the same query."""
    consulta = Producto.objects.using(DB_NEGOCIO).select_related("categoria")
    consulta = productos_buscar(consulta=consulta, texto=texto)
    if categoria_id:
        consulta = consulta.filter(categoria_id=categoria_id)
    if bajo_minimo:
        consulta = consulta.filter(existencia__lte=F("existencia_minima"))
    if solo_activos:
        consulta = consulta.filter(activo=True)
    if texto.strip():
        # Matches come from the trigram index (bitmap scan) and are sorted in memory, ignoring
        # accents. Ordering by the plain name would tempt the planner into walking the whole
        # name index with LIMIT, which is slow when the matches sit late in the alphabet.
        return consulta.order_by("nombre_busqueda", "id")
    return consulta.order_by("nombre", "id")


def categorias_listar() -> QuerySet[Categoria]:
    return Categoria.objects.using(DB_NEGOCIO).order_by("nombre")


def movimientos_de_producto(*, producto_id: int) -> QuerySet[MovimientoInventario]:
    return MovimientoInventario.objects.using(DB_NEGOCIO).filter(producto_id=producto_id).order_by("-fecha", "-id")


def inventario_descuadres() -> list[tuple[int, str, int, int]]:
    """Products whose ``existencia`` differs from the sum of their movements.

    Returns ``(id_producto, codigo, existencia, suma_movimientos)`` rows; empty when the
    ledger invariant holds.
    """
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id_producto, p.codigo, p.existencia, COALESCE(m.suma, 0)
            FROM cat_producto p
            LEFT JOIN (
                SELECT id_producto, SUM(cantidad) AS suma FROM tra_movimiento_inventario GROUP BY id_producto
            ) m ON m.id_producto = p.id_producto
            WHERE p.existencia <> COALESCE(m.suma, 0)
            ORDER BY p.id_producto
            """
        )
        return [tuple(fila) for fila in cursor.fetchall()]
