from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

NOMBRE_PUBLICO_GENERAL = "Público en general"


class Cliente(models.Model):
    """A shop client, usually a student or a parent, on the legacy table ``cat_cliente``.

    The first six columns keep the names of the first version of the system (schema
    continuity). A named client is registered as an alumno in SII and Aula through the
    outbox in ``integraciones``; the walk-in client ("Público en general") never is.
    """

    id_cliente = models.BigAutoField(primary_key=True)
    nombre = models.CharField("nombre", max_length=100)
    apellidos = models.CharField("apellidos", max_length=150, blank=True)
    direccion = models.CharField("dirección", max_length=255, blank=True)
    email = models.EmailField("correo electrónico", max_length=254, blank=True)
    telefono = models.CharField("teléfono", max_length=15, blank=True)
    curp = models.CharField("CURP", max_length=18, null=True, blank=True, unique=True)
    fecha_nacimiento = models.DateField("fecha de nacimiento", null=True, blank=True)
    activo = models.BooleanField("activo", default=True)
    es_publico_general = models.BooleanField("público en general", default=False, editable=False)
    id_alumno_sii = models.CharField("id de alumno en SII", max_length=64, blank=True, editable=False)
    id_alumno_aula = models.CharField("id de alumno en Aula", max_length=64, blank=True, editable=False)
    creado = models.DateTimeField("creado", auto_now_add=True)
    actualizado = models.DateTimeField("actualizado", auto_now=True)

    class Meta:
        db_table = "cat_cliente"
        verbose_name = "cliente"
        verbose_name_plural = "clientes"
        ordering = ["nombre", "apellidos", "id_cliente"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(activo=True) & ~Q(email=""),
                name="cliente_email_activo_unico",
                violation_error_message="Ya hay un cliente activo con ese correo.",
            ),
            models.UniqueConstraint(
                fields=["es_publico_general"],
                condition=Q(es_publico_general=True),
                name="cliente_un_solo_publico_general",
            ),
            models.CheckConstraint(
                condition=Q(es_publico_general=True) | ~Q(email=""),
                name="cliente_email_requerido",
            ),
            models.CheckConstraint(condition=Q(telefono__regex=r"^[0-9]*$"), name="cliente_telefono_digitos"),
            models.CheckConstraint(
                condition=Q(curp__isnull=True) | Q(curp__regex=r"^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{5}[A-Z0-9][0-9]$"),
                name="cliente_curp_formato",
            ),
        ]
        indexes = [models.Index(Lower("email"), name="cliente_email_lower_idx")]

    def __str__(self):
        return self.nombre_completo

    @property
    def nombre_completo(self) -> str:
        return f"{self.nombre} {self.apellidos}".strip()
