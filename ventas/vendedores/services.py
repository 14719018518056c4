"""Writes of salespeople: naming who sells a cart at the till, and correcting a sale's
salesperson afterwards. Both need a Gerente (permission ``ventas.asignar_vendedor``): at the
till, the cashier's own session when a Gerente is at the till, or a Gerente's username and
password typed on the cashier's screen (``politica.autorizador_obtener`` in the view)."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction

from ventas.exceptions import AutorizacionRechazada, VendedorNoValido, VentaNoEncontrada
from ventas.models import Carrito, Vendedor, Venta
from ventas.politica import PERMISO_ASIGNAR_VENDEDOR, autorizador_exigir
from ventas.vendedores.selectors import vendedor_elegible
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

log = logging.getLogger("ventas.vendedores")

QUE = "que la venta quede a nombre de otro vendedor"


def _elegible(id_usuario: int):
    elegible = vendedor_elegible(id_usuario=id_usuario)
    if elegible is None:
        raise VendedorNoValido("Ese vendedor no existe o está dado de baja: elige uno de la lista.")
    return elegible


def carrito_vendedor_asignar(*, cajero, id_vendedor: int | None, autorizador=None) -> Carrito:
    """Name who sells the cashier's active cart (created if missing).

    ``id_vendedor`` None or the cashier's own id puts the cashier back (no authorisation
    needed). Anyone else must be an active salesperson whose user is active
    (``VendedorNoValido``) and needs ``autorizador``, a user holding ``asignar_vendedor``
    (``AutorizacionRechazada`` without one); their id and name stay on the cart. The
    commission percentage is not taken here: the checkout reads it when the sale is written.
    """
    propio = id_vendedor is None or id_vendedor == cajero.pk
    if not propio:
        if autorizador is None:
            raise AutorizacionRechazada(
                "Solo un gerente puede asignar la venta a otro vendedor: escribe su usuario y contraseña."
            )
        autorizador_exigir(autorizador, permiso=PERMISO_ASIGNAR_VENDEDOR, que=QUE)
        fila, _ = _elegible(id_vendedor)
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = (
            Carrito.objects.using(DB_NEGOCIO).select_for_update()
            .filter(id_cajero=cajero.pk, estado=Carrito.Estado.ACTIVO).first()
        ) or Carrito.objects.using(DB_NEGOCIO).create(id_cajero=cajero.pk)
        if propio:
            carrito.id_vendedor, carrito.nombre_vendedor = None, ""
            carrito.id_autorizo_vendedor, carrito.nombre_autorizo_vendedor = None, ""
        else:
            carrito.id_vendedor, carrito.nombre_vendedor = fila.id_usuario, fila.nombre
            carrito.id_autorizo_vendedor = autorizador.pk
            carrito.nombre_autorizo_vendedor = nombre_para_registro(autorizador)
        carrito.save(using=DB_NEGOCIO, update_fields=[
            "id_vendedor", "nombre_vendedor", "id_autorizo_vendedor", "nombre_autorizo_vendedor", "actualizado"])
    if not propio:
        log.info("Vendedor asignado al carrito %s de %s: %s (id %s), autorizó %s", carrito.pk,
                 cajero.get_username(), fila.nombre, fila.id_usuario, autorizador.get_username())
    return carrito


def venta_vendedor_cambiar(*, venta_id: int, id_vendedor: int, usuario) -> Venta:
    """A Gerente corrects a sale's salesperson after the fact (the cashier forgot to name them).

    The sale takes the new salesperson's name and their commission percentage in force now
    (the old sale's percentage belonged to the old salesperson). ``id_vendedor`` may also be the
    sale's cashier (their row's percentage, 0 % without one). Locks the sale's row; logs old
    and new values. Raises ``AutorizacionRechazada`` (no permission), ``VentaNoEncontrada``,
    ``VendedorNoValido``.
    """
    autorizador_exigir(usuario, permiso=PERMISO_ASIGNAR_VENDEDOR, que=QUE)
    with transaction.atomic(using=DB_NEGOCIO):
        venta = Venta.objects.using(DB_NEGOCIO).select_for_update(of=("self",)).filter(pk=venta_id).first()
        if venta is None:
            raise VentaNoEncontrada()
        if id_vendedor == venta.id_cajero:
            # Back to the cashier: the name the sale already keeps, their row's percentage or 0 %.
            fila = Vendedor.objects.using(DB_NEGOCIO).filter(id_usuario=id_vendedor, activo=True).first()
            nombre, comision = venta.nombre_cajero, fila.comision_porcentaje if fila else Decimal("0")
        else:
            fila, _ = _elegible(id_vendedor)
            nombre, comision = fila.nombre, fila.comision_porcentaje
        antes = (venta.id_vendedor, venta.nombre_vendedor, venta.comision_porcentaje)
        venta.id_vendedor, venta.nombre_vendedor, venta.comision_porcentaje = id_vendedor, nombre, comision
        venta.save(using=DB_NEGOCIO, update_fields=["id_vendedor", "nombre_vendedor", "comision_porcentaje"])
    log.info("Vendedor de la venta %s cambiado por %s: %s (id %s, %s %%) → %s (id %s, %s %%)", venta.folio_texto,
             usuario.get_username(), antes[1], antes[0], antes[2], nombre, id_vendedor, comision)
    return venta
