"""Reads of the point of sale (the cart as the cashier sees it, parked carts, a sale's ticket),
of returns and cash-drawer shifts (what each drawer should hold), and of the reports (the
daily summary and the dashboard)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat, Trunc
from django.utils import timezone

from integraciones.models import EstadoSincronizacion, SincronizacionAlumno, Sistema
from inventario.models import Producto
from inventario.selectors import productos_buscar
from ventas import calculos
from ventas.calculos import CERO
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
    TipoDevolucion,
    TipoMovimientoCaja,
    Turno,
    Venta,
    VentaDetalle,
)
from ventas.services import PERMISO_VER_TODAS, carrito_huella, limite_diferencia_corte
from ventas_ingenio.router import DB_NEGOCIO, db_lectura


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


# --- Reports: the daily summary and the dashboard (issue 6) -------------------------------------
#
# Every query below filters ``fecha`` with a half-open range of aware datetimes built from the
# local calendar (America/Mexico_City), so PostgreSQL walks the ``fecha`` index of the day (or of
# the 30 days) and never computes a local date per row of the whole table. Each function runs a
# fixed number of queries whatever the data size. They read from ``db_lectura()``: the read
# replica when one is configured (docs/despliegue.md), else the primary.


def dia_local_limites(fecha: date) -> tuple[datetime, datetime]:
    """``[inicio, fin)`` of the local day ``fecha`` as aware datetimes (UTC 06:00 → 06:00 today).

    Built with the zone's rules, not a fixed −6 h offset, so a change of offset (DST, if it
    ever comes back) gives a 23- or 25-hour day instead of a wrong one.
    """
    zona = timezone.get_default_timezone()
    return (datetime.combine(fecha, time.min, tzinfo=zona),
            datetime.combine(fecha + timedelta(days=1), time.min, tzinfo=zona))


@dataclass(frozen=True)
class RangoIds:
    """First and last id of the sales (or returns) of a period, and how many there are."""

    primera: int
    ultima: int
    cuantas: int

    @property
    def exacto(self) -> bool:
        """No gaps: every id in the range is one of the period's rows and nothing else."""
        return self.ultima - self.primera + 1 == self.cuantas


def _acotado(relacion: str, ids: RangoIds, inicio: datetime, fin: datetime) -> dict:
    """Filters for rows of sales in ``[inicio, fin)`` through ``relacion`` (a FK to the sale or
    the return), bounded by the period's id range.

    Ids grow with time, so one day's (or month's) sales are a nearly contiguous id range. The
    range lets PostgreSQL walk the FK index of payments or lines instead of scanning all of
    them (it cannot carry a date range across the join). When the range has no gaps it holds
    exactly the period's rows and the join back to the sale is skipped; otherwise (an id burnt
    by a rolled-back checkout, a sale of another day committed in between) the date condition
    keeps the result exact, and a wider range is only slower, never wrong.
    """
    filtros = {f"{relacion}_id__gte": ids.primera, f"{relacion}_id__lte": ids.ultima}
    if not ids.exacto:
        filtros.update({f"{relacion}__fecha__gte": inicio, f"{relacion}__fecha__lt": fin})
    return filtros


def _rango(filas, cuantas: str = "n") -> RangoIds:
    """The id range of ``filas`` (grouped rows with ``primera``, ``ultima`` and a count); an empty
    range when there are none, so the dependent queries still run (constant query count) and
    find nothing."""
    con_ids = [f for f in filas if f["primera"] is not None]
    if not con_ids:
        return RangoIds(0, -1, 0)
    return RangoIds(min(f["primera"] for f in con_ids), max(f["ultima"] for f in con_ids),
                    sum(f[cuantas] for f in con_ids))


def _suma(campo, **extra):
    return Coalesce(Sum(campo, **extra), Value(CERO), output_field=DecimalField(max_digits=14, decimal_places=2))


