"""A hand-built day for the report tests: real sales through the checkout service, and a
return and a cancellation through the return services, each then moved to a chosen local time
(``ventas.tests.factories``)."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ventas.tests.factories import cancelar, devolver, vender

D = Decimal
MX = ZoneInfo("America/Mexico_City")


def local(anio, mes, dia, hora, minuto=0):
    return datetime(anio, mes, dia, hora, minuto, tzinfo=MX)


def dia_completo(*, cajero, cajera, gerente, producto_con_existencia, turno_para):
    """The 10 November 2026 of the tests, with a sale on each side of both midnights.

    Carlos: S1 2 cuadernos (16 %) + 3 lápices (0 %) cash; S2 a backpack, card 300 + cash 150;
    one cuaderno of S1 returned (cash) at 17:00. Beatriz: S3 a cuaderno with $5.80 off, transfer;
    S4 2 lápices cash, cancelled at 13:10; S5 a backpack by card at 23:30 local (05:30 UTC on
    the 11th). Outside the day: a sale at 23:59 on the 9th (05:59 UTC on the 10th) and one at
    00:30 on the 11th. Each cashier rings up, returns and refunds at their own till (their shift,
    opened with $500), the Gerente authorising the return and the cancellation.
    """
    cuaderno = producto_con_existencia(50, nombre="Cuaderno profesional", precio=D("58.00"), codigo="CUA-1")
    lapiz = producto_con_existencia(50, nombre="Lápiz HB", precio=D("7.50"), tasa_iva=D("0.00"), codigo="LAP-1")
    mochila = producto_con_existencia(50, nombre="Mochila escolar", precio=D("450.00"), codigo="MOC-1")
    turno_para(cajero)
    turno_para(cajera)
    s1 = vender(cajero, [(cuaderno, 2), (lapiz, 3)], cuando=local(2026, 11, 10, 9, 15), efectivo="200")
    s2 = vender(cajero, [(mochila, 1)], cuando=local(2026, 11, 10, 12, 5), efectivo="150", pagos=[("tarjeta", "300.00")])
    s3 = vender(cajera, [(cuaderno, 1, "5.80")], cuando=local(2026, 11, 10, 10, 40), pagos=[("transferencia", "52.20")])
    s4 = vender(cajera, [(lapiz, 2)], cuando=local(2026, 11, 10, 13, 0), efectivo="20")
    s5 = vender(cajera, [(mochila, 1)], cuando=local(2026, 11, 10, 23, 30), pagos=[("tarjeta", "450.00")])
    antes = vender(cajero, [(lapiz, 1)], cuando=local(2026, 11, 9, 23, 59), efectivo="7.50")
    despues = vender(cajero, [(lapiz, 4)], cuando=local(2026, 11, 11, 0, 30), efectivo="30")
    devolver(s1, [(s1.lineas.get(producto=cuaderno), 1)], usuario=cajero, autorizador=gerente, metodo="efectivo",
             cuando=local(2026, 11, 10, 17, 0))
    cancelar(s4, usuario=cajera, autorizador=gerente, cuando=local(2026, 11, 10, 13, 10))
    return {"s1": s1, "s2": s2, "s3": s3, "s4": s4, "s5": s5, "antes": antes, "despues": despues,
            "cuaderno": cuaderno, "lapiz": lapiz, "mochila": mochila}
