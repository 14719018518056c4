"""Reads of the catalog and the stock ledger."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

from django.db import connections
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, QuerySet, Value, When

from inventario.models import Categoria, MovimientoInventario, PalabraProducto, Producto, TipoProducto
from ventas_ingenio import sql
from ventas_ingenio.router import DB_NEGOCIO

# Longer text cannot be a product name (200 characters) and only makes the query bigger.
LARGO_MAXIMO = 200
# More words than this add nothing a cashier needs and one LIKE each to the query.
PALABRAS_MAXIMAS = 8
# The typo fallback looks at this many nearest catalog words (by trigrams) per typed word and
# keeps those with at least this similarity(): a slip in a short word shares few trigrams
# ("pantlaon" and "pantalon" 0.38, "lpaiz" and "lapiz" 0.2); the edit distance then decides.
CANDIDATOS = 20
UMBRAL_PARECIDO = 0.2
# Catalog words tied at the fewest edits that a typed word may stand for ("playra": "playera"
# and "playa").
ALTERNATIVAS = 3
# Longer typed words are searched as typed, never corrected.
LARGO_CORREGIBLE = 30
_PALABRA_SQL = re.compile(r"[a-z0-9]+")  # as ``nombre_palabras`` splits the name in SQL
# What pg_trgm takes a trigram from: three letters or digits in a row.
_TRIGRAMA = re.compile(r"[^\W_]{3}")
# Every stored field but the generated search columns: what a search loads when not told.
CAMPOS_TODOS = tuple(campo.name for campo in Producto._meta.concrete_fields if not campo.generated)


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


@functools.cache
def _primeros_sql(
    grupos: tuple[int, ...], relevantes: int, *, exacto: bool, activos_primero: bool, limite: int,
    campos: tuple[str, ...], indice: bool = False,
) -> tuple[str, str]:
    """(name, text) of the prepared statement of ``_primeros`` for one shape of search:
    ``grupos`` words, each matched by any of that many alternatives (``%(gI_J)s``), ``relevantes``
    words for the relevance (``%(rK)s`` whole word, ``%(iK)s`` start of a word), products whose
    code or barcode is exactly the text (``%(codigo)s``, ``%(codigo_barras)s``) found too when
    ``exacto``.

    The same rows and order as ``productos_buscar`` and ``productos_orden`` give with the ORM
    (a test compares both), in less work for thousands of matches:

    - the sort of the word matches carries only their id and sort keys (a subquery with LIMIT);
      the chosen rows are then read whole by primary key and sorted again (``limite`` rows);
    - the exact code is not in that sort: its at most two rows come from the unique indexes and
      join the word matches' first ``limite`` before the final sort. Exact rows go first, so
      the first ``limite`` of all are those plus the first non-exact word matches, and at least
      that many are among the word matches' first ``limite``.

    With ``indice`` (one word, ``%(palabra)s``, which is also the only relevant one), the first
    ``limite`` active products that have it as a whole word come from the index of
    ``PalabraProducto`` (``palabra_producto_orden``: already in order, nothing rechecked or
    sorted). If there are that many, they are the word matches' first ``limite`` (active first,
    then whole words, then natural order and id) and the trigram search does not run: its
    branch is gated by a one-time filter on their count. If there are fewer, the trigram search
    runs as without ``indice``; those few are among its first ``limite`` anyway."""
    def c(campo: str) -> str:
        return sql.columna(Producto, campo)

    palabras = " AND ".join(
        "(" + " OR ".join(f"{c('nombre_busqueda')} LIKE %(g{i}_{j})s" for j in range(n)) + ")"
        for i, n in enumerate(grupos)
    ) or "TRUE"
    orden = []
    if activos_primero:
        orden.append(f"{c('activo')} DESC")
    if relevantes:
        orden.append(" + ".join(
            f"CASE WHEN {c('nombre_palabras')} LIKE %(r{k})s THEN 0 WHEN {c('nombre_palabras')} LIKE %(i{k})s THEN 1 "
            f"ELSE 2 END" for k in range(relevantes)
        ))
    orden += [c("nombre_orden"), c("id")]
    codigo = f"{c('codigo')} = %(codigo)s OR {c('codigo_barras')} = %(codigo_barras)s"
    tabla, llave = sql.tabla(Producto), c("id")
    # Every name comes from the model's metadata; every value is a parameter.
    elegidos = (
        f"SELECT {llave} FROM {tabla} WHERE {palabras} "  # noqa: S608 - names from the model
        f"ORDER BY {', '.join(orden)} LIMIT {int(limite)}"
    )
    inicio = ""
    if indice:
        def p(campo: str) -> str:
            return sql.columna(PalabraProducto, campo)

        inicio = (
            f"WITH rapidos AS MATERIALIZED (SELECT {p('producto')} AS id FROM {sql.tabla(PalabraProducto)} "  # noqa: S608 - names from the models
            f"WHERE {p('palabra')} = %(palabra)s AND {p('activo')} "
            f"ORDER BY {p('nombre_orden')}, {p('producto')} LIMIT {int(limite)}) "
        )
        elegidos = (
            f"SELECT id FROM rapidos UNION ALL SELECT g.{llave} FROM ({elegidos}) AS g "  # noqa: S608 - as above
            f"WHERE (SELECT count(*) FROM rapidos) < {int(limite)}"
        )
    if exacto:
        elegidos = f"({elegidos}) UNION ALL SELECT {llave} FROM {tabla} WHERE {codigo}"  # noqa: S608 - as above
    texto = (
        f"{inicio}SELECT {', '.join(c(campo) for campo in campos)} FROM {tabla} "  # noqa: S608 - as above
        f"WHERE {llave} IN ({elegidos}) "
        f"ORDER BY CASE WHEN {codigo} THEN 0 ELSE 1 END, {', '.join(orden)} LIMIT {int(limite)}"
    )
    return "productos_primeros_" + hashlib.sha256(texto.encode()).hexdigest()[:16], texto


def _primeros(
    *, grupos: list[list[str]], texto: str, exacto: bool, limite: int, campos: tuple[str, ...], activos_primero: bool
) -> list[Producto]:
    """The first ``limite`` products whose name holds, for each group of ``grupos``, one of its
    words (or, with ``exacto``, whose code or barcode is ``texto``), in the order of
    ``productos_orden(texto=texto)``. One statement, prepared (``sql.ejecutar``) unless no word
    has a trigram.

    The till (``activos_primero``) searching one word (or its corrections, the likeliest being
    the text) first asks the index of whole words (``PalabraProducto``): a word in thousands
    of names then costs an index read of ``limite`` entries (``_primeros_sql``, ``indice``)."""
    texto = _texto_limpio(texto)
    relevantes = _PALABRA_SQL.findall(" ".join(texto_palabras(texto)))[:PALABRAS_MAXIMAS]
    # Only when that word's whole-word matches are also what the trigram search finds and what
    # the relevance ranks first: the word as typed is a plain letter and digit run.
    indice = activos_primero and len(grupos) == 1 and relevantes == grupos[0][:1]
    nombre, sentencia = _primeros_sql(
        tuple(len(opciones) for opciones in grupos), len(relevantes), exacto=exacto,
        activos_primero=activos_primero, limite=limite, campos=campos, indice=indice,
    )
    conexion = connections[DB_NEGOCIO]
    parametros = {"codigo": texto.upper(), "codigo_barras": texto}
    if indice:
        parametros["palabra"] = relevantes[0]
    for i, opciones in enumerate(grupos):
        for j, opcion in enumerate(opciones):
            parametros[f"g{i}_{j}"] = f"%{conexion.ops.prep_for_like_query(opcion)}%"
    # Letter and digit runs: nothing in them is a LIKE wildcard.
    for k, palabra in enumerate(relevantes):
        parametros[f"r{k}"] = f"% {palabra} %"
        parametros[f"i{k}"] = f"% {palabra}%"
    with conexion.cursor() as cursor:
        if any(_TRIGRAMA.search(opcion) for opciones in grupos for opcion in opciones):
            sql.ejecutar(cursor, nombre=nombre, texto=sentencia, parametros=parametros)
        else:
            # No word has a trigram ("pl", "10"): the trigram index would return every row. A
            # prepared statement's generic plan cannot see that and scans the whole index;
            # planned with its values, the statement reads the table instead.
            cursor.execute(sentencia, parametros)
        return sql.instancias(Producto, cursor)


def productos_primeros(
    *, texto: str, limite: int, campos: tuple[str, ...], activos_primero: bool = False
) -> list[Producto]:
    """``productos_ordenar(productos_buscar(texto=texto), ...)[:limite]`` with only ``campos``
    loaded (``campos`` must include "id"), in one hand-written statement, prepared unless no word
    has a trigram (``_primeros``): for the till, which searches on every keystroke, compiling
    and planning the ORM's query cost as much as running it for most words (bench/README.md,
    "Búsqueda por palabras")."""
    grupos = [[palabra] for palabra in texto_palabras(texto)]
    return _primeros(grupos=grupos, texto=texto, exacto=bool(grupos), limite=limite, campos=campos,
                     activos_primero=activos_primero)


def _distancia(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) from ``a`` to ``b``: optimal
    string alignment. A swap counts once, as the slip it is ("cuadreno" is 1 from "cuaderno",
    2 from "cuadro", although pg_trgm finds "cuadro" more similar)."""
    anterior, fila = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        actual = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            actual[j] = min(fila[j] + 1, actual[j - 1] + 1, fila[j - 1] + (ca != cb))
            if anterior is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                actual[j] = min(actual[j], anterior[j - 2] + 1)
        anterior, fila = fila, actual
    return fila[-1]


