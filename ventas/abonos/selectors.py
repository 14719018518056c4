"""Reads of abonos: the sale behind the abono page (found by folio), its installments, what is
due now, a receipt, and why a sale takes no abono."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from ventas import calculos
from ventas.exceptions import AbonoNoValido
from ventas.historial.selectors import por_cobrar_condicion
from ventas.models import Abono, EstadoVenta, ModalidadVenta, Venta, VentaParcialidad
from ventas.politica import PERMISO_VENDER, PERMISO_VER_TODAS
from ventas_ingenio.entradas import entero_leer
from ventas_ingenio.router import DB_NEGOCIO

# What a cashier types or a scanner sends: "V-000123", "v000123", "V 123" or "123".
_FOLIO = re.compile(r"(?:[Vv][-\s]?)?0*(?P<numero>[0-9]{1,12})")
FOLIO_MAXIMO = 9_223_372_036_854_775_807  # bigint


def folio_leer(texto) -> int | None:
    """The sale folio in what was typed or scanned, or None when it is not one (no error: the
    page says it was not found). ASCII digits only, bounded to the column."""
    texto = str(texto or "").strip()
    if len(texto) > 20:
        return None
    coincidencia = _FOLIO.fullmatch(texto)
    if not coincidencia:
        return None
    return entero_leer(coincidencia["numero"], minimo=1, maximo=FOLIO_MAXIMO)


def venta_por_folio(*, folio: int) -> Venta | None:
    """The sale with that folio (one query on its unique index), or None."""
    return Venta.objects.using(DB_NEGOCIO).filter(folio=folio).only("id").first()


def abono_impedimento(*, venta: Venta) -> AbonoNoValido | None:
    """Why this sale takes no abono, or None when it does (no query).

    The page asks it to decide whether to show the form; ``abono_registrar`` asks again with the
    sale's row locked, where the answer counts, so both say the same words.
    """
    if venta.estado == EstadoVenta.CANCELADA:
        return AbonoNoValido(f"La venta {venta.folio_texto} está cancelada: no recibe abonos.")
    if venta.saldo <= 0:
        return AbonoNoValido(f"La venta {venta.folio_texto} ya está pagada: no tiene saldo por abonar.")
    if venta.modalidad == ModalidadVenta.APARTADO and venta.vence is not None and venta.vence < timezone.localdate():
        # Nothing renews an apartado: say what the expiry does (APARTADO_POLITICA_DINERO).
        dinero = ("queda como saldo a favor del cliente" if settings.APARTADO_POLITICA_DINERO == "monedero"
                  else "se le reembolsa")
        return AbonoNoValido(
            f"El apartado venció el {venta.vence:%d/%m/%Y}: ya no recibe abonos. Al vencer, la mercancía "
            f"regresa al inventario y lo pagado {dinero}; para volver a apartarla, haz un apartado nuevo."
        )
    return None


def venta_para_abono(*, venta_id: int) -> Venta | None:
    """A sale with its client, installments and abonos for the abono page (3 queries), or None.

    Any user who may sell takes an abono on any sale (payments are not one's own sales), so
    there is no per-cashier filter here; the view checks the permission.
    """
    return (
        Venta.objects.using(DB_NEGOCIO)
        .select_related("cliente")
        .prefetch_related(
            Prefetch("parcialidades", queryset=VentaParcialidad.objects.using(DB_NEGOCIO).order_by("numero")),
            Prefetch("abonos", queryset=Abono.objects.using(DB_NEGOCIO).order_by("fecha", "id")),
        )
        .filter(pk=venta_id)
        .first()
    )


def parcialidades_estado(*, venta: Venta, pagado: Decimal | None = None) -> list[calculos.ParcialidadEstado]:
    """The sale's installments with what ``pagado`` (by default, what the sale has received)
    covers of each, after its returns (``calculos.parcialidades_aplicar``, as the sale's page
    shows them). Reads ``venta.parcialidades`` (prefetched by ``venta_para_abono``)."""
    return calculos.parcialidades_aplicar(
        parcialidades=list(venta.parcialidades.all()), pagado=venta.pagado if pagado is None else pagado,
        devuelto=venta.total_devuelto, hoy=timezone.localdate(),
    )


def abono_sugerido(*, venta: Venta, parcialidades: list[calculos.ParcialidadEstado]) -> Decimal:
    """What the form offers to pay now: for installments, everything due by today, and at least
    what is left of the current installment; otherwise the whole balance. Never above the
    balance (a return may have lowered it)."""
    saldo = max(venta.saldo, calculos.CERO)
    if not parcialidades:
        return saldo
    hoy = timezone.localdate()
    vencido = sum((p.debe for p in parcialidades if p.vence <= hoy), calculos.CERO)
    actual = next((p.debe for p in parcialidades if p.debe > 0), calculos.CERO)
    return min(max(vencido, actual), saldo)


def proximo_vencimiento(*, venta: Venta, saldo_posterior: Decimal) -> date | None:
    """The due date left after an abono that left ``saldo_posterior``: None when paid off;
    an apartado's expiry; for installments, the first one not covered by what had been paid by
    then (the total owed minus that balance)."""
    if saldo_posterior <= 0:
        return None
    if venta.modalidad != ModalidadVenta.PARCIALIDADES:
        return venta.vence
    pagado = venta.total - venta.total_devuelto - saldo_posterior
    return next((p.vence for p in parcialidades_estado(venta=venta, pagado=pagado) if p.debe > 0), None)


def abono_para_ticket(*, abono_id: int, usuario) -> Abono | None:
    """An abono with its sale and client for its receipt (one query), or None.

    Whoever may take abonos (on any sale) or see every sale may reprint it."""
    if not (usuario.has_perm(PERMISO_VENDER) or usuario.has_perm(PERMISO_VER_TODAS)):
        return None
    return (
        Abono.objects.using(DB_NEGOCIO).select_related("venta", "venta__cliente", "turno")
        .filter(pk=abono_id).first()
    )


def ventas_por_cobrar_de_cliente(*, cliente_id: int, limite: int = 20) -> list[Venta]:
    """The client's sales still owing (``historial.selectors.por_cobrar_condicion``: the same
    ones the statement and the receivables count), oldest due first (one query)."""
    return list(
        Venta.objects.using(DB_NEGOCIO)
        .filter(por_cobrar_condicion(), cliente_id=cliente_id)
        .only("id", "folio", "fecha", "modalidad", "total", "total_devuelto", "pagado", "vence", "estado",
              "saldo", "estado_pago")
        .order_by("vence", "fecha", "id")[:limite]
    )
