"""Writes of apartados (layaway) after the checkout set their goods aside: the handover once
paid, the cancellation, and the expiry that puts the goods back on the shelf.

Every write locks the sale's row first (as returns and abonos do), then the products through
``inventario.services.existencias_mover``, then the client's store credit: the same order as
the rest of ``ventas``, so none of them wait on each other crosswise. The money of a
cancelled or expired apartado goes by ``settings.APARTADO_POLITICA_DINERO`` ("monedero": the
client's store credit; "reembolso": back by where it came in, which needs someone's open
shift). The cancellation goes through the returns' machinery
(``ventas.devoluciones.services``), so ``Devolucion``/``Reembolso`` and ``pagado`` stay one
story whichever way an apartado ends.
"""

from __future__ import annotations

import datetime
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from inventario.exceptions import InventarioError
from inventario.models import TipoMovimiento
from inventario.services import MovimientoDatos, existencias_mover
from ventas.apartados.selectors import apartados_vencidos_ids
from ventas.caja.cobro import _espera_vencida, _limitar_espera_de_bloqueos
from ventas.devoluciones.services import apartado_cancelacion_escribir, apartado_cancelacion_registrar
from ventas.exceptions import ApartadoError, DevolucionNoValida, VentaError
from ventas.models import Devolucion, EstadoVenta, MetodoPago, ModalidadVenta, Venta, VentaDetalle
from ventas.politica import PERMISO_VENDER
from ventas_ingenio.router import DB_NEGOCIO

logger = logging.getLogger(__name__)

DESTINO_MONEDERO, DESTINO_REEMBOLSO = "monedero", "reembolso"
DESTINOS = (DESTINO_MONEDERO, DESTINO_REEMBOLSO)
# The expiry's key per sale: a second run (or a second process) computes the same key, and the
# unique ``Devolucion.clave`` refuses a second cancellation even if the locks were bypassed.
_ESPACIO_CLAVES = uuid.UUID("6f1c2a3e-5b0d-4c4e-9a51-0a9a7e1d5a15")


@dataclass(frozen=True)
class _Sistema:
    """Who the expiry writes as (no person: ``id_usuario`` 0), for the rows that keep a name."""

    pk: int = 0

    def get_full_name(self) -> str:
        return "Vencimiento automático"

    def get_username(self) -> str:
        return "sistema"

    def has_perm(self, permiso: str) -> bool:
        return True


SISTEMA = _Sistema()


def politica_dinero() -> str:
    politica = settings.APARTADO_POLITICA_DINERO
    if politica not in DESTINOS:  # pragma: no cover - settings validate it at start
        raise ApartadoError(f"APARTADO_POLITICA_DINERO debe ser «monedero» o «reembolso», no «{politica}».")
    return politica


def _apartado_bloquear(*, venta_id: int) -> Venta:
    venta = Venta.objects.using(DB_NEGOCIO).select_for_update().filter(pk=venta_id).first()
    if venta is None or venta.modalidad != ModalidadVenta.APARTADO:
        raise ApartadoError("Ese apartado no existe.")
    return venta


def _lineas_apartadas(venta: Venta) -> list[VentaDetalle]:
    """The apartado's lines with units still set aside (not returned), in line order."""
    return [d for d in VentaDetalle.objects.using(DB_NEGOCIO).filter(venta=venta).order_by("pk") if d.por_devolver > 0]


def apartado_entregar(*, usuario, venta_id: int) -> Venta:
    """Hand over a fully paid apartado: one "entrega_apartado" movement per line (cantidad 0,
    the set-aside units down by what was not returned) and ``entregado`` = now, in one
    transaction under the sale's lock. Raises ``ApartadoError`` (Spanish) when it still owes,
    is cancelled, liberated or already handed over; nothing is written then."""
    if not usuario.has_perm(PERMISO_VENDER):
        raise ApartadoError("Tu usuario no puede entregar apartados.")
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            _limitar_espera_de_bloqueos()
            venta = _apartado_bloquear(venta_id=venta_id)
            if venta.entregado is not None:
                raise ApartadoError(f"El apartado {venta.folio_texto} ya se entregó el "
                                    f"{timezone.localtime(venta.entregado):%d/%m/%Y}.")
            if venta.estado == EstadoVenta.CANCELADA or venta.liberado is not None:
                raise ApartadoError(f"El apartado {venta.folio_texto} venció o se canceló: su mercancía ya "
                                    "regresó al inventario.")
            if venta.saldo > 0:
                raise ApartadoError(f"El apartado {venta.folio_texto} todavía debe ${venta.saldo:,.2f}: "
                                    "se entrega cuando esté pagado.")
            lineas = _lineas_apartadas(venta)
            if lineas:
                existencias_mover(
                    movimientos=[
                        MovimientoDatos(producto_id=d.producto_id, tipo=TipoMovimiento.ENTREGA_APARTADO, cantidad=0,
                                        cantidad_apartada=-d.por_devolver,
                                        motivo=f"Entrega de {venta.folio_texto}", id_venta=venta.pk)
                        for d in lineas
                    ],
                    usuario=usuario,
                )
            venta.entregado = timezone.now()
            venta.save(using=DB_NEGOCIO, update_fields=["entregado"])
    except OperationalError as error:
        if _espera_vencida(error):
            raise ApartadoError("Otra caja está usando este apartado. Espera un momento y vuelve a intentarlo.") from error
        raise
    return venta


