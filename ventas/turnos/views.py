"""Cash-drawer shift views: open, cash in and out, count and close, the report and the list."""


from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ventas import politica
from ventas.calculos import DENOMINACIONES, diferencias_calcular
from ventas.exceptions import (
    TurnoNoAbierto,
    TurnoNoEncontrado,
    TurnoYaCerrado,
    VentaError,
)
from ventas.models import EstadoTurno
from ventas.turnos import selectors, services
from ventas.turnos.forms import (
    MovimientoCajaForm,
    TurnoAbrirForm,
    TurnoCerrarForm,
    TurnoFiltroForm,
)
from ventas_ingenio.paginacion import paginar

# --- Cash-drawer shifts (corte de caja) -----------------------------------------------------

FORMATOS_REPORTE = ("80", "a4")


def _desde_caja(request) -> bool:
    return request.POST.get("desde") == "caja"


def _contexto_turno(request, turno, *, cerrar_form=None, movimiento_form=None, comparacion=None):
    """What the shift page shows: the drawer's figures so far and the two forms."""
    cuentas = selectors.turno_cuentas(turno=turno)
    return {
        "turno": turno,
        "cuentas": cuentas,
        "esperado": cuentas.esperado,
        "movimientos": selectors.turno_movimientos(turno=turno),
        "propio": turno.id_cajero == request.user.pk,
        "turno_de_otro_dia": selectors.turno_de_otro_dia(turno),
        "cerrar_form": cerrar_form or TurnoCerrarForm(),
        "movimiento_form": movimiento_form or MovimientoCajaForm(),
        "comparacion": comparacion,
        "limite_diferencia": politica.limite_diferencia_corte(),
        "puede_autorizar": request.user.has_perm(politica.PERMISO_AUTORIZAR_DIFERENCIA),
    }


@require_GET
@permission_required(politica.PERMISO_TURNO, raise_exception=True)
def turno(request):
    """My current shift, or the form to open one."""
    actual = selectors.turno_abierto(cajero=request.user)
    if actual is None:
        return render(request, "ventas/turno_abrir.html", {"form": TurnoAbrirForm()})
    return render(request, "ventas/turno_actual.html", _contexto_turno(request, actual))


@require_POST
@permission_required(politica.PERMISO_TURNO, raise_exception=True)
def turno_abrir(request):
    formulario = TurnoAbrirForm(request.POST)
    if formulario.is_valid():
        try:
            services.turno_abrir(cajero=request.user, fondo_inicial=formulario.cleaned_data["fondo_inicial"])
        except VentaError as error:
            formulario.add_error(None, str(error))
    if formulario.errors:
        plantilla = "ventas/caja_sin_turno.html" if _desde_caja(request) else "ventas/turno_abrir.html"
        return render(request, plantilla, {"form": formulario}, status=400)
    messages.success(request, f"Turno abierto con ${formulario.cleaned_data['fondo_inicial']:,.2f} de fondo.")
    return redirect("ventas:caja") if _desde_caja(request) else redirect("ventas:turno")


@require_POST
@permission_required(politica.PERMISO_MOVIMIENTO_CAJA, raise_exception=True)
def turno_movimiento(request):
    """A withdrawal or deposit in my open shift."""
    formulario = MovimientoCajaForm(request.POST)
    if formulario.is_valid():
        datos = formulario.cleaned_data
        try:
            movimiento = services.caja_movimiento_registrar(
                usuario=request.user, tipo=datos["tipo"], monto=datos["monto"], motivo=datos["motivo"]
            )
        except TurnoNoAbierto as error:
            messages.error(request, str(error))
            return redirect("ventas:turno")
        except VentaError as error:
            formulario.add_error(None, str(error))
        else:
            messages.success(request, f"{movimiento.get_tipo_display()} de ${movimiento.monto:,.2f} registrado.")
            return redirect("ventas:turno")
    actual = selectors.turno_abierto(cajero=request.user)
    if actual is None:
        messages.error(request, "Abre tu turno de caja antes de registrar retiros o depósitos.")
        return redirect("ventas:turno")
    return render(request, "ventas/turno_actual.html", _contexto_turno(request, actual, movimiento_form=formulario),
                  status=400)


