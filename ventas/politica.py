"""Rules shared by every part of ``ventas``: permissions, limits, local dates and the Gerente's
authorisation typed on someone else's screen.

Below the sub-packages (caja, devoluciones, turnos, historial, reportes): it imports none of
them. Money arithmetic (``CERO``, ``a_centavos``) sits next to it in ``ventas.calculos``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from ventas.exceptions import AutorizacionRechazada
from ventas_ingenio import autorizacion
from ventas_ingenio.roles import nombre_para_registro

# --- Permissions ("app_label.codename", as ``has_perm`` and ``permission_required`` take them)
PERMISO_VENDER = "ventas.add_venta"
PERMISO_VER = "ventas.view_venta"
# Every cashier's sales, returns and shifts (Gerente, Consulta); without it, only one's own.
PERMISO_VER_TODAS = "ventas.ver_todas"
PERMISO_REPORTES = PERMISO_VER_TODAS
PERMISO_AUTORIZAR = "ventas.autorizar_descuento"
# Name another salesperson for a sale (at the till or afterwards): Gerente.
PERMISO_ASIGNAR_VENDEDOR = "ventas.asignar_vendedor"
PERMISO_DEVOLVER = "ventas.devolver_venta"
PERMISO_AJUSTAR_MONEDERO = "ventas.ajustar_monedero"
PERMISO_VER_DEVOLUCION = "ventas.view_devolucion"
PERMISO_TURNO = "ventas.add_turno"
PERMISO_VER_TURNO = "ventas.view_turno"
PERMISO_MOVIMIENTO_CAJA = "ventas.add_movimientocaja"
PERMISO_AUTORIZAR_DIFERENCIA = "ventas.autorizar_diferencia"
# Close anyone's shift (a Gerente closing for a cashier who left); without it, only one's own.
PERMISO_CERRAR_AJENO = "ventas.change_turno"

# --- Limits
CANTIDAD_MAXIMA = 9999  # units of one product in a cart line or a return (CHECK carrito_linea_cantidad)
MOTIVO_MAXIMO = 255  # characters of a return's or cancellation's reason
MONTO_MAXIMO = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds


def limite_descuento() -> Decimal:
    """Largest discount per line (fraction of the line) a cashier gives without a Gerente."""
    return Decimal(str(settings.DESCUENTO_MAXIMO_CAJERO))


def limite_diferencia_corte() -> Decimal:
    """Largest |counted − expected| per method a shift closes with without a Gerente."""
    return Decimal(str(settings.DIFERENCIA_MAXIMA_CORTE))


@dataclass(frozen=True)
class Credenciales:
    """A Gerente's username and password, typed on the cashier's screen (every form's one shape)."""

    usuario: str
    clave: str


def autorizador_obtener(*, request, credenciales: Credenciales | None, permiso: str, que: str, detalle: str):
    """The user behind typed Gerente credentials, or None when none were typed.

    For views only: the services receive the resulting user. ``request`` is the till's, so
    wrong passwords are limited per Gerente and till address, as on the sign-in page
    (``ventas_ingenio.autorizacion``, which also logs every outcome). Raises
    ``AutorizacionRechazada`` on wrong credentials, when that user lacks ``permiso``, or while
    the pair is refused. Never inside a transaction: hashing takes a while.
    """
    if credenciales is None:
        return None
    try:
        return autorizacion.autorizador_verificar(
            request=request, usuario=credenciales.usuario, clave=credenciales.clave, permiso=permiso, que=que,
            detalle=detalle,
        )
    except autorizacion.AutorizacionNoValida as error:
        raise AutorizacionRechazada(str(error)) from error


def autorizador_exigir(autorizador, *, permiso: str, que: str) -> None:
    """For services: refuse an authorising user without ``permiso`` (the view already checked
    the password; this keeps a service from trusting any user object it is handed)."""
    if not autorizador.has_perm(permiso):
        raise AutorizacionRechazada(f"{nombre_para_registro(autorizador)} no puede autorizar {que}.")


# --- Local dates (America/Mexico_City)


def dia_local(momento: datetime) -> date:
    """The local calendar day of an aware datetime."""
    return timezone.localdate(momento)


def es_de_hoy(momento: datetime) -> bool:
    """Whether an aware datetime falls on today's local day."""
    return timezone.localdate(momento) == timezone.localdate()


def dia_local_limites(fecha: date) -> tuple[datetime, datetime]:
    """``[inicio, fin)`` of the local day ``fecha`` as aware datetimes (UTC 06:00 → 06:00 today).

    Built with the zone's rules, not a fixed −6 h offset, so a change of offset (DST, if it
    ever comes back) gives a 23- or 25-hour day instead of a wrong one.
    """
    zona = timezone.get_default_timezone()
    return (datetime.combine(fecha, time.min, tzinfo=zona),
            datetime.combine(fecha + timedelta(days=1), time.min, tzinfo=zona))
