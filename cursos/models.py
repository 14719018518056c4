"""Courses, their editions (cohorts) and the enrollments sold at the till.

An edition is sold as a product: each :class:`Edicion` extends one ``inventario.Producto`` of
kind "curso" (same primary key). Its free seats are that product's ``existencia``, so seats
go through the same stock ledger, the same ``existencia >= 0`` CHECK and the same row locks in
primary-key order at checkout as goods: two cashiers can never sell the last seat twice.
Seats taken = ``cupo_maximo - existencia``.
"""

from django.db import models
from django.db.models import F, Q


class Modalidad(models.TextChoices):
    PRESENCIAL = "presencial", "Presencial"
    EN_LINEA = "en_linea", "En línea"
    HIBRIDO = "hibrido", "Híbrido"


class EstadoEdicion(models.TextChoices):
    PROGRAMADA = "programada", "Programada"
    EN_CURSO = "en_curso", "En curso"
    CERRADA = "cerrada", "Cerrada"


class EstadoInscripcion(models.TextChoices):
    ACTIVA = "activa", "Activa"
    # Sold in installments under INSCRIPCION_ACTIVA_DESDE = "liquidado": the seat is taken (its
    # stock left at checkout) but the alumno is not sent to Aula until the sale owes nothing.
    POR_PAGAR = "por_pagar", "Por pagar"
    CANCELADA = "cancelada", "Cancelada"
    COMPLETADA = "completada", "Completada"


class Curso(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_curso")
    codigo = models.CharField("código", max_length=30, unique=True,
                              error_messages={"unique": "Ya existe un curso con este código."})
    nombre = models.CharField("nombre", max_length=150)
    modalidad = models.CharField("modalidad", max_length=10, choices=Modalidad.choices,
                                 default=Modalidad.PRESENCIAL)
    duracion_horas = models.PositiveIntegerField("duración (horas)")
    precio_lista = models.DecimalField("precio de lista", max_digits=12, decimal_places=2)
    activo = models.BooleanField("activo", default=True)
    creado = models.DateTimeField("creado", auto_now_add=True)
    actualizado = models.DateTimeField("actualizado", auto_now=True)

    class Meta:
        db_table = "cat_curso"
        verbose_name = "curso"
        verbose_name_plural = "cursos"
        ordering = ["nombre", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(precio_lista__gte=0), name="curso_precio_no_negativo"),
            models.CheckConstraint(condition=Q(duracion_horas__gt=0) & Q(duracion_horas__lte=10000),
                                   name="curso_duracion_valida"),
            models.CheckConstraint(condition=Q(modalidad__in=Modalidad.values), name="curso_modalidad_valida"),
        ]

    def __str__(self):
        return f"{self.codigo} · {self.nombre}"


class Edicion(models.Model):
    """One cohort of a course, sold as the product it extends (its seats are the stock)."""

    producto = models.OneToOneField(
        "inventario.Producto", on_delete=models.PROTECT, primary_key=True, db_column="id_producto",
        related_name="edicion",
    )
    curso = models.ForeignKey(Curso, on_delete=models.PROTECT, db_column="id_curso", related_name="ediciones")
    fecha_inicio = models.DateField("inicio")
    fecha_fin = models.DateField("fin")
    cupo_maximo = models.PositiveIntegerField("cupo máximo")
    # Overrides the course's list price when set; the product's price is kept equal to it.
    precio = models.DecimalField("precio de la edición", max_digits=12, decimal_places=2, null=True, blank=True)
    estado = models.CharField("estado", max_length=10, choices=EstadoEdicion.choices,
                              default=EstadoEdicion.PROGRAMADA)

    class Meta:
        db_table = "cat_edicion"
        verbose_name = "edición"
        verbose_name_plural = "ediciones"
        ordering = ["fecha_inicio", "producto_id"]
        constraints = [
            models.CheckConstraint(condition=Q(fecha_fin__gte=F("fecha_inicio")), name="edicion_fechas_en_orden"),
            models.CheckConstraint(condition=Q(cupo_maximo__gt=0) & Q(cupo_maximo__lte=10000),
                                   name="edicion_cupo_valido"),
            models.CheckConstraint(condition=Q(precio__isnull=True) | Q(precio__gte=0),
                                   name="edicion_precio_no_negativo"),
            models.CheckConstraint(condition=Q(estado__in=EstadoEdicion.values), name="edicion_estado_valido"),
        ]
        indexes = [models.Index(fields=["curso", "fecha_inicio"], name="edicion_curso_inicio_idx")]

    def __str__(self):
        # The code the cashier scans (the admin's titles and messages use it); the id means nothing to a user.
        return self.producto.codigo