@dataclass
class ResumenCajero:
    id_cajero: int
    nombre: str
    ventas: int = 0
    canceladas: int = 0
    vendido: Decimal = CERO
    descuento: Decimal = CERO
    devuelto: Decimal = CERO  # refunds paid from this cashier's drawer today

    @property
    def neto(self) -> Decimal:
        return self.vendido - self.devuelto


@dataclass
class ResumenMetodo:
    metodo: str
    etiqueta: str
    # Payments with this method: at most one per method and sale (the checkout form has one
    # amount per method), so this is also the number of sales paid at least partly this way.
    # Counted without DISTINCT, which would sort every payment of the day.
    ventas: int = 0
    cobrado: Decimal = CERO
    reembolsado: Decimal = CERO

    @property
    def neto(self) -> Decimal:
        return self.cobrado - self.reembolsado


@dataclass
class ResumenDevoluciones:
    """Cancellations or partial returns made on the day (whatever day the sale was)."""

    tipo: str
    etiqueta: str
    cantidad: int = 0
    total: Decimal = CERO
    iva: Decimal = CERO
    reembolsos: dict[str, Decimal] = field(default_factory=dict)  # metodo → amount

    def reembolsos_lista(self) -> list[tuple[str, Decimal]]:
        return [(etiqueta, self.reembolsos.get(valor, CERO)) for valor, etiqueta in MetodoPago.choices]


@dataclass
class ResumenIvaTasa:
    tasa: Decimal
    vendido: Decimal = CERO  # amounts with IVA included
    iva_vendido: Decimal = CERO
    devuelto: Decimal = CERO
    iva_devuelto: Decimal = CERO

    @property
    def etiqueta(self) -> str:
        return f"{self.tasa * 100:.0f} %"

    @property
    def base_neta(self) -> Decimal:
        return (self.vendido - self.iva_vendido) - (self.devuelto - self.iva_devuelto)

    @property
    def iva_neto(self) -> Decimal:
        return self.iva_vendido - self.iva_devuelto


@dataclass
class ResumenDia:
    """What the shop did on one local day: sales by cashier and method, returns, discounts, IVA.

    Sales count on the day they were rung up (cancelled ones included: their cancellation is
    listed and subtracted); returns and cancellations count on the day the money went back.
    So ``total_neto`` is what came into the drawers and accounts that day, net of refunds.
    """

    fecha: date
    cajeros: list[ResumenCajero]
    metodos: list[ResumenMetodo]
    cancelaciones: ResumenDevoluciones
    devoluciones: ResumenDevoluciones
    iva_por_tasa: list[ResumenIvaTasa]
    ventas: int = 0
    canceladas: int = 0
    subtotal: Decimal = CERO  # before discounts
    descuento: Decimal = CERO
    vendido: Decimal = CERO
    iva_vendido: Decimal = CERO
    ventas_con_descuento: int = 0
    descuentos_autorizados: int = 0  # sales whose discount needed a Gerente

    @property
    def devuelto(self) -> Decimal:
        return self.cancelaciones.total + self.devoluciones.total

    @property
    def iva_devuelto(self) -> Decimal:
        return self.cancelaciones.iva + self.devoluciones.iva

    @property
    def iva_neto(self) -> Decimal:
        return self.iva_vendido - self.iva_devuelto

    @property
    def total_neto(self) -> Decimal:
        return self.vendido - self.devuelto

    @property
    def vacio(self) -> bool:
        return not self.ventas and not self.cancelaciones.cantidad and not self.devoluciones.cantidad


