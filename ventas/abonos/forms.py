from django import forms

from ventas.abonos.services import EXCEDENTE_CAMBIO, EXCEDENTE_MONEDERO, REFERENCIA_MAXIMA
from ventas.models import MetodoPago
from ventas_ingenio.entradas import DineroField, TextoField

_INCOMPLETO = "El formulario está incompleto: vuelve a abrirlo."


class FolioForm(forms.Form):
    """The sale's folio as typed or scanned ("V-000123" or "123"); the view reads it with
    ``selectors.folio_leer`` and says when it is not a folio or does not exist."""

    folio = TextoField(label="Folio de la venta", max_length=20, strip=True,
                       error_messages={"required": "Escribe o escanea el folio de la venta."},
                       widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off",
                                                     "inputmode": "text", "placeholder": "V-000123"}))


class AbonoForm(forms.Form):
    """One abono: method, amount, cash received, reference and, when the amount passes the
    balance, what happens to the excess. The service checks everything again under the sale's
    lock (the balance may have changed since the page was shown)."""

    clave = forms.UUIDField(widget=forms.HiddenInput, error_messages={"invalid": _INCOMPLETO, "required": _INCOMPLETO})
    metodo = forms.ChoiceField(
        label="Forma de pago", choices=MetodoPago.choices, widget=forms.RadioSelect,
        error_messages={"required": "Elige cómo paga.", "invalid_choice": "Elige cómo paga."},
    )
    monto = DineroField(label="Monto del abono", widget=forms.TextInput(attrs={"inputmode": "decimal", "autofocus": True,
                                                                              "autocomplete": "off"}))
    recibido = DineroField(label="Efectivo recibido", required=False,
                           help_text="Solo en efectivo: lo que entrega el cliente (para calcular el cambio).",
                           widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    referencia = TextoField(label="Referencia", max_length=REFERENCIA_MAXIMA, required=False, strip=True,
                            help_text="Tarjeta o transferencia: número de autorización o de operación.",
                            widget=forms.TextInput(attrs={"autocomplete": "off"}))
    excedente = forms.ChoiceField(
        label="Si el abono pasa del saldo", required=False, widget=forms.RadioSelect,
        choices=[(EXCEDENTE_CAMBIO, "Entregar el excedente como cambio (solo efectivo)"),
                 (EXCEDENTE_MONEDERO, "Dejar el excedente como saldo a favor del cliente")],
        error_messages={"invalid_choice": "Elige qué se hace con el excedente."},
    )

    def __init__(self, *args, con_monedero: bool = True, **kwargs):
        """``con_monedero``: a named client's sale (the walk-in client has no store credit)."""
        super().__init__(*args, **kwargs)
        if not con_monedero:
            self.fields["metodo"].choices = [c for c in MetodoPago.choices if c[0] != MetodoPago.MONEDERO]
            self.fields["excedente"].choices = [c for c in self.fields["excedente"].choices
                                                if c[0] != EXCEDENTE_MONEDERO]

    def clean_monto(self):
        monto = self.cleaned_data["monto"]
        if monto <= 0:
            raise forms.ValidationError("Monto del abono: debe ser mayor que cero.")
        return monto

    def clean(self):
        datos = super().clean()
        metodo, recibido, monto = datos.get("metodo"), datos.get("recibido"), datos.get("monto")
        if recibido is not None and metodo and metodo != MetodoPago.EFECTIVO:
            # A card or transfer takes exactly the amount: a leftover cash figure is ignored.
            datos["recibido"] = None
        elif recibido is not None and monto is not None and recibido < monto:
            self.add_error("recibido", f"El efectivo recibido (${recibido:,.2f}) no alcanza para el abono de ${monto:,.2f}.")
        return datos
