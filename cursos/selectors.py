"""Reads of courses and editions: seats taken and free, sellability at the till."""

from __future__ import annotations

import datetime

from django.db.models import F, QuerySet
from django.utils import timezone

from cursos.models import Edicion, EstadoEdicion, EstadoInscripcion, Inscripcion
from ventas_ingenio.router import DB_NEGOCIO

# Enrollments that hold the alumno's place in the edition (a cancelled one does not).
ESTADOS_VIGENTES = (EstadoInscripcion.ACTIVA, EstadoInscripcion.COMPLETADA)


def ediciones_con_lugares() -> QuerySet[Edicion]:
    """Editions with their product, ``ocupados`` (seats taken) and ``libres`` (free seats)."""
    return (
        Edicion.objects.using(DB_NEGOCIO).select_related("producto", "curso")
        .annotate(libres=F("producto__existencia"), ocupados=F("cupo_maximo") - F("producto__existencia"))
    )


def edicion_ocupados(*, edicion: Edicion) -> int:
    """Seats taken of ``edicion`` (its product loaded): cupo máximo minus free seats."""
    return edicion.cupo_maximo - edicion.producto.existencia


def edicion_impedimento(*, edicion: Edicion, hoy: datetime.date | None = None) -> str:
    """Why the edition cannot be sold today (local date), or "" when it can. Seats are checked
    apart (they depend on the cart)."""
    hoy = hoy or timezone.localdate()
    nombre = edicion.producto.nombre
    if edicion.estado == EstadoEdicion.CERRADA:
        return f"{nombre}: la edición está cerrada, no admite inscripciones."
    if edicion.fecha_fin < hoy:
        return f"{nombre}: la edición ya terminó ({edicion.fecha_fin:%d/%m/%Y})."
    if not edicion.producto.activo:
        return f"{nombre} está dado de baja: no se puede vender."
    return ""


def inscripciones_vigentes(*, pares: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of the (alumno_id, edicion_id) pairs, those already enrolled (active or completed)."""
    if not pares:
        return set()
    alumnos = {a for a, _ in pares}
    ediciones = {e for _, e in pares}
    encontrados = Inscripcion.objects.using(DB_NEGOCIO).filter(
        alumno_id__in=alumnos, edicion_id__in=ediciones, estado__in=ESTADOS_VIGENTES
    ).values_list("alumno_id", "edicion_id")
    return set(encontrados) & pares
