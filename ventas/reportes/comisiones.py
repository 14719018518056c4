"""Sales and commissions per salesperson over a period of local days.

A sale counts for the salesperson written on it at checkout (``Venta.id_vendedor``; a sale from
before salespeople were recorded counts for its cashier) and for the period of its own date.
What it sold is its total net of everything returned from it so far (``total -
total_devuelto``): a cancelled sale counts zero, and a return made after the period still
lowers the period's figure (commissions are paid on what the school kept). The commission of
a sale is its net times the percentage copied onto it at checkout, rounded to cents half up;
the salesperson's commission is the sum of those, so changing a percentage later never
changes a past commission. Everything is one aggregate query in ``numeric`` (exact decimal
arithmetic); PostgreSQL's ``ROUND(numeric, 2)`` rounds half away from zero, which for these
non-negative amounts is ROUND_HALF_UP.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connections

from ventas.calculos import CERO
from ventas.politica import dia_local_limites
from ventas_ingenio.router import db_lectura

# Grouped by the salesperson's user id, in one pass without sorting the period's sales (a
# hash aggregate: an ordered ARRAY_AGG for the name sorted a year's 300 000 sales on disk,
# bench in docs/decisiones.md); the name is the one written on their most recent sale of the
# period (highest id), read by primary key (a name corrected in the admin shows from the next
# sale on).
_POR_VENDEDOR = """
WITH por_vendedor AS (
    SELECT COALESCE(id_vendedor, id_cajero) AS vendedor,
        MAX(id_venta) AS ultima,
        COUNT(*) FILTER (WHERE estado <> 'cancelada') AS ventas,
        COUNT(*) FILTER (WHERE estado = 'cancelada') AS canceladas,
        COALESCE(SUM(total - total_devuelto) FILTER (WHERE estado <> 'cancelada'), 0) AS vendido,
        COALESCE(SUM(ROUND((total - total_devuelto) * comision_porcentaje / 100, 2))
                 FILTER (WHERE estado <> 'cancelada'), 0) AS comision
    FROM tra_venta
    WHERE fecha >= %s AND fecha < %s
    GROUP BY 1
)
SELECT p.vendedor, COALESCE(NULLIF(v.nombre_vendedor, ''), v.nombre_cajero) AS nombre,
    p.ventas, p.canceladas, p.vendido, p.comision
FROM por_vendedor p JOIN tra_venta v ON v.id_venta = p.ultima
ORDER BY p.vendido DESC, nombre, p.vendedor
"""


@dataclass(frozen=True)
class ComisionVendedor:
    id_usuario: int
    nombre: str
    ventas: int  # not cancelled
    canceladas: int
    vendido: Decimal  # net of returns
    comision: Decimal


@dataclass(frozen=True)
class ReporteComisiones:
    desde: date
    hasta: date
    filas: list[ComisionVendedor]

    @property
    def ventas(self) -> int:
        return sum(f.ventas for f in self.filas)

    @property
    def canceladas(self) -> int:
        return sum(f.canceladas for f in self.filas)

    @property
    def vendido(self) -> Decimal:
        return sum((f.vendido for f in self.filas), CERO)

    @property
    def comision(self) -> Decimal:
        return sum((f.comision for f in self.filas), CERO)


def comisiones_por_vendedor(*, desde: date, hasta: date) -> ReporteComisiones:
    """Per salesperson, the sales dated from ``desde`` to ``hasta`` (local days, inclusive):
    count, cancelled count, net sold and commission (one query, on the read replica if any)."""
    inicio, fin = dia_local_limites(desde)[0], dia_local_limites(hasta)[1]
    with connections[db_lectura()].cursor() as cursor:
        cursor.execute(_POR_VENDEDOR, [inicio, fin])
        filas = [ComisionVendedor(*fila) for fila in cursor.fetchall()]
    return ReporteComisiones(desde=desde, hasta=hasta, filas=filas)


ENCABEZADOS_CSV = ["Vendedor", "Id de usuario", "Ventas", "Canceladas", "Vendido neto", "Comisión"]


def comisiones_filas_csv(reporte: ReporteComisiones) -> Iterator[tuple]:
    """The CSV's rows: one per salesperson, then the totals."""
    for f in reporte.filas:
        yield f.nombre, f.id_usuario, f.ventas, f.canceladas, f.vendido, f.comision
    yield "Total", "", reporte.ventas, reporte.canceladas, reporte.vendido, reporte.comision