def resumen_del_dia(*, fecha: date) -> ResumenDia:
    """The daily summary of ``fecha`` (local day) in six queries, each an index range of the day."""
    inicio, fin = dia_local_limites(fecha)
    ventas = Venta.objects.using(db_lectura()).filter(fecha__gte=inicio, fecha__lt=fin)
    cancelada = Q(estado=EstadoVenta.CANCELADA)
    por_cajero = (
        ventas.values("id_cajero")
        .annotate(
            nombre=Max("nombre_cajero"), n=Count("id"), canceladas=Count("id", filter=cancelada),
            # Annotation names differ from the fields: the filters below must see the columns.
            suma_subtotal=_suma("subtotal"), suma_descuento=_suma("descuento"), vendido=_suma("total"),
            suma_iva=_suma("iva"),
            con_descuento=Count("id", filter=Q(descuento__gt=0)),
            autorizados=Count("id", filter=Q(descuento__gt=0, id_autorizo_descuento__isnull=False)),
            primera=Min("id"), ultima=Max("id"),
        )
        .order_by()
    )
    resumen = ResumenDia(
        fecha=fecha, cajeros=[], metodos=[],
        cancelaciones=ResumenDevoluciones(TipoDevolucion.CANCELACION, "Cancelaciones"),
        devoluciones=ResumenDevoluciones(TipoDevolucion.DEVOLUCION, "Devoluciones"),
        iva_por_tasa=[],
    )
    cajeros: dict[int, ResumenCajero] = {}
    por_cajero = list(por_cajero)
    ids_ventas = _rango(por_cajero)
    for fila in por_cajero:
        cajeros[fila["id_cajero"]] = ResumenCajero(
            id_cajero=fila["id_cajero"], nombre=fila["nombre"], ventas=fila["n"], canceladas=fila["canceladas"],
            vendido=fila["vendido"], descuento=fila["suma_descuento"],
        )
        resumen.ventas += fila["n"]
        resumen.canceladas += fila["canceladas"]
        resumen.subtotal += fila["suma_subtotal"]
        resumen.descuento += fila["suma_descuento"]
        resumen.vendido += fila["vendido"]
        resumen.iva_vendido += fila["suma_iva"]
        resumen.ventas_con_descuento += fila["con_descuento"]
        resumen.descuentos_autorizados += fila["autorizados"]

    metodos = {valor: ResumenMetodo(metodo=valor, etiqueta=etiqueta) for valor, etiqueta in MetodoPago.choices}
    pagos = (
        Pago.objects.using(db_lectura()).filter(**_acotado("venta", ids_ventas, inicio, fin))
        .values("metodo").annotate(n=Count("id"), monto=_suma("monto")).order_by()
    )
    for fila in pagos:
        metodos[fila["metodo"]].ventas = fila["n"]
        metodos[fila["metodo"]].cobrado = fila["monto"]

    grupos = {TipoDevolucion.CANCELACION: resumen.cancelaciones, TipoDevolucion.DEVOLUCION: resumen.devoluciones}
    devoluciones = (
        Devolucion.objects.using(db_lectura()).filter(fecha__gte=inicio, fecha__lt=fin)
        .values("tipo", "turno__id_cajero")
        .annotate(nombre=Max("turno__nombre_cajero"), n=Count("id"), total=_suma("total"), iva=_suma("iva"),
                  primera=Min("id"), ultima=Max("id"))
        .order_by()
    )
    devoluciones = list(devoluciones)
    ids_devoluciones = _rango(devoluciones)
    for fila in devoluciones:
        grupo = grupos[fila["tipo"]]
        grupo.cantidad += fila["n"]
        grupo.total += fila["total"]
        grupo.iva += fila["iva"]
        cajero = cajeros.setdefault(
            fila["turno__id_cajero"], ResumenCajero(id_cajero=fila["turno__id_cajero"], nombre=fila["nombre"])
        )
        cajero.devuelto += fila["total"]
    reembolsos = (
        Reembolso.objects.using(db_lectura()).filter(**_acotado("devolucion", ids_devoluciones, inicio, fin))
        .values("devolucion__tipo", "metodo").annotate(monto=_suma("monto")).order_by()
    )
    for fila in reembolsos:
        grupos[fila["devolucion__tipo"]].reembolsos[fila["metodo"]] = fila["monto"]
        metodos[fila["metodo"]].reembolsado += fila["monto"]

    tasas: dict[Decimal, ResumenIvaTasa] = {}
    vendidas = (
        VentaDetalle.objects.using(db_lectura()).filter(**_acotado("venta", ids_ventas, inicio, fin))
        .values("tasa_iva").annotate(importe=_suma("importe"), iva=_suma("iva")).order_by()
    )
    for fila in vendidas:
        tasa = tasas.setdefault(fila["tasa_iva"], ResumenIvaTasa(tasa=fila["tasa_iva"]))
        tasa.vendido, tasa.iva_vendido = fila["importe"], fila["iva"]
    devueltas = (
        DevolucionLinea.objects.using(db_lectura())
        .filter(**_acotado("devolucion", ids_devoluciones, inicio, fin))
        .values("venta_detalle__tasa_iva").annotate(importe=_suma("importe"), iva=_suma("iva")).order_by()
    )
    for fila in devueltas:
        clave = fila["venta_detalle__tasa_iva"]
        tasa = tasas.setdefault(clave, ResumenIvaTasa(tasa=clave))
        tasa.devuelto, tasa.iva_devuelto = fila["importe"], fila["iva"]

    resumen.cajeros = sorted(cajeros.values(), key=lambda c: (c.nombre.lower(), c.id_cajero))
    resumen.metodos = list(metodos.values())
    resumen.iva_por_tasa = sorted(tasas.values(), key=lambda t: t.tasa, reverse=True)
    return resumen


