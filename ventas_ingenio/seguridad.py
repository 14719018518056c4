"""Sign-in hardening around django-axes: client address, the refusal page, the security log.

axes counts wrong passwords per username and client address (``AXES_*`` in settings) for the
sign-in pages and, through ``ventas_ingenio.autorizacion``, for Gerente authorisations typed
on a till. This module gives axes the client address (``ip_cliente``) and the Spanish page it
shows once a pair is refused (``bloqueo_respuesta``), and writes who signed in, failed or was
refused, from where, to the ``ventas_ingenio.seguridad`` logger. It also starts the session
clocks the idle-timeout middleware reads.
"""

import logging
import math
import time
from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Max
from django.dispatch import receiver
from django.shortcuts import render
from django.utils import timezone

log = logging.getLogger("ventas_ingenio.seguridad")

# Session key with the last request's time (epoch seconds), written at most every
# ACTIVIDAD_RESOLUCION_SEGUNDOS so the session is not saved on every request.
CLAVE_ULTIMA_ACTIVIDAD = "ultima_actividad"


def ip_cliente(request) -> str | None:
    """The till's address: REMOTE_ADDR, or the entry the trusted proxies appended.

    With ``PROXIES_DE_CONFIANZA = n`` the n-th address from the right of X-Forwarded-For is the
    one the outermost trusted proxy saw; anything left of it was written by the client and is
    ignored (it could be forged to dodge the lockout or to lock someone else out).
    """
    confiables = settings.PROXIES_DE_CONFIANZA
    reenviado = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if confiables > 0 and reenviado:
        direcciones = [parte.strip() for parte in reenviado.split(",") if parte.strip()]
        if len(direcciones) >= confiables:
            return direcciones[-confiables]
    return request.META.get("REMOTE_ADDR")


def minutos_de_bloqueo(*, usuario: str, ip: str | None) -> int:
    """Whole minutes (at least 1) until this username+address pair may try again."""
    ultima = (
        AccessAttempt.objects.filter(username=usuario, ip_address=ip)
        .aggregate(ultima=Max("attempt_time"))["ultima"]
    )
    espera = get_cool_off()
    if ultima is None:
        return math.ceil(espera.total_seconds() / 60)
    restante = (ultima + espera - timezone.now()).total_seconds()
    return max(1, math.ceil(restante / 60))


def mensaje_de_bloqueo(minutos: int) -> str:
    unidad = "minuto" if minutos == 1 else "minutos"
    return f"Demasiados intentos fallidos. Intenta de nuevo en {minutos} {unidad}."


def bloqueo_respuesta(request, original_response=None, credentials=None):
    """What /entrar/ and /admin/login/ answer once axes refuses: a Spanish page, 429."""
    usuario = (credentials or {}).get("username") or request.POST.get("username", "")
    minutos = minutos_de_bloqueo(usuario=usuario, ip=getattr(request, "axes_ip_address", ip_cliente(request)))
    respuesta = render(
        request,
        "registration/bloqueado.html",
        {"mensaje": mensaje_de_bloqueo(minutos), "usuario": usuario},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    respuesta["Retry-After"] = str(max(1, minutos) * 60)
    respuesta["Cache-Control"] = "no-store"
    return respuesta


# --- Security log and session clocks ---------------------------------------------------------


def _ruta(request) -> str:
    return getattr(request, "path", "") or "-"


@receiver(user_logged_in, dispatch_uid="seguridad_inicio_de_sesion")
def _al_entrar(sender, request, user, **kwargs):
    # The idle clock starts now, and the absolute age is pinned to the sign-in time: without
    # a fixed expiry, every save of the session (the idle clock's, at most once a minute)
    # would push SESSION_COOKIE_AGE forward and the session would never end.
    sesion = getattr(request, "session", None)
    if sesion is not None:
        sesion[CLAVE_ULTIMA_ACTIVIDAD] = int(time.time())
        sesion.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    log.info("Inicio de sesión: usuario=%s ip=%s ruta=%s", user.get_username(), ip_cliente(request), _ruta(request))


@receiver(user_logged_out, dispatch_uid="seguridad_salida")
def _al_salir(sender, request, user, **kwargs):
    if user is not None:
        log.info("Fin de sesión: usuario=%s ip=%s", user.get_username(), ip_cliente(request))


@receiver(user_login_failed, dispatch_uid="seguridad_intento_fallido")
def _al_fallar(sender, credentials, request=None, **kwargs):
    # Gerente authorisations log their own line, with what was being authorised.
    if request is None or getattr(request, "autorizacion_en_curso", None):
        return
    log.warning(
        "Inicio de sesión fallido: usuario=%s ip=%s ruta=%s",
        credentials.get("username"), ip_cliente(request), _ruta(request),
    )


@receiver(user_locked_out, dispatch_uid="seguridad_bloqueo")
def _al_bloquear(sender, request, username, ip_address, **kwargs):
    que = getattr(request, "autorizacion_en_curso", None) or "inicio de sesión"
    log.warning(
        "Bloqueo por intentos fallidos: usuario=%s ip=%s para=%s ruta=%s",
        username, ip_address, que, _ruta(request),
    )
