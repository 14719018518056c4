"""Reads of the point of sale: the cart as the cashier sees it, parked carts, a sale's ticket."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    DecimalField,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from clientes.models import Alumno, Cliente
from cursos.models import Edicion
from cursos.selectors import edicion_impedimento, inscripciones_vigentes
from inventario.models import Producto
from inventario.selectors import productos_parecidos, productos_primeros
from ventas import calculos
from ventas.models import (
    Carrito,
    CarritoLinea,
    Venta,
    VentaDetalle,
)
from ventas_ingenio.router import DB_NEGOCIO


@dataclass
class LineaVista:
    linea: CarritoLinea
    calculo: calculos.LineaTotales | None
    excede_existencia: bool
    precio_cambiado: bool
    error: str = ""


@dataclass
class CarritoVista:
    carrito: Carrito | None
    lineas: list[LineaVista] = field(default_factory=list)
    totales: calculos.Totales = field(default_factory=lambda: calculos.totales_calcular([]))
    huella: str = ""

    @property
    def vacio(self) -> bool:
        return not self.lineas

    @property
    def motivo_no_cobrar(self) -> str:
        """Why "Cobrar" is disabled, or "" when the cart can be charged."""
        if self.vacio:
            return "El carrito está vacío."
        excedidas = [x.linea.producto.nombre for x in self.lineas if x.excede_existencia]
        if excedidas:
            return "No hay existencia suficiente de: " + ", ".join(excedidas) + "."
        errores = [x.error for x in self.lineas if x.error]
        if errores:
            return errores[0]
        return ""


def carrito_de_cajero(*, cajero) -> CarritoVista:
    """The cashier's active cart with prices, stock and totals from the database (3 queries)."""
    carrito = (
        Carrito.objects.using(DB_NEGOCIO)
        .select_related("cliente")
        .prefetch_related(
            Prefetch("lineas", queryset=CarritoLinea.objects.using(DB_NEGOCIO).select_related("producto", "alumno")
                     .order_by("id"))
        )
        .filter(id_cajero=cajero.pk, estado=Carrito.Estado.ACTIVO)
        .first()
    )
    if carrito is None:
        return CarritoVista(carrito=None)
    return carrito_vista(carrito=carrito, lineas=carrito.lineas.all())


def linea_vista(linea: CarritoLinea) -> LineaVista:
    """One line as the cashier sees it, priced from its product (``linea.producto``, loaded)."""
    producto = linea.producto
    try:
        calculo = calculos.linea_calcular(
            precio_unitario=producto.precio, cantidad=linea.cantidad,
            descuento=linea.descuento, tasa_iva=producto.tasa_iva,
        )
        error = ""
    except ValueError as problema:
        calculo, error = None, f"{producto.nombre}: {problema}"
    if not producto.activo:
        error = f"{producto.nombre} está dado de baja: quítalo del carrito."
    return LineaVista(
        linea=linea, calculo=calculo, excede_existencia=linea.cantidad > producto.existencia,
        precio_cambiado=linea.precio_visto != producto.precio, error=error,
    )


def carrito_vista(*, carrito: Carrito, lineas) -> CarritoVista:
    """A cart already read (its lines in cart order, each with its product): no query, so a
    service that has the cart locked can answer with it as it stands after the change."""
    vistas = [linea_vista(linea) for linea in lineas]
    totales = calculos.totales_calcular(v.calculo for v in vistas if v.calculo)
    huella = carrito_huella(cliente_id=carrito.cliente_id, lineas=[v.linea for v in vistas])
    return CarritoVista(carrito=carrito, lineas=vistas, totales=totales, huella=huella)


