"""Report views: the daily summary, its CSV and the dashboard."""

from datetime import timedelta

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from ventas import politica
from ventas.campos import FECHA_MINIMA
from ventas.reportes import graficas
from ventas.reportes.comisiones import ENCABEZADOS_CSV as COMISIONES_CSV
from ventas.reportes.comisiones import comisiones_filas_csv, comisiones_por_vendedor
from ventas.reportes.forms import FORMATO_FECHA, ComisionesForm, ResumenForm
from ventas.reportes.resumen import resumen_del_dia, resumen_filas_csv
from ventas.reportes.tablero import tablero_datos
from ventas_ingenio.csv_streaming import csv_respuesta

# --- Reports: the daily summary, its CSV and the dashboard --------------------------------------
# Consulta and Gerente: whoever may see every cashier's sales. A Cajero gets 403: their own
# figures are in their shift close.


def _resumen_formulario(request):
    """(form, fecha): fecha is None when the form has errors."""
    hoy = timezone.localdate()
    formulario = ResumenForm(request.GET or None, hoy=hoy)
    if not formulario.is_bound:
        return formulario, hoy
    if not formulario.is_valid():
        return formulario, None
    return formulario, formulario.cleaned_data["fecha"] or hoy


def _resumen_error(request, formulario):
    """The page with the form's Spanish error and no figures, as a 400."""
    texto = request.GET.get("fecha", "")
    return render(
        request, "ventas/resumen_dia.html",
        # Echo the text back only when it looks like a date (2026-02-30), never garbage or NULs.
        {"formulario": formulario, "fecha_texto": texto if FORMATO_FECHA.fullmatch(texto) else "", "resumen": None,
         "hoy": timezone.localdate()},
        status=400,
    )


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def resumen(request):
    formulario, fecha = _resumen_formulario(request)
    if fecha is None:
        return _resumen_error(request, formulario)
    hoy = timezone.localdate()
    return render(
        request, "ventas/resumen_dia.html",
        {
            "formulario": formulario, "fecha_texto": fecha.isoformat(), "hoy": hoy,
            "resumen": resumen_del_dia(fecha=fecha),
            "anterior": fecha - timedelta(days=1) if fecha > FECHA_MINIMA else None,
            "siguiente": fecha + timedelta(days=1) if fecha < hoy else None,
        },
    )


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def resumen_exportar(request):
    formulario, fecha = _resumen_formulario(request)
    if fecha is None:
        return _resumen_error(request, formulario)
    resumen_dia = resumen_del_dia(fecha=fecha)
    return csv_respuesta(
        nombre_archivo=f"resumen-{fecha.isoformat()}.csv",
        encabezados=["Sección", "Concepto", "Operaciones", "Importe"],
        filas=resumen_filas_csv(resumen_dia),
    )


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def tablero(request):
    datos = tablero_datos(hoy=timezone.localdate())
    return render(
        request, "ventas/tablero.html",
        {"tablero": datos, "grafica_dias": graficas.grafica_por_dia(datos.por_dia),
         "grafica_horas": graficas.grafica_por_hora(datos.por_hora)},
    )


# --- Sales and commissions per salesperson --------------------------------------------------------


def _comisiones_formulario(request) -> ComisionesForm:
    formulario = ComisionesForm(request.GET, hoy=timezone.localdate())
    formulario.is_valid()
    return formulario


def _comisiones_error(request, formulario):
    """The page with the form's Spanish errors and no figures, as a 400."""
    return render(request, "ventas/comisiones.html", {"formulario": formulario, "reporte": None}, status=400)


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def comisiones(request):
    formulario = _comisiones_formulario(request)
    if formulario.errors:
        return _comisiones_error(request, formulario)
    datos = formulario.cleaned_data
    reporte = comisiones_por_vendedor(desde=datos["desde"], hasta=datos["hasta"])
    return render(request, "ventas/comisiones.html", {
        "formulario": formulario, "reporte": reporte,
        "consulta": urlencode({"desde": reporte.desde.isoformat(), "hasta": reporte.hasta.isoformat()}),
    })


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def comisiones_exportar(request):
    formulario = _comisiones_formulario(request)
    if formulario.errors:
        return _comisiones_error(request, formulario)
    datos = formulario.cleaned_data
    reporte = comisiones_por_vendedor(desde=datos["desde"], hasta=datos["hasta"])
    return csv_respuesta(
        nombre_archivo=f"comisiones-{reporte.desde.isoformat()}-a-{reporte.hasta.isoformat()}.csv",
        encabezados=COMISIONES_CSV,
        filas=comisiones_filas_csv(reporte),
    )
