"""Sales (``tra_venta``, ``tra_venta_det``, ``tra_pago``) and the cashiers' server-side carts.

``tra_venta`` and ``tra_venta_det`` keep the first version's names (``id_venta``,
``id_cliente``, ``fecha``; ``id_venta_det``, ``id_venta``, ``id_producto``, ``cantidad``,
``descuento``). A sale is written once, by ``ventas.caja.cobro.venta_confirmar``, and never
deleted. The cashier and whoever authorised a discount live in the auth database: their id
and a snapshot of their name are kept, no foreign key.
"""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ventas.calculos import CERO
from ventas.politica import CANTIDAD_MAXIMA


def _dinero(nombre, **extra):
    return models.DecimalField(nombre, max_digits=12, decimal_places=2, **extra)


class EstadoTurno(models.TextChoices):
    ABIERTO = "abierto", "Abierto"
    CERRADO = "cerrado", "Cerrado"


class Turno(models.Model):
    """A cashier's shift at the cash drawer (corte de caja).

    Every sale, refund and cash movement belongs to the open shift of whoever rang it up;
    a cashier has at most one open shift. Closing stores what the system expected and what
    the cashier counted per method, so the printed close stays readable (and unchanged) later.
    """

    id = models.BigAutoField(primary_key=True, db_column="id_turno")
    id_cajero = models.IntegerField("id del cajero")
    nombre_cajero = models.CharField("cajero", max_length=150)
    estado = models.CharField("estado", max_length=8, choices=EstadoTurno.choices, default=EstadoTurno.ABIERTO)
    abierto = models.DateTimeField("apertura", db_default=models.functions.Now())
    cerrado = models.DateTimeField("cierre", null=True, blank=True)
    fondo_inicial = _dinero("fondo inicial")
    # Filled when the shift is closed.
    efectivo_esperado = _dinero("efectivo esperado", null=True, blank=True)
    efectivo_contado = _dinero("efectivo contado", null=True, blank=True)
    tarjeta_esperado = _dinero("tarjeta esperado", null=True, blank=True)
    tarjeta_reportado = _dinero("tarjeta reportado", null=True, blank=True)
    transferencia_esperado = _dinero("transferencia esperado", null=True, blank=True)
    transferencia_reportado = _dinero("transferencia reportado", null=True, blank=True)
    # {"500": 2, "0.50": 3}: how the cash was counted, when counted by denomination.
    conteo_denominaciones = models.JSONField("conteo por denominación", null=True, blank=True)
    # What went through the drawer when it was closed (sales and payments per method, refunds,
    # deposits, withdrawals: ``ventas.calculos.CuentasTurno.a_json``). The printed close is
    # read from here, never recomputed, so it reads the same years later.
    resumen_cierre = models.JSONField("resumen del cierre", null=True, blank=True)
    nota_cierre = models.CharField("nota del cierre", max_length=255, blank=True)
    id_autorizo_diferencia = models.IntegerField("id de quien autorizó la diferencia", null=True, blank=True)
    nombre_autorizo_diferencia = models.CharField("autorizó la diferencia", max_length=150, blank=True)
    id_cerro = models.IntegerField("id de quien cerró", null=True, blank=True)
    nombre_cerro = models.CharField("cerró", max_length=150, blank=True)

    class Meta:
        db_table = "tra_turno"
        ordering = ["-abierto", "-id"]
        verbose_name = "turno de caja"
        verbose_name_plural = "turnos de caja"
        permissions = [("autorizar_diferencia", "Puede autorizar diferencias al cerrar un turno")]
        constraints = [
            models.UniqueConstraint(fields=["id_cajero"], condition=Q(estado="abierto"),
                                    name="turno_uno_abierto_por_cajero"),
            models.CheckConstraint(condition=Q(fondo_inicial__gte=0), name="turno_fondo_no_negativo"),
            models.CheckConstraint(
                condition=Q(efectivo_contado__gte=0) & Q(tarjeta_reportado__gte=0) & Q(transferencia_reportado__gte=0)
                | Q(estado="abierto"),
                name="turno_conteo_no_negativo",
            ),
            models.CheckConstraint(
                condition=(
                    Q(estado="abierto", cerrado__isnull=True, efectivo_contado__isnull=True)
                    | Q(estado="cerrado", cerrado__isnull=False, efectivo_contado__isnull=False,
                        efectivo_esperado__isnull=False, tarjeta_esperado__isnull=False,
                        tarjeta_reportado__isnull=False, transferencia_esperado__isnull=False,
                        transferencia_reportado__isnull=False)
                ),
                name="turno_cierre_completo",
            ),
            models.CheckConstraint(condition=Q(estado="abierto") | Q(resumen_cierre__isnull=False),
                                   name="turno_cierre_con_resumen"),
        ]
        indexes = [models.Index(F("id_cajero"), F("abierto").desc(), name="turno_cajero_abierto_idx")]

    def __str__(self):
        return f"Turno {self.pk} · {self.nombre_cajero}"

    @property
    def diferencia_efectivo(self) -> Decimal | None:
        """Counted − expected cash of a closed shift (negative: cash missing)."""
        if self.efectivo_contado is None or self.efectivo_esperado is None:
            return None
        return self.efectivo_contado - self.efectivo_esperado


