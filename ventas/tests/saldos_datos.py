"""Test data for what clients owe: pay-later sales at given due dates, and abonos (through
the abonos service)."""

import datetime
import uuid
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from ventas.caja.cobro import ParcialidadDatos, PlazoDatos
from ventas.models import Abono, Venta, VentaParcialidad
from ventas.tests.factories import producto_con_existencia, vender_a_plazos
from ventas_ingenio.router import DB_NEGOCIO

D = Decimal


def hoy() -> datetime.date:
    return timezone.localdate()


def apartado(cajero, cliente, *, precio="500.00", anticipo="100.00", vence_en=30) -> Venta:
    """An apartado of one unit at ``precio`` with ``anticipo`` paid, due in ``vence_en`` days
    (negative: already past due; the due date is moved after the sale, as time would)."""
    plazo = PlazoDatos(modalidad="apartado", anticipo=D(anticipo), minimo=D(anticipo),
                       vence=hoy() + datetime.timedelta(days=max(vence_en, 0)))
    venta = vender_a_plazos(cajero, cliente, [(producto_con_existencia(5, precio=D(precio)), 1)], plazo=plazo)
    return vencer(venta, vence_en)


def parcialidades(cajero, cliente, *, montos=("1000.00", "1000.00", "1000.00"), cada=30, vence_en=None) -> Venta:
    """A sale paid in installments of ``montos`` every ``cada`` days, the first paid today."""
    plan = tuple(ParcialidadDatos(f"Pago {n}", D(m), hoy() + datetime.timedelta(days=cada * (n - 1)))
                 for n, m in enumerate(montos, start=1))
    total = sum(D(m) for m in montos)
    plazo = PlazoDatos(modalidad="parcialidades", anticipo=D(montos[0]), minimo=D(montos[0]), parcialidades=plan)
    venta = vender_a_plazos(cajero, cliente, [(producto_con_existencia(5, precio=total), 1)], plazo=plazo)
    return vencer(venta, vence_en) if vence_en is not None else venta


def vencer(venta: Venta, dias: int) -> Venta:
    """Set the sale's due date ``dias`` days from today. An installment sale's schedule moves
    with it (every installment by the same days), so its due date stays its first unpaid one."""
    nueva = hoy() + datetime.timedelta(days=dias)
    if venta.vence is not None:
        VentaParcialidad.objects.using(DB_NEGOCIO).filter(venta=venta).update(vence=F("vence") + (nueva - venta.vence))
    Venta.objects.using(DB_NEGOCIO).filter(pk=venta.pk).update(vence=nueva)
    venta.refresh_from_db()
    return venta


def fechar(venta: Venta, cuando: datetime.datetime) -> Venta:
    Venta.objects.using(DB_NEGOCIO).filter(pk=venta.pk).update(fecha=cuando)
    venta.refresh_from_db()
    return venta


def abonar(venta: Venta, monto, *, usuario, metodo: str = "efectivo", cuando=None) -> Abono:
    """An abono of ``monto`` to ``venta`` in ``usuario``'s open shift, through the abonos
    service (``ventas.abonos.services.abono_registrar``); ``cuando`` back-dates it."""
    from ventas.abonos.services import abono_registrar

    abono, creado = abono_registrar(usuario=usuario, venta_id=venta.pk, metodo=metodo, monto=D(monto),
                                    clave=uuid.uuid4())
    assert creado
    if cuando is not None:
        Abono.objects.using(DB_NEGOCIO).filter(pk=abono.pk).update(fecha=cuando)
    abono.refresh_from_db()
    venta.refresh_from_db()
    return abono
