"""The school report: course seats sold, enrolled and pending, by ciclo escolar, grado and grupo.

Lives in ``cursos`` (not ``ventas/reportes``) because it groups by the alumnos' school data and
reads the enrollments' Aula state; it only reads ``ventas``' lines. Grouped by the alumno's
ciclo / grado / grupo *as they are now* (the alumno record keeps no history of them).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, Sum

from cursos.models import EstadoInscripcion, Inscripcion
from integraciones.models import (
    EstadoSincronizacion,
    OperacionInscripcion,
    SincronizacionAlumno,
    SincronizacionInscripcion,
)
from ventas.models import EstadoVenta, VentaDetalle
from ventas.politica import dia_local_limites
from ventas_ingenio.router import DB_NEGOCIO

SIN_DATO = "—"


@dataclass
class FilaEscolar:
    ciclo_escolar: str
    grado: str
    grupo: str
    lugares_vendidos: int = 0
    importe: Decimal = field(default_factory=lambda: Decimal("0.00"))
    inscritos: int = 0
    pendientes: int = 0


@dataclass
class ReporteEscolar:
    filas: list[FilaEscolar]
    total: FilaEscolar


def _clave(valores: dict) -> tuple[str, str, str]:
    return (valores["ciclo"] or "", valores["grado"] or "", valores["grupo"] or "")


def reporte_escolar(*, desde: datetime.date, hasta: datetime.date) -> ReporteEscolar:
    """For sales between the local days ``desde`` and ``hasta`` (inclusive), per ciclo/grado/grupo:

    - seats sold: course lines of completed sales not returned (count and amount, IVA included);
    - enrolled: their enrollments that are active now;
    - pending: of those, the ones not yet in Aula (create row pending or failed) or whose alumno
      has a failed SII/Aula registration.
    Three grouped queries, whatever the size of the range.
    """
    inicio, fin = dia_local_limites(desde)[0], dia_local_limites(hasta)[1]
    agrupar = {"ciclo": F("alumno__ciclo_escolar"), "grado": F("alumno__grado"), "grupo": F("alumno__grupo")}
    filas: dict[tuple[str, str, str], FilaEscolar] = {}

    def fila(clave):
        return filas.setdefault(clave, FilaEscolar(*clave))

    lineas = (
        VentaDetalle.objects.using(DB_NEGOCIO)
        .filter(alumno__isnull=False, venta__fecha__gte=inicio, venta__fecha__lt=fin,
                venta__estado=EstadoVenta.COMPLETADA, cantidad_devuelta=0)
        .values(**agrupar)
        .annotate(lugares=Count("id"), importe=Sum("importe"))
    )
    for valores in lineas:
        f = fila(_clave(valores))
        f.lugares_vendidos, f.importe = valores["lugares"], valores["importe"] or Decimal("0.00")

    sin_aula = Exists(SincronizacionInscripcion.objects.filter(
        inscripcion_id=OuterRef("pk"), operacion=OperacionInscripcion.CREAR,
    ).exclude(estado=EstadoSincronizacion.SINCRONIZADO))
    alumno_con_error = Exists(SincronizacionAlumno.objects.filter(
        alumno_id=OuterRef("alumno_id"), estado=EstadoSincronizacion.ERROR,
    ))
    inscripciones = (
        Inscripcion.objects.using(DB_NEGOCIO)
        .filter(estado=EstadoInscripcion.ACTIVA, venta_detalle__venta__fecha__gte=inicio,
                venta_detalle__venta__fecha__lt=fin)
        .values(**agrupar)
        .annotate(inscritos=Count("id"), pendientes=Count("id", filter=Q(sin_aula) | Q(alumno_con_error)))
    )
    for valores in inscripciones:
        f = fila(_clave(valores))
        f.inscritos, f.pendientes = valores["inscritos"], valores["pendientes"]

    ordenadas = sorted(filas.values(), key=lambda f: (f.ciclo_escolar == "", f.ciclo_escolar, f.grado, f.grupo))
    total = FilaEscolar("Total", "", "")
    for f in ordenadas:
        total.lugares_vendidos += f.lugares_vendidos
        total.importe += f.importe
        total.inscritos += f.inscritos
        total.pendientes += f.pendientes
    return ReporteEscolar(filas=ordenadas, total=total)


def reporte_escolar_csv(reporte: ReporteEscolar):
    for f in reporte.filas:
        yield [f.ciclo_escolar or SIN_DATO, f.grado or SIN_DATO, f.grupo or SIN_DATO, f.lugares_vendidos, f.importe,
               f.inscritos, f.pendientes]
    t = reporte.total
    yield ["Total", "", "", t.lugares_vendidos, t.importe, t.inscritos, t.pendientes]
