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
