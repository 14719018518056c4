"""Reads of the dashboard (selectors): the last 30 days by day and hour, top products, alerts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from integraciones.selectors import AlumnoPendiente, alumnos_pendientes_sincronizar
from inventario.models import Producto, TipoProducto
from ventas import calculos
from ventas.calculos import CERO
from ventas.models import (
    Devolucion,
    EstadoVenta,
    Venta,
    VentaDetalle,
)
from ventas.politica import dia_local_limites
from ventas.reportes.resumen import _acotado, _rango, _suma
from ventas_ingenio.router import db_lectura

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
    pendientes: list[AlumnoPendiente]
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
    """Active goods at or under their minimum (the most urgent first) and how many there are. An
    edition's stock is its free seats: a full one is not restocked."""
    consulta = Producto.objects.using(db_lectura()).filter(activo=True, tipo=TipoProducto.ARTICULO,
                                                           existencia__lte=F("existencia_minima"))
    lista = list(consulta.only("id", "codigo", "nombre", "existencia", "existencia_minima")
                 .order_by("existencia", "nombre", "id")[:limite])
    total = len(lista) if len(lista) < limite else consulta.count()
    return lista, total


CACHE_TABLERO_SEGUNDOS = 600


def devoluciones_huella() -> int | None:
    """The last return id. Sales are written once; only a return or cancellation (always a new
    ``tra_devolucion`` row) changes them afterwards, so past days' sums stay valid while this
    does not change. A backward probe of the primary key."""
    return Devolucion.objects.using(db_lectura()).aggregate(ultima=Max("id"))["ultima"]


def tablero_datos(*, hoy: date, dias: int = DIAS_TABLERO) -> Tablero:
    """Everything on the dashboard for the ``dias`` local days ending ``hoy``.

    The sums of the days before today (two queries over every sale and line of those days,
    the dashboard's costly part on a large table) are cached under ``hoy`` and ``devoluciones_huella()``:
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
    pendientes, pendientes_total = alumnos_pendientes_sincronizar(limite=LIMITE_PENDIENTES, using=db_lectura())
    return Tablero(
        desde=desde, hasta=hoy, por_dia=por_dia, por_hora=por_hora,
        top_importe=top_importe, top_unidades=top_unidades,
        existencia_baja=existencia_baja, existencia_baja_total=existencia_baja_total,
        pendientes=pendientes, pendientes_total=pendientes_total,
    )
