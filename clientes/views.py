from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from clientes import alumnos as alumnos_services
from clientes import selectors, services
from clientes.exceptions import ClienteError
from clientes.forms import (
    AlumnoForm,
    AlumnoNuevoForm,
    BuscarAlumnoForm,
    BuscarClienteForm,
    ClienteForm,
    VincularResponsableForm,
)
from clientes.models import Alumno, Cliente, Parentesco, TipoCliente
from cursos.selectors import inscripciones_de_alumno
from integraciones.models import SincronizacionAlumno, Sistema
from integraciones.selectors import sincronizacion_obtener, sincronizaciones_de_alumno
from integraciones.services import sincronizacion_reintentar
from ventas_ingenio.entradas import entero_leer, texto_limpiar
from ventas_ingenio.paginacion import paginar

POR_PAGINA = 25


def _cliente(id_cliente: int) -> Cliente:
    try:
        return selectors.cliente_obtener(id_cliente=id_cliente)
    except Cliente.DoesNotExist as error:
        raise Http404("No existe ese cliente") from error


def _alumno(alumno_id: int) -> Alumno:
    try:
        return selectors.alumno_obtener(alumno_id=alumno_id)
    except Alumno.DoesNotExist as error:
        raise Http404("No existe ese alumno") from error


def _avisar_sincronizacion(request, alumno: Alumno) -> None:
    """Tell the cashier right away what SII and Aula answered in the immediate attempt."""
    for estado in sincronizaciones_de_alumno(alumno_id=alumno.pk):
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
    for valor, por in ((cliente.email, "correo"), (cliente.rfc, "RFC"), (cliente.nombre_completo, "nombre")):
        if valor:
            return {"filtro_historial": valor, "filtro_historial_por": por}
    return {"filtro_historial": "", "filtro_historial_por": "nombre"}


