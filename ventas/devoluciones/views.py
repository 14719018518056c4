"""Return and cancellation views."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from inventario.exceptions import InventarioError
from ventas import politica
from ventas.calculos import iva_por_tasa
from ventas.devoluciones import selectors, services
from ventas.devoluciones.forms import (
    CancelarVentaForm,
    DevolverVentaForm,
)
from ventas.exceptions import (
    ClaveDevolucionReutilizada,
    VentaError,
)
from ventas.models import EstadoVenta, MetodoPago
from ventas.monedero import selectors as monedero_selectors

# --- Returns and cancellations ------------------------------------------------------------


def _venta_para_devolver(request, venta_id):
    """The sale behind a return/cancel page: 403 for roles that never return, 404 if not visible."""
    usuario = request.user
    if not (usuario.has_perm(politica.PERMISO_DEVOLVER) or usuario.has_perm(politica.PERMISO_VENDER)):
        raise PermissionDenied("Tu usuario no puede registrar devoluciones ni cancelaciones.")
    venta = selectors.venta_para_devolucion(venta_id=venta_id, usuario=usuario)
    if venta is None:
        raise Http404("Esa venta no existe o no puedes verla.")
    return venta


def _autorizador(request, formulario, venta, que: str, *, repetido: bool):
    """The Gerente typed on the form, checked (with the till's throttling) only when it counts:
    not for a user who may return on their own, nor for a resubmitted form (the service answers
    it with the first result)."""
    if repetido or request.user.has_perm(politica.PERMISO_DEVOLVER):
        return None
    return politica.autorizador_obtener(
        request=request, credenciales=formulario.credenciales(), permiso=politica.PERMISO_DEVOLVER,
        que="devoluciones ni cancelaciones", detalle=f"{que} de la venta id={venta.pk}",
    )


def _devolucion_rechazada(request, error, venta):
    return render(request, "ventas/devolucion_rechazada.html", {"mensaje": str(error), "venta": venta}, status=422)


def _reembolsos_texto(devolucion) -> str:
    partes = [f"{r.get_metodo_display().lower()} ${r.monto:,.2f}" for r in devolucion.reembolsos.all()]
    return "Reembolsa: " + ", ".join(partes) + "." if partes else "No hay dinero que reembolsar."


def _registrar(request, formulario, venta, *, que, repetido, registrar, aviso):
    """Authorise, call the return or cancel service and answer: the return ticket when it went
    through, the refusal page for a reused key, or None with the error added to the form."""
    try:
        autorizador = _autorizador(request, formulario, venta, que, repetido=repetido)
        devolucion, creada = registrar(autorizador)
    except ClaveDevolucionReutilizada as error:
        return _devolucion_rechazada(request, error, venta)
    except (VentaError, InventarioError) as error:
        formulario.add_error(None, str(error))
        return None
    if creada:
        messages.success(request, f"{aviso(devolucion)} {_reembolsos_texto(devolucion)}")
    return redirect("ventas:devolucion_ticket", devolucion_id=devolucion.pk)


@require_http_methods(["GET", "POST"])
def venta_cancelar(request, venta_id):
    """Cancel a whole sale of today: reason, Gerente credentials for a Cajero, one-time key."""
    venta = _venta_para_devolver(request, venta_id)
    if request.method == "POST":
        formulario = CancelarVentaForm(request.POST, con_monedero=not venta.cliente.es_publico_general)
        if formulario.is_valid():
            datos = formulario.cleaned_data
            respuesta = _registrar(
                request, formulario, venta, que="cancelación",
                repetido=selectors.devolucion_clave_usada(clave=datos["clave"]),
                registrar=lambda autorizador: services.venta_cancelar(
                    venta_id=venta.pk, usuario=request.user, motivo=datos["motivo"], clave=datos["clave"],
                    autorizador=autorizador, metodo_reembolso=datos.get("metodo_reembolso") or None,
                ),
                aviso=lambda devolucion: f"Venta {venta.folio_texto} cancelada ({devolucion.folio_texto}).",
            )
            if respuesta is not None:
                return respuesta
    else:
        formulario = CancelarVentaForm(initial={"clave": uuid.uuid4()}, con_monedero=not venta.cliente.es_publico_general)
    impedimento = selectors.venta_cancelacion_impedimento(venta=venta, lineas=venta.lineas.all())
    contexto = {
        "venta": venta,
        "formulario": formulario,
        "impedimento": "" if impedimento is None else str(impedimento),
        "reembolsos": [(MetodoPago(m).label, monto) for m, monto in selectors.reembolsables_por_metodo(venta=venta)
                       if monto > 0],
        "requiere_autorizacion": not request.user.has_perm(politica.PERMISO_DEVOLVER),
    }
    return render(request, "ventas/venta_cancelar.html", contexto, status=422 if formulario.errors else 200)


@require_http_methods(["GET", "POST"])
def venta_devolver(request, venta_id):
    """Return some units of a sale: a quantity per line, reason, refund method, Gerente credentials."""
    venta = _venta_para_devolver(request, venta_id)
    disponibles = selectors.reembolsables_por_metodo(venta=venta)
    metodos = [m for m, monto in disponibles if monto > 0]
    if metodos and not venta.cliente.es_publico_general and MetodoPago.MONEDERO not in metodos:
        metodos.append(MetodoPago.MONEDERO)  # store credit takes any refund of a named client's sale
    lineas = venta.lineas.all()
    if request.method == "POST":
        repetido = selectors.devolucion_clave_usada(clave=request.POST.get("clave", ""))
        formulario = DevolverVentaForm(request.POST, lineas=lineas, metodos=metodos, repetido=repetido)
        if formulario.is_valid():
            datos = formulario.cleaned_data
            respuesta = _registrar(
                request, formulario, venta, que="devolución", repetido=repetido,
                registrar=lambda autorizador: services.venta_devolver(
                    venta_id=venta.pk, usuario=request.user, lineas=formulario.lineas_datos(), motivo=datos["motivo"],
                    clave=datos["clave"], metodo_reembolso=datos["metodo_reembolso"] or None,
                    autorizador=autorizador,
                ),
                aviso=lambda devolucion: f"Devolución {devolucion.folio_texto} registrada.",
            )
            if respuesta is not None:
                return respuesta
    else:
        formulario = DevolverVentaForm(
            lineas=lineas, metodos=metodos,
            initial={"clave": uuid.uuid4(), "metodo_reembolso": selectors.metodo_reembolso_sugerido(disponibles)},
        )
    contexto = {
        "venta": venta,
        "formulario": formulario,
        "filas": formulario.filas(),
        "impedimento": f"La venta {venta.folio_texto} está cancelada." if venta.estado == EstadoVenta.CANCELADA else "",
        "nada_por_devolver": all(linea.cantidad_devuelta >= linea.cantidad for linea in lineas),
        "requiere_autorizacion": not request.user.has_perm(politica.PERMISO_DEVOLVER),
    }
    return render(request, "ventas/venta_devolver.html", contexto, status=422 if formulario.errors else 200)


@require_GET
@permission_required(politica.PERMISO_VER_DEVOLUCION, raise_exception=True)
def devolucion_ticket(request, devolucion_id):
    devolucion = selectors.devolucion_para_ticket(devolucion_id=devolucion_id, usuario=request.user)
    if devolucion is None:
        raise Http404
    formato = request.GET.get("formato", "80")
    return render(
        request,
        "ventas/devolucion_ticket.html",
        {
            "devolucion": devolucion,
            "venta": devolucion.venta,
            "desglose_iva": iva_por_tasa(devolucion.lineas.all()),
            # The client's balance after a refund to store credit; no query for other refunds.
            "abono_monedero": monedero_selectors.monedero_de_devolucion(devolucion_id=devolucion.pk)
            if any(r.metodo == MetodoPago.MONEDERO for r in devolucion.reembolsos.all()) else None,
            "formato": formato if formato in ("58", "80", "a4") else "80",
        },
    )
