"""The checkout: the only write of a sale.

``venta_confirmar`` is the only way a sale is written. It runs in one transaction on the
business database, with a bounded lock wait: it locks the cart, then the products in
primary-key order (so two checkouts never deadlock), takes prices from the locked rows
(never from the form), writes the sale, its lines and payments and deletes the cart, and
takes the stock through ``inventario.services.existencias_mover`` (movement kind "venta").
The cart's one-time key is stored unique on the sale, so a repeated POST finds the first
sale instead of selling twice. Its queries are hand-written SQL (four statements between
BEGIN and COMMIT, see ``_CARRITO_Y_TURNO_BLOQUEAR`` and below): it runs on every sale, and
building the equivalent ORM queries cost more CPU than running them (docs/decisiones.md).

Selling needs an open cash-drawer shift (``Turno``): the checkout takes the cashier's open
shift row ``FOR NO KEY UPDATE`` and writes the sale into it, and ``turno_cerrar`` takes the
same row ``FOR UPDATE`` (the two lock modes conflict), so a sale is either committed before
the close counts the drawer, or refused with ``TurnoNoAbierto`` once it is closed.
"""

from __future__ import annotations

import datetime
import functools
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, OperationalError, connections, transaction
from django.utils import timezone

from cursos.models import EstadoInscripcion, Inscripcion
from cursos.services import inscripcion_espera_liquidar
from integraciones.services import inscripcion_encolar
from inventario.exceptions import ExistenciaInsuficiente
from inventario.models import Producto, TipoMovimiento, TipoProducto
from inventario.services import MovimientoDatos, existencias_mover
from ventas import calculos
from ventas.caja.selectors import carrito_huella, inscripciones_impedimento
from ventas.exceptions import (
    CarritoCambiado,
    CarritoVacio,
    ClaveCobroReutilizada,
    CobroOcupado,
    DescuentoNoAutorizado,
    DescuentoNoValido,
    InscripcionNoValida,
    PagoNoValido,
    ProductoNoVendible,
    SaldoInsuficiente,
    TurnoNoAbierto,
    VendedorNoValido,
)
from ventas.models import (
    Carrito,
    CarritoLinea,
    EstadoVenta,
    MetodoPago,
    ModalidadVenta,
    Pago,
    Venta,
    VentaDetalle,
    VentaParcialidad,
)
from ventas.monedero.services import monedero_bloquear, monedero_cargar_venta
from ventas.politica import PERMISO_AUTORIZAR, limite_descuento
from ventas_ingenio import sql
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

# --- Checkout -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PagoDatos:
    metodo: str  # tarjeta, transferencia or monedero (the client's store credit)
    monto: Decimal
    referencia: str = ""


@dataclass(frozen=True)
class ParcialidadDatos:
    concepto: str
    monto: Decimal
    vence: datetime.date


@dataclass(frozen=True)
class PlazoDatos:
    """A sale not paid in full at the till (issue 15): ``anticipo`` is paid now (the payments
    cover it as they would cover a total), the rest is owed.

    ``modalidad``: "apartado" (goods only; they are set aside, not taken: "apartado" movements)
    or "parcialidades" (``parcialidades`` is the schedule, summing to the sale's total; the
    first ones are due today and make the minimum). ``minimo``: the least down payment the
    caller's policy accepts for this cart (``PagoNoValido`` below it); ``vence``: an apartado's
    expiry (for "parcialidades" it is read from the schedule)."""

    modalidad: str
    anticipo: Decimal
    minimo: Decimal
    vence: datetime.date | None = None
    parcialidades: tuple[ParcialidadDatos, ...] = ()


def parcialidad_vigente(*, parcialidades, pagado: Decimal):
    """The first installment not covered by ``pagado`` (payments are applied in order), or
    None when all are paid. Its ``vence`` is the sale's due date."""
    acumulado = Decimal("0")
    for parcialidad in parcialidades:
        acumulado += parcialidad.monto
        if acumulado > pagado:
            return parcialidad
    return None


