"""Admin forms of courses and editions: input through ``ventas_ingenio.entradas`` (Spanish
messages, ASCII digits); the services write (``cursos.services``)."""

import datetime

from django import forms
from django.utils import timezone

from cursos.models import Curso, Edicion, EstadoEdicion, Modalidad
from cursos.selectors import edicion_ocupados, plan_suma
from cursos.services import CONCEPTO_MAXIMO, CUPO_MAXIMO, PARCIALIDADES_MAXIMAS
from inventario.models import Producto
from ventas.campos import FechaField as FechaReporteField
from ventas_ingenio.entradas import DineroField, EnteroField, FechaField, TextoField


class CursoForm(forms.ModelForm):
    codigo = TextoField(label="Código", max_length=30, help_text="Se guarda en mayúsculas.")
    nombre = TextoField(label="Nombre", max_length=150)
    modalidad = forms.ChoiceField(label="Modalidad", choices=Modalidad.choices,
                                  error_messages={"invalid_choice": "Elige presencial, en línea o híbrido."})
    duracion_horas = EnteroField(
        label="Duración (horas)", min_value=1, max_value=10_000,
        error_messages={"min_value": "La duración debe ser de al menos 1 hora.",
                        "max_value": "La duración no puede pasar de 10,000 horas.",
                        "invalid": "Escribe la duración en horas (número entero).",
                        "required": "Escribe la duración en horas."},
    )
    precio_lista = DineroField(label="Precio de lista", required=True)

    class Meta:
        model = Curso
        fields = ["codigo", "nombre", "modalidad", "duracion_horas", "precio_lista", "activo"]

    def clean_precio_lista(self):
        precio = self.cleaned_data["precio_lista"]
        if self.instance.pk and precio is not None:
            # Editions following the list price keep their plan equal to it (cursos.services).
            for edicion in Edicion.objects.filter(curso_id=self.instance.pk, precio__isnull=True).select_related("producto"):
                suma = plan_suma(edicion_id=edicion.pk)
                if suma is not None and suma != precio:
                    raise forms.ValidationError(
                        f"La edición {edicion.producto.codigo} sigue el precio de lista y tiene un plan de pagos que "
                        f"suma ${suma:,.2f}: cambia primero su plan (o quítalo), o dale un precio propio.")
        return precio

    def clean_codigo(self):
        codigo = self.cleaned_data["codigo"].strip().upper()
        otros = Curso.objects.filter(codigo=codigo)
        if self.instance.pk:
            otros = otros.exclude(pk=self.instance.pk)
        if otros.exists():
            raise forms.ValidationError("Ya existe un curso con este código.")
        return codigo


