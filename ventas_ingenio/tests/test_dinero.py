"""The ``pesos`` filter draws what ``floatformat:2|intcomma`` drew, and the edge cases."""

from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils import translation

from ventas_ingenio.templatetags.dinero import pesos

D = Decimal


@pytest.mark.parametrize("valor", [
    D("0"), D("0.5"), D("1"), D("58.00"), D("999.99"), D("1000"), D("1234.5"), D("1234567.89"),
    D("0.005"), D("0.015"), D("2.675"), D("99999999.99"), 7, "12.5",
])
def test_como_floatformat_e_intcomma(valor):
    with translation.override("es-mx"):
        assert pesos(valor) == "$" + intcomma(floatformat(valor, 2))


@pytest.mark.parametrize(("valor", "esperado"), [
    (None, ""), ("", ""), (D("-200"), "−$200.00"), (D("-0.00"), "$0.00"), (D("-1234.565"), "−$1,234.57"),
    (D("1E+30"), "$1,000,000,000,000,000,000,000,000,000,000.00"),
])
def test_bordes(valor, esperado):
    assert pesos(valor) == esperado
