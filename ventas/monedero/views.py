"""A Gerente adjusts a client's store credit, with a reason (GET the form, POST, back to the client)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render

from clientes.models import Cliente
from clientes.selectors import cliente_obtener
from ventas import politica
from ventas.exceptions import VentaError
from ventas.monedero import selectors, services
from ventas.monedero.forms import AjusteMonederoForm


@permission_required(politica.PERMISO_AJUSTAR_MONEDERO, raise_exception=True)
def monedero_ajustar(request, cliente_id: int):
    try:
        cliente = cliente_obtener(id_cliente=cliente_id)
    except Cliente.DoesNotExist:
        raise Http404 from None
    formulario = AjusteMonederoForm(request.POST or None)
    estado = 200
    if request.method == "POST":
        if formulario.is_valid():
            try:
                movimiento = services.monedero_ajustar(
                    cliente_id=cliente.pk, monto=formulario.monto_con_signo(),
                    motivo=formulario.cleaned_data["motivo"], usuario=request.user, autorizador=request.user,
                )
            except VentaError as error:
                formulario.add_error(None, str(error))
            else:
                messages.success(request, f"Saldo a favor de {cliente}: ${movimiento.saldo_resultante:,.2f}.")
                return redirect("clientes:detalle", cliente.pk)
        estado = 400
    return render(request, "ventas/monedero_ajustar.html", {
        "cliente": cliente, "form": formulario, "saldo": selectors.monedero_saldo(cliente_id=cliente.pk),
    }, status=estado)
