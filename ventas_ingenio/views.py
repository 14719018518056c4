from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import connections
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ventas_ingenio.router import DB_AUTH


@require_GET
def inicio(request):
    return render(request, "ventas_ingenio/inicio.html")


@require_GET
@permission_required("auth.view_user", raise_exception=True)
def usuarios(request):
    """Who can sign in and with which role; editing happens in the Django admin."""
    lista = (
        get_user_model()
        .objects.using(DB_AUTH)
        .prefetch_related("groups")
        .order_by("-is_active", "username")
    )
    return render(request, "ventas_ingenio/usuarios.html", {"usuarios": lista})


@login_not_required
@never_cache
@require_GET
def salud(request):
    """Load-balancer health check: both databases answer."""
    estado = {}
    for alias in connections:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT 1")
            estado[alias] = "ok"
        except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
            estado[alias] = f"error: {error.__class__.__name__}"
    codigo = 200 if all(valor == "ok" for valor in estado.values()) else 503
    return JsonResponse(estado, status=codigo)


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    """Rendered without the request (no context processors): the error may be the database
    itself (PostgreSQL restarting), and the layout's user and roles would read it again, so
    the server would answer its bare English error instead of this page."""
    return HttpResponseServerError(render_to_string("500.html"))


@login_not_required
def robots(request):
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")
