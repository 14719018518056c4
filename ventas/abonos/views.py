"""Abono views: find a sale by folio, take an abono on it (POST/redirect/GET), print its receipt."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ventas import politica
from ventas.abonos import selectors, services
from ventas.abonos.forms import AbonoForm, FolioForm
from ventas.exceptions import ClaveAbonoReutilizada, VentaError
from ventas.models import MetodoPago
from ventas.monedero import selectors as monedero_selectors

FORMATOS_TICKET = ("58", "80", "a4")


@require_GET
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def abonos(request):
    """Type or scan a sale's folio; a found sale opens its abono page."""
    if "folio" not in request.GET:
        return render(request, "ventas/abono_buscar.html", {"formulario": FolioForm()})
    formulario = FolioForm(request.GET)
    estado = 400
    if formulario.is_valid():
        folio = selectors.folio_leer(formulario.cleaned_data["folio"])
        if folio is None:
            formulario.add_error("folio", "Eso no es un folio de venta: escribe, por ejemplo, V-000123 o 123.")
        else:
            venta = selectors.venta_por_folio(folio=folio)
            if venta is not None:
                return redirect("ventas:abonar", venta_id=venta.pk)
            formulario.add_error("folio", f"No existe la venta V-{folio:06d}.")
            estado = 404
    return render(request, "ventas/abono_buscar.html", {"formulario": formulario}, status=estado)


def _contexto(venta, formulario) -> dict:
    parcialidades = selectors.parcialidades_estado(venta=venta)
    impedimento = selectors.abono_impedimento(venta=venta)
    return {
        "venta": venta,
        "formulario": formulario,
        "parcialidades": parcialidades,
        "abonos": list(venta.abonos.all()),
        "impedimento": "" if impedimento is None else str(impedimento),
        "sugerido": selectors.abono_sugerido(venta=venta, parcialidades=parcialidades),
        "monedero_saldo": None if venta.cliente.es_publico_general
        else monedero_selectors.monedero_saldo(cliente_id=venta.cliente_id),
    }


@require_http_methods(["GET", "POST"])
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def abonar(request, venta_id: int):
    """A sale's balance, installments and abonos, and the form to take one. Any cashier takes
    an abono on any sale: a payment is not a sale of one's own."""
    venta = selectors.venta_para_abono(venta_id=venta_id)
    if venta is None:
        raise Http404("Esa venta no existe.")
    con_monedero = not venta.cliente.es_publico_general
    if request.method == "POST":
        formulario = AbonoForm(request.POST, con_monedero=con_monedero)
        if formulario.is_valid():
            datos = formulario.cleaned_data
            try:
                abono, creado = services.abono_registrar(
                    usuario=request.user, venta_id=venta.pk, metodo=datos["metodo"], monto=datos["monto"],
                    recibido=datos["recibido"], referencia=datos["referencia"], excedente=datos["excedente"] or None,
                    clave=datos["clave"],
                )
            except ClaveAbonoReutilizada as error:
                return render(request, "ventas/abono_rechazado.html", {"mensaje": str(error), "venta": venta},
                              status=422)
            except VentaError as error:
                formulario.add_error(None, str(error))
            else:
                if creado:
                    messages.success(request, _aviso(abono))
                return redirect("ventas:abono_ticket", abono_id=abono.pk)
        return render(request, "ventas/abono.html", _contexto(venta, formulario), status=422)
    contexto = _contexto(venta, None)
    contexto["formulario"] = AbonoForm(
        con_monedero=con_monedero,
        initial={"clave": uuid.uuid4(), "metodo": MetodoPago.EFECTIVO,
                 "monto": f"{contexto['sugerido']:.2f}" if contexto["sugerido"] > 0 else ""},
    )
    return render(request, "ventas/abono.html", contexto)


def _aviso(abono) -> str:
    partes = [f"Abono {abono.folio_texto} de ${abono.monto:,.2f} a la venta {abono.venta.folio_texto}."]
    if abono.cambio:
        partes.append(f"Cambio: ${abono.cambio:,.2f}.")
    if abono.a_monedero:
        partes.append(f"${abono.a_monedero:,.2f} quedan como saldo a favor.")
    partes.append(f"Saldo: ${abono.saldo_posterior:,.2f}.")
    return " ".join(partes)


@require_GET
@permission_required(politica.PERMISO_VER, raise_exception=True)
def abono_ticket(request, abono_id: int):
    abono = selectors.abono_para_ticket(abono_id=abono_id, usuario=request.user)
    if abono is None:
        raise Http404("Ese abono no existe.")
    venta = abono.venta
    formato = request.GET.get("formato", "80")
    return render(request, "ventas/abono_ticket.html", {
        "abono": abono,
        "venta": venta,
        "proximo_vence": selectors.proximo_vencimiento(venta=venta, saldo_posterior=abono.saldo_posterior),
        "formato": formato if formato in FORMATOS_TICKET else "80",
    })