def _venta_existente(*, clave_cobro: uuid.UUID, huella: str) -> Venta | None:
    venta = Venta.objects.using(DB_NEGOCIO).filter(clave_cobro=clave_cobro).first()
    if venta is not None and venta.huella_carrito != huella:
        raise ClaveCobroReutilizada()
    return venta


def venta_confirmar(
    *,
    cajero,
    clave_cobro: uuid.UUID,
    huella: str,
    pagos: list[PagoDatos],
    efectivo_recibido: Decimal,
    plazo: PlazoDatos | None = None,
) -> tuple[Venta, bool]:
    """Charge the cashier's active cart. Returns ``(venta, creada)``.

    ``clave_cobro`` and ``huella`` come from the checkout form. If a sale with that key
    exists (double click, resubmit, back button) it is returned with ``creada=False`` and
    nothing is written; the same key with another cart raises ``ClaveCobroReutilizada``.
    Raises ``CarritoVacio``, ``CarritoCambiado`` (a price or line changed since the form was
    shown: the cart then shows the new prices), ``ExistenciaInsuficiente``,
    ``ProductoNoVendible``, ``InscripcionNoValida`` (a course seat that cannot be sold: edition
    full, closed or past, alumno already enrolled or inactive, no paying client), ``DescuentoNoAutorizado``,
    ``PagoNoValido`` (``SaldoInsuficiente``: more store credit than the client has; store credit
    without a named client), ``TurnoNoAbierto``
    (the cashier has no open shift; the sale goes into that shift), ``VendedorNoValido`` (the
    salesperson named on the cart is no longer active) and ``CobroOcupado`` (lock wait over the
    limit). On any error nothing is written. The sale records its salesperson (the cart's, else
    the cashier) and their commission percentage as of now (``_vendedor_de_la_venta``).
    """
    # No lookup of the key before the transaction: a repeat finds its cart gone under the
    # cart's lock and is answered with the first sale (_ClaveYaCobrada below), one query
    # fewer on every first checkout.
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            venta = _venta_escribir(
                cajero=cajero, clave_cobro=clave_cobro, huella=huella, pagos=pagos,
                efectivo_recibido=efectivo_recibido, plazo=plazo,
            )
    except IntegrityError as error:
        # A concurrent POST with the same key won the race: its sale is the answer.
        existente = _venta_existente(clave_cobro=clave_cobro, huella=huella)
        if existente is None:
            if _UNA_INSCRIPCION_POR_EDICION in str(error):
                # The checks under the locks make this unreachable; the unique index still
                # answers in Spanish if they ever miss a case.
                raise InscripcionNoValida("Un alumno del carrito ya está inscrito en esa edición.") from error
            raise
        return existente, False
    except OperationalError as error:
        if _espera_vencida(error):
            raise CobroOcupado() from error
        raise
    except _ClaveYaCobrada:
        existente = _venta_existente(clave_cobro=clave_cobro, huella=huella)
        if existente is None:  # pragma: no cover - the lock makes this impossible
            raise CarritoCambiado("El carrito cambió mientras cobrabas. Revisa y vuelve a cobrar.") from None
        return existente, False
    except CarritoCambiado:
        _precios_refrescar(cajero=cajero)
        raise
    return venta, True


class _ClaveYaCobrada(Exception):
    pass


_UNA_INSCRIPCION_POR_EDICION = next(
    c.name for c in Inscripcion._meta.constraints if c.name == "inscripcion_una_por_edicion"
)


def _espera_maxima() -> str:
    return f"{int(settings.COBRO_LOCK_TIMEOUT_SEGUNDOS)}s"


def _limitar_espera_de_bloqueos() -> None:
    """Bound the open transaction's lock waits (``SET LOCAL``, as a function: ``SET`` takes no
    bind parameters when the driver binds them on the server)."""
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [_espera_maxima()])


def _espera_vencida(error: OperationalError) -> bool:
    """Whether the error is the transaction's lock_timeout running out (lock_not_available)."""
    return sql.codigo_de_error(error) == "55P03"


