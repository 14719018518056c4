"""RFC (Registro Federal de Contribuyentes) of a client who pays, for invoicing later.

Validated with python-stdnum (``stdnum.mx.rfc``: format, date, SAT's forbidden words and the
check digit). A person's RFC has 13 characters, a company's 12. Unlike the school's own RFC
(``ventas_ingenio/fiscal.py``, where a wrong check digit is only a warning), a client's RFC with
a wrong check digit is refused: it is typed by a cashier, and a typo is far likelier than one
of the few RFCs SAT issued with a bad digit (that client can still buy without an RFC).
"""

import re

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from stdnum.mx import rfc as stdnum_rfc

from clientes.models import TipoCliente

_PERMITIDOS = re.compile(r"^[A-ZÑ&0-9]*$")
LONGITUD = {TipoCliente.PERSONA: 13, TipoCliente.EMPRESA: 12}


def rfc_normalizar(texto: str) -> str:
    """Upper case, without spaces or dashes (what a cashier may copy from a document)."""
    return "".join(c for c in (texto or "").strip().upper() if c not in " -")


def rfc_error(rfc: str, *, tipo: str) -> str | None:
    """Spanish reason why ``rfc`` (already normalised) is not valid for a client of ``tipo``."""
    if not _PERMITIDOS.match(rfc):
        return "El RFC solo lleva letras (A-Z, Ñ, &) y dígitos."
    esperado = LONGITUD.get(tipo, 13)
    if len(rfc) != esperado:
        quien = "una empresa (persona moral)" if tipo == TipoCliente.EMPRESA else "una persona física"
        return f"El RFC de {quien} tiene {esperado} caracteres; este tiene {len(rfc)}."
    try:
        stdnum_rfc.validate(rfc, validate_check_digits=True)
    except InvalidChecksum:
        return "El dígito verificador del RFC no es correcto: revisa que esté bien escrito."
    except InvalidComponent:
        return "La fecha o las letras del RFC no son válidas."
    except (InvalidFormat, InvalidLength):
        return "El RFC no tiene el formato del SAT (letras, fecha AAMMDD y homoclave)."
    except ValidationError:
        return "El RFC no es válido."
    return None
