"""The enrollment outbox: send ``SincronizacionInscripcion`` rows to Aula, in order, from many processes.

The same machinery as the alumno rows (``integraciones/services.py``): a row is claimed in a
short transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` and a lease in ``proximo_intento``),
the HTTP call happens outside any transaction with the row's ``clave`` as Idempotency-Key,
and the outcome is written only if the claim is still ours. Temporary failures wait with
exponential backoff and jitter and count towards ``INTEGRACIONES_MAX_INTENTOS``; Aula's
circuit breaker (``CircuitoSistema``) is the one alumno rows use.

Ordering, enforced by the claim itself (a row that may not go yet is simply not claimed):

- ``crear`` waits until the alumno's SII row is *sincronizado* (Aula needs ``alumno_sii_id``),
  and until every earlier ``cancelar`` of the same alumno in the same edition is done (else the
  409 of the old, not yet cancelled enrollment would be adopted, then cancelled).
- ``cancelar`` waits until its own ``crear`` is done (it needs Aula's id).
- A cancellation queued while the ``crear`` has never been attempted (``intentos = 0``, not
  claimed) deletes that ``crear`` and queues nothing: Aula never heard of the enrollment. Once
  a ``crear`` was attempted it may have reached Aula (a lost answer), so it is sent (the same
  key gets back what Aula kept) and then cancelled.
- Aula's 422 ``AlumnoNoEnSII`` puts the row back in the queue with backoff (SII may not have
  propagated yet), not in error; after ``INTEGRACIONES_MAX_INTENTOS`` it is an error.
"""

import datetime
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from integraciones.aula import ClienteAula, DatosInscripcion, cliente_aula
from integraciones.circuito import (
    SinTiempo,
    circuito_exito,
    circuito_fallo,
    circuitos_abiertos,
    espera_reintento,
    plazos,
)
from integraciones.cliente_alumnos import Timeout
from integraciones.exceptions import (
    AlumnoNoEnSII,
    ErrorPermanente,
    ErrorTemporal,
    InscripcionYaExiste,
    IntegracionError,
    RespuestaIlegible,
)
from integraciones.models import (
    EstadoSincronizacion,
    Operacion,
    OperacionInscripcion,
    SincronizacionAlumno,
    SincronizacionInscripcion,
    Sistema,
)
from ventas_ingenio.router import DB_NEGOCIO

logger = logging.getLogger("integraciones.services")

PENDIENTE, SINCRONIZADO, ERROR = (
    EstadoSincronizacion.PENDIENTE,
    EstadoSincronizacion.SINCRONIZADO,
    EstadoSincronizacion.ERROR,
)
CREAR, CANCELAR = OperacionInscripcion.CREAR, OperacionInscripcion.CANCELAR
AULA = Sistema.AULA

# cursos.Inscripcion, reached through the foreign key: integraciones does not import cursos.
_Inscripcion = SincronizacionInscripcion._meta.get_field("inscripcion").related_model

# Enrollments queued by this thread's transactions, tried once right after they commit.
_por_intentar = threading.local()


def _filas():
    return SincronizacionInscripcion.objects.using(DB_NEGOCIO)


# --- queueing (inside the caller's transaction) ----------------------------------------------------
def inscripcion_encolar(*, inscripcion_id: int, operacion: str) -> None:
    """Queue an enrollment's creation or cancellation in Aula, in the caller's transaction.

    Called by the checkout (``crear``) and by a return or cancellation of the line
    (``cancelar``). Idempotent: queuing the same operation twice keeps one row. A ``cancelar``
    whose ``crear`` never left this database removes that ``crear`` instead (nothing to undo in
    Aula). After the caller commits, one immediate attempt for everything it queued, bounded
    in total by ``INTEGRACIONES_PRESUPUESTO_INMEDIATO``; the rest is the worker's.
    """
    if operacion not in OperacionInscripcion.values:
        raise ValueError(f"Operación de inscripción desconocida: {operacion!r}")
    # A savepoint inside the caller's transaction (its own transaction if called outside one).
    with transaction.atomic(using=DB_NEGOCIO):
        if operacion == CANCELAR:
            # The lock waits for a worker's claim transaction (short) and keeps workers off the row.
            crear = _filas().select_for_update().filter(inscripcion_id=inscripcion_id, operacion=CREAR).first()
            if crear is None:
                return
            if crear.estado == PENDIENTE and crear.intentos == 0 and crear.reclamo is None:
                crear.delete()
                return
        _, creada = _filas().get_or_create(
            inscripcion_id=inscripcion_id, operacion=operacion, defaults={"proximo_intento": timezone.now()}
        )
        if creada:
            _agendar_intento(inscripcion_id)