class TipoMovimientoCaja(models.TextChoices):
    RETIRO = "retiro", "Retiro"
    DEPOSITO = "deposito", "Depósito"


class MovimientoCaja(models.Model):
    """Cash put into or taken out of the drawer during a shift, with a reason."""

    id = models.BigAutoField(primary_key=True, db_column="id_movimiento_caja")
    turno = models.ForeignKey(Turno, on_delete=models.PROTECT, db_column="id_turno", related_name="movimientos")
    tipo = models.CharField("tipo", max_length=8, choices=TipoMovimientoCaja.choices)
    monto = _dinero("monto")
    motivo = models.CharField("motivo", max_length=200)
    fecha = models.DateTimeField("fecha", db_default=models.functions.Now())
    id_usuario = models.IntegerField("id de usuario")
    nombre_usuario = models.CharField("usuario", max_length=150)

    class Meta:
        db_table = "tra_movimiento_caja"
        ordering = ["fecha", "id"]
        verbose_name = "movimiento de caja"
        verbose_name_plural = "movimientos de caja"
        constraints = [
            models.CheckConstraint(condition=Q(monto__gt=0), name="movimiento_caja_monto_positivo"),
            models.CheckConstraint(condition=~Q(motivo=""), name="movimiento_caja_con_motivo"),
        ]

    def __str__(self):
        return f"{self.get_tipo_display()} {self.monto}"


class EstadoVenta(models.TextChoices):
    COMPLETADA = "completada", "Completada"
    CANCELADA = "cancelada", "Cancelada"


class MetodoPago(models.TextChoices):
    EFECTIVO = "efectivo", "Efectivo"
    TARJETA = "tarjeta", "Tarjeta"
    TRANSFERENCIA = "transferencia", "Transferencia"
    # Store credit (the client's customer account): never cash, never in the drawer.
    MONEDERO = "monedero", "Saldo a favor"


class ModalidadVenta(models.TextChoices):
    CONTADO = "contado", "De contado"
    # Goods set aside with a down payment until paid and handed over (or expired).
    APARTADO = "apartado", "Apartado"
    # Paid over time by a schedule (``VentaParcialidad``): course installments.
    PARCIALIDADES = "parcialidades", "En parcialidades"


class EstadoPago(models.TextChoices):
    """What ``Venta.estado_pago`` stores (from its sums), plus "vencido": a sale still owing
    after its ``vence`` date. Vencido depends on today's date, not on a write, so it is read
    from the stored ``vence`` (``Venta.estado_pago_hoy``, the selectors' filters) instead of
    being stored and going stale overnight."""

    PENDIENTE = "pendiente", "Pendiente"
    PARCIAL = "parcial", "Parcial"
    PAGADO = "pagado", "Pagado"
    VENCIDO = "vencido", "Vencido"


# Stored on every sale from its own sums: nothing paid, some paid, nothing owed.
_ESTADO_PAGO_EXPRESION = models.Case(
    models.When(Q(pagado=F("total") - F("total_devuelto")), then=models.Value(EstadoPago.PAGADO.value)),
    models.When(Q(pagado=0), then=models.Value(EstadoPago.PENDIENTE.value)),
    default=models.Value(EstadoPago.PARCIAL.value),
)


