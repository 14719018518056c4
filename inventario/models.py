"""Catalog (``cat_producto``, ``cat_categoria``) and stock ledger (``tra_movimiento_inventario``).

Table and column names follow the first version of the system (``id_producto``, ``producto``,
``precio_unitario``) so its reports keep working. ``existencia`` is only changed by
``inventario.services.existencias_mover``, which writes a ledger row in the same transaction:
``existencia`` always equals the sum of the product's movements.
"""

from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from inventario.validators import validar_codigo_barras

TASA_IVA_GENERAL = Decimal("0.16")
TASA_IVA_CERO = Decimal("0.00")


class SinAcentos(models.Func):
    """``inmutable_unaccent(text)``: unaccent() wrapped as IMMUTABLE so it can be indexed.

    Created by migration 0002; used by the name search and by its trigram index.
    """

    function = "inmutable_unaccent"
    output_field = models.TextField()


def nombre_normalizado(expresion="nombre"):
    return SinAcentos(Lower(expresion))


# Digit runs are zero-padded to this width in ``nombre_orden`` so that text order is natural
# order ("talla 4" before "talla 10"). Longer runs (a barcode in a name) keep their digits.
ANCHO_NUMERO_ORDEN = 10


def nombre_orden_natural(expresion="nombre"):
    """The normalized name with every digit run padded to ``ANCHO_NUMERO_ORDEN`` digits.

    Two passes because a regular-expression replacement cannot call ``lpad``: prefix each run
    with zeros, then keep its last ``ANCHO_NUMERO_ORDEN`` digits."""
    rellenado = models.Func(
        nombre_normalizado(expresion), models.Value("([0-9]+)"),
        models.Value("0" * (ANCHO_NUMERO_ORDEN - 1) + r"\1"), models.Value("g"),
        function="regexp_replace", output_field=models.TextField(),
    )
    return models.Func(
        rellenado, models.Value(f"0*([0-9]{{{ANCHO_NUMERO_ORDEN}}})"), models.Value(r"\1"), models.Value("g"),
        function="regexp_replace", output_field=models.TextField(),
    )


def nombre_en_palabras(expresion="nombre"):
    """The normalized name as its ASCII letter and digit runs between single spaces, with a
    space at each end, so that ``LIKE '% 10 %'`` asks for a whole word and ``'% cuad%'`` for
    the start of one. ``inventario.selectors`` splits the typed text the same way."""
    return models.Func(
        models.Func(
            nombre_normalizado(expresion), models.Value("[^a-z0-9]+"), models.Value(" "), models.Value("g"),
            function="regexp_replace",
        ),
        template="(' ' || %(expressions)s || ' ')", output_field=models.TextField(),
    )