def _agendar_intento(inscripcion_id: int) -> None:
    # One list per thread: several enrollments of one checkout share one time budget. Ids left
    # by a rolled-back transaction are tried at the next commit and simply find nothing.
    pendientes = getattr(_por_intentar, "ids", None)
    if pendientes is None:
        pendientes = _por_intentar.ids = []
    pendientes.append(inscripcion_id)
    transaction.on_commit(_intentar_agendadas, using=DB_NEGOCIO)


def _intentar_agendadas() -> None:
    ids, _por_intentar.ids = getattr(_por_intentar, "ids", None) or [], []
    if ids:
        inscripciones_intentar_ahora(inscripcion_ids=ids)


def inscripcion_reiniciar(*, inscripcion_id: int) -> int:
    """Put the enrollment's unsent rows back in the queue, due now, attempts at zero (same key).

    Part of "Reintentar" (``integraciones.services.inscripcion_reintentar``); returns how many
    rows were re-queued.
    """
    return _filas().filter(inscripcion_id=inscripcion_id).exclude(estado=SINCRONIZADO).update(
        estado=PENDIENTE, intentos=0, proximo_intento=timezone.now(), reclamo=None
    )


# --- claiming -------------------------------------------------------------------------------------
def _listas():
    """The rows whose turn it is (see the ordering rules in the module docstring)."""
    sii_listo = Exists(
        SincronizacionAlumno.objects.filter(
            alumno_id=OuterRef("inscripcion__alumno_id"), sistema=Sistema.SII, estado=SINCRONIZADO
        ).exclude(id_externo="")
    )
    # Driven from the edition's few enrollments (its index), then one probe of the unique
    # (inscripcion, operacion) index each: the cost does not grow with the outbox's history.
    cancelacion_previa = Exists(
        _Inscripcion.objects.filter(
            edicion_id=OuterRef("inscripcion__edicion_id"),
            alumno_id=OuterRef("inscripcion__alumno_id"),
            pk__lt=OuterRef("inscripcion_id"),
        ).filter(Exists(
            SincronizacionInscripcion.objects.filter(inscripcion_id=OuterRef("pk"), operacion=CANCELAR)
            .exclude(estado=SINCRONIZADO)
        ))
    )
    crear_hecho = Exists(
        SincronizacionInscripcion.objects.filter(
            inscripcion_id=OuterRef("inscripcion_id"), operacion=CREAR, estado=SINCRONIZADO
        )
    )
    return Q(operacion=CREAR) & Q(sii_listo) & ~Q(cancelacion_previa) | Q(operacion=CANCELAR) & Q(crear_hecho)


def _reclamar(filtro: Q, limite: int) -> tuple[uuid.UUID, list[int]]:
    ahora = timezone.now()
    reclamo = uuid.uuid4()
    if AULA in circuitos_abiertos(ahora=ahora):
        return reclamo, []
    with transaction.atomic(using=DB_NEGOCIO):
        ids = list(
            _filas()
            .select_for_update(skip_locked=True, of=("self",))
            .filter(filtro, _listas(), estado=PENDIENTE, proximo_intento__lte=ahora)
            .order_by("proximo_intento", "id")
            .values_list("id", flat=True)[:limite]
        )
        if ids:
            _filas().filter(id__in=ids).update(
                reclamo=reclamo,
                proximo_intento=ahora + datetime.timedelta(seconds=settings.INTEGRACIONES_RECLAMO_SEGUNDOS),
            )
    return reclamo, ids


