"""Reads of the point of sale: the cart as the cashier sees it, parked carts, a sale's ticket."""

from __future__ import annotations

import hashlib
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

from inventario.models import Producto
from inventario.selectors import productos_buscar, productos_ordenar, productos_parecidos
from ventas import calculos
from ventas.models import (
    Carrito,
    CarritoLinea,
    Venta,
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
            Prefetch("lineas", queryset=CarritoLinea.objects.using(DB_NEGOCIO).select_related("producto").order_by("id"))
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
CAMPOS_PRODUCTO_ESCANEO = ("id", "codigo", "codigo_barras", "nombre", "precio", "tasa_iva", "existencia", "activo")


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


CAMPOS_CAJA = ("id", "codigo", "nombre", "precio", "existencia", "activo")


def productos_para_caja(*, texto: str, limite: int = 10) -> Coincidencias:
    """Name matches for the cashier's list (code, name, price, stock), at most ``limite``.

    Every typed word must be in the name (any order, no accents); the order is exact code
    first, active products, whole-word matches, natural name order; one query, which fetches
    one row more than it shows to know whether there are more. When the words find nothing,
    a second query looks for close names (``productos_parecidos``)."""
    if len((texto or "").strip()) < 2:
        return Coincidencias()
    consulta = productos_ordenar(productos_buscar(texto=texto), texto=texto, activos_primero=True)
    encontrados = list(consulta.only(*CAMPOS_CAJA)[: limite + 1])
    parecidos = False
    if not encontrados:
        encontrados = productos_parecidos(
            texto=texto, limite=limite + 1, consulta=Producto.objects.using(DB_NEGOCIO).only(*CAMPOS_CAJA)
        )
        parecidos = bool(encontrados)
    resultado = Coincidencias(encontrados[:limite])
    resultado.hay_mas = len(encontrados) > limite
    resultado.parecidos = parecidos
    return resultado


def venta_para_ticket(*, venta_id: int) -> Venta | None:
    return (
        Venta.objects.using(DB_NEGOCIO)
        .select_related("cliente")
        .prefetch_related("lineas", "pagos")
        .filter(pk=venta_id)
        .first()
    )


def venta_cambio(venta: Venta) -> Decimal:
    return sum((p.cambio for p in venta.pagos.all()), calculos.CERO)



def carrito_huella(*, cliente_id: int | None, lineas) -> str:
    """Fingerprint of what the cashier saw: client, products, quantities, discounts, prices."""
    partes = [f"c{cliente_id or 0}"]
    for linea in sorted(lineas, key=lambda x: x.producto_id):
        partes.append(f"{linea.producto_id}:{linea.cantidad}:{linea.descuento}:{linea.precio_visto}")
    return hashlib.sha256("|".join(partes).encode()).hexdigest()