@require_http_methods(["GET", "POST"])
@permission_required(politica.PERMISO_TURNO, raise_exception=True)
def turno_cerrar(request, turno_id):
    """Count and close. "Revisar" shows expected vs counted without writing; "Cerrar" closes."""
    turno = selectors.turno_para_usuario(turno_id=turno_id, usuario=request.user)
    impedimento = selectors.turno_cierre_impedimento(turno=turno, usuario=request.user)
    if isinstance(impedimento, TurnoNoEncontrado):
        raise Http404(str(impedimento))
    if isinstance(impedimento, TurnoYaCerrado):
        if request.method == "GET":
            return redirect("ventas:turno_detalle", turno_id=turno.pk)
        messages.error(request, str(impedimento))
        return _reporte(request, turno, status=409)
    if request.method == "GET":
        return render(request, "ventas/turno_actual.html", _contexto_turno(request, turno))
    formulario = TurnoCerrarForm(request.POST)
    if not formulario.is_valid():
        return render(request, "ventas/turno_actual.html", _contexto_turno(request, turno, cerrar_form=formulario),
                      status=400)
    datos = formulario.cleaned_data
    contado = {"efectivo": formulario.efectivo_contado(), "tarjeta": datos["tarjeta_reportado"],
               "transferencia": datos["transferencia_reportado"]}
    if request.POST.get("accion") != "cerrar":
        esperado = selectors.turno_cuentas(turno=turno).esperado
        comparacion = diferencias_calcular(esperado=esperado, contado=contado, limite=politica.limite_diferencia_corte())
        return render(request, "ventas/turno_actual.html",
                      _contexto_turno(request, turno, cerrar_form=formulario, comparacion=comparacion))
    try:
        autorizador = politica.autorizador_obtener(
            request=request, credenciales=formulario.credenciales(), permiso=politica.PERMISO_AUTORIZAR_DIFERENCIA,
            que="diferencias del corte de caja", detalle=f"diferencias del corte del turno id={turno.pk}",
        )
        cerrado = services.turno_cerrar(
            turno_id=turno.pk, usuario=request.user, efectivo_contado=datos["efectivo_total"],
            denominaciones=datos["denominaciones"], tarjeta_reportado=datos["tarjeta_reportado"],
            transferencia_reportado=datos["transferencia_reportado"], nota=datos["nota"],
            autorizador=autorizador,
        )
    except TurnoNoEncontrado as error:
        raise Http404(str(error)) from error
    except TurnoYaCerrado as error:
        messages.error(request, str(error))
        turno.refresh_from_db()
        return _reporte(request, turno, status=409)
    except VentaError as error:
        formulario.add_error(None, str(error))
        esperado = selectors.turno_cuentas(turno=turno).esperado
        comparacion = diferencias_calcular(esperado=esperado, contado=contado, limite=politica.limite_diferencia_corte())
        return render(request, "ventas/turno_actual.html",
                      _contexto_turno(request, turno, cerrar_form=formulario, comparacion=comparacion), status=400)
    messages.success(request, f"Turno cerrado. Efectivo esperado ${cerrado.efectivo_esperado:,.2f}, "
                              f"contado ${cerrado.efectivo_contado:,.2f}.")
    return redirect("ventas:turno_detalle", turno_id=cerrado.pk)


def _reporte(request, turno, *, status=200):
    formato = request.GET.get("formato", "80")
    contexto = {
        "turno": turno,
        "formato": formato if formato in FORMATOS_REPORTE else "80",
        "puede_cerrar": request.user.has_perm(politica.PERMISO_TURNO)
        and selectors.turno_cierre_impedimento(turno=turno, usuario=request.user) is None,
    }
    if turno.estado == EstadoTurno.CERRADO:
        # Read from what the close stored: the report never changes after the close.
        contexto["cuentas"] = selectors.turno_cuentas_guardadas(turno=turno)
        contexto["comparacion"] = selectors.turno_diferencias_guardadas(turno=turno)
        conteo = turno.conteo_denominaciones or {}
        contexto["conteo"] = [
            (etiqueta, conteo.get(clave, 0), valor * conteo.get(clave, 0))
            for clave, valor, etiqueta in DENOMINACIONES if conteo.get(clave)
        ]
    else:
        contexto["cuentas"] = selectors.turno_cuentas(turno=turno)
    contexto["esperado"] = contexto["cuentas"].esperado
    contexto["movimientos"] = selectors.turno_movimientos(turno=turno)
    return render(request, "ventas/turno_detalle.html", contexto, status=status)


@require_GET
@permission_required(politica.PERMISO_VER_TURNO, raise_exception=True)
def turno_detalle(request, turno_id):
    """The close report of a shift (printable on 80 mm and A4); a Cajero sees only their own."""
    turno = selectors.turno_para_usuario(turno_id=turno_id, usuario=request.user)
    if turno is None:
        raise Http404("Ese turno de caja no existe o no es tuyo.")
    return _reporte(request, turno)


@require_GET
@permission_required(politica.PERMISO_VER_TURNO, raise_exception=True)
def turnos(request):
    """Shift list: everyone's for Gerente/Consulta, one's own for a Cajero; filters in the URL."""
    ver_todas = request.user.has_perm(politica.PERMISO_VER_TODAS)
    cajeros = selectors.turnos_cajeros() if ver_todas else []
    filtro = TurnoFiltroForm(request.GET or None, cajeros=cajeros)
    if filtro.is_bound and not filtro.is_valid():
        return render(request, "ventas/turno_lista.html", {"filtro": filtro, "ver_todas": ver_todas}, status=400)
    datos = filtro.cleaned_data if filtro.is_bound else {}
    desde = datos.get("desde")
    hasta = datos.get("hasta")
    consulta = selectors.turnos_filtrar(
        usuario=request.user, id_cajero=datos.get("cajero"), estado=datos.get("estado") or "",
        desde=politica.dia_local_limites(desde)[0] if desde else None,
        hasta=politica.dia_local_limites(hasta)[1] if hasta else None,
    )
    pagina, filtros = paginar(request, consulta, por_pagina=25)
    return render(request, "ventas/turno_lista.html",
                  {"filtro": filtro, "ver_todas": ver_todas, "page_obj": pagina, "consulta": filtros})