# The checkout's reads and locks in two round trips instead of six (the lock_timeout, the cart,
# the shift, the walk-in client, the lines, the products). Hand-written SQL because it runs on
# every sale and compiling the equivalent ORM queries cost more CPU than running them. Lock
# order: the cart, then the shift (FOR NO KEY UPDATE: conflicts with the close's FOR UPDATE,
# so the sale lands in a shift still open when it commits, but not with the FK checks of
# other rows), then the products in primary-key order (the Sort sits below the LockRows node),
# the same order as before, so two checkouts never deadlock. The shift's subquery is correlated
# with the cart's row, so it runs (and locks) only once that row is locked. The lock wait limit
# is set inside the same statement (SET LOCAL as set_config, one statement per execute): the
# cart's row lock sits above its join with ``espera``, so the limit is in force before any
# row of this statement or the next ones is waited for.
_CARRITO_Y_TURNO_BLOQUEAR = """
WITH espera AS MATERIALIZED (
    SELECT set_config('lock_timeout', %(espera)s, true)
), carrito AS (
    SELECT {columnas_c} FROM espera, tra_carrito c WHERE c.id_cajero = %(cajero)s AND c.estado = 'activo' FOR UPDATE OF c
)
SELECT {columnas_carrito},
    (SELECT id_turno FROM tra_turno WHERE id_cajero = carrito.id_cajero AND estado = 'abierto'
     ORDER BY abierto DESC, id_turno DESC LIMIT 1 FOR NO KEY UPDATE) AS turno_abierto_id,
    (SELECT id_cliente FROM cat_cliente WHERE es_publico_general) AS publico_general_id,
    (SELECT comision_porcentaje FROM cat_vendedor
     WHERE id_usuario = COALESCE(carrito.id_vendedor, carrito.id_cajero) AND activo) AS vendedor_comision
FROM carrito
"""
_LINEAS_Y_PRODUCTOS_BLOQUEAR = """
SELECT {columnas_p}, l.id_carrito_linea AS linea_id, l.cantidad AS linea_cantidad,
    l.descuento AS linea_descuento, l.precio_visto AS linea_precio_visto, l.id_alumno AS linea_alumno_id
FROM tra_carrito_linea l JOIN cat_producto p ON p.id_producto = l.id_producto
WHERE l.id_carrito = %(carrito)s
ORDER BY p.id_producto
FOR UPDATE OF p
"""


@functools.cache
def _carrito_y_turno_sql() -> str:
    return _CARRITO_Y_TURNO_BLOQUEAR.format(columnas_c=sql.columnas(Carrito, "c"), columnas_carrito=sql.columnas(Carrito, "carrito"))


@functools.cache
def _lineas_y_productos_sql() -> str:
    return _LINEAS_Y_PRODUCTOS_BLOQUEAR.format(columnas_p=sql.columnas(Producto, "p"))


def _carrito_y_turno_bloquear(*, cajero) -> Carrito | None:
    """The cashier's active cart, locked, with ``turno_abierto_id`` (the open shift, locked, or
    None) and ``publico_general_id``; sets the transaction's lock wait limit first."""
    parametros = {"espera": _espera_maxima(), "cajero": cajero.pk}
    with connections[DB_NEGOCIO].cursor() as cursor:
        sql.ejecutar(cursor, nombre="cobro_carrito", texto=_carrito_y_turno_sql(), parametros=parametros)
        return next(iter(sql.instancias(Carrito, cursor)), None)


def _vendedor_de_la_venta(*, carrito: Carrito, cajero) -> tuple[int, str, Decimal]:
    """(id, name, commission %) of the sale's salesperson: the one a Gerente assigned to the cart,
    else the cashier. The percentage is the salesperson's active ``Vendedor`` row's, read in the
    cart's statement (``vendedor_comision``) and copied onto the sale; a cashier without a row
    sells at 0 %. An assigned salesperson deactivated since is refused, not silently replaced."""
    if carrito.id_vendedor is None:
        return cajero.pk, nombre_para_registro(cajero), carrito.vendedor_comision or Decimal("0")
    if carrito.vendedor_comision is None:
        raise VendedorNoValido(
            f"{carrito.nombre_vendedor} ya no está activo como vendedor: elige otro vendedor para esta venta."
        )
    return carrito.id_vendedor, carrito.nombre_vendedor, carrito.vendedor_comision


