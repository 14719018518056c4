"""Reads of the sales history: filters, bounded count, one page, the CSV rows, a sale's page.

Every function here is a read; none writes.

Counting: the history never runs an unbounded ``COUNT(*)``. ``historial_resumen`` counts and
sums at most ``HISTORIAL_LIMITE_CONTEO + 1`` matching rows; above that the page says "más de
N" and shows no total (a narrower filter gives the exact figures). The cost of a page is then
bounded whatever the table size, and the number of SQL queries per page is constant.

The list, its count and its CSV read from ``db_lectura()`` (the read replica when configured);
a sale's page reads the primary, so a return just registered always shows on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.postgres.aggregates import StringAgg
from django.db import connections
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from clientes.models import AlumnoResponsable, Cliente
from inventario.models import MovimientoInventario, nombre_normalizado
from inventario.selectors import productos_buscar, texto_normalizar
from ventas import calculos
from ventas.models import (
    Devolucion,
    DevolucionLinea,
    EstadoPago,
    EstadoVenta,
    ModalidadVenta,
    Pago,
    Venta,
    VentaDetalle,
    VentaParcialidad,
)
from ventas.politica import PERMISO_VER_TODAS, dia_local_limites
from ventas_ingenio.roles import ROL_CAJERO, ROL_GERENTE, nombre_para_registro
from ventas_ingenio.router import DB_AUTH, DB_NEGOCIO, db_lectura

ESTADO_DEVOLUCION = "devolucion"  # filter value: completed sales with a partial return


def limite_conteo() -> int:
    return int(settings.HISTORIAL_LIMITE_CONTEO)


def solo_propias(usuario) -> bool:
    """A Cajero sees only the sales they rang up; Consulta and Gerente see everyone's."""
    return not usuario.has_perm(PERMISO_VER_TODAS)


def cajeros_para_filtro() -> list[tuple[int, str]]:
    """(id, name) of everyone who can sell (Cajero and Gerente), for the cashier filter."""
    usuarios = (
        get_user_model().objects.using(DB_AUTH).filter(groups__name__in=[ROL_CAJERO, ROL_GERENTE]).distinct()
        .order_by("first_name", "last_name", "username")
    )
    return [(u.pk, nombre_para_registro(u)) for u in usuarios]


def _metodos():
    """Payment methods of each sale as text ("efectivo, tarjeta"), computed in the same query."""
    return Subquery(
        Pago.objects.using(db_lectura()).filter(venta=OuterRef("pk")).order_by().values("venta")
        .annotate(m=StringAgg("metodo", delimiter=", ", distinct=True, order_by="metodo")).values("m")
    )


def clientes_que_coinciden(texto: str) -> QuerySet[Cliente]:
    """Ids of clients (active or not: old sales count too) whose name or surname contain every
    word ignoring accents and case ("sofia" finds Sofía), or whose email or RFC contain it, or
    who pay for an alumno with that CURP (a parent's purchases found by the child's CURP)."""
    clientes = Cliente.objects.using(db_lectura()).alias(
        nombre_sin_acentos=nombre_normalizado("nombre"), apellidos_sin_acentos=nombre_normalizado("apellidos")
    )
    for palabra in texto.split():
        normal = texto_normalizar(palabra)
        clientes = clientes.filter(
            Q(nombre_sin_acentos__contains=normal) | Q(apellidos_sin_acentos__contains=normal)
            | Q(email__icontains=palabra) | Q(rfc__icontains=palabra)
            | Q(id_cliente__in=AlumnoResponsable.objects.using(db_lectura()).filter(alumno__curp__icontains=palabra).values("cliente_id"))
        )
    return clientes.order_by().values("id_cliente")


