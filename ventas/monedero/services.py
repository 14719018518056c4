"""Writes of the customer account (monedero, saldo a favor).

Every change of a balance goes through ``_mover``: the account's row is locked
(``SELECT … FOR UPDATE``), the new balance computed, the row updated and a
``MovimientoMonedero`` written with the balance it left, so the balance is always the sum of
its movements (``verificar_monedero``) and the ``CHECK saldo >= 0`` is the last defence
against spending credit twice. The checkout locks the account after the products (primary-key
order), the returns and the abonos after the sale and the shift: one row per client, never two accounts in
one transaction, so the order cannot cross.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from clientes.models import Cliente
from ventas import calculos
from ventas.exceptions import MonederoError, MonederoNoPermitido, SaldoInsuficiente
from ventas.models import Monedero, MovimientoMonedero, TipoMovimientoMonedero
from ventas.politica import MOTIVO_MAXIMO, PERMISO_AJUSTAR_MONEDERO, autorizador_exigir
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

MONTO_MAXIMO = Decimal("9999999.99")


def monedero_bloquear(*, cliente_id: int | None, crear: bool = False) -> Monedero | None:
    """The client's account, locked FOR UPDATE in the caller's transaction, or None when it has
    none. ``crear``: open it when missing (INSERT … ON CONFLICT DO NOTHING, so two first credits
    never collide). Raises ``MonederoNoPermitido`` for no client or "Público en general"."""
    if cliente_id is None:
        raise MonederoNoPermitido()
    if Cliente.objects.using(DB_NEGOCIO).filter(pk=cliente_id, es_publico_general=True).exists():
        raise MonederoNoPermitido()
    if crear:
        Monedero.objects.using(DB_NEGOCIO).bulk_create([Monedero(cliente_id=cliente_id)], ignore_conflicts=True)
    return Monedero.objects.using(DB_NEGOCIO).select_for_update().filter(cliente_id=cliente_id).first()


def _monto_validar(monto, *, permitir_negativo: bool = False) -> Decimal:
    if not isinstance(monto, Decimal) or not monto.is_finite():
        raise MonederoError("El monto va en pesos y centavos.")
    # Before rounding: quantizing 10^30 to cents overflows the decimal context.
    if abs(monto) > MONTO_MAXIMO:
        raise MonederoError(f"El monto no puede pasar de ${MONTO_MAXIMO:,.2f}.")
    if monto != calculos.a_centavos(monto):
        raise MonederoError("El monto va en pesos y centavos.")
    if monto == 0 or (monto < 0 and not permitir_negativo):
        raise MonederoError("El monto debe ser mayor que cero.")
    return monto


def _mover(*, monedero: Monedero, tipo: str, monto: Decimal, usuario, venta_id=None, devolucion_id=None,
           motivo: str = "") -> MovimientoMonedero:
    """Apply a signed amount to a locked account and write its movement."""
    nuevo = monedero.saldo + monto
    if nuevo < 0:
        raise SaldoInsuficiente(saldo=monedero.saldo, monto=-monto)
    monedero.saldo = nuevo
    monedero.save(using=DB_NEGOCIO, update_fields=["saldo", "actualizado"])
    return MovimientoMonedero.objects.using(DB_NEGOCIO).create(
        monedero=monedero, tipo=tipo, monto=monto, saldo_resultante=nuevo, venta_id=venta_id,
        devolucion_id=devolucion_id, motivo=motivo, id_usuario=usuario.pk, nombre_usuario=nombre_para_registro(usuario),
    )


def monedero_abonar_devolucion(*, cliente_id: int, monto: Decimal, devolucion_id: int, usuario) -> MovimientoMonedero:
    """Credit a refund to the client's account (opened if needed), in the caller's transaction
    (the return's). Raises ``MonederoNoPermitido`` for "Público en general", ``MonederoError``
    for a bad amount."""
    monto = _monto_validar(monto)
    with transaction.atomic(using=DB_NEGOCIO):
        monedero = monedero_bloquear(cliente_id=cliente_id, crear=True)
        return _mover(monedero=monedero, tipo=TipoMovimientoMonedero.ABONO_DEVOLUCION, monto=monto,
                      usuario=usuario, devolucion_id=devolucion_id)


def monedero_cargar_venta(*, monedero: Monedero, monto: Decimal, venta_id: int, usuario) -> MovimientoMonedero:
    """Spend ``monto`` of an account the checkout already locked (``monedero_bloquear``) on its
    sale. Raises ``SaldoInsuficiente`` (nothing written) when the balance does not cover it."""
    monto = _monto_validar(monto)
    return _mover(monedero=monedero, tipo=TipoMovimientoMonedero.PAGO, monto=-monto, usuario=usuario,
                  venta_id=venta_id)


def monedero_abonar_excedente(*, monedero: Monedero, monto: Decimal, venta_id: int, usuario) -> MovimientoMonedero:
    """Keep what a client handed over beyond a sale's balance as their store credit, on an
    account the abono already locked (``monedero_bloquear(crear=True)``), in its transaction."""
    monto = _monto_validar(monto)
    return _mover(monedero=monedero, tipo=TipoMovimientoMonedero.EXCEDENTE_ABONO, monto=monto, usuario=usuario,
                  venta_id=venta_id)


def monedero_ajustar(*, cliente_id: int, monto: Decimal, motivo: str, usuario, autorizador) -> MovimientoMonedero:
    """A Gerente's adjustment (positive adds credit, negative takes it away) with a reason.

    ``autorizador`` is whoever holds ``ventas.ajustar_monedero``: the user themself or a Gerente
    who typed their credentials. Raises ``MonederoError`` (no reason, bad amount),
    ``MonederoNoPermitido``, ``SaldoInsuficiente`` (would go below zero) and
    ``AutorizacionRechazada``; nothing written on error.
    """
    monto = _monto_validar(monto, permitir_negativo=True)
    motivo = (motivo or "").strip()
    if not motivo:
        raise MonederoError("Escribe el motivo del ajuste.")
    if len(motivo) > min(MOTIVO_MAXIMO, 200):
        raise MonederoError(f"El motivo no puede pasar de {min(MOTIVO_MAXIMO, 200)} caracteres.")
    autorizador_exigir(autorizador, permiso=PERMISO_AJUSTAR_MONEDERO, que="ajustes del saldo a favor")
    with transaction.atomic(using=DB_NEGOCIO):
        monedero = monedero_bloquear(cliente_id=cliente_id, crear=monto > 0)
        if monedero is None:  # taking credit from a client who never had any
            raise SaldoInsuficiente(saldo=calculos.CERO, monto=-monto)
        motivo_completo = motivo if autorizador.pk == usuario.pk else f"{motivo} (autorizó {nombre_para_registro(autorizador)})"
        return _mover(monedero=monedero, tipo=TipoMovimientoMonedero.AJUSTE, monto=monto, usuario=usuario,
                      motivo=motivo_completo[:200])
