"""Reads of salespeople: who may be named as a sale's salesperson, and who sells a cart.

A salesperson is a user of the auth database with an active ``Vendedor`` row in the business
database (its commission percentage); the two live in different databases, so the row keeps
the user's id and a snapshot of their name, and "is the user still active?" is asked of the
auth database. A cashier always sells their own sales, with or without a row (0 % without).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model

from ventas.models import Carrito, Vendedor, Venta
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_AUTH, DB_NEGOCIO


@dataclass(frozen=True)
class VendedorOpcion:
    id_usuario: int
    nombre: str
    comision_porcentaje: Decimal


def usuarios_activos(ids) -> dict[int, object]:
    """The active users among ``ids``, by id (one query to the auth database)."""
    ids = list(ids)
    if not ids:
        return {}
    return {u.pk: u for u in get_user_model().objects.using(DB_AUTH).filter(pk__in=ids, is_active=True)}


def vendedores_activos() -> list[VendedorOpcion]:
    """Active salespeople whose user is active, by name (one query per database)."""
    filas = list(Vendedor.objects.using(DB_NEGOCIO).filter(activo=True).order_by("nombre", "id"))
    activos = usuarios_activos(f.id_usuario for f in filas)
    return [VendedorOpcion(f.id_usuario, f.nombre, f.comision_porcentaje) for f in filas if f.id_usuario in activos]


def vendedores_para_caja(*, cajero) -> list[VendedorOpcion]:
    """The till's "Vendedor" choices: the cashier first (their own percentage, 0 % without a
    row), then every other active salesperson."""
    otros = vendedores_activos()
    propio = next((v for v in otros if v.id_usuario == cajero.pk), None)
    primero = VendedorOpcion(cajero.pk, nombre_para_registro(cajero),
                             propio.comision_porcentaje if propio else Decimal("0"))
    return [primero, *(v for v in otros if v.id_usuario != cajero.pk)]


def vendedor_elegible(*, id_usuario: int) -> tuple[Vendedor, object] | None:
    """The active ``Vendedor`` row of ``id_usuario`` and its active user, or None."""
    fila = Vendedor.objects.using(DB_NEGOCIO).filter(id_usuario=id_usuario, activo=True).first()
    if fila is None:
        return None
    usuario = usuarios_activos([id_usuario]).get(id_usuario)
    return None if usuario is None else (fila, usuario)


def vendedor_de_carrito(*, carrito: Carrito | None, cajero) -> tuple[int, str]:
    """(id, name) of whoever sells ``carrito``: the assigned salesperson, else the cashier."""
    if carrito is not None and carrito.id_vendedor is not None:
        return carrito.id_vendedor, carrito.nombre_vendedor
    return cajero.pk, nombre_para_registro(cajero)


def venta_existe(*, venta_id: int) -> bool:
    """Whether the sale whose salesperson is being corrected exists (only a Gerente corrects it,
    and a Gerente sees every sale)."""
    return Venta.objects.using(DB_NEGOCIO).filter(pk=venta_id).exists()
