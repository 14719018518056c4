"""A Code 128 reader for the tests: from the ticket's SVG bars back to the text a scanner types."""

import re

from ventas_ingenio.codigo_barras import CODIGO_B, CODIGO_C, FIN, INICIO_B, INICIO_C, PATRONES

_VALOR = {patron: valor for valor, patron in enumerate(PATRONES)}


def barras_del_svg(svg: str) -> list[tuple[int, int]]:
    """(x, ancho) of each black bar, left to right."""
    barras = [(int(x), int(w)) for x, w in re.findall(r'<rect x="(\d+)" y="0" width="(\d+)" height="\d+" fill="#000"/>', svg)]
    return sorted(barras)


def anchos_de_barras(barras: list[tuple[int, int]]) -> list[int]:
    """Bar, space, bar… widths in modules, as a scanner measures them."""
    anchos = []
    for (x, ancho), siguiente in zip(barras, [*barras[1:], None], strict=True):
        anchos.append(ancho)
        if siguiente is not None:
            anchos.append(siguiente[0] - x - ancho)
    return anchos


def code128_leer(anchos: list[int]) -> str:
    """Decode, check the check symbol; raises ``ValueError`` on anything a scanner would reject."""
    simbolos = []
    i = 0
    while i < len(anchos):
        largo = 7 if i + 7 == len(anchos) else 6
        patron = "".join(str(a) for a in anchos[i:i + largo])
        if patron not in _VALOR:
            raise ValueError(f"Patrón desconocido {patron}")
        simbolos.append(_VALOR[patron])
        i += largo
    if simbolos[0] not in (INICIO_B, INICIO_C) or simbolos[-1] != FIN:
        raise ValueError("Sin inicio o sin fin")
    *datos, control = simbolos[:-1]
    if (datos[0] + sum(p * v for p, v in enumerate(datos[1:], start=1))) % 103 != control:
        raise ValueError("Dígito de control incorrecto")
    texto, conjunto = [], "C" if datos[0] == INICIO_C else "B"
    for valor in datos[1:]:
        if valor == CODIGO_C:
            conjunto = "C"
        elif valor == CODIGO_B:
            conjunto = "B"
        elif conjunto == "C":
            texto.append(f"{valor:02d}")
        else:
            texto.append(chr(valor + 32))
    return "".join(texto)


def svg_leer(svg: str) -> str:
    return code128_leer(anchos_de_barras(barras_del_svg(svg)))
