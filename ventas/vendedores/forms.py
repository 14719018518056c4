from django import forms

from ventas.politica import Credenciales
from ventas_ingenio.entradas import EnteroField, TextoField


class VendedorCajaForm(forms.Form):
    """The till's "Vendedor" choice; a Gerente's username and password when the cashier names
    someone else (a Gerente at the till needs none)."""

    vendedor = EnteroField(
        label="Vendedor", min_value=1,
        error_messages={c: "Vendedor no válido: elige uno de la lista." for c in ("invalid", "required", "min_value",
                                                                               "max_value")},
    )
    usuario = TextoField(label="Usuario del gerente", max_length=150, required=False)
    clave = TextoField(label="Contraseña del gerente", max_length=128, required=False, widget=forms.PasswordInput)

    def credenciales(self) -> Credenciales | None:
        if not self.cleaned_data.get("usuario"):
            return None
        return Credenciales(usuario=self.cleaned_data["usuario"], clave=self.cleaned_data.get("clave") or "")


class VentaVendedorForm(forms.Form):
    """A Gerente corrects a sale's salesperson on the sale's page."""

    vendedor = EnteroField(
        label="Vendedor", min_value=1,
        error_messages={c: "Vendedor no válido: elige uno de la lista." for c in ("invalid", "required", "min_value",
                                                                               "max_value")},
    )