def _lineas_y_productos_bloquear(*, carrito: Carrito) -> tuple[list[CarritoLinea], dict[int, Producto]]:
    """The cart's lines in product order and their products, locked FOR UPDATE in that order."""
    lineas, productos = [], {}
    with connections[DB_NEGOCIO].cursor() as cursor:
        sql.ejecutar(cursor, nombre="cobro_lineas", texto=_lineas_y_productos_sql(), parametros={"carrito": carrito.pk})
        filas = sql.instancias(Producto, cursor)
    for producto in filas:
        productos[producto.pk] = producto
        lineas.append(CarritoLinea(
            id=producto.linea_id, carrito=carrito, producto=producto, cantidad=producto.linea_cantidad,
            descuento=producto.linea_descuento, precio_visto=producto.linea_precio_visto,
            alumno_id=producto.linea_alumno_id,
        ))
    return lineas, productos


def _venta_escribir(*, cajero, clave_cobro, huella, pagos, efectivo_recibido, plazo) -> Venta:
    carrito = _carrito_y_turno_bloquear(cajero=cajero)
    if carrito is None or carrito.clave_cobro != clave_cobro:
        # The cart this form belonged to is gone: either it was just charged by a
        # concurrent request with the same key, or the form is stale.
        if Venta.objects.using(DB_NEGOCIO).filter(clave_cobro=clave_cobro).exists():
            raise _ClaveYaCobrada()
        if carrito is None:
            raise CarritoVacio()
        raise CarritoCambiado("Esta pantalla de cobro ya no corresponde al carrito actual. Revisa y vuelve a cobrar.")
    # Checked after the cart's key, so a repeated POST gets its ticket even once the shift is closed.
    if carrito.turno_abierto_id is None:
        raise TurnoNoAbierto()
    vendedor_id, vendedor_nombre, comision = _vendedor_de_la_venta(carrito=carrito, cajero=cajero)
    lineas, productos = _lineas_y_productos_bloquear(carrito=carrito)
    if not lineas:
        raise CarritoVacio()
    if carrito_huella(cliente_id=carrito.cliente_id, lineas=lineas) != huella:
        raise CarritoCambiado("El carrito cambió desde que se mostró el cobro. Revisa el total y vuelve a cobrar.")
    cambiados = [productos[x.producto_id] for x in lineas if productos[x.producto_id].precio != x.precio_visto]
    if cambiados:
        detalle = ", ".join(f"{p.nombre} ahora cuesta ${p.precio:,.2f}" for p in cambiados)
        raise CarritoCambiado(f"Cambió el precio: {detalle}. Revisa el nuevo total y vuelve a cobrar.")
    _inscripciones_revisar(carrito=carrito, lineas=lineas, productos=productos)

    limite = limite_descuento()
    puede_autorizar = cajero.has_perm(PERMISO_AUTORIZAR)
    calculadas = []
    requiere_autorizacion = False
    for linea in lineas:
        producto = productos[linea.producto_id]
        _producto_vendible_al_cobrar(producto, linea.cantidad)
        try:
            calculada = calculos.linea_calcular(
                precio_unitario=producto.precio, cantidad=linea.cantidad, descuento=linea.descuento,
                tasa_iva=producto.tasa_iva,
            )
        except ValueError as error:
            raise DescuentoNoValido(f"{producto.nombre}: {error}") from error
        if linea.descuento > calculos.a_centavos(calculada.bruto * limite):
            requiere_autorizacion = True
            if not puede_autorizar and carrito.id_autorizo_descuento is None:
                raise DescuentoNoAutorizado(producto=producto.nombre, limite_pct=int(limite * 100))
        calculadas.append((linea, producto, calculada))
    totales = calculos.totales_calcular(c for _, _, c in calculadas)
    a_cobrar, a_plazos = _plazo_revisar(plazo=plazo, total=totales.total, carrito=carrito, productos=productos)
    try:
        pagos_calculados = calculos.pagos_calcular(
            total=a_cobrar,
            no_efectivo=[(p.metodo, p.monto, p.referencia) for p in pagos],
            efectivo_recibido=efectivo_recibido,
        )
    except ValueError as error:
        raise PagoNoValido(str(error)) from error
    # Store credit: the client's account row is locked after the products (always this order),
    # and its balance checked under that lock; the CHECK saldo >= 0 backs it.
    con_saldo = sum((p.monto for p in pagos_calculados if p.metodo == MetodoPago.MONEDERO), Decimal("0"))
    monedero = None
    if con_saldo > 0:
        if carrito.cliente_id is None or carrito.cliente_id == carrito.publico_general_id:
            raise PagoNoValido("Para pagar con saldo a favor elige primero al cliente.")
        monedero = monedero_bloquear(cliente_id=carrito.cliente_id)
        saldo = monedero.saldo if monedero is not None else Decimal("0")
        if saldo < con_saldo:
            raise SaldoInsuficiente(saldo=saldo, monto=con_saldo)

    autorizo_id, autorizo_nombre = None, ""
    if requiere_autorizacion:
        if carrito.id_autorizo_descuento is not None:
            autorizo_id, autorizo_nombre = carrito.id_autorizo_descuento, carrito.nombre_autorizo_descuento
        else:
            autorizo_id, autorizo_nombre = cajero.pk, nombre_para_registro(cajero)
    # INSCRIPCION_ACTIVA_DESDE = "liquidado": a seat sold in installments and not paid in full
    # now is taken (its stock moves below) but waits, not sent to Aula, until the sale owes
    # nothing (cursos.services.inscripciones_liquidadas_activar, called by the abono that settles it).
    espera = (plazo is not None and plazo.modalidad == ModalidadVenta.PARCIALIDADES and a_cobrar < totales.total
              and inscripcion_espera_liquidar())
    venta = _venta_insertar(
        estado_inscripcion=EstadoInscripcion.POR_PAGAR if espera else EstadoInscripcion.ACTIVA,
        # The lines in the cart's order (as they were scanned), which the ticket shows; only the
        # locks above go by product.
        carrito=carrito, calculadas=sorted(calculadas, key=lambda c: c[0].id), pagos=pagos_calculados,
        campos={
            "cliente_id": carrito.cliente_id or carrito.publico_general_id,
            "clave_cobro": clave_cobro,
            "huella_carrito": huella,
            "id_cajero": cajero.pk,
            "nombre_cajero": nombre_para_registro(cajero),
            "id_autorizo_descuento": autorizo_id,
            "nombre_autorizo_descuento": autorizo_nombre,
            "id_vendedor": vendedor_id,
            "nombre_vendedor": vendedor_nombre,
            "comision_porcentaje": comision,
            "subtotal": totales.subtotal,
            "descuento": totales.descuento,
            "iva": totales.iva,
            "total": totales.total,
            "estado": EstadoVenta.COMPLETADA,
            "turno_id": carrito.turno_abierto_id,
            "articulos": sum(linea.cantidad for linea in lineas),
            "total_devuelto": Decimal("0"),
            "pagado": a_cobrar,
            "liberado": None,  # set by ventas.apartados when an apartado's goods go back
            **a_plazos,
        },
    )
    apartado = plazo is not None and plazo.modalidad == ModalidadVenta.APARTADO
    existencias_mover(
        movimientos=[
            MovimientoDatos(producto_id=linea.producto_id, tipo=TipoMovimiento.APARTADO, cantidad=-linea.cantidad,
                            cantidad_apartada=linea.cantidad, motivo=venta.folio_texto, id_venta=venta.pk)
            if apartado else
            MovimientoDatos(producto_id=linea.producto_id, tipo=TipoMovimiento.VENTA, cantidad=-linea.cantidad,
                            motivo=venta.folio_texto, id_venta=venta.pk)
            for linea in lineas
        ],
        usuario=cajero,
        bloqueados=productos,
    )
    if monedero is not None:
        monedero_cargar_venta(monedero=monedero, monto=con_saldo, venta_id=venta.pk, usuario=cajero)
    if plazo is not None and plazo.parcialidades:
        VentaParcialidad.objects.using(DB_NEGOCIO).bulk_create(
            VentaParcialidad(venta_id=venta.pk, numero=numero, concepto=p.concepto[:120], monto=p.monto, vence=p.vence)
            for numero, p in enumerate(plazo.parcialidades, start=1)
        )
    # The enrollments were written with the sale; their creation in Aula is queued in the same
    # transaction (the outbox sends it after commit, once the alumno exists in SII).
    if not espera:
        for inscripcion_id in venta.inscripciones_creadas:
            inscripcion_encolar(inscripcion_id=inscripcion_id, operacion="crear")
    return venta


