"""Point-of-sale views: parse the form, call one service, redirect (POST/redirect/GET)."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientes import services as clientes_services
from clientes.exceptions import ClienteError
from clientes.selectors import clientes_buscar
from inventario.exceptions import InventarioError
from ventas import selectors, services
from ventas.calculos import iva_por_tasa
from ventas.exceptions import ClaveCobroReutilizada, ClaveDevolucionReutilizada, VentaError
from ventas.forms import (
    AgregarProductoForm,
    AutorizarDescuentoForm,
    BuscarProductoForm,
    CancelarVentaForm,
    ClienteRapidoForm,
    CobroForm,
    DevolverVentaForm,
    EsperaForm,
    LineaForm,
)
from ventas.models import EstadoVenta, MetodoPago

PERMISO_VENDER = services.PERMISO_VENDER


def _errores(request, formulario) -> None:
    for errores in formulario.errors.values():
        for error in errores:
            messages.error(request, error)


def _a_caja():
    return redirect("ventas:caja")


@require_GET
@permission_required(PERMISO_VENDER, raise_exception=True)
def caja(request):
    vista = selectors.carrito_de_cajero(cajero=request.user)
    texto = request.GET.get("q", "")[:100]
    contexto = {
        "vista": vista,
        "texto": texto,
        "coincidencias": selectors.productos_para_caja(texto=texto) if texto else [],
        "en_espera": selectors.carritos_en_espera(cajero=request.user),
        "buscar_form": BuscarProductoForm(),
        "cobro_form": CobroForm(
            initial={"clave_cobro": vista.carrito.clave_cobro if vista.carrito else "", "huella": vista.huella}
        ),
        "autorizar_form": AutorizarDescuentoForm(),
        "cliente_form": ClienteRapidoForm(),
        "limite_descuento_pct": int(services.limite_descuento() * 100),
        "puede_autorizar": request.user.has_perm(services.PERMISO_AUTORIZAR),
    }
    contexto.update(_contexto_cliente(request, vista))
    return render(request, "ventas/caja.html", contexto)


def _contexto_cliente(request, vista):
    """Client search on the POS: name, email or CURP."""
    texto = request.GET.get("cliente", "")[:100].strip()
    encontrados = list(clientes_buscar(texto=texto)[:10]) if texto else []
    return {"texto_cliente": texto, "clientes_encontrados": encontrados}


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def agregar(request):
    """A scan or a typed code adds one unit; anything else becomes a name search."""
    formulario = BuscarProductoForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    texto = formulario.cleaned_data["texto"]
    producto = selectors.producto_por_codigo(texto=texto)
    if producto is None:
        return redirect(f"{reverse('ventas:caja')}?{urlencode({'q': texto})}")
    try:
        services.carrito_agregar(cajero=request.user, producto_id=producto.pk)
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def agregar_producto(request):
    formulario = AgregarProductoForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    try:
        services.carrito_agregar(cajero=request.user, producto_id=formulario.cleaned_data["producto"])
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def linea_cambiar(request, linea_id):
    formulario = LineaForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    try:
        services.carrito_linea_cambiar(
            cajero=request.user, linea_id=linea_id, cantidad=formulario.cleaned_data["cantidad"],
            descuento=formulario.cleaned_data["descuento"],
        )
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def linea_quitar(request, linea_id):
    services.carrito_linea_quitar(cajero=request.user, linea_id=linea_id)
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def vaciar(request):
    services.carrito_vaciar(cajero=request.user)
    messages.info(request, "Carrito vacío.")
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def cliente_asignar(request):
    valor = request.POST.get("cliente", "").strip()
    if valor and not valor.isdigit():
        messages.error(request, "Cliente no válido.")
        return _a_caja()
    try:
        services.carrito_cliente_asignar(cajero=request.user, cliente_id=int(valor) if valor else None)
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
@permission_required("clientes.add_cliente", raise_exception=True)
def cliente_registrar(request):
    """Register a client in place; SII/Aula registration follows as for any new client."""
    formulario = ClienteRapidoForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    datos = formulario.cleaned_data
    try:
        cliente = clientes_services.cliente_registrar(
            nombre=datos["nombre"], apellidos=datos["apellidos"], email=datos["email"],
            telefono=datos["telefono"], curp=datos["curp"] or None,
        )
        services.carrito_cliente_asignar(cajero=request.user, cliente_id=cliente.pk)
    except (ClienteError, VentaError) as error:
        messages.error(request, str(error))
        return _a_caja()
    messages.success(request, f"Cliente {cliente} registrado.")
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def autorizar(request):
    formulario = AutorizarDescuentoForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    try:
        carrito = services.carrito_autorizar_descuentos(
            cajero=request.user, usuario=formulario.cleaned_data["usuario"],
            clave=formulario.cleaned_data["clave"], request=request,
        )
        messages.success(request, f"Descuentos autorizados por {carrito.nombre_autorizo_descuento}.")
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def poner_en_espera(request):
    formulario = EsperaForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    try:
        services.carrito_poner_en_espera(cajero=request.user, nota=formulario.cleaned_data["nota"])
        messages.success(request, "Venta puesta en espera.")
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def reanudar(request, carrito_id):
    try:
        services.carrito_reanudar(cajero=request.user, carrito_id=carrito_id)
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(PERMISO_VENDER, raise_exception=True)
def cobrar(request):
    formulario = CobroForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    datos = formulario.cleaned_data
    pagos = [
        services.PagoDatos(metodo=MetodoPago.TARJETA, monto=datos["tarjeta_monto"], referencia=datos["tarjeta_referencia"]),
        services.PagoDatos(
            metodo=MetodoPago.TRANSFERENCIA, monto=datos["transferencia_monto"], referencia=datos["transferencia_referencia"]
        ),
    ]
    try:
        venta, creada = services.venta_confirmar(
            cajero=request.user, clave_cobro=datos["clave_cobro"], huella=datos["huella"],
            pagos=pagos, efectivo_recibido=datos["efectivo_recibido"],
        )
    except ClaveCobroReutilizada as error:
        return render(request, "ventas/cobro_rechazado.html", {"mensaje": str(error)}, status=422)
    except (VentaError, InventarioError) as error:
        messages.error(request, str(error))
        return _a_caja()
    if creada:
        messages.success(request, f"Venta {venta.folio_texto} registrada.")
    return redirect("ventas:ticket", venta_id=venta.pk)


@require_GET
@permission_required(PERMISO_VENDER, raise_exception=True)
def buscar(request):
    """Name matches for the POS search box (JSON, used by static/js/caja.js)."""
    productos = selectors.productos_para_caja(texto=request.GET.get("q", "")[:100])
    return JsonResponse(
        {
            "productos": [
                {"id": p.pk, "codigo": p.codigo, "nombre": p.nombre, "precio": f"{p.precio:.2f}",
                 "existencia": p.existencia, "activo": p.activo}
                for p in productos
            ]
        }
    )


@require_GET
@permission_required("ventas.view_venta", raise_exception=True)
def ticket(request, venta_id):
    venta = selectors.venta_para_ticket(venta_id=venta_id)
    if venta is None or (venta.id_cajero != request.user.pk and not request.user.has_perm("ventas.ver_todas")):
        raise Http404
    formato = request.GET.get("formato", "80")
    return render(
        request,
        "ventas/ticket.html",
        {
            "venta": venta,
            "desglose_iva": iva_por_tasa(venta.lineas.all()),
            "cambio": selectors.venta_cambio(venta),
            # Links to reprint its return tickets; no query for the (usual) sale without returns.
            "devoluciones": selectors.devoluciones_de_venta(venta_id=venta.pk)
            if venta.total_devuelto or venta.cancelada else [],
            "formato": formato if formato in ("58", "80", "a4") else "80",
        },
    )


# --- Returns and cancellations ------------------------------------------------------------


def _venta_para_devolver(request, venta_id):
    """The sale behind a return/cancel page: 403 for roles that never return, 404 if not visible."""
    usuario = request.user
    if not (usuario.has_perm(services.PERMISO_DEVOLVER) or usuario.has_perm(services.PERMISO_VENDER)):
        raise PermissionDenied("Tu usuario no puede registrar devoluciones ni cancelaciones.")
    venta = selectors.venta_para_devolucion(venta_id=venta_id, usuario=usuario)
    if venta is None:
        raise Http404("Esa venta no existe o no puedes verla.")
    return venta


def _devolucion_rechazada(request, error, venta):
    return render(request, "ventas/devolucion_rechazada.html", {"mensaje": str(error), "venta": venta}, status=422)


def _reembolsos_texto(devolucion) -> str:
    partes = [f"{r.get_metodo_display().lower()} ${r.monto:,.2f}" for r in devolucion.reembolsos.all()]
    return "Reembolsa: " + ", ".join(partes) + "." if partes else "No hay dinero que reembolsar."


@require_http_methods(["GET", "POST"])
def venta_cancelar(request, venta_id):
    """Cancel a whole sale of today: reason, Gerente credentials for a Cajero, one-time key."""
    venta = _venta_para_devolver(request, venta_id)
    if request.method == "POST":
        formulario = CancelarVentaForm(request.POST)
        if formulario.is_valid():
            datos = formulario.cleaned_data
            try:
                devolucion, creada = services.venta_cancelar(
                    venta_id=venta.pk, usuario=request.user, motivo=datos["motivo"], clave=datos["clave"],
                    autorizo=formulario.autorizacion(), request=request,
                )
            except ClaveDevolucionReutilizada as error:
                return _devolucion_rechazada(request, error, venta)
            except (VentaError, InventarioError) as error:
                formulario.add_error(None, str(error))
            else:
                if creada:
                    messages.success(request, f"Venta {venta.folio_texto} cancelada ({devolucion.folio_texto}). "
                                              f"{_reembolsos_texto(devolucion)}")
                return redirect("ventas:devolucion_ticket", devolucion_id=devolucion.pk)
    else:
        formulario = CancelarVentaForm(initial={"clave": uuid.uuid4()})
    if venta.estado == EstadoVenta.CANCELADA:
        impedimento = f"La venta {venta.folio_texto} ya está cancelada."
    elif timezone.localdate(venta.fecha) != timezone.localdate():
        impedimento = (f"Solo se cancelan ventas de hoy; esta es del {timezone.localdate(venta.fecha):%d/%m/%Y}. "
                       "Para regresar artículos registra una devolución.")
    elif all(linea.por_devolver == 0 for linea in venta.lineas.all()):
        impedimento = "Ya se devolvieron todos los artículos de esta venta: no queda nada por cancelar."
    else:
        impedimento = ""
    contexto = {
        "venta": venta,
        "formulario": formulario,
        "impedimento": impedimento,
        "reembolsos": [(MetodoPago(m).label, monto) for m, monto in services.reembolsables_por_metodo(venta=venta)
                       if monto > 0],
        "requiere_autorizacion": not request.user.has_perm(services.PERMISO_DEVOLVER),
    }
    return render(request, "ventas/venta_cancelar.html", contexto, status=422 if formulario.errors else 200)


@require_http_methods(["GET", "POST"])
def venta_devolver(request, venta_id):
    """Return some units of a sale: a quantity per line, reason, refund method, Gerente credentials."""
    venta = _venta_para_devolver(request, venta_id)
    disponibles = services.reembolsables_por_metodo(venta=venta)
    metodos = [m for m, monto in disponibles if monto > 0]
    lineas = venta.lineas.all()
    if request.method == "POST":
        repetido = selectors.devolucion_clave_usada(clave=request.POST.get("clave", ""))
        formulario = DevolverVentaForm(request.POST, lineas=lineas, metodos=metodos, repetido=repetido)
        if formulario.is_valid():
            datos = formulario.cleaned_data
            try:
                devolucion, creada = services.venta_devolver(
                    venta_id=venta.pk, usuario=request.user, lineas=formulario.lineas_datos(), motivo=datos["motivo"],
                    clave=datos["clave"], metodo_reembolso=datos["metodo_reembolso"] or None,
                    autorizo=formulario.autorizacion(), request=request,
                )
            except ClaveDevolucionReutilizada as error:
                return _devolucion_rechazada(request, error, venta)
            except (VentaError, InventarioError) as error:
                formulario.add_error(None, str(error))
            else:
                if creada:
                    messages.success(request, f"Devolución {devolucion.folio_texto} registrada. "
                                              f"{_reembolsos_texto(devolucion)}")
                return redirect("ventas:devolucion_ticket", devolucion_id=devolucion.pk)
    else:
        formulario = DevolverVentaForm(
            lineas=lineas, metodos=metodos,
            initial={"clave": uuid.uuid4(), "metodo_reembolso": services.metodo_reembolso_sugerido(disponibles)},
        )
    contexto = {
        "venta": venta,
        "formulario": formulario,
        "filas": formulario.filas(),
        "impedimento": f"La venta {venta.folio_texto} está cancelada." if venta.estado == EstadoVenta.CANCELADA else "",
        "nada_por_devolver": all(linea.cantidad_devuelta >= linea.cantidad for linea in lineas),
        "requiere_autorizacion": not request.user.has_perm(services.PERMISO_DEVOLVER),
    }
    return render(request, "ventas/venta_devolver.html", contexto, status=422 if formulario.errors else 200)


@require_GET
@permission_required("ventas.view_devolucion", raise_exception=True)
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
            "formato": formato if formato in ("58", "80", "a4") else "80",
        },
    )

