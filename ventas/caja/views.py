"""Point-of-sale views: the cart, the checkout, the ticket."""

from decimal import Decimal
from functools import wraps
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from clientes import services as clientes_services
from clientes.alumnos import alumno_registrar
from clientes.exceptions import ClienteError
from clientes.selectors import alumnos_buscar, clientes_buscar
from inventario.exceptions import InventarioError
from ventas import calculos, politica
from ventas.caja import cobro, plazos, selectors, services
from ventas.caja import escaneo as escaneo_services
from ventas.caja.forms import (
    AgregarProductoForm,
    AlumnoRapidoForm,
    AutorizarDescuentoForm,
    BuscarProductoForm,
    ClienteRapidoForm,
    CobroForm,
    EsperaForm,
    InscribirBuscarForm,
    InscribirForm,
    LineaForm,
    ReanudarForm,
)
from ventas.calculos import iva_por_tasa
from ventas.devoluciones import selectors as devoluciones_selectors
from ventas.exceptions import (
    AlumnoRequerido,
    ClaveCobroReutilizada,
    DescuentoNoAutorizado,
    PagoNoValido,
    PlazoNoValido,
    VentaError,
)
from ventas.models import Carrito, MetodoPago, ModalidadVenta
from ventas.monedero import selectors as monedero_selectors
from ventas.turnos import selectors as turnos_selectors
from ventas.turnos.forms import TurnoAbrirForm
from ventas.vendedores import selectors as vendedores_selectors
from ventas.vendedores import services as vendedores_services
from ventas.vendedores.forms import VendedorCajaForm
from ventas_ingenio.entradas import entero_leer, texto_limpiar

# Domain errors a POS action shows as a message on the POS.
ERRORES_DE_CAJA = (VentaError, InventarioError, ClienteError)

# Quick cash buttons under "Efectivo recibido" (bills a parent usually hands over).
BILLETES = (Decimal("50"), Decimal("100"), Decimal("200"), Decimal("500"))


class _FormularioRechazado(Exception):
    """A POS form that did not validate; ``accion_de_caja`` shows its errors."""

    def __init__(self, formulario):
        super().__init__()
        self.formulario = formulario


def es_asincrona(request) -> bool:
    """A request sent by static/js/caja.js (fetch), answered with HTML fragments of the POS
    instead of the POST/redirect/GET a plain form gets."""
    return request.headers.get("X-Requested-With") == "fetch" or request.headers.get("HX-Request") == "true"


def _datos(formulario) -> dict:
    """The form's cleaned data, or back to the POS with its errors as messages."""
    if not formulario.is_valid():
        raise _FormularioRechazado(formulario)
    return formulario.cleaned_data


def _errores(request, formulario) -> None:
    for errores in formulario.errors.values():
        for error in errores:
            messages.error(request, error)


def _a_caja(reciente: int | None = None):
    if reciente:
        return redirect(f"{reverse('ventas:caja')}?{urlencode({'reciente': reciente})}")
    return redirect("ventas:caja")


def _de_vuelta(request, **fragmentos):
    """What a POS action answers once done: the changed fragments to the script, the redirect
    to the POS to a plain form."""
    if es_asincrona(request):
        return _fragmentos(request, **fragmentos)
    return _a_caja(fragmentos.get("reciente"))


def accion_de_caja(vista):
    """A button on the POS: POST only, then the sell permission, then the body; back to the POS.

    ``require_POST`` stays outside ``permission_required`` so a GET answers 405 whoever asks.
    The body returns its own response or None (back to the POS); a form rejected through
    ``_datos`` or a domain error (``ERRORES_DE_CAJA``) becomes ``messages.error``. Back to the
    POS is the redirect (POST/redirect/GET) for a plain form and the cart's fragments for a
    request from static/js/caja.js (``es_asincrona``).
    """

    @require_POST
    @permission_required(politica.PERMISO_VENDER, raise_exception=True)
    @wraps(vista)
    def accion(request, *args, **kwargs):
        try:
            respuesta = vista(request, *args, **kwargs)
        except _FormularioRechazado as rechazo:
            _errores(request, rechazo.formulario)
            respuesta = None
        except ERRORES_DE_CAJA as error:
            messages.error(request, str(error))
            respuesta = None
        return _de_vuelta(request) if respuesta is None else respuesta

    return accion