class Inscripcion(models.Model):
    """An alumno enrolled in an edition by a sale line; sent to Aula through the outbox."""

    id = models.BigAutoField(primary_key=True, db_column="id_inscripcion")
    alumno = models.ForeignKey("clientes.Alumno", on_delete=models.PROTECT, db_column="id_alumno",
                               related_name="inscripciones")
    edicion = models.ForeignKey(Edicion, on_delete=models.PROTECT, db_column="id_producto",
                                related_name="inscripciones")
    venta_detalle = models.ForeignKey("ventas.VentaDetalle", on_delete=models.PROTECT, db_column="id_venta_det",
                                      related_name="inscripciones")
    estado = models.CharField("estado", max_length=10, choices=EstadoInscripcion.choices,
                              default=EstadoInscripcion.ACTIVA)
    id_aula = models.CharField("id en Aula", max_length=64, blank=True, editable=False)
    creado = models.DateTimeField("creada", db_default=models.functions.Now())
    cancelado = models.DateTimeField("cancelada", null=True, blank=True)

    class Meta:
        db_table = "tra_inscripcion"
        verbose_name = "inscripción"
        verbose_name_plural = "inscripciones"
        ordering = ["-creado", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alumno", "edicion"], condition=~Q(estado="cancelada"), name="inscripcion_una_por_edicion",
                violation_error_message="El alumno ya está inscrito en esa edición.",
            ),
            models.CheckConstraint(condition=Q(estado__in=EstadoInscripcion.values), name="inscripcion_estado_valido"),
            models.CheckConstraint(
                condition=Q(estado="cancelada", cancelado__isnull=False) | (~Q(estado="cancelada") & Q(cancelado__isnull=True)),
                name="inscripcion_cancelada_con_fecha",
            ),
            # Waiting for its sale to be paid: never sent to Aula yet. (The one-per-edition
            # unique index counts it already: it covers every state but "cancelada".)
            models.CheckConstraint(condition=~Q(estado="por_pagar") | Q(id_aula=""),
                                   name="inscripcion_por_pagar_sin_aula"),
        ]
        indexes = [models.Index(fields=["edicion", "estado"], name="inscripcion_edicion_idx"),
                   models.Index(fields=["venta_detalle"], name="inscripcion_venta_det_idx")]

    def __str__(self):
        return f"Inscripción {self.pk}"


class ParcialidadPlan(models.Model):
    """One installment of an edition's payment plan (enrollment fee, then monthly payments).

    An edition with a plan may be sold "en parcialidades" at the till: the sale copies the plan
    (``ventas.VentaParcialidad``) with the amounts of that seat, so changing the plan later
    changes nothing already sold. The installments of one edition add up to its price
    (``cursos.services`` checks it when the plan is saved)."""

    id = models.BigAutoField(primary_key=True, db_column="id_parcialidad_plan")
    edicion = models.ForeignKey(Edicion, on_delete=models.CASCADE, db_column="id_producto",
                                related_name="parcialidades")
    numero = models.PositiveSmallIntegerField("número")
    concepto = models.CharField("concepto", max_length=80)
    monto = models.DecimalField("monto", max_digits=12, decimal_places=2)
    vence = models.DateField("vence")

    class Meta:
        db_table = "cat_parcialidad_plan"
        verbose_name = "parcialidad del plan de pagos"
        verbose_name_plural = "plan de pagos"
        ordering = ["edicion", "numero"]
        constraints = [
            models.UniqueConstraint(fields=["edicion", "numero"], name="parcialidad_plan_numero_unico"),
            models.CheckConstraint(condition=Q(monto__gt=0), name="parcialidad_plan_monto_positivo"),
            models.CheckConstraint(condition=Q(numero__gt=0), name="parcialidad_plan_numero_positivo"),
        ]

    def __str__(self):
        return f"{self.concepto}: {self.monto} ({self.vence})"
