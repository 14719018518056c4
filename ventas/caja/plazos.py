"""What a cart owes when it is not paid in full at the till (issue 15): the least down
payment and the due dates, as a ``PlazoDatos`` for ``cobro.venta_confirmar``.

Reads only: the cart's view (``selectors.carrito_de_cajero``) and the editions' payment plans
(``cursos.ParcialidadPlan``). The checkout checks again under its locks that the schedule adds
up to the total it computes, so a plan edited meanwhile refuses the sale instead of charging
a wrong amount.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_UP, Decimal

from django.conf import settings
from django.utils import timezone

from cursos.models import ParcialidadPlan
from ventas import calculos
from ventas.caja.cobro import ParcialidadDatos, PlazoDatos
from ventas.exceptions import PlazoNoValido
from ventas.models import ModalidadVenta
from ventas_ingenio.router import DB_NEGOCIO

CONCEPTO_CONTADO = "Artículos y cursos sin plan"


def anticipo_minimo_apartado(total: Decimal) -> Decimal:
    """``APARTADO_ANTICIPO_MINIMO`` of the total, rounded up to the cent (never below it)."""
    fraccion = Decimal(str(settings.APARTADO_ANTICIPO_MINIMO))
    return (total * fraccion).quantize(Decimal("0.01"), rounding=ROUND_UP)


def plazo_apartado(*, total: Decimal, anticipo: Decimal | None = None) -> PlazoDatos:
    """An apartado of ``total``: the minimum down payment by policy, expiring in ``APARTADO_DIAS``
    days (Mexico City's date). ``anticipo`` defaults to the minimum."""
    minimo = anticipo_minimo_apartado(total)
    vence = timezone.localdate() + datetime.timedelta(days=settings.APARTADO_DIAS)
    return PlazoDatos(modalidad=ModalidadVenta.APARTADO, anticipo=minimo if anticipo is None else anticipo,
                      minimo=minimo, vence=vence)


def plazo_parcialidades(*, vista, anticipo: Decimal | None = None) -> PlazoDatos | None:
    """The cart's installments, or None when no line is an edition with a payment plan.

    Each seat of an edition with a plan owes the plan's installments, scaled to the seat's
    price after discount (the last one takes the rounding). Goods and seats without a plan are
    due today. Installments due the same day are one payment; whatever falls due today or
    earlier (a late enrollment) is due today, and the first payment, always due today, is the
    minimum down payment."""
    lineas = [x for x in vista.lineas if x.calculo is not None]
    ediciones = {x.linea.producto_id for x in lineas}
    planes: dict[int, list[ParcialidadPlan]] = defaultdict(list)
    for fila in ParcialidadPlan.objects.using(DB_NEGOCIO).filter(edicion_id__in=ediciones).order_by("edicion", "numero"):
        planes[fila.edicion_id].append(fila)
    if not any(x.linea.producto_id in planes for x in lineas):
        return None
    hoy = timezone.localdate()
    por_fecha: dict[datetime.date, list] = defaultdict(lambda: [Decimal("0"), []])
    for x in lineas:
        importe = x.calculo.importe
        plan = planes.get(x.linea.producto_id)
        partes = _repartir(importe, plan) if plan else [(CONCEPTO_CONTADO, importe, hoy)]
        for concepto, monto, vence in partes:
            grupo = por_fecha[max(vence, hoy)]
            grupo[0] += monto
            if concepto not in grupo[1]:
                grupo[1].append(concepto)
    fechas = sorted(por_fecha)
    parcialidades = []
    for i, fecha in enumerate(fechas):
        monto, conceptos = por_fecha[fecha]
        if monto <= 0:
            continue
        # The first payment is due today even when the plan's first date is later.
        parcialidades.append(ParcialidadDatos(concepto=", ".join(conceptos)[:120], monto=monto,
                                              vence=hoy if i == 0 else fecha))
    if not parcialidades:
        return None
    minimo = parcialidades[0].monto
    return PlazoDatos(modalidad=ModalidadVenta.PARCIALIDADES, anticipo=minimo if anticipo is None else anticipo,
                      minimo=minimo, parcialidades=tuple(parcialidades))


def plazo_elegir(*, vista, modalidad: str, anticipo: Decimal | None) -> PlazoDatos | None:
    """The ``PlazoDatos`` for the modality the cashier chose, built from the cart (the form only
    gives the modality and the amount typed; empty means the minimum). None for "contado".
    Raises ``PlazoNoValido`` (Spanish, with the form field it belongs next to): no named
    client, a course seat in an apartado, no plan, an anticipo of zero, below the minimum or
    above the total. The checkout asks again under its locks."""
    if modalidad == ModalidadVenta.CONTADO:
        return None
    if vista.vacio:
        raise PlazoNoValido("El carrito está vacío.", campo="modalidad")
    cliente = vista.carrito.cliente
    if cliente is None or cliente.es_publico_general:
        raise PlazoNoValido("Para apartar o pagar en parcialidades elige primero al cliente: "
                            "«Público en general» paga completo.", campo="modalidad")
    total = vista.totales.total
    if modalidad == ModalidadVenta.APARTADO:
        if any(x.linea.alumno_id is not None for x in vista.lineas):  # a course seat is for an alumno
            raise PlazoNoValido("Un apartado solo lleva artículos: cobra los cursos aparte.", campo="modalidad")
        plazo = plazo_apartado(total=total, anticipo=anticipo)
    elif modalidad == ModalidadVenta.PARCIALIDADES:
        plazo = plazo_parcialidades(vista=vista, anticipo=anticipo)
        if plazo is None:
            raise PlazoNoValido("Ningún curso del carrito tiene plan de parcialidades: cóbralo de contado.",
                                campo="modalidad")
    else:
        raise PlazoNoValido("Elige la modalidad: de contado, apartado o en parcialidades.", campo="modalidad")
    if plazo.anticipo <= 0:
        raise PlazoNoValido("El anticipo debe ser mayor que cero.", campo="anticipo")
    if plazo.anticipo < plazo.minimo:
        raise PlazoNoValido(f"El anticipo mínimo es ${plazo.minimo:,.2f}.", campo="anticipo")
    if plazo.anticipo > total:
        raise PlazoNoValido(f"El anticipo (${plazo.anticipo:,.2f}) no puede pasar del total (${total:,.2f}).",
                            campo="anticipo")
    return plazo


def _repartir(importe: Decimal, plan: list[ParcialidadPlan]) -> list[tuple[str, Decimal, datetime.date]]:
    """The plan's installments scaled to ``importe`` (a discounted seat), cents exact."""
    suma = sum((p.monto for p in plan), Decimal("0"))
    partes, restante = [], importe
    for i, p in enumerate(plan):
        monto = restante if i == len(plan) - 1 else calculos.a_centavos(p.monto * importe / suma)
        restante -= monto
        partes.append((p.concepto, monto, p.vence))
    return partes