def resumen_filas_csv(resumen: ResumenDia) -> Iterator[list]:
    """The summary as rows of (sección, concepto, operaciones, importe) for the CSV export."""
    yield ["Día", resumen.fecha.isoformat(), "", ""]
    yield ["Ventas", "Ventas registradas (incluye canceladas)", resumen.ventas, resumen.vendido]
    yield ["Ventas", "Importe antes de descuentos", "", resumen.subtotal]
    yield ["Ventas", "Descuentos", resumen.ventas_con_descuento, resumen.descuento]
    yield ["Ventas", "Descuentos autorizados por un gerente", resumen.descuentos_autorizados, ""]
    for cajero in resumen.cajeros:
        yield ["Cajero", f"{cajero.nombre}: vendido", cajero.ventas, cajero.vendido]
        yield ["Cajero", f"{cajero.nombre}: devuelto", "", cajero.devuelto]
        yield ["Cajero", f"{cajero.nombre}: neto", "", cajero.neto]
    for metodo in resumen.metodos:
        yield ["Método de pago", f"{metodo.etiqueta}: cobrado", metodo.ventas, metodo.cobrado]
        yield ["Método de pago", f"{metodo.etiqueta}: reembolsado", "", metodo.reembolsado]
        yield ["Método de pago", f"{metodo.etiqueta}: neto", "", metodo.neto]
    for grupo in (resumen.cancelaciones, resumen.devoluciones):
        yield [grupo.etiqueta, "Total", grupo.cantidad, grupo.total]
        yield [grupo.etiqueta, "IVA", "", grupo.iva]
        for etiqueta, monto in grupo.reembolsos_lista():
            yield [grupo.etiqueta, f"Reembolso en {etiqueta.lower()}", "", monto]
    for tasa in resumen.iva_por_tasa:
        yield ["IVA", f"Tasa {tasa.etiqueta}: vendido (IVA incluido)", "", tasa.vendido]
        yield ["IVA", f"Tasa {tasa.etiqueta}: IVA vendido", "", tasa.iva_vendido]
        yield ["IVA", f"Tasa {tasa.etiqueta}: IVA devuelto", "", tasa.iva_devuelto]
        yield ["IVA", f"Tasa {tasa.etiqueta}: IVA neto", "", tasa.iva_neto]
    yield ["IVA", "IVA vendido", "", resumen.iva_vendido]
    yield ["IVA", "IVA devuelto", "", resumen.iva_devuelto]
    yield ["IVA", "IVA neto", "", resumen.iva_neto]
    yield ["Total", "Vendido", resumen.ventas, resumen.vendido]
    yield ["Total", "Devuelto (cancelaciones y devoluciones)",
           resumen.cancelaciones.cantidad + resumen.devoluciones.cantidad, resumen.devuelto]
    yield ["Total", "Neto del día", "", resumen.total_neto]