def _plazo_revisar(*, plazo: PlazoDatos | None, total: Decimal, carrito, productos) -> tuple[Decimal, dict]:
    """What the payments must cover now and the sale's paying-over-time fields. Checked with the
    totals computed from the locked rows, so a stale form cannot lower the minimum."""
    if plazo is None:
        return total, {"modalidad": ModalidadVenta.CONTADO, "vence": None, "entregado": None}
    if carrito.cliente_id is None or carrito.cliente_id == carrito.publico_general_id:
        raise PagoNoValido("Para dejar saldo pendiente elige primero al cliente: «Público en general» paga completo.")
    anticipo = plazo.anticipo
    if anticipo != calculos.a_centavos(anticipo) or anticipo <= 0:
        raise PagoNoValido("El anticipo va en pesos y centavos y debe ser mayor que cero.")
    if anticipo < plazo.minimo:
        raise PagoNoValido(f"El anticipo mínimo es ${plazo.minimo:,.2f}.")
    if anticipo > total:
        raise PagoNoValido(f"El anticipo (${anticipo:,.2f}) no puede pasar del total (${total:,.2f}).")
    if plazo.modalidad == ModalidadVenta.APARTADO:
        if any(p.tipo != TipoProducto.ARTICULO for p in productos.values()):
            raise PagoNoValido("Un apartado solo lleva artículos: cobra los cursos aparte.")
        if plazo.vence is None or plazo.vence < timezone.localdate():
            raise PagoNoValido("El apartado necesita una fecha límite de hoy en adelante.")
        return anticipo, {"modalidad": ModalidadVenta.APARTADO, "vence": plazo.vence, "entregado": None}
    if plazo.modalidad == ModalidadVenta.PARCIALIDADES:
        if not plazo.parcialidades or sum(p.monto for p in plazo.parcialidades) != total:
            raise CarritoCambiado("El plan de pagos ya no corresponde al total del carrito. Revisa y vuelve a cobrar.")
        vigente = parcialidad_vigente(parcialidades=plazo.parcialidades, pagado=anticipo)
        return anticipo, {"modalidad": ModalidadVenta.PARCIALIDADES, "vence": vigente.vence if vigente else None,
                          "entregado": None}
    raise PagoNoValido("Modalidad de pago desconocida.")