class Venta(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_venta")
    # Numbered by the sequence tra_venta_folio_seq (migration 0001); shown as V-000123.
    folio = models.BigIntegerField(
        "folio", unique=True, db_default=models.Func(models.Value("tra_venta_folio_seq"), function="nextval")
    )
    # Indexed by venta_cliente_fecha_idx below (id_cliente leads it), not by a plain FK index.
    cliente = models.ForeignKey(
        "clientes.Cliente", on_delete=models.PROTECT, db_column="id_cliente", related_name="ventas", db_index=False
    )
    # Indexed by the history's indexes below (fecha leads them), not by a plain one.
    fecha = models.DateTimeField("fecha", db_default=models.functions.Now())
    # One-time key of the checkout form: a repeated POST finds this sale instead of selling twice.
    clave_cobro = models.UUIDField("clave de cobro", unique=True)
    huella_carrito = models.CharField("huella del carrito", max_length=64)
    id_cajero = models.IntegerField("id del cajero")
    nombre_cajero = models.CharField("cajero", max_length=150)
    id_autorizo_descuento = models.IntegerField("id de quien autorizó descuentos", null=True, blank=True)
    nombre_autorizo_descuento = models.CharField("autorizó descuentos", max_length=150, blank=True)
    # Who sold it (the cashier unless a Gerente assigned another salesperson) and the
    # commission percentage in force at the time of the sale.
    id_vendedor = models.IntegerField("id del vendedor", null=True, blank=True)
    nombre_vendedor = models.CharField("vendedor", max_length=150, blank=True, db_default="")
    comision_porcentaje = models.DecimalField("comisión (%)", max_digits=5, decimal_places=2,
                                              db_default=Decimal("0"))
    subtotal = _dinero("subtotal")
    descuento = _dinero("descuento")
    iva = _dinero("IVA")
    total = _dinero("total")
    estado = models.CharField("estado", max_length=12, choices=EstadoVenta.choices, default=EstadoVenta.COMPLETADA)
    # Null only for sales rung up before shifts existed (first version, imports).
    turno = models.ForeignKey(Turno, on_delete=models.PROTECT, db_column="id_turno", null=True, blank=True,
                              related_name="ventas")
    # Units sold; kept on the sale so the history lists it without reading the lines.
    articulos = models.IntegerField("artículos", default=0)
    # Refunded so far (returns and cancellation); kept under the sale's row lock.
    total_devuelto = _dinero("total devuelto", default=CERO)
    # Paying over time (issue 15). ``pagado``: money received for the sale (the checkout's
    # payments and every abono) minus money given back; kept under the sale's row lock by the
    # checkout, ``ventas.abonos`` and the returns. What is still owed, ``saldo``, and the
    # payment state are computed by the database from those sums and stored, so the history
    # and the receivables filter and sort by them from an index.
    modalidad = models.CharField("modalidad", max_length=14, choices=ModalidadVenta.choices,
                                 default=ModalidadVenta.CONTADO, db_default=ModalidadVenta.CONTADO)
    pagado = _dinero("pagado", default=CERO, db_default=CERO)
    saldo = models.GeneratedField(
        expression=F("total") - F("total_devuelto") - F("pagado"),
        output_field=models.DecimalField(max_digits=12, decimal_places=2), db_persist=True,
    )
    estado_pago = models.GeneratedField(
        expression=_ESTADO_PAGO_EXPRESION, output_field=models.CharField(max_length=10), db_persist=True,
    )
    # The date by which what is owed must be paid: an apartado's expiry, or the first unpaid
    # installment's due date (moved by every abono). Empty for sales paid at once.
    vence = models.DateField("vence", null=True, blank=True)
    # When an apartado's goods were handed over (the "entrega_apartado" movements).
    entregado = models.DateTimeField("entregado", null=True, blank=True)
    # When an apartado's goods went back to the shelf ("liberacion_apartado" movements): on
    # expiry or cancellation. An expired one whose money waits to be refunded in a shift keeps
    # ``pagado`` until then ("por reembolsar"); ventas.apartados.
    liberado = models.DateTimeField("liberado", null=True, blank=True)

    class Meta:
        db_table = "tra_venta"
        ordering = ["-fecha", "-id"]
        verbose_name = "venta"
        verbose_name_plural = "ventas"
        permissions = [
            ("autorizar_descuento", "Puede autorizar descuentos arriba del límite del cajero"),
            ("ver_todas", "Puede ver las ventas de todos los cajeros"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(subtotal__gte=0) & Q(descuento__gte=0) & Q(iva__gte=0),
                                   name="venta_importes_no_negativos"),
            models.CheckConstraint(condition=Q(total=F("subtotal") - F("descuento")), name="venta_total_cuadra"),
            models.CheckConstraint(condition=Q(iva__lte=F("total")), name="venta_iva_dentro_del_total"),
            models.CheckConstraint(condition=Q(articulos__gte=0), name="venta_articulos_no_negativos"),
            models.CheckConstraint(condition=Q(total_devuelto__gte=0) & Q(total_devuelto__lte=F("total")),
                                   name="venta_devuelto_dentro_del_total"),
            models.CheckConstraint(condition=Q(comision_porcentaje__gte=0) & Q(comision_porcentaje__lte=100),
                                   name="venta_comision_en_rango"),
            # Never paid beyond what is owed: concurrent abonos are serialised by the sale's row
            # lock, and this refuses whatever slips past it.
            models.CheckConstraint(condition=Q(pagado__gte=0) & Q(pagado__lte=F("total") - F("total_devuelto")),
                                   name="venta_pagado_dentro_del_total"),
            models.CheckConstraint(condition=Q(modalidad__in=ModalidadVenta.values), name="venta_modalidad_valida"),
            # A sale paid at once owes nothing and has no due date.
            models.CheckConstraint(
                condition=~Q(modalidad=ModalidadVenta.CONTADO)
                | Q(pagado=F("total") - F("total_devuelto"), vence__isnull=True),
                name="venta_contado_pagada",
            ),
            models.CheckConstraint(condition=Q(entregado__isnull=True) | Q(modalidad=ModalidadVenta.APARTADO),
                                   name="venta_entrega_solo_apartados"),
            # Goods handed over are never put back on the shelf as set-aside ones, and the reverse.
            models.CheckConstraint(
                condition=Q(liberado__isnull=True) | Q(modalidad=ModalidadVenta.APARTADO, entregado__isnull=True),
                name="venta_liberado_solo_apartados"),
        ]
        # The history (ventas/historial.py) reads the newest matching rows in (fecha, id) order
        # and sums total/total_devuelto: each index carries both in INCLUDE so the count and the
        # page ids come from an index-only scan. See docs/historial.md for the EXPLAIN output.
        _historial = ["total", "total_devuelto"]
        indexes = [
            models.Index(fields=["-fecha", "-id"], include=_historial, name="venta_fecha_id_idx"),
            models.Index(fields=["id_cajero", "-fecha", "-id"], include=_historial, name="venta_cajero_fecha_idx"),
            models.Index(fields=["cliente", "-fecha", "-id"], include=_historial, name="venta_cliente_fecha_idx"),
            # Cancelled or partly returned sales are ~2 %: the status filters read only these.
            models.Index(fields=["-fecha", "-id"], include=[*_historial, "estado"], name="venta_devuelta_fecha_idx",
                         condition=Q(estado="cancelada") | Q(total_devuelto__gt=0)),
            # Sales still owing are few: the history's payment-state filters and the receivables
            # report read only these.
            models.Index(fields=["-fecha", "-id"], include=[*_historial, "pagado", "vence"],
                         name="venta_por_cobrar_fecha_idx", condition=Q(modalidad__in=["apartado", "parcialidades"])),
            # Only the sales that owe today (a paid pay-later sale leaves it with the abono that
            # pays it): the history's pendiente/parcial/vencido filters, the "pagado" filter's
            # anti-join and the receivables read this one, which stays as small as what is owed
            # while paid sales pile up over the years. modalidad, client and cashier ride along in
            # INCLUDE so the report's grouping by client, its modalidad filter and a Cajero's own
            # history are index-only scans (docs/historial.md).
            models.Index(fields=["-fecha", "-id"],
                         include=[*_historial, "pagado", "vence", "modalidad", "cliente", "id_cajero"],
                         name="venta_con_saldo_fecha_idx",
                         condition=Q(modalidad__in=["apartado", "parcialidades"])
                         & Q(pagado__lt=F("total") - F("total_devuelto")) & Q(liberado__isnull=True)),
        ]

    def __str__(self):
        return self.folio_texto

    @property
    def folio_texto(self) -> str:
        return f"V-{self.folio:06d}"

    @property
    def base(self) -> Decimal:
        return self.total - self.iva

    @property
    def cancelada(self) -> bool:
        return self.estado == EstadoVenta.CANCELADA

    @property
    def vencida(self) -> bool:
        """Still owing after its due date (Mexico City's date)."""
        return (self.saldo > 0 and self.vence is not None and self.vence < timezone.localdate()
                and self.liberado is None)

    @property
    def estado_pago_hoy(self) -> str:
        """The stored payment state, or "vencido" when it is overdue today."""
        return EstadoPago.VENCIDO if self.vencida else self.estado_pago

    @property
    def es_de_hoy(self) -> bool:
        """Rung up today, local date (America/Mexico_City): only such a sale can be cancelled."""
        return timezone.localdate(self.fecha) == timezone.localdate()


class VentaDetalle(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_venta_det")
    venta = models.ForeignKey(Venta, on_delete=models.PROTECT, db_column="id_venta", related_name="lineas")
    producto = models.ForeignKey(
        "inventario.Producto", on_delete=models.PROTECT, db_column="id_producto", related_name="ventas_detalle"
    )
    cantidad = models.IntegerField("cantidad")
    descuento = _dinero("descuento", default=CERO)
    # Snapshots: what the ticket printed, whatever the catalog says later.
    descripcion = models.CharField("descripción", max_length=260)
    precio_unitario = _dinero("precio unitario (IVA incluido)")
    tasa_iva = models.DecimalField("tasa de IVA", max_digits=4, decimal_places=2)
    importe = _dinero("importe")
    iva = _dinero("IVA")
    # Units returned so far; the CHECK below makes "more than sold" impossible in the database too.
    cantidad_devuelta = models.IntegerField("cantidad devuelta", default=0)
    # The alumno enrolled by a course line (always one seat); empty for goods.
    alumno = models.ForeignKey("clientes.Alumno", on_delete=models.PROTECT, db_column="id_alumno", null=True,
                               blank=True, related_name="+")

    class Meta:
        db_table = "tra_venta_det"
        ordering = ["id"]
        verbose_name = "línea de venta"
        verbose_name_plural = "líneas de venta"
        constraints = [
            models.CheckConstraint(condition=Q(cantidad__gt=0), name="venta_det_cantidad_positiva"),
            models.CheckConstraint(condition=Q(descuento__gte=0) & Q(precio_unitario__gte=0) & Q(iva__gte=0),
                                   name="venta_det_importes_no_negativos"),
            models.CheckConstraint(
                condition=Q(importe=F("precio_unitario") * F("cantidad") - F("descuento")),
                name="venta_det_importe_cuadra",
            ),
            models.CheckConstraint(condition=Q(importe__gte=0), name="venta_det_descuento_no_excede"),
            models.CheckConstraint(condition=Q(cantidad_devuelta__gte=0) & Q(cantidad_devuelta__lte=F("cantidad")),
                                   name="venta_det_devuelta_dentro_de_vendida"),
            models.CheckConstraint(condition=Q(alumno__isnull=True) | Q(cantidad=1),
                                   name="venta_det_inscripcion_un_lugar"),
        ]
        # The history's product filter: the sales of a few products from an index-only scan.
        indexes = [models.Index(fields=["producto", "venta"], name="venta_det_producto_venta_idx")]

    def __str__(self):
        return f"{self.cantidad} × {self.descripcion}"

    @property
    def bruto(self) -> Decimal:
        return self.precio_unitario * self.cantidad

    @property
    def por_devolver(self) -> int:
        return self.cantidad - self.cantidad_devuelta


class Pago(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_pago")
    venta = models.ForeignKey(Venta, on_delete=models.PROTECT, db_column="id_venta", related_name="pagos")
    metodo = models.CharField("método", max_length=15, choices=MetodoPago.choices)
    monto = _dinero("monto")
    recibido = _dinero("recibido")
    cambio = _dinero("cambio", default=CERO)
    referencia = models.CharField("referencia", max_length=60, blank=True)

    class Meta:
        db_table = "tra_pago"
        ordering = ["id"]
        verbose_name = "pago"
        verbose_name_plural = "pagos"
        constraints = [
            models.CheckConstraint(condition=Q(monto__gte=0) & Q(cambio__gte=0), name="pago_no_negativo"),
            models.CheckConstraint(condition=Q(cambio=F("recibido") - F("monto")), name="pago_cambio_cuadra"),
            models.CheckConstraint(condition=Q(metodo=MetodoPago.EFECTIVO) | Q(cambio=0),
                                   name="pago_cambio_solo_efectivo"),
        ]
        # The history's card/transfer filter (~20 % of sales); cash is most sales and needs no index.
        indexes = [models.Index(fields=["metodo", "venta"], condition=~Q(metodo=MetodoPago.EFECTIVO),
                                name="pago_metodo_venta_idx")]

    def __str__(self):
        return f"{self.get_metodo_display()} {self.monto}"


class VentaParcialidad(models.Model):
    """One installment of a sale paid over time: what is due, and by when.

    Copied from the edition's payment plan (and the goods paid with the first one) when the
    sale is charged, so a later change of the plan never changes what this client owes.
    Payments are applied to the installments in order: the first ``numero`` whose running sum
    exceeds ``Venta.pagado`` is the next one due, and its ``vence`` is the sale's ``vence``
    (``ventas.abonos`` keeps it so)."""

    id = models.BigAutoField(primary_key=True, db_column="id_venta_parcialidad")
    venta = models.ForeignKey(Venta, on_delete=models.PROTECT, db_column="id_venta", related_name="parcialidades")
    numero = models.PositiveSmallIntegerField("número")
    concepto = models.CharField("concepto", max_length=120)
    monto = _dinero("monto")
    vence = models.DateField("vence")

    class Meta:
        db_table = "tra_venta_parcialidad"
        ordering = ["venta", "numero"]
        verbose_name = "parcialidad"
        verbose_name_plural = "parcialidades"
        constraints = [
            models.UniqueConstraint(fields=["venta", "numero"], name="venta_parcialidad_numero_unico"),
            models.CheckConstraint(condition=Q(monto__gt=0), name="venta_parcialidad_monto_positivo"),
        ]

    def __str__(self):
        return f"{self.concepto}: {self.monto} ({self.vence})"


class Abono(models.Model):
    """A payment toward a sale's balance, after the sale (apartados, installments).

    Written once by ``ventas.abonos.services`` under the sale's row lock, in the cashier's open
    shift (its cash counts in the drawer), with the one-time key of its form (``clave``): the
    same form sent twice finds this row instead of paying twice. ``monto`` is what went to the
    sale; what was handed over beyond it is change (cash only) or store credit (``a_monedero``),
    as the cashier chose explicitly. The balances before and after are kept for the receipt."""

    id = models.BigAutoField(primary_key=True, db_column="id_abono")
    folio = models.BigIntegerField(
        "folio", unique=True, db_default=models.Func(models.Value("tra_abono_folio_seq"), function="nextval")
    )
    venta = models.ForeignKey(Venta, on_delete=models.PROTECT, db_column="id_venta", related_name="abonos")
    turno = models.ForeignKey(Turno, on_delete=models.PROTECT, db_column="id_turno", related_name="abonos")
    metodo = models.CharField("método", max_length=15, choices=MetodoPago.choices)
    monto = _dinero("monto")
    recibido = _dinero("recibido")
    cambio = _dinero("cambio", default=CERO)
    a_monedero = _dinero("a saldo a favor", default=CERO)
    referencia = models.CharField("referencia", max_length=60, blank=True)
    clave = models.UUIDField("clave", unique=True)
    saldo_anterior = _dinero("saldo anterior")
    saldo_posterior = _dinero("saldo posterior")
    fecha = models.DateTimeField("fecha", db_default=models.functions.Now())
    id_usuario = models.IntegerField("id de usuario")
    nombre_usuario = models.CharField("usuario", max_length=150)

    class Meta:
        db_table = "tra_abono"
        ordering = ["fecha", "id"]
        verbose_name = "abono"
        verbose_name_plural = "abonos"
        constraints = [
            models.CheckConstraint(condition=Q(monto__gt=0) & Q(cambio__gte=0) & Q(a_monedero__gte=0),
                                   name="abono_importes"),
            models.CheckConstraint(condition=Q(recibido=F("monto") + F("cambio") + F("a_monedero")),
                                   name="abono_recibido_cuadra"),
            models.CheckConstraint(condition=Q(metodo=MetodoPago.EFECTIVO) | Q(cambio=0), name="abono_cambio_solo_efectivo"),
            models.CheckConstraint(condition=~Q(metodo=MetodoPago.MONEDERO) | Q(a_monedero=0),
                                   name="abono_monedero_sin_excedente"),
            models.CheckConstraint(
                condition=Q(saldo_posterior=F("saldo_anterior") - F("monto")) & Q(saldo_posterior__gte=0),
                name="abono_saldos_cuadran",
            ),
        ]
        indexes = [models.Index(fields=["venta", "fecha"], name="abono_venta_fecha_idx"),
                   models.Index(fields=["turno"], name="abono_turno_idx"),
                   models.Index(fields=["-fecha", "-id"], name="abono_fecha_idx")]

    def __str__(self):
        return self.folio_texto

    @property
    def folio_texto(self) -> str:
        return f"A-{self.folio:06d}"


class TipoDevolucion(models.TextChoices):
    CANCELACION = "cancelacion", "Cancelación"
    DEVOLUCION = "devolucion", "Devolución"


class Devolucion(models.Model):
    """Units of a sale given back, with the money refunded: a partial return or a whole cancellation.

    Written once by ``ventas.devoluciones.services`` under the sale's row lock, with the stock movements
    ("devolucion" or "cancelacion_venta") in the same transaction. ``clave`` is the form's one-time key.
    """

    id = models.BigAutoField(primary_key=True, db_column="id_devolucion")
    folio = models.BigIntegerField(
        "folio", unique=True, db_default=models.Func(models.Value("tra_devolucion_folio_seq"), function="nextval")
    )
    venta = models.ForeignKey(Venta, on_delete=models.PROTECT, db_column="id_venta", related_name="devoluciones")
    # Empty only for the automatic expiry of an apartado (no one's shift: ventas.apartados), which
    # never gives money back by cash, card or transfer (only as store credit).
    turno = models.ForeignKey(Turno, on_delete=models.PROTECT, db_column="id_turno", related_name="devoluciones",
                              null=True, blank=True)
    tipo = models.CharField("tipo", max_length=12, choices=TipoDevolucion.choices)
    motivo = models.CharField("motivo", max_length=255)
    fecha = models.DateTimeField("fecha", db_default=models.functions.Now(), db_index=True)
    clave = models.UUIDField("clave", unique=True)
    id_usuario = models.IntegerField("id de usuario")
    nombre_usuario = models.CharField("usuario", max_length=150)
    id_autorizo = models.IntegerField("id de quien autorizó", null=True, blank=True)
    nombre_autorizo = models.CharField("autorizó", max_length=150, blank=True)
    total = _dinero("total devuelto")
    iva = _dinero("IVA devuelto")

    class Meta:
        db_table = "tra_devolucion"
        ordering = ["-fecha", "-id"]
        verbose_name = "devolución"
        verbose_name_plural = "devoluciones"
        permissions = [("devolver_venta", "Puede cancelar ventas y registrar devoluciones")]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0) & Q(iva__gte=0) & Q(iva__lte=F("total")),
                                   name="devolucion_importes"),
            models.CheckConstraint(condition=~Q(motivo=""), name="devolucion_con_motivo"),
            models.CheckConstraint(condition=Q(turno__isnull=False) | Q(tipo="cancelacion"),
                                   name="devolucion_sin_turno_solo_cancelacion"),
            # A sale is cancelled at most once.
            models.UniqueConstraint(fields=["venta"], condition=Q(tipo="cancelacion"),
                                    name="devolucion_una_cancelacion_por_venta"),
        ]

    def __str__(self):
        return self.folio_texto

    @property
    def folio_texto(self) -> str:
        return f"D-{self.folio:06d}"