DIAS_TABLERO = 30
LIMITE_TOP = 10
LIMITE_EXISTENCIA_BAJA = 15
LIMITE_PENDIENTES = 5


@dataclass(frozen=True)
class DiaVentas:
    dia: date
    ventas: int
    monto: Decimal


@dataclass(frozen=True)
class HoraVentas:
    hora: int
    ventas: int
    monto: Decimal

    @property
    def etiqueta(self) -> str:
        return f"{self.hora:02d}:00"


@dataclass(frozen=True)
class ProductoVendido:
    producto_id: int
    codigo: str
    nombre: str
    unidades: int
    importe: Decimal


@dataclass(frozen=True)
class ClientePendiente:
    cliente_id: int
    nombre: str
    desde: datetime
    intentos: int
    sistemas: list[str]  # "SII: pendiente", "Aula: error"


@dataclass
class Tablero:
    desde: date
    hasta: date
    por_dia: list[DiaVentas]
    por_hora: list[HoraVentas]
    top_importe: list[ProductoVendido]
    top_unidades: list[ProductoVendido]
    existencia_baja: list[Producto]
    existencia_baja_total: int
    pendientes: list[ClientePendiente]
    pendientes_total: int

    @property
    def ventas(self) -> int:
        return sum(d.ventas for d in self.por_dia)

    @property
    def monto(self) -> Decimal:
        return sum((d.monto for d in self.por_dia), CERO)


def _neto_de_venta():
    """What a sale is still worth: its total minus what was refunded (0 for a cancelled one)."""
    return ExpressionWrapper(F("total") - F("total_devuelto"), output_field=DecimalField(max_digits=12, decimal_places=2))


@dataclass
class SumasVentas:
    """Raw sums of a period's sales, to be added to another period's: per local day and hour
    ``[ventas, monto]`` and per product id ``[unidades, importe]``."""

    por_dia: dict[date, list] = field(default_factory=dict)
    por_hora: dict[int, list] = field(default_factory=dict)
    por_producto: dict[int, list] = field(default_factory=dict)

    def mas(self, otra: SumasVentas) -> SumasVentas:
        total = SumasVentas()
        for nombre in ("por_dia", "por_hora"):
            destino = getattr(total, nombre)
            for sumas in (getattr(self, nombre), getattr(otra, nombre)):
                for clave, (n, monto) in sumas.items():
                    acumulado = destino.setdefault(clave, [0, CERO])
                    acumulado[0] += n
                    acumulado[1] += monto
        for sumas in (self.por_producto, otra.por_producto):
            for clave, (unidades, importe) in sumas.items():
                acumulado = total.por_producto.setdefault(clave, [0, CERO])
                acumulado[0] += unidades
                acumulado[1] += importe
        return total