def _por_autorizar(request, vista) -> list[str]:
    """Products whose discount passes the cashier's limit and still needs a Gerente (the same
    rule ``cobro.venta_confirmar`` applies, asked as soon as the line changes)."""
    if vista.carrito is None or vista.carrito.id_autorizo_descuento or request.user.has_perm(politica.PERMISO_AUTORIZAR):
        return []
    limite = politica.limite_descuento()
    return [
        v.linea.producto.nombre for v in vista.lineas
        if v.calculo and v.linea.descuento > calculos.a_centavos(v.calculo.bruto * limite)
    ]


def _cobro_form(vista, datos=None, errores=()) -> CobroForm:
    """The payment form; a refused one is rebuilt with what was typed and the cart's current key
    and fingerprint, so the cashier fixes the amount and charges again. ``errores``: (field,
    message) pairs the checkout refused, shown next to their field."""
    inicial = {"clave_cobro": vista.carrito.clave_cobro if vista.carrito else "", "huella": vista.huella}
    if datos is None:
        return CobroForm(initial=inicial)
    datos = datos.copy()
    datos["clave_cobro"], datos["huella"] = str(inicial["clave_cobro"]), inicial["huella"]
    datos.pop("efectivo_rapido", None)
    formulario = CobroForm(datos)
    formulario.is_valid()
    for campo, mensaje in errores:
        if mensaje not in formulario.errors.get(campo, []):
            formulario.add_error(campo, mensaje)
    return formulario


def _contexto_plazos(vista) -> dict:
    """The payment's modalities for this cart: an apartado (goods only) and, when an edition in
    the cart has a payment plan, installments. The plan costs a query, asked only when a line
    is a course seat, so a scan of goods stays as it was."""
    if vista.vacio or vista.totales.total <= 0:
        return {"plazos": None}
    # The scan's cart has no client loaded: its id says enough for the hint (the checkout decides).
    if Carrito.cliente.is_cached(vista.carrito):
        con_cliente = vista.carrito.cliente is not None and not vista.carrito.cliente.es_publico_general
    else:
        con_cliente = vista.carrito.cliente_id is not None
    total = vista.totales.total
    cursos = any(v.linea.alumno_id is not None for v in vista.lineas)  # a course seat is for an alumno
    apartado = None if cursos else plazos.plazo_apartado(total=total)
    parcialidades = plazos.plazo_parcialidades(vista=vista) if cursos else None
    return {"plazos": SimpleNamespace(
        total=total,
        con_cliente=con_cliente,
        cursos=cursos,
        apartado=apartado,
        parcialidades=parcialidades,
        saldo_apartado=total - apartado.minimo if apartado else None,
        saldo_parcialidades=total - parcialidades.minimo if parcialidades else None,
        porcentaje=(Decimal(str(settings.APARTADO_ANTICIPO_MINIMO)) * 100).normalize(),
        dias=settings.APARTADO_DIAS,
    )}


def _campo_del_error(mensaje: str) -> str:
    """Where a checkout refusal of a pay-later sale goes on the form."""
    texto = mensaje.lower()
    if "anticipo" in texto:
        return "anticipo"
    if "cliente" in texto or "apartado" in texto or "plan" in texto:
        return "modalidad"
    return "efectivo_recibido"


def _contexto_estado(request, vista, **extra) -> dict:
    """What the lines, the totals, the authorisation and the payment's state need (a scan's
    answer draws only these)."""
    por_autorizar = _por_autorizar(request, vista)
    motivo = vista.motivo_no_cobrar
    if not motivo and por_autorizar:
        motivo = f"Falta que un gerente autorice el descuento de {', '.join(por_autorizar)}."
    contexto = {
        "vista": vista,
        "motivo_no_cobrar": motivo,
        "por_autorizar": por_autorizar,
        "autorizar_form": AutorizarDescuentoForm() if por_autorizar else None,  # drawn only then
        "cantidad_maxima": politica.CANTIDAD_MAXIMA,
        "limite_descuento_pct": int(politica.limite_descuento() * 100),
        "reciente": None,
        **_contexto_plazos(vista),
    }
    contexto.update(extra)
    return contexto


