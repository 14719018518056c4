"""Reads of returns and cancellations: the sale behind the forms, a return's ticket, what is left to refund."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import (
    Prefetch,
    Sum,
)

from ventas import calculos
from ventas.exceptions import DevolucionError, DevolucionNoValida, VentaDeOtroDia, VentaYaCancelada
from ventas.models import (
    Abono,
    Devolucion,
    DevolucionLinea,
    EstadoVenta,
    ModalidadVenta,
    Reembolso,
    Venta,
    VentaDetalle,
)
from ventas.politica import PERMISO_VER_TODAS, dia_local, es_de_hoy
from ventas_ingenio.router import DB_NEGOCIO


def venta_para_devolucion(*, venta_id: int, usuario) -> Venta | None:
    """A sale with its lines and payments for the return/cancel forms (3 queries), or None.

    None also when the user may not see it: a Cajero sees (and returns) only their own sales.
    """
    venta = (
        Venta.objects.using(DB_NEGOCIO)
        .select_related("cliente")
        .prefetch_related(Prefetch("lineas", queryset=VentaDetalle.objects.using(DB_NEGOCIO).select_related("alumno")),
                          "pagos")
        .filter(pk=venta_id)
        .first()
    )
    if venta is None or (venta.id_cajero != usuario.pk and not usuario.has_perm(PERMISO_VER_TODAS)):
        return None
    return venta


def venta_cancelacion_impedimento(*, venta: Venta, lineas: Iterable[VentaDetalle]) -> DevolucionError | None:
    """Why this sale cannot be cancelled, or None when it can (no query).

    The answer is the error ``venta_cancelar`` raises, so the cancel page and the service say
    the same words: ``VentaYaCancelada``, ``VentaDeOtroDia`` (only today's sales, local date)
    or ``DevolucionNoValida`` when every unit was already returned. ``lineas`` are the sale's
    lines: the page passes the prefetched ones to decide whether to show the form; the service
    asks again with the lines read under the sale's row lock, where the answer counts.
    """
    if venta.estado == EstadoVenta.CANCELADA:
        return VentaYaCancelada(folio=venta.folio_texto)
    if not es_de_hoy(venta.fecha):
        return VentaDeOtroDia(folio=venta.folio_texto, fecha=f"{dia_local(venta.fecha):%d/%m/%Y}")
    if all(linea.por_devolver == 0 for linea in lineas):
        return DevolucionNoValida(
            f"Todos los artículos de la venta {venta.folio_texto} ya se devolvieron: no queda nada por cancelar."
        )
    return None


def devolucion_para_ticket(*, devolucion_id: int, usuario) -> Devolucion | None:
    """A return with its sale, lines and refunds for its ticket (3 queries), or None.

    A Cajero sees the returns of their own sales and the ones they registered.
    """
    devolucion = (
        Devolucion.objects.using(DB_NEGOCIO)
        .select_related("venta", "venta__cliente")
        .prefetch_related(
            Prefetch("lineas", queryset=DevolucionLinea.objects.using(DB_NEGOCIO)
                     .select_related("venta_detalle", "venta_detalle__alumno")),
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


def reembolsables_por_metodo(*, venta: Venta) -> list[tuple[str, Decimal]]:
    """``(metodo, monto)`` still refundable per method, in the sale's payment order.

    What the sale received by each method (cash net of change: ``Pago.monto``; then its abonos,
    ``Abono.monto``: what was applied to the sale, without the change or the excess kept as
    store credit) minus what earlier returns refunded by it. Two queries (one if the payments
    are prefetched), one more for a sale paid over time (only those take abonos); the service
    calls it under the sale's lock, the pages only to show it.
    """
    pagado: dict[str, Decimal] = {}
    for pago in venta.pagos.all():  # the prefetched payments when the page already loaded them
        pagado[pago.metodo] = pagado.get(pago.metodo, calculos.CERO) + pago.monto
    if venta.modalidad != ModalidadVenta.CONTADO:
        abonado = (
            Abono.objects.using(DB_NEGOCIO).filter(venta=venta)
            .values("metodo").annotate(total=Sum("monto")).order_by("metodo").values_list("metodo", "total")
        )
        for metodo, monto in abonado:
            pagado[metodo] = pagado.get(metodo, calculos.CERO) + monto
    reembolsado = dict(
        Reembolso.objects.using(DB_NEGOCIO).filter(devolucion__venta=venta)
        .values("metodo").annotate(total=Sum("monto")).values_list("metodo", "total")
    )
    return [(metodo, monto - reembolsado.get(metodo, calculos.CERO)) for metodo, monto in pagado.items()]


def metodo_reembolso_sugerido(disponibles: list[tuple[str, Decimal]]) -> str | None:
    """The default refund method: the one with the most left to refund (the sale's order breaks ties)."""
    con_saldo = [(metodo, monto) for metodo, monto in disponibles if monto > 0]
    if not con_saldo:
        return None
    return max(con_saldo, key=lambda par: par[1])[0]