def ventas_sumar(*, desde: date, hasta: date) -> SumasVentas:
    """Sums of the sales of the local days ``[desde, hasta]``, in two queries.

    Sales: count of those not cancelled, amount net of returns and cancellations
    (``total − total_devuelto``). Products: cancelled sales left out; a partly returned line
    counts its kept units and the same share of its amount (a return refunds the line's price
    per unit, discount included).
    """
    inicio, fin = dia_local_limites(desde)[0], dia_local_limites(hasta)[1]
    zona = timezone.get_default_timezone()
    # Grouped by UTC hour (a cheap date_trunc, ~14 groups a day) and turned into local day and
    # hour here: exact because Mexico City's offset is a whole number of hours.
    filas = list(
        Venta.objects.using(db_lectura()).filter(fecha__gte=inicio, fecha__lt=fin)
        .annotate(hora_utc=Trunc("fecha", "hour", tzinfo=UTC))
        .values("hora_utc")
        .annotate(n=Count("id", filter=~Q(estado=EstadoVenta.CANCELADA)), monto=_suma(_neto_de_venta()),
                  primera=Min("id"), ultima=Max("id"), todas=Count("id"))
        .order_by()
    )
    sumas = SumasVentas()
    for fila in filas:
        local = fila["hora_utc"].astimezone(zona)
        for clave, destino in ((local.date(), sumas.por_dia), (local.hour, sumas.por_hora)):
            acumulado = destino.setdefault(clave, [0, CERO])
            acumulado[0] += fila["n"]
            acumulado[1] += fila["monto"]
    conservadas = F("cantidad") - F("cantidad_devuelta")
    # The few cancelled sales are left out with a hashed NOT IN, not a join: with a gap-free id
    # range the lines are read by their FK index alone, without touching every sale.
    canceladas = (Venta.objects.using(db_lectura())
                  .filter(fecha__gte=inicio, fecha__lt=fin, estado=EstadoVenta.CANCELADA).values("id"))
    productos = (
        VentaDetalle.objects.using(db_lectura())
        .filter(**_acotado("venta", _rango(filas, cuantas="todas"), inicio, fin))
        .exclude(venta_id__in=canceladas)
        # Grouped by product id only (a small hash table, no join): names are read for the top 10s.
        .values("producto_id")
        .annotate(
            unidades=Coalesce(Sum(conservadas), 0),
            # Numeric division only for the few partly returned lines.
            importe=_suma(Case(
                When(cantidad_devuelta=0, then=F("importe")),
                default=ExpressionWrapper(F("importe") * conservadas / F("cantidad"),
                                          output_field=DecimalField(max_digits=14, decimal_places=6)),
                output_field=DecimalField(max_digits=14, decimal_places=6),
            )),
        )
        .filter(unidades__gt=0)
        .order_by()
    )
    for fila in productos:
        sumas.por_producto[fila["producto_id"]] = [fila["unidades"], fila["importe"]]
    return sumas


def _tops(sumas: SumasVentas, limite: int) -> tuple[list[ProductoVendido], list[ProductoVendido]]:
    """Top products by amount and by units (ties go to the older product), with their current
    code and name (one query for at most 2 × ``limite`` products)."""
    filas = [(clave, unidades, calculos.a_centavos(importe))
             for clave, (unidades, importe) in sumas.por_producto.items()]
    por_importe = sorted(filas, key=lambda f: (-f[2], f[0]))[:limite]
    por_unidades = sorted(filas, key=lambda f: (-f[1], f[0]))[:limite]
    nombres = {
        pk: (codigo, nombre) for pk, codigo, nombre in Producto.objects.using(db_lectura())
        .filter(pk__in={f[0] for f in por_importe + por_unidades}).values_list("id", "codigo", "nombre")
    }

    def lista(seleccion):
        return [ProductoVendido(producto_id=pk, codigo=nombres[pk][0], nombre=nombres[pk][1], unidades=unidades,
                                importe=importe) for pk, unidades, importe in seleccion]

    return lista(por_importe), lista(por_unidades)


def productos_existencia_baja(*, limite: int = LIMITE_EXISTENCIA_BAJA) -> tuple[list[Producto], int]:
    """Active products at or under their minimum (the most urgent first) and how many there are."""
    consulta = Producto.objects.using(db_lectura()).filter(activo=True, existencia__lte=F("existencia_minima"))
    lista = list(consulta.only("id", "codigo", "nombre", "existencia", "existencia_minima")
                 .order_by("existencia", "nombre", "id")[:limite])
    total = len(lista) if len(lista) < limite else consulta.count()
    return lista, total


