"""The outbox of alumno registrations in SII and Aula, and each system's circuit breaker."""

import uuid

from django.db import models
from django.db.models import Q


class Sistema(models.TextChoices):
    SII = "sii", "SII"
    AULA = "aula", "Aula"


class EstadoSincronizacion(models.TextChoices):
    PENDIENTE = "pendiente", "Pendiente"
    SINCRONIZADO = "sincronizado", "Sincronizado"
    ERROR = "error", "Error"


class Operacion(models.TextChoices):
    CREAR = "crear", "Crear alumno"
    ACTUALIZAR = "actualizar", "Actualizar alumno"


class FilaBandejaSalida(models.Model):
    """What every outbox row carries: its Idempotency-Key (``clave``: it changes only when a new
    operation is queued, never between retries), its state and attempts, and the lease a worker
    holds on it (``reclamo`` until ``proximo_intento``)."""

    clave = models.UUIDField("Idempotency-Key", default=uuid.uuid4)
    estado = models.CharField(max_length=14, choices=EstadoSincronizacion.choices, default=EstadoSincronizacion.PENDIENTE)
    intentos = models.PositiveIntegerField(default=0)
    proximo_intento = models.DateTimeField("próximo intento", db_default=models.functions.Now())
    reclamo = models.UUIDField(null=True, blank=True, editable=False)
    id_externo = models.CharField("id externo", max_length=64, blank=True)
    ultimo_error = models.TextField("último error", blank=True)
    sincronizado_en = models.DateTimeField(null=True, blank=True)
    creado = models.DateTimeField(auto_now_add=True)
    actualizado = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SincronizacionAlumno(FilaBandejaSalida):
    """One row per alumno and external system: what still has to be sent there.

    Written in the same transaction as the alumno (an outbox). ``clave`` is the
    Idempotency-Key of the pending operation: it changes only when a new operation is
    queued (an edit), never between retries of the same one. ``reclamo`` marks the
    worker that holds the row until ``proximo_intento`` (its lease); a worker that dies
    simply lets the lease expire and another one picks the row up.
    """

    id = models.BigAutoField(primary_key=True)
    alumno = models.ForeignKey("clientes.Alumno", on_delete=models.CASCADE, related_name="sincronizaciones")
    sistema = models.CharField(max_length=8, choices=Sistema.choices)
    operacion = models.CharField(max_length=12, choices=Operacion.choices, default=Operacion.CREAR)

    class Meta:
        db_table = "integraciones_sincronizacion_alumno"
        verbose_name = "sincronización de alumno"
        verbose_name_plural = "sincronizaciones de alumnos"
        ordering = ["alumno_id", "sistema"]
        constraints = [
            models.UniqueConstraint(fields=["alumno", "sistema"], name="sincronizacion_una_por_sistema"),
            models.CheckConstraint(condition=Q(sistema__in=Sistema.values), name="sincronizacion_sistema_valido"),
            models.CheckConstraint(
                condition=Q(estado__in=EstadoSincronizacion.values), name="sincronizacion_estado_valido"
            ),
            models.CheckConstraint(
                condition=~Q(estado=EstadoSincronizacion.SINCRONIZADO) | ~Q(id_externo=""),
                name="sincronizacion_sincronizada_tiene_id",
            ),
        ]
        indexes = [
            models.Index(
                fields=["proximo_intento"],
                condition=Q(estado="pendiente"),
                name="sincronizacion_pendientes_idx",
            )
        ]

    def __str__(self):
        return f"{self.get_sistema_display()} · alumno {self.alumno_id} · {self.get_estado_display()}"


class OperacionInscripcion(models.TextChoices):
    CREAR = "crear", "Inscribir"
    CANCELAR = "cancelar", "Cancelar inscripción"


class SincronizacionInscripcion(FilaBandejaSalida):
    """Outbox of enrollments to send to Aula: one row per enrollment and operation.

    Written in the checkout's transaction (``crear``) or the return's (``cancelar``). The worker
    sends ``crear`` only once the alumno's SII row is synchronised (Aula needs
    ``alumno_sii_id``), and ``cancelar`` only after ``crear`` is done. Same lease, backoff and
    Idempotency-Key rules as :class:`SincronizacionAlumno`.
    """

    id = models.BigAutoField(primary_key=True)
    inscripcion = models.ForeignKey("cursos.Inscripcion", on_delete=models.CASCADE, related_name="sincronizaciones")
    operacion = models.CharField(max_length=10, choices=OperacionInscripcion.choices)

    class Meta:
        db_table = "integraciones_sincronizacion_inscripcion"
        verbose_name = "envío de inscripción a Aula"
        verbose_name_plural = "envíos de inscripciones a Aula"
        ordering = ["inscripcion_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inscripcion", "operacion"], name="sincronizacion_inscripcion_una"),
            models.CheckConstraint(condition=Q(operacion__in=OperacionInscripcion.values),
                                   name="sincronizacion_inscripcion_operacion"),
            models.CheckConstraint(condition=Q(estado__in=EstadoSincronizacion.values),
                                   name="sincronizacion_inscripcion_estado"),
            models.CheckConstraint(
                condition=~Q(estado=EstadoSincronizacion.SINCRONIZADO) | ~Q(id_externo=""),
                name="sincronizacion_inscripcion_con_id",
            ),
        ]
        indexes = [
            models.Index(fields=["proximo_intento"], condition=Q(estado="pendiente"),
                         name="sinc_inscripcion_pendiente_idx"),
        ]

    def __str__(self):
        return f"Aula · inscripción {self.inscripcion_id} · {self.get_operacion_display()} · {self.get_estado_display()}"


class CircuitoSistema(models.Model):
    """Circuit breaker of one external system, shared by every process through the database.

    After ``UMBRAL`` consecutive temporary failures the circuit opens until ``abierto_hasta``:
    nobody calls the system meanwhile. Afterwards calls go through again (half-open); one
    success closes it, one more failure re-opens it.
    """

    sistema = models.CharField(max_length=8, choices=Sistema.choices, primary_key=True)
    fallos_consecutivos = models.PositiveIntegerField(default=0)
    abierto_hasta = models.DateTimeField(null=True, blank=True)
    ultimo_error = models.TextField(blank=True)
    actualizado = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "integraciones_circuito_sistema"
        verbose_name = "circuito de sistema externo"
        verbose_name_plural = "circuitos de sistemas externos"

    def __str__(self):
        return f"{self.get_sistema_display()}: {self.fallos_consecutivos} fallos"
