"""Reads of the sync state, phrased for the alumno's pages, the sale and edition pages and the admin."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Max, Min, Value
from django.db.models.functions import Concat
from django.utils import formats, timezone

from integraciones.models import (
    EstadoSincronizacion,
    OperacionInscripcion,
    SincronizacionAlumno,
    SincronizacionInscripcion,
    Sistema,
)
from ventas_ingenio.router import DB_NEGOCIO


@dataclass(frozen=True)
class AlumnoPendiente:
    alumno_id: int
    nombre: str
    desde: datetime
    intentos: int
    sistemas: list[str]  # "SII: pendiente", "Aula: error"


@dataclass(frozen=True)
class EstadoSistema:
    sincronizacion: SincronizacionAlumno | None
    sistema: str
    nombre_sistema: str
    estado: str  # pendiente / sincronizado / error / no_aplica
    texto: str


def estado_texto(fila: SincronizacionAlumno | None) -> str:
    """"Sincronizado #12", "Pendiente, próximo intento 10:42" or "Error: mensaje"."""
    if fila is None:
        return "No se envía"
    if fila.estado == EstadoSincronizacion.SINCRONIZADO:
        return f"Sincronizado #{fila.id_externo}"
    if fila.estado == EstadoSincronizacion.ERROR:
        return f"Error: {fila.ultimo_error}"
    cuando = formats.date_format(timezone.localtime(fila.proximo_intento), "H:i:s")
    detalle = f" (último error: {fila.ultimo_error})" if fila.ultimo_error else ""
    return f"Pendiente, próximo intento {cuando}{detalle}"


def sincronizaciones_de_alumno(*, alumno_id: int) -> list[EstadoSistema]:
    """One entry per external system, in a fixed order (SII, Aula)."""
    filas = {
        f.sistema: f for f in SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(alumno_id=alumno_id)
    }
    estados = []
    for sistema, nombre in Sistema.choices:
        fila = filas.get(sistema)
        estados.append(
            EstadoSistema(
                sincronizacion=fila,
                sistema=sistema,
                nombre_sistema=nombre,
                estado=fila.estado if fila else "no_aplica",
                texto=estado_texto(fila),
            )
        )
    return estados


def sincronizacion_obtener(*, alumno_id: int, sistema: str) -> SincronizacionAlumno:
    return SincronizacionAlumno.objects.using(DB_NEGOCIO).get(alumno_id=alumno_id, sistema=sistema)


def alumnos_pendientes_sincronizar(*, limite: int = 5, using: str = DB_NEGOCIO) -> tuple[list[AlumnoPendiente], int]:
    """Alumnos not yet registered in SII or Aula (pending or failed), oldest first, and how many."""
    no_sincronizadas = SincronizacionAlumno.objects.using(using).exclude(estado=EstadoSincronizacion.SINCRONIZADO)
    filas = list(
        no_sincronizadas.values("alumno_id", "alumno__nombre", "alumno__apellidos")
        .annotate(desde=Min("creado"), intentos=Max("intentos"),
                  sistemas=ArrayAgg(Concat("sistema", Value(":"), "estado"), order_by="sistema"))
        .order_by("desde", "alumno_id")[:limite]
    )
    total = len(filas) if len(filas) < limite else no_sincronizadas.values("alumno_id").distinct().count()
    nombres_sistema, nombres_estado = dict(Sistema.choices), dict(EstadoSincronizacion.choices)
    pendientes = []
    for fila in filas:
        sistemas = []
        for valor in fila["sistemas"]:
            sistema, estado = valor.split(":", 1)
            sistemas.append(f"{nombres_sistema.get(sistema, sistema)}: {nombres_estado.get(estado, estado).lower()}")
        pendientes.append(AlumnoPendiente(
            alumno_id=fila["alumno_id"], nombre=f"{fila['alumno__nombre']} {fila['alumno__apellidos']}".strip(),
            desde=fila["desde"], intentos=fila["intentos"], sistemas=sistemas,
        ))
    return pendientes, total


# --- enrollments in Aula -------------------------------------------------------------------------------
@dataclass(frozen=True)
class EstadoAula:
    """Where one enrollment stands in Aula, phrased for a page."""

    estado: str  # pendiente / enviada / cancelada / error / no_enviada
    texto: str  # "Enviada #12", "Pendiente: espera el alta del alumno en SII", "Error: …"
    id_aula: str
    reintentable: bool


def _texto_pendiente(fila: SincronizacionInscripcion) -> str:
    cuando = formats.date_format(timezone.localtime(fila.proximo_intento), "H:i:s")
    detalle = f" (último error: {fila.ultimo_error})" if fila.ultimo_error else ""
    return f"próximo intento {cuando}{detalle}"


def estados_aula(inscripciones) -> dict[int, EstadoAula]:
    """The Aula state of each enrollment (objects with ``pk``, ``alumno_id``, ``estado``), by pk.

    Two queries whatever the number: the enrollments' outbox rows and their alumnos' SII rows
    (an enrollment waits for its alumno in SII, and the page says so).
    """
    inscripciones = list(inscripciones)
    if not inscripciones:
        return {}
    filas: dict[int, dict[str, SincronizacionInscripcion]] = {}
    for fila in SincronizacionInscripcion.objects.using(DB_NEGOCIO).filter(
        inscripcion_id__in=[i.pk for i in inscripciones]
    ):
        filas.setdefault(fila.inscripcion_id, {})[fila.operacion] = fila
    sii = {
        f.alumno_id: f for f in SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(
            alumno_id__in={i.alumno_id for i in inscripciones}, sistema=Sistema.SII
        )
    }
    return {i.pk: _estado_aula(i, filas.get(i.pk, {}), sii.get(i.alumno_id)) for i in inscripciones}


def _estado_aula(inscripcion, filas: dict[str, SincronizacionInscripcion], sii: SincronizacionAlumno | None) -> EstadoAula:
    crear, cancelar = filas.get(OperacionInscripcion.CREAR), filas.get(OperacionInscripcion.CANCELAR)
    if crear is None:
        if inscripcion.estado == "cancelada":
            return EstadoAula("no_enviada", "Cancelada antes de llegar a Aula: no se envió", "", False)
        if inscripcion.estado == "por_pagar":
            return EstadoAula("no_enviada", "Se enviará a Aula cuando la venta quede pagada", "", False)
        return EstadoAula("no_enviada", "No se envía a Aula", "", False)
    if crear.estado == EstadoSincronizacion.ERROR:
        return EstadoAula("error", f"Error: {crear.ultimo_error}", "", True)
    if crear.estado == EstadoSincronizacion.PENDIENTE:
        if sii is None or sii.estado != EstadoSincronizacion.SINCRONIZADO:
            motivo = f" (SII: {estado_texto(sii)})" if sii is not None and sii.estado == EstadoSincronizacion.ERROR else ""
            return EstadoAula("pendiente", f"Pendiente: espera el alta del alumno en SII{motivo}", "", True)
        return EstadoAula("pendiente", f"Pendiente, {_texto_pendiente(crear)}", "", True)
    id_aula = crear.id_externo
    if cancelar is None:
        if inscripcion.estado == "cancelada":
            # Cancelled here with no cancellation queued: say so rather than "Enviada".
            return EstadoAula("error", f"Enviada #{id_aula}, sigue activa en Aula: la cancelación no se encoló",
                              id_aula, False)
        return EstadoAula("enviada", f"Enviada #{id_aula}", id_aula, False)
    if cancelar.estado == EstadoSincronizacion.SINCRONIZADO:
        return EstadoAula("cancelada", f"Cancelada en Aula #{id_aula}", id_aula, False)
    if cancelar.estado == EstadoSincronizacion.ERROR:
        return EstadoAula("error", f"Enviada #{id_aula}; error al cancelarla: {cancelar.ultimo_error}", id_aula, True)
    return EstadoAula("pendiente", f"Enviada #{id_aula}; cancelación pendiente, {_texto_pendiente(cancelar)}", id_aula, True)


def inscripciones_pendientes_aula(*, inscripcion_ids) -> set[int]:
    """Of these enrollments, those not (yet) in Aula as they should be: a row pending or in error."""
    return set(
        SincronizacionInscripcion.objects.using(DB_NEGOCIO)
        .filter(inscripcion_id__in=inscripcion_ids)
        .exclude(estado=EstadoSincronizacion.SINCRONIZADO)
        .values_list("inscripcion_id", flat=True)
    )
