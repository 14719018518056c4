"""Apartados' pages: the list by state, one apartado with its handover and cancellation.

Any Cajero or Gerente sees every apartado (the client comes back to whoever is at the till);
the handover is a button (POST/redirect/GET), the cancellation a form with the Gerente's
credentials as for returns."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inventario.exceptions import InventarioError
from ventas import politica
from ventas.apartados import selectors, services
from ventas.apartados.forms import ApartadoCancelarForm, ApartadosFiltroForm
from ventas.devoluciones import selectors as devoluciones_selectors
from ventas.exceptions import ClaveDevolucionReutilizada, VentaError
from ventas.models import MetodoPago

POR_PAGINA = 100


@require_GET
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def apartados(request):
    filtro, texto = ApartadosFiltroForm(request.GET).valores()
    filas = list(selectors.apartados_filtrar(filtro=filtro, texto=texto)[:POR_PAGINA + 1])
    return render(request, "ventas/apartados.html", {
        "filtros": selectors.FILTROS,
        "filtro": filtro,
        "texto": texto,
        "filas": [(v, selectors.apartado_estado(v)) for v in filas[:POR_PAGINA]],
        "hay_mas": len(filas) > POR_PAGINA,
        "ver_todas": request.user.has_perm(politica.PERMISO_VER_TODAS),
    })


def _apartado(venta_id: int):
    venta = selectors.apartado_para_pagina(venta_id=venta_id)
    if venta is None:
        raise Http404("Ese apartado no existe.")
    return venta


@require_GET
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def apartado(request, venta_id: int):
    venta = _apartado(venta_id)
    return render(request, "ventas/apartado.html", {
        "venta": venta,
        "estado": selectors.apartado_estado(venta),
        "acciones": selectors.apartado_acciones(venta, request.user),
        "devoluciones": devoluciones_selectors.devoluciones_de_venta(venta_id=venta.pk),
        "ver_venta": request.user.has_perm(politica.PERMISO_VER_TODAS) or venta.id_cajero == request.user.pk,
    })


@require_POST
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def apartado_entregar(request, venta_id: int):
    venta = _apartado(venta_id)
    try:
        services.apartado_entregar(usuario=request.user, venta_id=venta.pk)
    except (VentaError, InventarioError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Apartado {venta.folio_texto} entregado a {venta.cliente}.")
    return redirect("ventas:apartado", venta_id=venta.pk)


@require_http_methods(["GET", "POST"])
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def apartado_cancelar(request, venta_id: int):
    """Cancel an apartado not handed over: reason, where the money goes (default: the policy),
    Gerente credentials for a Cajero. Refused forms come back with what was typed (422; 400
    for a form without its key)."""
    venta = _apartado(venta_id)
    estado = 200
    if request.method == "POST":
        formulario = ApartadoCancelarForm(request.POST)
        if formulario.is_valid():
            datos = formulario.cleaned_data
            try:
                autorizador = None
                if not request.user.has_perm(politica.PERMISO_DEVOLVER) and not \
                        devoluciones_selectors.devolucion_clave_usada(clave=datos["clave"]):
                    autorizador = politica.autorizador_obtener(
                        request=request, credenciales=formulario.credenciales(), permiso=politica.PERMISO_DEVOLVER,
                        que="devoluciones ni cancelaciones", detalle=f"cancelación del apartado id={venta.pk}",
                    )
                devolucion, creada = services.apartado_cancelar(
                    usuario=request.user, autorizador=autorizador, venta_id=venta.pk, motivo=datos["motivo"],
                    clave=datos["clave"], destino=datos["destino"],
                )
            except ClaveDevolucionReutilizada as error:
                return render(request, "ventas/devolucion_rechazada.html", {"mensaje": str(error), "venta": venta},
                              status=422)
            except (VentaError, InventarioError) as error:
                formulario.add_error(None, str(error))
            else:
                if creada:
                    reembolsos = ", ".join(f"{r.get_metodo_display().lower()} ${r.monto:,.2f}"
                                           for r in devolucion.reembolsos.all())
                    messages.success(request, f"Apartado {venta.folio_texto} cancelado ({devolucion.folio_texto}). "
                                              + (f"Reembolsa: {reembolsos}." if reembolsos else "Sin dinero que reembolsar."))
                return redirect("ventas:apartado", venta_id=venta.pk)
        estado = 400 if "clave" in formulario.errors else 422
    else:
        formulario = ApartadoCancelarForm(initial={"clave": uuid.uuid4(), "destino": settings.APARTADO_POLITICA_DINERO})
    return render(request, "ventas/apartado_cancelar.html", {
        "venta": venta,
        "formulario": formulario,
        "estado": selectors.apartado_estado(venta),
        "acciones": selectors.apartado_acciones(venta, request.user),
        "reembolsos": [(MetodoPago(m).label, monto)
                       for m, monto in devoluciones_selectors.reembolsables_por_metodo(venta=venta) if monto > 0],
        "requiere_autorizacion": not request.user.has_perm(politica.PERMISO_DEVOLVER),
    }, status=estado)
