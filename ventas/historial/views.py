"""The sales history, its CSV export and a sale's page.

In their own module so the point of sale's views (``views.py``) and the returns' views
do not grow into one file; the shape is the same: parse the form, read through
``ventas.historial.selectors``, render.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from cursos.selectors import inscripciones_de_venta
from ventas import politica
from ventas.apartados import selectors as apartados_selectors
from ventas.calculos import iva_por_tasa
from ventas.historial import selectors as historial
from ventas.historial.forms import HistorialForm
from ventas.models import EstadoPago, EstadoVenta, ModalidadVenta, Venta
from ventas.vendedores import selectors as vendedores_selectors
from ventas.vendedores.forms import VentaVendedorForm
from ventas_ingenio.csv_streaming import csv_respuesta

POR_PAGINA = 50
ENCABEZADOS_CSV = ["Folio", "Fecha", "Cliente", "Cajero", "Artículos", "Subtotal", "Descuento", "IVA", "Total",
                   "Devuelto", "Métodos de pago", "Estado", "Vendedor", "Modalidad", "Pagado", "Saldo", "Vence",
                   "Estado de pago"]


@dataclass
class _Pagina:
    """What ``partials/_paginacion.html`` reads from a Django Page, without Paginator's COUNT(*)."""

    number: int
    ultima: int
    exacta: bool

    @property
    def paginator(self):
        return SimpleNamespace(num_pages=self.ultima if self.exacta else None)

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.ultima

    def has_other_pages(self):
        return self.ultima > 1

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1


@dataclass
class _Fila:
    url: str
    folio: str
    fecha: str
    cliente: str
    cajero: str
    articulos: int
    total: str
    metodos: str
    estado: str
    cancelada: bool
    pago: str  # "Pagado", "Parcial · debe $1,200.00"…
    pago_clase: str  # estado_pago_hoy: the CSS class of the cell


def _filas(ventas: list[Venta]) -> list[_Fila]:
    """The page's rows already formatted: 50 rows of template filters (intcomma, date,
    reverse) cost more CPU than the two SQL queries (bench/historial.py measures the page)."""
    base = reverse("ventas:venta_detalle", args=[0])[:-2]  # "/ventas/" + id + "/"
    estados = dict(EstadoVenta.choices)
    filas = []
    hoy = timezone.localdate()
    for v in ventas:
        if v.liberado is not None:
            pago, pago_texto = "liberado", historial.liberado_texto(estado=v.estado, pagado=v.pagado)
            if pago_texto == historial.LIBERADO_TEXTO:
                pago_texto += f" ${v.pagado:,.2f}"
        else:
            pago = historial.estado_pago_hoy(estado_pago=v.estado_pago, saldo=v.saldo, vence=v.vence, hoy=hoy)
            pago_texto = EstadoPago(pago).label
            if v.saldo > 0:
                pago_texto += f" · debe ${v.saldo:,.2f}"
        estado = estados.get(v.estado, v.estado)
        if v.estado == EstadoVenta.COMPLETADA and v.total_devuelto:
            estado += " · devolución parcial"
        filas.append(_Fila(
            url=f"{base}{v.pk}/", folio=v.folio_texto, fecha=timezone.localtime(v.fecha).strftime("%d/%m/%Y %H:%M"),
            cliente=str(v.cliente), cajero=v.nombre_cajero, articulos=v.articulos, total=f"${v.total:,.2f}",
            metodos=v.metodos or "—", estado=estado, cancelada=v.estado == EstadoVenta.CANCELADA,
            pago=pago_texto, pago_clase=pago,
        ))
    return filas


def _formulario(request) -> HistorialForm:
    propias = historial.solo_propias(request.user)
    return HistorialForm(request.GET, cajeros=[] if propias else historial.cajeros_para_filtro(),
                         mostrar_cajero=not propias)


def _consulta_sin(request, *quitar) -> str:
    datos = request.GET.copy()
    for campo in quitar:
        datos.pop(campo, None)
    return datos.urlencode()


def _rangos(request):
    base = _consulta_sin(request, "desde", "hasta", "page")
    hoy = timezone.localdate()
    return [
        (etiqueta, (base + "&" if base else "") + urlencode({"desde": desde.isoformat(), "hasta": hasta.isoformat()}))
        for etiqueta, desde, hasta in historial.rangos_rapidos(hoy)
    ]


