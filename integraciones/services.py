"""The alumno outbox: queue, claim, send and record the outcome, safely from many processes.

Nothing here calls SII or Aula inside a database transaction: a row is *claimed* in a short
transaction (``SELECT ... FOR UPDATE SKIP LOCKED`` and a lease in ``proximo_intento``), the
HTTP calls happen outside, and the outcome is written in another short transaction, only if
the claim is still ours. A process that dies mid-call leaves the lease to expire; the next
attempt searches before creating and repeats the same Idempotency-Key, so nothing is
duplicated and nothing is lost.
"""

import datetime
import logging
import time
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clientes.models import Alumno
from integraciones.aula import cliente_aula
from integraciones.circuito import SinTiempo, circuitos_abiertos, circuitos_cerrar, plazos
from integraciones.circuito import circuito_exito as _circuito_exito
from integraciones.circuito import circuito_fallo as _circuito_fallo
from integraciones.circuito import espera_reintento as _espera_reintento
from integraciones.cliente_alumnos import ClienteAlumnos, DatosAlumno, Timeout
from integraciones.exceptions import (
    AlumnoNoEncontrado,
    AlumnoYaExiste,
    ErrorPermanente,
    ErrorTemporal,
    IntegracionError,
)
from integraciones.inscripciones import (
    inscripcion_encolar,
    inscripcion_reiniciar,
    inscripciones_intentar_ahora,
    inscripciones_procesar_lote,
)
from integraciones.models import (
    EstadoSincronizacion,
    Operacion,
    SincronizacionAlumno,
    SincronizacionInscripcion,
    Sistema,
)
from integraciones.sii import cliente_sii
from ventas_ingenio.router import DB_NEGOCIO

logger = logging.getLogger(__name__)

# Enrollments have their own module (integraciones/inscripciones.py); their entry points are
# also importable from here, next to the alumnos'.
__all__ = [
    "circuitos_abiertos", "circuitos_cerrar", "inscripcion_encolar", "inscripcion_reintentar",
    "inscripciones_procesar_lote", "sincronizacion_reintentar", "sincronizaciones_encolar",
    "sincronizaciones_intentar_ahora", "sincronizaciones_procesar_lote",
]

CLIENTES_API: dict[str, Callable[[], ClienteAlumnos]] = {Sistema.SII: cliente_sii, Sistema.AULA: cliente_aula}
CAMPO_ID_EXTERNO = {Sistema.SII: "id_alumno_sii", Sistema.AULA: "id_alumno_aula"}
PENDIENTE, SINCRONIZADO, ERROR = (
    EstadoSincronizacion.PENDIENTE,
    EstadoSincronizacion.SINCRONIZADO,
    EstadoSincronizacion.ERROR,
)


# --- queueing (called inside the client's transaction) -----------------------------------------
def sincronizaciones_encolar(*, alumno: Alumno, operacion: str = Operacion.CREAR) -> None:
    """Queue the alumno in every system, in the caller's transaction (the outbox).

    A new alumno gets one pending "crear" row per system. An edit re-queues: a system that
    already has the alumno gets an "actualizar" with a new Idempotency-Key; a create still
    pending keeps its key (the same alumno, sent with the current data); a create that ended
    in error is tried again with a new key.
    """
    ahora = timezone.now()
    for sistema in Sistema.values:
        fila, creada = SincronizacionAlumno.objects.using(DB_NEGOCIO).get_or_create(
            alumno=alumno, sistema=sistema, defaults={"proximo_intento": ahora}
        )
        if creada or operacion == Operacion.CREAR:
            continue
        cambios = {"estado": PENDIENTE, "intentos": 0, "proximo_intento": ahora, "reclamo": None, "ultimo_error": ""}
        if fila.id_externo:
            cambios.update(operacion=Operacion.ACTUALIZAR, clave=uuid.uuid4())
        elif fila.estado == ERROR:
            cambios.update(operacion=Operacion.CREAR, clave=uuid.uuid4())
        SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(pk=fila.pk).update(**cambios)


def sincronizacion_reintentar(*, sincronizacion: SincronizacionAlumno) -> None:
    """Put a row back in the queue now (the "Reintentar" button) and try it after commit."""
    with transaction.atomic(using=DB_NEGOCIO):
        SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(pk=sincronizacion.pk).exclude(
            estado=SINCRONIZADO, operacion=Operacion.CREAR
        ).update(estado=PENDIENTE, intentos=0, proximo_intento=timezone.now(), reclamo=None)
        alumno_id, sistema = sincronizacion.alumno_id, sincronizacion.sistema
        transaction.on_commit(
            lambda: sincronizaciones_intentar_ahora(alumno_id=alumno_id, sistemas=[sistema]), using=DB_NEGOCIO
        )


