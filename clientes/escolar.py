"""Ciclo escolar, grado and grupo as one spelling each, so the report by ciclo/grado/grupo
(which groups by the text) shows «1 A» once, not as «1 A», «1° a», «1º  A» and «¹ A».

- Spaces: stripped and collapsed to one; invisible format characters (zero-width space, joiners,
  direction marks) are dropped, since nobody sees them and they would still make a new row.
- Digits: ASCII 0-9 only. ``²``, ``١``, ``１`` or ``½`` are refused with a Spanish message (the
  house rule of ``ventas_ingenio.entradas``: a cashier never types them; guessing what «¹²»
  meant is worse than asking).
- Grado: a trailing «°» or «º» is dropped («1°» is «1»).
- Grupo: upper case («b» is «B»).
"""

import unicodedata

from clientes.exceptions import DatosInvalidos

CAMPOS = ("ciclo_escolar", "grado", "grupo")
_NOMBRES = {"ciclo_escolar": "El ciclo escolar", "grado": "El grado", "grupo": "El grupo"}
_GRADO_FINAL = "°º"


def escolar_normalizar(*, campo: str, valor: str) -> str:
    """``valor`` of ``campo`` (ciclo_escolar, grado or grupo) in its one spelling; raises
    ``DatosInvalidos`` (with ``campo``) for a digit that is not 0-9."""
    texto = "".join(c for c in (valor or "") if unicodedata.category(c) != "Cf")
    for caracter in texto:
        if caracter.isnumeric() and not "0" <= caracter <= "9":
            raise DatosInvalidos(
                f"{_NOMBRES[campo]} solo admite los dígitos 0 a 9 (no «{caracter}»).", campo=campo
            )
    texto = " ".join(texto.split())
    if campo == "grado":
        texto = texto.rstrip(_GRADO_FINAL).rstrip()
    elif campo == "grupo":
        texto = texto.upper()
    return texto
