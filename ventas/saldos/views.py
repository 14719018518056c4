"""The client's statement (estado de cuenta) and the receivables report (cuentas por cobrar).

Who sees them (docs/decisiones.md, README's matrix): the statement, whoever may see sales
(Cajero, Gerente, Consulta): a cashier tells a parent what they owe before taking an abono, so
it lists the client's sales by every cashier; a Cajero's links go only to the sales they may
open. The receivables report, like the other reports, Gerente and Consulta.
"""

from types import SimpleNamespace

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from clientes.models import Cliente
from clientes.selectors import cliente_obtener
from ventas import politica
from ventas.historial.selectors import solo_propias
from ventas.saldos import selectors
from ventas.saldos.forms import EstadoCuentaForm, PorCobrarForm
from ventas_ingenio.csv_streaming import csv_respuesta

POR_PAGINA = 100


def _cliente(cliente_id: int) -> Cliente:
    try:
        return cliente_obtener(id_cliente=cliente_id)
    except Cliente.DoesNotExist:
        raise Http404("No existe ese cliente.") from None


@require_GET
@permission_required(politica.PERMISO_VER, raise_exception=True)
def estado_cuenta(request, cliente_id: int):
    cliente = _cliente(cliente_id)
    hoy = timezone.localdate()
    formulario = EstadoCuentaForm(request.GET, hoy=hoy)
    contexto = {"cliente": cliente, "form": formulario, "estado": None, "hoy": hoy, "generado": timezone.localtime(),
                "maximo": selectors.MOVIMIENTOS_MAXIMOS}
    if not formulario.is_valid():
        return render(request, "ventas/estado_cuenta.html", contexto, status=400)
    datos = formulario.cleaned_data
    estado = selectors.estado_de_cuenta(cliente_id=cliente.pk, desde=datos["desde"], hasta=datos["hasta"])
    contexto["estado"] = estado
    enlaces = _ventas_visibles(request.user, estado)
    contexto["enlaces"] = enlaces
    contexto["filas"] = _filas(estado, enlaces)
    return render(request, "ventas/estado_cuenta.html", contexto)


def _pesos(valor) -> str:
    return f"−${-valor:,.2f}" if valor < 0 else f"${valor:,.2f}"


def _filas(estado, enlaces) -> list[SimpleNamespace]:
    """The statement's lines already formatted: a client with a year of purchases has hundreds,
    and template filters per cell (date, money, reverse) cost more than the queries."""
    base = reverse("ventas:venta_detalle", args=[0])[:-2]  # "/ventas/" + id + "/"
    return [
        SimpleNamespace(
            fecha=timezone.localtime(m.fecha).strftime("%d/%m/%Y %H:%M"), folio=m.folio, concepto=m.concepto,
            url=f"{base}{m.venta_id}/" if enlaces is None or m.venta_id in enlaces else None,
            cargo=_pesos(m.cargo) if m.cargo else "", credito=_pesos(m.credito) if m.credito else "",
            saldo=_pesos(m.saldo),
        )
        for m in estado.movimientos
    ]


def _ventas_visibles(usuario, estado) -> set[int] | None:
    """Ids of the statement's sales the user may open (None: all). A Cajero opens only the
    sales they rang up (``historial.selectors.venta_detalle``): the others are listed, unlinked."""
    if not solo_propias(usuario):
        return None
    ids = {m.venta_id for m in estado.movimientos} | {v.pk for v in estado.ventas_por_cobrar}
    return selectors.ventas_de_cajero(ids=ids, id_cajero=usuario.pk)


class _Pagina(SimpleNamespace):
    """What ``partials/_paginacion.html`` reads."""

    def has_previous(self):
        return self.number > 1

    def has_next(self):
        return self.number < self.paginator.num_pages

    def has_other_pages(self):
        return self.paginator.num_pages > 1

    def previous_page_number(self):
        return self.number - 1

    def next_page_number(self):
        return self.number + 1


def _por_cobrar_leer(request):
    """The filters' form and the report they ask for (the page and its CSV alike); the report is
    None when the form is refused."""
    formulario = PorCobrarForm(request.GET)
    if not formulario.is_valid():
        return formulario, None
    datos = formulario.cleaned_data
    return formulario, selectors.por_cobrar_reporte(cliente=datos["cliente"], modalidad=datos["modalidad"])


def _por_cobrar_error(request, formulario):
    return render(request, "ventas/por_cobrar.html", {"form": formulario, "reporte": None}, status=400)


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def por_cobrar(request):
    formulario, reporte = _por_cobrar_leer(request)
    if reporte is None:
        return _por_cobrar_error(request, formulario)
    datos = formulario.cleaned_data
    paginas = max(1, -(-len(reporte.filas) // POR_PAGINA))
    numero = min(datos["page"], paginas)
    consulta = request.GET.copy()
    consulta.pop("page", None)
    return render(request, "ventas/por_cobrar.html", {
        "form": formulario, "reporte": reporte, "antiguedades": selectors.ANTIGUEDADES,
        "filas": reporte.filas[(numero - 1) * POR_PAGINA: numero * POR_PAGINA],
        "page_obj": _Pagina(number=numero, paginator=SimpleNamespace(num_pages=paginas)),
        "consulta": consulta.urlencode(),
    })


@require_GET
@permission_required(politica.PERMISO_REPORTES, raise_exception=True)
def por_cobrar_exportar(request):
    formulario, reporte = _por_cobrar_leer(request)
    if reporte is None:
        return _por_cobrar_error(request, formulario)
    return csv_respuesta(
        nombre_archivo=f"cuentas-por-cobrar-{reporte.hoy.isoformat()}.csv",
        encabezados=selectors.ENCABEZADOS_CSV,
        filas=selectors.por_cobrar_filas_csv(reporte),
    )
