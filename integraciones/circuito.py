"""What both outboxes (alumnos, enrollments) share: each system's circuit breaker, the
retry delay and the time budget of an immediate attempt. In its own module so ``services`` (alumnos) and ``inscripciones`` (enrollments)
both build on it without importing each other.
"""

import datetime
import logging
import random
import time
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from integraciones.exceptions import IntegracionError
from integraciones.models import CircuitoSistema
from ventas_ingenio.router import DB_NEGOCIO

logger = logging.getLogger("integraciones.services")


class SinTiempo(Exception):  # noqa: N818 - a signal, not an error
    """The immediate attempt's time budget ran out: leave the row to the worker."""


def plazos(limite_tiempo: float | None) -> Callable[[], tuple[float, float] | None]:
    """The (connect, read) timeouts for the next call: the settings' ones, cut to what is left
    of ``limite_tiempo`` (a ``time.monotonic()`` deadline; None for the worker: no deadline).
    Raises ``SinTiempo`` when less than 50 ms are left."""

    def tiempo() -> tuple[float, float] | None:
        if limite_tiempo is None:
            return None
        restante = limite_tiempo - time.monotonic()
        if restante < 0.05:
            raise SinTiempo
        return (min(settings.INTEGRACIONES_TIMEOUT_CONEXION, restante),
                min(settings.INTEGRACIONES_TIMEOUT_LECTURA, restante))

    return tiempo


def circuitos_abiertos(*, ahora: datetime.datetime | None = None) -> dict[str, datetime.datetime]:
    ahora = ahora or timezone.now()
    return dict(
        CircuitoSistema.objects.using(DB_NEGOCIO)
        .filter(abierto_hasta__gt=ahora)
        .values_list("sistema", "abierto_hasta")
    )


def circuito_fallo(sistema: str, mensaje: str) -> None:
    with transaction.atomic(using=DB_NEGOCIO):
        circuito, _ = CircuitoSistema.objects.using(DB_NEGOCIO).select_for_update().get_or_create(sistema=sistema)
        circuito.fallos_consecutivos += 1
        circuito.ultimo_error = mensaje[:500]
        if circuito.fallos_consecutivos >= settings.INTEGRACIONES_CIRCUITO_UMBRAL:
            circuito.abierto_hasta = timezone.now() + datetime.timedelta(
                seconds=settings.INTEGRACIONES_CIRCUITO_SEGUNDOS
            )
            logger.warning("Circuito de %s abierto hasta %s: %s", sistema, circuito.abierto_hasta, mensaje)
        circuito.save(using=DB_NEGOCIO)


def circuito_exito(sistema: str) -> None:
    CircuitoSistema.objects.using(DB_NEGOCIO).filter(sistema=sistema).exclude(
        fallos_consecutivos=0, abierto_hasta=None
    ).update(fallos_consecutivos=0, abierto_hasta=None, ultimo_error="")


def circuitos_cerrar() -> None:
    """Close every circuit (an operator or a test knows the systems are back)."""
    CircuitoSistema.objects.using(DB_NEGOCIO).update(fallos_consecutivos=0, abierto_hasta=None, ultimo_error="")


def espera_reintento(intentos: int, error: IntegracionError | None = None) -> float:
    """Seconds before attempt ``intentos + 1``: exponential with jitter, never under Retry-After."""
    base = settings.INTEGRACIONES_BACKOFF_BASE * 2 ** max(0, intentos - 1)
    espera = min(settings.INTEGRACIONES_BACKOFF_MAXIMO, base) * random.uniform(0.5, 1.0)  # noqa: S311 - jitter
    return max(espera, (error.reintentar_en if error else None) or 0.0)