def carritos_en_espera(*, cajero) -> QuerySet[Carrito]:
    """The cashier's parked carts, newest first, each with ``articulos`` (units) and ``total``
    (at the prices the cashier saw, less discounts; the checkout recomputes from the catalog)."""
    return (
        Carrito.objects.using(DB_NEGOCIO)
        .filter(id_cajero=cajero.pk, estado=Carrito.Estado.EN_ESPERA)
        .select_related("cliente")
        .annotate(
            articulos=Coalesce(Sum("lineas__cantidad"), 0),
            total=Coalesce(
                Sum(F("lineas__precio_visto") * F("lineas__cantidad") - F("lineas__descuento"),
                    output_field=DecimalField(max_digits=12, decimal_places=2)),
                Value(Decimal("0")), output_field=DecimalField(max_digits=12, decimal_places=2),
            ),
        )
        .order_by("-actualizado")
    )


# What a scan needs of the product: the checks, the cart's line and the message (not the
# description nor the search columns).
CAMPOS_PRODUCTO_ESCANEO = ("id", "tipo", "codigo", "codigo_barras", "nombre", "precio", "tasa_iva", "existencia", "activo")


def producto_por_codigo(*, texto: str) -> Producto | None:
    """Exact code or barcode match (what a scanner types)."""
    texto = (texto or "").strip()
    if not texto:
        return None
    return (
        Producto.objects.using(DB_NEGOCIO).filter(Q(codigo_barras=texto) | Q(codigo=texto.upper()))
        .only(*CAMPOS_PRODUCTO_ESCANEO).first()
    )


class Coincidencias(list):
    """The products shown to the cashier (a plain list, as before), plus ``hay_mas``: more
    products matched than are shown; and ``parecidos``: none had every word, these are the
    closest names (typos)."""

    hay_mas: bool = False
    parecidos: bool = False


CAMPOS_CAJA = ("id", "tipo", "codigo", "nombre", "precio", "existencia", "activo")


def productos_para_caja(*, texto: str, limite: int = 10) -> Coincidencias:
    """Name matches for the cashier's list (code, name, price, stock), at most ``limite``.

    Every typed word must be in the name (any order, no accents); the order is exact code
    first, active products, whole-word matches, natural name order; one query, which fetches
    one row more than it shows to know whether there are more. When the words find nothing,
    the typos are corrected against the catalog's words and the search runs again with them
    (``productos_parecidos``: two more queries)."""
    if len((texto or "").strip()) < 2:
        return Coincidencias()
    encontrados = productos_primeros(texto=texto, limite=limite + 1, campos=CAMPOS_CAJA, activos_primero=True)
    parecidos = False
    if not encontrados:
        encontrados = productos_parecidos(texto=texto, limite=limite + 1, campos=CAMPOS_CAJA, activos_primero=True)
        parecidos = bool(encontrados)
    resultado = Coincidencias(encontrados[:limite])
    resultado.hay_mas = len(encontrados) > limite
    resultado.parecidos = parecidos
    return resultado


def venta_para_ticket(*, venta_id: int) -> Venta | None:
    return (
        Venta.objects.using(DB_NEGOCIO)
        .select_related("cliente")
        .prefetch_related(Prefetch("lineas", queryset=VentaDetalle.objects.using(DB_NEGOCIO).select_related("alumno")),
                          "pagos")
        .filter(pk=venta_id)
        .first()
    )


def venta_cambio(venta: Venta) -> Decimal:
    """The change handed over for the sale: known to the checkout that has just written it
    (``cambio_entregado``), else summed from its payments."""
    conocido = getattr(venta, "cambio_entregado", None)
    if conocido is not None:
        return conocido
    return sum((p.cambio for p in venta.pagos.all()), calculos.CERO)



def carrito_huella(*, cliente_id: int | None, lineas) -> str:
    """Fingerprint of what the cashier saw: client, products, quantities, discounts, prices, and
    the alumno of each course seat."""
    partes = [f"c{cliente_id or 0}"]
    for linea in sorted(lineas, key=lambda x: (x.producto_id, x.alumno_id or 0)):
        parte = f"{linea.producto_id}:{linea.cantidad}:{linea.descuento}:{linea.precio_visto}"
        partes.append(f"{parte}:a{linea.alumno_id}" if linea.alumno_id else parte)
    return hashlib.sha256("|".join(partes).encode()).hexdigest()


