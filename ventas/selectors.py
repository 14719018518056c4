"""Reads of the point of sale: the cart as the cashier sees it, parked carts, a sale's ticket,
returns, and the cash-drawer shifts (what each drawer should hold)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from inventario.models import Producto
from inventario.selectors import productos_buscar
from ventas import calculos
from ventas.models import (
    Carrito,
    CarritoLinea,
    Devolucion,
    DevolucionLinea,
    EstadoTurno,
    EstadoVenta,
    MetodoPago,
    MovimientoCaja,
    Pago,
    Reembolso,
    TipoMovimientoCaja,
    Turno,
    Venta,
)
from ventas.services import PERMISO_VER_TODAS, carrito_huella, limite_diferencia_corte
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
# --- Cash-drawer shifts ---------------------------------------------------------------------


def turno_abierto(*, cajero) -> Turno | None:
    """The user's open shift, if any (one query; the partial unique index answers it)."""
    return Turno.objects.using(DB_NEGOCIO).filter(id_cajero=cajero.pk, estado=EstadoTurno.ABIERTO).first()


def _por_metodo(consulta, campo: str) -> dict[str, Decimal]:
    sumas = consulta.aggregate(
        **{m: Sum(campo, filter=Q(metodo=m), default=calculos.CERO) for m in MetodoPago.values}
    )
    return {m: sumas[m] for m in MetodoPago.values}


def turno_cuentas(*, turno: Turno) -> calculos.CuentasTurno:
    """What went through the shift's drawer, read from the ledger (4 queries, any size).

    Sales count with every payment they took, cancelled or not: a cancellation or return is
    a refund (``Reembolso``) in the shift of whoever performed it, which is where that money
    left a drawer. Payments are net of change (``Pago.monto``).
    """
    ventas = Venta.objects.using(DB_NEGOCIO).filter(turno=turno).aggregate(
        n=Count("id"), total=Sum("total", default=calculos.CERO),
        canceladas=Count("id", filter=Q(estado=EstadoVenta.CANCELADA)),
    )
    pagos = _por_metodo(Pago.objects.using(DB_NEGOCIO).filter(venta__turno=turno), "monto")
    reembolsos_qs = Reembolso.objects.using(DB_NEGOCIO).filter(devolucion__turno=turno)
    reembolsos = reembolsos_qs.aggregate(
        devoluciones=Count("devolucion", distinct=True),
        **{m: Sum("monto", filter=Q(metodo=m), default=calculos.CERO) for m in MetodoPago.values},
    )
    movimientos = MovimientoCaja.objects.using(DB_NEGOCIO).filter(turno=turno).aggregate(
        depositos=Sum("monto", filter=Q(tipo=TipoMovimientoCaja.DEPOSITO), default=calculos.CERO),
        retiros=Sum("monto", filter=Q(tipo=TipoMovimientoCaja.RETIRO), default=calculos.CERO),
    )
    return calculos.CuentasTurno(
        fondo_inicial=turno.fondo_inicial,
        ventas=ventas["n"],
        ventas_total=ventas["total"],
        canceladas=ventas["canceladas"],
        devoluciones=reembolsos["devoluciones"],
        pagos=pagos,
        reembolsos={m: reembolsos[m] for m in MetodoPago.values},
        depositos=movimientos["depositos"],
        retiros=movimientos["retiros"],
    )


def turno_cuentas_guardadas(*, turno: Turno) -> calculos.CuentasTurno | None:
    """The snapshot stored when the shift was closed (None while it is open)."""
    return calculos.CuentasTurno.de_json(turno.resumen_cierre) if turno.resumen_cierre else None


def turno_diferencias_guardadas(*, turno: Turno) -> list[calculos.DiferenciaMetodo]:
    """Expected vs counted of a closed shift, from its stored columns."""
    return calculos.diferencias_calcular(
        esperado={"efectivo": turno.efectivo_esperado, "tarjeta": turno.tarjeta_esperado,
                  "transferencia": turno.transferencia_esperado},
        contado={"efectivo": turno.efectivo_contado, "tarjeta": turno.tarjeta_reportado,
                 "transferencia": turno.transferencia_reportado},
        limite=limite_diferencia_corte(),
    )


def turno_movimientos(*, turno: Turno) -> list[MovimientoCaja]:
    return list(MovimientoCaja.objects.using(DB_NEGOCIO).filter(turno=turno).order_by("fecha", "id"))


def turno_para_usuario(*, turno_id: int, usuario) -> Turno | None:
    """The shift if the user may see it: their own, or anyone's with ``ventas.ver_todas``."""
    consulta = Turno.objects.using(DB_NEGOCIO).filter(pk=turno_id)
    if not usuario.has_perm("ventas.ver_todas"):
        consulta = consulta.filter(id_cajero=usuario.pk)
    return consulta.first()


def turnos_filtrar(*, usuario, id_cajero: int | None = None, desde=None, hasta=None,
                   estado: str = "") -> QuerySet[Turno]:
    """Shifts newest first; a user without ``ventas.ver_todas`` sees only their own.

    ``desde``/``hasta`` are aware datetimes (start of the first day, start of the day after
    the last one, local time), compared with the opening time.
    """
    consulta = Turno.objects.using(DB_NEGOCIO).defer("conteo_denominaciones", "resumen_cierre")
    if not usuario.has_perm("ventas.ver_todas"):
        consulta = consulta.filter(id_cajero=usuario.pk)
    elif id_cajero is not None:
        consulta = consulta.filter(id_cajero=id_cajero)
    if desde is not None:
        consulta = consulta.filter(abierto__gte=desde)
    if hasta is not None:
        consulta = consulta.filter(abierto__lt=hasta)
    if estado:
        consulta = consulta.filter(estado=estado)
    return consulta.order_by("-abierto", "-id")


def turnos_cajeros() -> list[tuple[int, str]]:
    """(id, name) of everyone who ever had a shift, for the list's filter (the latest name)."""
    filas = (
        Turno.objects.using(DB_NEGOCIO).order_by("id_cajero", "-abierto").distinct("id_cajero")
        .values_list("id_cajero", "nombre_cajero")
    )
    return sorted(filas, key=lambda fila: fila[1].lower())