def _contexto_carrito(request, vista, **extra) -> dict:
    """What the cart, the totals and the payment need (the whole page and the fragments)."""
    total = vista.totales.total
    contexto = _contexto_estado(
        request, vista,
        cobro_form=_cobro_form(vista),
        billetes=[(b, b < total) for b in BILLETES],
        puede_autorizar=request.user.has_perm(politica.PERMISO_AUTORIZAR),
    )
    contexto.update(extra)
    return contexto


def _contexto_vendedor(request, vista) -> dict:
    """The "Vendedor" panel: who sells this cart and whom the cashier may name (one query per
    database). Drawn on the whole page, and in the fragments only when the salesperson may have
    changed (naming one, or a sale done: the next cart is the cashier's)."""
    vendedor_id, vendedor_nombre = vendedores_selectors.vendedor_de_carrito(carrito=vista.carrito, cajero=request.user)
    return {
        "vendedor_id": vendedor_id,
        "vendedor_nombre": vendedor_nombre,
        "vendedores": vendedores_selectors.vendedores_para_caja(cajero=request.user),
        "vendedor_form": VendedorCajaForm(auto_id="vendedor_%s"),  # ids apart from the discount form's
        "puede_asignar_vendedor": request.user.has_perm(politica.PERMISO_ASIGNAR_VENDEDOR),
    }


def _fragmentos(request, vista=None, **extra):
    """The parts of the POS an action changed, for static/js/caja.js to swap by id (``vista``:
    the cart when the caller knows it, else it is read)."""
    if extra.get("con_cliente"):
        extra.setdefault("cliente_form", ClienteRapidoForm())
    if vista is None:
        vista = selectors.carrito_de_cajero(cajero=request.user)
    venta = extra.get("venta_hecha")
    if venta is not None and venta.id_vendedor != request.user.pk:
        extra["con_vendedor"] = True  # the next cart is sold by the cashier again
    if extra.get("con_vendedor"):
        extra.update(_contexto_vendedor(request, vista))
    respuesta = render(request, "ventas/partials/_caja_fragmentos.html", _contexto_carrito(request, vista, **extra))
    respuesta["X-Caja-Fragmentos"] = "1"
    return respuesta


def _fragmentos_escaneo(request, escaneo, **extra):
    """A scan's answer to static/js/caja.js: the scanned line, the totals and the payment's
    state, drawn from the cart the service read under its lock (no second read of the cart).

    The rest of the cart stays as the page shows it, which is only right if the page shows the
    cart as it was before the scan: the script sends the fingerprint it holds (``huella``) and,
    when it is not the cart's own (another tab changed the cart, or the page is not the
    script's), or the scan started the cart (its buttons appear with the first line), the
    whole cart goes instead."""
    vista = selectors.carrito_vista(carrito=escaneo.carrito, lineas=escaneo.lineas)
    linea_vista = next(v for v in vista.lineas if v.linea.pk == escaneo.linea.pk)
    carrito_entero = (
        (escaneo.linea_nueva and len(escaneo.lineas) == 1) or request.POST.get("huella") != escaneo.huella_antes
    )
    contexto = _contexto_estado(
        request, vista, reciente=escaneo.linea.pk, linea_vista=linea_vista, carrito_entero=carrito_entero, **extra
    )
    respuesta = render(request, "ventas/partials/_caja_escaneo.html", contexto)
    respuesta["X-Caja-Fragmentos"] = "1"
    return respuesta


def _pagina_caja(request, **extra):
    """The whole POS page (or the shift opening when there is no shift)."""
    turno_actual = turnos_selectors.turno_abierto(cajero=request.user)
    if turno_actual is None:
        # Nothing can be charged without a shift: the POS asks for one first (the cart, if
        # any, waits on the server and comes back once the shift is open).
        return render(request, "ventas/caja_sin_turno.html", {"form": TurnoAbrirForm()})
    vista = selectors.carrito_de_cajero(cajero=request.user)
    texto = texto_limpiar(request.GET.get("q"), maximo=100)
    contexto = _contexto_carrito(
        request, vista,
        texto=texto,
        coincidencias=selectors.productos_para_caja(texto=texto) if texto else [],
        en_espera=selectors.carritos_en_espera(cajero=request.user),
        buscar_form=BuscarProductoForm(),
        cliente_form=ClienteRapidoForm(),
        turno=turno_actual,
        turno_de_otro_dia=turnos_selectors.turno_de_otro_dia(turno_actual),
        reciente=entero_leer(request.GET.get("reciente"), minimo=1),
    )
    contexto.update(_contexto_cliente(request))
    contexto.update(_contexto_vendedor(request, vista))
    producto_id = entero_leer(request.GET.get("inscribir"), minimo=1)
    if producto_id is not None and "inscribir" not in extra:
        contexto.update(_contexto_inscribir(
            request, producto_id=producto_id, texto=texto_limpiar(request.GET.get("alumno"), maximo=100), vista=vista))
    contexto.update(extra)
    return render(request, "ventas/caja.html", contexto)


