"""Money with its sign for the cash-drawer close: differences are negative when cash is missing."""

from decimal import Decimal

from django import template

from ventas_ingenio.templatetags import dinero

register = template.Library()


@register.filter
def pesos(valor) -> str:
    """``Decimal("-12.5")`` → ``−$12.50``; ``Decimal("1234")`` → ``$1,234.00``; None → ``—``."""
    return "—" if valor is None or valor == "" else dinero.pesos(valor)


@register.filter
def pesos_diferencia(valor) -> str:
    """A difference says which way it goes: ``+$5.00`` (sobrante), ``−$5.00`` (faltante)."""
    if valor is None:
        return "—"
    valor = Decimal(valor)
    return f"+${valor:,.2f}" if valor > 0 else pesos(valor)


@register.filter
def clave_de(diccionario, clave):
    """``cuentas.pagos|clave_de:"efectivo"`` (a dict lookup by a variable or literal key)."""
    return (diccionario or {}).get(clave)