def inscripcion_reintentar(*, inscripcion_id: int) -> None:
    """"Reintentar" on an enrollment: its unsent Aula rows back in the queue now (same keys),
    and the alumno's SII row too when it failed (the enrollment waits for it). After commit,
    one immediate attempt: SII first, then the enrollment."""
    with transaction.atomic(using=DB_NEGOCIO):
        inscripcion_reiniciar(inscripcion_id=inscripcion_id)
        alumno_id = (
            SincronizacionInscripcion.objects.using(DB_NEGOCIO)
            .filter(inscripcion_id=inscripcion_id).values_list("inscripcion__alumno_id", flat=True).first()
        )
        if alumno_id is None:
            return
        SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(
            alumno_id=alumno_id, sistema=Sistema.SII, estado=ERROR
        ).update(estado=PENDIENTE, intentos=0, proximo_intento=timezone.now(), reclamo=None)

        def intentar():
            # One budget for both, as for a registration.
            limite = time.monotonic() + settings.INTEGRACIONES_PRESUPUESTO_INMEDIATO
            sincronizaciones_intentar_ahora(alumno_id=alumno_id, sistemas=[Sistema.SII],
                                            presupuesto=settings.INTEGRACIONES_PRESUPUESTO_INMEDIATO)
            inscripciones_intentar_ahora(inscripcion_ids=[inscripcion_id],
                                         presupuesto=max(0.0, limite - time.monotonic()))

        transaction.on_commit(intentar, using=DB_NEGOCIO)


# --- claiming ----------------------------------------------------------------------------------------
def _reclamar(filtro: dict, limite: int) -> tuple[uuid.UUID, list[int]]:
    ahora = timezone.now()
    reclamo = uuid.uuid4()
    with transaction.atomic(using=DB_NEGOCIO):
        ids = list(
            SincronizacionAlumno.objects.using(DB_NEGOCIO)
            .select_for_update(skip_locked=True)
            .filter(estado=PENDIENTE, proximo_intento__lte=ahora, **filtro)
            .exclude(sistema__in=list(circuitos_abiertos(ahora=ahora)))
            .order_by("proximo_intento", "id")
            .values_list("id", flat=True)[:limite]
        )
        if ids:
            SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(id__in=ids).update(
                reclamo=reclamo,
                proximo_intento=ahora + datetime.timedelta(seconds=settings.INTEGRACIONES_RECLAMO_SEGUNDOS),
            )
    return reclamo, ids


def sincronizaciones_procesar_lote(*, limite: int = 20) -> int:
    """Claim up to ``limite`` due rows (skipping rows other workers hold) and send them.

    Returns how many rows were claimed; 0 means nothing is due right now.
    """
    reclamo, ids = _reclamar({}, limite)
    for fila_id in ids:
        _procesar(fila_id=fila_id, reclamo=reclamo, limite_tiempo=None)
    return len(ids)


def sincronizaciones_intentar_ahora(
    *, alumno_id: int, sistemas: Iterable[str] | None = None, presupuesto: float | None = None
) -> None:
    """One immediate attempt per system for one alumno, bounded in total by ``presupuesto``.

    Runs after the registration commits (``transaction.on_commit``). Never raises: whatever
    does not finish in time stays queued for the worker.
    """
    presupuesto = settings.INTEGRACIONES_PRESUPUESTO_INMEDIATO if presupuesto is None else presupuesto
    limite_tiempo = time.monotonic() + presupuesto
    for sistema in sistemas or Sistema.values:
        if limite_tiempo - time.monotonic() < 0.05:
            break
        try:
            reclamo, ids = _reclamar({"alumno_id": alumno_id, "sistema": sistema}, 1)
            for fila_id in ids:
                _procesar(fila_id=fila_id, reclamo=reclamo, limite_tiempo=limite_tiempo)
        except Exception:  # noqa: BLE001 - the cashier's page must not fail because of SII/Aula
            logger.exception("Intento inmediato de sincronizar alumno %s en %s", alumno_id, sistema)


# --- sending -------------------------------------------------------------------------------------------
def _datos(alumno: Alumno) -> DatosAlumno:
    return DatosAlumno(
        nombre=alumno.nombre,
        apellido=alumno.apellidos,
        email=alumno.email,
        curp=alumno.curp or None,
        fecha_nacimiento=alumno.fecha_nacimiento,
    )


def _email_compartido(alumno: Alumno) -> bool:
    """Whether another alumno of ours has this alumno's email (siblings using their parent's):
    then SII/Aula's alumno with that email may be the sibling, never proof that it is this one."""
    if not alumno.email:
        return False
    return Alumno.objects.using(DB_NEGOCIO).filter(email__iexact=alumno.email).exclude(pk=alumno.pk).exists()


def _id_de_otro_alumno(sistema: str, id_externo: str, alumno_id: int) -> bool:
    """Whether ``id_externo`` is already the id of another alumno of ours in ``sistema``."""
    campo = CAMPO_ID_EXTERNO[sistema]
    return Alumno.objects.using(DB_NEGOCIO).filter(**{campo: id_externo}).exclude(pk=alumno_id).exists()


