"""Point-of-sale views: the cart, the checkout, the ticket."""


from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from clientes import services as clientes_services
from clientes.exceptions import ClienteError
from clientes.selectors import clientes_buscar
from inventario.exceptions import InventarioError
from ventas import politica
from ventas.caja import cobro, selectors, services
from ventas.caja.forms import (
    AgregarProductoForm,
    AutorizarDescuentoForm,
    BuscarProductoForm,
    ClienteRapidoForm,
    CobroForm,
    EsperaForm,
    LineaForm,
)
from ventas.calculos import iva_por_tasa
from ventas.devoluciones import selectors as devoluciones_selectors
from ventas.exceptions import (
    ClaveCobroReutilizada,
    VentaError,
)
from ventas.models import MetodoPago
from ventas.turnos import selectors as turnos_selectors
from ventas.turnos.forms import TurnoAbrirForm
from ventas_ingenio.entradas import entero_leer, texto_limpiar


def _errores(request, formulario) -> None:
    for errores in formulario.errors.values():
        for error in errores:
            messages.error(request, error)


def _a_caja():
    return redirect("ventas:caja")


@require_GET
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def caja(request):
    turno_actual = turnos_selectors.turno_abierto(cajero=request.user)
    if turno_actual is None:
        # Nothing can be charged without a shift: the POS asks for one first (the cart, if
        # any, waits on the server and comes back once the shift is open).
        return render(request, "ventas/caja_sin_turno.html", {"form": TurnoAbrirForm()})
    vista = selectors.carrito_de_cajero(cajero=request.user)
    texto = texto_limpiar(request.GET.get("q"), maximo=100)
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
        "cantidad_maxima": politica.CANTIDAD_MAXIMA,
        "limite_descuento_pct": int(politica.limite_descuento() * 100),
        "puede_autorizar": request.user.has_perm(politica.PERMISO_AUTORIZAR),
        "turno": turno_actual,
        "turno_de_otro_dia": turnos_selectors.turno_de_otro_dia(turno_actual),
    }
    contexto.update(_contexto_cliente(request, vista))
    return render(request, "ventas/caja.html", contexto)


def _contexto_cliente(request, vista):
    """Client search on the POS: name, email or CURP."""
    texto = texto_limpiar(request.GET.get("cliente"), maximo=100)
    encontrados = list(clientes_buscar(texto=texto)[:10]) if texto else []
    return {"texto_cliente": texto, "clientes_encontrados": encontrados}


@require_POST
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
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
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
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
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
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
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def linea_quitar(request, linea_id):
    services.carrito_linea_quitar(cajero=request.user, linea_id=linea_id)
    return _a_caja()


@require_POST
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def vaciar(request):
    services.carrito_vaciar(cajero=request.user)
    messages.info(request, "Carrito vacío.")
    return _a_caja()


@require_POST
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def cliente_asignar(request):
    valor = request.POST.get("cliente", "").strip()
    cliente_id = entero_leer(valor, minimo=1) if valor else None
    if valor and cliente_id is None:
        messages.error(request, "Cliente no válido: elige uno de la lista.")
        return _a_caja()
    try:
        services.carrito_cliente_asignar(cajero=request.user, cliente_id=cliente_id)
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
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
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def autorizar(request):
    formulario = AutorizarDescuentoForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    try:
        autorizador = politica.autorizador_obtener(
            request=request, credenciales=formulario.credenciales(), permiso=politica.PERMISO_AUTORIZAR,
            que="descuentos", detalle=f"descuentos del carrito de {request.user.username}",
        )
        carrito = services.carrito_autorizar_descuentos(cajero=request.user, autorizador=autorizador)
        messages.success(request, f"Descuentos autorizados por {carrito.nombre_autorizo_descuento}.")
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
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
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def reanudar(request, carrito_id):
    try:
        services.carrito_reanudar(cajero=request.user, carrito_id=carrito_id)
    except VentaError as error:
        messages.error(request, str(error))
    return _a_caja()


@require_POST
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def cobrar(request):
    formulario = CobroForm(request.POST)
    if not formulario.is_valid():
        _errores(request, formulario)
        return _a_caja()
    datos = formulario.cleaned_data
    pagos = [
        cobro.PagoDatos(metodo=MetodoPago.TARJETA, monto=datos["tarjeta_monto"], referencia=datos["tarjeta_referencia"]),
        cobro.PagoDatos(
            metodo=MetodoPago.TRANSFERENCIA, monto=datos["transferencia_monto"], referencia=datos["transferencia_referencia"]
        ),
    ]
    try:
        venta, creada = cobro.venta_confirmar(
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
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def buscar(request):
    """Name matches for the POS search box (JSON, used by static/js/caja.js)."""
    productos = selectors.productos_para_caja(texto=texto_limpiar(request.GET.get("q"), maximo=100))
    return JsonResponse(
        {
            "productos": [
                {"id": p.pk, "codigo": p.codigo, "nombre": p.nombre, "precio": f"{p.precio:.2f}",
                 "existencia": p.existencia, "activo": p.activo}
                for p in productos
            ],
            "hay_mas": productos.hay_mas,
        }
    )


@require_GET
@permission_required(politica.PERMISO_VER, raise_exception=True)
def ticket(request, venta_id):
    venta = selectors.venta_para_ticket(venta_id=venta_id)
    if venta is None or (venta.id_cajero != request.user.pk and not request.user.has_perm(politica.PERMISO_VER_TODAS)):
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
            "devoluciones": devoluciones_selectors.devoluciones_de_venta(venta_id=venta.pk)
            if venta.total_devuelto or venta.cancelada else [],
            "formato": formato if formato in ("58", "80", "a4") else "80",
        },
    )
