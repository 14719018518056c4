"""What a client owes, on the client's page (``clientes`` must not import ``ventas``, so its
template loads this tag, as it does ``monedero``): the balance, its overdue part and the link
to the printable statement."""

from django import template

from ventas.saldos import selectors
from ventas_ingenio.templatetags import dinero

register = template.Library()


@register.inclusion_tag("ventas/partials/_saldo_cliente.html")
def saldo_cliente(cliente):
    """``{% saldo_cliente cliente %}``: owed now, overdue, and the statement's link."""
    return {"cliente": cliente, **selectors.adeudo_de_cliente(cliente_id=cliente.pk)}


# ``$1,234.50`` and, below zero (a client in credit mid-statement), ``−$200.00``.
register.filter("pesos", dinero.pesos)