def _inscripciones_revisar(*, carrito: Carrito, lineas: list[CarritoLinea], productos: dict[int, Producto]) -> None:
    """The course seats' rules (``selectors.inscripciones_impedimento``) asked again under the
    locks: the free seats come from the locked product rows, the rest is read after them."""
    asientos = [(x.producto_id, x.alumno_id) for x in lineas if productos[x.producto_id].tipo == TipoProducto.CURSO]
    if any(x.alumno_id is not None for x in lineas if productos[x.producto_id].tipo != TipoProducto.CURSO):
        raise CarritoCambiado("Una línea de artículo tiene un alumno: quítala y vuelve a agregarla.")
    motivo = inscripciones_impedimento(
        cliente_id=carrito.cliente_id, asientos=asientos, publico_general=carrito.publico_general_id,
        libres={producto_id: productos[producto_id].existencia for producto_id, _ in asientos},
    )
    if motivo:
        raise InscripcionNoValida(motivo)


# The sale, its lines and payments, and the charged cart deleted, in one statement: the sale's
# row feeds its id to the lines and payments through the CTE. Written by hand for the same
# reason as the locks above (the four ORM inserts cost more CPU to build than to run). Only
# names go into the braces, all read from the models (every field the app writes, in model
# order; ventas_ingenio.sql) and quoted by the backend; every value is a %(…)s parameter, named
# after its field, so a field added to Venta, VentaDetalle or Pago is written here too and a
# value nobody supplies fails with KeyError instead of being left out.
_VENTA_INSERTAR = """
WITH venta AS (
    INSERT INTO {venta} ({venta_columnas}) VALUES ({venta_valores})
    RETURNING {venta_devueltas}
), lineas AS (
    INSERT INTO {linea} ({l_columnas})
    SELECT {l_seleccion} FROM venta, UNNEST({l_arreglos}) AS l({l_nombres})
    RETURNING {linea_pk}, {linea_producto}, {linea_alumno}
), inscripciones AS (
    INSERT INTO {inscripcion} ({i_columnas})
    SELECT {i_seleccion} FROM lineas WHERE lineas.{linea_alumno} IS NOT NULL
    RETURNING {inscripcion_pk}
), pagos AS (
    INSERT INTO {pago} ({p_columnas})
    SELECT {p_seleccion} FROM venta, UNNEST({p_arreglos}) AS l({p_nombres})
), carrito_lineas AS (
    DELETE FROM {carrito_linea} WHERE {carrito_linea_carrito} = %(carrito)s
), carrito AS (
    DELETE FROM {carrito} WHERE {carrito_pk} = %(carrito)s
)
SELECT {venta_devueltas}, ARRAY(SELECT {inscripcion_pk} FROM inscripciones ORDER BY 1) FROM venta
"""

