import datetime

import pytest

from clientes.curp import curp_digito_verificador, curp_error, curp_fecha_nacimiento
from clientes.tests.factories import curp_valida


@pytest.mark.parametrize("curp", ["HEGG560427MVZRRL04", "MAHJ280603MSPRRV09", "LOOA531113HTCPBN07"])
def test_curps_publicadas_son_validas(curp):
    assert curp_digito_verificador(curp[:17]) == curp[17]
    assert curp_error(curp) is None


@pytest.mark.parametrize(
    ("curp", "mensaje"),
    [
        ("HEGG560427MVZRRL", "exactamente 18"),
        ("HEGG560427MZZRRL04", "formato oficial"),
        ("1EGG560427MVZRRL04", "formato oficial"),
        ("HEGG561327MVZRRL04", "formato oficial"),
        ("HEGG560230MVZRRL04", "no existe"),
        ("HEGG560427MVZRRL05", "dígito verificador"),
    ],
)
def test_curps_invalidas(curp, mensaje):
    assert mensaje in curp_error(curp)


def test_fecha_de_nacimiento_y_siglo():
    assert curp_fecha_nacimiento("HEGG560427MVZRRL04") == datetime.date(1956, 4, 27)
    curp = curp_valida(3, siglo_xxi=True)
    assert curp_fecha_nacimiento(curp).year >= 2000


def test_de_acuerdo_con_python_stdnum():
    """Every CURP we accept, stdnum accepts (X as H: stdnum knows only H and M), and a wrong
    check digit is refused by both."""
    from stdnum.mx import curp as stdnum_curp

    for n in range(0, 6000, 37):
        curp = curp_valida(n, siglo_xxi=bool(n % 2))
        assert curp_error(curp) is None, curp
        assert stdnum_curp.is_valid(curp)
        otro = curp[:17] + str((int(curp[17]) + 1) % 10)
        assert "dígito verificador" in curp_error(otro) and not stdnum_curp.is_valid(otro)


def test_sexo_x_y_palabras_que_renapo_no_asigna():
    base = "HEGG560427XVZRRL0"
    assert curp_error(base + curp_digito_verificador(base)) is None  # non-binary, issued since 2023
    base = "BUEY560427MVZRRL0"
    assert "RENAPO no asigna" in curp_error(base + curp_digito_verificador(base))


@pytest.mark.parametrize("curp", ["HEGG56042٧MVZRRL04", "HEGG560427MVZRRL0４", "HEGG-560427MVZRRL04"[:18]])
def test_digitos_unicode_y_separadores_rechazados(curp):
    assert curp_error(curp) is not None
    assert curp_fecha_nacimiento(curp) is None or curp.isascii()
