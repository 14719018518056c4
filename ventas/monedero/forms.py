from django import forms

from ventas_ingenio.entradas import DineroField, TextoField


class AjusteMonederoForm(forms.Form):
    """A Gerente's adjustment: add or take away an amount, always with a reason."""

    AGREGAR, QUITAR = "agregar", "quitar"
    sentido = forms.ChoiceField(
        label="Ajuste", choices=[(AGREGAR, "Agregar saldo"), (QUITAR, "Quitar saldo")],
        error_messages={"required": "Elige si agregas o quitas saldo.",
                        "invalid_choice": "Elige si agregas o quitas saldo."},
    )
    monto = DineroField(label="Monto", min_value=None, required=True,
                        error_messages={"required": "Escribe el monto."})
    motivo = TextoField(label="Motivo", max_length=200, strip=True,
                        error_messages={"required": "Escribe el motivo del ajuste.",
                                        "max_length": "El motivo no puede pasar de 200 caracteres."})

    def clean_monto(self):
        monto = self.cleaned_data["monto"]
        if monto <= 0:
            raise forms.ValidationError("El monto debe ser mayor que cero.")
        return monto

    def monto_con_signo(self):
        monto = self.cleaned_data["monto"]
        return -monto if self.cleaned_data["sentido"] == self.QUITAR else monto