# Where each field of an enrollment comes from: the sale line just written, or a constant
# parameter ``i_<attname>`` (``estado`` is given per sale: activa, or por_pagar). A field
# added to Inscripcion and missing here fails with KeyError.
_INSCRIPCION_DE_LINEA = {"alumno_id": "alumno", "edicion_id": "producto", "venta_detalle_id": "id"}
_INSCRIPCION_CONSTANTES = {"estado": EstadoInscripcion.ACTIVA, "id_aula": "", "cancelado": None}


def _inscripcion_seleccion() -> str:
    partes = []
    for campo in sql.campos_insertables(Inscripcion):
        if campo.attname in _INSCRIPCION_DE_LINEA:
            partes.append(f"lineas.{sql.columna(VentaDetalle, _INSCRIPCION_DE_LINEA[campo.attname])}")
        else:
            _INSCRIPCION_CONSTANTES[campo.attname]  # noqa: B018 - KeyError for a field nobody supplies
            partes.append(f"%(i_{campo.attname})s::{sql.tipo_arreglo(campo).removesuffix('[]')}")
    return ", ".join(partes)


def _de_venta(modelo, prefijo: str) -> dict[str, str]:
    """The INSERT … SELECT pieces of a child of the sale: its key to the sale comes from the
    ``venta`` CTE, every other field from an ``UNNEST`` array named ``<prefijo>_<attname>``."""
    campos = sql.campos_insertables(modelo)
    arreglo = [c for c in campos if c.remote_field is None or c.remote_field.model is not Venta]
    venta_pk = sql.columna(Venta, "id")
    return {
        f"{prefijo}_columnas": ", ".join(sql.nombre(c.column) for c in campos),
        f"{prefijo}_seleccion": ", ".join(
            f"l.{sql.nombre(c.column)}" if c in arreglo else f"venta.{venta_pk}" for c in campos
        ),
        f"{prefijo}_arreglos": ", ".join(f"%({prefijo}_{c.attname})s::{sql.tipo_arreglo(c)}" for c in arreglo),
        f"{prefijo}_nombres": ", ".join(sql.nombre(c.column) for c in arreglo),
    }