def ventas_filtrar(*, usuario, filtros: dict) -> QuerySet[Venta]:
    """Sales matching the history's cleaned filters, newest first, limited to the user's own
    sales for a Cajero. Filters: desde/hasta (local dates, inclusive), folio (number), cliente
    (name, email, RFC or an alumno's CURP), cajero (id), estado, pago (payment state, see
    ``estado_pago_condicion``), metodo, producto (name, code or barcode)."""
    ventas = Venta.objects.using(db_lectura()).all()
    if solo_propias(usuario):
        ventas = ventas.filter(id_cajero=usuario.pk)
    desde = dia_local_limites(filtros["desde"])[0] if filtros.get("desde") else None
    hasta = dia_local_limites(filtros["hasta"])[1] if filtros.get("hasta") else None
    if desde:
        ventas = ventas.filter(fecha__gte=desde)
    if hasta:
        ventas = ventas.filter(fecha__lt=hasta)
    if filtros.get("folio"):
        ventas = ventas.filter(folio=filtros["folio"])
    if filtros.get("cliente"):
        ventas = ventas.filter(cliente__in=clientes_que_coinciden(filtros["cliente"]))
    if filtros.get("cajero"):
        ventas = ventas.filter(id_cajero=filtros["cajero"])
    estado = filtros.get("estado")
    if estado == ESTADO_DEVOLUCION:
        ventas = ventas.filter(estado=EstadoVenta.COMPLETADA, total_devuelto__gt=0)
    elif estado:
        ventas = ventas.filter(estado=estado)
    if filtros.get("pago"):
        ventas = ventas.filter(estado_pago_condicion(filtros["pago"], hoy=timezone.localdate()))
    if filtros.get("metodo"):
        ventas = ventas.filter(Exists(Pago.objects.using(db_lectura()).filter(venta=OuterRef("pk"),
                                                                              metodo=filtros["metodo"])))
    if filtros.get("producto"):
        productos = productos_buscar(texto=filtros["producto"]).order_by().values("id")
        lineas = VentaDetalle.objects.using(db_lectura()).filter(venta=OuterRef("pk"), producto__in=productos)
        if desde or hasta:
            lineas = lineas.filter(_lineas_del_periodo(desde=desde, hasta=hasta))
        ventas = ventas.filter(Exists(lineas))
    return ventas.order_by("-fecha", "-id")


# Sales that may owe: only these carry a balance (a contado sale is paid by its CHECK).
MODALIDADES_A_PLAZO = (ModalidadVenta.APARTADO, ModalidadVenta.PARCIALIDADES)


def por_cobrar_condicion() -> Q:
    """Sales still owing: exactly the predicate of ``venta_con_saldo_fecha_idx``, so PostgreSQL
    reads that small index (only what is owed today) and never the table. An expired apartado
    whose goods went back and whose money waits to be refunded (``liberado``) owes nothing."""
    return (Q(modalidad__in=MODALIDADES_A_PLAZO) & Q(pagado__lt=F("total") - F("total_devuelto"))
            & Q(liberado__isnull=True))


def estado_pago_condicion(estado: str, *, hoy: date) -> Q:
    """The sales shown with payment state ``estado`` today (``Venta.estado_pago_hoy``): the four
    states never overlap, so "pendiente" and "parcial" leave out what is already "vencido".

    "pendiente", "parcial" and "vencido" are pay-later sales still owing: they read the small
    partial index ``venta_con_saldo_fecha_idx`` (its predicate is ``por_cobrar_condicion``;
    pagado and vence in its INCLUDE). "pagado" is everything else, ~all the sales: it is
    the history's date-ordered scan minus the owing ids (a hashed anti-join over that same small
    index), so it costs about what the unfiltered history costs (docs/historial.md)."""
    al_dia = Q(vence__isnull=True) | Q(vence__gte=hoy)
    if estado == EstadoPago.VENCIDO:
        return por_cobrar_condicion() & Q(vence__lt=hoy)
    if estado == EstadoPago.PENDIENTE:
        return por_cobrar_condicion() & Q(pagado=0) & al_dia
    if estado == EstadoPago.PARCIAL:
        return por_cobrar_condicion() & Q(pagado__gt=0) & al_dia
    if estado == EstadoPago.PAGADO:
        return ~Q(pk__in=Venta.objects.using(db_lectura()).filter(por_cobrar_condicion()).values("pk"))
    raise ValueError(f"Estado de pago desconocido: {estado}")


def _lineas_del_periodo(*, desde: datetime | None, hasta: datetime | None) -> Q:
    """Lines whose sale id lies between the first and last sale of the period.

    Lines carry no date. Without this bound PostgreSQL joins every line of the matching
    products (hundreds of thousands over a year) to keep the few of the period, which grows with
    the table (bench/README.md). The sales of the period are found on the date index (two InitPlans,
    computed once), so the lines are read from their ``id_venta`` index only for that range.
    Exact whatever the ids: it only narrows; the sale's own date filter still applies.
    """
    condiciones, parametros = [], []
    if desde:
        condiciones.append("fecha >= %s")
        parametros.append(desde)
    if hasta:
        condiciones.append("fecha < %s")
        parametros.append(hasta)
    donde = " AND ".join(condiciones)
    # "+ 0": without it PostgreSQL turns MIN/MAX into a walk of the primary key from one end,
    # filtering on the date row by row, slow for a recent period; with it, it aggregates the
    # period's entries of the date index.
    # ``donde`` joins constant conditions; the dates are parameters.
    primera = RawSQL(f"SELECT MIN(id_venta + 0) FROM tra_venta WHERE {donde}", parametros)  # noqa: S608, S611
    ultima = RawSQL(f"SELECT MAX(id_venta + 0) FROM tra_venta WHERE {donde}", parametros)  # noqa: S608, S611
    return Q(venta_id__gte=primera, venta_id__lte=ultima)