class DevolucionLinea(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_devolucion_det")
    devolucion = models.ForeignKey(Devolucion, on_delete=models.PROTECT, db_column="id_devolucion",
                                   related_name="lineas")
    venta_detalle = models.ForeignKey(VentaDetalle, on_delete=models.PROTECT, db_column="id_venta_det",
                                      related_name="devoluciones")
    producto = models.ForeignKey("inventario.Producto", on_delete=models.PROTECT, db_column="id_producto",
                                 related_name="+")
    cantidad = models.IntegerField("cantidad")
    importe = _dinero("importe")
    iva = _dinero("IVA")

    class Meta:
        db_table = "tra_devolucion_det"
        ordering = ["id"]
        verbose_name = "línea devuelta"
        verbose_name_plural = "líneas devueltas"
        constraints = [
            models.CheckConstraint(condition=Q(cantidad__gt=0), name="devolucion_det_cantidad_positiva"),
            models.CheckConstraint(condition=Q(importe__gte=0) & Q(iva__gte=0), name="devolucion_det_importes"),
        ]

    def __str__(self):
        return f"{self.cantidad} × {self.producto_id}"

    @property
    def tasa_iva(self):
        """The sold line's IVA rate (for ``calculos.iva_por_tasa``; select_related the line)."""
        return self.venta_detalle.tasa_iva


class Reembolso(models.Model):
    """Money given back for a return or cancellation, by method (cash leaves the shift's drawer)."""

    id = models.BigAutoField(primary_key=True, db_column="id_reembolso")
    devolucion = models.ForeignKey(Devolucion, on_delete=models.PROTECT, db_column="id_devolucion",
                                   related_name="reembolsos")
    metodo = models.CharField("método", max_length=15, choices=MetodoPago.choices)
    monto = _dinero("monto")
    referencia = models.CharField("referencia", max_length=60, blank=True)

    class Meta:
        db_table = "tra_reembolso"
        ordering = ["id"]
        verbose_name = "reembolso"
        verbose_name_plural = "reembolsos"
        constraints = [models.CheckConstraint(condition=Q(monto__gt=0), name="reembolso_monto_positivo")]

    def __str__(self):
        return f"{self.get_metodo_display()} {self.monto}"


class Carrito(models.Model):
    """A cashier's cart, kept on the server: it survives reloads and browser restarts.

    Each cashier has at most one active cart and any number parked ("en espera").
    ``clave_cobro`` is the one-time key put in the checkout form; a confirmed sale keeps it.
    """

    class Estado(models.TextChoices):
        ACTIVO = "activo", "Activo"
        EN_ESPERA = "en_espera", "En espera"

    id = models.BigAutoField(primary_key=True, db_column="id_carrito")
    id_cajero = models.IntegerField("id del cajero")
    estado = models.CharField("estado", max_length=10, choices=Estado.choices, default=Estado.ACTIVO)
    cliente = models.ForeignKey(
        "clientes.Cliente", on_delete=models.PROTECT, db_column="id_cliente", null=True, blank=True,
        related_name="+",
    )
    nota = models.CharField("nota", max_length=80, blank=True)
    clave_cobro = models.UUIDField("clave de cobro", default=uuid.uuid4, unique=True)
    id_autorizo_descuento = models.IntegerField(null=True, blank=True)
    nombre_autorizo_descuento = models.CharField(max_length=150, blank=True)
    # Who is selling (a user of the auth database): empty means the cashier. Anyone else is
    # set by ``ventas.vendedores.services.carrito_vendedor_asignar`` with a Gerente's consent,
    # whose id and name stay here; the checkout copies the salesperson onto the sale.
    id_vendedor = models.IntegerField("id del vendedor", null=True, blank=True)
    nombre_vendedor = models.CharField("vendedor", max_length=150, blank=True, default="")
    id_autorizo_vendedor = models.IntegerField("id de quien asignó el vendedor", null=True, blank=True)
    nombre_autorizo_vendedor = models.CharField("asignó el vendedor", max_length=150, blank=True, default="")
    creado = models.DateTimeField(auto_now_add=True)
    actualizado = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "tra_carrito"
        ordering = ["-actualizado"]
        constraints = [
            models.UniqueConstraint(fields=["id_cajero"], condition=Q(estado="activo"),
                                    name="carrito_un_activo_por_cajero"),
            # Another salesperson only with someone's consent on record; the cashier is "empty".
            models.CheckConstraint(
                condition=Q(id_vendedor__isnull=True)
                | Q(id_autorizo_vendedor__isnull=False) & ~Q(id_vendedor=F("id_cajero")),
                name="carrito_vendedor_autorizado",
            ),
        ]

    def __str__(self):
        return f"Carrito {self.pk} ({self.get_estado_display()})"


class CarritoLinea(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_carrito_linea")
    carrito = models.ForeignKey(Carrito, on_delete=models.CASCADE, db_column="id_carrito", related_name="lineas")
    producto = models.ForeignKey("inventario.Producto", on_delete=models.CASCADE, db_column="id_producto",
                                 related_name="+")
    cantidad = models.IntegerField("cantidad", default=1)
    descuento = _dinero("descuento", default=CERO)
    # The price the cashier saw; if the catalog price changes, the cart says so before charging.
    precio_visto = _dinero("precio visto")
    # A course line: the alumno it enrolls (one seat per line; siblings take one line each).
    alumno = models.ForeignKey("clientes.Alumno", on_delete=models.PROTECT, db_column="id_alumno", null=True,
                               blank=True, related_name="+")

    class Meta:
        db_table = "tra_carrito_linea"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["carrito", "producto"], condition=Q(alumno__isnull=True),
                                    name="carrito_linea_producto_unico"),
            models.UniqueConstraint(fields=["carrito", "producto", "alumno"], condition=Q(alumno__isnull=False),
                                    name="carrito_linea_alumno_unico"),
            models.CheckConstraint(condition=Q(alumno__isnull=True) | Q(cantidad=1), name="carrito_linea_un_lugar"),
            models.CheckConstraint(condition=Q(cantidad__gt=0) & Q(cantidad__lte=CANTIDAD_MAXIMA), name="carrito_linea_cantidad"),
            models.CheckConstraint(condition=Q(descuento__gte=0), name="carrito_linea_descuento"),
        ]

    def __str__(self):
        return f"{self.cantidad} × {self.producto_id}"