def _se_corrige(palabra: str) -> bool:
    # Fewer than 3 letters have no trigram to compare; a number that differs is another size
    # or model, not a slip; no word of a name is longer than ``LARGO_CORREGIBLE``, and the
    # edit distance of long words is quadratic.
    return 3 <= len(palabra) <= LARGO_CORREGIBLE and not any(c.isdigit() for c in palabra)


def palabras_corregir(*, texto: str) -> list[list[str]] | None:
    """The words to search for instead of ``texto``'s (split as ``nombre_palabras``: letter
    and digit runs), one list of alternatives per word, the likeliest first, from the
    dictionary of the catalog's words (``PalabraCatalogo``).

    A word inside some catalog word stays as typed; so do numbers and words shorter than 3 or
    longer than ``LARGO_CORREGIBLE`` letters. Any other is replaced by its nearest catalog
    words: ``CANDIDATOS`` neighbours by trigrams (the GiST index's ``<->``, ``similarity()`` at
    least ``UMBRAL_PARECIDO``), of which those at the fewest edits win, if that is at most one
    edit per 4 letters. ``None`` when a word has no such word (the search finds nothing) or when
    nothing changes (the search already found nothing). One query (a prepared statement)."""
    palabras = list(dict.fromkeys(_PALABRA_SQL.findall(" ".join(texto_palabras(texto)))))[:PALABRAS_MAXIMAS]
    dudosas = [p for p in palabras if _se_corrige(p)]
    if not dudosas:
        return None
    with connections[DB_NEGOCIO].cursor() as cursor:
        # The words are letter runs ([a-z]+): nothing in them is a LIKE wildcard.
        sql.ejecutar(
            cursor, nombre="palabras_corregir", texto="""
            WITH escritas AS MATERIALIZED (
                SELECT e.palabra, EXISTS (SELECT 1 FROM cat_palabra d WHERE d.palabra LIKE '%%' || e.palabra || '%%')
                       AS conocida
                FROM unnest(%(dudosas)s::text[]) AS e(palabra)
            )
            SELECT e.palabra, e.conocida, c.palabra
            FROM escritas e
            LEFT JOIN LATERAL (
                SELECT d.palabra, similarity(d.palabra, e.palabra) AS parecido
                FROM cat_palabra d
                WHERE NOT e.conocida
                ORDER BY d.palabra <-> e.palabra
                LIMIT %(candidatos)s
            ) c ON c.parecido >= %(umbral)s::real
            ORDER BY e.palabra, c.parecido DESC, c.palabra
            """,
            parametros={"dudosas": dudosas, "candidatos": CANDIDATOS, "umbral": UMBRAL_PARECIDO},
        )
        filas = cursor.fetchall()
    conocidas = {palabra for palabra, conocida, _ in filas if conocida}
    vecinas: dict[str, list[str]] = {}
    for palabra, _, vecina in filas:
        if vecina is not None:
            vecinas.setdefault(palabra, []).append(vecina)
    correcciones = []
    for palabra in palabras:
        if not _se_corrige(palabra) or palabra in conocidas:
            correcciones.append([palabra])
            continue
        tope = max(1, len(palabra) // 4)
        # A length difference is at least that many edits: no need to compute those.
        distancias = {
            vecina: _distancia(palabra, vecina)
            for vecina in vecinas.get(palabra, []) if abs(len(vecina) - len(palabra)) <= tope
        }
        minima = min(distancias.values(), default=None)
        if minima is None or minima > tope:
            return None
        # Ties keep pg_trgm's order: the most similar first.
        correcciones.append([v for v, d in distancias.items() if d == minima][:ALTERNATIVAS])
    if all(opciones == [palabra] for opciones, palabra in zip(correcciones, palabras, strict=True)):
        return None
    return correcciones


def productos_parecidos(
    *, texto: str, limite: int, campos: tuple[str, ...] = CAMPOS_TODOS, activos_primero: bool = False
) -> list[Producto]:
    """Products found by the words of ``texto`` with its typos corrected
    (``palabras_corregir``: "cuadreno" finds "Cuaderno …"), in the order of the word search
    for the corrected words, at most ``limite``, with only ``campos`` loaded. Empty when some
    word has nothing close.

    Two queries: the corrections of all the words, then the word search (one prepared
    statement, as ``productos_primeros``), where each corrected word may match any of its
    alternatives."""
    correcciones = palabras_corregir(texto=texto)
    if correcciones is None:
        return []
    corregido = " ".join(opciones[0] for opciones in correcciones)
    return _primeros(grupos=correcciones, texto=corregido, exacto=False, limite=limite, campos=campos,
                     activos_primero=activos_primero)


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



def productos_filtrar_parecidos(
    *, texto: str, limite: int, categoria_id: int | None = None, bajo_minimo: bool = False
) -> list[Producto]:
    """The inventory list's typo fallback: what ``productos_filtrar`` with the same filters
    finds for ``texto``'s words corrected against the catalog's words (``palabras_corregir``,
    as the till does; each word's likeliest correction), at most ``limite``. For when the words
    as typed found nothing."""
    correcciones = palabras_corregir(texto=texto)
    if correcciones is None:
        return []
    corregido = " ".join(opciones[0] for opciones in correcciones)
    return list(productos_filtrar(texto=corregido, categoria_id=categoria_id, bajo_minimo=bajo_minimo)[:limite])


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