@dataclass(frozen=True)
class Resumen:
    cuenta: int  # exact when ``exacto``; otherwise the bound (there are more)
    total: Decimal | None  # sum of totals, only when exact
    devuelto: Decimal | None
    exacto: bool
    limite: int
    ids: list[int]  # the requested page's sale ids, newest first


def historial_resumen(ventas: QuerySet[Venta], *, numero: int = 1, por_pagina: int = 50) -> Resumen:
    """Count, amounts and the ids of page ``numero`` of the filtered set, in one query that
    reads at most ``limite + 1`` matching rows (newest first).

    Why the page's ids come from here and not from ``ORDER BY fecha DESC LIMIT 50``: with a
    narrow filter (a client, a rare status) PostgreSQL expects the matches to be spread evenly
    and walks the date index backwards until it finds 50, which reads the whole table when
    there are fewer than 50. With ``LIMIT limite + 1`` it plans the filter first, as it should;
    a wide filter simply stops after ``limite + 1`` index entries.
    """
    limite = limite_conteo()
    interna = ventas.order_by("-fecha", "-id").values("id", "fecha", "total", "total_devuelto")[: limite + 1]
    bd = db_lectura()
    sql, parametros = interna.query.get_compiler(using=bd).as_sql()
    # Array subscripts are PostgreSQL integers: a page past the bound reads as "just past it".
    desde = min((numero - 1) * por_pagina + 1, limite + 2)
    with connections[bd].cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), SUM(s.total), SUM(s.total_devuelto), "  # noqa: S608 - ORM-compiled inner query
            f"(ARRAY_AGG(s.id_venta ORDER BY s.fecha DESC, s.id_venta DESC))[%s:%s] FROM ({sql}) AS s (id_venta, fecha, total, total_devuelto)",
            [desde, desde + por_pagina - 1, *parametros],
        )
        cuenta, total, devuelto, ids = cursor.fetchone()
    ids = ids or []
    if cuenta > limite:
        return Resumen(cuenta=limite, total=None, devuelto=None, exacto=False, limite=limite,
                       ids=ids if desde <= limite else [])
    return Resumen(cuenta=cuenta, total=total or Decimal("0.00"), devuelto=devuelto or Decimal("0.00"), exacto=True,
                   limite=limite, ids=ids)


def historial_pagina(ids: list[int]) -> list[Venta]:
    """The sales of one page (ids from ``historial_resumen``) with client and payment methods, one query."""
    if not ids:
        return []
    return list(
        Venta.objects.using(db_lectura()).filter(pk__in=ids).select_related("cliente").annotate(metodos=_metodos())
        .order_by("-fecha", "-id")
    )


def venta_existe(*, folio: int, usuario) -> bool:
    ventas = Venta.objects.using(db_lectura()).filter(folio=folio)
    if solo_propias(usuario):
        ventas = ventas.filter(id_cajero=usuario.pk)
    return ventas.exists()


def historial_filas_csv(ventas: QuerySet[Venta], *, chunk_size: int = 2000):
    """Lazy rows for the CSV, through a server-side cursor (constant memory at any size)."""
    zona = timezone.get_current_timezone()
    filas = (
        ventas.annotate(metodos=_metodos())
        .values_list("folio", "fecha", "cliente__nombre", "cliente__apellidos", "nombre_cajero", "articulos",
                     "subtotal", "descuento", "iva", "total", "total_devuelto", "metodos", "estado", "nombre_vendedor",
                     "modalidad", "pagado", "saldo", "vence", "estado_pago", "liberado")
        .iterator(chunk_size=chunk_size)
    )
    etiquetas = dict(EstadoVenta.choices)
    modalidades = dict(ModalidadVenta.choices)
    hoy = timezone.localdate()
    for (folio, fecha, nombre, apellidos, cajero, articulos, subtotal, descuento, iva, total, devuelto, metodos, estado,
         vendedor, modalidad, pagado, saldo, vence, estado_pago, liberado) in filas:
        estado_texto = etiquetas.get(estado, estado)
        if estado == EstadoVenta.COMPLETADA and devuelto:
            estado_texto += " (devolución parcial)"
        yield (
            f"V-{folio:06d}", fecha.astimezone(zona).strftime("%Y-%m-%d %H:%M:%S"), f"{nombre} {apellidos}".strip(),
            cajero, articulos, subtotal, descuento, iva, total, devuelto, metodos or "", estado_texto,
            # A sale from before salespeople were recorded was sold by its cashier.
            vendedor or cajero,
            modalidades.get(modalidad, modalidad), pagado, saldo, vence.isoformat() if vence else "",
            liberado_texto(estado=estado, pagado=pagado) if liberado else estado_pago_texto(estado_pago=estado_pago, saldo=saldo, vence=vence, hoy=hoy),
        )


