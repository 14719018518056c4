from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clientes import selectors, services
from clientes.exceptions import ClienteError
from clientes.forms import BuscarClienteForm, ClienteForm
from clientes.models import Cliente
from integraciones.models import SincronizacionAlumno
from integraciones.selectors import sincronizacion_obtener, sincronizaciones_de_alumno
from integraciones.services import sincronizacion_reintentar
from ventas_ingenio.paginacion import paginar

POR_PAGINA = 25


def _cliente(id_cliente: int) -> Cliente:
    try:
        return selectors.cliente_obtener(id_cliente=id_cliente)
    except Cliente.DoesNotExist as error:
        raise Http404("No existe ese cliente") from error


def sincronizaciones_de_cliente(*, cliente_id: int):
    # TRANSITIONAL (issue 14): the sync state of the alumno who is this client.
    alumno = selectors.alumno_propio(cliente_id=cliente_id)
    return sincronizaciones_de_alumno(alumno_id=alumno.pk) if alumno else []


def _avisar_sincronizacion(request, cliente: Cliente) -> None:
    """Tell the cashier right away what SII and Aula answered in the immediate attempt."""
    for estado in sincronizaciones_de_cliente(cliente_id=cliente.pk):
        fila = estado.sincronizacion
        if fila is None:
            continue
        if estado.estado == "sincronizado":
            messages.success(request, f"Registrado en {estado.nombre_sistema} (#{fila.id_externo}).")
        elif estado.estado == "error":
            messages.error(request, f"{estado.nombre_sistema}: {fila.ultimo_error}")
        else:
            messages.warning(
                request, f"{estado.nombre_sistema} no respondió a tiempo: quedó pendiente y se reintentará solo."
            )


@permission_required("clientes.view_cliente", raise_exception=True)
def cliente_lista(request):
    filtros = BuscarClienteForm(request.GET or None)
    texto, inactivos = "", False
    if filtros.is_valid():
        texto, inactivos = filtros.cleaned_data["q"], filtros.cleaned_data["inactivos"]
    clientes = selectors.clientes_buscar(texto=texto, incluir_inactivos=inactivos)
    pagina, consulta = paginar(request, clientes, por_pagina=POR_PAGINA)
    return render(
        request,
        "clientes/cliente_lista.html",
        {"filtros": filtros, "page_obj": pagina, "clientes": pagina.object_list, "consulta": consulta},
    )


@permission_required("clientes.add_cliente", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cliente_nuevo(request):
    formulario = ClienteForm(request.POST or None)
    if request.method == "POST" and formulario.is_valid():
        try:
            cliente = services.cliente_registrar(**formulario.cleaned_data)
        except ClienteError as error:
            formulario.add_error(error.campo, error.mensaje)
        else:
            messages.success(request, f"Cliente {cliente.nombre_completo} registrado.")
            _avisar_sincronizacion(request, cliente)
            return redirect("clientes:detalle", id_cliente=cliente.pk)
    return render(request, "clientes/cliente_formulario.html", {"formulario": formulario, "cliente": None})


@permission_required("clientes.change_cliente", raise_exception=True)
@require_http_methods(["GET", "POST"])
def cliente_editar(request, id_cliente: int):
    cliente = _cliente(id_cliente)
    if cliente.es_publico_general:
        messages.error(request, "El cliente «Público en general» no se modifica.")
        return redirect("clientes:detalle", id_cliente=cliente.pk)
    inicial = {campo: getattr(cliente, campo) for campo in ClienteForm.base_fields}
    formulario = ClienteForm(request.POST or None, initial=inicial, cliente_id=cliente.pk)
    if request.method == "POST" and formulario.is_valid():
        try:
            services.cliente_actualizar(cliente=cliente, **formulario.cleaned_data)
        except ClienteError as error:
            formulario.add_error(error.campo, error.mensaje)
        else:
            messages.success(request, "Datos del cliente guardados.")
            return redirect("clientes:detalle", id_cliente=cliente.pk)
    return render(request, "clientes/cliente_formulario.html", {"formulario": formulario, "cliente": cliente})


def _filtro_historial(cliente) -> dict:
    for valor, por in ((cliente.email, "correo"), (cliente.curp, "CURP"), (cliente.nombre_completo, "nombre")):
        if valor:
            return {"filtro_historial": valor, "filtro_historial_por": por}
    return {"filtro_historial": "", "filtro_historial_por": "nombre"}


@permission_required("clientes.view_cliente", raise_exception=True)
def cliente_detalle(request, id_cliente: int):
    cliente = _cliente(id_cliente)
    contexto = {
        "cliente": cliente,
        "estados": sincronizaciones_de_cliente(cliente_id=cliente.pk),
        # Purchases live in the sales history (filtered by what identifies this client best),
        # so this app does not read sales.
        **_filtro_historial(cliente),
        "puede_eliminar": request.user.has_perm("clientes.delete_cliente")
        and not cliente.es_publico_general
        and not selectors.cliente_tiene_ventas(cliente=cliente),
    }
    return render(request, "clientes/cliente_detalle.html", contexto)


@permission_required("clientes.change_cliente", raise_exception=True)
@require_POST
def cliente_desactivar(request, id_cliente: int):
    cliente = _cliente(id_cliente)
    try:
        if cliente.activo:
            services.cliente_desactivar(cliente=cliente)
            messages.success(request, "Cliente desactivado.")
        else:
            services.cliente_reactivar(cliente=cliente)
            messages.success(request, "Cliente activado de nuevo.")
    except ClienteError as error:
        messages.error(request, error.mensaje)
    return redirect("clientes:detalle", id_cliente=cliente.pk)


@permission_required("clientes.delete_cliente", raise_exception=True)
@require_POST
def cliente_eliminar(request, id_cliente: int):
    cliente = _cliente(id_cliente)
    try:
        services.cliente_eliminar(cliente=cliente)
    except ClienteError as error:
        messages.error(request, error.mensaje)
        return redirect("clientes:detalle", id_cliente=cliente.pk)
    messages.success(request, f"Cliente {cliente.nombre_completo} eliminado.")
    return redirect("clientes:lista")


@permission_required("clientes.change_cliente", raise_exception=True)
@require_POST
def sincronizacion_reintentar_vista(request, id_cliente: int, sistema: str):
    try:
        alumno = selectors.alumno_propio(cliente_id=id_cliente)
        if alumno is None:
            raise SincronizacionAlumno.DoesNotExist
        fila = sincronizacion_obtener(alumno_id=alumno.pk, sistema=sistema)
    except SincronizacionAlumno.DoesNotExist as error:
        raise Http404("No hay sincronización para ese sistema") from error
    sincronizacion_reintentar(sincronizacion=fila)
    fila.refresh_from_db()
    if fila.estado == "sincronizado":
        messages.success(request, f"Registrado en {fila.get_sistema_display()} (#{fila.id_externo}).")
    else:
        messages.warning(request, f"{fila.get_sistema_display()}: se reintentará; estado actual: {fila.get_estado_display()}.")
    return redirect(reverse("clientes:detalle", kwargs={"id_cliente": id_cliente}))
