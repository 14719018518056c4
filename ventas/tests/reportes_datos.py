"""Hand-built days for the report tests: real sales through the checkout service, moved to a
chosen local time, and cancellations/returns written as the return service leaves them
(``Devolucion`` + lines + refunds, units back to stock through the inventory service)."""

import uuid
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from inventario.models import TipoMovimiento
from inventario.services import MovimientoDatos, existencias_mover
from ventas import calculos
from ventas.caja.cobro import PagoDatos, venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_linea_cambiar
from ventas.models import (
    Devolucion,
    DevolucionLinea,
    EstadoVenta,
    Reembolso,
    TipoDevolucion,
    Venta,
    VentaDetalle,
)
from ventas_ingenio.roles import nombre_para_registro

D = Decimal
MX = ZoneInfo("America/Mexico_City")


def local(anio, mes, dia, hora, minuto=0):
    return datetime(anio, mes, dia, hora, minuto, tzinfo=MX)


def vender(cajero, lineas, *, cuando, efectivo="0", pagos=(), turno=None):
    """Sell ``[(producto, cantidad, descuento)]`` as ``cajero`` and date the sale ``cuando``."""
    for producto, cantidad, descuento in lineas:
        linea = carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=cantidad)
        if descuento:
            carrito_linea_cambiar(cajero=cajero, linea_id=linea.pk, cantidad=cantidad, descuento=D(descuento))
    vista = carrito_de_cajero(cajero=cajero)
    venta, _ = venta_confirmar(
        cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella,
        pagos=[PagoDatos(metodo, D(monto), "") for metodo, monto in pagos], efectivo_recibido=D(efectivo),
    )
    # The shift is set here only if given: once checkout sets it itself, it is left alone.
    Venta.objects.filter(pk=venta.pk).update(fecha=cuando, **({"turno": turno} if turno else {}))
    venta.refresh_from_db()
    return venta


def devolver(venta, lineas, *, tipo, turno, usuario, cuando, metodo="efectivo"):
    """Give back ``[(VentaDetalle, cantidad)]`` of ``venta`` (every line for a cancellation)."""
    calculadas = []
    for detalle, cantidad in lineas:
        importe = calculos.a_centavos(detalle.importe * cantidad / detalle.cantidad)
        iva = calculos.a_centavos(detalle.iva * cantidad / detalle.cantidad)
        calculadas.append((detalle, cantidad, importe, iva))
    total = sum((c[2] for c in calculadas), calculos.CERO)
    devolucion = Devolucion.objects.create(
        venta=venta, turno=turno, tipo=tipo, motivo="Prueba", clave=uuid.uuid4(), id_usuario=usuario.pk,
        nombre_usuario=nombre_para_registro(usuario), total=total, iva=sum((c[3] for c in calculadas), calculos.CERO),
    )
    Devolucion.objects.filter(pk=devolucion.pk).update(fecha=cuando)
    for detalle, cantidad, importe, iva in calculadas:
        DevolucionLinea.objects.create(devolucion=devolucion, venta_detalle=detalle, producto_id=detalle.producto_id,
                                       cantidad=cantidad, importe=importe, iva=iva)
        VentaDetalle.objects.filter(pk=detalle.pk).update(cantidad_devuelta=detalle.cantidad_devuelta + cantidad)
    Reembolso.objects.create(devolucion=devolucion, metodo=metodo, monto=total)
    venta.total_devuelto += total
    if tipo == TipoDevolucion.CANCELACION:
        venta.estado = EstadoVenta.CANCELADA
    venta.save(update_fields=["total_devuelto", "estado"])
    tipo_movimiento = (
        TipoMovimiento.CANCELACION_VENTA if tipo == TipoDevolucion.CANCELACION else TipoMovimiento.DEVOLUCION
    )
    existencias_mover(
        movimientos=[MovimientoDatos(producto_id=d.producto_id, tipo=tipo_movimiento, cantidad=c,
                                     motivo="Prueba", id_venta=venta.pk) for d, c, _, _ in calculadas],
        usuario=usuario,
    )
    return devolucion


def dia_completo(*, cajero, cajera, gerente, producto_con_existencia, turno_para):
    """The 10 November 2026 of the tests, with a sale on each side of both midnights.

    Carlos: S1 2 cuadernos (16 %) + 3 lápices (0 %) cash; S2 a backpack, card 300 + cash 150;
    one cuaderno of S1 returned (cash). Beatriz: S3 a cuaderno with $5.80 off, transfer;
    S4 2 lápices cash, cancelled; S5 a backpack by card at 23:30 local (05:30 UTC on the 11th).
    Outside the day: a sale at 23:59 on the 9th (05:59 UTC on the 10th) and one at 00:30 on the 11th.
    """
    cuaderno = producto_con_existencia(50, nombre="Cuaderno profesional", precio=D("58.00"), codigo="CUA-1")
    lapiz = producto_con_existencia(50, nombre="Lápiz HB", precio=D("7.50"), tasa_iva=D("0.00"), codigo="LAP-1")
    mochila = producto_con_existencia(50, nombre="Mochila escolar", precio=D("450.00"), codigo="MOC-1")
    turno_a, turno_b = turno_para(cajero), turno_para(cajera)
    s1 = vender(cajero, [(cuaderno, 2, None), (lapiz, 3, None)], cuando=local(2026, 11, 10, 9, 15), efectivo="200",
                turno=turno_a)
    s2 = vender(cajero, [(mochila, 1, None)], cuando=local(2026, 11, 10, 12, 5), efectivo="150",
                pagos=[("tarjeta", "300.00")], turno=turno_a)
    s3 = vender(cajera, [(cuaderno, 1, "5.80")], cuando=local(2026, 11, 10, 10, 40),
                pagos=[("transferencia", "52.20")], turno=turno_b)
    s4 = vender(cajera, [(lapiz, 2, None)], cuando=local(2026, 11, 10, 13, 0), efectivo="20", turno=turno_b)
    s5 = vender(cajera, [(mochila, 1, None)], cuando=local(2026, 11, 10, 23, 30), pagos=[("tarjeta", "450.00")],
                turno=turno_b)
    antes = vender(cajero, [(lapiz, 1, None)], cuando=local(2026, 11, 9, 23, 59), efectivo="7.50", turno=turno_a)
    despues = vender(cajero, [(lapiz, 4, None)], cuando=local(2026, 11, 11, 0, 30), efectivo="30", turno=turno_a)
    linea_cuaderno = s1.lineas.get(producto=cuaderno)
    devolver(s1, [(linea_cuaderno, 1)], tipo=TipoDevolucion.DEVOLUCION, turno=turno_a, usuario=gerente,
             cuando=local(2026, 11, 10, 17, 0))
    devolver(s4, [(x, x.cantidad) for x in s4.lineas.all()], tipo=TipoDevolucion.CANCELACION, turno=turno_b,
             usuario=gerente, cuando=local(2026, 11, 10, 13, 10))
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5, "antes": antes, "despues": despues,
            "cuaderno": cuaderno, "lapiz": lapiz, "mochila": mochila}
