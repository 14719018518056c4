from django import forms
from django.utils import timezone

from clientes.curp import curp_error
from clientes.models import Parentesco, TipoCliente
from clientes.rfc import rfc_error, rfc_normalizar
from clientes.selectors import curp_en_uso, email_en_uso, matricula_en_uso
from ventas_ingenio.entradas import EnteroField, FechaField, TelefonoField, TextoField

MENSAJES_EMAIL = {
    "invalid": "Escribe un correo electrónico válido, por ejemplo ana@ejemplo.mx.",
    "max_length": "El correo electrónico es demasiado largo (máximo %(limit_value)d caracteres).",
}


def _sin_html(valor: str) -> str:
    if "<" in valor or ">" in valor:
        raise forms.ValidationError("No se permiten los caracteres < ni >.")
    return valor.strip()


def _nombre(valor: str) -> str:
    nombre = _sin_html(valor)
    if not any(caracter.isalpha() for caracter in nombre):
        raise forms.ValidationError("El nombre debe tener al menos una letra.")
    return nombre


class ClienteForm(forms.Form):
    """Data of a client (who pays: a person or a company); field checks here, the service
    re-checks and writes. Email and RFC are optional."""

    tipo = forms.ChoiceField(
        label="Tipo", choices=TipoCliente.choices, initial=TipoCliente.PERSONA,
        error_messages={"invalid_choice": "Elige si el cliente es una persona o una empresa.",
                        "required": "Elige si el cliente es una persona o una empresa."},
    )
    nombre = TextoField(label="Nombre o razón social", max_length=100)
    apellidos = TextoField(label="Apellidos", max_length=150, required=False,
                           help_text="Solo personas; una empresa lo deja vacío.")
    email = forms.EmailField(label="Correo electrónico", max_length=254, required=False,
                             error_messages=MENSAJES_EMAIL)
    telefono = TelefonoField(label="Teléfono", required=False)
    direccion = TextoField(label="Dirección", max_length=255, required=False)
    rfc = TextoField(
        label="RFC", max_length=20, required=False,
        help_text="Opcional, para facturar: 13 caracteres una persona, 12 una empresa.",
    )

    def __init__(self, *args, cliente_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cliente_id = cliente_id

    def clean_nombre(self):
        return _nombre(self.cleaned_data["nombre"])

    def clean_apellidos(self):
        return _sin_html(self.cleaned_data["apellidos"])

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email and email_en_uso(email=email, excluir_id=self.cliente_id):
            raise forms.ValidationError("Ya hay un cliente activo con ese correo electrónico.")
        return email

    def clean(self):
        datos = super().clean()
        rfc = rfc_normalizar(datos.get("rfc") or "")
        if "rfc" in datos:
            datos["rfc"] = rfc
        if rfc and datos.get("tipo"):
            error = rfc_error(rfc, tipo=datos["tipo"])
            if error:
                self.add_error("rfc", error)
        return datos


class BuscarClienteForm(forms.Form):
    q = TextoField(label="Buscar", max_length=100, required=False)
    inactivos = forms.BooleanField(label="Incluir inactivos", required=False)


class AlumnoForm(forms.Form):
    """Data of an alumno (who studies); the service re-checks and queues SII/Aula."""

    nombre = TextoField(label="Nombre", max_length=100)
    apellidos = TextoField(label="Apellidos", max_length=150, required=False)
    curp = TextoField(
        label="CURP", max_length=18, required=False,
        help_text="Opcional. 18 caracteres; si no da fecha de nacimiento, se toma de la CURP.",
    )
    fecha_nacimiento = FechaField(
        label="Fecha de nacimiento", maxima=timezone.localdate,
        mensaje_minima="Fecha de nacimiento: debe ser del 1 de enero de 1900 en adelante.",
        mensaje_maxima="Fecha de nacimiento: no puede ser una fecha futura.",
    )
    email = forms.EmailField(
        label="Correo electrónico", max_length=254, required=False, error_messages=MENSAJES_EMAIL,
        help_text="Opcional; hermanos pueden usar el de su mamá o papá.",
    )
    telefono = TelefonoField(label="Teléfono", required=False)
    matricula = TextoField(label="Matrícula", max_length=30, required=False)
    ciclo_escolar = TextoField(label="Ciclo escolar", max_length=20, required=False, help_text="Por ejemplo 2026-2027.")
    grado = TextoField(label="Grado", max_length=20, required=False)
    grupo = TextoField(label="Grupo", max_length=20, required=False)

    def __init__(self, *args, alumno_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.alumno_id = alumno_id

    def clean_nombre(self):
        return _nombre(self.cleaned_data["nombre"])

    def clean_apellidos(self):
        return _sin_html(self.cleaned_data["apellidos"])

    def clean_matricula(self):
        matricula = _sin_html(self.cleaned_data["matricula"])
        if matricula and matricula_en_uso(matricula=matricula, excluir_id=self.alumno_id):
            raise forms.ValidationError("Ya hay un alumno con esa matrícula.")
        return matricula

    def clean_ciclo_escolar(self):
        return _sin_html(self.cleaned_data["ciclo_escolar"])

    def clean_grado(self):
        return _sin_html(self.cleaned_data["grado"])

    def clean_grupo(self):
        return _sin_html(self.cleaned_data["grupo"])

    def clean_curp(self):
        curp = self.cleaned_data["curp"].strip().upper()
        if not curp:
            return None
        error = curp_error(curp)
        if error:
            raise forms.ValidationError(error)
        if curp_en_uso(curp=curp, excluir_id=self.alumno_id):
            raise forms.ValidationError("Ya hay un alumno con esa CURP.")
        return curp


class AlumnoNuevoForm(AlumnoForm):
    """A new alumno, optionally paid for by the client whose page it was started from."""

    parentesco = forms.ChoiceField(
        label="Parentesco de quien paga", choices=Parentesco.choices, initial=Parentesco.TUTOR, required=False,
        error_messages={"invalid_choice": "Elige el parentesco de la lista."},
    )


class BuscarAlumnoForm(forms.Form):
    q = TextoField(label="Buscar", max_length=100, required=False,
                   help_text="Nombre, CURP, matrícula o correo.")
    ciclo_escolar = TextoField(label="Ciclo escolar", max_length=20, required=False)
    grado = TextoField(label="Grado", max_length=20, required=False)
    grupo = TextoField(label="Grupo", max_length=20, required=False)
    por_confirmar = forms.BooleanField(label="Solo por confirmar", required=False)
    inactivos = forms.BooleanField(label="Incluir inactivos", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for campo in ("ciclo_escolar", "grado", "grupo"):
            # The values in use are offered by a <datalist> on the page (no JavaScript needed).
            self.fields[campo].widget.attrs["list"] = f"en-uso-{campo}"


class VincularResponsableForm(forms.Form):
    """Link a client who pays to an alumno: the client is picked by a search (its id)."""

    cliente = EnteroField(
        label="Cliente", min_value=1, widget=forms.HiddenInput,
        error_messages={"invalid": "Elige un cliente de la lista.", "required": "Elige un cliente de la lista.",
                        "min_value": "Elige un cliente de la lista.", "max_value": "Elige un cliente de la lista."},
    )
    parentesco = forms.ChoiceField(
        label="Parentesco", choices=Parentesco.choices, initial=Parentesco.TUTOR,
        error_messages={"invalid_choice": "Elige el parentesco de la lista.", "required": "Elige el parentesco."},
    )