def inscripciones_procesar_lote(*, limite: int = 20) -> int:
    """Claim up to ``limite`` enrollment rows whose turn it is and send them to Aula.

    Returns how many rows were claimed; 0 means nothing is due right now.
    """
    reclamo, ids = _reclamar(Q(), limite)
    for fila_id in ids:
        _procesar(fila_id=fila_id, reclamo=reclamo, limite_tiempo=None)
    return len(ids)


def inscripciones_intentar_ahora(*, inscripcion_ids: Iterable[int], presupuesto: float | None = None) -> None:
    """One immediate attempt for these enrollments' due rows, bounded in total by ``presupuesto``.

    Runs after the checkout or the return commits. Never raises: whatever is not done in time
    (or may not go yet) stays queued for the worker.
    """
    presupuesto = settings.INTEGRACIONES_PRESUPUESTO_INMEDIATO if presupuesto is None else presupuesto
    limite_tiempo = time.monotonic() + presupuesto
    ids_inscripcion = sorted(set(inscripcion_ids))
    try:
        # Twice: a crear done now lets its cancelar (queued by the same return) go too.
        for _ in range(2):
            if limite_tiempo - time.monotonic() < 0.05:
                return
            reclamo, ids = _reclamar(Q(inscripcion_id__in=ids_inscripcion), len(ids_inscripcion) * 2)
            if not ids:
                return
            for fila_id in ids:
                _procesar(fila_id=fila_id, reclamo=reclamo, limite_tiempo=limite_tiempo)
    except Exception:  # noqa: BLE001 - the cashier's page must not fail because of Aula
        logger.exception("Intento inmediato de enviar inscripciones %s a Aula", ids_inscripcion)


# --- sending --------------------------------------------------------------------------------------
def _crear(api: ClienteAula, fila: SincronizacionInscripcion, tiempo: Callable[[], Timeout | None]) -> str:
    inscripcion = fila.inscripcion
    alumno_sii_id = (
        SincronizacionAlumno.objects.using(DB_NEGOCIO)
        .filter(alumno_id=inscripcion.alumno_id, sistema=Sistema.SII)
        .values_list("id_externo", flat=True)
        .first()
    )
    datos = DatosInscripcion(
        cliente_id=inscripcion.venta_detalle.venta.cliente_id,
        curso_id=inscripcion.edicion.curso_id,
        edicion_id=inscripcion.edicion_id,
        alumno_sii_id=alumno_sii_id or inscripcion.alumno.id_alumno_sii,
        estado=inscripcion.estado,
    )
    try:
        return api.inscripcion_crear(datos=datos, clave_idempotencia=str(fila.clave), timeout=tiempo()).id
    except InscripcionYaExiste as error:
        if not error.id_existente:
            # Aula has no search of enrollments (docs/integraciones.md): nothing to look it up by.
            raise ErrorPermanente(
                "Aula dice que el alumno ya tiene una inscripción activa en esta edición (409) y no dice cuál; "
                "búsquela en Aula: si es esta, cancélela allá o pida a sistemas que la enlace.",
                estado_http=409,
            ) from error
        otra = (
            _Inscripcion.objects.using(DB_NEGOCIO)
            .filter(edicion_id=inscripcion.edicion_id, id_aula=error.id_existente)
            .exclude(pk=inscripcion.pk)
            .values_list("pk", flat=True)
            .first()
        )
        if otra is not None:
            raise ErrorPermanente(
                f"Aula dice que el alumno ya tiene la inscripción #{error.id_existente} en esta edición, "
                f"que es la de nuestra inscripción {otra}; cancele aquella primero.",
                estado_http=409,
            ) from error
        # Ours, made by an attempt whose answer was lost (or enrolled by hand): adopt it.
        return error.id_existente


