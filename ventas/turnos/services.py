"""Writes of the cash-drawer shifts (corte de caja): open, cash in and out, close."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from ventas import calculos
from ventas.exceptions import (
    CierreNoValido,
    DiferenciaNoAutorizada,
    MontoNoValido,
    MotivoRequerido,
    MovimientoCajaNoValido,
    RetiroExcedeEfectivo,
    TurnoNoAbierto,
    TurnoYaAbierto,
)
from ventas.models import (
    EstadoTurno,
    MovimientoCaja,
    TipoMovimientoCaja,
    Turno,
)
from ventas.politica import (
    MONTO_MAXIMO,
    PERMISO_AUTORIZAR_DIFERENCIA,
    autorizador_exigir,
    limite_diferencia_corte,
)
from ventas.turnos.selectors import turno_cierre_impedimento, turno_cuentas
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

# --- Cash-drawer shifts (corte de caja) -----------------------------------------------------

def _monto_validar(valor, etiqueta: str, *, positivo: bool = False) -> Decimal:
    """A peso amount from a form or a caller: finite, in cents, not negative (or > 0)."""
    if not isinstance(valor, Decimal) or not valor.is_finite():
        raise MontoNoValido(f"{etiqueta}: escribe un importe en pesos, por ejemplo 150.50.")
    if valor < 0:
        raise MontoNoValido(f"{etiqueta}: no puede ser negativo.")
    if positivo and valor == 0:
        raise MontoNoValido(f"{etiqueta}: debe ser mayor que cero.")
    # Before rounding, as the abonos' and the store credit's checks: quantizing 10^30 to cents
    # overflows the decimal context (InvalidOperation, a 500) instead of saying it is too big.
    if valor > MONTO_MAXIMO:
        raise MontoNoValido(f"{etiqueta}: el importe es demasiado grande.")
    if valor != calculos.a_centavos(valor):
        raise MontoNoValido(f"{etiqueta}: usa como máximo 2 decimales (centavos).")
    return calculos.a_centavos(valor)


def turno_abrir(*, cajero, fondo_inicial: Decimal) -> Turno:
    """Open the user's cash-drawer shift with the cash put in the drawer for change.

    Raises ``TurnoYaAbierto`` when the user already has an open shift (the partial unique
    index ``turno_uno_abierto_por_cajero`` settles two tabs opening at once) and
    ``MontoNoValido``. On error nothing is written.
    """
    fondo = _monto_validar(fondo_inicial, "Fondo inicial")
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            if Turno.objects.using(DB_NEGOCIO).filter(id_cajero=cajero.pk, estado=EstadoTurno.ABIERTO).exists():
                raise TurnoYaAbierto()
            return Turno.objects.using(DB_NEGOCIO).create(
                id_cajero=cajero.pk, nombre_cajero=nombre_para_registro(cajero), fondo_inicial=fondo
            )
    except IntegrityError as error:
        if "turno_uno_abierto_por_cajero" in str(error):
            raise TurnoYaAbierto() from error
        raise


def _turno_abierto_bloquear(*, usuario, mensaje: str) -> Turno:
    turno = (
        Turno.objects.using(DB_NEGOCIO).select_for_update(no_key=True)
        .filter(id_cajero=usuario.pk, estado=EstadoTurno.ABIERTO).first()
    )
    if turno is None:
        raise TurnoNoAbierto(mensaje)
    return turno


def caja_movimiento_registrar(*, usuario, tipo: str, monto: Decimal, motivo: str) -> MovimientoCaja:
    """Cash put into (depósito) or taken out of (retiro) the drawer of the user's open shift.

    A withdrawal may not take more than the cash the drawer should hold right then (the
    expected cash of the shift). The shift row is locked ``FOR NO KEY UPDATE``, a mode that
    conflicts with itself, so two withdrawals (or a withdrawal and a cash refund) are checked
    one after the other and can't both pass; and it conflicts with the close's ``FOR UPDATE``,
    so a movement never lands in a closed shift. Raises ``TurnoNoAbierto``, ``MontoNoValido``,
    ``MotivoRequerido``, ``MovimientoCajaNoValido`` and ``RetiroExcedeEfectivo``.
    """
    if tipo not in TipoMovimientoCaja.values:
        raise MovimientoCajaNoValido("Elige si es un retiro o un depósito de efectivo.")
    monto = _monto_validar(monto, "Monto", positivo=True)
    motivo = (motivo or "").strip()
    if not motivo:
        raise MotivoRequerido()
    if len(motivo) > 200:
        raise MovimientoCajaNoValido("El motivo es demasiado largo (máximo 200 caracteres).")
    with transaction.atomic(using=DB_NEGOCIO):
        turno = _turno_abierto_bloquear(
            usuario=usuario, mensaje="Abre tu turno de caja antes de registrar retiros o depósitos."
        )
        if tipo == TipoMovimientoCaja.RETIRO:
            disponible = turno_cuentas(turno=turno).esperado["efectivo"]
            if monto > disponible:
                raise RetiroExcedeEfectivo(disponible=max(disponible, calculos.CERO))
        return MovimientoCaja.objects.using(DB_NEGOCIO).create(
            turno=turno, tipo=tipo, monto=monto, motivo=motivo,
            id_usuario=usuario.pk, nombre_usuario=nombre_para_registro(usuario),
        )


def _efectivo_contado(efectivo_contado: Decimal | None, denominaciones: dict[str, int] | None) -> Decimal:
    if denominaciones is not None:
        try:
            total = calculos.conteo_total(denominaciones)
        except ValueError as error:
            raise CierreNoValido(str(error)) from error
        if efectivo_contado is not None and _monto_validar(efectivo_contado, "Efectivo contado") != total:
            raise CierreNoValido(
                f"El efectivo contado (${efectivo_contado:,.2f}) no coincide con el conteo por "
                f"denominación (${total:,.2f}). Deja uno de los dos."
            )
        return _monto_validar(total, "Efectivo contado")
    if efectivo_contado is None:
        raise CierreNoValido("Cuenta el efectivo: por denominación o el total.")
    return _monto_validar(efectivo_contado, "Efectivo contado")


def turno_cerrar(
    *,
    turno_id: int,
    usuario,
    tarjeta_reportado: Decimal,
    transferencia_reportado: Decimal,
    efectivo_contado: Decimal | None = None,
    denominaciones: dict[str, int] | None = None,
    nota: str = "",
    autorizador=None,
) -> Turno:
    """Close a shift: count the cash, take the card/transfer totals, store expected vs counted.

    The cash is counted by denomination (``denominaciones``, stored as counted) or as a total.
    The shift row is locked ``FOR UPDATE``: a checkout holding it (``FOR NO KEY UPDATE``)
    finishes first and is counted; one that comes after finds the shift closed. What went
    through the drawer (``selectors.turno_cuentas``) is stored with the close
    (``resumen_cierre``), so the printed report never recomputes.

    A difference above ``DIFERENCIA_MAXIMA_CORTE`` in any method needs a user with
    ``ventas.autorizar_diferencia``: the closer themselves (a Gerente), or ``autorizador``, the
    Gerente the view got from the credentials typed on this screen; who authorised is recorded.
    A Cajero closes only their own shift; ``ventas.change_turno`` (Gerente) closes anyone's.

    Raises ``TurnoNoEncontrado`` (missing or someone else's), ``TurnoYaCerrado``,
    ``MontoNoValido``, ``CierreNoValido``, ``AutorizacionRechazada`` and
    ``DiferenciaNoAutorizada``. On error nothing is written.
    """
    contado = _efectivo_contado(efectivo_contado, denominaciones)
    tarjeta = _monto_validar(tarjeta_reportado, "Tarjeta reportada")
    transferencia = _monto_validar(transferencia_reportado, "Transferencia reportada")
    nota = (nota or "").strip()
    if len(nota) > 255:
        raise CierreNoValido("La nota es demasiado larga (máximo 255 caracteres).")
    if autorizador is not None:
        autorizador_exigir(autorizador, permiso=PERMISO_AUTORIZAR_DIFERENCIA, que="diferencias del corte de caja")
    elif usuario.has_perm(PERMISO_AUTORIZAR_DIFERENCIA):
        autorizador = usuario
    limite = limite_diferencia_corte()
    with transaction.atomic(using=DB_NEGOCIO):
        turno = Turno.objects.using(DB_NEGOCIO).select_for_update().filter(pk=turno_id).first()
        impedimento = turno_cierre_impedimento(turno=turno, usuario=usuario)
        if impedimento is not None:
            raise impedimento
        cuentas = turno_cuentas(turno=turno)
        esperado = cuentas.esperado
        diferencias = calculos.diferencias_calcular(
            esperado=esperado, contado={"efectivo": contado, "tarjeta": tarjeta, "transferencia": transferencia},
            limite=limite,
        )
        requiere_autorizacion = any(d.excede for d in diferencias)
        if requiere_autorizacion and autorizador is None:
            raise DiferenciaNoAutorizada(limite=limite)
        turno.estado = EstadoTurno.CERRADO
        turno.cerrado = timezone.now()
        turno.efectivo_esperado, turno.efectivo_contado = esperado["efectivo"], contado
        turno.tarjeta_esperado, turno.tarjeta_reportado = esperado["tarjeta"], tarjeta
        turno.transferencia_esperado, turno.transferencia_reportado = esperado["transferencia"], transferencia
        turno.conteo_denominaciones = (
            {clave: denominaciones.get(clave, 0) for clave, _, _ in calculos.DENOMINACIONES}
            if denominaciones is not None else None
        )
        turno.resumen_cierre = cuentas.a_json()
        turno.nota_cierre = nota
        if requiere_autorizacion:
            turno.id_autorizo_diferencia = autorizador.pk
            turno.nombre_autorizo_diferencia = nombre_para_registro(autorizador)
        turno.id_cerro, turno.nombre_cerro = usuario.pk, nombre_para_registro(usuario)
        turno.save(using=DB_NEGOCIO)
        return turno
