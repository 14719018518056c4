"""Test data for the cash-drawer shifts: sales through the real checkout, refunds as the
returns service writes them (``reportes_datos.devolver``: return rows, units back through the
ledger, refund by method)."""

from decimal import Decimal

from django.utils import timezone

from ventas.caja.cobro import PagoDatos, venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar
from ventas.models import Devolucion, TipoDevolucion, Venta, VentaDetalle
from ventas.tests import reportes_datos


def vender(cajero, producto, *, cantidad=1, efectivo="0", tarjeta="0", transferencia="0") -> Venta:
    """One sale through the real cart and checkout, paid as given."""
    carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=cantidad)
    vista = carrito_de_cajero(cajero=cajero)
    pagos = [PagoDatos(m, Decimal(v)) for m, v in (("tarjeta", tarjeta), ("transferencia", transferencia))
             if Decimal(v)]
    venta, creada = venta_confirmar(
        cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=pagos,
        efectivo_recibido=Decimal(efectivo),
    )
    assert creada
    return venta


def devolver(venta, *, usuario, turno, metodo="efectivo", unidades=1) -> Devolucion:
    """Return ``unidades`` of the sale's first line, refunded by ``metodo`` in ``turno``, now."""
    linea = VentaDetalle.objects.filter(venta=venta).order_by("id").first()
    return reportes_datos.devolver(venta, [(linea, unidades)], tipo=TipoDevolucion.DEVOLUCION, turno=turno,
                                   usuario=usuario, cuando=timezone.now(), metodo=metodo)
