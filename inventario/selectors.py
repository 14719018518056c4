"""Reads of the catalog and the stock ledger."""

from __future__ import annotations

import re
import unicodedata

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connections, transaction
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When

from inventario.models import Categoria, MovimientoInventario, Producto, TipoProducto
from ventas_ingenio.router import DB_NEGOCIO

# Longer text cannot be a product name (200 characters) and only makes the query bigger.
LARGO_MAXIMO = 200
# More words than this add nothing a cashier needs and one LIKE each to the query.
PALABRAS_MAXIMAS = 8
# word_similarity() threshold of the typo fallback. pg_trgm's default misses most one-letter
# slips in short words ("cuadreno" for "cuaderno"); much lower lets unrelated names in.
UMBRAL_PARECIDO = 0.4
_PALABRA_SQL = re.compile(r"[a-z0-9]+")  # as ``nombre_palabras`` splits the name in SQL


def texto_normalizar(texto: str) -> str:
    """Lower case without accents, as ``inmutable_unaccent(lower(...))`` does in SQL."""
    descompuesto = unicodedata.normalize("NFKD", texto.strip().lower())
    return "".join(c for c in descompuesto if not unicodedata.combining(c))


def _texto_limpio(texto: str) -> str:
    # NUL is refused by the input middleware, but PostgreSQL rejects a query that carries
    # one, so the selector drops it too rather than fail on text built elsewhere.
    return (texto or "").replace("\x00", " ").strip()[:LARGO_MAXIMO].strip()


def texto_palabras(texto: str) -> list[str]:
    """The normalized words of ``texto`` (split on spaces, repeated ones once, at most
    ``PALABRAS_MAXIMAS``). Punctuation stays inside its word: "2%" or "1/2" are matched as typed."""
    palabras = dict.fromkeys(texto_normalizar(_texto_limpio(texto)).split())
    return list(palabras)[:PALABRAS_MAXIMAS]


def productos_buscar(*, consulta: QuerySet[Producto] | None = None, texto: str = "") -> QuerySet[Producto]:
    """Products whose name holds every word of ``texto`` in any order (accent- and
    case-insensitive), or whose code or barcode is exactly ``texto``.

    Each word is one ``producto_busqueda LIKE '%word%'`` (``%``, ``_`` and ``\\`` escaped),
    AND-ed: the trigram index ``producto_busqueda_trgm`` answers all of them in one scan.
    Unordered: ``productos_ordenar`` sorts by relevance and natural order."""
    consulta = Producto.objects.using(DB_NEGOCIO).all() if consulta is None else consulta
    texto = _texto_limpio(texto)
    palabras = texto_palabras(texto)
    if not palabras:
        return consulta
    todas = Q()
    for palabra in palabras:
        todas &= Q(nombre_busqueda__contains=palabra)
    return consulta.filter(todas | Q(codigo=texto.upper()) | Q(codigo_barras=texto))


def productos_orden(*, texto: str, activos_primero: bool = False) -> list:
    """The ``order_by`` of search results: exact code or barcode first, then (optionally) active products,
    then names where the typed words are whole words, then where they start a word, then
    natural name order ("talla 4" before "talla 10"), then id, so the first N are always the
    same N.

    Only stored columns and ``LIKE`` are evaluated per match: a regular expression per row
    cost more than the whole search for words that match thousands of products."""
    texto = _texto_limpio(texto)
    exacto = Case(
        When(Q(codigo=texto.upper()) | Q(codigo_barras=texto), then=Value(0)), default=Value(1),
        output_field=IntegerField(),
    )
    orden = [exacto.asc()]
    if activos_primero:
        orden.append(F("activo").desc())
    relevancia = None
    for palabra in _PALABRA_SQL.findall(" ".join(texto_palabras(texto)))[:PALABRAS_MAXIMAS]:
        puntos = Case(
            When(nombre_palabras__contains=f" {palabra} ", then=Value(0)),
            When(nombre_palabras__contains=f" {palabra}", then=Value(1)),
            default=Value(2), output_field=IntegerField(),
        )
        relevancia = puntos if relevancia is None else relevancia + puntos
    if relevancia is not None:
        orden.append(ExpressionWrapper(relevancia, IntegerField()).asc())
    return [*orden, "nombre_orden", "id"]


