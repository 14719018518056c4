"""A Gerente corrects a sale's salesperson from the sale's page (POST, then back to the page)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ventas import politica
from ventas.exceptions import VentaError, VentaNoEncontrada
from ventas.vendedores import selectors, services
from ventas.vendedores.forms import VentaVendedorForm

# Answered directly: redirecting to the page of a sale that does not exist only led to a 404 there.
NO_EXISTE = "Esa venta no existe."


@require_POST
@permission_required(politica.PERMISO_ASIGNAR_VENDEDOR, raise_exception=True)
def venta_vendedor(request, venta_id: int):
    formulario = VentaVendedorForm(request.POST)
    if not formulario.is_valid():
        if not selectors.venta_existe(venta_id=venta_id):
            raise Http404(NO_EXISTE)
        for errores in formulario.errors.values():
            for error in errores:
                messages.error(request, error)
        return redirect("ventas:venta_detalle", venta_id=venta_id)
    try:
        venta = services.venta_vendedor_cambiar(venta_id=venta_id, id_vendedor=formulario.cleaned_data["vendedor"],
                                                usuario=request.user)
    except VentaNoEncontrada as error:
        raise Http404(NO_EXISTE) from error
    except VentaError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Vendedor de {venta.folio_texto}: {venta.nombre_vendedor} "
                                  f"({venta.comision_porcentaje} % de comisión).")
    return redirect("ventas:venta_detalle", venta_id=venta_id)
