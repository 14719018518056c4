"""Point-of-sale, returns, shift and report views: parse the form, call one service, redirect
(POST/redirect/GET) or render."""

import uuid
from datetime import timedelta

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
from ventas import graficas, selectors, services
from ventas.calculos import DENOMINACIONES, diferencias_calcular, iva_por_tasa
from ventas.exceptions import (
    ClaveCobroReutilizada,
    ClaveDevolucionReutilizada,
    TurnoNoAbierto,
    TurnoNoEncontrado,
    TurnoYaCerrado,
    VentaError,
)
from ventas.forms import (
    FECHA_MINIMA,
    FORMATO_FECHA,
    AgregarProductoForm,
    AutorizarDescuentoForm,
    BuscarProductoForm,
    CancelarVentaForm,
    ClienteRapidoForm,
    CobroForm,
    DevolverVentaForm,
    EsperaForm,
    LineaForm,
    MovimientoCajaForm,
    ResumenForm,
    TurnoAbrirForm,
    TurnoCerrarForm,
    TurnoFiltroForm,
)
from ventas.models import EstadoTurno, EstadoVenta, MetodoPago
from ventas_ingenio.csv_streaming import csv_respuesta
from ventas_ingenio.entradas import entero_leer, texto_limpiar
from ventas_ingenio.paginacion import paginar

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
    turno_actual = selectors.turno_abierto(cajero=request.user)
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
        "limite_descuento_pct": int(services.limite_descuento() * 100),
        "puede_autorizar": request.user.has_perm(services.PERMISO_AUTORIZAR),
        "turno": turno_actual,
        "turno_de_otro_dia": _de_otro_dia(turno_actual),
    }
    contexto.update(_contexto_cliente(request, vista))
    return render(request, "ventas/caja.html", contexto)


def _contexto_cliente(request, vista):
    """Client search on the POS: name, email or CURP."""
    texto = texto_limpiar(request.GET.get("cliente"), maximo=100)
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
    productos = selectors.productos_para_caja(texto=texto_limpiar(request.GET.get("q"), maximo=100))
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


# --- Cash-drawer shifts (corte de caja) -----------------------------------------------------

PERMISO_TURNO = "ventas.add_turno"
FORMATOS_REPORTE = ("80", "a4")


def _de_otro_dia(turno) -> bool:
    """A shift left open since an earlier day: the cashier is told to close it."""
    return timezone.localdate(turno.abierto) != timezone.localdate()


def _desde_caja(request) -> bool:
    return request.POST.get("desde") == "caja"


def _contexto_turno(request, turno, *, cerrar_form=None, movimiento_form=None, comparacion=None):
    """What the shift page shows: the drawer's figures so far and the two forms."""
    cuentas = selectors.turno_cuentas(turno=turno)
    return {
        "turno": turno,
        "cuentas": cuentas,
        "esperado": cuentas.esperado,
        "movimientos": selectors.turno_movimientos(turno=turno),
        "propio": turno.id_cajero == request.user.pk,
        "turno_de_otro_dia": _de_otro_dia(turno),
        "cerrar_form": cerrar_form or TurnoCerrarForm(),
        "movimiento_form": movimiento_form or MovimientoCajaForm(),
        "comparacion": comparacion,
        "limite_diferencia": services.limite_diferencia_corte(),
        "puede_autorizar": request.user.has_perm(services.PERMISO_AUTORIZAR_DIFERENCIA),
    }


@require_GET
@permission_required(PERMISO_TURNO, raise_exception=True)
def turno(request):
    """My current shift, or the form to open one."""
    actual = selectors.turno_abierto(cajero=request.user)
    if actual is None:
        return render(request, "ventas/turno_abrir.html", {"form": TurnoAbrirForm()})
    return render(request, "ventas/turno_actual.html", _contexto_turno(request, actual))


