"""Reads of the daily summary (selectors)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    F,
    Max,
    Min,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from ventas.calculos import CERO
from ventas.models import (
    Abono,
    Devolucion,
    DevolucionLinea,
    EstadoVenta,
    MetodoPago,
    Pago,
    Reembolso,
    TipoDevolucion,
    Venta,
    VentaDetalle,
)
from ventas.politica import dia_local_limites
from ventas_ingenio.router import db_lectura

# --- Reports: the daily summary and the dashboard -------------------------------------------
#
# Every query below filters ``fecha`` with a half-open range of aware datetimes built from the
# local calendar (America/Mexico_City), so PostgreSQL walks the ``fecha`` index of the day (or of
# the 30 days) and never computes a local date per row of the whole table. Each function runs a
# fixed number of queries whatever the data size. They read from ``db_lectura()``: the read
# replica when one is configured (docs/despliegue.md), else the primary.


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
    # Abonos taken this day with this method (on sales of any day), net of change: what stayed
    # in the drawer, an excess kept as store credit included.
    abonos: int = 0
    abonado: Decimal = CERO

    @property
    def neto(self) -> Decimal:
        return self.cobrado + self.abonado - self.reembolsado


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
    abonos: int = 0  # abonos taken this day, on sales of any day
    abonado: Decimal = CERO

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
        return (not self.ventas and not self.cancelaciones.cantidad and not self.devoluciones.cantidad
                and not self.abonos)


def resumen_del_dia(*, fecha: date) -> ResumenDia:
    """The daily summary of ``fecha`` (local day) in seven queries, each an index range of the day."""
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

    abonos = (
        Abono.objects.using(db_lectura()).filter(fecha__gte=inicio, fecha__lt=fin)
        .values("metodo").annotate(n=Count("id"), monto=_suma(F("monto") + F("a_monedero"))).order_by()
    )
    for fila in abonos:
        metodos[fila["metodo"]].abonos = fila["n"]
        metodos[fila["metodo"]].abonado = fila["monto"]
        resumen.abonos += fila["n"]
        resumen.abonado += fila["monto"]

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
        yield ["Método de pago", f"{metodo.etiqueta}: abonos", metodo.abonos, metodo.abonado]
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