@require_GET
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def caja(request):
    return _pagina_caja(request)


def _contexto_cliente(request):
    """Client search on the POS: name, email or CURP."""
    texto = texto_limpiar(request.GET.get("cliente"), maximo=100)
    encontrados = list(clientes_buscar(texto=texto)[:10]) if texto else []
    return {"texto_cliente": texto, "clientes_encontrados": encontrados}


def _agregado(request, linea) -> None:
    messages.success(request, f"Agregado: {linea.producto.nombre} (${linea.producto.precio:,.2f}) · {linea.cantidad} en el carrito")


@accion_de_caja
def agregar(request):
    """A scan or a typed code adds one unit; anything else becomes a name search. An edition of a
    course adds nothing by itself: it opens the alumno picker (each seat is for one alumno)."""
    try:
        return _agregar(request)
    except AlumnoRequerido as pendiente:
        return _al_selector(request, producto_id=pendiente.producto_id, aviso=str(pendiente))


def _agregar(request):
    texto = _datos(BuscarProductoForm(request.POST))["texto"]
    if es_asincrona(request):
        # The scanner's path: the product is found and added in one statement.
        escaneo = escaneo_services.carrito_escanear(cajero=request.user, texto=texto)
        if escaneo is not None:
            _agregado(request, escaneo.linea)
            return _fragmentos_escaneo(request, escaneo)
        producto = None
    else:
        producto = selectors.producto_por_codigo(texto=texto)
    if producto is None:
        if texto.isdigit() and texto.isascii():
            # Digits only: a barcode the catalog does not know (searching it by name helps nobody).
            messages.error(request, f"No se encontró {texto}")
            return None
        if es_asincrona(request):
            return _fragmentos(request, texto=texto, coincidencias=selectors.productos_para_caja(texto=texto),
                               con_coincidencias=True)
        return redirect(f"{reverse('ventas:caja')}?{urlencode({'q': texto})}")
    linea = services.carrito_agregar(cajero=request.user, producto_id=producto.pk)
    _agregado(request, linea)
    return _a_caja(linea.pk)


@accion_de_caja
def agregar_producto(request):
    producto_id = _datos(AgregarProductoForm(request.POST))["producto"]
    try:
        linea = services.carrito_agregar(cajero=request.user, producto_id=producto_id)
    except AlumnoRequerido as pendiente:
        return _al_selector(request, producto_id=pendiente.producto_id, aviso=str(pendiente), con_coincidencias=True,
                            coincidencias=[])
    _agregado(request, linea)
    return _de_vuelta(request, reciente=linea.pk, con_coincidencias=True, coincidencias=[])


# --- Course seats: the alumno picker ------------------------------------------------------


def _contexto_inscribir(request, *, producto_id: int, texto: str = "", alumno_form=None, vista=None) -> dict:
    """The picker for one edition: the cart client's alumnos first, then what the search found,
    and the form to register one in place. Nothing when the product is not an edition."""
    edicion = selectors.edicion_para_caja(producto_id=producto_id)
    if edicion is None:
        return {}
    vista = vista or selectors.carrito_de_cajero(cajero=request.user)
    cliente = vista.carrito.cliente if vista.carrito else None
    paga = cliente if cliente is not None and not cliente.es_publico_general else None
    en_carrito = {v.linea.alumno_id for v in vista.lineas if v.linea.producto_id == producto_id}
    alumnos = alumnos_buscar(texto=texto, responsable_id=paga.pk if paga else None, limite=10)
    return {
        "inscribir": {
            "edicion": edicion, "texto": texto, "paga": paga, "en_carrito": en_carrito,
            "alumnos": [a for a in alumnos if a.pk not in en_carrito],
            "form": alumno_form or AlumnoRapidoForm(initial={"producto": producto_id}),
        },
    }