@require_POST
@permission_required(PERMISO_TURNO, raise_exception=True)
def turno_abrir(request):
    formulario = TurnoAbrirForm(request.POST)
    if formulario.is_valid():
        try:
            services.turno_abrir(cajero=request.user, fondo_inicial=formulario.cleaned_data["fondo_inicial"])
        except VentaError as error:
            formulario.add_error(None, str(error))
    if formulario.errors:
        plantilla = "ventas/caja_sin_turno.html" if _desde_caja(request) else "ventas/turno_abrir.html"
        return render(request, plantilla, {"form": formulario}, status=400)
    messages.success(request, f"Turno abierto con ${formulario.cleaned_data['fondo_inicial']:,.2f} de fondo.")
    return _a_caja() if _desde_caja(request) else redirect("ventas:turno")


@require_POST
@permission_required("ventas.add_movimientocaja", raise_exception=True)
def turno_movimiento(request):
    """A withdrawal or deposit in my open shift."""
    formulario = MovimientoCajaForm(request.POST)
    if formulario.is_valid():
        datos = formulario.cleaned_data
        try:
            movimiento = services.caja_movimiento_registrar(
                usuario=request.user, tipo=datos["tipo"], monto=datos["monto"], motivo=datos["motivo"]
            )
        except TurnoNoAbierto as error:
            messages.error(request, str(error))
            return redirect("ventas:turno")
        except VentaError as error:
            formulario.add_error(None, str(error))
        else:
            messages.success(request, f"{movimiento.get_tipo_display()} de ${movimiento.monto:,.2f} registrado.")
            return redirect("ventas:turno")
    actual = selectors.turno_abierto(cajero=request.user)
    if actual is None:
        messages.error(request, "Abre tu turno de caja antes de registrar retiros o depósitos.")
        return redirect("ventas:turno")
    return render(request, "ventas/turno_actual.html", _contexto_turno(request, actual, movimiento_form=formulario),
                  status=400)


def _turno_cerrable(request, turno_id):
    """The shift if this user may close it (their own, or anyone's for a Gerente); else 404."""
    turno = selectors.turno_para_usuario(turno_id=turno_id, usuario=request.user)
    if turno is None or (turno.id_cajero != request.user.pk and not request.user.has_perm(services.PERMISO_CERRAR_AJENO)):
        raise Http404("Ese turno de caja no existe o no es tuyo.")
    return turno


@require_http_methods(["GET", "POST"])
@permission_required(PERMISO_TURNO, raise_exception=True)
def turno_cerrar(request, turno_id):
    """Count and close. "Revisar" shows expected vs counted without writing; "Cerrar" closes."""
    turno = _turno_cerrable(request, turno_id)
    if turno.estado != EstadoTurno.ABIERTO:
        if request.method == "GET":
            return redirect("ventas:turno_detalle", turno_id=turno.pk)
        messages.error(request, str(TurnoYaCerrado()))
        return _reporte(request, turno, status=409)
    if request.method == "GET":
        return render(request, "ventas/turno_actual.html", _contexto_turno(request, turno))
    formulario = TurnoCerrarForm(request.POST)
    if not formulario.is_valid():
        return render(request, "ventas/turno_actual.html", _contexto_turno(request, turno, cerrar_form=formulario),
                      status=400)
    datos = formulario.cleaned_data
    contado = {"efectivo": formulario.efectivo_contado(), "tarjeta": datos["tarjeta_reportado"],
               "transferencia": datos["transferencia_reportado"]}
    if request.POST.get("accion") != "cerrar":
        esperado = selectors.turno_cuentas(turno=turno).esperado
        comparacion = diferencias_calcular(esperado=esperado, contado=contado, limite=services.limite_diferencia_corte())
        return render(request, "ventas/turno_actual.html",
                      _contexto_turno(request, turno, cerrar_form=formulario, comparacion=comparacion))
    try:
        cerrado = services.turno_cerrar(
            turno_id=turno.pk, usuario=request.user, efectivo_contado=datos["efectivo_total"],
            denominaciones=datos["denominaciones"], tarjeta_reportado=datos["tarjeta_reportado"],
            transferencia_reportado=datos["transferencia_reportado"], nota=datos["nota"],
            autorizo_usuario=datos["autorizo_usuario"], autorizo_clave=datos["autorizo_clave"], request=request,
        )
    except TurnoNoEncontrado as error:
        raise Http404(str(error)) from error
    except TurnoYaCerrado as error:
        messages.error(request, str(error))
        turno.refresh_from_db()
        return _reporte(request, turno, status=409)
    except VentaError as error:
        formulario.add_error(None, str(error))
        esperado = selectors.turno_cuentas(turno=turno).esperado
        comparacion = diferencias_calcular(esperado=esperado, contado=contado, limite=services.limite_diferencia_corte())
        return render(request, "ventas/turno_actual.html",
                      _contexto_turno(request, turno, cerrar_form=formulario, comparacion=comparacion), status=400)
    messages.success(request, f"Turno cerrado. Efectivo esperado ${cerrado.efectivo_esperado:,.2f}, "
                              f"contado ${cerrado.efectivo_contado:,.2f}.")
    return redirect("ventas:turno_detalle", turno_id=cerrado.pk)


