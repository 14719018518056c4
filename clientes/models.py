from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

NOMBRE_PUBLICO_GENERAL = "Público en general"
PATRON_CURP_BD = r"^[A-Z][AEIOUX][A-Z]{2}[0-9]{6}[HMX][A-Z]{5}[A-Z0-9][0-9]$"
# Persona física (13) or moral (12): letters (Ñ and & allowed), date, homoclave.
PATRON_RFC_BD = r"^[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}$"


class TipoCliente(models.TextChoices):
    PERSONA = "persona", "Persona"
    EMPRESA = "empresa", "Empresa"


class Cliente(models.Model):
    """Who pays: a person (a parent, a student paying for themself) or a company.

    Legacy table ``cat_cliente`` (the first six columns keep the first version's names). Its
    CURP, birth date and SII/Aula ids moved to ``Alumno`` (migrations integraciones 0002 and
    clientes 0004).
    A client is never sent to SII or Aula: only :class:`Alumno` rows are. A client pays for
    any number of alumnos and an alumno may have several clients who pay (``AlumnoResponsable``).
    """

    id_cliente = models.BigAutoField(primary_key=True)
    tipo = models.CharField("tipo", max_length=8, choices=TipoCliente.choices, default=TipoCliente.PERSONA,
                            db_default=TipoCliente.PERSONA)
    nombre = models.CharField("nombre", max_length=100)
    apellidos = models.CharField("apellidos", max_length=150, blank=True)
    direccion = models.CharField("dirección", max_length=255, blank=True)
    email = models.EmailField("correo electrónico", max_length=254, blank=True)
    telefono = models.CharField("teléfono", max_length=15, blank=True)
    rfc = models.CharField("RFC", max_length=13, blank=True, default="", db_default="")
    activo = models.BooleanField("activo", default=True)
    es_publico_general = models.BooleanField("público en general", default=False, editable=False)
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
            models.CheckConstraint(condition=Q(telefono__regex=r"^[0-9]*$"), name="cliente_telefono_digitos"),
            models.CheckConstraint(
                condition=Q(rfc="") | Q(rfc__regex=PATRON_RFC_BD), name="cliente_rfc_formato"
            ),
            models.CheckConstraint(condition=Q(tipo__in=TipoCliente.values), name="cliente_tipo_valido"),
        ]
        indexes = [models.Index(Lower("email"), name="cliente_email_lower_idx")]

    def __str__(self):
        return self.nombre_completo

    @property
    def nombre_completo(self) -> str:
        return f"{self.nombre} {self.apellidos}".strip()


class Alumno(models.Model):
    """Someone who studies at the institute: the only kind of person sent to SII and Aula.

    CURP, email and matrícula are optional (a small child has no email; siblings may use their
    parent's). The CURP and a non-empty matrícula are unique. ``ciclo_escolar``, ``grado`` and
    ``grupo`` are free text where the school uses them. ``por_confirmar`` marks alumnos created by
    the migration from clients without a CURP (they were registered in SII/Aula by the first
    version, which sent every client): staff confirm that they study, or unlink them.
    """

    id = models.BigAutoField(primary_key=True, db_column="id_alumno")
    nombre = models.CharField("nombre", max_length=100)
    apellidos = models.CharField("apellidos", max_length=150, blank=True)
    curp = models.CharField("CURP", max_length=18, null=True, blank=True, unique=True)
    fecha_nacimiento = models.DateField("fecha de nacimiento", null=True, blank=True)
    email = models.EmailField("correo electrónico", max_length=254, blank=True)
    telefono = models.CharField("teléfono", max_length=15, blank=True)
    matricula = models.CharField("matrícula", max_length=30, blank=True)
    ciclo_escolar = models.CharField("ciclo escolar", max_length=20, blank=True)
    grado = models.CharField("grado", max_length=20, blank=True)
    grupo = models.CharField("grupo", max_length=20, blank=True)
    activo = models.BooleanField("activo", default=True)
    por_confirmar = models.BooleanField("por confirmar", default=False, editable=False)
    id_alumno_sii = models.CharField("id en SII", max_length=64, blank=True, editable=False)
    id_alumno_aula = models.CharField("id en Aula", max_length=64, blank=True, editable=False)
    responsables = models.ManyToManyField(
        Cliente, through="AlumnoResponsable", related_name="alumnos", verbose_name="responsables"
    )
    creado = models.DateTimeField("creado", auto_now_add=True)
    actualizado = models.DateTimeField("actualizado", auto_now=True)

    class Meta:
        db_table = "cat_alumno"
        verbose_name = "alumno"
        verbose_name_plural = "alumnos"
        ordering = ["apellidos", "nombre", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["matricula"], condition=~Q(matricula=""), name="alumno_matricula_unica",
                violation_error_message="Ya hay un alumno con esa matrícula.",
            ),
            models.CheckConstraint(condition=Q(telefono__regex=r"^[0-9]*$"), name="alumno_telefono_digitos"),
            models.CheckConstraint(
                condition=Q(curp__isnull=True) | Q(curp__regex=PATRON_CURP_BD), name="alumno_curp_formato"
            ),
        ]
        indexes = [
            models.Index(Lower("email"), name="alumno_email_lower_idx"),
            models.Index(fields=["ciclo_escolar", "grado", "grupo"], name="alumno_ciclo_grado_grupo_idx"),
        ]

    def __str__(self):
        return self.nombre_completo

    @property
    def nombre_completo(self) -> str:
        return f"{self.nombre} {self.apellidos}".strip()


class Parentesco(models.TextChoices):
    PROPIO = "propio", "El propio alumno"
    MADRE = "madre", "Madre"
    PADRE = "padre", "Padre"
    TUTOR = "tutor", "Tutor"
    EMPRESA = "empresa", "Empresa"
    OTRO = "otro", "Otro"


class AlumnoResponsable(models.Model):
    """A client who pays for an alumno (a parent, a company, the alumno themself)."""

    id = models.BigAutoField(primary_key=True)
    alumno = models.ForeignKey(Alumno, on_delete=models.CASCADE, db_column="id_alumno", related_name="vinculos")
    cliente = models.ForeignKey(Cliente, on_delete=models.CASCADE, db_column="id_cliente", related_name="vinculos")
    parentesco = models.CharField("parentesco", max_length=8, choices=Parentesco.choices, default=Parentesco.TUTOR)
    creado = models.DateTimeField("creado", auto_now_add=True)

    class Meta:
        db_table = "cat_alumno_responsable"
        verbose_name = "responsable de alumno"
        verbose_name_plural = "responsables de alumnos"
        ordering = ["alumno_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["alumno", "cliente"], name="alumno_responsable_unico"),
            models.CheckConstraint(condition=Q(parentesco__in=Parentesco.values), name="alumno_responsable_parentesco"),
        ]
        indexes = [models.Index(fields=["cliente", "alumno"], name="alumno_responsable_cliente_idx")]

    def __str__(self):
        return f"{self.cliente_id} paga por {self.alumno_id} ({self.get_parentesco_display()})"
