"""Point-of-sale views (parse the form, call one service, redirect: POST/redirect/GET) and the reports."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from clientes import services as clientes_services
from clientes.exceptions import ClienteError
from clientes.selectors import clientes_buscar
from inventario.exceptions import InventarioError
from ventas import graficas, selectors, services
from ventas.calculos import iva_por_tasa
from ventas.exceptions import ClaveCobroReutilizada, VentaError
from ventas.forms import (
    FECHA_MINIMA,
    FORMATO_FECHA,
    AgregarProductoForm,
    AutorizarDescuentoForm,
    BuscarProductoForm,
    ClienteRapidoForm,
    CobroForm,
    EsperaForm,
    LineaForm,
    ResumenForm,
)
from ventas.models import MetodoPago
from ventas_ingenio.csv_streaming import csv_respuesta

PERMISO_VENDER = "ventas.add_venta"


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
            "formato": formato if formato in ("58", "80", "a4") else "80",
        },
    )


# --- Reports (issue 6): the daily summary, its CSV and the dashboard ------------------------------
# Consulta and Gerente: whoever may see every cashier's sales ("ventas.ver_todas"). A Cajero
# gets 403: their own figures are in their shift close.
PERMISO_REPORTES = "ventas.ver_todas"


def _resumen_formulario(request):
    """(form, fecha): fecha is None when the form has errors."""
    hoy = timezone.localdate()
    formulario = ResumenForm(request.GET or None, hoy=hoy)
    if not formulario.is_bound:
        return formulario, hoy
    if not formulario.is_valid():
        return formulario, None
    return formulario, formulario.cleaned_data["fecha"] or hoy


def _resumen_error(request, formulario):
    """The page with the form's Spanish error and no figures, as a 400."""
    texto = request.GET.get("fecha", "")
    return render(
        request, "ventas/resumen_dia.html",
        # Echo the text back only when it looks like a date (2026-02-30), never garbage or NULs.
        {"formulario": formulario, "fecha_texto": texto if FORMATO_FECHA.fullmatch(texto) else "", "resumen": None,
         "hoy": timezone.localdate()},
        status=400,
    )


@require_GET
@permission_required(PERMISO_REPORTES, raise_exception=True)
def resumen(request):
    formulario, fecha = _resumen_formulario(request)
    if fecha is None:
        return _resumen_error(request, formulario)
    hoy = timezone.localdate()
    return render(
        request, "ventas/resumen_dia.html",
        {
            "formulario": formulario, "fecha_texto": fecha.isoformat(), "hoy": hoy,
            "resumen": selectors.resumen_del_dia(fecha=fecha),
            "anterior": fecha - timedelta(days=1) if fecha > FECHA_MINIMA else None,
            "siguiente": fecha + timedelta(days=1) if fecha < hoy else None,
        },
    )


@require_GET
@permission_required(PERMISO_REPORTES, raise_exception=True)
def resumen_exportar(request):
    formulario, fecha = _resumen_formulario(request)
    if fecha is None:
        return _resumen_error(request, formulario)
    resumen_dia = selectors.resumen_del_dia(fecha=fecha)
    return csv_respuesta(
        nombre_archivo=f"resumen-{fecha.isoformat()}.csv",
        encabezados=["Sección", "Concepto", "Operaciones", "Importe"],
        filas=selectors.resumen_filas_csv(resumen_dia),
    )


@require_GET
@permission_required(PERMISO_REPORTES, raise_exception=True)
def tablero(request):
    datos = selectors.tablero_datos(hoy=timezone.localdate())
    return render(
        request, "ventas/tablero.html",
        {"tablero": datos, "grafica_dias": graficas.grafica_por_dia(datos.por_dia),
         "grafica_horas": graficas.grafica_por_hora(datos.por_hora)},
    )
