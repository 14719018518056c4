"""Writes of returns and cancellations.

Returns and cancellations (``venta_devolver``, ``venta_cancelar``) follow the same shape:
the sale's row is locked first (every return of a sale is serialised on it), then the
user's open shift (same mode as the checkout), then the products through
``existencias_mover`` (kind "devolucion" for a partial return, "cancelacion_venta" for a
cancellation; for an apartado not handed over, whose goods were set aside and never sold,
"liberacion_apartado", or nothing when its expiry already put them back); the form's
one-time key is unique on ``Devolucion``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Sum
from django.utils import timezone

from cursos.models import EstadoInscripcion, Inscripcion
from cursos.services import inscripciones_liquidadas_activar
from integraciones.services import inscripcion_encolar
from inventario.models import TipoMovimiento
from inventario.services import MovimientoDatos, existencias_mover
from ventas import calculos
from ventas.caja.cobro import _espera_vencida, _limitar_espera_de_bloqueos
from ventas.devoluciones.selectors import (
    metodo_reembolso_sugerido,
    reembolsables_por_metodo,
    venta_cancelacion_impedimento,
)
from ventas.exceptions import (
    ClaveDevolucionReutilizada,
    DevolucionNoPermitida,
    DevolucionNoValida,
    DevolucionOcupada,
    MonederoNoPermitido,
    ReembolsoExcedeEfectivo,
    VentaNoEncontrada,
    VentaYaCancelada,
)
from ventas.models import (
    Devolucion,
    DevolucionLinea,
    EstadoVenta,
    MetodoPago,
    ModalidadVenta,
    Reembolso,
    TipoDevolucion,
    Venta,
    VentaDetalle,
)
from ventas.monedero.services import monedero_abonar_devolucion
from ventas.politica import (
    CANTIDAD_MAXIMA,
    MOTIVO_MAXIMO,
    PERMISO_DEVOLVER,
    PERMISO_VENDER,
    PERMISO_VER_TODAS,
    autorizador_exigir,
)
from ventas.turnos.selectors import turno_cuentas
from ventas.turnos.services import _turno_abierto_bloquear
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

# --- Returns and cancellations ------------------------------------------------------------


@dataclass(frozen=True)
class LineaDevolucionDatos:
    """Units of one sold line (``VentaDetalle`` id) to give back."""

    venta_detalle_id: int
    cantidad: int


MENSAJE_SIN_TURNO_DEVOLVER = "Abre tu turno de caja para devolver dinero."


def venta_cancelar(
    *,
    venta_id: int,
    usuario,
    motivo: str,
    clave: uuid.UUID,
    autorizador=None,
    metodo_reembolso: str | None = None,
) -> tuple[Devolucion, bool]:
    """Cancel a whole sale of today. Returns ``(devolucion, creada)``.

    Guarantees, in one transaction with the sale's row locked: the sale becomes "cancelada";
    every unit not already returned goes back to stock (movement "cancelacion_venta"); the
    money not already refunded is recorded as refunds by the methods the sale was paid with
    (cash net of change), into the open shift of ``usuario``. The same ``clave`` again returns
    the first result with ``creada=False`` and writes nothing. Raises ``VentaNoEncontrada``,
    ``VentaYaCancelada``, ``VentaDeOtroDia`` (local date, America/Mexico_City),
    ``DevolucionNoValida`` (no reason, nothing left), ``DevolucionNoPermitida`` /
    ``AutorizacionRechazada`` (a Cajero without a valid Gerente authorisation),
    ``TurnoNoAbierto``, ``ClaveDevolucionReutilizada`` and ``DevolucionOcupada``.
    On any error nothing is written. ``autorizador`` is the Gerente the view got from the
    credentials typed on this screen (``politica.autorizador_obtener``), needed when
    ``usuario`` lacks ``ventas.devolver_venta``. ``metodo_reembolso="monedero"`` gives the whole
    refund as the client's store credit instead (``MonederoNoPermitido`` for "Público en general").
    """
    if metodo_reembolso not in (None, MetodoPago.MONEDERO):
        raise DevolucionNoValida("Una cancelación se reembolsa por donde entró el dinero o como saldo a favor.")
    return _devolucion_registrar(
        tipo=TipoDevolucion.CANCELACION, venta_id=venta_id, usuario=usuario, motivo=motivo, clave=clave,
        autorizador=autorizador, lineas=None, metodo_reembolso=metodo_reembolso,
    )


def venta_devolver(
    *,
    venta_id: int,
    usuario,
    lineas: list[LineaDevolucionDatos],
    motivo: str,
    clave: uuid.UUID,
    metodo_reembolso: str | None = None,
    autorizador=None,
) -> tuple[Devolucion, bool]:
    """Return some units of a (not cancelled) sale of any day. Returns ``(devolucion, creada)``.

    Never more units of a line than sold minus already returned (checked under the sale's
    lock; the CHECK on ``cantidad_devuelta`` backs it). Each line refunds its share of the
    line's ``importe`` (after discount, IVA included), rounded once to cents, the last units
    giving exactly the remainder (``calculos.devolucion_linea_calcular``); IVA the same way.
    The refund goes by ``metodo_reembolso`` (default: the method with the most left to
    refund), never more by a method than the sale received by it minus earlier refunds; what
    does not fit goes by the sale's other methods. "monedero" (saldo a favor) takes the whole
    refund as the client's store credit, whatever the sale was paid with, credited in the same
    transaction; it is not cash, so the shift's drawer is not touched. Units go back to stock in the same
    transaction (movement "devolucion"). Same key, same lines → the first result, nothing
    written. Raises the errors of ``venta_cancelar`` (except ``VentaDeOtroDia``) and
    ``DevolucionNoValida`` for bad lines.
    """
    return _devolucion_registrar(
        tipo=TipoDevolucion.DEVOLUCION, venta_id=venta_id, usuario=usuario, motivo=motivo, clave=clave,
        autorizador=autorizador, lineas=_lineas_normalizar(lineas), metodo_reembolso=metodo_reembolso,
    )


def _lineas_normalizar(lineas: list[LineaDevolucionDatos]) -> dict[int, int]:
    pedidas: dict[int, int] = {}
    for linea in lineas or []:
        if not isinstance(linea.cantidad, int) or isinstance(linea.cantidad, bool) or linea.cantidad <= 0:
            raise DevolucionNoValida("Cada cantidad a devolver debe ser un número entero mayor que cero.")
        if linea.cantidad > CANTIDAD_MAXIMA:
            raise DevolucionNoValida(f"La cantidad no puede pasar de {CANTIDAD_MAXIMA:,}.")
        if linea.venta_detalle_id in pedidas:
            raise DevolucionNoValida("Una línea de la venta aparece dos veces en la devolución.")
        pedidas[linea.venta_detalle_id] = linea.cantidad
    if not pedidas:
        raise DevolucionNoValida("Indica al menos un artículo a devolver.")
    return pedidas


def _motivo_limpiar(motivo: str) -> str:
    motivo = (motivo or "").strip()
    if not motivo:
        raise DevolucionNoValida("Escribe el motivo.")
    if len(motivo) > MOTIVO_MAXIMO:
        raise DevolucionNoValida(f"El motivo no puede pasar de {MOTIVO_MAXIMO} caracteres.")
    return motivo


def _autorizacion_resolver(*, usuario, autorizador):
    """Who authorises: the user when they hold the permission, else the Gerente typed on screen."""
    if usuario.has_perm(PERMISO_DEVOLVER):
        return usuario
    if not usuario.has_perm(PERMISO_VENDER):
        raise DevolucionNoPermitida("Tu usuario no puede registrar devoluciones ni cancelaciones.")
    if autorizador is None:
        raise DevolucionNoPermitida("Un gerente debe autorizarlo: escribe su usuario y contraseña.")
    autorizador_exigir(autorizador, permiso=PERMISO_DEVOLVER, que="devoluciones ni cancelaciones")
    return autorizador


def _devolucion_existente(*, clave, venta_id: int, tipo: str, lineas: dict[int, int] | None) -> Devolucion | None:
    """The return already written with this form key, if it is the same request."""
    devolucion = Devolucion.objects.using(DB_NEGOCIO).filter(clave=clave).first()
    if devolucion is None:
        return None
    misma = devolucion.venta_id == venta_id and devolucion.tipo == tipo
    if misma and lineas is not None:
        guardadas = dict(devolucion.lineas.values_list("venta_detalle_id", "cantidad"))
        misma = guardadas == lineas
    if not misma:
        raise ClaveDevolucionReutilizada(folio=devolucion.folio_texto)
    return devolucion


class _ClaveDevolucionYaUsada(Exception):
    pass


def _devolucion_registrar(
    *, tipo, venta_id, usuario, motivo, clave, autorizador, lineas, metodo_reembolso, apartado=False
) -> tuple[Devolucion, bool]:
    existente = _devolucion_existente(clave=clave, venta_id=venta_id, tipo=tipo, lineas=lineas)
    if existente is not None:
        return existente, False
    motivo = _motivo_limpiar(motivo)
    if metodo_reembolso is not None and metodo_reembolso not in MetodoPago.values:
        raise DevolucionNoValida("Elige cómo se reembolsa: efectivo, tarjeta, transferencia o saldo a favor.")
    autorizador = _autorizacion_resolver(usuario=usuario, autorizador=autorizador)
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            _limitar_espera_de_bloqueos()
            devolucion = _devolucion_escribir(
                tipo=tipo, venta_id=venta_id, usuario=usuario, autorizador=autorizador, motivo=motivo,
                clave=clave, lineas=lineas, metodo_reembolso=metodo_reembolso, apartado=apartado,
            )
    except (IntegrityError, _ClaveDevolucionYaUsada):
        # A concurrent POST with the same key won the race (unique ``clave``): its return is
        # the answer. Any other integrity error is a bug the checks above should have caught.
        existente = _devolucion_existente(clave=clave, venta_id=venta_id, tipo=tipo, lineas=lineas)
        if existente is None:
            raise
        return existente, False
    except OperationalError as error:
        if _espera_vencida(error):
            raise DevolucionOcupada() from error
        raise
    return devolucion, True


def apartado_cancelacion_registrar(
    *, venta_id: int, usuario, autorizador, motivo: str, clave: uuid.UUID, metodo_reembolso: str | None
) -> tuple[Devolucion, bool]:
    """Cancel an apartado not handed over, of any day (``ventas.apartados.services``): what
    ``venta_cancelar`` guarantees, the goods back with "liberacion_apartado" (none when its
    expiry already put them back). Raises its errors, and ``DevolucionNoValida`` for a sale
    that is not such an apartado."""
    return _devolucion_registrar(
        tipo=TipoDevolucion.CANCELACION, venta_id=venta_id, usuario=usuario, motivo=motivo, clave=clave,
        autorizador=autorizador, lineas=None, metodo_reembolso=metodo_reembolso, apartado=True,
    )


def apartado_cancelacion_escribir(*, venta_id: int, usuario, motivo: str, clave: uuid.UUID) -> Devolucion:
    """The automatic expiry's cancellation, inside the caller's transaction (which holds the
    sale's row): in no one's shift, so the money paid goes only to the client's store credit."""
    return _devolucion_escribir(
        tipo=TipoDevolucion.CANCELACION, venta_id=venta_id, usuario=usuario, autorizador=usuario,
        motivo=_motivo_limpiar(motivo), clave=clave, lineas=None, metodo_reembolso=MetodoPago.MONEDERO,
        apartado=True, sin_turno=True,
    )


def _devolucion_escribir(*, tipo, venta_id, usuario, autorizador, motivo, clave, lineas, metodo_reembolso,
                         apartado=False, sin_turno=False) -> Devolucion:
    venta = Venta.objects.using(DB_NEGOCIO).select_for_update().filter(pk=venta_id).first()
    # An apartado is the shop's, not its cashier's: the client comes back to whoever is at the till.
    propia = apartado or venta is None or venta.id_cajero == usuario.pk
    if venta is None or not (propia or usuario.has_perm(PERMISO_VER_TODAS)):
        raise VentaNoEncontrada()
    if apartado and (venta.modalidad != ModalidadVenta.APARTADO or venta.entregado is not None):
        raise DevolucionNoValida(f"La venta {venta.folio_texto} no es un apartado pendiente de entregar.")
    # Under the sale's lock: a concurrent request with this key has committed by now, if any.
    if Devolucion.objects.using(DB_NEGOCIO).filter(clave=clave).exists():
        raise _ClaveDevolucionYaUsada()
    detalles = {d.pk: d for d in VentaDetalle.objects.using(DB_NEGOCIO).filter(venta=venta).order_by("pk")}
    if tipo == TipoDevolucion.CANCELACION:
        # The page asked the same question before showing the form; under the lock it counts.
        impedimento = venta_cancelacion_impedimento(venta=venta, lineas=detalles.values(), cualquier_dia=apartado)
        if impedimento is not None:
            raise impedimento
    elif venta.estado == EstadoVenta.CANCELADA:
        raise VentaYaCancelada(folio=venta.folio_texto)
    # Same lock as the checkout (FOR NO KEY UPDATE): conflicts with the close's FOR UPDATE, so a
    # refund never lands in a closed shift, and with other refunds/withdrawals of this drawer.
    turno = None if sin_turno else _turno_abierto_bloquear(usuario=usuario, mensaje=MENSAJE_SIN_TURNO_DEVOLVER)

    if tipo == TipoDevolucion.CANCELACION:
        pedidas = {d.pk: d.por_devolver for d in detalles.values() if d.por_devolver > 0}
    else:
        pedidas = lineas
        for detalle_id, cantidad in pedidas.items():
            detalle = detalles.get(detalle_id)
            if detalle is None:
                raise DevolucionNoValida(f"Esa línea no pertenece a la venta {venta.folio_texto}.")
            quedan = detalle.cantidad - detalle.cantidad_devuelta
            if quedan == 0:
                raise DevolucionNoValida(f"{detalle.descripcion}: ya se devolvieron todas las unidades.")
            if cantidad > quedan:
                raise DevolucionNoValida(
                    f"{detalle.descripcion}: solo {_unidades(quedan)} por devolver "
                    f"(se vendieron {detalle.cantidad}, ya se devolvieron {detalle.cantidad_devuelta})."
                )

    inscripciones = _inscripciones_por_cancelar(detalles=[detalles[i] for i in sorted(pedidas)])

    ya_devuelto = {
        fila["venta_detalle_id"]: (fila["importe"], fila["iva"])
        for fila in DevolucionLinea.objects.using(DB_NEGOCIO).filter(venta_detalle__venta=venta)
        .values("venta_detalle_id").annotate(importe=Sum("importe"), iva=Sum("iva"))
    }
    partes = []
    for detalle_id in sorted(pedidas):
        detalle, cantidad = detalles[detalle_id], pedidas[detalle_id]
        importe_devuelto, iva_devuelto = ya_devuelto.get(detalle_id, (calculos.CERO, calculos.CERO))
        parte = calculos.devolucion_linea_calcular(
            importe=detalle.importe, iva=detalle.iva, cantidad=detalle.cantidad, devuelta=detalle.cantidad_devuelta,
            importe_devuelto=importe_devuelto, iva_devuelto=iva_devuelto, unidades=cantidad,
        )
        partes.append((detalle, cantidad, parte))
    total = sum((p.importe for _, _, p in partes), calculos.CERO)
    iva = sum((p.iva for _, _, p in partes), calculos.CERO)
    # Only money paid beyond what the sale still owes after this return goes back: a sale paid
    # in full refunds the whole amount; one still owing (apartado, installments) first cancels
    # its balance.
    reembolso = max(total - venta.saldo, calculos.CERO)
    reparto = _reembolso_repartir(venta=venta, monto=reembolso, metodo=metodo_reembolso)
    efectivo = sum((monto for metodo, monto in reparto if metodo == MetodoPago.EFECTIVO), calculos.CERO)
    if efectivo > 0 and turno is not None:
        # Checked under the shift's lock: two cash refunds (or a refund and a withdrawal) of
        # one drawer are checked one after the other, so together they can't overdraw it.
        disponible = turno_cuentas(turno=turno).esperado["efectivo"]
        if efectivo > disponible:
            raise ReembolsoExcedeEfectivo(disponible=max(disponible, calculos.CERO), monto=efectivo)

    devolucion = Devolucion.objects.using(DB_NEGOCIO).create(
        venta=venta, turno=turno, tipo=tipo, motivo=motivo, clave=clave,
        id_usuario=usuario.pk, nombre_usuario=nombre_para_registro(usuario),
        id_autorizo=autorizador.pk, nombre_autorizo=nombre_para_registro(autorizador),
        total=total, iva=iva,
    )
    DevolucionLinea.objects.using(DB_NEGOCIO).bulk_create(
        DevolucionLinea(devolucion=devolucion, venta_detalle=detalle, producto_id=detalle.producto_id,
                        cantidad=cantidad, importe=parte.importe, iva=parte.iva)
        for detalle, cantidad, parte in partes
    )
    Reembolso.objects.using(DB_NEGOCIO).bulk_create(
        Reembolso(devolucion=devolucion, metodo=metodo, monto=monto) for metodo, monto in reparto
    )
    for detalle, cantidad, _ in partes:
        detalle.cantidad_devuelta += cantidad
    VentaDetalle.objects.using(DB_NEGOCIO).bulk_update([d for d, _, _ in partes], ["cantidad_devuelta"])
    # An apartado not handed over had its goods set aside, not sold: they go back to the shelf
    # out of the set-aside units ("liberacion_apartado"), unless its expiry already did it.
    apartada = venta.modalidad == ModalidadVenta.APARTADO and venta.entregado is None
    ya_liberada = apartada and venta.liberado is not None
    venta.total_devuelto += total
    venta.pagado -= reembolso
    campos = ["total_devuelto", "pagado"]
    if tipo == TipoDevolucion.CANCELACION:
        venta.estado = EstadoVenta.CANCELADA
        campos.append("estado")
        if apartada and not ya_liberada:
            venta.liberado = timezone.now()
            campos.append("liberado")
    venta.save(using=DB_NEGOCIO, update_fields=campos)
    tipo_movimiento = (
        TipoMovimiento.CANCELACION_VENTA if tipo == TipoDevolucion.CANCELACION else TipoMovimiento.DEVOLUCION
    )
    texto = f"{devolucion.folio_texto} ({venta.folio_texto}): {motivo}"
    if not ya_liberada:
        existencias_mover(
            movimientos=[
                MovimientoDatos(producto_id=detalle.producto_id, tipo=TipoMovimiento.LIBERACION_APARTADO,
                                cantidad=cantidad, cantidad_apartada=-cantidad, motivo=texto, id_venta=venta.pk)
                if apartada else
                MovimientoDatos(producto_id=detalle.producto_id, tipo=tipo_movimiento, cantidad=cantidad,
                                motivo=texto, id_venta=venta.pk)
                for detalle, cantidad, _ in partes
            ],
            usuario=usuario,
        )
    # Store credit after the products, as the checkout locks them (products, then the account):
    # a return to credit and a payment with that credit never wait on each other crosswise.
    a_monedero = sum((monto for metodo, monto in reparto if metodo == MetodoPago.MONEDERO), calculos.CERO)
    if a_monedero > 0:
        monedero_abonar_devolucion(cliente_id=venta.cliente_id, monto=a_monedero, devolucion_id=devolucion.pk,
                                   usuario=usuario)
    # The seat went back with the movement above; the enrollment is cancelled here and in Aula
    # through the outbox, in this transaction.
    if inscripciones:
        Inscripcion.objects.using(DB_NEGOCIO).filter(pk__in=[i.pk for i in inscripciones]).update(
            estado=EstadoInscripcion.CANCELADA, cancelado=timezone.now()
        )
        for inscripcion in inscripciones:
            inscripcion_encolar(inscripcion_id=inscripcion.pk, operacion="cancelar")
    # A return on an installment sale first cancels its balance: when nothing is owed any more,
    # the seats that waited for it (INSCRIPCION_ACTIVA_DESDE = "liquidado") start now.
    if venta.modalidad == ModalidadVenta.PARCIALIDADES:
        inscripciones_liquidadas_activar(venta_id=venta.pk)
    return devolucion


def _inscripciones_por_cancelar(*, detalles: list[VentaDetalle]) -> list[Inscripcion]:
    """The enrollments of the course lines being returned, locked (in primary-key order). A
    completed course is not returned (``DevolucionNoValida``): the alumno took it."""
    ids = [d.pk for d in detalles if d.alumno_id is not None]
    if not ids:
        return []
    inscripciones = list(
        Inscripcion.objects.using(DB_NEGOCIO).select_for_update().filter(venta_detalle_id__in=ids)
        .exclude(estado=EstadoInscripcion.CANCELADA).order_by("pk")
    )
    completadas = [i for i in inscripciones if i.estado == EstadoInscripcion.COMPLETADA]
    if completadas:
        detalle = next(d for d in detalles if d.pk == completadas[0].venta_detalle_id)
        raise DevolucionNoValida(f"{detalle.descripcion}: el alumno ya completó el curso, no se puede devolver.")
    return inscripciones


def _unidades(n: int) -> str:
    return "queda 1" if n == 1 else f"quedan {n}"


def _reembolso_repartir(*, venta: Venta, monto: Decimal, metodo: str | None) -> list[tuple[str, Decimal]]:
    if metodo == MetodoPago.MONEDERO:
        # Store credit is not money leaving by where it came in: the whole refund may go there,
        # but only to a named client (the walk-in client has no account).
        if venta.cliente.es_publico_general:
            raise DevolucionNoValida(str(MonederoNoPermitido()))
        return [(MetodoPago.MONEDERO, monto)] if monto > 0 else []
    disponibles = reembolsables_por_metodo(venta=venta)
    if metodo is not None and not any(m == metodo and d > 0 for m, d in disponibles):
        raise DevolucionNoValida(
            f"La venta {venta.folio_texto} no tiene pagos con {MetodoPago(metodo).label.lower()} por reembolsar: "
            "el dinero se devuelve por donde entró."
        )
    if monto == 0:
        return []
    try:
        return calculos.reembolso_repartir(
            monto=monto, disponibles=disponibles, preferido=metodo or metodo_reembolso_sugerido(disponibles)
        )
    except ValueError as error:
        raise DevolucionNoValida(str(error)) from error
