"""Test data for ``ventas``, written only through the real services.

Users in a role, open shifts (``turno_abrir``), completed sales (cart + checkout) and returns
and cancellations (``venta_devolver`` / ``venta_cancelar``, authorised the way the views do
it). Nothing here writes a sale, a return or a shift row by hand, so a test built on these
sees exactly what the application writes. The one thing tests may ask for that the services
cannot do is a date in the past: ``cuando=`` moves the rows just written to that time with a
queryset ``update()`` (reports and shifts group by local day).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.db.models import Max
from django.utils import timezone

from inventario.models import MovimientoInventario, TipoMovimiento
from inventario.services import existencia_registrar_entrada
from inventario.tests.factories import ProductoFactory
from ventas.caja.cobro import PagoDatos, venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_linea_cambiar
from ventas.devoluciones.services import LineaDevolucionDatos, venta_cancelar, venta_devolver
from ventas.models import Devolucion, MetodoPago, Turno, Venta, VentaDetalle
from ventas.politica import PERMISO_DEVOLVER, dia_local
from ventas.tests.autorizar import autorizar
from ventas.turnos.services import turno_abrir
from ventas_ingenio.roles import ROL_CAJERO, rol_asignar, roles_configurar
from ventas_ingenio.tests.factories import UsuarioFactory

D = Decimal
CLAVE_PRUEBAS = "clave-de-pruebas-123"  # every UsuarioFactory user's password


# --- Users and shifts -------------------------------------------------------------------------


def _rol_asignar(usuario, create, extracted, **kwargs):
    if not create:
        return
    if not Group.objects.filter(name=extracted or ROL_CAJERO).exists():
        roles_configurar()
    rol_asignar(usuario=usuario, rol=extracted or ROL_CAJERO)


class UsuarioConRolFactory(UsuarioFactory):
    """A user in one role: ``UsuarioConRolFactory()`` is a Cajero, ``(rol="Gerente")`` a Gerente.

    The password is ``CLAVE_PRUEBAS``, so a Gerente made here can authorise on a till.
    """

    class Meta:
        skip_postgeneration_save = True  # rol_asignar saves what it changes

    rol = factory.PostGeneration(_rol_asignar)


class TurnoFactory(factory.Factory):
    """An open cash-drawer shift, opened through ``turno_abrir`` ($500 of change by default)."""

    class Meta:
        model = Turno

    cajero = factory.SubFactory(UsuarioConRolFactory)
    fondo_inicial = D("500.00")

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("Un turno solo existe abierto por turno_abrir: usa TurnoFactory(), no .build().")

    @classmethod
    def _create(cls, model_class, *, cajero, fondo_inicial):
        return turno_abrir(cajero=cajero, fondo_inicial=D(fondo_inicial))


def _cajero_con_turno():
    cajero = UsuarioConRolFactory()
    TurnoFactory(cajero=cajero)
    return cajero


# --- Sales ------------------------------------------------------------------------------------


def producto_con_existencia(existencia: int = 10, **campos):
    """A product whose stock came in through an entrada (the ledger agrees), as inventario's fixture."""
    producto = ProductoFactory(**campos)
    if existencia:
        existencia_registrar_entrada(producto_id=producto.pk, cantidad=existencia, usuario=None, nota="inicial")
    producto.refresh_from_db()
    return producto


def _movimientos_desde(ultimo: int | None):
    """Ledger rows written after the one with id ``ultimo`` (None: before any)."""
    return MovimientoInventario.objects.filter(pk__gt=ultimo or 0)


def _ultimo_movimiento() -> int | None:
    return MovimientoInventario.objects.aggregate(ultimo=Max("pk"))["ultimo"]


def vender(cajero, lineas, *, efectivo=None, pagos=(), cuando: datetime | None = None) -> Venta:
    """Ring ``lineas`` up in ``cajero``'s cart and charge it, as the till does.

    ``lineas``: ``[(producto, cantidad)]`` or ``[(producto, cantidad, descuento)]`` (the
    discount in pesos off the line, within the cashier's limit). ``pagos``: ``[(metodo, monto)]``
    by card or transfer (or ``PagoDatos``); ``efectivo`` is the cash handed over, by default
    exactly what the card/transfer leave to pay. The sale goes into the cashier's open shift
    (``TurnoNoAbierto`` without one, as at the till). ``cuando`` back-dates the sale and its
    stock movements to that time.
    """
    for producto, cantidad, *resto in lineas:
        linea = carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=cantidad)
        descuento = resto[0] if resto else None
        if descuento:
            carrito_linea_cambiar(cajero=cajero, linea_id=linea.pk, cantidad=cantidad, descuento=D(descuento))
    pagos = [p if isinstance(p, PagoDatos) else PagoDatos(p[0], D(p[1])) for p in pagos]
    vista = carrito_de_cajero(cajero=cajero)
    if efectivo is None:
        efectivo = vista.totales.total - sum((p.monto for p in pagos), D("0"))
    ultimo = _ultimo_movimiento()
    venta, creada = venta_confirmar(
        cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=pagos,
        efectivo_recibido=D(efectivo),
    )
    assert creada
    if cuando is not None:
        Venta.objects.filter(pk=venta.pk).update(fecha=cuando)
        _movimientos_desde(ultimo).filter(id_venta=venta.pk, tipo=TipoMovimiento.VENTA).update(fecha=cuando)
        venta.refresh_from_db()
    return venta


