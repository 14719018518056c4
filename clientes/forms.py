from django import forms
from django.utils import timezone

from clientes.curp import curp_error
from clientes.selectors import curp_en_uso, email_en_uso
from ventas_ingenio.entradas import FechaField, TelefonoField, TextoField


class ClienteForm(forms.Form):
    """Data of a client; field checks here, the service re-checks and writes."""

    nombre = TextoField(label="Nombre", max_length=100)
    apellidos = TextoField(label="Apellidos", max_length=150, required=False)
    email = forms.EmailField(
        label="Correo electrónico", max_length=254,
        error_messages={"invalid": "Escribe un correo electrónico válido, por ejemplo ana@ejemplo.mx.",
                        "required": "El correo electrónico es obligatorio.",
                        "max_length": "El correo electrónico es demasiado largo (máximo %(limit_value)d caracteres)."},
    )
    telefono = TelefonoField(label="Teléfono", required=False)
    direccion = TextoField(label="Dirección", max_length=255, required=False)
    curp = TextoField(
        label="CURP", max_length=18, required=False,
        help_text="18 caracteres. Si la escribe y no da fecha de nacimiento, se toma de la CURP.",
    )
    fecha_nacimiento = FechaField(
        label="Fecha de nacimiento", maxima=timezone.localdate,
        mensaje_minima="Fecha de nacimiento: debe ser del 1 de enero de 1900 en adelante.",
        mensaje_maxima="Fecha de nacimiento: no puede ser una fecha futura.",
    )

    def __init__(self, *args, cliente_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cliente_id = cliente_id

    def _sin_html(self, valor: str) -> str:
        if "<" in valor or ">" in valor:
            raise forms.ValidationError("No se permiten los caracteres < ni >.")
        return valor.strip()

    def clean_nombre(self):
        nombre = self._sin_html(self.cleaned_data["nombre"])
        if not any(caracter.isalpha() for caracter in nombre):
            raise forms.ValidationError("El nombre debe tener al menos una letra.")
        return nombre

    def clean_apellidos(self):
        return self._sin_html(self.cleaned_data["apellidos"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email_en_uso(email=email, excluir_id=self.cliente_id):
            raise forms.ValidationError("Ya hay un cliente activo con ese correo electrónico.")
        return email

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
    q = TextoField(label="Buscar", max_length=100, required=False)
    inactivos = forms.BooleanField(label="Incluir inactivos", required=False)