@permission_required("clientes.view_cliente", raise_exception=True)
def cliente_detalle(request, id_cliente: int):
    cliente = _cliente(id_cliente)
    contexto = {
        "cliente": cliente,
        "alumnos": selectors.alumnos_de_cliente(cliente_id=cliente.pk),
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




# --- alumnos ------------------------------------------------------------------------------------
@permission_required("clientes.view_alumno", raise_exception=True)
def alumno_lista(request):
    filtros = BuscarAlumnoForm(request.GET or None)
    datos = filtros.cleaned_data if filtros.is_valid() else {}
    alumnos = selectors.alumnos_filtrar(
        texto=datos.get("q", ""), ciclo_escolar=datos.get("ciclo_escolar", ""), grado=datos.get("grado", ""),
        grupo=datos.get("grupo", ""), por_confirmar=datos.get("por_confirmar", False),
        incluir_inactivos=datos.get("inactivos", False),
    )
    pagina, consulta = paginar(request, alumnos, por_pagina=POR_PAGINA)
    return render(request, "clientes/alumno_lista.html", {
        "filtros": filtros, "page_obj": pagina, "alumnos": pagina.object_list, "consulta": consulta,
        "ciclos": selectors.alumnos_valores(campo="ciclo_escolar"), "grados": selectors.alumnos_valores(campo="grado"),
        "grupos": selectors.alumnos_valores(campo="grupo"),
    })


def _responsable_inicial(request) -> Cliente | None:
    """The client whose page started "Registrar hijo/a o empleado" (``?cliente=<id>``)."""
    id_cliente = entero_leer(request.GET.get("cliente") or request.POST.get("cliente") or "", minimo=1)
    if id_cliente is None:
        return None
    try:
        cliente = selectors.cliente_obtener(id_cliente=id_cliente)
    except Cliente.DoesNotExist:
        return None
    return cliente


@permission_required("clientes.add_alumno", raise_exception=True)
@require_http_methods(["GET", "POST"])
def alumno_nuevo(request):
    responsable = _responsable_inicial(request)
    inicial = {}
    if responsable is not None:
        empresa = responsable.tipo == TipoCliente.EMPRESA
        inicial = {"parentesco": Parentesco.EMPRESA if empresa else Parentesco.TUTOR,
                   "apellidos": "" if empresa else responsable.apellidos}
    formulario = AlumnoNuevoForm(request.POST or None, initial=inicial)
    if request.method == "POST" and formulario.is_valid():
        datos = dict(formulario.cleaned_data)
        parentesco = datos.pop("parentesco") or Parentesco.TUTOR
        try:
            alumno = alumnos_services.alumno_registrar(**datos, responsable=responsable, parentesco=parentesco)
        except ClienteError as error:
            formulario.add_error(error.campo if error.campo in formulario.fields else None, error.mensaje)
        else:
            messages.success(request, f"Alumno {alumno.nombre_completo} registrado.")
            _avisar_sincronizacion(request, alumno)
            return redirect("clientes:alumno_detalle", alumno_id=alumno.pk)
    if responsable is None:
        formulario.fields.pop("parentesco")
    return render(request, "clientes/alumno_formulario.html",
                  {"formulario": formulario, "alumno": None, "responsable": responsable})


@permission_required("clientes.change_alumno", raise_exception=True)
@require_http_methods(["GET", "POST"])
def alumno_editar(request, alumno_id: int):
    alumno = _alumno(alumno_id)
    inicial = {campo: getattr(alumno, campo) for campo in AlumnoForm.base_fields}
    formulario = AlumnoForm(request.POST or None, initial=inicial, alumno_id=alumno.pk)
    if request.method == "POST" and formulario.is_valid():
        try:
            alumnos_services.alumno_actualizar(alumno=alumno, **formulario.cleaned_data)
        except ClienteError as error:
            formulario.add_error(error.campo if error.campo in formulario.fields else None, error.mensaje)
        else:
            messages.success(request, "Datos del alumno guardados.")
            return redirect("clientes:alumno_detalle", alumno_id=alumno.pk)
    return render(request, "clientes/alumno_formulario.html",
                  {"formulario": formulario, "alumno": alumno, "responsable": None})


@permission_required("clientes.view_alumno", raise_exception=True)
def alumno_detalle(request, alumno_id: int):
    alumno = _alumno(alumno_id)
    texto = texto_limpiar(request.GET.get("cliente_q"), maximo=100)
    responsables = selectors.responsables_de_alumno(alumno_id=alumno.pk)
    ya = {vinculo.cliente_id for vinculo in responsables}
    candidatos = []
    if texto:
        candidatos = [c for c in selectors.clientes_buscar(texto=texto)[:15]
                      if not c.es_publico_general and c.pk not in ya]
    return render(request, "clientes/alumno_detalle.html", {
        "alumno": alumno,
        "responsables": responsables,
        "estados": sincronizaciones_de_alumno(alumno_id=alumno.pk),
        "inscripciones": inscripciones_de_alumno(alumno_id=alumno.pk),
        "cliente_q": texto,
        "candidatos": candidatos,
        "vincular_form": VincularResponsableForm(auto_id=False),
    })


@permission_required("clientes.change_alumno", raise_exception=True)
@require_POST
def alumno_desactivar(request, alumno_id: int):
    alumno = _alumno(alumno_id)
    if alumno.activo:
        alumnos_services.alumno_desactivar(alumno=alumno)
        messages.success(request, "Alumno desactivado.")
    else:
        alumnos_services.alumno_reactivar(alumno=alumno)
        messages.success(request, "Alumno activado de nuevo.")
    return redirect("clientes:alumno_detalle", alumno_id=alumno.pk)


@permission_required("clientes.change_alumno", raise_exception=True)
@require_POST
def alumno_confirmar(request, alumno_id: int):
    alumno = _alumno(alumno_id)
    alumnos_services.alumno_confirmar(alumno=alumno)
    messages.success(request, "Confirmado: estudia en el instituto.")
    return redirect("clientes:alumno_detalle", alumno_id=alumno.pk)


@permission_required("clientes.change_alumno", raise_exception=True)
@require_POST
def alumno_vincular(request, alumno_id: int):
    alumno = _alumno(alumno_id)
    formulario = VincularResponsableForm(request.POST)
    if not formulario.is_valid():
        for errores in formulario.errors.values():
            for error in errores:
                messages.error(request, error)
        return redirect("clientes:alumno_detalle", alumno_id=alumno.pk)
    try:
        cliente = selectors.cliente_obtener(id_cliente=formulario.cleaned_data["cliente"])
    except Cliente.DoesNotExist:
        messages.error(request, "Ese cliente no existe: búscalo de nuevo.")
        return redirect("clientes:alumno_detalle", alumno_id=alumno.pk)
    try:
        alumnos_services.responsable_vincular(
            alumno=alumno, cliente=cliente, parentesco=formulario.cleaned_data["parentesco"]
        )
    except ClienteError as error:
        messages.error(request, error.mensaje)
    else:
        messages.success(request, f"{cliente.nombre_completo} paga por {alumno.nombre_completo}.")
    return redirect("clientes:alumno_detalle", alumno_id=alumno.pk)


@permission_required("clientes.change_alumno", raise_exception=True)
@require_POST
def alumno_desvincular(request, alumno_id: int, id_cliente: int):
    alumno = _alumno(alumno_id)
    cliente = _cliente(id_cliente)
    try:
        alumnos_services.responsable_desvincular(alumno=alumno, cliente=cliente)
    except ClienteError as error:
        messages.error(request, error.mensaje)
    else:
        messages.success(request, f"{cliente.nombre_completo} ya no es responsable de {alumno.nombre_completo}.")
    return redirect("clientes:alumno_detalle", alumno_id=alumno.pk)


@permission_required("clientes.change_alumno", raise_exception=True)
@require_POST
def alumno_reintentar(request, alumno_id: int, sistema: str):
    if sistema not in Sistema.values:
        raise Http404("No hay sincronización para ese sistema")
    try:
        fila = sincronizacion_obtener(alumno_id=alumno_id, sistema=sistema)
    except SincronizacionAlumno.DoesNotExist as error:
        raise Http404("No hay sincronización para ese sistema") from error
    sincronizacion_reintentar(sincronizacion=fila)
    fila.refresh_from_db()
    if fila.estado == "sincronizado":
        messages.success(request, f"Registrado en {fila.get_sistema_display()} (#{fila.id_externo}).")
    else:
        messages.warning(request, f"{fila.get_sistema_display()}: se reintentará; estado actual: {fila.get_estado_display()}.")
    return redirect(reverse("clientes:alumno_detalle", kwargs={"alumno_id": alumno_id}))
