import datetime

from django import forms
from django.utils import timezone

from cursos.models import EstadoEdicion
from ventas.campos import FechaField

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

    desde = FechaField(label="Desde")
    hasta = FechaField(label="Hasta")

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
