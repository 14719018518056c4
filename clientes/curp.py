"""CURP (Clave Única de Registro de Población): the official pattern and its check digit.

The 18 characters are: four letters from the names, the birth date (YYMMDD), sex (H/M/X),
the state (two letters, NE = born abroad), three consonants, a homonym differentiator
(digit for births before 2000, letter from 2000) and the check digit.
"""

import datetime
import re

PATRON_CURP = re.compile(
    r"^[A-Z][AEIOUX][A-Z]{2}"
    r"(?P<anio>\d{2})(?P<mes>0[1-9]|1[0-2])(?P<dia>0[1-9]|[12]\d|3[01])"
    r"[HMX]"
    r"(AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)"
    r"[B-DF-HJ-NP-TV-Z]{3}"
    r"(?P<diferenciador>[A-Z\d])"
    r"\d$"
)

_DICCIONARIO = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"


def curp_digito_verificador(primeros17: str) -> str:
    """Check digit of the first 17 characters (RENAPO's weighted sum, modulo 10)."""
    suma = sum(_DICCIONARIO.index(caracter) * (18 - posicion) for posicion, caracter in enumerate(primeros17))
    return str((10 - suma % 10) % 10)


def curp_fecha_nacimiento(curp: str) -> datetime.date | None:
    """Birth date encoded in a CURP that matches the pattern, or None if the date does not exist."""
    coincidencia = PATRON_CURP.match(curp)
    if not coincidencia:
        return None
    siglo = 1900 if coincidencia["diferenciador"].isdigit() else 2000
    try:
        return datetime.date(siglo + int(coincidencia["anio"]), int(coincidencia["mes"]), int(coincidencia["dia"]))
    except ValueError:
        return None


def curp_error(curp: str) -> str | None:
    """Spanish reason why ``curp`` is not a valid CURP, or None when it is valid."""
    if len(curp) != 18:
        return "La CURP debe tener exactamente 18 caracteres."
    if not PATRON_CURP.match(curp):
        return "La CURP no tiene el formato oficial (4 letras, fecha AAMMDD, sexo, estado, 3 consonantes y 2 caracteres)."
    if curp_fecha_nacimiento(curp) is None:
        return "La fecha de nacimiento de la CURP no existe."
    if curp_digito_verificador(curp[:17]) != curp[17]:
        return "El dígito verificador de la CURP no es correcto."
    return None