def productos_ordenar(consulta: QuerySet[Producto], *, texto: str, activos_primero: bool = False) -> QuerySet[Producto]:
    """``consulta`` sorted as ``productos_orden`` says."""
    return consulta.order_by(*productos_orden(texto=texto, activos_primero=activos_primero))


def productos_parecidos(
    *, texto: str, limite: int, consulta: QuerySet[Producto] | None = None
) -> list[Producto]:
    """Products whose name is close to ``texto`` although not every word is in it (typos:
    "cuadreno" finds "Cuaderno …"), the closest first, at most ``limite``.

    Uses pg_trgm's ``%>`` (``word_similarity`` above ``UMBRAL_PARECIDO``), which the trigram
    index answers. The threshold is a setting of the session, not of the query: it is set
    with ``set_config(..., true)`` (``SET LOCAL``) inside a transaction, so it ends with it
    and a pooled connection keeps pg_trgm's default."""
    consulta = Producto.objects.using(DB_NEGOCIO).all() if consulta is None else consulta
    normalizado = " ".join(texto_palabras(texto))
    if len(normalizado) < 3:  # no trigram to compare
        return []
    with transaction.atomic(using=DB_NEGOCIO), connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(UMBRAL_PARECIDO)])
        return list(
            consulta.filter(nombre_busqueda__trigram_word_similar=normalizado)
            .annotate(parecido=TrigramWordSimilarity(normalizado, "nombre_busqueda"))
            .order_by("-parecido", "nombre_orden", "id")[:limite]
        )


def productos_filtrar(
    *, texto: str = "", categoria_id: int | None = None, bajo_minimo: bool = False, solo_activos: bool = False
) -> QuerySet[Producto]:
    """The inventory list: search by words, category, low stock; category joined in the same
    query; natural name order."""
    consulta = Producto.objects.using(DB_NEGOCIO).select_related("categoria")
    consulta = productos_buscar(consulta=consulta, texto=texto)
    if categoria_id:
        consulta = consulta.filter(categoria_id=categoria_id)
    if bajo_minimo:
        # An edition's stock is its free seats: a full one is not something to restock.
        consulta = consulta.filter(tipo=TipoProducto.ARTICULO, existencia__lte=F("existencia_minima"))
    if solo_activos:
        consulta = consulta.filter(activo=True)
    if texto_palabras(texto):
        # Matches come from the trigram index (bitmap scan) and are sorted in memory. The
        # sort starts with an expression, so the planner cannot walk a name index with LIMIT
        # and filter row by row (slow when the matches sit late in the alphabet).
        return productos_ordenar(consulta, texto=texto)
    return consulta.order_by("nombre_orden", "id")


def categorias_listar() -> QuerySet[Categoria]:
    return Categoria.objects.using(DB_NEGOCIO).order_by("nombre")


def movimientos_de_producto(*, producto_id: int) -> QuerySet[MovimientoInventario]:
    return MovimientoInventario.objects.using(DB_NEGOCIO).filter(producto_id=producto_id).order_by("-fecha", "-id")


def inventario_descuadres() -> list[tuple[int, str, int, int, int, int]]:
    """Products whose ``existencia`` differs from the sum of their movements' ``cantidad``, or
    whose set-aside units (``existencia_apartada``, apartados) differ from the sum of their
    ``cantidad_apartada``: so sellable + set-aside = the ledger's sum of both, per product.

    Returns ``(id_producto, codigo, existencia, suma, apartada, suma_apartada)`` rows; empty
    when the ledger invariant holds.
    """
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(
            """
            SELECT p.id_producto, p.codigo, p.existencia, COALESCE(m.suma, 0),
                   p.existencia_apartada, COALESCE(m.suma_apartada, 0)
            FROM cat_producto p
            LEFT JOIN (
                SELECT id_producto, SUM(cantidad) AS suma, SUM(cantidad_apartada) AS suma_apartada
                FROM tra_movimiento_inventario GROUP BY id_producto
            ) m ON m.id_producto = p.id_producto
            WHERE p.existencia <> COALESCE(m.suma, 0) OR p.existencia_apartada <> COALESCE(m.suma_apartada, 0)
            ORDER BY p.id_producto
            """
        )
        return [tuple(fila) for fila in cursor.fetchall()]