class EdicionForm(forms.ModelForm):
    """An edition; its code (the product's, scanned at the till) is given once, when created."""

    codigo = TextoField(label="Código de la edición", max_length=40, required=False,
                        help_text="Se guarda en mayúsculas; es el código que se escanea o escribe en la caja.")
    fecha_inicio = FechaField(label="Inicio", required=True)
    fecha_fin = FechaField(label="Fin", required=True)
    cupo_maximo = EnteroField(
        label="Cupo máximo", min_value=1, max_value=CUPO_MAXIMO,
        error_messages={"min_value": "El cupo debe ser de al menos 1 lugar.",
                        "max_value": f"El cupo no puede pasar de {CUPO_MAXIMO:,} lugares.",
                        "invalid": "Escribe el cupo como número entero.",
                        "required": "Escribe el cupo máximo."},
    )
    precio = DineroField(label="Precio de la edición", required=False,
                         help_text="Vacío: el precio de lista del curso.")
    estado = forms.ChoiceField(label="Estado", choices=EstadoEdicion.choices,
                               error_messages={"invalid_choice": "Elige programada, en curso o cerrada."})

    class Meta:
        model = Edicion
        fields = ["curso", "fecha_inicio", "fecha_fin", "cupo_maximo", "precio", "estado"]
        error_messages = {"curso": {"required": "Elige el curso.",
                                    "invalid_choice": "Ese curso no existe."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The course and the code stay: the product and its sales are tied to them.
            self.fields.pop("codigo")
            self.fields["curso"].disabled = True

    def clean_codigo(self):
        codigo = (self.cleaned_data.get("codigo") or "").strip().upper()
        if not codigo:
            raise forms.ValidationError("Escribe el código de la edición.")
        if Producto.objects.filter(codigo=codigo).exists():
            raise forms.ValidationError("Ya existe un producto con este código.")
        return codigo

    def clean(self):
        datos = super().clean()
        inicio, fin = datos.get("fecha_inicio"), datos.get("fecha_fin")
        if inicio and fin and fin < inicio:
            self.add_error("fecha_fin", "La fecha de fin no puede ser anterior a la de inicio.")
        cupo = datos.get("cupo_maximo")
        if self.instance.pk and cupo is not None:
            ocupados = edicion_ocupados(edicion=Edicion.objects.select_related("producto").get(pk=self.instance.pk))
            if cupo < ocupados:
                self.add_error("cupo_maximo", f"El cupo no puede ser menor que los lugares ya ocupados ({ocupados}).")
        if self.instance.pk and "precio" in datos and not self.has_error("precio"):
            precio = datos["precio"] if datos["precio"] is not None else self.instance.curso.precio_lista
            suma = plan_suma(edicion_id=self.instance.pk)
            if suma is not None and suma != precio:
                self.add_error("precio", f"Esta edición tiene un plan de pagos que suma ${suma:,.2f}: no puede costar "
                                         f"${precio:,.2f}. Cambia primero el plan (o quítalo) y luego el precio.")
        return datos

    def _post_clean(self):
        # The services validate and write (product, edition and ledger together); the model's
        # own validation would see an edition without its product.
        pass


DIAS_MAXIMOS_REPORTE = 366 * 3


class EdicionFiltroForm(forms.Form):
    """The editions list's filters (GET, so a filtered list can be bookmarked)."""

    curso = forms.TypedChoiceField(label="Curso", required=False, coerce=int, empty_value=None,
                                   error_messages={"invalid_choice": "Elige un curso de la lista."})
    estado = forms.ChoiceField(label="Estado", required=False, choices=[("", "Todos"), *EstadoEdicion.choices],
                               error_messages={"invalid_choice": "Elige un estado de la lista."})
    proximas = forms.BooleanField(label="Solo las que aún no empiezan", required=False)

    def __init__(self, *args, cursos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["curso"].choices = [("", "Todos"), *cursos]


class ReporteEscolarForm(forms.Form):
    """A range of local days; by default this month so far."""

    desde = FechaReporteField(label="Desde")
    hasta = FechaReporteField(label="Hasta")

    def clean(self):
        datos = super().clean()
        if self.errors:
            return datos
        hoy = timezone.localdate()
        desde = datos.get("desde") or hoy.replace(day=1)
        hasta = datos.get("hasta") or hoy
        if desde > hasta:
            self.add_error("hasta", f"El rango está al revés: «hasta» ({hasta:%d/%m/%Y}) es anterior a «desde» "
                                    f"({desde:%d/%m/%Y}).")
        elif (hasta - desde) > datetime.timedelta(days=DIAS_MAXIMOS_REPORTE):
            self.add_error("hasta", "El rango es demasiado largo: como máximo tres años.")
        datos["desde"], datos["hasta"] = desde, hasta
        return datos


class PlanFilaForm(forms.Form):
    """One installment of an edition's payment plan; a row left empty is skipped."""

    concepto = TextoField(label="Concepto", max_length=CONCEPTO_MAXIMO, required=False)
    monto = DineroField(label="Monto", required=False)
    vence = FechaField(label="Vence", required=False)

    def clean(self):
        datos = super().clean()
        if self.errors:
            return datos
        llenos = [c for c in ("concepto", "monto", "vence") if datos.get(c) not in (None, "")]
        if llenos and len(llenos) < 3:
            for campo, mensaje in (("concepto", "Escribe el concepto."), ("monto", "Escribe el monto."),
                                   ("vence", "Escribe la fecha.")):
                if campo not in llenos:
                    self.add_error(campo, mensaje)
        return datos

    @property
    def vacia(self) -> bool:
        return not any(self.cleaned_data.get(c) not in (None, "") for c in ("concepto", "monto", "vence"))


class _PlanFormSetBase(forms.BaseFormSet):
    default_error_messages = {
        "missing_management_form": "Faltan datos del formulario del plan: recarga la página y vuelve a intentarlo.",
        "too_many_forms": f"Un plan de pagos tiene como máximo {PARCIALIDADES_MAXIMAS} parcialidades.",
        "too_few_forms": "Escribe al menos %(num)d parcialidades.",
    }

    def parcialidades(self) -> list[tuple]:
        """The filled rows as (concepto, monto, vence), in order (call after ``is_valid``)."""
        return [(f.cleaned_data["concepto"], f.cleaned_data["monto"], f.cleaned_data["vence"])
                for f in self.forms if not f.vacia]

    def error_de_plan(self, error) -> None:
        """A ``PlanNoValido`` from the service, on the row and field it is about when it says so."""
        filas = [f for f in self.forms if not f.vacia]
        if error.numero and error.numero <= len(filas) and error.campo in PlanFilaForm.base_fields:
            filas[error.numero - 1].add_error(error.campo, error.mensaje)
        else:
            self._non_form_errors = self.error_class([error.mensaje], renderer=self.renderer)


def plan_formset(*, filas: int):
    """The plan's rows: ``filas`` on the page (the saved ones and blank ones to add), at most
    ``PARCIALIDADES_MAXIMAS`` whatever the form claims."""
    return forms.formset_factory(
        PlanFilaForm, formset=_PlanFormSetBase, extra=min(filas, PARCIALIDADES_MAXIMAS),
        max_num=PARCIALIDADES_MAXIMAS, validate_max=True, absolute_max=PARCIALIDADES_MAXIMAS,
    )


class GenerarPlanForm(forms.Form):
    """ "Inscripción + N mensualidades" (``cursos.services.plan_mensualidades``)."""

    inscripcion = DineroField(label="Inscripción", required=True, help_text="0 si no hay inscripción.")
    inscripcion_vence = FechaField(label="La inscripción vence", required=True)
    mensualidades = EnteroField(label="Mensualidades", min_value=1, max_value=PARCIALIDADES_MAXIMAS - 1)
    primera_mensualidad = FechaField(label="Primera mensualidad", required=True,
                                     help_text="Las demás, el mismo día de cada mes (o el último día del mes).")
