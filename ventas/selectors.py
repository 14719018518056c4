"""Reads of the point of sale: the cart as the cashier sees it, parked carts, a sale's ticket, returns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from inventario.models import Producto
from inventario.selectors import productos_buscar
from ventas import calculos
from ventas.models import Carrito, CarritoLinea, Devolucion, DevolucionLinea, Venta
from ventas.services import PERMISO_VER_TODAS, carrito_huella
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
    vistas = []
    for linea in carrito.lineas.all():
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
        vistas.append(
            LineaVista(
                linea=linea, calculo=calculo, excede_existencia=linea.cantidad > producto.existencia,
                precio_cambiado=linea.precio_visto != producto.precio, error=error,
            )
        )
    totales = calculos.totales_calcular(v.calculo for v in vistas if v.calculo)
    huella = carrito_huella(cliente_id=carrito.cliente_id, lineas=[v.linea for v in vistas])
    return CarritoVista(carrito=carrito, lineas=vistas, totales=totales, huella=huella)


def carritos_en_espera(*, cajero) -> QuerySet[Carrito]:
    return (
        Carrito.objects.using(DB_NEGOCIO)
        .filter(id_cajero=cajero.pk, estado=Carrito.Estado.EN_ESPERA)
        .select_related("cliente")
        .order_by("-actualizado")
    )


def producto_por_codigo(*, texto: str) -> Producto | None:
    """Exact code or barcode match (what a scanner types)."""
    texto = (texto or "").strip()
    if not texto:
        return None
    return Producto.objects.using(DB_NEGOCIO).filter(Q(codigo_barras=texto) | Q(codigo=texto.upper())).first()


def productos_para_caja(*, texto: str, limite: int = 10) -> list[Producto]:
    """Name matches for the cashier's list (code, name, price, stock)."""
    if len((texto or "").strip()) < 2:
        return []
    return list(
        productos_buscar(texto=texto).only("id", "codigo", "nombre", "precio", "existencia", "activo")
        .order_by("-activo", "nombre")[:limite]
    )


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


def ventas_de_cliente(*, cliente_id: int, limite: int = 20) -> list[Venta]:
    """The client's latest sales, newest first (one query)."""
    return list(
        Venta.objects.using(DB_NEGOCIO)
        .filter(cliente_id=cliente_id)
        .only("id", "folio", "fecha", "total", "estado", "id_cajero", "nombre_cajero")
        .order_by("-fecha", "-id")[:limite]
    )


def venta_para_devolucion(*, venta_id: int, usuario) -> Venta | None:
    """A sale with its lines and payments for the return/cancel forms (3 queries), or None.

    None also when the user may not see it: a Cajero sees (and returns) only their own sales.
    """
    venta = (
        Venta.objects.using(DB_NEGOCIO)
        .select_related("cliente")
        .prefetch_related("lineas", "pagos")
        .filter(pk=venta_id)
        .first()
    )
    if venta is None or (venta.id_cajero != usuario.pk and not usuario.has_perm(PERMISO_VER_TODAS)):
        return None
    return venta


def devolucion_para_ticket(*, devolucion_id: int, usuario) -> Devolucion | None:
    """A return with its sale, lines and refunds for its ticket (3 queries), or None.

    A Cajero sees the returns of their own sales and the ones they registered.
    """
    devolucion = (
        Devolucion.objects.using(DB_NEGOCIO)
        .select_related("venta", "venta__cliente")
        .prefetch_related(
            Prefetch("lineas", queryset=DevolucionLinea.objects.using(DB_NEGOCIO).select_related("venta_detalle")),
            "reembolsos",
        )
        .filter(pk=devolucion_id)
        .first()
    )
    if devolucion is None:
        return None
    propia = usuario.pk in (devolucion.venta.id_cajero, devolucion.id_usuario)
    if not propia and not usuario.has_perm(PERMISO_VER_TODAS):
        return None
    return devolucion


def devoluciones_de_venta(*, venta_id: int) -> list[Devolucion]:
    """A sale's returns and cancellation, oldest first (one query)."""
    return list(Devolucion.objects.using(DB_NEGOCIO).filter(venta_id=venta_id).order_by("fecha", "id"))


def devolucion_clave_usada(*, clave: str) -> bool:
    """Whether a return was already written with this form key (a resubmitted form)."""
    try:
        valor = uuid.UUID(str(clave))
    except ValueError:
        return False
    return Devolucion.objects.using(DB_NEGOCIO).filter(clave=valor).exists()
