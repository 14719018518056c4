"""A Gerente corrects a sale's salesperson from the sale's page (POST, then back to the page)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ventas import politica
from ventas.exceptions import VentaError
from ventas.vendedores import services
from ventas.vendedores.forms import VentaVendedorForm


@require_POST
@permission_required(politica.PERMISO_ASIGNAR_VENDEDOR, raise_exception=True)
def venta_vendedor(request, venta_id: int):
    formulario = VentaVendedorForm(request.POST)
    if not formulario.is_valid():
        for errores in formulario.errors.values():
            for error in errores:
                messages.error(request, error)
        return redirect("ventas:venta_detalle", venta_id=venta_id)
    try:
        venta = services.venta_vendedor_cambiar(venta_id=venta_id, id_vendedor=formulario.cleaned_data["vendedor"],
                                                usuario=request.user)
    except VentaError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Vendedor de {venta.folio_texto}: {venta.nombre_vendedor} "
                                  f"({venta.comision_porcentaje} % de comisión).")
    return redirect("ventas:venta_detalle", venta_id=venta_id)