@functools.cache
def _venta_insertar_sql() -> str:
    return _VENTA_INSERTAR.format(
        venta=sql.tabla(Venta),
        venta_columnas=", ".join(sql.nombre(c.column) for c in sql.campos_insertables(Venta)),
        venta_valores=", ".join(f"%(v_{c.attname})s" for c in sql.campos_insertables(Venta)),
        venta_devueltas=", ".join(sql.nombre(c.column) for c in sql.campos_de_la_base(Venta)),
        linea=sql.tabla(VentaDetalle),
        **_de_venta(VentaDetalle, "l"),
        pago=sql.tabla(Pago),
        **_de_venta(Pago, "p"),
        carrito_linea=sql.tabla(CarritoLinea),
        carrito_linea_carrito=sql.columna(CarritoLinea, "carrito"),
        carrito=sql.tabla(Carrito),
        carrito_pk=sql.columna(Carrito, "id"),
        linea_pk=sql.columna(VentaDetalle, "id"),
        linea_producto=sql.columna(VentaDetalle, "producto"),
        linea_alumno=sql.columna(VentaDetalle, "alumno"),
        inscripcion=sql.tabla(Inscripcion),
        i_columnas=", ".join(sql.nombre(c.column) for c in sql.campos_insertables(Inscripcion)),
        i_seleccion=_inscripcion_seleccion(),
        inscripcion_pk=sql.columna(Inscripcion, "id"),
    )


def _arreglos(modelo, prefijo: str, filas: list[dict]) -> dict[str, list]:
    """One array parameter per field ``_de_venta`` reads from ``UNNEST``."""
    return {
        f"{prefijo}_{c.attname}": [fila[c.attname] for fila in filas]
        for c in sql.campos_insertables(modelo)
        if c.remote_field is None or c.remote_field.model is not Venta
    }


def _venta_insertar(*, carrito: Carrito, calculadas, pagos, campos: dict, estado_inscripcion: str) -> Venta:
    """Write the sale (``campos``: Venta's fields by attname), its lines, its payments; delete the cart."""
    lineas = [
        {
            "producto_id": producto.pk,
            "cantidad": c.cantidad,
            "descuento": c.descuento,
            "descripcion": f"{producto.codigo} {producto.nombre}"[:260],
            "precio_unitario": c.precio_unitario,
            "tasa_iva": c.tasa_iva,
            "importe": c.importe,
            "iva": c.iva,
            "cantidad_devuelta": 0,
            "alumno_id": linea.alumno_id,
        }
        for linea, producto, c in calculadas
    ]
    cobros = [
        {"metodo": p.metodo, "monto": p.monto, "recibido": p.recibido, "cambio": p.cambio, "referencia": p.referencia}
        for p in pagos
    ]
    parametros = {
        **{f"v_{c.attname}": campos[c.attname] for c in sql.campos_insertables(Venta)},
        **_arreglos(VentaDetalle, "l", lineas),
        **_arreglos(Pago, "p", cobros),
        **{f"i_{c}": v for c, v in _INSCRIPCION_CONSTANTES.items()},
        "i_estado": estado_inscripcion,
        "carrito": carrito.pk,
    }
    with connections[DB_NEGOCIO].cursor() as cursor:
        sql.ejecutar(cursor, nombre="cobro_venta", texto=_venta_insertar_sql(), parametros=parametros)
        *devueltos, inscripciones = cursor.fetchone()
    de_la_base = dict(zip((c.attname for c in sql.campos_de_la_base(Venta)), devueltos, strict=True))
    venta = sql.instancia(Venta, {**campos, **de_la_base})
    venta.inscripciones_creadas = list(inscripciones)
    venta.cambio_entregado = sum((p.cambio for p in pagos), Decimal("0"))  # the post-sale panel shows it
    return venta


def _producto_vendible_al_cobrar(producto: Producto, cantidad: int) -> None:
    if not producto.activo:
        raise ProductoNoVendible(f"{producto.nombre} está dado de baja: quítalo del carrito.")
    if cantidad > producto.existencia:
        raise ExistenciaInsuficiente(producto=producto, disponible=producto.existencia)


def _precios_refrescar(*, cajero) -> None:
    """After a refused checkout, the cart adopts the current prices so the cashier sees them."""
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = Carrito.objects.using(DB_NEGOCIO).filter(id_cajero=cajero.pk, estado=Carrito.Estado.ACTIVO).first()
        if carrito is None:
            return
        for linea in CarritoLinea.objects.using(DB_NEGOCIO).select_related("producto").filter(carrito=carrito):
            if linea.precio_visto != linea.producto.precio:
                linea.precio_visto = linea.producto.precio
                linea.save(using=DB_NEGOCIO, update_fields=["precio_visto"])