def _al_selector(request, *, producto_id: int, texto: str = "", alumno_form=None, aviso: str = "", reciente=None,
                 **extra):
    """Back to the POS with the picker open for ``producto_id``: its fragment to the script, the
    page (POST/redirect/GET) to a plain form; a register form with errors is drawn in place."""
    if aviso:
        messages.info(request, aviso)
    if es_asincrona(request):
        contexto = _contexto_inscribir(request, producto_id=producto_id, texto=texto, alumno_form=alumno_form)
        return _fragmentos(request, con_inscribir=True, reciente=reciente, **contexto, **extra)
    if alumno_form is not None:
        return _pagina_caja(request, **_contexto_inscribir(request, producto_id=producto_id, alumno_form=alumno_form))
    parametros = {"inscribir": producto_id}
    if texto:
        parametros["alumno"] = texto
    if reciente:
        parametros["reciente"] = reciente
    return redirect(f"{reverse('ventas:caja')}?{urlencode(parametros)}")


def _inscrito(request, linea) -> None:
    messages.success(request, f"Inscripción: {linea.alumno} en {linea.producto.nombre} (${linea.producto.precio:,.2f})")


@accion_de_caja
def inscribir(request):
    """One seat of the edition for the picked alumno; the picker stays open (a sibling next)."""
    datos = _datos(InscribirForm(request.POST))
    try:
        linea = services.carrito_inscribir(cajero=request.user, producto_id=datos["producto"], alumno_id=datos["alumno"])
    except ERRORES_DE_CAJA as error:
        messages.error(request, str(error))
        return _al_selector(request, producto_id=datos["producto"])
    _inscrito(request, linea)
    return _al_selector(request, producto_id=datos["producto"], reciente=linea.pk)


@accion_de_caja
def inscribir_buscar(request):
    datos = _datos(InscribirBuscarForm(request.POST))
    return _al_selector(request, producto_id=datos["producto"], texto=datos["texto"])


@accion_de_caja
@permission_required("clientes.add_cliente", raise_exception=True)
def inscribir_nuevo(request):
    """Register an alumno paid for by the cart's client and give them the seat. A refused form
    comes back in the picker with what was typed and the error next to its field."""
    formulario = AlumnoRapidoForm(request.POST)
    producto_id = entero_leer(request.POST.get("producto"), minimo=1)
    if producto_id is None:
        messages.error(request, "Edición no válida.")
        return None
    vista = selectors.carrito_de_cajero(cajero=request.user)
    cliente = vista.carrito.cliente if vista.carrito else None
    if cliente is None or cliente.es_publico_general:
        formulario.is_valid()
        formulario.add_error(None, "Elige primero al cliente que paga (no puede ser Público en general).")
    elif formulario.is_valid():
        datos = formulario.cleaned_data
        try:
            alumno = alumno_registrar(
                nombre=datos["nombre"], apellidos=datos["apellidos"], curp=datos["curp"] or None,
                fecha_nacimiento=datos["fecha_nacimiento"], responsable=cliente, parentesco=datos["parentesco"],
            )
        except ClienteError as error:
            formulario.add_error(error.campo if error.campo in formulario.fields else None, error.mensaje)
        else:
            messages.success(request, f"Alumno {alumno} registrado.")
            try:
                linea = services.carrito_inscribir(cajero=request.user, producto_id=producto_id, alumno_id=alumno.pk)
            except ERRORES_DE_CAJA as error:
                messages.error(request, str(error))
                return _al_selector(request, producto_id=producto_id)
            _inscrito(request, linea)
            return _al_selector(request, producto_id=producto_id, reciente=linea.pk)
    messages.error(request, "Revisa los datos del alumno nuevo.")
    return _al_selector(request, producto_id=producto_id, alumno_form=formulario)