def clientes_pendientes_sincronizar(*, limite: int = LIMITE_PENDIENTES) -> tuple[list[ClientePendiente], int]:
    """Clients not yet registered in SII or Aula (pending or failed), oldest first, and how many."""
    no_sincronizadas = SincronizacionAlumno.objects.using(db_lectura()).exclude(estado=EstadoSincronizacion.SINCRONIZADO)
    filas = list(
        no_sincronizadas.values("cliente_id", "cliente__nombre", "cliente__apellidos")
        .annotate(desde=Min("creado"), intentos=Max("intentos"),
                  sistemas=ArrayAgg(Concat("sistema", Value(":"), "estado"), order_by="sistema"))
        .order_by("desde", "cliente_id")[:limite]
    )
    total = len(filas) if len(filas) < limite else no_sincronizadas.values("cliente_id").distinct().count()
    nombres_sistema, nombres_estado = dict(Sistema.choices), dict(EstadoSincronizacion.choices)
    pendientes = []
    for fila in filas:
        sistemas = []
        for valor in fila["sistemas"]:
            sistema, estado = valor.split(":", 1)
            sistemas.append(f"{nombres_sistema.get(sistema, sistema)}: {nombres_estado.get(estado, estado).lower()}")
        pendientes.append(ClientePendiente(
            cliente_id=fila["cliente_id"], nombre=f"{fila['cliente__nombre']} {fila['cliente__apellidos']}".strip(),
            desde=fila["desde"], intentos=fila["intentos"], sistemas=sistemas,
        ))
    return pendientes, total


CACHE_TABLERO_SEGUNDOS = 600


def devoluciones_huella() -> int | None:
    """The last return id. Sales are written once; only a return or cancellation (always a new
    ``tra_devolucion`` row) changes them afterwards, so past days' sums stay valid while this
    does not change. A backward probe of the primary key."""
    return Devolucion.objects.using(db_lectura()).aggregate(ultima=Max("id"))["ultima"]


def tablero_datos(*, hoy: date, dias: int = DIAS_TABLERO) -> Tablero:
    """Everything on the dashboard for the ``dias`` local days ending ``hoy``.

    The sums of the days before today (two queries over every sale and line of those days,
    hundreds of ms with a million sales) are cached under ``hoy`` and ``devoluciones_huella()``:
    new sales only land on today, and any change to an older sale comes with a new return row,
    so the cache is never stale. Today's sums, the top products' names and the alerts are always
    read fresh. Queries: 1 fingerprint + 2 today + 1 names + 2 alerts (+ 2 for the earlier days
    when not cached, + a count for each alert list that reaches its limit).
    """
    desde = hoy - timedelta(days=dias - 1)
    clave = f"ventas:tablero:{hoy.isoformat()}:{dias}:{devoluciones_huella()}"
    anteriores = cache.get(clave)
    if anteriores is None:
        anteriores = ventas_sumar(desde=desde, hasta=hoy - timedelta(days=1)) if dias > 1 else SumasVentas()
        cache.set(clave, anteriores, CACHE_TABLERO_SEGUNDOS)
    sumas = anteriores.mas(ventas_sumar(desde=hoy, hasta=hoy))
    por_dia = []
    dia = desde
    while dia <= hoy:
        n, monto = sumas.por_dia.get(dia, (0, CERO))
        por_dia.append(DiaVentas(dia=dia, ventas=n, monto=monto))
        dia += timedelta(days=1)
    # 07:00–20:00 at least, wider if there were sales earlier or later.
    con_ventas = [hora for hora, (n, _) in sumas.por_hora.items() if n]
    por_hora = [
        HoraVentas(hora=hora, ventas=sumas.por_hora.get(hora, (0, CERO))[0], monto=sumas.por_hora.get(hora, (0, CERO))[1])
        for hora in range(min([7, *con_ventas]), max([20, *con_ventas]) + 1)
    ]
    top_importe, top_unidades = _tops(sumas, LIMITE_TOP)
    existencia_baja, existencia_baja_total = productos_existencia_baja()
    pendientes, pendientes_total = clientes_pendientes_sincronizar()
    return Tablero(
        desde=desde, hasta=hoy, por_dia=por_dia, por_hora=por_hora,
        top_importe=top_importe, top_unidades=top_unidades,
        existencia_baja=existencia_baja, existencia_baja_total=existencia_baja_total,
        pendientes=pendientes, pendientes_total=pendientes_total,
    )
