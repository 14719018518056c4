import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme

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


# What static/js/caja.js sends with its fetch requests (``ventas.caja.views.es_asincrona``).
ENCABEZADO_ASINCRONO = "fetch"


def pagina_de_vuelta(request) -> str | None:
    """Where signing in should lead back to: the page itself for a GET; for a form sent with
    POST, the page the form was on (its Referer, when it is a page of this site), since the
    address it was posted to answers GET with 405. ``None``: the default after signing in."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        return None
    partes = urlsplit(referer)
    return f"{partes.path}?{partes.query}" if partes.query else partes.path or None


def a_entrar(request, login_url=None, redirect_field_name=None):
    """To the sign-in page, and back to ``pagina_de_vuelta`` after it. A request from the
    till's script gets 401 with that address in ``X-Caja-Entrar`` instead of a redirect: its
    fetch would follow the redirect and spend the page's message where nobody sees it."""
    vuelta = pagina_de_vuelta(request)
    if vuelta:
        respuesta = redirect_to_login(vuelta, login_url, redirect_field_name or REDIRECT_FIELD_NAME)
    else:
        respuesta = HttpResponseRedirect(resolve_url(login_url or settings.LOGIN_URL))
    if request.headers.get("X-Requested-With") == ENCABEZADO_ASINCRONO:
        return HttpResponse(status=401, headers={"X-Caja-Entrar": respuesta["Location"]})
    return respuesta


class EntrarParaSeguirMiddleware(LoginRequiredMiddleware):
    """Django's ``LoginRequiredMiddleware``, coming back after signing in to ``pagina_de_vuelta``
    (the page a form was posted from, not the POST-only address it was posted to)."""

    def handle_no_permission(self, request, view_func):
        return a_entrar(request, self.get_login_url(view_func), self.get_redirect_field_name(view_func))


class SesionInactividadMiddleware:
    """Close a signed-in session unused for ``SESION_INACTIVIDAD_SEGUNDOS``.

    The absolute age (``SESSION_COOKIE_AGE`` from sign-in) is the session's own expiry; this
    adds the idle limit for tills and office PCs left signed in. The last activity is kept in
    the session (``seguridad.CLAVE_ULTIMA_ACTIVIDAD``, started at sign-in) and rewritten at most
    once per ``ACTIVIDAD_RESOLUCION_SEGUNDOS``. An idle session is ended and the request goes
    to the sign-in page with a message, and back to the same page (``pagina_de_vuelta``) after
    signing in.
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
                aviso = "Tu sesión se cerró por inactividad."
                if request.method not in ("GET", "HEAD"):
                    aviso += " Lo último que enviaste no se guardó: hazlo de nuevo."
                messages.info(request, f"{aviso} Vuelve a entrar para continuar.")
                return a_entrar(request)
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
