"""Abonos on pages that are not the abono page: a sale's page (its abonos and the "Abonar"
button) and the client's page (``clientes`` must not import ``ventas``, so its template loads
these tags: the sales still owing, each with its link to take an abono)."""

from django import template

from ventas.abonos import selectors

register = template.Library()


@register.inclusion_tag("ventas/partials/_venta_abonos.html", takes_context=True)
def abonos_de_venta(context, venta):
    """The sale's abonos (one query; none for a sale paid at once, which takes none)."""
    return {
        "venta": venta,
        "abonos": [] if venta.modalidad == "contado" else list(venta.abonos.order_by("fecha", "id")),
        "perms": context.get("perms"),
    }


@register.inclusion_tag("ventas/partials/_cliente_por_cobrar.html", takes_context=True)
def ventas_por_cobrar(context, cliente):
    """The client's sales with a balance, oldest due first (one query)."""
    return {
        "cliente": cliente,
        "ventas": selectors.ventas_por_cobrar_de_cliente(cliente_id=cliente.pk),
        "perms": context.get("perms"),
    }
