"""Reads of the customer account (monedero): a client's balance and movements, the ledger check."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connections

from ventas import calculos
from ventas.models import Monedero, MovimientoMonedero
from ventas_ingenio.router import DB_NEGOCIO


@dataclass(frozen=True)
class EstadoMonedero:
    saldo: Decimal
    movimientos: list[MovimientoMonedero] = field(default_factory=list)
    hay_mas: bool = False


def monedero_saldo(*, cliente_id: int | None) -> Decimal:
    """The client's store credit (0 without an account or without a client). One query."""
    if cliente_id is None:
        return calculos.CERO
    saldo = Monedero.objects.using(DB_NEGOCIO).filter(cliente_id=cliente_id).values_list("saldo", flat=True).first()
    return saldo if saldo is not None else calculos.CERO


def monedero_de_cliente(*, cliente_id: int, limite: int = 20) -> EstadoMonedero:
    """Balance and the newest ``limite`` movements (newest first), for the client's page. Two queries."""
    monedero = Monedero.objects.using(DB_NEGOCIO).filter(cliente_id=cliente_id).first()
    if monedero is None:
        return EstadoMonedero(saldo=calculos.CERO)
    movimientos = list(
        MovimientoMonedero.objects.using(DB_NEGOCIO).filter(monedero=monedero)
        .select_related("venta", "devolucion").order_by("-fecha", "-id")[: limite + 1]
    )
    return EstadoMonedero(saldo=monedero.saldo, movimientos=movimientos[:limite], hay_mas=len(movimientos) > limite)


def monedero_de_venta(*, venta_id: int) -> MovimientoMonedero | None:
    """The sale's payment with store credit (its amount and the balance it left), for the ticket."""
    return (
        MovimientoMonedero.objects.using(DB_NEGOCIO)
        .filter(venta_id=venta_id, tipo="pago").order_by("id").first()
    )


def monedero_de_devolucion(*, devolucion_id: int) -> MovimientoMonedero | None:
    """The credit a return gave (its amount and the balance it left), for the return's ticket."""
    return MovimientoMonedero.objects.using(DB_NEGOCIO).filter(devolucion_id=devolucion_id).order_by("id").first()


def monedero_descuadres() -> list[tuple[int, int, Decimal, Decimal]]:
    """Accounts whose balance is not the sum of their movements, or whose last movement's
    resulting balance is not the balance: ``(id_monedero, id_cliente, saldo, suma)``."""
    consulta = """
        SELECT m.id_monedero, m.id_cliente, m.saldo, COALESCE(s.suma, 0)
        FROM tra_monedero m
        LEFT JOIN (SELECT id_monedero, SUM(monto) AS suma FROM tra_movimiento_monedero GROUP BY id_monedero) s
            ON s.id_monedero = m.id_monedero
        LEFT JOIN LATERAL (
            SELECT saldo_resultante FROM tra_movimiento_monedero u WHERE u.id_monedero = m.id_monedero
            ORDER BY u.id_movimiento_monedero DESC LIMIT 1
        ) ultimo ON true
        WHERE m.saldo <> COALESCE(s.suma, 0) OR m.saldo <> COALESCE(ultimo.saldo_resultante, 0)
        ORDER BY m.id_monedero
    """
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(consulta)
        return [tuple(fila) for fila in cursor.fetchall()]