class Categoria(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_categoria")
    nombre = models.CharField("nombre", max_length=80, unique=True,
                              error_messages={"unique": "Ya existe una categoría con este nombre."})

    class Meta:
        db_table = "cat_categoria"
        ordering = ["nombre"]
        verbose_name = "categoría"
        verbose_name_plural = "categorías"

    def __str__(self):
        return self.nombre


class TasaIva(models.TextChoices):
    GENERAL = "0.16", "16 %"
    CERO = "0.00", "0 % (tasa cero)"


class TipoProducto(models.TextChoices):
    ARTICULO = "articulo", "Artículo"
    CURSO = "curso", "Curso (edición)"


class Producto(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_producto")
    # A "curso" product is one edition of a course (``cursos.Edicion``): its stock is free seats.
    tipo = models.CharField("tipo", max_length=8, choices=TipoProducto.choices,
                            db_default=TipoProducto.ARTICULO, editable=False)
    codigo = models.CharField(
        "código", max_length=40, unique=True,
        error_messages={"unique": "Ya existe un producto con este código."},
        help_text="Clave interna (SKU). Se guarda en mayúsculas.",
    )
    codigo_barras = models.CharField(
        "código de barras", max_length=13, unique=True, null=True, blank=True,
        validators=[validar_codigo_barras],
        error_messages={"unique": "Ya existe un producto con este código de barras."},
        help_text="EAN-13 o UPC-A con dígito verificador válido. Opcional.",
    )
    nombre = models.CharField("nombre", max_length=200, db_column="producto")
    descripcion = models.TextField("descripción", blank=True)
    categoria = models.ForeignKey(
        Categoria, verbose_name="categoría", null=True, blank=True, on_delete=models.PROTECT,
        db_column="id_categoria", related_name="productos",
    )
    precio = models.DecimalField(
        "precio (IVA incluido)", max_digits=12, decimal_places=2, db_column="precio_unitario",
        validators=[MinValueValidator(Decimal("0"), message="El precio no puede ser negativo.")],
        help_text="Precio de venta en MXN, con IVA incluido.",
    )
    tasa_iva = models.DecimalField(
        "tasa de IVA", max_digits=4, decimal_places=2, choices=[(Decimal(v), t) for v, t in TasaIva.choices],
        default=TASA_IVA_GENERAL,
    )
    existencia = models.IntegerField("existencia", default=0, editable=False)
    # Units set aside for open apartados (layaways): out of ``existencia`` (nobody can sell
    # them) but still in the shop. Moved only by the "apartado" kinds of the ledger.
    existencia_apartada = models.IntegerField("apartadas", default=0, db_default=0, editable=False)
    existencia_minima = models.PositiveIntegerField(
        "existencia mínima", default=0, help_text="Con esta existencia o menos, el producto aparece en alerta."
    )
    activo = models.BooleanField("activo", default=True)
    # The name without accents, lower case, stored: the trigram index and the search's recheck
    # compare plain text instead of calling unaccent() on every candidate row (2-4x faster for
    # terms matching thousands of products; see docs/inventario.md).
    nombre_busqueda = models.GeneratedField(
        expression=nombre_normalizado(), output_field=models.TextField(), db_persist=True,
        db_column="producto_busqueda",
    )
    # What the word search sorts by, stored for the same reason: computing either with
    # regular expressions for every match of a common word costs far more than the search.
    nombre_orden = models.GeneratedField(
        expression=nombre_orden_natural(), output_field=models.TextField(), db_persist=True,
        db_column="producto_orden",
    )
    nombre_palabras = models.GeneratedField(
        expression=nombre_en_palabras(), output_field=models.TextField(), db_persist=True,
        db_column="producto_palabras",
    )
    creado = models.DateTimeField("creado", auto_now_add=True)
    actualizado = models.DateTimeField("actualizado", auto_now=True)

    class Meta:
        db_table = "cat_producto"
        ordering = ["nombre", "id"]
        verbose_name = "producto"
        verbose_name_plural = "productos"
        permissions = [
            ("registrar_entrada", "Puede registrar entradas de mercancía"),
            ("ajustar_existencia", "Puede ajustar existencias"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(existencia__gte=0), name="producto_existencia_no_negativa"),
            models.CheckConstraint(condition=Q(existencia_apartada__gte=0), name="producto_apartada_no_negativa"),
            models.CheckConstraint(condition=Q(tipo__in=TipoProducto.values), name="producto_tipo_valido"),
            models.CheckConstraint(condition=Q(precio__gte=0), name="producto_precio_no_negativo"),
            models.CheckConstraint(condition=Q(existencia_minima__gte=0), name="producto_minima_no_negativa"),
            models.CheckConstraint(
                condition=Q(tasa_iva__in=[TASA_IVA_GENERAL, TASA_IVA_CERO]), name="producto_tasa_iva_valida"
            ),
            models.CheckConstraint(
                condition=Q(codigo_barras__isnull=True) | Q(codigo_barras__regex=r"^[0-9]{13}$"),
                name="producto_codigo_barras_13_digitos",
            ),
        ]
        indexes = [
            models.Index(fields=["nombre", "id"], name="producto_nombre_idx"),
            # The inventory list without a search pages through this one in natural order.
            models.Index(fields=["nombre_orden", "id"], name="producto_orden_idx"),
            GinIndex(OpClass(F("nombre_busqueda"), name="gin_trgm_ops"), name="producto_busqueda_trgm"),
        ]

    def __str__(self):
        return f"{self.codigo} · {self.nombre}"

    @property
    def bajo_minimo(self) -> bool:
        return self.tipo == TipoProducto.ARTICULO and self.existencia <= self.existencia_minima


class PalabraCatalogo(models.Model):
    """One distinct word of the product names, split and normalized as ``Producto.nombre_palabras``
    (no accents, lower case, ASCII letter and digit runs), if it has no digit (numbers are never
    corrected): the dictionary the typo fallback of the search corrects each typed word against
    (``inventario.selectors.palabras_corregir``).

    Written only by the database: triggers on ``cat_producto`` (migration 0008) add the words of
    every inserted product and of every renamed one, so no code path (admin, COPY of the demo
    loader, raw SQL) can leave a name out. Words of renamed or deleted products stay: a stale
    word can only be offered as a correction whose search then finds nothing."""

    palabra = models.TextField("palabra", primary_key=True)

    class Meta:
        db_table = "cat_palabra"
        verbose_name = "palabra del catálogo"
        verbose_name_plural = "palabras del catálogo"
        constraints = [
            models.CheckConstraint(condition=Q(palabra__regex=r"^[a-z]+$"), name="palabra_normalizada"),
        ]
        indexes = [
            # GiST, not GIN: it answers ``ORDER BY palabra <-> 'x' LIMIT n`` (nearest words first).
            GistIndex(OpClass(F("palabra"), name="gist_trgm_ops"), name="palabra_trgm"),
        ]

    def __str__(self):
        return self.palabra


class PalabraProducto(models.Model):
    """One word of one product's name (split as ``Producto.nombre_palabras``: no accents, lower
    case, ASCII letter and digit runs, numbers too), with the product's ``activo`` and
    ``nombre_orden`` copied: the till's search of a single word common to thousands of names
    walks the index ``palabra_producto_orden`` for its first active whole-word matches instead
    of rechecking and sorting every trigram match (``inventario.selectors._primeros``).

    Written only by the database (migration 0009): a trigger per INSERT statement adds the
    words of its new products, one per row rewrites them when the name or ``activo`` changes
    (never on stock updates), and the foreign key deletes them with the product."""

    pk = models.CompositePrimaryKey("producto", "palabra")
    # The foreign key is created by the migration with ON DELETE CASCADE (Django 5.2 cannot say
    # it): the database deletes the words of a product deleted by any path. No index of its own:
    # the primary key starts with it.
    producto = models.ForeignKey(
        Producto, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, db_column="id_producto",
        related_name="+",
    )
    palabra = models.TextField("palabra")
    activo = models.BooleanField("activo")
    nombre_orden = models.TextField("nombre en orden natural", db_column="producto_orden")

    class Meta:
        db_table = "cat_palabra_producto"
        verbose_name = "palabra de un producto"
        verbose_name_plural = "palabras de los productos"
        indexes = [
            # The till's order once the exact codes are out: active first, whole words (all of
            # these), natural name order, id.
            models.Index(fields=["palabra", "-activo", "nombre_orden", "producto"], name="palabra_producto_orden"),
        ]

    def __str__(self):
        return f"{self.palabra} · {self.producto_id}"


class TipoMovimiento(models.TextChoices):
    ENTRADA = "entrada", "Entrada"
    AJUSTE = "ajuste", "Ajuste"
    VENTA = "venta", "Venta"
    CANCELACION_VENTA = "cancelacion_venta", "Cancelación de venta"
    DEVOLUCION = "devolucion", "Devolución"
    # Layaway: units leave the sellable stock into the set-aside ones (``cantidad`` < 0,
    # ``cantidad_apartada`` = −``cantidad``); handed over when paid (only the set-aside ones go
    # down); or put back on the shelf when the apartado expires or is cancelled.
    APARTADO = "apartado", "Apartado"
    ENTREGA_APARTADO = "entrega_apartado", "Entrega de apartado"
    LIBERACION_APARTADO = "liberacion_apartado", "Apartado liberado"


# Kinds that put goods back on the shelf (always positive), and the kinds tied to a sale.
TIPOS_QUE_SUMAN = [TipoMovimiento.ENTRADA, TipoMovimiento.CANCELACION_VENTA, TipoMovimiento.DEVOLUCION]
TIPOS_DE_APARTADO = [TipoMovimiento.APARTADO, TipoMovimiento.ENTREGA_APARTADO, TipoMovimiento.LIBERACION_APARTADO]
TIPOS_DE_VENTA = [TipoMovimiento.VENTA, TipoMovimiento.CANCELACION_VENTA, TipoMovimiento.DEVOLUCION,
                  *TIPOS_DE_APARTADO]


class MovimientoInventario(models.Model):
    id = models.BigAutoField(primary_key=True, db_column="id_movimiento")
    producto = models.ForeignKey(
        Producto, on_delete=models.PROTECT, db_column="id_producto", related_name="movimientos"
    )
    tipo = models.CharField("tipo", max_length=20, choices=TipoMovimiento.choices)
    cantidad = models.IntegerField("cantidad", help_text="Positiva si entra mercancía, negativa si sale.")
    existencia_resultante = models.IntegerField("existencia resultante")
    # Change of the product's set-aside units (apartados) and what it left: non-zero only for
    # the "apartado" kinds. ``existencia_apartada`` = sum(cantidad_apartada), as ``existencia``
    # = sum(cantidad).
    cantidad_apartada = models.IntegerField("cantidad apartada", default=0, db_default=0)
    apartada_resultante = models.IntegerField("apartadas resultantes", default=0, db_default=0)
    motivo = models.CharField("motivo o nota", max_length=255, blank=True)
    # Sale reference; a plain column so the sales issue can point it at tra_venta.
    id_venta = models.BigIntegerField("venta", null=True, blank=True, db_index=True)
    # Who: the user's id in the auth database plus a snapshot of the name (no cross-database FK).
    id_usuario = models.IntegerField("id de usuario", null=True, blank=True)
    nombre_usuario = models.CharField("usuario", max_length=150)
    fecha = models.DateTimeField("fecha", default=timezone.now)

    class Meta:
        db_table = "tra_movimiento_inventario"
        ordering = ["-fecha", "-id"]
        verbose_name = "movimiento de inventario"
        verbose_name_plural = "movimientos de inventario"
        constraints = [
            models.CheckConstraint(condition=Q(existencia_resultante__gte=0), name="movimiento_resultante_no_negativa"),
            models.CheckConstraint(condition=Q(apartada_resultante__gte=0), name="movimiento_apartada_no_negativa"),
            models.CheckConstraint(
                condition=(
                    Q(tipo__in=TIPOS_QUE_SUMAN, cantidad__gt=0, cantidad_apartada=0)
                    | Q(tipo=TipoMovimiento.VENTA, cantidad__lt=0, cantidad_apartada=0)
                    | (Q(tipo=TipoMovimiento.AJUSTE, cantidad_apartada=0) & ~Q(cantidad=0))
                    | Q(tipo=TipoMovimiento.APARTADO, cantidad__lt=0, cantidad_apartada=-F("cantidad"))
                    | Q(tipo=TipoMovimiento.ENTREGA_APARTADO, cantidad=0, cantidad_apartada__lt=0)
                    | Q(tipo=TipoMovimiento.LIBERACION_APARTADO, cantidad__gt=0, cantidad_apartada=-F("cantidad"))
                ),
                name="movimiento_signo_segun_tipo",
            ),
            models.CheckConstraint(
                condition=Q(id_venta__isnull=True) | Q(tipo__in=TIPOS_DE_VENTA),
                name="movimiento_venta_solo_en_ventas",
            ),
        ]
        indexes = [
            models.Index(F("producto"), F("fecha").desc(), F("id").desc(), name="movimiento_producto_fecha_idx"),
            models.Index(F("fecha").desc(), F("id").desc(), name="movimiento_fecha_idx"),
        ]

    def __str__(self):
        return f"{self.get_tipo_display()} {self.cantidad:+d} · {self.producto_id}"