def _es_el_mismo(existente, datos: DatosAlumno) -> bool:
    # Two different CURPs are two different people, whatever email they share.
    return not (existente.curp and datos.curp and existente.curp.upper() != datos.curp.upper())


def _enviar(api: ClienteAlumnos, fila: SincronizacionAlumno, tiempo: Callable[[], Timeout | None]) -> str:
    """Do the row's operation; return the alumno's id in that system.

    Search before create, so a retry after a lost answer finds the alumno made the first
    time: by CURP when there is one; by email only when no other alumno of ours shares it
    (siblings may use their mother's email, and finding the sibling must not merge the two).
    Otherwise the Idempotency-Key alone prevents the duplicate. A 409 that names an id already
    belonging to another of our alumnos is refused for the same reason.
    """
    alumno = fila.alumno
    datos = _datos(alumno)
    clave = str(fila.clave)
    if fila.operacion == Operacion.ACTUALIZAR and fila.id_externo:
        try:
            return api.actualizar(fila.id_externo, datos, clave=clave, timeout=tiempo()).id
        except AlumnoNoEncontrado:
            # The system no longer knows the id we hold: register the alumno again, searching first.
            logger.warning("%s no conoce al alumno %s (#%s): se registra de nuevo",
                           api.nombre_sistema, alumno.pk, fila.id_externo)
    existente = api.buscar_por_curp(datos.curp, timeout=tiempo()) if datos.curp else None
    if existente is not None and _id_de_otro_alumno(fila.sistema, existente.id, alumno.pk):
        raise ErrorPermanente(
            f"{api.nombre_sistema} tiene esta CURP en el alumno {existente.id}, que ya es de otro alumno nuestro; "
            "revise las CURP de los dos alumnos.",
        )
    if existente is None and datos.email and not _email_compartido(alumno):
        encontrado = api.buscar_por_email(datos.email, timeout=tiempo())
        if (encontrado is not None and _es_el_mismo(encontrado, datos)
                and not _id_de_otro_alumno(fila.sistema, encontrado.id, alumno.pk)):
            existente = encontrado
    if existente:
        return existente.id
    try:
        return api.crear(datos, clave=clave, timeout=tiempo()).id
    except AlumnoYaExiste as error:
        if error.id_existente and not _id_de_otro_alumno(fila.sistema, error.id_existente, alumno.pk):
            return error.id_existente
        if error.id_existente:
            raise ErrorPermanente(
                f"{api.nombre_sistema} dice que el alumno ya existe (409) con el id {error.id_existente}, que es de "
                "otro alumno nuestro (¿un hermano con el mismo correo?); revise los datos del alumno.",
                estado_http=409,
            ) from error
        raise ErrorPermanente(
            f"{api.nombre_sistema} dice que el alumno ya existe (409) pero no lo encuentra por CURP ni por correo; "
            "revise los datos del alumno.",
            estado_http=409,
        ) from error


def _procesar(*, fila_id: int, reclamo: uuid.UUID, limite_tiempo: float | None) -> None:
    fila = SincronizacionAlumno.objects.using(DB_NEGOCIO).select_related("alumno").get(pk=fila_id)
    mia = SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(pk=fila_id, reclamo=reclamo)
    abierto = circuitos_abiertos().get(fila.sistema)
    if abierto:
        mia.update(reclamo=None, proximo_intento=abierto)
        return

    tiempo = plazos(limite_tiempo)

    ahora = timezone.now
    try:
        id_externo = _enviar(CLIENTES_API[fila.sistema](), fila, tiempo)
    except SinTiempo:
        mia.update(reclamo=None, proximo_intento=ahora())
        return
    except ErrorTemporal as error:
        _circuito_fallo(fila.sistema, error.mensaje)
        intentos = fila.intentos + 1
        if intentos >= settings.INTEGRACIONES_MAX_INTENTOS:
            mia.update(
                reclamo=None, intentos=intentos, estado=ERROR,
                ultimo_error=f"{error.mensaje} (se agotaron {intentos} intentos)",
            )
        else:
            espera = datetime.timedelta(seconds=_espera_reintento(intentos, error))
            mia.update(reclamo=None, intentos=intentos, proximo_intento=ahora() + espera, ultimo_error=error.mensaje)
        return
    except IntegracionError as error:
        # The system answered (so the circuit is fine) but retrying cannot help.
        _circuito_exito(fila.sistema)
        mia.update(reclamo=None, intentos=fila.intentos + 1, estado=ERROR, ultimo_error=error.mensaje)
        return
    _circuito_exito(fila.sistema)
    with transaction.atomic(using=DB_NEGOCIO):
        if mia.update(
            reclamo=None, intentos=fila.intentos + 1, estado=SINCRONIZADO, id_externo=id_externo,
            ultimo_error="", sincronizado_en=ahora(),
        ):
            Alumno.objects.using(DB_NEGOCIO).filter(pk=fila.alumno_id).update(
                **{CAMPO_ID_EXTERNO[fila.sistema]: id_externo}
            )