def _cancelar(api: ClienteAula, fila: SincronizacionInscripcion, tiempo: Callable[[], Timeout | None]) -> str:
    id_aula = (
        _filas().filter(inscripcion_id=fila.inscripcion_id, operacion=CREAR, estado=SINCRONIZADO)
        .values_list("id_externo", flat=True).first()
    ) or fila.inscripcion.id_aula
    if not id_aula:
        raise ErrorPermanente("No se sabe el id de la inscripción en Aula; no se puede cancelar.")
    return api.inscripcion_cancelar(id_externo=id_aula, clave_idempotencia=str(fila.clave), timeout=tiempo()).id


def _sii_verificar(*, alumno_id: int) -> None:
    """Queue the alumno's synchronised SII row again as an update with a new key (see above)."""
    SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(
        alumno_id=alumno_id, sistema=Sistema.SII, estado=SINCRONIZADO
    ).exclude(id_externo="").update(
        estado=PENDIENTE, operacion=Operacion.ACTUALIZAR, clave=uuid.uuid4(), intentos=0,
        proximo_intento=timezone.now(), reclamo=None, ultimo_error="Aula no lo encontró en SII: se verifica.",
    )


def _procesar(*, fila_id: int, reclamo: uuid.UUID, limite_tiempo: float | None) -> None:
    fila = _filas().select_related(
        "inscripcion__alumno", "inscripcion__edicion", "inscripcion__venta_detalle__venta"
    ).get(pk=fila_id)
    mia = _filas().filter(pk=fila_id, reclamo=reclamo)
    abierto = circuitos_abiertos().get(AULA)
    if abierto:
        mia.update(reclamo=None, proximo_intento=abierto)
        return

    tiempo = plazos(limite_tiempo)

    ahora = timezone.now
    intentos = fila.intentos + 1

    def esperar(error: IntegracionError) -> None:
        if intentos >= settings.INTEGRACIONES_MAX_INTENTOS:
            mia.update(reclamo=None, intentos=intentos, estado=ERROR,
                       ultimo_error=f"{error.mensaje} (se agotaron {intentos} intentos)")
        else:
            espera = datetime.timedelta(seconds=espera_reintento(intentos, error))
            mia.update(reclamo=None, intentos=intentos, proximo_intento=ahora() + espera, ultimo_error=error.mensaje)

    try:
        enviar = _crear if fila.operacion == CREAR else _cancelar
        id_aula = enviar(cliente_aula(), fila, tiempo)
    except SinTiempo:
        mia.update(reclamo=None, proximo_intento=ahora())
        return
    except (ErrorTemporal, RespuestaIlegible) as error:
        # A body that is not JSON is most often a proxy's page while Aula restarts; asking again
        # with the same Idempotency-Key is safe, so it waits like a 503 instead of failing.
        circuito_fallo(AULA, error.mensaje)
        esperar(error)
        return
    except AlumnoNoEnSII as error:
        # Aula answered (circuit fine) that SII does not know the alumno: wait behind SII, and
        # have the alumno's SII row confirm the id we hold (an update; if SII answers that it
        # does not know it, the alumno is registered again, searching first). The enrollment
        # is claimed again only once that row is synchronised.
        circuito_exito(AULA)
        _sii_verificar(alumno_id=fila.inscripcion.alumno_id)
        esperar(error)
        return
    except IntegracionError as error:
        circuito_exito(AULA)
        mia.update(reclamo=None, intentos=intentos, estado=ERROR, ultimo_error=error.mensaje)
        return
    circuito_exito(AULA)
    with transaction.atomic(using=DB_NEGOCIO):
        if mia.update(reclamo=None, intentos=intentos, estado=SINCRONIZADO, id_externo=id_aula,
                      ultimo_error="", sincronizado_en=ahora()) and fila.operacion == CREAR:
            _Inscripcion.objects.using(DB_NEGOCIO).filter(pk=fila.inscripcion_id).update(id_aula=id_aula)
