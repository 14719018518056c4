"""Point-of-sale views: the cart, the checkout, the ticket."""

from functools import wraps

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

# Domain errors a POS action shows as a message on the POS.
ERRORES_DE_CAJA = (VentaError, InventarioError, ClienteError)


class _FormularioRechazado(Exception):
    """A POS form that did not validate; ``accion_de_caja`` shows its errors."""

    def __init__(self, formulario):
        super().__init__()
        self.formulario = formulario


def _datos(formulario) -> dict:
    """The form's cleaned data, or back to the POS with its errors as messages."""
    if not formulario.is_valid():
        raise _FormularioRechazado(formulario)
    return formulario.cleaned_data


def _errores(request, formulario) -> None:
    for errores in formulario.errors.values():
        for error in errores:
            messages.error(request, error)


def _a_caja():
    return redirect("ventas:caja")


def accion_de_caja(vista):
    """A button on the POS: POST only, then the sell permission, then the body; back to the POS.

    ``require_POST`` stays outside ``permission_required`` so a GET answers 405 whoever asks.
    The body returns its own response or None (back to the POS); a form rejected through
    ``_datos`` or a domain error (``ERRORES_DE_CAJA``) becomes ``messages.error`` and the
    redirect to the POS (POST/redirect/GET).
    """

    @require_POST
    @permission_required(politica.PERMISO_VENDER, raise_exception=True)
    @wraps(vista)
    def accion(request, *args, **kwargs):
        try:
            respuesta = vista(request, *args, **kwargs)
        except _FormularioRechazado as rechazo:
            _errores(request, rechazo.formulario)
            return _a_caja()
        except ERRORES_DE_CAJA as error:
            messages.error(request, str(error))
            return _a_caja()
        return _a_caja() if respuesta is None else respuesta

    return accion


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


@accion_de_caja
def agregar(request):
    """A scan or a typed code adds one unit; anything else becomes a name search."""
    texto = _datos(BuscarProductoForm(request.POST))["texto"]
    producto = selectors.producto_por_codigo(texto=texto)
    if producto is None:
        return redirect(f"{reverse('ventas:caja')}?{urlencode({'q': texto})}")
    services.carrito_agregar(cajero=request.user, producto_id=producto.pk)


@accion_de_caja
def agregar_producto(request):
    producto_id = _datos(AgregarProductoForm(request.POST))["producto"]
    services.carrito_agregar(cajero=request.user, producto_id=producto_id)


@accion_de_caja
def linea_cambiar(request, linea_id):
    datos = _datos(LineaForm(request.POST))
    services.carrito_linea_cambiar(
        cajero=request.user, linea_id=linea_id, cantidad=datos["cantidad"], descuento=datos["descuento"],
    )


@accion_de_caja
def linea_quitar(request, linea_id):
    services.carrito_linea_quitar(cajero=request.user, linea_id=linea_id)


@accion_de_caja
def vaciar(request):
    services.carrito_vaciar(cajero=request.user)
    messages.info(request, "Carrito vacío.")


@accion_de_caja
def cliente_asignar(request):
    valor = request.POST.get("cliente", "").strip()
    cliente_id = entero_leer(valor, minimo=1) if valor else None
    if valor and cliente_id is None:
        messages.error(request, "Cliente no válido: elige uno de la lista.")
        return _a_caja()
    services.carrito_cliente_asignar(cajero=request.user, cliente_id=cliente_id)


@accion_de_caja
@permission_required("clientes.add_cliente", raise_exception=True)
def cliente_registrar(request):
    """Register a client in place; SII/Aula registration follows as for any new client."""
    datos = _datos(ClienteRapidoForm(request.POST))
    cliente = clientes_services.cliente_registrar(
        nombre=datos["nombre"], apellidos=datos["apellidos"], email=datos["email"],
        telefono=datos["telefono"], curp=datos["curp"] or None,
    )
    services.carrito_cliente_asignar(cajero=request.user, cliente_id=cliente.pk)
    messages.success(request, f"Cliente {cliente} registrado.")


@accion_de_caja
def autorizar(request):
    formulario = AutorizarDescuentoForm(request.POST)
    _datos(formulario)
    autorizador = politica.autorizador_obtener(
        request=request, credenciales=formulario.credenciales(), permiso=politica.PERMISO_AUTORIZAR,
        que="descuentos", detalle=f"descuentos del carrito de {request.user.username}",
    )
    carrito = services.carrito_autorizar_descuentos(cajero=request.user, autorizador=autorizador)
    messages.success(request, f"Descuentos autorizados por {carrito.nombre_autorizo_descuento}.")


@accion_de_caja
def poner_en_espera(request):
    nota = _datos(EsperaForm(request.POST))["nota"]
    services.carrito_poner_en_espera(cajero=request.user, nota=nota)
    messages.success(request, "Venta puesta en espera.")


@accion_de_caja
def reanudar(request, carrito_id):
    services.carrito_reanudar(cajero=request.user, carrito_id=carrito_id)


@accion_de_caja
def cobrar(request):
    datos = _datos(CobroForm(request.POST))
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
        # Caught here, before ``accion_de_caja`` would: a reused key gets its own page (422),
        # not a message on the POS.
        return render(request, "ventas/cobro_rechazado.html", {"mensaje": str(error)}, status=422)
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
