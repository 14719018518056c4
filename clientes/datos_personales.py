"""The checks a client (who pays) and an alumno (who studies) share: a name with a letter,
texts without NUL or markup characters and within their column, a valid email and a phone
of 7 to 15 digits. ``clientes.services`` and ``clientes.alumnos`` clean their own fields with
these, so both refuse the same input with the same Spanish message."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from clientes.exceptions import DatosInvalidos

MENSAJE_EMAIL = "Escribe un correo electrónico válido, por ejemplo ana@ejemplo.mx."


def telefono_normalizar(telefono: str) -> str:
    """Only the ASCII digits of a phone number ("55 1234-5678" -> "5512345678")."""
    return "".join(c for c in telefono if "0" <= c <= "9")


def textos_validar(textos: dict[str, tuple[str, int]], *, con_marcas: tuple[str, ...] = ()) -> None:
    """``textos``: field → (stripped value, maximum length). Refuses NUL, overlong values and
    ``<``/``>`` (outside the fields in ``con_marcas``, such as an address)."""
    for campo, (valor, maximo) in textos.items():
        if "\x00" in valor:
            raise DatosInvalidos("El texto tiene caracteres no permitidos.", campo=campo)
        if len(valor) > maximo:
            raise DatosInvalidos(f"Máximo {maximo} caracteres.", campo=campo)
        if campo not in con_marcas and ("<" in valor or ">" in valor):
            raise DatosInvalidos("No se permiten los caracteres < ni >.", campo=campo)


def nombre_validar(nombre: str) -> None:
    if not nombre:
        raise DatosInvalidos("El nombre es obligatorio.", campo="nombre")
    if not any(caracter.isalpha() for caracter in nombre):
        raise DatosInvalidos("El nombre debe tener al menos una letra.", campo="nombre")


def email_validar(email: str) -> None:
    """A stripped, optional email: empty, or a valid address of at most 254 characters."""
    if not email:
        return
    if len(email) > 254 or "\x00" in email:
        raise DatosInvalidos(MENSAJE_EMAIL, campo="email")
    try:
        validate_email(email)
    except ValidationError as error:
        raise DatosInvalidos(MENSAJE_EMAIL, campo="email") from error


def telefono_limpiar(telefono: str) -> str:
    """The phone's digits; refused unless empty or 7 to 15 digits."""
    digitos = telefono_normalizar(telefono)
    if len(digitos) > 15 or (telefono.strip() and len(digitos) < 7):
        raise DatosInvalidos("El teléfono debe tener entre 7 y 15 dígitos.", campo="telefono")
    return digitos
