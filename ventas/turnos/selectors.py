"""Reads of the cash-drawer shifts: what each drawer should hold, the lists and reports."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from ventas import calculos
from ventas.exceptions import TurnoNoEncontrado, TurnoYaCerrado
from ventas.models import (
    Abono,
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
from ventas.politica import PERMISO_CERRAR_AJENO, PERMISO_VER_TODAS, limite_diferencia_corte
from ventas_ingenio.router import DB_NEGOCIO

# --- Cash-drawer shifts ---------------------------------------------------------------------


def turno_abierto(*, cajero) -> Turno | None:
    """The user's open shift, if any (one query; the partial unique index answers it)."""
    return Turno.objects.using(DB_NEGOCIO).filter(id_cajero=cajero.pk, estado=EstadoTurno.ABIERTO).first()


def turno_de_otro_dia(turno) -> bool:
    """A shift left open since an earlier day: the cashier is told to close it."""
    return timezone.localdate(turno.abierto) != timezone.localdate()


def _por_metodo(consulta, campo: str) -> dict[str, Decimal]:
    sumas = consulta.aggregate(
        **{m: Sum(campo, filter=Q(metodo=m), default=calculos.CERO) for m in MetodoPago.values}
    )
    return {m: sumas[m] for m in MetodoPago.values}


def turno_cuentas(*, turno: Turno) -> calculos.CuentasTurno:
    """What went through the shift's drawer, read from the ledger (5 queries, any size).

    Sales count with every payment they took, cancelled or not: a cancellation or return is
    a refund (``Reembolso``) in the shift of whoever performed it, which is where that money
    left a drawer. Payments are net of change (``Pago.monto``); so are abonos, which count in
    the shift of whoever took them, whatever shift the sale was rung up in.
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
    # An abono leaves in the drawer what was received minus the change handed back: the amount
    # applied to the sale plus any excess kept as store credit (``recibido − cambio``).
    abonos = Abono.objects.using(DB_NEGOCIO).filter(turno=turno).aggregate(
        n=Count("id"), excedente_monedero=Sum("a_monedero", default=calculos.CERO),
        **{m: Sum(F("monto") + F("a_monedero"), filter=Q(metodo=m), default=calculos.CERO) for m in MetodoPago.values},
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
        abonos=abonos["n"],
        abonos_pagos={m: abonos[m] for m in MetodoPago.values},
        abonos_a_monedero=abonos["excedente_monedero"],
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
    if not usuario.has_perm(PERMISO_VER_TODAS):
        consulta = consulta.filter(id_cajero=usuario.pk)
    return consulta.first()


def turno_cierre_impedimento(*, turno: Turno | None, usuario) -> TurnoNoEncontrado | TurnoYaCerrado | None:
    """Why this user cannot close this shift, or None when they can (no query beyond ``has_perm``).

    ``TurnoNoEncontrado`` when it is missing or someone else's and the user lacks
    ``ventas.change_turno`` (a Cajero closes only their own; a Gerente anyone's), checked first
    so a Cajero learns nothing about other drawers; then ``TurnoYaCerrado``. The pages ask it
    to offer the close; ``turno_cerrar`` asks again with the row locked, where the answer counts.
    """
    if turno is None or (turno.id_cajero != usuario.pk and not usuario.has_perm(PERMISO_CERRAR_AJENO)):
        return TurnoNoEncontrado()
    if turno.estado != EstadoTurno.ABIERTO:
        return TurnoYaCerrado()
    return None


def turnos_filtrar(*, usuario, id_cajero: int | None = None, desde=None, hasta=None,
                   estado: str = "") -> QuerySet[Turno]:
    """Shifts newest first; a user without ``ventas.ver_todas`` sees only their own.

    ``desde``/``hasta`` are aware datetimes (start of the first day, start of the day after
    the last one, local time), compared with the opening time.
    """
    consulta = Turno.objects.using(DB_NEGOCIO).defer("conteo_denominaciones", "resumen_cierre")
    if not usuario.has_perm(PERMISO_VER_TODAS):
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
