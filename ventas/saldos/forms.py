"""Filters of the statement and the receivables report (GET querystrings: bookmarkable)."""

from datetime import date

from django import forms

from ventas.campos import FechaField
from ventas.models import ModalidadVenta
from ventas_ingenio.entradas import PaginaField, TextoField


class EstadoCuentaForm(forms.Form):
    """The statement's period (local days, inclusive); empty: from January 1st to today
    (with only «hasta», from January 1st of its year)."""

    desde = FechaField(label="Desde")
    hasta = FechaField(label="Hasta")

    def __init__(self, *args, hoy: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.hoy = hoy
        self.fields["hasta"].maxima = hoy
        self.fields["hasta"].mensaje_maxima = "Hasta: la fecha todavía no llega; elige hoy o un día anterior."
        self.fields["desde"].maxima = hoy
        self.fields["desde"].mensaje_maxima = "Desde: la fecha todavía no llega; elige hoy o un día anterior."

    def clean(self):
        datos = super().clean()
        if self.errors:
            return datos
        datos["hasta"] = datos.get("hasta") or self.hoy
        # Only «hasta» typed: from January 1st of that year, not of this one (never a reversed range).
        datos["desde"] = datos.get("desde") or datos["hasta"].replace(month=1, day=1)
        if datos["desde"] > datos["hasta"]:
            self.add_error("hasta", f"El rango está al revés: «hasta» ({datos['hasta']:%d/%m/%Y}) es anterior a "
                                    f"«desde» ({datos['desde']:%d/%m/%Y}).")
        return datos


class PorCobrarForm(forms.Form):
    """The receivables report's filters."""

    cliente = TextoField(label="Cliente", required=False, max_length=100, strip=True,
                         error_messages={"max_length": "Cliente: escribe como máximo 100 caracteres."})
    modalidad = forms.ChoiceField(
        label="Modalidad", required=False,
        choices=[("", "Todas"), (ModalidadVenta.APARTADO.value, "Apartados"),
                 (ModalidadVenta.PARCIALIDADES.value, "En parcialidades")],
        error_messages={"invalid_choice": "Elige una modalidad de la lista."},
    )
    page = PaginaField()

