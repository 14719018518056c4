"""Sales that owe money, for the abono tests: an apartado and an installment sale, made through
the real checkout (``vender_a_plazos``)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from ventas.caja.cobro import ParcialidadDatos, PlazoDatos
from ventas.tests.factories import producto_con_existencia, vender_a_plazos

D = Decimal


def apartado(cajero, cliente, *, precio="1000.00", anticipo="200.00", dias=30):
    """An apartado of one unit at ``precio`` with ``anticipo`` paid in cash, due in ``dias``."""
    producto = producto_con_existencia(10, precio=D(precio))
    plazo = PlazoDatos(modalidad="apartado", anticipo=D(anticipo), minimo=D(anticipo),
                       vence=timezone.localdate() + datetime.timedelta(days=dias))
    return vender_a_plazos(cajero, cliente, [(producto, 1)], plazo=plazo)


def a_plazos(cajero, cliente, *, montos=("1000.00", "1000.00", "1000.00"), dias=(0, 30, 60)):
    """An installment sale whose schedule is ``montos`` due in ``dias``; the first is paid."""
    hoy = timezone.localdate()
    plan = tuple(ParcialidadDatos(f"Pago {i}", D(m), hoy + datetime.timedelta(days=d))
                 for i, (m, d) in enumerate(zip(montos, dias, strict=True), start=1))
    total = sum((p.monto for p in plan), D("0"))
    producto = producto_con_existencia(10, precio=total)
    plazo = PlazoDatos(modalidad="parcialidades", anticipo=plan[0].monto, minimo=plan[0].monto, parcialidades=plan)
    return vender_a_plazos(cajero, cliente, [(producto, 1)], plazo=plazo)
