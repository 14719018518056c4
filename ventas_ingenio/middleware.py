import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils.cache import add_never_cache_headers

from ventas_ingenio.seguridad import CLAVE_ULTIMA_ACTIVIDAD, ip_cliente

log = logging.getLogger("ventas_ingenio.seguridad")


class ContentSecurityPolicyMiddleware:
    """Send the strict Content-Security-Policy of settings.CSP on our own pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CSP and not request.path.startswith("/admin/"):
            response.headers.setdefault("Content-Security-Policy", settings.CSP)
        return response


# The idle clock in the session moves only when it is this stale, so a busy till does not
# save its session on every request (the idle limit is minutes; a minute's slack is harmless).
ACTIVIDAD_RESOLUCION_SEGUNDOS = 60


class SesionInactividadMiddleware:
    """Close a signed-in session unused for ``SESION_INACTIVIDAD_SEGUNDOS``.

    The absolute age (``SESSION_COOKIE_AGE`` from sign-in) is the session's own expiry; this
    adds the idle limit for tills and office PCs left signed in. The last activity is kept in
    the session (``seguridad.CLAVE_ULTIMA_ACTIVIDAD``, started at sign-in) and rewritten at most
    once per ``ACTIVIDAD_RESOLUCION_SEGUNDOS``. An idle session is ended and the request goes
    to the sign-in page with a message, and back to the same page after signing in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            ahora = int(time.time())
            ultima = request.session.get(CLAVE_ULTIMA_ACTIVIDAD)
            if ultima is not None and ahora - ultima > settings.SESION_INACTIVIDAD_SEGUNDOS:
                log.info("Sesión cerrada por inactividad: usuario=%s ip=%s minutos=%d",
                         request.user.get_username(), ip_cliente(request), (ahora - ultima) // 60)
                logout(request)
                messages.info(request, "Tu sesión se cerró por inactividad. Vuelve a entrar para continuar.")
                return redirect_to_login(request.get_full_path())
            if ultima is None or ahora - ultima >= ACTIVIDAD_RESOLUCION_SEGUNDOS:
                request.session[CLAVE_ULTIMA_ACTIVIDAD] = ahora
        return self.get_response(request)


class SinCacheMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user.

    Tickets, reports, CSV exports and client data are shown on shared machines: the browser
    must not keep them on disk nor show them again with the back button after signing out.
    Static files never reach this middleware (WhiteNoise answers them first) and keep their
    long cache; pages for signed-out visitors (the sign-in page) are left as they are.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        usuario = getattr(request, "user", None)
        if usuario is not None and usuario.is_authenticated:
            add_never_cache_headers(response)
            response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches and proxies
        return response