# --- Course seats -------------------------------------------------------------------------


def publico_general_id() -> int | None:
    return Cliente.objects.using(DB_NEGOCIO).filter(es_publico_general=True).values_list("pk", flat=True).first()


def inscripciones_impedimento(
    *, cliente_id: int | None, asientos: list[tuple[int, int | None]], libres: dict[int, int],
    publico_general: int | None = None,
) -> str:
    """The first reason these course seats cannot be sold, or "" when they can.

    ``asientos``: ``(edition's product id, alumno id)`` per course line of the cart; ``libres``:
    free seats per edition, as the caller read them (the checkout: from the rows it has locked).
    The same rules at add time and at checkout: a paying client other than "Público en general",
    an active alumno, an edition open and not past (local date), the alumno not already enrolled
    (active or completed) nor twice in the cart, and enough free seats for the cart's lines.
    Reads the editions, alumnos and enrollments in statements of their own (so, at checkout,
    after the locks: what other transactions committed meanwhile)."""
    if not asientos:
        return ""
    publico_general = publico_general if publico_general is not None else publico_general_id()
    if cliente_id is None or cliente_id == publico_general:
        return "Para inscribir a un alumno elige primero al cliente que paga (no puede ser Público en general)."
    ediciones = {
        e.pk: e for e in Edicion.objects.using(DB_NEGOCIO).select_related("producto")
        .filter(pk__in={p for p, _ in asientos})
    }
    alumnos = Alumno.objects.using(DB_NEGOCIO).in_bulk({a for _, a in asientos if a is not None})
    vigentes = inscripciones_vigentes(pares={(a, p) for p, a in asientos if a is not None})
    vistos, por_edicion = set(), Counter()
    for producto_id, alumno_id in asientos:
        edicion = ediciones.get(producto_id)
        if edicion is None:
            return "Ese producto no es una edición de un curso."
        nombre = edicion.producto.nombre
        alumno = alumnos.get(alumno_id)
        if alumno is None:
            return f"Elige el alumno que se inscribe en {nombre}."
        if not alumno.activo:
            return f"{alumno} está dado de baja: no se puede inscribir."
        motivo = edicion_impedimento(edicion=edicion)
        if motivo:
            return motivo
        if (alumno_id, producto_id) in vigentes:
            return f"{alumno} ya está inscrito en {nombre}."
        if (alumno_id, producto_id) in vistos:
            return f"{alumno} ya está en el carrito para {nombre}."
        vistos.add((alumno_id, producto_id))
        por_edicion[producto_id] += 1
    for producto_id, pedidos in por_edicion.items():
        quedan = libres.get(producto_id, 0)
        if pedidos > quedan:
            nombre = ediciones[producto_id].producto.nombre
            if quedan <= 0:
                return f"{nombre}: la edición está llena, no quedan lugares."
            return f"{nombre}: solo quedan {quedan} lugares y el carrito pide {pedidos}."
    return ""


def edicion_sin_lugar(*, producto_id: int) -> str:
    """Why no alumno can take a seat of this edition now (closed, past, withdrawn or full), or ""."""
    edicion = Edicion.objects.using(DB_NEGOCIO).select_related("producto").filter(pk=producto_id).first()
    if edicion is None:
        return ""
    motivo = edicion_impedimento(edicion=edicion)
    if not motivo and edicion.producto.existencia <= 0:
        motivo = f"{edicion.producto.nombre}: la edición está llena, no quedan lugares."
    return motivo


def edicion_para_caja(*, producto_id: int) -> Edicion | None:
    """The edition the alumno picker is open for (with its product and course), or None."""
    return Edicion.objects.using(DB_NEGOCIO).select_related("producto", "curso").filter(pk=producto_id).first()
