import pytest

from ventas_ingenio.codigo_barras import PATRONES, ZONA_SILENCIO, code128_simbolos, code128_svg
from ventas_ingenio.tests.code128_leer import barras_del_svg, svg_leer


def test_la_tabla_es_la_de_code_128():
    # Every symbol is 11 modules with bars even and spaces odd (the symbology's parity), all
    # different; the stop is 13 modules with its termination bar.
    assert len(PATRONES) == 107 and len(set(PATRONES)) == 107
    for patron in PATRONES[:106]:
        anchos = [int(a) for a in patron]
        assert len(anchos) == 6 and sum(anchos) == 11
        assert sum(anchos[0::2]) % 2 == 0 and sum(anchos[1::2]) % 2 == 1
    assert PATRONES[106] == "2331112"


def test_digito_de_control_del_ejemplo_de_la_norma():
    # Start C, 12, 34: (105 + 1·12 + 2·34) mod 103 = 82.
    assert code128_simbolos("1234") == [105, 12, 34, 82, 106]


@pytest.mark.parametrize("texto", ["V-003001", "V-0030012", "V-1234567", "D-000046", "12345", "1234", "A", "V 1-2"])
def test_lo_dibujado_se_lee_igual(texto):
    assert svg_leer(code128_svg(texto)) == texto


def test_los_digitos_van_de_dos_en_dos():
    # "V-" in set B, then the six digits as three set-C symbols: with start, switch, check and
    # stop, 8 symbols of 11 modules and the 13-module stop.
    assert code128_simbolos("V-003001")[:7] == [104, 54, 13, 99, 0, 30, 1]
    barras = barras_del_svg(code128_svg("V-003001"))
    assert barras[0][0] == ZONA_SILENCIO
    assert barras[-1][0] + barras[-1][1] == ZONA_SILENCIO + 8 * 11 + 13


def test_svg_sin_estilos_en_linea():
    svg = code128_svg("V-000001")
    assert svg.startswith("<svg") and "style" not in svg and "<script" not in svg
    assert 'aria-label="Código de barras V-000001"' in svg


@pytest.mark.parametrize("texto", ["", "Ñandú", "a\tb"])
def test_rechaza_lo_que_no_codifica(texto):
    with pytest.raises(ValueError):
        code128_simbolos(texto)