def apartado_cancelar(
    *, usuario, autorizador, venta_id: int, motivo: str, clave: uuid.UUID, destino: str
) -> tuple[Devolucion, bool]:
    """Cancel an apartado not handed over, any day (a Gerente authorises as for returns): its
    goods back on the shelf ("liberacion_apartado"; none when its expiry already did it), the
    sale cancelled with a ``Devolucion`` of its total (``pagado`` → 0), and the money paid as
    the client's store credit (``destino`` "monedero") or refunded by where it came in
    ("reembolso", in ``usuario``'s open shift). Same ``clave`` again → the first result,
    nothing written. Raises ``ApartadoError`` for a bad destination and the returns' errors."""
    if destino not in DESTINOS:
        raise ApartadoError("Elige qué pasa con el dinero: saldo a favor o reembolso.")
    try:
        return apartado_cancelacion_registrar(
            venta_id=venta_id, usuario=usuario, autorizador=autorizador, motivo=motivo, clave=clave,
            metodo_reembolso=MetodoPago.MONEDERO if destino == DESTINO_MONEDERO else None,
        )
    except DevolucionNoValida as error:
        raise ApartadoError(str(error)) from error


@dataclass(frozen=True)
class Vencimiento:
    liberados: int  # apartados whose goods went back on the shelf in this run
    a_monedero: int  # of them, cancelled with their money as store credit
    por_reembolsar: int  # of them, liberated with their money waiting for a refund in a shift
    fallidos: int = 0  # refused (logged): left as they were, tried again on the next run


def apartados_vencer(*, hoy: datetime.date | None = None, solo: list[int] | None = None) -> Vencimiento:
    """Liberate every apartado past its date (``vence`` < ``hoy``, Mexico City's date by default)
    still owing and not handed over: its goods back on the shelf with "liberacion_apartado"
    movements, ``liberado`` = now. By ``APARTADO_POLITICA_DINERO``: "monedero" cancels it
    through the returns' machinery with the money paid as the client's store credit (in no
    one's shift); "reembolso" leaves it liberated and "por reembolsar": the money goes back when
    someone cancels it from its page in their open shift (an automatic run has no drawer).

    Idempotent and safe to run as several processes at once: one transaction per apartado,
    whose row is taken ``FOR UPDATE SKIP LOCKED`` and asked again under the lock; an apartado
    another run holds is left to it. One that cannot be liberated (its ledger refuses the
    movement) is logged and left for the next run; it never stops the others. ``solo``: only
    these sales (the demo's)."""
    hoy = hoy or timezone.localdate()
    politica = politica_dinero()
    liberados = a_monedero = fallidos = 0
    for venta_id in apartados_vencidos_ids(hoy=hoy):
        if solo is not None and venta_id not in solo:
            continue
        try:
            resultado = _apartado_vencer(venta_id=venta_id, hoy=hoy, politica=politica)
        except (VentaError, InventarioError):
            logger.exception("No se pudo liberar el apartado id=%s", venta_id)
            fallidos += 1
            continue
        if resultado:
            liberados += 1
            a_monedero += resultado == DESTINO_MONEDERO
    return Vencimiento(liberados=liberados, a_monedero=a_monedero, por_reembolsar=liberados - a_monedero,
                       fallidos=fallidos)


def _apartado_vencer(*, venta_id: int, hoy: datetime.date, politica: str) -> str | None:
    with transaction.atomic(using=DB_NEGOCIO):
        venta = (
            Venta.objects.using(DB_NEGOCIO).select_for_update(skip_locked=True)
            .filter(pk=venta_id, modalidad=ModalidadVenta.APARTADO, estado=EstadoVenta.COMPLETADA,
                    entregado__isnull=True, liberado__isnull=True, saldo__gt=0, vence__lt=hoy)
            .first()
        )
        if venta is None:
            return None  # taken by another run, paid, handed over or liberated meanwhile
        motivo = f"Apartado vencido el {venta.vence:%d/%m/%Y} con saldo de ${venta.saldo:,.2f}"
        if politica == DESTINO_MONEDERO:
            apartado_cancelacion_escribir(venta_id=venta.pk, usuario=SISTEMA, motivo=motivo,
                                          clave=uuid.uuid5(_ESPACIO_CLAVES, str(venta.pk)))
            return DESTINO_MONEDERO
        lineas = _lineas_apartadas(venta)
        if lineas:
            existencias_mover(
                movimientos=[
                    MovimientoDatos(producto_id=d.producto_id, tipo=TipoMovimiento.LIBERACION_APARTADO,
                                    cantidad=d.por_devolver, cantidad_apartada=-d.por_devolver,
                                    motivo=f"{venta.folio_texto}: {motivo}", id_venta=venta.pk)
                    for d in lineas
                ],
                usuario=SISTEMA,
            )
        venta.liberado = timezone.now()
        venta.save(using=DB_NEGOCIO, update_fields=["liberado"])
        return DESTINO_REEMBOLSO
