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


class SincronizacionAlumno(models.Model):
    """One row per client and external system: what still has to be sent there.

    Written in the same transaction as the client (an outbox). ``clave`` is the
    Idempotency-Key of the pending operation: it changes only when a new operation is
    queued (an edit), never between retries of the same one. ``reclamo`` marks the
    worker that holds the row until ``proximo_intento`` (its lease); a worker that dies
    simply lets the lease expire and another one picks the row up.
    """

    id = models.BigAutoField(primary_key=True)
    cliente = models.ForeignKey("clientes.Cliente", on_delete=models.CASCADE, related_name="sincronizaciones")
    sistema = models.CharField(max_length=8, choices=Sistema.choices)
    operacion = models.CharField(max_length=12, choices=Operacion.choices, default=Operacion.CREAR)
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
        db_table = "integraciones_sincronizacion_alumno"
        verbose_name = "sincronización de alumno"
        verbose_name_plural = "sincronizaciones de alumnos"
        ordering = ["cliente_id", "sistema"]
        constraints = [
            models.UniqueConstraint(fields=["cliente", "sistema"], name="sincronizacion_una_por_sistema"),
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
        return f"{self.get_sistema_display()} · cliente {self.cliente_id} · {self.get_estado_display()}"


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
