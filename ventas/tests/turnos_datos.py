"""Test data for the cash-drawer shifts: sales through the real checkout, refunds as B's
returns service writes them (return rows, units back through the ledger, refund by method)."""

import uuid
from decimal import Decimal

from django.db.models import F

from inventario.models import TipoMovimiento
from inventario.services import MovimientoDatos, existencias_mover
from ventas import services
from ventas.models import Devolucion, DevolucionLinea, Reembolso, Venta, VentaDetalle
from ventas.selectors import carrito_de_cajero
from ventas_ingenio.roles import nombre_para_registro


def vender(cajero, producto, *, cantidad=1, efectivo="0", tarjeta="0", transferencia="0") -> Venta:
    """One sale through the real cart and checkout, paid as given."""
    services.carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=cantidad)
    vista = carrito_de_cajero(cajero=cajero)
    pagos = [services.PagoDatos(m, Decimal(v)) for m, v in (("tarjeta", tarjeta), ("transferencia", transferencia))
             if Decimal(v)]
    venta, creada = services.venta_confirmar(
        cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=pagos,
        efectivo_recibido=Decimal(efectivo),
    )
    assert creada
    return venta


def devolver(venta, *, usuario, turno, metodo="efectivo", unidades=1) -> Devolucion:
    """Return ``unidades`` of the sale's first line, refunded by ``metodo`` in ``turno``."""
    linea = VentaDetalle.objects.filter(venta=venta).order_by("id").first()
    importe = linea.importe / linea.cantidad * unidades
    iva = (linea.iva / linea.cantidad * unidades).quantize(Decimal("0.01"))
    devolucion = Devolucion.objects.create(
        venta=venta, turno=turno, tipo="devolucion", motivo="No era la talla", clave=uuid.uuid4(),
        id_usuario=usuario.pk, nombre_usuario=nombre_para_registro(usuario), total=importe, iva=iva,
    )
    DevolucionLinea.objects.create(devolucion=devolucion, venta_detalle=linea, producto_id=linea.producto_id,
                                   cantidad=unidades, importe=importe, iva=iva)
    VentaDetalle.objects.filter(pk=linea.pk).update(cantidad_devuelta=F("cantidad_devuelta") + unidades)
    Venta.objects.filter(pk=venta.pk).update(total_devuelto=F("total_devuelto") + importe)
    existencias_mover(
        movimientos=[MovimientoDatos(producto_id=linea.producto_id, tipo=TipoMovimiento.CANCELACION_VENTA,
                                     cantidad=unidades, motivo=devolucion.folio_texto, id_venta=venta.pk)],
        usuario=usuario,
    )
    Reembolso.objects.create(devolucion=devolucion, metodo=metodo, monto=importe)
    return devolucion
