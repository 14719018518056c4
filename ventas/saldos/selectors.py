"""Reads of what clients owe: a client's statement (estado de cuenta) and the receivables
report by age (cuentas por cobrar). Every function here is a read; none writes.

What a client owes is the sum of their sales' ``saldo`` (total − returned − pagado, stored by
PostgreSQL). ``pagado`` is the checkout's payments plus the abonos minus the refunds, so the
statement rebuilds the same figure from its movements: charges (sales, refunds given back)
minus credits (returns, payments at the checkout, abonos). The receivables read only the
pay-later sales still owing, from the partial index ``venta_con_saldo_fecha_idx``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connections
from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone

from ventas.calculos import CERO
from ventas.historial.selectors import clientes_que_coinciden, por_cobrar_condicion
from ventas.models import Abono, Devolucion, ModalidadVenta, Pago, Reembolso, Venta, VentaParcialidad
from ventas.monedero.selectors import monedero_saldo
from ventas.politica import dia_local_limites
from ventas_ingenio.router import DB_NEGOCIO, db_lectura

# A statement longer than this asks for a shorter period instead of rendering thousands of rows.
MOVIMIENTOS_MAXIMOS = 5000


# --- Estado de cuenta --------------------------------------------------------------------------


@dataclass(frozen=True)
class Movimiento:
    """One line of the statement: a charge (cargo) or a credit (abono), never both."""

    fecha: datetime
    orden: int  # same instant: the sale, then its payments, then returns and refunds
    concepto: str
    folio: str
    venta_id: int | None
    cargo: Decimal = CERO
    credito: Decimal = CERO
    saldo: Decimal = CERO  # running balance after this line (filled in order)


@dataclass
class EstadoCuenta:
    desde: date
    hasta: date
    saldo_inicial: Decimal
    movimientos: list[Movimiento]
    cargos: Decimal
    creditos: Decimal
    saldo_final: Decimal  # at the end of ``hasta``
    adeudo: Decimal  # owed now, whatever the period
    vencido: Decimal  # of which past its due date today
    monedero: Decimal  # store credit now
    demasiados: bool = False  # more than MOVIMIENTOS_MAXIMOS lines: nothing listed
    ventas_por_cobrar: list[Venta] = field(default_factory=list)


def _deuda():
    return F("total") - F("total_devuelto") - F("pagado")


def _deuda_vencida(hoy: date):
    """The part of a sale's debt already past due today. An apartado owes all of it once its
    due date has passed. An installment sale owes the installments due before today that its
    payments have not covered (payments cover installments in order), never more than its
    balance (returns cancel installments from the end): a $4,000 sale in four payments with one
    $1,000 installment late has $1,000 overdue, not its whole $3,000 balance."""
    vencidas = Subquery(
        VentaParcialidad.objects.filter(venta=OuterRef("pk"), vence__lt=hoy).order_by()
        .values("venta").annotate(suma=Sum("monto")).values("suma")
    )
    # Only a sale past its due date can owe anything overdue (an installment sale's ``vence`` is
    # its first unpaid installment), so the installments are summed only for those.
    return Case(
        When(Q(vence__lt=hoy, modalidad=ModalidadVenta.PARCIALIDADES),
             then=Greatest(Least(_deuda(), Coalesce(vencidas, Value(CERO)) - F("pagado")), Value(CERO))),
        When(vence__lt=hoy, then=_deuda()),
        default=Value(CERO),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )


def _saldo_antes(*, cliente_id: int, inicio: datetime) -> Decimal:
    """Charges − credits of everything before ``inicio``: the opening balance. Five small
    aggregate queries, each on an index (the client's sales, then their rows by sale)."""
    bd = DB_NEGOCIO
    ventas = Venta.objects.using(bd).filter(cliente_id=cliente_id, fecha__lt=inicio)
    ventas_todas = Venta.objects.using(bd).filter(cliente_id=cliente_id).values("pk")
    cifras = ventas.aggregate(
        total=Sum("total", default=CERO),
    )
    pagos = Pago.objects.using(bd).filter(venta__in=ventas.values("pk")).aggregate(s=Sum("monto", default=CERO))["s"]
    devoluciones = Devolucion.objects.using(bd).filter(venta__in=ventas_todas, fecha__lt=inicio)
    devuelto = devoluciones.aggregate(s=Sum("total", default=CERO))["s"]
    reembolsado = Reembolso.objects.using(bd).filter(devolucion__in=devoluciones.values("pk")).aggregate(
        s=Sum("monto", default=CERO))["s"]
    abonado = Abono.objects.using(bd).filter(venta__in=ventas_todas, fecha__lt=inicio).aggregate(
        s=Sum("monto", default=CERO))["s"]
    return cifras["total"] - devuelto + reembolsado - pagos - abonado


def estado_de_cuenta(*, cliente_id: int, desde: date, hasta: date) -> EstadoCuenta:
    """The client's statement for the local days ``desde``..``hasta`` (inclusive): the opening
    balance, every charge and credit of the period in time order with the running balance, and
    what is owed now (overdue part, store credit). A fixed number of queries whatever the size.

    Charges: each sale's total (cancelled ones too: their cancellation is the matching credit)
    and each refund given back. Credits: each return or cancellation, each payment at the
    checkout (the amount applied, not the cash handed over) and each abono (its amount; what
    went to store credit is not a payment of the sale). So the balance after the last line,
    for a period ending today, equals the sum of the sales' ``saldo``."""
    # The primary, not the replica: the statement is printed right after an abono at the till.
    bd = DB_NEGOCIO
    inicio, fin = dia_local_limites(desde)[0], dia_local_limites(hasta)[1]
    saldo_inicial = _saldo_antes(cliente_id=cliente_id, inicio=inicio)
    ventas_todas = Venta.objects.using(bd).filter(cliente_id=cliente_id).values("pk")
    ventas = list(Venta.objects.using(bd).filter(cliente_id=cliente_id, fecha__gte=inicio, fecha__lt=fin)
                  .only("id", "folio", "fecha", "total", "modalidad", "estado").order_by("fecha", "id")
                  [: MOVIMIENTOS_MAXIMOS + 1])
    pagos = list(Pago.objects.using(bd).filter(venta__cliente_id=cliente_id, venta__fecha__gte=inicio,
                                                 venta__fecha__lt=fin)
                 .values_list("venta_id", "venta__folio", "venta__fecha", "metodo", "monto")
                 .order_by("venta__fecha", "id")[: MOVIMIENTOS_MAXIMOS + 1])
    devoluciones = list(Devolucion.objects.using(bd).filter(venta__in=ventas_todas, fecha__gte=inicio, fecha__lt=fin)
                        .values_list("id", "folio", "venta_id", "venta__folio", "fecha", "tipo", "total")
                        .order_by("fecha", "id")[: MOVIMIENTOS_MAXIMOS + 1])
    reembolsos = list(Reembolso.objects.using(bd).filter(devolucion__venta__in=ventas_todas,
                                                          devolucion__fecha__gte=inicio, devolucion__fecha__lt=fin)
                      .values_list("devolucion__folio", "devolucion__venta_id", "devolucion__fecha", "metodo", "monto")
                      .order_by("devolucion__fecha", "id")[: MOVIMIENTOS_MAXIMOS + 1])
    abonos = list(Abono.objects.using(bd).filter(venta__in=ventas_todas, fecha__gte=inicio, fecha__lt=fin)
                  .values_list("folio", "venta_id", "venta__folio", "fecha", "metodo", "monto")
                  .order_by("fecha", "id")[: MOVIMIENTOS_MAXIMOS + 1])
    ahora = _ahora_cuentas(cliente_id=cliente_id)
    cuenta = len(ventas) + len(pagos) + len(devoluciones) + len(reembolsos) + len(abonos)
    if cuenta > MOVIMIENTOS_MAXIMOS:
        return EstadoCuenta(desde=desde, hasta=hasta, saldo_inicial=saldo_inicial, movimientos=[], cargos=CERO,
                            creditos=CERO, saldo_final=CERO, demasiados=True, **ahora)
    metodos = dict(Pago._meta.get_field("metodo").choices)
    movimientos = []
    for v in ventas:
        concepto = "Venta" if v.modalidad == ModalidadVenta.CONTADO else f"Venta ({v.get_modalidad_display().lower()})"
        movimientos.append(Movimiento(fecha=v.fecha, orden=0, concepto=concepto, folio=v.folio_texto, venta_id=v.pk,
                                      cargo=v.total))
    for venta_id, folio, fecha, metodo, monto in pagos:
        if monto:
            movimientos.append(Movimiento(fecha=fecha, orden=1, concepto=f"Pago al cobrar ({metodos.get(metodo, metodo).lower()})",
                                          folio=f"V-{folio:06d}", venta_id=venta_id, credito=monto))
    for folio, venta_id, folio_venta, fecha, metodo, monto in abonos:
        movimientos.append(Movimiento(fecha=fecha, orden=2, concepto=f"Abono ({metodos.get(metodo, metodo).lower()}) a V-{folio_venta:06d}",
                                      folio=f"A-{folio:06d}", venta_id=venta_id, credito=monto))
    for _id, folio, venta_id, folio_venta, fecha, tipo, total in devoluciones:
        concepto = "Cancelación" if tipo == "cancelacion" else "Devolución"
        if total:
            movimientos.append(Movimiento(fecha=fecha, orden=3, concepto=f"{concepto} de V-{folio_venta:06d}",
                                          folio=f"D-{folio:06d}", venta_id=venta_id, credito=total))
    for folio, venta_id, fecha, metodo, monto in reembolsos:
        movimientos.append(Movimiento(fecha=fecha, orden=4, concepto=f"Reembolso ({metodos.get(metodo, metodo).lower()})",
                                      folio=f"D-{folio:06d}", venta_id=venta_id, cargo=monto))
    movimientos.sort(key=lambda m: (m.fecha, m.orden))
    saldo = saldo_inicial
    con_saldo = []
    for m in movimientos:
        saldo += m.cargo - m.credito
        con_saldo.append(Movimiento(**{**m.__dict__, "saldo": saldo}))
    cargos = sum((m.cargo for m in movimientos), CERO)
    creditos = sum((m.credito for m in movimientos), CERO)
    return EstadoCuenta(desde=desde, hasta=hasta, saldo_inicial=saldo_inicial, movimientos=con_saldo, cargos=cargos,
                        creditos=creditos, saldo_final=saldo, **ahora)


def adeudo_de_cliente(*, cliente_id: int) -> dict:
    """Owed now, its overdue part and how many sales still owe, for the client's page. One
    query over the client's pay-later sales."""
    hoy = timezone.localdate()
    cifras = Venta.objects.using(DB_NEGOCIO).filter(por_cobrar_condicion(), cliente_id=cliente_id).aggregate(
        adeudo=Sum(_deuda(), default=CERO), vencido=Sum(_deuda_vencida(hoy), default=CERO),
        ventas=Count("id"),
    )
    return cifras


def ventas_de_cajero(*, ids: set[int], id_cajero: int) -> set[int]:
    """Which of ``ids`` the cashier rang up (one query; none without ids)."""
    if not ids:
        return set()
    return set(Venta.objects.using(DB_NEGOCIO).filter(pk__in=ids, id_cajero=id_cajero).values_list("pk", flat=True))


def _ahora_cuentas(*, cliente_id: int) -> dict:
    """Owed now, its overdue part, the sales still owing, and the store credit. Two queries."""
    hoy = timezone.localdate()
    por_cobrar = list(
        Venta.objects.using(DB_NEGOCIO).filter(por_cobrar_condicion(), cliente_id=cliente_id)
        .only("id", "folio", "fecha", "total", "total_devuelto", "pagado", "saldo", "modalidad", "vence", "estado")
        .annotate(deuda_vencida=_deuda_vencida(hoy))
        .order_by("vence", "fecha", "id")
    )
    adeudo = sum((v.saldo for v in por_cobrar), CERO)
    vencido = sum((v.deuda_vencida for v in por_cobrar), CERO)
    return {"adeudo": adeudo, "vencido": vencido, "ventas_por_cobrar": por_cobrar,
            "monedero": monedero_saldo(cliente_id=cliente_id)}


# --- Cuentas por cobrar ------------------------------------------------------------------------

# (key, label, days past due from, to) — days past due = today − vence; "al corriente": not due yet.
ANTIGUEDADES = (
    ("corriente", "Al corriente", None, 0),
    ("d0_30", "0–30 días", 1, 30),
    ("d31_60", "31–60 días", 31, 60),
    ("d61_90", "61–90 días", 61, 90),
    ("mas_90", "Más de 90 días", 91, None),
)


@dataclass(slots=True)
class FilaPorCobrar:
    cliente_id: int
    cliente: str
    email: str
    telefono: str
    ventas: int
    corriente: Decimal
    d0_30: Decimal
    d31_60: Decimal
    d61_90: Decimal
    mas_90: Decimal
    vencido: Decimal  # the four overdue buckets
    total: Decimal
    vence_mas_antiguo: date | None
    dias_atraso: int  # of the oldest overdue sale; 0 when nothing is overdue


@dataclass(frozen=True)
class ReportePorCobrar:
    hoy: date
    filas: list[FilaPorCobrar]
    totales: dict[str, Decimal]
    ventas: int

    @property
    def clientes(self) -> int:
        return len(self.filas)


def _en_antiguedad(hoy: date, desde: int | None, hasta: int | None) -> Q:
    condicion = Q()
    if desde is None:  # not due yet (vence today or later)
        return Q(vence__isnull=True) | Q(vence__gte=hoy)
    condicion &= Q(vence__lte=hoy - timedelta(days=desde))
    if hasta is not None:
        condicion &= Q(vence__gte=hoy - timedelta(days=hasta))
    return condicion


def por_cobrar_reporte(*, cliente: str = "", modalidad: str = "", hoy: date | None = None) -> ReportePorCobrar:
    """What each client owes, split by days past due (``ANTIGUEDADES``), most overdue first:
    oldest overdue due date first, then the larger overdue amount, then the name. One query:
    the owing pay-later sales come from ``venta_con_saldo_fecha_idx`` (an index-only scan:
    client, modalidad, sums and ``vence`` are in its INCLUDE), grouped by client, then joined
    to the clients' names. ``cliente`` filters as the history does (name, email, RFC, an
    alumno's CURP); ``modalidad``: "apartado" or "parcialidades"."""
    hoy = hoy or timezone.localdate()
    deuda = _deuda()
    ventas = Venta.objects.using(db_lectura()).filter(por_cobrar_condicion())
    if modalidad:
        ventas = ventas.filter(modalidad=modalidad)
    if cliente:
        ventas = ventas.filter(cliente__in=clientes_que_coinciden(cliente))
    # Each owing sale's debt and age bucket come from the index's own columns (computed once
    # per row), aggregated per client with cheap integer FILTERs, and only then joined to the
    # client's name: one query, no Django converters on the way back (bench/README.md).
    tramo = Case(*(When(_en_antiguedad(hoy, d, h), then=Value(i)) for i, (_, _, d, h) in enumerate(ANTIGUEDADES)),
                 output_field=IntegerField())
    interna = (ventas.annotate(deuda=deuda, tramo=tramo, vencida=_deuda_vencida(hoy)).order_by()
               .values("cliente_id", "vence", "deuda", "tramo", "vencida"))
    bd = db_lectura()
    sql, parametros = interna.query.get_compiler(using=bd).as_sql()
    # "Al corriente" is what is not yet due (all of a sale not past its due date, and the later
    # installments of one that is); each overdue bucket takes the overdue part of the sales
    # whose oldest unpaid due date falls in it.
    sumas = ", ".join(["COALESCE(SUM(s.deuda - s.vencida), 0)"] + [
        f"COALESCE(SUM(s.vencida) FILTER (WHERE s.tramo = {i}), 0)" for i in range(1, len(ANTIGUEDADES))])
    with connections[bd].cursor() as cursor:
        cursor.execute(
            # MATERIALIZED: each sale's overdue part (a subquery for late installment sales) is
            # computed once, not once per aggregate that reads it.
            f"WITH s (id_cliente, vence, deuda, tramo, vencida) AS MATERIALIZED ({sql}) "  # noqa: S608 - ORM-compiled inner query, constant buckets
            "SELECT a.*, c.nombre, c.apellidos, c.email, c.telefono FROM ("
            f"SELECT s.id_cliente, COUNT(*), {sumas}, MIN(s.vence) FILTER (WHERE s.tramo > 0), MIN(s.vence) "
            "FROM s GROUP BY s.id_cliente) AS a "
            "JOIN cat_cliente c ON c.id_cliente = a.id_cliente",
            parametros,
        )
        filas = cursor.fetchall()
    resultado = []
    for (cliente_id, n, corriente, d0_30, d31_60, d61_90, mas_90, vence_viejo, vence_min, nombre, apellidos, email,
         telefono) in filas:
        vencido = d0_30 + d31_60 + d61_90 + mas_90
        resultado.append(FilaPorCobrar(
            cliente_id=cliente_id, cliente=f"{nombre} {apellidos}".strip(), email=email, telefono=telefono, ventas=n,
            corriente=corriente, d0_30=d0_30, d31_60=d31_60, d61_90=d61_90, mas_90=mas_90, vencido=vencido,
            total=corriente + vencido, vence_mas_antiguo=vence_min,
            dias_atraso=(hoy - vence_viejo).days if vence_viejo else 0,
        ))
    resultado.sort(key=lambda f: (-f.dias_atraso, -f.vencido, f.cliente.lower(), f.cliente_id))
    totales = {clave: sum((getattr(f, clave) for f in resultado), CERO) for clave, *_ in ANTIGUEDADES}
    totales["total"] = sum((f.total for f in resultado), CERO)
    totales["vencido"] = sum((f.vencido for f in resultado), CERO)
    return ReportePorCobrar(hoy=hoy, filas=resultado, totales=totales, ventas=sum(f.ventas for f in resultado))


def por_cobrar_filas_csv(reporte: ReportePorCobrar):
    """The report's rows for the CSV: the same figures as the page, plus the totals row."""
    for f in reporte.filas:
        yield (f.cliente, f.email, f.telefono, f.ventas, f.corriente, f.d0_30, f.d31_60, f.d61_90, f.mas_90,
               f.vencido, f.total, f.dias_atraso, f.vence_mas_antiguo.isoformat() if f.vence_mas_antiguo else "")
    t = reporte.totales
    yield ("Total", "", "", reporte.ventas, t["corriente"], t["d0_30"], t["d31_60"], t["d61_90"], t["mas_90"],
           t["vencido"], t["total"], "", "")


ENCABEZADOS_CSV = ["Cliente", "Correo", "Teléfono", "Ventas con saldo", "Al corriente", "0–30 días", "31–60 días",
                   "61–90 días", "Más de 90 días", "Vencido", "Total por cobrar", "Días de atraso",
                   "Vence (más antiguo)"]
