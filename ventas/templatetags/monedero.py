"""The customer account on pages that do not belong to ``ventas``: the client's page
(``clientes`` must not import ``ventas``, so its template loads these tags) and the till's
client panel. Each tag reads through ``ventas.monedero.selectors``."""

from django import template

from ventas.monedero import selectors

register = template.Library()


@register.simple_tag
def monedero_saldo_de(cliente_id):
    """``{% monedero_saldo_de cliente.pk as saldo %}``: the client's store credit (0 without an account)."""
    return selectors.monedero_saldo(cliente_id=cliente_id)


@register.inclusion_tag("ventas/partials/_monedero_cliente.html", takes_context=True)
def monedero_cliente(context, cliente):
    """The client's balance and newest movements, with the Gerente's adjustment link."""
    estado = selectors.monedero_de_cliente(cliente_id=cliente.pk)
    perms = context.get("perms")
    return {
        "cliente": cliente,
        "estado": estado,
        "puede_ajustar": bool(perms and perms["ventas"]["ajustar_monedero"]) and not cliente.es_publico_general,
    }
