"""Reads of apartados (layaway): the list by state, one apartado with its lines, what the
expiry must liberate. An apartado is the shop's, not its cashier's: every Cajero sees them
all (the client comes back to whoever is at the till)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from ventas import politica
from ventas.models import EstadoVenta, ModalidadVenta, Venta
from ventas_ingenio.router import DB_NEGOCIO

ABIERTOS, POR_ENTREGAR, VENCIDOS, ENTREGADOS, CANCELADOS, TODOS = (
    "abiertos", "por_entregar", "vencidos", "entregados", "cancelados", "todos")
FILTROS = [
    (ABIERTOS, "Abiertos"),
    (POR_ENTREGAR, "Por entregar"),
    (VENCIDOS, "Vencidos"),
    (ENTREGADOS, "Entregados"),
    (CANCELADOS, "Cancelados"),
    (TODOS, "Todos"),
]


def _hoy(hoy: datetime.date | None) -> datetime.date:
    return hoy or timezone.localdate()


def _condicion(filtro: str, hoy: datetime.date) -> Q:
    vivo = Q(estado=EstadoVenta.COMPLETADA, entregado__isnull=True, liberado__isnull=True)
    return {
        # Still owing and within its date: abonos go here.
        ABIERTOS: vivo & Q(saldo__gt=0, vence__gte=hoy),
        POR_ENTREGAR: vivo & Q(saldo=0),
        # Past its date with a balance (the expiry liberates it), or already liberated by it (after
        # its date: a cancellation before the date is a cancellation, not an expiry).
        VENCIDOS: (vivo & Q(saldo__gt=0, vence__lt=hoy)) | Q(liberado__isnull=False, vence__lt=TruncDate("liberado")),
        ENTREGADOS: Q(entregado__isnull=False),
        CANCELADOS: Q(estado=EstadoVenta.CANCELADA),
        TODOS: Q(),
    }[filtro]


def apartados_filtrar(*, filtro: str = ABIERTOS, texto: str = "", hoy: datetime.date | None = None) -> QuerySet[Venta]:
    """Apartados in ``filtro`` (one of ``FILTROS``), the soonest due first; ``texto`` narrows by
    the client's name or the folio number. A folio names one apartado: it is found in any state
    (the cashier types it from the client's ticket and does not know whether it is paid)."""
    hoy = _hoy(hoy)
    consulta = Venta.objects.using(DB_NEGOCIO).select_related("cliente").filter(modalidad=ModalidadVenta.APARTADO)
    texto = (texto or "").strip()
    numero = texto.upper().removeprefix("V-").lstrip("0")
    por_folio = numero.isascii() and numero.isdecimal() and len(numero) < 12
    if por_folio:
        consulta = consulta.filter(folio=int(numero))
    else:
        consulta = consulta.filter(_condicion(filtro, hoy))
        for palabra in texto.split()[:4]:
            consulta = consulta.filter(Q(cliente__nombre__icontains=palabra) | Q(cliente__apellidos__icontains=palabra))
    orden = ["-entregado", "-id"] if filtro == ENTREGADOS else ["vence", "id"]
    return consulta.order_by(*orden)


def apartado_estado(venta: Venta, *, hoy: datetime.date | None = None) -> str:
    """What an apartado is now, in words for its pages (no query)."""
    hoy = _hoy(hoy)
    if venta.entregado is not None:
        return "Entregado"
    if venta.estado == EstadoVenta.CANCELADA:
        return "Cancelado"
    if venta.liberado is not None:
        return "Vencido · mercancía liberada · por reembolsar"
    if venta.saldo == 0:
        return "Pagado · por entregar"
    if venta.vence is not None and venta.vence < hoy:
        return "Vencido"
    return "Abierto"


def apartado_acciones(venta: Venta, usuario, *, hoy: datetime.date | None = None) -> dict:
    """Which buttons an apartado's pages show: handover when paid, cancellation while the goods
    are not handed over (a liberated one is cancelled to refund its money)."""
    puede = usuario.has_perm(politica.PERMISO_VENDER)
    pendiente = (venta.modalidad == ModalidadVenta.APARTADO and venta.estado == EstadoVenta.COMPLETADA
                 and venta.entregado is None)
    return {
        "entregar": puede and pendiente and venta.liberado is None and venta.saldo == 0,
        "cancelar": puede and pendiente,
    }


def apartado_para_pagina(*, venta_id: int) -> Venta | None:
    """One apartado with its client and lines (2 queries), or None."""
    return (
        Venta.objects.using(DB_NEGOCIO).select_related("cliente").prefetch_related("lineas")
        .filter(pk=venta_id, modalidad=ModalidadVenta.APARTADO).first()
    )


def apartados_vencidos_ids(*, hoy: datetime.date | None = None, limite: int = 500) -> list[int]:
    """Apartados past their date still owing, not handed over nor liberated (what the expiry
    takes), oldest due first. Read without locks: the expiry locks and asks again."""
    hoy = _hoy(hoy)
    return list(
        Venta.objects.using(DB_NEGOCIO)
        .filter(modalidad=ModalidadVenta.APARTADO, estado=EstadoVenta.COMPLETADA, entregado__isnull=True,
                liberado__isnull=True, saldo__gt=0, vence__lt=hoy)
        .order_by("vence", "id").values_list("id", flat=True)[:limite]
    )
