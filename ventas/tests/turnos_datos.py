"""Shorthands for the cash-drawer shift tests over ``ventas.tests.factories``: a one-product
sale through the real checkout, and a return through ``venta_devolver`` (its refund leaves the
open shift of whoever makes it)."""

from decimal import Decimal

from ventas.models import Devolucion, Venta, VentaDetalle
from ventas.tests import factories


def vender(cajero, producto, *, cantidad=1, efectivo="0", tarjeta="0", transferencia="0") -> Venta:
    """One sale through the real cart and checkout, paid as given."""
    pagos = [(m, v) for m, v in (("tarjeta", tarjeta), ("transferencia", transferencia)) if Decimal(v)]
    return factories.vender(cajero, [(producto, cantidad)], efectivo=efectivo, pagos=pagos)


def devolver(venta, *, usuario, autorizador=None, metodo="efectivo", unidades=1) -> Devolucion:
    """Return ``unidades`` of the sale's first line as ``usuario`` (a Cajero with a Gerente
    ``autorizador``), refunded preferably by ``metodo`` from ``usuario``'s open shift, now."""
    linea = VentaDetalle.objects.filter(venta=venta).order_by("id").first()
    return factories.devolver(venta, [(linea, unidades)], usuario=usuario, autorizador=autorizador, metodo=metodo)
