from django import forms

from clientes.curp import curp_error
from clientes.selectors import curp_en_uso, email_en_uso


class ClienteForm(forms.Form):
    """Data of a client; field checks here, the service re-checks and writes."""

    nombre = forms.CharField(label="Nombre", max_length=100)
    apellidos = forms.CharField(label="Apellidos", max_length=150, required=False)
    email = forms.EmailField(
        label="Correo electrónico", max_length=254,
        error_messages={"invalid": "Escriba un correo electrónico válido, por ejemplo ana@ejemplo.mx."},
    )
    telefono = forms.CharField(label="Teléfono", max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    direccion = forms.CharField(label="Dirección", max_length=255, required=False)
    curp = forms.CharField(
        label="CURP", max_length=18, required=False,
        help_text="18 caracteres. Si la escribe y no da fecha de nacimiento, se toma de la CURP.",
    )
    fecha_nacimiento = forms.DateField(
        label="Fecha de nacimiento", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, cliente_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cliente_id = cliente_id

    def _sin_html(self, valor: str) -> str:
        if "<" in valor or ">" in valor:
            raise forms.ValidationError("No se permiten los caracteres < ni >.")
        return valor.strip()

    def clean_nombre(self):
        return self._sin_html(self.cleaned_data["nombre"])

    def clean_apellidos(self):
        return self._sin_html(self.cleaned_data["apellidos"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email_en_uso(email=email, excluir_id=self.cliente_id):
            raise forms.ValidationError("Ya hay un cliente activo con ese correo electrónico.")
        return email

    def clean_telefono(self):
        digitos = "".join(c for c in self.cleaned_data["telefono"] if c.isdigit())
        if self.cleaned_data["telefono"].strip() and not 7 <= len(digitos) <= 15:
            raise forms.ValidationError("El teléfono debe tener entre 7 y 15 dígitos.")
        return digitos

    def clean_curp(self):
        curp = self.cleaned_data["curp"].strip().upper()
        if not curp:
            return None
        error = curp_error(curp)
        if error:
            raise forms.ValidationError(error)
        if curp_en_uso(curp=curp, excluir_id=self.cliente_id):
            raise forms.ValidationError("Ya hay un cliente con esa CURP.")
        return curp


class BuscarClienteForm(forms.Form):
    q = forms.CharField(label="Buscar", max_length=100, required=False)
    inactivos = forms.BooleanField(label="Incluir inactivos", required=False)