def vender_a_plazos(cajero, cliente, lineas, *, plazo, efectivo=None, pagos=()) -> Venta:
    """As ``vender``, for ``cliente`` and not paid in full: ``plazo`` is a ``PlazoDatos``
    (an apartado or installments); ``efectivo`` defaults to the anticipo the cards leave."""
    from ventas.caja.services import carrito_cliente_asignar

    for producto, cantidad in lineas:
        carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=cantidad)
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    pagos = [p if isinstance(p, PagoDatos) else PagoDatos(p[0], D(p[1])) for p in pagos]
    vista = carrito_de_cajero(cajero=cajero)
    if efectivo is None:
        efectivo = plazo.anticipo - sum((p.monto for p in pagos), D("0"))
    venta, creada = venta_confirmar(
        cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=pagos,
        efectivo_recibido=D(efectivo), plazo=plazo,
    )
    assert creada
    venta.refresh_from_db()
    return venta


class VentaFactory(factory.Factory):
    """A completed sale through the real cart and checkout (``vender``).

    ``VentaFactory()`` sells one unit of a new product, paid in exact cash, by a new cashier
    whose shift it opens. Given a ``cajero``, that cashier's open shift is used as is.
    """

    class Meta:
        model = Venta

    cajero = factory.LazyFunction(_cajero_con_turno)
    lineas = factory.LazyFunction(lambda: [(producto_con_existencia(10), 1)])
    efectivo = None
    pagos = ()
    cuando = None

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise TypeError("Una venta solo existe cobrada: usa VentaFactory(), no .build().")

    @classmethod
    def _create(cls, model_class, *, cajero, lineas, efectivo, pagos, cuando):
        return vender(cajero, lineas, efectivo=efectivo, pagos=pagos, cuando=cuando)


# --- Returns and cancellations ----------------------------------------------------------------


def _autorizador(usuario, autorizador):
    """What the return screen does: nobody to ask when the user may return sales; otherwise the
    Gerente's typed username and password (``CLAVE_PRUEBAS``) become the authorising user."""
    if usuario.has_perm(PERMISO_DEVOLVER):
        return None
    if autorizador is None:
        return None  # the service answers DevolucionNoPermitida, as it would at the till
    return autorizar(autorizador.username, CLAVE_PRUEBAS, PERMISO_DEVOLVER)


def _fechar(devolucion: Devolucion, ultimo: int | None, cuando: datetime | None) -> Devolucion:
    """Move a return just written, and the units it put back in stock, to ``cuando``.

    Its refunds (``Reembolso``) have no date of their own: they are counted on the return's.
    """
    if cuando is not None:
        Devolucion.objects.filter(pk=devolucion.pk).update(fecha=cuando)
        _movimientos_desde(ultimo).filter(
            id_venta=devolucion.venta_id, tipo=TipoMovimiento.CANCELACION_VENTA
        ).update(fecha=cuando)
        devolucion.refresh_from_db()
    return devolucion


def devolver(venta, lineas, *, usuario, autorizador=None, metodo: str | None = None,
             cuando: datetime | None = None, motivo: str = "Prueba") -> Devolucion:
    """Give back ``[(VentaDetalle, cantidad)]`` of ``venta`` through ``venta_devolver``.

    ``usuario`` does it at their till: the refund leaves their open shift (``TurnoNoAbierto``
    without one). A Cajero needs ``autorizador``, a Gerente user, whose credentials are
    checked as the view checks them. ``metodo`` is the refund method asked for (by default
    the service's choice); the amounts are the service's (``calculos.devolucion_linea_calcular``).
    ``cuando`` back-dates the return and its stock movements.
    """
    if metodo is not None and metodo not in MetodoPago.values:
        raise ValueError(metodo)
    autoriza = _autorizador(usuario, autorizador)
    ultimo = _ultimo_movimiento()
    devolucion, creada = venta_devolver(
        venta_id=venta.pk, usuario=usuario, motivo=motivo, clave=uuid.uuid4(), metodo_reembolso=metodo,
        autorizador=autoriza,
        lineas=[LineaDevolucionDatos(venta_detalle_id=detalle.pk, cantidad=cantidad) for detalle, cantidad in lineas],
    )
    assert creada
    venta.refresh_from_db()
    return _fechar(devolucion, ultimo, cuando)


def cancelar(venta, *, usuario, autorizador=None, cuando: datetime | None = None,
             motivo: str = "Prueba", metodo: str | None = None) -> Devolucion:
    """Cancel ``venta`` through ``venta_cancelar``; who refunds and authorises as in ``devolver``.

    The service cancels only a sale of today, and a cancellation can only happen on the sale's
    own day, so ``cuando`` must fall on the sale's local day. When that day is in the past (a
    back-dated sale), the sale is put back at the present for the call, as it was when it
    happened, and returned to its time afterwards.
    """
    fecha_venta = venta.fecha
    if cuando is not None and dia_local(cuando) != dia_local(fecha_venta):
        raise ValueError("Una venta solo se cancela el mismo día en que se vendió.")
    autoriza = _autorizador(usuario, autorizador)
    ultimo = _ultimo_movimiento()
    en_otro_dia = dia_local(fecha_venta) != timezone.localdate()
    if en_otro_dia:
        Venta.objects.filter(pk=venta.pk).update(fecha=timezone.now())
    try:
        devolucion, creada = venta_cancelar(
            venta_id=venta.pk, usuario=usuario, motivo=motivo, clave=uuid.uuid4(), autorizador=autoriza,
            metodo_reembolso=metodo,
        )
    finally:
        if en_otro_dia:
            Venta.objects.filter(pk=venta.pk).update(fecha=fecha_venta)
    assert creada
    venta.refresh_from_db()
    return _fechar(devolucion, ultimo, cuando)


def linea(venta, producto) -> VentaDetalle:
    """The sold line of ``producto`` in ``venta``."""
    return VentaDetalle.objects.get(venta=venta, producto=producto)
