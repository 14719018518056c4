import re
from datetime import date

from django import forms

from ventas.campos import FECHA_MINIMA
from ventas_ingenio.entradas import TextoField

FORMATO_FECHA = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: \d also takes other scripts


class ResumenForm(forms.Form):
    """The day of the daily summary (``?fecha=AAAA-MM-DD``); empty means today.

    Parsed by hand instead of ``DateField`` so each bad input gets its own message (a day
    that does not exist is not a typo in the format) and anything longer than a date is
    rejected before parsing.
    """

    fecha = TextoField(label="Fecha", required=False, strip=True)

    def __init__(self, *args, hoy: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.hoy = hoy

    def clean_fecha(self):
        texto = self.cleaned_data["fecha"]
        if not texto:
            return None
        if len(texto) != 10 or not FORMATO_FECHA.fullmatch(texto):
            raise forms.ValidationError("Escribe la fecha como AAAA-MM-DD, por ejemplo 2026-11-24.")
        try:
            fecha = date.fromisoformat(texto)
        except ValueError:
            raise forms.ValidationError(f"La fecha {texto} no existe: revisa el día y el mes.") from None
        if fecha < FECHA_MINIMA:
            raise forms.ValidationError("La fecha debe ser del 1 de enero de 2000 en adelante.")
        if fecha > self.hoy:
            raise forms.ValidationError("Esa fecha todavía no llega: elige hoy o un día anterior.")
        return fecha
