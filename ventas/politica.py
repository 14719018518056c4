"""Rules shared by every part of ``ventas``: permissions, limits, local dates and the Gerente's
authorisation. Below the sub-packages: it imports none of them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from ventas.exceptions import AutorizacionRechazada
from ventas_ingenio import autorizacion

CANTIDAD_MAXIMA = 9999
PERMISO_AUTORIZAR = "ventas.autorizar_descuento"
PERMISO_VENDER = "ventas.add_venta"
PERMISO_DEVOLVER = "ventas.devolver_venta"
PERMISO_VER_TODAS = "ventas.ver_todas"
PERMISO_AUTORIZAR_DIFERENCIA = "ventas.autorizar_diferencia"
# Close anyone's shift (a Gerente closing for a cashier who left); without it, only one's own.
PERMISO_CERRAR_AJENO = "ventas.change_turno"


def limite_descuento() -> Decimal:
    """Largest discount per line (fraction of the line) a cashier gives without a Gerente."""
    return Decimal(str(settings.DESCUENTO_MAXIMO_CAJERO))


def limite_diferencia_corte() -> Decimal:
    """Largest |counted − expected| per method a shift closes with without a Gerente."""
    return Decimal(str(settings.DIFERENCIA_MAXIMA_CORTE))


def _autorizador_verificar(*, usuario: str, clave: str, permiso: str, que: str, detalle: str, request):
    """The Gerente typing their username and password on someone else's screen.

    Returns the authorising user; raises ``AutorizacionRechazada`` on wrong credentials, when
    that user lacks ``permiso``, or while too many wrong passwords for that Gerente from this
    till keep them refused (``ventas_ingenio.autorizacion``, shared with the sign-in limit).
    Never inside a transaction: hashing takes a while.
    """
    try:
        return autorizacion.autorizador_verificar(
            request=request, usuario=usuario, clave=clave, permiso=permiso, que=que, detalle=detalle
        )
    except autorizacion.AutorizacionNoValida as error:
        raise AutorizacionRechazada(str(error)) from error


def dia_local_limites(fecha: date) -> tuple[datetime, datetime]:
    """``[inicio, fin)`` of the local day ``fecha`` as aware datetimes (UTC 06:00 → 06:00 today).

    Built with the zone's rules, not a fixed −6 h offset, so a change of offset (DST, if it
    ever comes back) gives a 23- or 25-hour day instead of a wrong one.
    """
    zona = timezone.get_default_timezone()
    return (datetime.combine(fecha, time.min, tzinfo=zona),
            datetime.combine(fecha + timedelta(days=1), time.min, tzinfo=zona))
