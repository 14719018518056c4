import re
from datetime import date

from django import forms

from ventas.campos import FECHA_MINIMA, FechaField
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


class ComisionesForm(forms.Form):
    """The commission report's period (``?desde=…&hasta=…``, local days, inclusive); empty:
    from the first of this month to today."""

    desde = FechaField(label="Desde")
    hasta = FechaField(label="Hasta")

    def __init__(self, *args, hoy: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.hoy = hoy

    def clean(self):
        datos = super().clean()
        if self.errors:
            return datos
        datos["desde"] = datos.get("desde") or self.hoy.replace(day=1)
        datos["hasta"] = datos.get("hasta") or max(self.hoy, datos["desde"])
        if datos["desde"] > datos["hasta"]:
            self.add_error("hasta", f"El rango está al revés: «hasta» ({datos['hasta']:%d/%m/%Y}) es anterior a "
                                    f"«desde» ({datos['desde']:%d/%m/%Y}).")
        return datos
