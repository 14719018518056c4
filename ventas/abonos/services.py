"""Writes of abonos: a payment toward a sale's balance, taken at the till after the sale.

``abono_registrar`` follows the returns' shape: one transaction on the business database with
a bounded lock wait; the sale's row is locked first (``FOR UPDATE``: every abono and return of
a sale is serialised on it, so two abonos never pay the same balance twice), then the user's
open shift (``FOR NO KEY UPDATE``, as the checkout: the close waits for the abono, a closed
shift refuses it), then, when store credit moves, the client's account (the returns' order:
sale, shift, account). The form's one-time key is unique on ``Abono``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import IntegrityError, OperationalError, transaction

from ventas import calculos
from ventas.abonos.selectors import abono_impedimento
from ventas.caja.cobro import _espera_vencida, _limitar_espera_de_bloqueos, parcialidad_vigente
from ventas.exceptions import (
    AbonoNoPermitido,
    AbonoNoValido,
    AbonoOcupado,
    ClaveAbonoReutilizada,
    SaldoInsuficiente,
)
from ventas.models import Abono, MetodoPago, ModalidadVenta, Venta, VentaParcialidad
from ventas.monedero.services import monedero_abonar_excedente, monedero_bloquear, monedero_cargar_venta
from ventas.politica import PERMISO_VENDER
from ventas.turnos.services import _turno_abierto_bloquear
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

MENSAJE_SIN_TURNO_ABONO = "Abre tu turno de caja para recibir abonos."
MONTO_MAXIMO = Decimal("9999999.99")  # what the till's money fields accept
REFERENCIA_MAXIMA = 60

EXCEDENTE_CAMBIO = "cambio"
EXCEDENTE_MONEDERO = "monedero"
EXCEDENTES = (EXCEDENTE_CAMBIO, EXCEDENTE_MONEDERO)


def _importe_validar(valor, etiqueta: str) -> Decimal:
    """A peso amount: finite, at most 9,999,999.99 (checked before rounding: quantizing 10^30
    overflows the decimal context), in cents, above zero."""
    if not isinstance(valor, Decimal) or not valor.is_finite():
        raise AbonoNoValido(f"{etiqueta}: escribe un importe en pesos, por ejemplo 150.50.")
    if valor > MONTO_MAXIMO:
        raise AbonoNoValido(f"{etiqueta}: el importe es demasiado grande (máximo ${MONTO_MAXIMO:,.2f}).")
    if valor <= 0:
        raise AbonoNoValido(f"{etiqueta}: debe ser mayor que cero.")
    if valor != calculos.a_centavos(valor):
        raise AbonoNoValido(f"{etiqueta}: usa como máximo 2 decimales (centavos).")
    return calculos.a_centavos(valor)


def _entrada_validar(*, metodo, monto, recibido, referencia, excedente) -> tuple[Decimal, Decimal, str]:
    """The request's own checks (no query): ``(monto, recibido, referencia)``, ``recibido`` being
    what the client handed over (the cash; for other methods, the amount)."""
    if metodo not in MetodoPago.values:
        raise AbonoNoValido("Elige cómo paga: efectivo, tarjeta, transferencia o saldo a favor.")
    if excedente not in (None, "", *EXCEDENTES):
        raise AbonoNoValido("Elige qué se hace con el excedente: cambio o saldo a favor.")
    monto = _importe_validar(monto, "Monto del abono")
    if metodo == MetodoPago.EFECTIVO and recibido is not None:
        recibido = _importe_validar(recibido, "Efectivo recibido")
        if recibido < monto:
            raise AbonoNoValido(f"El efectivo recibido (${recibido:,.2f}) no alcanza para el abono de ${monto:,.2f}.")
    elif recibido is not None and recibido != monto:
        raise AbonoNoValido("El efectivo recibido solo se escribe cuando el abono es en efectivo.")
    else:
        recibido = monto
    referencia = (referencia or "").strip()
    if len(referencia) > REFERENCIA_MAXIMA:
        raise AbonoNoValido(f"La referencia no puede pasar de {REFERENCIA_MAXIMA} caracteres.")
    return monto, recibido, referencia


def _misma_peticion(abono: Abono, *, venta_id, metodo, monto, recibido, referencia, excedente) -> bool:
    """Whether an abono written with this key answers this request (a resent form): the same
    sale, method, money handed over and reference, and the same amount, as far as the stored
    row tells it: an amount above the balance was cut to the balance (the excess became change
    or credit, as chosen)."""
    if (abono.venta_id, abono.metodo, abono.recibido, abono.referencia) != (venta_id, metodo, recibido, referencia):
        return False
    exceso = monto - abono.monto
    if exceso == 0:
        return abono.a_monedero == 0
    if exceso < 0 or abono.saldo_posterior != 0:
        return False
    if excedente == EXCEDENTE_MONEDERO:
        return abono.a_monedero == exceso
    return abono.a_monedero == 0


def _abono_existente(*, clave, **peticion) -> Abono | None:
    abono = Abono.objects.using(DB_NEGOCIO).filter(clave=clave).first()
    if abono is None:
        return None
    if not _misma_peticion(abono, **peticion):
        raise ClaveAbonoReutilizada(folio=abono.folio_texto)
    return abono


class _ClaveAbonoYaUsada(Exception):
    pass


def abono_registrar(
    *,
    usuario,
    venta_id: int,
    metodo: str,
    monto: Decimal,
    clave: uuid.UUID,
    recibido: Decimal | None = None,
    referencia: str = "",
    excedente: str | None = None,
) -> tuple[Abono, bool]:
    """Take a payment toward a sale's balance in the user's open shift. Returns ``(abono, creado)``.

    ``monto`` is what the client pays; ``recibido`` the cash handed over (cash only; the
    difference is change). An amount above the balance is never taken silently: ``excedente``
    says what happens to the excess, "cambio" (handed back, cash only) or "monedero" (kept as
    the client's store credit: a ``MovimientoMonedero`` "excedente_abono"); without it the
    abono is refused. With ``metodo="monedero"`` the client's credit pays (never beyond the
    balance, never beyond the credit: the account's row is locked and its CHECK is the last
    defence).

    Guarantees, in one transaction with the sale's row locked: ``Venta.pagado`` grows by the
    amount applied (the database recomputes ``saldo`` and ``estado_pago``; its CHECK refuses
    paying beyond the total); an installment sale's ``vence`` becomes the first installment
    not covered (None when paid off); the abono keeps the balance before and after. The same
    ``clave`` again returns the first abono with ``creado=False`` and writes nothing; with other
    data it raises ``ClaveAbonoReutilizada``.

    Raises ``AbonoNoPermitido`` (a user who may not sell), ``AbonoNoValido`` (no such sale;
    cancelled, already paid, an expired apartado; bad amounts; an excess without a choice, or
    as change by card or transfer), ``TurnoNoAbierto``, ``MonederoNoPermitido`` (store credit
    for "Público en general"), ``SaldoInsuficiente`` and ``AbonoOcupado`` (lock wait over the
    limit). On any error nothing is written.
    """
    if not usuario.has_perm(PERMISO_VENDER):
        raise AbonoNoPermitido()
    monto, recibido, referencia = _entrada_validar(
        metodo=metodo, monto=monto, recibido=recibido, referencia=referencia, excedente=excedente
    )
    excedente = excedente or None
    peticion = {"venta_id": venta_id, "metodo": metodo, "monto": monto, "recibido": recibido,
                "referencia": referencia, "excedente": excedente}
    existente = _abono_existente(clave=clave, **peticion)
    if existente is not None:
        return existente, False
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            _limitar_espera_de_bloqueos()
            abono = _abono_escribir(usuario=usuario, clave=clave, **peticion)
    except (IntegrityError, _ClaveAbonoYaUsada):
        # A concurrent POST with the same key won the race (unique ``clave``): its abono is the
        # answer. Any other integrity error is a bug the checks above should have caught.
        existente = _abono_existente(clave=clave, **peticion)
        if existente is None:
            raise
        return existente, False
    except OperationalError as error:
        if _espera_vencida(error):
            raise AbonoOcupado() from error
        raise
    return abono, True


def _abono_escribir(*, usuario, clave, venta_id, metodo, monto, recibido, referencia, excedente) -> Abono:
    venta = Venta.objects.using(DB_NEGOCIO).select_for_update().filter(pk=venta_id).first()
    if venta is None:
        raise AbonoNoValido("Esa venta no existe.")
    # Under the sale's lock: a concurrent request with this key has committed by now, if any.
    if Abono.objects.using(DB_NEGOCIO).filter(clave=clave).exists():
        raise _ClaveAbonoYaUsada()
    impedimento = abono_impedimento(venta=venta)
    if impedimento is not None:
        raise impedimento
    turno = _turno_abierto_bloquear(usuario=usuario, mensaje=MENSAJE_SIN_TURNO_ABONO)

    saldo = venta.saldo
    aplicado = min(monto, saldo)
    exceso = monto - aplicado
    cambio = recibido - monto  # cash handed over beyond the amount
    a_monedero = calculos.CERO
    if exceso > 0:
        if metodo == MetodoPago.MONEDERO:
            raise AbonoNoValido(f"Con saldo a favor se abona como máximo lo que se debe (${saldo:,.2f}).")
        if excedente is None:
            raise AbonoNoValido(
                f"El abono (${monto:,.2f}) pasa del saldo de la venta (${saldo:,.2f}) por ${exceso:,.2f}: "
                "elige si el excedente se entrega como cambio o queda como saldo a favor del cliente."
            )
        if excedente == EXCEDENTE_CAMBIO:
            if metodo != MetodoPago.EFECTIVO:
                forma = "con tarjeta" if metodo == MetodoPago.TARJETA else "por transferencia"
                raise AbonoNoValido(
                    f"El abono pasa del saldo (${saldo:,.2f}) y {forma} no hay cambio: abona ${saldo:,.2f} "
                    "o deja el excedente como saldo a favor."
                )
            cambio += exceso
        else:
            a_monedero = exceso

    if metodo == MetodoPago.MONEDERO or a_monedero > 0:
        # Refused before anything is written (``MonederoNoPermitido``): the walk-in client has no account.
        monedero = monedero_bloquear(cliente_id=venta.cliente_id, crear=a_monedero > 0)
        if monedero is None:  # paying with credit a client never had
            raise SaldoInsuficiente(saldo=calculos.CERO, monto=aplicado)

    abono = Abono.objects.using(DB_NEGOCIO).create(
        venta=venta, turno=turno, metodo=metodo, monto=aplicado, recibido=aplicado + cambio + a_monedero,
        cambio=cambio, a_monedero=a_monedero, referencia=referencia, clave=clave, saldo_anterior=saldo,
        saldo_posterior=saldo - aplicado, id_usuario=usuario.pk, nombre_usuario=nombre_para_registro(usuario),
    )
    if metodo == MetodoPago.MONEDERO:
        monedero_cargar_venta(monedero=monedero, monto=aplicado, venta_id=venta.pk, usuario=usuario)
    elif a_monedero > 0:
        monedero_abonar_excedente(monedero=monedero, monto=a_monedero, venta_id=venta.pk, usuario=usuario)

    venta.pagado += aplicado
    campos = ["pagado"]
    if venta.modalidad == ModalidadVenta.PARCIALIDADES:
        parcialidades = VentaParcialidad.objects.using(DB_NEGOCIO).filter(venta=venta).order_by("numero")
        vigente = parcialidad_vigente(parcialidades=parcialidades, pagado=venta.pagado)
        venta.vence = vigente.vence if vigente is not None and saldo - aplicado > 0 else None
        campos.append("vence")
    venta.save(using=DB_NEGOCIO, update_fields=campos)
    return abono
