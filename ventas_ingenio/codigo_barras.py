"""Code 128 barcodes drawn as inline SVG on the server (no JavaScript, no external library).

Printed on the ticket so a keyboard-wedge scanner types the folio into a search box. Code 128
rather than Code 39: it is about half as wide for a folio ("V-003001": 90 modules against 160),
which matters on a 58 mm roll. Code set B carries the letters and the "-"; a run of four or
more digits switches to code set C, two digits per symbol. The SVG has only presentation
attributes (``fill``, ``width``…), no ``style``, so a strict Content-Security-Policy allows it;
its printed size comes from static/css/ticket.css.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join

# Bar and space widths, in modules, of the symbols 0-106 (ISO/IEC 15417). Each symbol is 11
# modules: three bars and three spaces; the stop (106) adds its 2-module termination bar.
PATRONES = (
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
    "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
    "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
    "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
    "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
    "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
    "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
    "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
)
CODIGO_C, CODIGO_B, INICIO_B, INICIO_C, FIN = 99, 100, 104, 105, 106
ZONA_SILENCIO = 10  # modules of white on each side, as the standard asks


def _digitos_desde(texto: str, i: int) -> int:
    n = i
    while n < len(texto) and texto[n].isdigit():
        n += 1
    return n - i


def code128_simbolos(texto: str) -> list[int]:
    """The symbol values of ``texto`` (printable ASCII), with start, check symbol and stop."""
    if not texto or any(not 32 <= ord(c) <= 126 for c in texto):
        raise ValueError("Code 128 (B/C) solo codifica caracteres ASCII imprimibles.")
    simbolos: list[int] = []
    i, conjunto = 0, ""
    while i < len(texto):
        corrida = _digitos_desde(texto, i)
        if conjunto == "C" and corrida >= 2:
            simbolos.append(int(texto[i:i + 2]))
            i += 2
        elif conjunto != "C" and corrida >= 4 and corrida % 2 == 0:
            # An odd run first spends one digit in set B (next turn), so the rest pairs up.
            simbolos.append(CODIGO_C if simbolos else INICIO_C)
            conjunto = "C"
        else:
            if conjunto != "B":
                simbolos.append(CODIGO_B if simbolos else INICIO_B)
                conjunto = "B"
            simbolos.append(ord(texto[i]) - 32)
            i += 1
    control = (simbolos[0] + sum(posicion * valor for posicion, valor in enumerate(simbolos[1:], start=1))) % 103
    return [*simbolos, control, FIN]


def code128_anchos(texto: str) -> list[int]:
    """Alternating bar and space widths in modules, starting and ending with a bar."""
    return [int(ancho) for simbolo in code128_simbolos(texto) for ancho in PATRONES[simbolo]]


def code128_svg(texto: str, *, alto: int = 40, clase: str = "codigo-barras") -> str:
    """An ``<svg>`` with one ``<rect>`` per bar, in module units (``viewBox``), safe to insert."""
    barras, x = [], ZONA_SILENCIO
    for indice, ancho in enumerate(code128_anchos(texto)):
        if indice % 2 == 0:
            barras.append((x, ancho, alto))
        x += ancho
    total = x + ZONA_SILENCIO
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="{}" viewBox="0 0 {} {}" width="{}" height="{}" '
        'preserveAspectRatio="none" shape-rendering="crispEdges" role="img" aria-label="Código de barras {}">'
        '<rect width="{}" height="{}" fill="#fff"/>{}</svg>',
        clase, total, alto, total * 3, alto * 3, texto, total, alto,
        format_html_join("", '<rect x="{}" y="0" width="{}" height="{}" fill="#000"/>', barras),
    )
