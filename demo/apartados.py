"""Demo apartados (layaway), all through the real till and ``ventas.apartados``: a few open ones
(some expiring within days), one paid and waiting to be picked up, one paid and handed over,
and one that expired and went back on the shelf.

Sold in a shift of a demo cashier opened and closed here (as demo/cursos.py does), so the
set-aside goods are "apartado" movements, the handover an "entrega_apartado" one and the
expiry "liberacion_apartado" ones, and ``verificar_inventario`` passes. The one handed over is
paid off with an abono (``ventas.abonos``); the one waiting to be picked up was paid in full at
the till. The expired one is sold due today and its date moved back one day (as if sold the day before)
before the expiry runs: the checkout never takes a date in the past.
"""

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from clientes.models import Cliente
from clientes.services import cliente_registrar
from demo.cursos import _cajero_sin_turno
from inventario.models import Producto, TipoProducto
from ventas.abonos.services import abono_registrar
from ventas.apartados.services import apartado_entregar, apartados_vencer
from ventas.caja.cobro import PlazoDatos, venta_confirmar
from ventas.caja.plazos import anticipo_minimo_apartado
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.models import MetodoPago, ModalidadVenta, Venta
from ventas.turnos.services import turno_abrir, turno_cerrar
from ventas_ingenio.router import DB_NEGOCIO

D = Decimal
FONDO = D("500.00")

# (client, surname, telephone, days until due, share paid now: "minimo" or "total", what then)
APARTADOS = [
    ("Lucía", "Arriaga Beltrán", "5512340001", 30, "minimo", ""),
    ("Jorge", "Cano Villalobos", "5512340002", 2, "minimo", ""),            # expires soon
    ("Elena", "Duarte Saucedo", "5512340003", 5, "0.50", ""),               # expires soon
    ("Raúl", "Esquivel Montes", "5512340004", 12, "minimo", ""),
    ("Patricia", "Fuentes Olvera", "5512340005", 20, "total", ""),         # paid: to pick up
    ("Mónica", "Galván Treviño", "5512340006", 15, "minimo", "entregar"),  # paid off with an abono, handed over
    ("Sergio", "Herrera Campos", "5512340007", 0, "minimo", "vencer"),     # expired and liberated
]


def _correo(numero: int) -> str:
    return f"apartado{numero + 1}@familias.demo"


def apartados_cargar(*, escribir=print) -> dict:
    """Load the demo apartados once (nothing if they were loaded before, by their clients'
    emails, or there are no goods): the bulk demo sales may hold apartados of their own."""
    if Cliente.objects.using(DB_NEGOCIO).filter(email=_correo(0)).exists():
        return {}
    articulos = list(
        Producto.objects.using(DB_NEGOCIO).filter(tipo=TipoProducto.ARTICULO, activo=True, existencia__gte=15)
        .order_by("-precio", "pk")[:12]
    )
    if len(articulos) < 3:
        return {}
    hoy = timezone.localdate()
    cajero = _cajero_sin_turno()
    turno = turno_abrir(cajero=cajero, fondo_inicial=FONDO)
    cobrado, vencer, entregar = D("0"), [], []
    for numero, (nombre, apellidos, telefono, dias, parte, despues) in enumerate(APARTADOS):
        cliente = cliente_registrar(nombre=nombre, apellidos=apellidos, telefono=telefono,
                                    email=_correo(numero))
        carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
        for producto in (articulos[numero % len(articulos)], articulos[(numero * 5 + 3) % len(articulos)]):
            carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=1 + numero % 2)
        vista = carrito_de_cajero(cajero=cajero)
        total = vista.totales.total
        minimo = anticipo_minimo_apartado(total)
        anticipo = {"minimo": minimo, "total": total}.get(parte) or max(minimo, (total * D(parte)).quantize(D("1")))
        plazo = PlazoDatos(modalidad=ModalidadVenta.APARTADO, anticipo=anticipo, minimo=minimo,
                           vence=hoy + datetime.timedelta(days=dias))
        venta, _ = venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella,
                                   pagos=[], efectivo_recibido=anticipo, plazo=plazo)
        cobrado += anticipo
        (vencer if despues == "vencer" else entregar if despues == "entregar" else []).append(venta.pk)
    for venta_id in entregar:
        # The rest paid in cash with an abono, then handed over.
        saldo = Venta.objects.using(DB_NEGOCIO).get(pk=venta_id).saldo
        abono_registrar(usuario=cajero, venta_id=venta_id, metodo=MetodoPago.EFECTIVO, monto=saldo,
                        clave=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-apartado-{venta_id}"))
        cobrado += saldo
        apartado_entregar(usuario=cajero, venta_id=venta_id)
    turno_cerrar(turno_id=turno.pk, usuario=cajero, tarjeta_reportado=D("0"), transferencia_reportado=D("0"),
                 efectivo_contado=FONDO + cobrado, nota="Apartados de demostración")
    # Time passes for one of them: due yesterday, the expiry puts its goods back.
    Venta.objects.using(DB_NEGOCIO).filter(pk__in=vencer).update(vence=hoy - datetime.timedelta(days=1))
    vencimiento = apartados_vencer(solo=vencer)
    resumen = {"apartados": len(APARTADOS), "entregados": len(entregar), "vencidos": vencimiento.liberados}
    escribir(f"Apartados de demostración: {len(APARTADOS)} ({len(entregar)} entregado, "
             f"{vencimiento.liberados} vencido y liberado).")
    return resumen