@require_GET
@permission_required(politica.PERMISO_VER, raise_exception=True)
def historial_lista(request):
    formulario = _formulario(request)
    contexto = {
        "form": formulario, "ventas": [], "resumen": None, "page_obj": None, "rangos": _rangos(request),
        "consulta": _consulta_sin(request, "page"), "solo_propias": historial.solo_propias(request.user),
    }
    if not formulario.is_valid():
        return render(request, "ventas/historial.html", contexto, status=400)
    filtros = formulario.cleaned_data
    ventas = historial.ventas_filtrar(usuario=request.user, filtros=filtros)
    numero = filtros["page"]
    resumen = historial.historial_resumen(ventas, numero=numero, por_pagina=POR_PAGINA)
    contexto["resumen"] = resumen
    ultima = max(1, -(-resumen.cuenta // POR_PAGINA))
    if filtros.get("folio") and resumen.cuenta == 0:
        folio = f"V-{filtros['folio']:06d}"
        if historial.venta_existe(folio=filtros["folio"], usuario=request.user):
            formulario.add_error("folio", f"La venta {folio} no coincide con los demás filtros.")
        else:
            formulario.add_error("folio", f"No existe la venta {folio}.")
        return render(request, "ventas/historial.html", contexto, status=404)
    if numero > ultima:
        # Past the end (an old bookmark, a hand-typed ?page=2147483648): the last page, as
        # Django's Paginator.get_page does, with a word on why.
        if resumen.exacto:
            messages.info(request, f"La página {numero:,} no existe: se muestra la última ({ultima:,}).")
        else:
            messages.info(request, f"La página {numero:,} está más allá de las primeras {resumen.limite:,} ventas que "
                                   "recorre el historial: se muestra la última; acota los filtros (fechas, cajero…) "
                                   "para llegar a las demás.")
        numero = ultima
        resumen = historial.historial_resumen(ventas, numero=numero, por_pagina=POR_PAGINA)
        contexto["resumen"] = resumen
    contexto["ventas"] = historial.historial_pagina(resumen.ids)
    contexto["filas"] = _filas(contexto["ventas"])
    contexto["page_obj"] = _Pagina(number=numero, ultima=ultima, exacta=resumen.exacto)
    return render(request, "ventas/historial.html", contexto)


@require_GET
@permission_required(politica.PERMISO_VER, raise_exception=True)
def historial_exportar(request):
    """The filtered history as CSV, streamed from a server-side cursor (constant memory)."""
    formulario = _formulario(request)
    if not formulario.is_valid():
        contexto = {"form": formulario, "ventas": [], "resumen": None, "page_obj": None, "rangos": _rangos(request),
                    "consulta": _consulta_sin(request, "page"), "solo_propias": historial.solo_propias(request.user)}
        return render(request, "ventas/historial.html", contexto, status=400)
    ventas = historial.ventas_filtrar(usuario=request.user, filtros=formulario.cleaned_data)
    return csv_respuesta(
        nombre_archivo=f"historial-ventas-{timezone.localtime():%Y%m%d-%H%M}.csv",
        encabezados=ENCABEZADOS_CSV,
        filas=historial.historial_filas_csv(ventas),
    )


@require_GET
@permission_required(politica.PERMISO_VER, raise_exception=True)
def venta_detalle(request, venta_id: int):
    try:
        venta = historial.venta_detalle(venta_id=venta_id, usuario=request.user)
    except Venta.DoesNotExist:
        # Also for another cashier's sale: a Cajero does not learn which folios exist.
        raise Http404("No existe la venta.") from None
    lineas = list(venta.lineas.all())
    pagos = list(venta.pagos.all())
    # Course lines: each seat's enrollment and where it stands in Aula (clients who pay are not
    # sent to SII or Aula any more; their alumnos are, on the alumno's page).
    inscripciones = inscripciones_de_venta(venta_id=venta.pk)
    for linea in lineas:
        linea.inscripciones_aula = inscripciones.get(linea.pk, [])
    return render(request, "ventas/venta_detalle.html", {
        "venta": venta,
        "lineas": lineas,
        "pagos": pagos,
        "cambio": sum((p.cambio for p in pagos), 0),
        "recibido": sum((p.recibido for p in pagos), 0),
        "desglose_iva": iva_por_tasa(lineas),
        "devoluciones": list(venta.devoluciones.all()),
        "movimientos": historial.movimientos_de_venta(venta=venta),
        "hay_devueltas": any(linea.cantidad_devuelta for linea in lineas),
        "calendario": historial.venta_calendario(venta=venta),
        # An apartado's state and its handover/cancellation buttons (ventas.apartados), no query.
        "apartado": {"estado": apartados_selectors.apartado_estado(venta),
                     "acciones": apartados_selectors.apartado_acciones(venta, request.user)}
        if venta.modalidad == ModalidadVenta.APARTADO else None,
        **_contexto_pago(venta),
        **_contexto_vendedor(request, venta),
    })


def _contexto_pago(venta: Venta) -> dict:
    """The "Pago y saldo" block's state. A liberated apartado (its goods back on the shelf) owes
    nothing: it says what is still to be refunded, as its history row does."""
    if venta.liberado is not None:
        texto = historial.liberado_texto(estado=venta.estado, pagado=venta.pagado)
        return {"estado_pago": "liberado", "estado_pago_texto": texto,
                "por_reembolsar": venta.pagado if texto == historial.LIBERADO_TEXTO else None}
    return {"estado_pago": venta.estado_pago_hoy, "estado_pago_texto": EstadoPago(venta.estado_pago_hoy).label,
            "por_reembolsar": None}


def _contexto_vendedor(request, venta: Venta) -> dict:
    """The sale's salesperson, and for a Gerente the form to correct it (two more queries)."""
    if not request.user.has_perm(politica.PERMISO_ASIGNAR_VENDEDOR):
        return {"vendedores": None}
    cajero = vendedores_selectors.VendedorOpcion(venta.id_cajero, venta.nombre_cajero, 0)
    otros = [v for v in vendedores_selectors.vendedores_activos() if v.id_usuario != venta.id_cajero]
    return {"vendedores": [cajero, *otros], "vendedor_form": VentaVendedorForm()}