# An expired apartado whose goods went back (``Venta.liberado``): the client owes nothing; what
# it paid waits to be refunded until someone cancels it. Never "Vencido · debe".
LIBERADO_TEXTO = "Liberado · por reembolsar"
LIBERADO_REEMBOLSADO_TEXTO = "Liberado · reembolsado"


def liberado_texto(*, estado: str, pagado: Decimal) -> str:
    """The payment cell of a liberated apartado: what the school still owes the client, if anything."""
    if estado == EstadoVenta.COMPLETADA and pagado > 0:
        return LIBERADO_TEXTO
    return LIBERADO_REEMBOLSADO_TEXTO


def estado_pago_hoy(*, estado_pago: str, saldo: Decimal, vence: date | None, hoy: date) -> str:
    """``Venta.estado_pago_hoy`` from plain values (the CSV reads tuples, not models)."""
    if saldo > 0 and vence is not None and vence < hoy:
        return EstadoPago.VENCIDO
    return estado_pago


def estado_pago_texto(*, estado_pago: str, saldo: Decimal, vence: date | None, hoy: date) -> str:
    """"Pagado", "Parcial", "Pendiente" or "Vencido", as the history's column and CSV say it."""
    return EstadoPago(estado_pago_hoy(estado_pago=estado_pago, saldo=saldo, vence=vence, hoy=hoy)).label


def venta_detalle(*, venta_id: int, usuario) -> Venta:
    """A sale with everything its page shows, in a fixed number of queries. Raises
    ``Venta.DoesNotExist`` if it does not exist or is another cashier's (for a Cajero)."""
    ventas = Venta.objects.using(DB_NEGOCIO).select_related("cliente", "turno")
    if solo_propias(usuario):
        ventas = ventas.filter(id_cajero=usuario.pk)
    return ventas.prefetch_related(
        Prefetch("lineas", queryset=VentaDetalle.objects.using(DB_NEGOCIO).select_related("producto").order_by("id")),
        Prefetch("pagos", queryset=Pago.objects.using(DB_NEGOCIO).order_by("id")),
        Prefetch("devoluciones", queryset=Devolucion.objects.using(DB_NEGOCIO).order_by("fecha", "id").prefetch_related(
            Prefetch("lineas", queryset=DevolucionLinea.objects.using(DB_NEGOCIO)
                     .select_related("venta_detalle__alumno").order_by("id")),
            "reembolsos",
        )),
    ).get(pk=venta_id)


def movimientos_de_venta(*, venta: Venta) -> list[MovimientoInventario]:
    """The stock movements a sale caused: the sale itself and its returns/cancellation."""
    return list(
        MovimientoInventario.objects.using(DB_NEGOCIO).filter(id_venta=venta.pk).select_related("producto")
        .order_by("fecha", "id")
    )


def rangos_rapidos(hoy: date) -> list[tuple[str, date, date]]:
    """The quick picks of the date filter: (label, from, to), local dates."""
    lunes = hoy - timedelta(days=hoy.weekday())
    return [
        ("Hoy", hoy, hoy),
        ("Ayer", hoy - timedelta(days=1), hoy - timedelta(days=1)),
        ("Esta semana", lunes, hoy),
        ("Este mes", hoy.replace(day=1), hoy),
    ]


def ventas_de_cliente(*, cliente_id: int, limite: int = 20) -> list[Venta]:
    """The client's latest sales, newest first (one query)."""
    return list(
        Venta.objects.using(DB_NEGOCIO)
        .filter(cliente_id=cliente_id)
        .only("id", "folio", "fecha", "total", "estado", "id_cajero", "nombre_cajero")
        .order_by("-fecha", "-id")[:limite]
    )


def venta_calendario(*, venta: Venta, hoy: date | None = None) -> list[calculos.ParcialidadEstado]:
    """An installment sale's schedule with each installment's state today (pagada, parcial,
    pendiente, vencida), payments applied in order (``calculos.parcialidades_aplicar``); empty
    for a sale without installments. One query."""
    if venta.modalidad != ModalidadVenta.PARCIALIDADES:
        return []
    parcialidades = list(VentaParcialidad.objects.using(DB_NEGOCIO).filter(venta_id=venta.pk).order_by("numero"))
    return calculos.parcialidades_aplicar(parcialidades=parcialidades, pagado=venta.pagado,
                                          devuelto=venta.total_devuelto, hoy=hoy or timezone.localdate())
