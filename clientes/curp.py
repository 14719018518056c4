"""CURP (Clave Única de Registro de Población): the official pattern and its check digit.

The check digit, the forbidden first words and the states come from python-stdnum
(``stdnum.mx.curp``); our own pattern stays in front of it because it is stricter where
RENAPO is (a vowel or X second, three consonants) and accepts sex ``X`` (non-binary, issued
since 2023), which stdnum's ``get_gender`` refuses. Messages are ours, in Spanish.

The 18 characters are: four letters from the names, the birth date (YYMMDD), sex (H/M/X),
the state (two letters, NE = born abroad), three consonants, a homonym differentiator
(digit for births before 2000, letter from 2000) and the check digit.
"""

import datetime
import re

from stdnum.exceptions import InvalidComponent, ValidationError
from stdnum.mx import curp as stdnum_curp

PATRON_CURP = re.compile(
    r"^[A-Z][AEIOUX][A-Z]{2}"
    r"(?P<anio>\d{2})(?P<mes>0[1-9]|1[0-2])(?P<dia>0[1-9]|[12]\d|3[01])"
    r"[HMX]"
    r"(AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)"
    r"[B-DF-HJ-NP-TV-Z]{3}"
    r"(?P<diferenciador>[A-Z\d])"
    r"\d$",
    re.ASCII,  # "\d" must not take Arabic-Indic or full-width digits
)


def curp_digito_verificador(primeros17: str) -> str:
    """Check digit of the first 17 characters (RENAPO's weighted sum, modulo 10, by stdnum)."""
    return stdnum_curp.calc_check_digit(primeros17)


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
    # stdnum knows H and M only: an X CURP is checked as if it were H (same positions, same rules).
    como_stdnum = curp[:10] + ("H" if curp[10] == "X" else curp[10]) + curp[11:]
    try:
        stdnum_curp.validate(como_stdnum, validate_check_digits=False)
    except InvalidComponent:
        return "Las cuatro primeras letras de la CURP forman una palabra que RENAPO no asigna (pone X en la segunda)."
    except ValidationError:
        return "La CURP no tiene el formato oficial (4 letras, fecha AAMMDD, sexo, estado, 3 consonantes y 2 caracteres)."
    if curp_digito_verificador(curp[:17]) != curp[17]:
        return "El dígito verificador de la CURP no es correcto."
    return None
