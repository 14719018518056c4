"""Money as every page shows it: ``$1,234.50``."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()
CENTAVO = Decimal("0.01")


@register.filter
def pesos(valor) -> str:
    """``Decimal("1234.5")`` → ``$1,234.50``; below zero ``−$200.00``; None or "" → "".

    What ``floatformat:2|intcomma`` draws (half up to the cent, comma thousands), written
    directly: the till draws a dozen amounts per scan and that pair of filters cost more than
    the rest of the answer."""
    if valor is None or valor == "":
        return ""
    valor = Decimal(valor)
    try:
        valor = valor.quantize(CENTAVO, rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds: drawn as it is
        pass
    return f"−${-valor:,.2f}" if valor < 0 else f"${abs(valor):,.2f}"  # abs: no "$-0.00"
