import re

from django import forms

from ventas.campos import FechaField
from ventas_ingenio.entradas import PaginaField, TextoField

# A sale's folio as typed ("V-000123", "123") or as a scanner types the ticket's barcode
# ("V-000123", or "V'000123" when the scanner's keyboard layout is US and the computer's is
# Spanish: the "-" key gives "'"). Only the number counts.
FOLIO_VENTA = re.compile(r"(?:V[-'_/]?)?([0-9]{1,12})")


def _texto_filtro(etiqueta, maximo=100):
    return TextoField(
        label=etiqueta, required=False, max_length=maximo, strip=True,
        error_messages={"max_length": f"{etiqueta}: escribe como máximo {maximo} caracteres."},
    )


class HistorialForm(forms.Form):
    """The history's filters (all in the GET querystring, so a filtered page can be bookmarked)."""

    desde = FechaField(label="Desde")
    hasta = FechaField(label="Hasta")
    folio = _texto_filtro("Folio", 20)
    cliente = _texto_filtro("Cliente")
    cajero = forms.TypedChoiceField(
        label="Cajero", required=False, coerce=int, empty_value=None,
        error_messages={"invalid_choice": "Elige un cajero de la lista."},
    )
    estado = forms.ChoiceField(
        label="Estado", required=False,
        choices=[("", "Todos"), ("completada", "Completada"), ("devolucion", "Con devolución parcial"),
                 ("cancelada", "Cancelada")],
        error_messages={"invalid_choice": "Elige un estado de la lista."},
    )
    pago = forms.ChoiceField(
        label="Pago", required=False,
        choices=[("", "Todos"), ("pendiente", "Pendiente"), ("parcial", "Parcial"), ("vencido", "Vencido"),
                 ("pagado", "Pagado")],
        error_messages={"invalid_choice": "Elige un estado de pago de la lista."},
    )
    metodo = forms.ChoiceField(label="Método de pago", required=False,
                               error_messages={"invalid_choice": "Elige un método de pago de la lista."})
    producto = _texto_filtro("Producto")
    page = PaginaField()

    def __init__(self, *args, cajeros=(), mostrar_cajero=True, **kwargs):
        from ventas.models import MetodoPago

        super().__init__(*args, **kwargs)
        self.fields["metodo"].choices = [("", "Todos"), *MetodoPago.choices]
        if mostrar_cajero:
            self.fields["cajero"].choices = [("", "Todos"), *cajeros]
        else:
            del self.fields["cajero"]  # a Cajero only ever sees their own sales

    def clean_folio(self):
        texto = self.cleaned_data["folio"].upper().replace(" ", "")
        if not texto:
            return None
        folio = FOLIO_VENTA.fullmatch(texto)
        if folio is None:
            raise forms.ValidationError("Folio no válido: escribe V-000123 o solo el número.")
        return int(folio.group(1))

    def clean(self):
        datos = super().clean()
        desde, hasta = datos.get("desde"), datos.get("hasta")
        if desde and hasta and desde > hasta:
            self.add_error("hasta", f"El rango está al revés: «hasta» ({hasta:%d/%m/%Y}) es anterior a «desde» "
                                    f"({desde:%d/%m/%Y}).")
        return datos