class Vendedor(models.Model):
    """A salesperson and their commission percentage (the user lives in the auth database:
    id + a snapshot of their name). Whoever has an active row may be named as a sale's
    salesperson; a cashier without a row still sells their own sales, at 0 %. The checkout
    copies the percentage onto the sale, so changing it here never changes past commissions."""

    id = models.BigAutoField(primary_key=True, db_column="id_vendedor")
    id_usuario = models.IntegerField("id de usuario", unique=True)
    nombre = models.CharField("nombre", max_length=150)
    comision_porcentaje = models.DecimalField("comisión (%)", max_digits=5, decimal_places=2, default=Decimal("0"))
    activo = models.BooleanField("activo", default=True)

    class Meta:
        db_table = "cat_vendedor"
        ordering = ["nombre", "id"]
        verbose_name = "vendedor"
        verbose_name_plural = "vendedores"
        permissions = [("asignar_vendedor", "Puede asignar una venta a otro vendedor")]
        constraints = [
            models.CheckConstraint(condition=Q(comision_porcentaje__gte=0) & Q(comision_porcentaje__lte=100),
                                   name="vendedor_comision_en_rango"),
        ]

    def __str__(self):
        return self.nombre


class Monedero(models.Model):
    """A client's store credit (saldo a favor). Its balance changes only through
    ``ventas.monedero.services`` under this row's lock, with a ``MovimientoMonedero`` each time
    carrying the resulting balance, so the balance is always the sum of its movements
    (``verificar_monedero``). "Público en general" never has one (refused by the service)."""

    id = models.BigAutoField(primary_key=True, db_column="id_monedero")
    cliente = models.OneToOneField("clientes.Cliente", on_delete=models.PROTECT, db_column="id_cliente",
                                   related_name="monedero")
    saldo = _dinero("saldo", default=CERO)
    actualizado = models.DateTimeField("actualizado", auto_now=True)

    class Meta:
        db_table = "tra_monedero"
        ordering = ["id"]
        verbose_name = "monedero"
        verbose_name_plural = "monederos"
        permissions = [("ajustar_monedero", "Puede ajustar el saldo a favor de un cliente")]
        constraints = [models.CheckConstraint(condition=Q(saldo__gte=0), name="monedero_saldo_no_negativo")]

    def __str__(self):
        return f"Monedero de {self.cliente_id}: {self.saldo}"