@accion_de_caja
def linea_cambiar(request, linea_id):
    datos = _datos(LineaForm(request.POST))
    linea = services.carrito_linea_cambiar(
        cajero=request.user, linea_id=linea_id, cantidad=datos["cantidad"], descuento=datos["descuento"],
    )
    vista = selectors.carrito_de_cajero(cajero=request.user)
    if linea.producto.nombre in _por_autorizar(request, vista):
        messages.warning(request, str(DescuentoNoAutorizado(
            producto=linea.producto.nombre, limite_pct=int(politica.limite_descuento() * 100))))
    return _de_vuelta(request, reciente=linea.pk)


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
        return _de_vuelta(request, con_cliente=True)
    services.carrito_cliente_asignar(cajero=request.user, cliente_id=cliente_id)
    return _de_vuelta(request, con_cliente=True)


@accion_de_caja
@permission_required("clientes.add_cliente", raise_exception=True)
def cliente_registrar(request):
    """Register who pays in place (a person or a company; nothing goes to SII or Aula).

    A refused form (or an RFC or email the clients service refuses) comes back with what was
    typed and the error next to its field, the form still open."""
    formulario = ClienteRapidoForm(request.POST)
    if formulario.is_valid():
        datos = formulario.cleaned_data
        try:
            cliente = clientes_services.cliente_registrar(
                tipo=datos["tipo"], nombre=datos["nombre"], apellidos=datos["apellidos"], email=datos["email"],
                telefono=datos["telefono"], rfc=datos["rfc"],
            )
        except ClienteError as error:
            formulario.add_error(error.campo if error.campo in formulario.fields else None, error.mensaje)
        else:
            services.carrito_cliente_asignar(cajero=request.user, cliente_id=cliente.pk)
            messages.success(request, f"Cliente {cliente} registrado.")
            return _de_vuelta(request, con_cliente=True)
    messages.error(request, "Revisa los datos del cliente nuevo.")
    if es_asincrona(request):
        return _fragmentos(request, con_cliente=True, cliente_form=formulario, abrir_cliente=True)
    return _pagina_caja(request, cliente_form=formulario, abrir_cliente=True)


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
def vendedor_asignar(request):
    """Name who sells this cart. Someone other than the cashier needs a Gerente: the one at the
    till, or one who types their username and password here."""
    formulario = VendedorCajaForm(request.POST)
    vendedor = _datos(formulario)["vendedor"]
    autorizador = None
    if vendedor != request.user.pk:
        autorizador = politica.autorizador_obtener(
            request=request, credenciales=formulario.credenciales(), permiso=politica.PERMISO_ASIGNAR_VENDEDOR,
            que=vendedores_services.QUE, detalle=f"vendedor del carrito de {request.user.username}",
        )
        if autorizador is None and request.user.has_perm(politica.PERMISO_ASIGNAR_VENDEDOR):
            autorizador = request.user
    carrito = vendedores_services.carrito_vendedor_asignar(cajero=request.user, id_vendedor=vendedor,
                                                          autorizador=autorizador)
    if carrito.id_vendedor is None:
        messages.success(request, "La venta queda a nombre de quien cobra.")
    else:
        messages.success(request, f"Vendedor: {carrito.nombre_vendedor} (asignó {carrito.nombre_autorizo_vendedor}).")
    return _de_vuelta(request, con_vendedor=True)


@accion_de_caja
def poner_en_espera(request):
    nota = _datos(EsperaForm(request.POST))["nota"]
    services.carrito_poner_en_espera(cajero=request.user, nota=nota)
    messages.success(request, "Venta puesta en espera.")


@accion_de_caja
def reanudar(request, carrito_id):
    """Resume a parked sale; if the current cart has lines, the form says what to do with it
    (park it or empty it): without that answer nothing changes and the POS asks."""
    actual = _datos(ReanudarForm(request.POST))["actual"]
    vista = selectors.carrito_de_cajero(cajero=request.user)
    if not vista.vacio and not actual:
        messages.warning(request, "La venta actual tiene productos: elige si la pones en espera o la vacías.")
        return None
    services.carrito_reanudar(cajero=request.user, carrito_id=carrito_id, actual=actual or ReanudarForm.ESPERA)
    messages.success(request, "Venta reanudada." if actual != ReanudarForm.VACIAR else "Venta anterior vaciada; venta reanudada.")


