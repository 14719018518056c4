"""Course pages: editions and their printable roster, "Reintentar" for an enrollment's Aula
send, and the school report (by ciclo escolar, grado and grupo) with its CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cursos import selectors
from cursos.forms import EdicionFiltroForm, ReporteEscolarForm
from cursos.models import Edicion, Inscripcion
from cursos.reportes import reporte_escolar, reporte_escolar_csv
from integraciones.services import inscripcion_reintentar
from ventas import politica
from ventas_ingenio.csv_streaming import csv_respuesta

PERMISO_VER = "cursos.view_edicion"
# Who may retry an alumno's sync today may retry an enrollment's (Cajero and Gerente).
PERMISO_REINTENTAR = "integraciones.change_sincronizacioninscripcion"
ENCABEZADOS_CSV = ["Ciclo escolar", "Grado", "Grupo", "Lugares vendidos", "Importe", "Inscritos",
                   "Pendientes en Aula"]


@require_GET
@permission_required(PERMISO_VER, raise_exception=True)
def edicion_lista(request):
    formulario = EdicionFiltroForm(request.GET, cursos=selectors.cursos_para_filtro())
    if not formulario.is_valid():
        return render(request, "cursos/edicion_lista.html", {"form": formulario, "ediciones": []}, status=400)
    filtros = formulario.cleaned_data
    ediciones = selectors.ediciones_filtrar(curso_id=filtros["curso"], estado=filtros["estado"],
                                            proximas=filtros["proximas"])
    return render(request, "cursos/edicion_lista.html", {"form": formulario, "ediciones": ediciones})


@require_GET
@permission_required(PERMISO_VER, raise_exception=True)
def edicion_detalle(request, edicion_id: int):
    try:
        edicion = selectors.edicion_obtener(edicion_id=edicion_id)
    except Edicion.DoesNotExist:
        raise Http404("No existe esa edición.") from None
    lista = selectors.lista_de_edicion(edicion_id=edicion.pk)
    return render(request, "cursos/edicion_detalle.html", {
        "edicion": edicion,
        "lista": lista,
        "activas": [f for f in lista if f.activa],
        "canceladas": [f for f in lista if not f.activa],
        "libres": edicion.producto.existencia,
        "plan": selectors.plan_de_edicion(edicion_id=edicion.pk),
        "impreso": timezone.localtime(),
    })


def _volver(request, inscripcion: Inscripcion) -> str:
    siguiente = request.POST.get("siguiente", "")
    if siguiente and url_has_allowed_host_and_scheme(siguiente, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return siguiente
    return reverse("cursos:edicion", args=[inscripcion.edicion_id])


# The permission is checked before the method, as for an alumno's "Reintentar".
@permission_required(PERMISO_REINTENTAR, raise_exception=True)
@require_POST
def inscripcion_reintentar_vista(request, inscripcion_id: int):
    try:
        inscripcion = selectors.inscripcion_obtener(inscripcion_id=inscripcion_id)
    except Inscripcion.DoesNotExist:
        raise Http404("No existe esa inscripción.") from None
    inscripcion_reintentar(inscripcion_id=inscripcion.pk)
    fila = selectors.inscripcion_fila(inscripcion_id=inscripcion.pk)
    if fila.aula.estado in ("enviada", "cancelada"):
        messages.success(request, f"Aula: {fila.aula.texto}.")
    else:
        messages.warning(request, f"Aula: se reintentará; {fila.aula.texto}.")
    return redirect(_volver(request, inscripcion))


def _reporte_formulario(request) -> ReporteEscolarForm:
    if "desde" in request.GET or "hasta" in request.GET:
        return ReporteEscolarForm(request.GET)
    hoy = timezone.localdate()  # by default this month so far, shown in the fields
    return ReporteEscolarForm({"desde": hoy.replace(day=1).isoformat(), "hasta": hoy.isoformat()})


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def reporte_escolar_vista(request):
    formulario = _reporte_formulario(request)
    if not formulario.is_valid():
        return render(request, "cursos/reporte_escolar.html", {"form": formulario, "reporte": None}, status=400)
    datos = formulario.cleaned_data
    return render(request, "cursos/reporte_escolar.html", {
        "form": formulario, "reporte": reporte_escolar(desde=datos["desde"], hasta=datos["hasta"]),
        "desde": datos["desde"], "hasta": datos["hasta"], "consulta": request.GET.urlencode(),
    })


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def reporte_escolar_exportar(request):
    formulario = _reporte_formulario(request)
    if not formulario.is_valid():
        return render(request, "cursos/reporte_escolar.html", {"form": formulario, "reporte": None}, status=400)
    datos = formulario.cleaned_data
    reporte = reporte_escolar(desde=datos["desde"], hasta=datos["hasta"])
    return csv_respuesta(
        nombre_archivo=f"inscripciones-por-grupo-{datos['desde']:%Y%m%d}-{datos['hasta']:%Y%m%d}.csv",
        encabezados=ENCABEZADOS_CSV, filas=reporte_escolar_csv(reporte),
    )