class TipoMovimientoMonedero(models.TextChoices):
    ABONO_DEVOLUCION = "abono_devolucion", "Abono por devolución"
    PAGO = "pago", "Pago con saldo"
    AJUSTE = "ajuste", "Ajuste del gerente"
    # What a client handed over beyond a sale's balance, kept as credit at their request.
    EXCEDENTE_ABONO = "excedente_abono", "Excedente de un abono"


class MovimientoMonedero(models.Model):
    """One change of a client's balance: signed amount, the balance it left, where it came from."""

    id = models.BigAutoField(primary_key=True, db_column="id_movimiento_monedero")
    monedero = models.ForeignKey(Monedero, on_delete=models.PROTECT, db_column="id_monedero",
                                 related_name="movimientos")
    tipo = models.CharField("tipo", max_length=16, choices=TipoMovimientoMonedero.choices)
    monto = _dinero("monto")
    saldo_resultante = _dinero("saldo resultante")
    venta = models.ForeignKey(Venta, on_delete=models.PROTECT, db_column="id_venta", null=True, blank=True,
                              related_name="+")
    devolucion = models.ForeignKey(Devolucion, on_delete=models.PROTECT, db_column="id_devolucion", null=True,
                                   blank=True, related_name="+")
    motivo = models.CharField("motivo", max_length=200, blank=True)
    id_usuario = models.IntegerField("id de usuario")
    nombre_usuario = models.CharField("usuario", max_length=150)
    fecha = models.DateTimeField("fecha", db_default=models.functions.Now())

    class Meta:
        db_table = "tra_movimiento_monedero"
        ordering = ["fecha", "id"]
        verbose_name = "movimiento de monedero"
        verbose_name_plural = "movimientos de monedero"
        constraints = [
            models.CheckConstraint(condition=~Q(monto=0), name="movimiento_monedero_monto_no_cero"),
            models.CheckConstraint(condition=Q(saldo_resultante__gte=0),
                                   name="movimiento_monedero_saldo_no_negativo"),
            # Credit comes from a return, is spent on a sale, or is adjusted by a Gerente with a reason.
            models.CheckConstraint(
                condition=Q(tipo="abono_devolucion", monto__gt=0, devolucion__isnull=False)
                | Q(tipo="pago", monto__lt=0, venta__isnull=False, devolucion__isnull=True)
                | Q(tipo="ajuste", venta__isnull=True, devolucion__isnull=True) & ~Q(motivo="")
                | Q(tipo="excedente_abono", monto__gt=0, venta__isnull=False, devolucion__isnull=True),
                name="movimiento_monedero_tipo_cuadra",
            ),
        ]
        indexes = [models.Index(fields=["monedero", "-fecha", "-id"], name="mov_monedero_fecha_idx"),
                   models.Index(fields=["venta"], condition=Q(venta__isnull=False), name="mov_monedero_venta_idx")]

    def __str__(self):
        return f"{self.get_tipo_display()} {self.monto}"