@accion_de_caja
def cobrar(request):
    """Charge the cart. Done: the ticket (a plain form) or the post-sale panel with the change
    (static/js/caja.js). Refused: the POS again with what was typed in the payment."""
    formulario = CobroForm(request.POST)
    errores = []
    if formulario.is_valid():
        datos = formulario.cleaned_data
        pagos = [
            cobro.PagoDatos(metodo=MetodoPago.TARJETA, monto=datos["tarjeta_monto"], referencia=datos["tarjeta_referencia"]),
            cobro.PagoDatos(
                metodo=MetodoPago.TRANSFERENCIA, monto=datos["transferencia_monto"],
                referencia=datos["transferencia_referencia"],
            ),
            cobro.PagoDatos(metodo=MetodoPago.MONEDERO, monto=datos["monedero_monto"]),
        ]
        try:
            plazo = plazos.plazo_elegir(vista=selectors.carrito_de_cajero(cajero=request.user),
                                        modalidad=datos["modalidad"], anticipo=datos["anticipo"]) \
                if datos["modalidad"] != ModalidadVenta.CONTADO else None
            venta, creada = cobro.venta_confirmar(
                cajero=request.user, clave_cobro=datos["clave_cobro"], huella=datos["huella"],
                pagos=pagos, efectivo_recibido=datos["efectivo_recibido"], plazo=plazo,
            )
        except PlazoNoValido as rechazo:
            messages.error(request, str(rechazo))
            errores.append((rechazo.campo, str(rechazo)))
        except ClaveCobroReutilizada as error:
            # Caught here, before ``accion_de_caja`` would: a reused key gets its own page (422),
            # not a message on the POS (the script shows it in the scan log).
            if es_asincrona(request):
                messages.error(request, str(error))
                return _fragmentos(request)
            return render(request, "ventas/cobro_rechazado.html", {"mensaje": str(error)}, status=422)
        except ERRORES_DE_CAJA as error:
            messages.error(request, str(error))
            if datos["modalidad"] != ModalidadVenta.CONTADO and isinstance(error, PagoNoValido):
                errores.append((_campo_del_error(str(error)), str(error)))
        else:
            if creada:
                messages.success(request, f"Venta {venta.folio_texto} registrada.")
            if es_asincrona(request):
                # The checkout deleted the charged cart: the next one starts empty.
                return _fragmentos(request, vista=selectors.CarritoVista(carrito=None), venta_hecha=venta,
                                   cambio=selectors.venta_cambio(venta),
                                   efectivo_recibido=datos["efectivo_recibido"])
            return redirect("ventas:ticket", venta_id=venta.pk)
    else:
        _errores(request, formulario)
    vista = selectors.carrito_de_cajero(cajero=request.user)
    if es_asincrona(request):
        return _fragmentos(request, cobro_form=_cobro_form(vista, request.POST, errores), con_cobro=True)
    if turnos_selectors.turno_abierto(cajero=request.user) is None:
        return _a_caja()  # no shift: the POS asks for one (what was typed no longer matters)
    return _pagina_caja(request, cobro_form=_cobro_form(vista, request.POST, errores))


@require_GET
@permission_required(politica.PERMISO_VENDER, raise_exception=True)
def buscar(request):
    """Name matches for the POS search box (JSON, used by static/js/caja.js)."""
    productos = selectors.productos_para_caja(texto=texto_limpiar(request.GET.get("q"), maximo=100))
    return JsonResponse(
        {
            "productos": [
                {"id": p.pk, "codigo": p.codigo, "nombre": p.nombre, "precio": f"{p.precio:.2f}",
                 "existencia": p.existencia, "activo": p.activo, "curso": p.tipo == "curso"}
                for p in productos
            ],
            "hay_mas": productos.hay_mas,
            "parecidos": productos.parecidos,
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
            # The store credit used and the balance it left; no query for a sale without it.
            "pago_monedero": monedero_selectors.monedero_de_venta(venta_id=venta.pk)
            if any(p.metodo == MetodoPago.MONEDERO for p in venta.pagos.all()) else None,
            # Links to reprint its return tickets; no query for the (usual) sale without returns.
            "devoluciones": devoluciones_selectors.devoluciones_de_venta(venta_id=venta.pk)
            if venta.total_devuelto or venta.cancelada else [],
            "formato": formato if formato in ("58", "80", "a4") else "80",
            # A sale paid over time: its schedule (one query, only for such a sale).
            "parcialidades": list(venta.parcialidades.all()) if venta.modalidad == ModalidadVenta.PARCIALIDADES else [],
            "politica_apartado": settings.APARTADO_POLITICA_DINERO,
        },
    )
