"""Sales (``tra_venta``, ``tra_venta_det``, ``tra_pago``) and the cashiers' server-side carts.

``tra_venta`` and ``tra_venta_det`` keep the first version's names (``id_venta``,
``id_cliente``, ``fecha``; ``id_venta_det``, ``id_venta``, ``id_producto``, ``cantidad``,
``descuento``). A sale is written once, by ``ventas.services.venta_confirmar``, and never
deleted. The cashier and whoever authorised a discount live in the auth database: their id
and a snapshot of their name are kept, no foreign key.
"""

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from ventas.calculos import CERO


class EstadoVenta(models.TextChoices):
    COMPLETADA = "completada", "Completada"
    CANCELADA = "cancelada", "Cancelada"


class MetodoPago(models.TextChoices):
    EFECTIVO = "efectivo", "Efectivo"
    TARJETA = "tarjeta", "Tarjeta"
    TRANSFERENCIA = "transferencia", "Transferencia"


def _dinero(nombre, **extra):
    return models.DecimalField(nombre, max_digits=12, decimal_places=2, **extra)


class Venta(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_venta")
    # Numbered by the sequence tra_venta_folio_seq (migration 0001); shown as V-000123.
    folio = models.BigIntegerField(
        "folio", unique=True, db_default=models.Func(models.Value("tra_venta_folio_seq"), function="nextval")
    )
    cliente = models.ForeignKey(
        "clientes.Cliente", on_delete=models.PROTECT, db_column="id_cliente", related_name="ventas"
    )
    fecha = models.DateTimeField("fecha", db_default=models.functions.Now(), db_index=True)
    # One-time key of the checkout form: a repeated POST finds this sale instead of selling twice.
    clave_cobro = models.UUIDField("clave de cobro", unique=True)
    huella_carrito = models.CharField("huella del carrito", max_length=64)
    id_cajero = models.IntegerField("id del cajero")
    nombre_cajero = models.CharField("cajero", max_length=150)
    id_autorizo_descuento = models.IntegerField("id de quien autorizó descuentos", null=True, blank=True)
    nombre_autorizo_descuento = models.CharField("autorizó descuentos", max_length=150, blank=True)
    subtotal = _dinero("subtotal")
    descuento = _dinero("descuento")
    iva = _dinero("IVA")
    total = _dinero("total")
    estado = models.CharField("estado", max_length=12, choices=EstadoVenta.choices, default=EstadoVenta.COMPLETADA)

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
        ]
        indexes = [models.Index(F("id_cajero"), F("fecha").desc(), name="venta_cajero_fecha_idx")]

    def __str__(self):
        return self.folio_texto

    @property
    def folio_texto(self) -> str:
        return f"V-{self.folio:06d}"

    @property
    def base(self) -> Decimal:
        return self.total - self.iva


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
        ]

    def __str__(self):
        return f"{self.cantidad} × {self.descripcion}"

    @property
    def bruto(self) -> Decimal:
        return self.precio_unitario * self.cantidad


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
    creado = models.DateTimeField(auto_now_add=True)
    actualizado = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "tra_carrito"
        ordering = ["-actualizado"]
        constraints = [
            models.UniqueConstraint(fields=["id_cajero"], condition=Q(estado="activo"),
                                    name="carrito_un_activo_por_cajero"),
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

    class Meta:
        db_table = "tra_carrito_linea"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["carrito", "producto"], name="carrito_linea_producto_unico"),
            models.CheckConstraint(condition=Q(cantidad__gt=0) & Q(cantidad__lte=9999), name="carrito_linea_cantidad"),
            models.CheckConstraint(condition=Q(descuento__gte=0), name="carrito_linea_descuento"),
        ]

    def __str__(self):
        return f"{self.cantidad} × {self.producto_id}"