def _reporte(request, turno, *, status=200):
    formato = request.GET.get("formato", "80")
    contexto = {
        "turno": turno,
        "formato": formato if formato in FORMATOS_REPORTE else "80",
        "puede_cerrar": turno.estado == EstadoTurno.ABIERTO and (
            turno.id_cajero == request.user.pk or request.user.has_perm(services.PERMISO_CERRAR_AJENO)
        ) and request.user.has_perm(PERMISO_TURNO),
    }
    if turno.estado == EstadoTurno.CERRADO:
        # Read from what the close stored: the report never changes after the close.
        contexto["cuentas"] = selectors.turno_cuentas_guardadas(turno=turno)
        contexto["comparacion"] = selectors.turno_diferencias_guardadas(turno=turno)
        conteo = turno.conteo_denominaciones or {}
        contexto["conteo"] = [
            (etiqueta, conteo.get(clave, 0), valor * conteo.get(clave, 0))
            for clave, valor, etiqueta in DENOMINACIONES if conteo.get(clave)
        ]
    else:
        contexto["cuentas"] = selectors.turno_cuentas(turno=turno)
    contexto["esperado"] = contexto["cuentas"].esperado
    contexto["movimientos"] = selectors.turno_movimientos(turno=turno)
    return render(request, "ventas/turno_detalle.html", contexto, status=status)


@require_GET
@permission_required("ventas.view_turno", raise_exception=True)
def turno_detalle(request, turno_id):
    """The close report of a shift (printable on 80 mm and A4); a Cajero sees only their own."""
    turno = selectors.turno_para_usuario(turno_id=turno_id, usuario=request.user)
    if turno is None:
        raise Http404("Ese turno de caja no existe o no es tuyo.")
    return _reporte(request, turno)


@require_GET
@permission_required("ventas.view_turno", raise_exception=True)
def turnos(request):
    """Shift list: everyone's for Gerente/Consulta, one's own for a Cajero; filters in the URL."""
    ver_todas = request.user.has_perm("ventas.ver_todas")
    cajeros = selectors.turnos_cajeros() if ver_todas else []
    filtro = TurnoFiltroForm(request.GET or None, cajeros=cajeros)
    if filtro.is_bound and not filtro.is_valid():
        return render(request, "ventas/turno_lista.html", {"filtro": filtro, "ver_todas": ver_todas}, status=400)
    datos = filtro.cleaned_data if filtro.is_bound else {}
    desde = datos.get("desde")
    hasta = datos.get("hasta")
    consulta = selectors.turnos_filtrar(
        usuario=request.user, id_cajero=datos.get("cajero"), estado=datos.get("estado") or "",
        desde=selectors.dia_local_limites(desde)[0] if desde else None,
        hasta=selectors.dia_local_limites(hasta)[1] if hasta else None,
    )
    pagina, filtros = paginar(request, consulta, por_pagina=25)
    return render(request, "ventas/turno_lista.html",
                  {"filtro": filtro, "ver_todas": ver_todas, "page_obj": pagina, "consulta": filtros})


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
