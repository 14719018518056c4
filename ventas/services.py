"""Writes of the point of sale: the cashier's server-side cart and the checkout.

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

Returns and cancellations (``venta_devolver``, ``venta_cancelar``) follow the same shape:
the sale's row is locked first (every return of a sale is serialised on it), then the
user's open shift (same mode as the checkout), then the products through
``existencias_mover`` (kind "cancelacion_venta"); the form's one-time key is unique on
``Devolucion``.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, OperationalError, connections, transaction
from django.db.models import Sum
from django.utils import timezone

from inventario.exceptions import ExistenciaInsuficiente
from inventario.models import Producto, TipoMovimiento
from inventario.services import MovimientoDatos, existencias_mover
from ventas import calculos
from ventas.exceptions import (
    AutorizacionRechazada,
    CantidadNoValida,
    CarritoCambiado,
    CarritoNoEncontrado,
    CarritoVacio,
    CierreNoValido,
    ClaveCobroReutilizada,
    ClaveDevolucionReutilizada,
    ClienteNoValido,
    CobroOcupado,
    DescuentoNoAutorizado,
    DescuentoNoValido,
    DevolucionNoPermitida,
    DevolucionNoValida,
    DevolucionOcupada,
    DiferenciaNoAutorizada,
    MontoNoValido,
    MotivoRequerido,
    MovimientoCajaNoValido,
    PagoNoValido,
    ProductoNoVendible,
    ReembolsoExcedeEfectivo,
    RetiroExcedeEfectivo,
    TurnoNoAbierto,
    TurnoNoEncontrado,
    TurnoYaAbierto,
    TurnoYaCerrado,
    VentaDeOtroDia,
    VentaNoEncontrada,
    VentaYaCancelada,
)
from ventas.models import (
    Carrito,
    CarritoLinea,
    Devolucion,
    DevolucionLinea,
    EstadoTurno,
    EstadoVenta,
    MetodoPago,
    MovimientoCaja,
    Reembolso,
    TipoDevolucion,
    TipoMovimientoCaja,
    Turno,
    Venta,
    VentaDetalle,
)
from ventas_ingenio import autorizacion
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

CANTIDAD_MAXIMA = 9999
PERMISO_AUTORIZAR = "ventas.autorizar_descuento"
PERMISO_VENDER = "ventas.add_venta"
PERMISO_DEVOLVER = "ventas.devolver_venta"
PERMISO_VER_TODAS = "ventas.ver_todas"
PERMISO_AUTORIZAR_DIFERENCIA = "ventas.autorizar_diferencia"
# Close anyone's shift (a Gerente closing for a cashier who left); without it, only one's own.
PERMISO_CERRAR_AJENO = "ventas.change_turno"


def limite_descuento() -> Decimal:
    """Largest discount per line (fraction of the line) a cashier gives without a Gerente."""
    return Decimal(str(settings.DESCUENTO_MAXIMO_CAJERO))


def limite_diferencia_corte() -> Decimal:
    """Largest |counted − expected| per method a shift closes with without a Gerente."""
    return Decimal(str(settings.DIFERENCIA_MAXIMA_CORTE))


def _autorizador_verificar(*, usuario: str, clave: str, permiso: str, que: str, detalle: str, request):
    """The Gerente typing their username and password on someone else's screen.

    Returns the authorising user; raises ``AutorizacionRechazada`` on wrong credentials, when
    that user lacks ``permiso``, or while too many wrong passwords for that Gerente from this
    till keep them refused (``ventas_ingenio.autorizacion``, shared with the sign-in limit).
    Never inside a transaction: hashing takes a while.
    """
    try:
        return autorizacion.autorizador_verificar(
            request=request, usuario=usuario, clave=clave, permiso=permiso, que=que, detalle=detalle
        )
    except autorizacion.AutorizacionNoValida as error:
        raise AutorizacionRechazada(str(error)) from error


# --- Cart ---------------------------------------------------------------------------------


def carrito_activo_obtener(*, cajero) -> Carrito:
    """The cashier's active cart, created on first use."""
    with transaction.atomic(using=DB_NEGOCIO):
        return _carrito_bloquear(cajero=cajero)


def _carrito_bloquear(*, cajero, carrito_id: int | None = None) -> Carrito:
    consulta = Carrito.objects.using(DB_NEGOCIO).select_for_update().filter(id_cajero=cajero.pk)
    consulta = consulta.filter(pk=carrito_id) if carrito_id else consulta.filter(estado=Carrito.Estado.ACTIVO)
    carrito = consulta.first()
    if carrito is None:
        if carrito_id:
            raise CarritoNoEncontrado()
        carrito = Carrito.objects.using(DB_NEGOCIO).create(id_cajero=cajero.pk)
    return carrito


def _producto_vendible(producto: Producto, cantidad: int) -> None:
    if not producto.activo:
        raise ProductoNoVendible(f"{producto.nombre} está dado de baja: no se puede vender.")
    if producto.existencia <= 0:
        raise ProductoNoVendible(f"{producto.nombre} no tiene existencia.")
    if cantidad > producto.existencia:
        raise ProductoNoVendible(f"Existencia insuficiente: {producto.nombre} (quedan {producto.existencia})")


def carrito_agregar(*, cajero, producto_id: int, cantidad: int = 1) -> CarritoLinea:
    """Add units of a product to the active cart (one more unit per scan)."""
    if cantidad <= 0 or cantidad > CANTIDAD_MAXIMA:
        raise CantidadNoValida(f"La cantidad debe ser un número entero entre 1 y {CANTIDAD_MAXIMA}.")
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        producto = Producto.objects.using(DB_NEGOCIO).filter(pk=producto_id).first()
        if producto is None:
            raise ProductoNoVendible("Ese producto no existe.")
        linea = CarritoLinea.objects.using(DB_NEGOCIO).filter(carrito=carrito, producto=producto).first()
        nueva = (linea.cantidad if linea else 0) + cantidad
        if nueva > CANTIDAD_MAXIMA:
            raise CantidadNoValida(f"La cantidad debe ser un número entero entre 1 y {CANTIDAD_MAXIMA}.")
        _producto_vendible(producto, nueva)
        if linea is None:
            linea = CarritoLinea(carrito=carrito, producto=producto, cantidad=nueva, precio_visto=producto.precio)
        linea.cantidad = nueva
        linea.precio_visto = producto.precio
        linea.save(using=DB_NEGOCIO)
        carrito.save(using=DB_NEGOCIO, update_fields=["actualizado"])
        return linea


def carrito_linea_cambiar(*, cajero, linea_id: int, cantidad: int, descuento: Decimal) -> CarritoLinea:
    """Set a line's quantity and discount (an amount in pesos, never above the line)."""
    if cantidad <= 0 or cantidad > CANTIDAD_MAXIMA:
        raise CantidadNoValida(f"La cantidad debe ser un número entero entre 1 y {CANTIDAD_MAXIMA}.")
    if descuento < 0 or descuento != calculos.a_centavos(descuento):
        raise DescuentoNoValido("El descuento va en pesos y centavos, sin negativos.")
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        linea = (
            CarritoLinea.objects.using(DB_NEGOCIO).select_related("producto").filter(pk=linea_id, carrito=carrito).first()
        )
        if linea is None:
            raise CarritoNoEncontrado()
        if descuento > linea.producto.precio * cantidad:
            raise DescuentoNoValido(f"El descuento de {linea.producto.nombre} no puede ser mayor que su importe.")
        if cantidad > linea.cantidad:
            _producto_vendible(linea.producto, cantidad)
        linea.cantidad = cantidad
        linea.descuento = descuento
        linea.precio_visto = linea.producto.precio
        linea.save(using=DB_NEGOCIO)
        carrito.save(using=DB_NEGOCIO, update_fields=["actualizado"])
        return linea


def carrito_linea_quitar(*, cajero, linea_id: int) -> None:
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        CarritoLinea.objects.using(DB_NEGOCIO).filter(pk=linea_id, carrito=carrito).delete()


def carrito_vaciar(*, cajero) -> None:
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        CarritoLinea.objects.using(DB_NEGOCIO).filter(carrito=carrito).delete()
        carrito.cliente_id = None
        carrito.id_autorizo_descuento = None
        carrito.nombre_autorizo_descuento = ""
        carrito.save(using=DB_NEGOCIO)


def carrito_cliente_asignar(*, cajero, cliente_id: int | None) -> Carrito:
    from clientes.models import Cliente

    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        if cliente_id is not None and not Cliente.objects.using(DB_NEGOCIO).filter(pk=cliente_id, activo=True).exists():
            raise ClienteNoValido()
        carrito.cliente_id = cliente_id
        carrito.save(using=DB_NEGOCIO)
        return carrito


def carrito_poner_en_espera(*, cajero, nota: str = "") -> Carrito:
    """Park the active cart; the next scan starts a new one."""
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        if not carrito.lineas.exists():
            raise CarritoVacio()
        carrito.estado = Carrito.Estado.EN_ESPERA
        carrito.nota = nota.strip()[:80]
        carrito.save(using=DB_NEGOCIO)
        return carrito


def carrito_reanudar(*, cajero, carrito_id: int) -> Carrito:
    """Resume a parked cart; the cart that was active (if it has lines) is parked in its place."""
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero, carrito_id=carrito_id)
        actual = (
            Carrito.objects.using(DB_NEGOCIO).select_for_update()
            .filter(id_cajero=cajero.pk, estado=Carrito.Estado.ACTIVO).exclude(pk=carrito.pk).first()
        )
        if actual is not None:
            if actual.lineas.exists():
                actual.estado = Carrito.Estado.EN_ESPERA
                actual.save(using=DB_NEGOCIO)
            else:
                actual.delete(using=DB_NEGOCIO)
        carrito.estado = Carrito.Estado.ACTIVO
        carrito.save(using=DB_NEGOCIO)
        return carrito


def carrito_autorizar_descuentos(*, cajero, usuario: str, clave: str, request) -> Carrito:
    """A Gerente authorises, on the cashier's screen, discounts above the cashier's limit.

    ``request`` is the till's: wrong passwords are limited per Gerente and till address.
    """
    autorizador = _autorizador_verificar(
        usuario=usuario, clave=clave, permiso=PERMISO_AUTORIZAR, que="descuentos",
        detalle=f"descuentos del carrito de {cajero.username}", request=request,
    )
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        carrito.id_autorizo_descuento = autorizador.pk
        carrito.nombre_autorizo_descuento = nombre_para_registro(autorizador)
        carrito.save(using=DB_NEGOCIO)
        return carrito


def carrito_huella(*, cliente_id: int | None, lineas) -> str:
    """Fingerprint of what the cashier saw: client, products, quantities, discounts, prices."""
    partes = [f"c{cliente_id or 0}"]
    for linea in sorted(lineas, key=lambda x: x.producto_id):
        partes.append(f"{linea.producto_id}:{linea.cantidad}:{linea.descuento}:{linea.precio_visto}")
    return hashlib.sha256("|".join(partes).encode()).hexdigest()


# --- Checkout -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PagoDatos:
    metodo: str  # tarjeta or transferencia
    monto: Decimal
    referencia: str = ""


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
) -> tuple[Venta, bool]:
    """Charge the cashier's active cart. Returns ``(venta, creada)``.

    ``clave_cobro`` and ``huella`` come from the checkout form. If a sale with that key
    exists (double click, resubmit, back button) it is returned with ``creada=False`` and
    nothing is written; the same key with another cart raises ``ClaveCobroReutilizada``.
    Raises ``CarritoVacio``, ``CarritoCambiado`` (a price or line changed since the form was
    shown: the cart then shows the new prices), ``ExistenciaInsuficiente``,
    ``ProductoNoVendible``, ``DescuentoNoAutorizado``, ``PagoNoValido``, ``TurnoNoAbierto``
    (the cashier has no open shift; the sale goes into that shift) and ``CobroOcupado``
    (lock wait over the limit). On any error nothing is written.
    """
    # No lookup of the key before the transaction: a repeat finds its cart gone under the
    # cart's lock and is answered with the first sale (_ClaveYaCobrada below), one query
    # fewer on every first checkout.
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            venta = _venta_escribir(
                cajero=cajero, clave_cobro=clave_cobro, huella=huella, pagos=pagos, efectivo_recibido=efectivo_recibido
            )
    except IntegrityError:
        # A concurrent POST with the same key won the race: its sale is the answer.
        existente = _venta_existente(clave_cobro=clave_cobro, huella=huella)
        if existente is None:
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


def _espera_maxima() -> str:
    return f"{int(settings.COBRO_LOCK_TIMEOUT_SEGUNDOS)}s"


def _limitar_espera_de_bloqueos() -> None:
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = %s", [_espera_maxima()])


def _espera_vencida(error: OperationalError) -> bool:
    """Whether the error is the transaction's lock_timeout running out (lock_not_available)."""
    return getattr(error.__cause__, "pgcode", None) == "55P03"


# The checkout's reads and locks in two round trips instead of six (the lock_timeout, the cart,
# the shift, the walk-in client, the lines, the products). Hand-written SQL because it runs on
# every sale and compiling the equivalent ORM queries cost more CPU than running them. Lock
# order: the cart, then the shift (FOR NO KEY UPDATE: conflicts with the close's FOR UPDATE,
# so the sale lands in a shift still open when it commits, but not with the FK checks of
# other rows), then the products in primary-key order (the Sort sits below the LockRows node),
# the same order as before, so two checkouts never deadlock. The shift's subquery is correlated
# with the cart's row, so it runs (and locks) only once that row is locked.
_CARRITO_Y_TURNO_BLOQUEAR = """
SET LOCAL lock_timeout = %(espera)s;
WITH carrito AS (
    SELECT * FROM tra_carrito WHERE id_cajero = %(cajero)s AND estado = 'activo' FOR UPDATE
)
SELECT carrito.*,
    (SELECT id_turno FROM tra_turno WHERE id_cajero = carrito.id_cajero AND estado = 'abierto'
     ORDER BY abierto DESC, id_turno DESC LIMIT 1 FOR NO KEY UPDATE) AS turno_abierto_id,
    (SELECT id_cliente FROM cat_cliente WHERE es_publico_general) AS publico_general_id
FROM carrito
"""
_LINEAS_Y_PRODUCTOS_BLOQUEAR = """
SELECT p.*, l.id_carrito_linea AS linea_id, l.cantidad AS linea_cantidad,
    l.descuento AS linea_descuento, l.precio_visto AS linea_precio_visto
FROM tra_carrito_linea l JOIN cat_producto p ON p.id_producto = l.id_producto
WHERE l.id_carrito = %s
ORDER BY p.id_producto
FOR UPDATE OF p
"""


def _carrito_y_turno_bloquear(*, cajero) -> Carrito | None:
    """The cashier's active cart, locked, with ``turno_abierto_id`` (the open shift, locked, or
    None) and ``publico_general_id``; sets the transaction's lock wait limit first."""
    parametros = {"espera": _espera_maxima(), "cajero": cajero.pk}
    consulta = Carrito.objects.using(DB_NEGOCIO).raw(_CARRITO_Y_TURNO_BLOQUEAR, parametros)
    return next(iter(consulta), None)


def _lineas_y_productos_bloquear(*, carrito: Carrito) -> tuple[list[CarritoLinea], dict[int, Producto]]:
    """The cart's lines in product order and their products, locked FOR UPDATE in that order."""
    lineas, productos = [], {}
    for producto in Producto.objects.using(DB_NEGOCIO).raw(_LINEAS_Y_PRODUCTOS_BLOQUEAR, [carrito.pk]):
        productos[producto.pk] = producto
        lineas.append(CarritoLinea(
            id=producto.linea_id, carrito=carrito, producto=producto, cantidad=producto.linea_cantidad,
            descuento=producto.linea_descuento, precio_visto=producto.linea_precio_visto,
        ))
    return lineas, productos


def _venta_escribir(*, cajero, clave_cobro, huella, pagos, efectivo_recibido) -> Venta:
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
    lineas, productos = _lineas_y_productos_bloquear(carrito=carrito)
    if not lineas:
        raise CarritoVacio()
    if carrito_huella(cliente_id=carrito.cliente_id, lineas=lineas) != huella:
        raise CarritoCambiado("El carrito cambió desde que se mostró el cobro. Revisa el total y vuelve a cobrar.")
    cambiados = [productos[x.producto_id] for x in lineas if productos[x.producto_id].precio != x.precio_visto]
    if cambiados:
        detalle = ", ".join(f"{p.nombre} ahora cuesta ${p.precio:,.2f}" for p in cambiados)
        raise CarritoCambiado(f"Cambió el precio: {detalle}. Revisa el nuevo total y vuelve a cobrar.")

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
    try:
        pagos_calculados = calculos.pagos_calcular(
            total=totales.total,
            no_efectivo=[(p.metodo, p.monto, p.referencia) for p in pagos],
            efectivo_recibido=efectivo_recibido,
        )
    except ValueError as error:
        raise PagoNoValido(str(error)) from error

    autorizo_id, autorizo_nombre = None, ""
    if requiere_autorizacion:
        if carrito.id_autorizo_descuento is not None:
            autorizo_id, autorizo_nombre = carrito.id_autorizo_descuento, carrito.nombre_autorizo_descuento
        else:
            autorizo_id, autorizo_nombre = cajero.pk, nombre_para_registro(cajero)
    venta = _venta_insertar(
        carrito=carrito, calculadas=calculadas, pagos=pagos_calculados,
        campos={
            "cliente_id": carrito.cliente_id or carrito.publico_general_id,
            "clave_cobro": clave_cobro,
            "huella_carrito": huella,
            "id_cajero": cajero.pk,
            "nombre_cajero": nombre_para_registro(cajero),
            "id_autorizo_descuento": autorizo_id,
            "nombre_autorizo_descuento": autorizo_nombre,
            "subtotal": totales.subtotal,
            "descuento": totales.descuento,
            "iva": totales.iva,
            "total": totales.total,
            "estado": EstadoVenta.COMPLETADA,
            "turno_id": carrito.turno_abierto_id,
            "articulos": sum(linea.cantidad for linea in lineas),
            "total_devuelto": Decimal("0"),
        },
    )
    existencias_mover(
        movimientos=[
            MovimientoDatos(producto_id=linea.producto_id, tipo=TipoMovimiento.VENTA, cantidad=-linea.cantidad,
                            motivo=venta.folio_texto, id_venta=venta.pk)
            for linea in lineas
        ],
        usuario=cajero,
        bloqueados=productos,
    )
    return venta


# The sale, its lines and payments, and the charged cart deleted, in one statement: the sale's
# row feeds its id to the lines and payments through the CTE. Written by hand for the same
# reason as the locks above (the four ORM inserts cost ~2.5 ms of CPU to build on every sale).
# Every column is listed: test_insercion_de_venta_escribe_todas_las_columnas fails when a
# field is added to Venta, VentaDetalle or Pago and not here.
_VENTA_INSERTAR = """
WITH venta AS (
    INSERT INTO tra_venta (id_cliente, clave_cobro, huella_carrito, id_cajero, nombre_cajero,
        id_autorizo_descuento, nombre_autorizo_descuento, subtotal, descuento, iva, total, estado,
        id_turno, articulos, total_devuelto)
    VALUES (%(cliente_id)s, %(clave_cobro)s, %(huella_carrito)s, %(id_cajero)s, %(nombre_cajero)s,
        %(id_autorizo_descuento)s, %(nombre_autorizo_descuento)s, %(subtotal)s, %(descuento)s, %(iva)s,
        %(total)s, %(estado)s, %(turno_id)s, %(articulos)s, %(total_devuelto)s)
    RETURNING id_venta, folio, fecha
), lineas AS (
    INSERT INTO tra_venta_det (id_venta, id_producto, cantidad, descuento, descripcion, precio_unitario,
        tasa_iva, importe, iva, cantidad_devuelta)
    SELECT venta.id_venta, l.*, 0 FROM venta, UNNEST(%(l_producto)s::bigint[], %(l_cantidad)s::integer[],
        %(l_descuento)s::numeric[], %(l_descripcion)s::text[], %(l_precio)s::numeric[], %(l_tasa)s::numeric[],
        %(l_importe)s::numeric[], %(l_iva)s::numeric[]) AS l
), pagos AS (
    INSERT INTO tra_pago (id_venta, metodo, monto, recibido, cambio, referencia)
    SELECT venta.id_venta, p.* FROM venta, UNNEST(%(p_metodo)s::text[], %(p_monto)s::numeric[],
        %(p_recibido)s::numeric[], %(p_cambio)s::numeric[], %(p_referencia)s::text[]) AS p
), carrito_lineas AS (
    DELETE FROM tra_carrito_linea WHERE id_carrito = %(carrito)s
), carrito AS (
    DELETE FROM tra_carrito WHERE id_carrito = %(carrito)s
)
SELECT id_venta, folio, fecha FROM venta
"""


def _venta_insertar(*, carrito: Carrito, calculadas, pagos, campos: dict) -> Venta:
    """Write the sale (``campos``: Venta's fields), its lines, its payments; delete the cart."""
    parametros = {
        **campos,
        "carrito": carrito.pk,
        "l_producto": [producto.pk for _, producto, _ in calculadas],
        "l_cantidad": [c.cantidad for _, _, c in calculadas],
        "l_descuento": [c.descuento for _, _, c in calculadas],
        "l_descripcion": [f"{producto.codigo} {producto.nombre}"[:260] for _, producto, _ in calculadas],
        "l_precio": [c.precio_unitario for _, _, c in calculadas],
        "l_tasa": [c.tasa_iva for _, _, c in calculadas],
        "l_importe": [c.importe for _, _, c in calculadas],
        "l_iva": [c.iva for _, _, c in calculadas],
        "p_metodo": [p.metodo for p in pagos],
        "p_monto": [p.monto for p in pagos],
        "p_recibido": [p.recibido for p in pagos],
        "p_cambio": [p.cambio for p in pagos],
        "p_referencia": [p.referencia for p in pagos],
    }
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(_VENTA_INSERTAR, parametros)
        venta_id, folio, fecha = cursor.fetchone()
    venta = Venta(id=venta_id, folio=folio, fecha=fecha, **campos)
    venta._state.adding, venta._state.db = False, DB_NEGOCIO
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


# --- Returns and cancellations ------------------------------------------------------------


@dataclass(frozen=True)
class LineaDevolucionDatos:
    """Units of one sold line (``VentaDetalle`` id) to give back."""

    venta_detalle_id: int
    cantidad: int


@dataclass(frozen=True)
class AutorizacionDatos:
    """A Gerente's username and password, typed on the cashier's screen."""

    usuario: str
    clave: str


MOTIVO_MAXIMO = 255
MENSAJE_SIN_TURNO_DEVOLVER = "Abre tu turno de caja para devolver dinero."


def venta_cancelar(
    *,
    venta_id: int,
    usuario,
    motivo: str,
    clave: uuid.UUID,
    autorizo: AutorizacionDatos | None = None,
    request=None,
) -> tuple[Devolucion, bool]:
    """Cancel a whole sale of today. Returns ``(devolucion, creada)``.

    Guarantees, in one transaction with the sale's row locked: the sale becomes "cancelada";
    every unit not already returned goes back to stock (movement "cancelacion_venta"); the
    money not already refunded is recorded as refunds by the methods the sale was paid with
    (cash net of change), into the open shift of ``usuario``. The same ``clave`` again returns
    the first result with ``creada=False`` and writes nothing. Raises ``VentaNoEncontrada``,
    ``VentaYaCancelada``, ``VentaDeOtroDia`` (local date, America/Mexico_City),
    ``DevolucionNoValida`` (no reason, nothing left), ``DevolucionNoPermitida`` /
    ``AutorizacionRechazada`` (a Cajero without a valid Gerente authorisation),
    ``TurnoNoAbierto``, ``ClaveDevolucionReutilizada`` and ``DevolucionOcupada``.
    On any error nothing is written. ``request`` (the till's) is required with ``autorizo``:
    wrong Gerente passwords are limited per username and till address.
    """
    return _devolucion_registrar(
        tipo=TipoDevolucion.CANCELACION, venta_id=venta_id, usuario=usuario, motivo=motivo, clave=clave,
        autorizo=autorizo, request=request, lineas=None, metodo_reembolso=None,
    )


def venta_devolver(
    *,
    venta_id: int,
    usuario,
    lineas: list[LineaDevolucionDatos],
    motivo: str,
    clave: uuid.UUID,
    metodo_reembolso: str | None = None,
    autorizo: AutorizacionDatos | None = None,
    request=None,
) -> tuple[Devolucion, bool]:
    """Return some units of a (not cancelled) sale of any day. Returns ``(devolucion, creada)``.

    Never more units of a line than sold minus already returned (checked under the sale's
    lock; the CHECK on ``cantidad_devuelta`` backs it). Each line refunds its share of the
    line's ``importe`` (after discount, IVA included), rounded once to cents, the last units
    giving exactly the remainder (``calculos.devolucion_linea_calcular``); IVA the same way.
    The refund goes by ``metodo_reembolso`` (default: the method with the most left to
    refund), never more by a method than the sale received by it minus earlier refunds; what
    does not fit goes by the sale's other methods. Units go back to stock in the same
    transaction. Same key, same lines → the first result, nothing written. Raises the errors
    of ``venta_cancelar`` (except ``VentaDeOtroDia``) and ``DevolucionNoValida`` for bad lines.
    """
    return _devolucion_registrar(
        tipo=TipoDevolucion.DEVOLUCION, venta_id=venta_id, usuario=usuario, motivo=motivo, clave=clave,
        autorizo=autorizo, request=request, lineas=_lineas_normalizar(lineas), metodo_reembolso=metodo_reembolso,
    )


def _lineas_normalizar(lineas: list[LineaDevolucionDatos]) -> dict[int, int]:
    pedidas: dict[int, int] = {}
    for linea in lineas or []:
        if not isinstance(linea.cantidad, int) or isinstance(linea.cantidad, bool) or linea.cantidad <= 0:
            raise DevolucionNoValida("Cada cantidad a devolver debe ser un número entero mayor que cero.")
        if linea.cantidad > CANTIDAD_MAXIMA:
            raise DevolucionNoValida(f"La cantidad no puede pasar de {CANTIDAD_MAXIMA:,}.")
        if linea.venta_detalle_id in pedidas:
            raise DevolucionNoValida("Una línea de la venta aparece dos veces en la devolución.")
        pedidas[linea.venta_detalle_id] = linea.cantidad
    if not pedidas:
        raise DevolucionNoValida("Indica al menos un artículo a devolver.")
    return pedidas


def _motivo_limpiar(motivo: str) -> str:
    motivo = (motivo or "").strip()
    if not motivo:
        raise DevolucionNoValida("Escribe el motivo.")
    if len(motivo) > MOTIVO_MAXIMO:
        raise DevolucionNoValida(f"El motivo no puede pasar de {MOTIVO_MAXIMO} caracteres.")
    return motivo


def _autorizacion_resolver(*, usuario, autorizo: AutorizacionDatos | None, request, detalle: str):
    """Who authorises: the user when they hold the permission, else the Gerente typed on screen."""
    if usuario.has_perm(PERMISO_DEVOLVER):
        return usuario
    if not usuario.has_perm(PERMISO_VENDER):
        raise DevolucionNoPermitida("Tu usuario no puede registrar devoluciones ni cancelaciones.")
    if autorizo is None or not autorizo.usuario:
        raise DevolucionNoPermitida("Un gerente debe autorizarlo: escribe su usuario y contraseña.")
    return _autorizador_verificar(
        usuario=autorizo.usuario, clave=autorizo.clave, permiso=PERMISO_DEVOLVER,
        que="devoluciones ni cancelaciones", detalle=detalle, request=request,
    )


def _devolucion_existente(*, clave, venta_id: int, tipo: str, lineas: dict[int, int] | None) -> Devolucion | None:
    """The return already written with this form key, if it is the same request."""
    devolucion = Devolucion.objects.using(DB_NEGOCIO).filter(clave=clave).first()
    if devolucion is None:
        return None
    misma = devolucion.venta_id == venta_id and devolucion.tipo == tipo
    if misma and lineas is not None:
        guardadas = dict(devolucion.lineas.values_list("venta_detalle_id", "cantidad"))
        misma = guardadas == lineas
    if not misma:
        raise ClaveDevolucionReutilizada(folio=devolucion.folio_texto)
    return devolucion


class _ClaveDevolucionYaUsada(Exception):
    pass


def _devolucion_registrar(
    *, tipo, venta_id, usuario, motivo, clave, autorizo, request, lineas, metodo_reembolso
) -> tuple[Devolucion, bool]:
    existente = _devolucion_existente(clave=clave, venta_id=venta_id, tipo=tipo, lineas=lineas)
    if existente is not None:
        return existente, False
    motivo = _motivo_limpiar(motivo)
    if metodo_reembolso is not None and metodo_reembolso not in MetodoPago.values:
        raise DevolucionNoValida("Elige cómo se reembolsa: efectivo, tarjeta o transferencia.")
    # Credentials are checked against the auth database before the business transaction.
    que = "cancelación" if tipo == TipoDevolucion.CANCELACION else "devolución"
    autorizador = _autorizacion_resolver(
        usuario=usuario, autorizo=autorizo, request=request, detalle=f"{que} de la venta id={venta_id}"
    )
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            _limitar_espera_de_bloqueos()
            devolucion = _devolucion_escribir(
                tipo=tipo, venta_id=venta_id, usuario=usuario, autorizador=autorizador, motivo=motivo,
                clave=clave, lineas=lineas, metodo_reembolso=metodo_reembolso,
            )
    except (IntegrityError, _ClaveDevolucionYaUsada):
        # A concurrent POST with the same key won the race (unique ``clave``): its return is
        # the answer. Any other integrity error is a bug the checks above should have caught.
        existente = _devolucion_existente(clave=clave, venta_id=venta_id, tipo=tipo, lineas=lineas)
        if existente is None:
            raise
        return existente, False
    except OperationalError as error:
        if _espera_vencida(error):
            raise DevolucionOcupada() from error
        raise
    return devolucion, True


def _devolucion_escribir(*, tipo, venta_id, usuario, autorizador, motivo, clave, lineas, metodo_reembolso) -> Devolucion:
    venta = Venta.objects.using(DB_NEGOCIO).select_for_update().filter(pk=venta_id).first()
    if venta is None or (venta.id_cajero != usuario.pk and not usuario.has_perm(PERMISO_VER_TODAS)):
        raise VentaNoEncontrada()
    # Under the sale's lock: a concurrent request with this key has committed by now, if any.
    if Devolucion.objects.using(DB_NEGOCIO).filter(clave=clave).exists():
        raise _ClaveDevolucionYaUsada()
    if venta.estado == EstadoVenta.CANCELADA:
        raise VentaYaCancelada(folio=venta.folio_texto)
    if tipo == TipoDevolucion.CANCELACION and timezone.localdate(venta.fecha) != timezone.localdate():
        raise VentaDeOtroDia(folio=venta.folio_texto, fecha=timezone.localdate(venta.fecha).strftime("%d/%m/%Y"))
    # Same lock as the checkout (FOR NO KEY UPDATE): conflicts with the close's FOR UPDATE, so a
    # refund never lands in a closed shift, and with other refunds/withdrawals of this drawer.
    turno = _turno_abierto_bloquear(usuario=usuario, mensaje=MENSAJE_SIN_TURNO_DEVOLVER)

    detalles = {d.pk: d for d in VentaDetalle.objects.using(DB_NEGOCIO).filter(venta=venta).order_by("pk")}
    if tipo == TipoDevolucion.CANCELACION:
        pedidas = {d.pk: d.cantidad - d.cantidad_devuelta for d in detalles.values() if d.cantidad > d.cantidad_devuelta}
        if not pedidas:
            raise DevolucionNoValida(
                f"Todos los artículos de la venta {venta.folio_texto} ya se devolvieron: no queda nada por cancelar."
            )
    else:
        pedidas = lineas
        for detalle_id, cantidad in pedidas.items():
            detalle = detalles.get(detalle_id)
            if detalle is None:
                raise DevolucionNoValida(f"Esa línea no pertenece a la venta {venta.folio_texto}.")
            quedan = detalle.cantidad - detalle.cantidad_devuelta
            if quedan == 0:
                raise DevolucionNoValida(f"{detalle.descripcion}: ya se devolvieron todas las unidades.")
            if cantidad > quedan:
                raise DevolucionNoValida(
                    f"{detalle.descripcion}: solo {_unidades(quedan)} por devolver "
                    f"(se vendieron {detalle.cantidad}, ya se devolvieron {detalle.cantidad_devuelta})."
                )

    ya_devuelto = {
        fila["venta_detalle_id"]: (fila["importe"], fila["iva"])
        for fila in DevolucionLinea.objects.using(DB_NEGOCIO).filter(venta_detalle__venta=venta)
        .values("venta_detalle_id").annotate(importe=Sum("importe"), iva=Sum("iva"))
    }
    partes = []
    for detalle_id in sorted(pedidas):
        detalle, cantidad = detalles[detalle_id], pedidas[detalle_id]
        importe_devuelto, iva_devuelto = ya_devuelto.get(detalle_id, (calculos.CERO, calculos.CERO))
        parte = calculos.devolucion_linea_calcular(
            importe=detalle.importe, iva=detalle.iva, cantidad=detalle.cantidad, devuelta=detalle.cantidad_devuelta,
            importe_devuelto=importe_devuelto, iva_devuelto=iva_devuelto, unidades=cantidad,
        )
        partes.append((detalle, cantidad, parte))
    total = sum((p.importe for _, _, p in partes), calculos.CERO)
    iva = sum((p.iva for _, _, p in partes), calculos.CERO)
    reparto = _reembolso_repartir(venta=venta, monto=total, metodo=metodo_reembolso)
    efectivo = sum((monto for metodo, monto in reparto if metodo == MetodoPago.EFECTIVO), calculos.CERO)
    if efectivo > 0:
        # Checked under the shift's lock: two cash refunds (or a refund and a withdrawal) of
        # one drawer are checked one after the other, so together they can't overdraw it.
        from ventas import selectors  # selectors imports this module

        disponible = selectors.turno_cuentas(turno=turno).esperado["efectivo"]
        if efectivo > disponible:
            raise ReembolsoExcedeEfectivo(disponible=max(disponible, calculos.CERO), monto=efectivo)

    devolucion = Devolucion.objects.using(DB_NEGOCIO).create(
        venta=venta, turno=turno, tipo=tipo, motivo=motivo, clave=clave,
        id_usuario=usuario.pk, nombre_usuario=nombre_para_registro(usuario),
        id_autorizo=autorizador.pk, nombre_autorizo=nombre_para_registro(autorizador),
        total=total, iva=iva,
    )
    DevolucionLinea.objects.using(DB_NEGOCIO).bulk_create(
        DevolucionLinea(devolucion=devolucion, venta_detalle=detalle, producto_id=detalle.producto_id,
                        cantidad=cantidad, importe=parte.importe, iva=parte.iva)
        for detalle, cantidad, parte in partes
    )
    Reembolso.objects.using(DB_NEGOCIO).bulk_create(
        Reembolso(devolucion=devolucion, metodo=metodo, monto=monto) for metodo, monto in reparto
    )
    for detalle, cantidad, _ in partes:
        detalle.cantidad_devuelta += cantidad
    VentaDetalle.objects.using(DB_NEGOCIO).bulk_update([d for d, _, _ in partes], ["cantidad_devuelta"])
    venta.total_devuelto += total
    campos = ["total_devuelto"]
    if tipo == TipoDevolucion.CANCELACION:
        venta.estado = EstadoVenta.CANCELADA
        campos.append("estado")
    venta.save(using=DB_NEGOCIO, update_fields=campos)
    existencias_mover(
        movimientos=[
            MovimientoDatos(producto_id=detalle.producto_id, tipo=TipoMovimiento.CANCELACION_VENTA, cantidad=cantidad,
                            motivo=f"{devolucion.folio_texto} ({venta.folio_texto}): {motivo}", id_venta=venta.pk)
            for detalle, cantidad, _ in partes
        ],
        usuario=usuario,
    )
    return devolucion


def _unidades(n: int) -> str:
    return "queda 1" if n == 1 else f"quedan {n}"


def reembolsables_por_metodo(*, venta: Venta) -> list[tuple[str, Decimal]]:
    """``(metodo, monto)`` still refundable per method, in the sale's payment order.

    What the sale received by each method (cash net of change: ``Pago.monto``) minus what
    earlier returns refunded by it. Two queries (one if the payments are prefetched); the
    service calls it under the sale's lock, the pages only to show it.
    """
    pagado: dict[str, Decimal] = {}
    for pago in venta.pagos.all():  # the prefetched payments when the page already loaded them
        pagado[pago.metodo] = pagado.get(pago.metodo, calculos.CERO) + pago.monto
    reembolsado = dict(
        Reembolso.objects.using(DB_NEGOCIO).filter(devolucion__venta=venta)
        .values("metodo").annotate(total=Sum("monto")).values_list("metodo", "total")
    )
    return [(metodo, monto - reembolsado.get(metodo, calculos.CERO)) for metodo, monto in pagado.items()]


def metodo_reembolso_sugerido(disponibles: list[tuple[str, Decimal]]) -> str | None:
    """The default refund method: the one with the most left to refund (the sale's order breaks ties)."""
    con_saldo = [(metodo, monto) for metodo, monto in disponibles if monto > 0]
    if not con_saldo:
        return None
    return max(con_saldo, key=lambda par: par[1])[0]


def _reembolso_repartir(*, venta: Venta, monto: Decimal, metodo: str | None) -> list[tuple[str, Decimal]]:
    disponibles = reembolsables_por_metodo(venta=venta)
    if metodo is not None and not any(m == metodo and d > 0 for m, d in disponibles):
        raise DevolucionNoValida(
            f"La venta {venta.folio_texto} no tiene pagos con {MetodoPago(metodo).label.lower()} por reembolsar: "
            "el dinero se devuelve por donde entró."
        )
    if monto == 0:
        return []
    try:
        return calculos.reembolso_repartir(
            monto=monto, disponibles=disponibles, preferido=metodo or metodo_reembolso_sugerido(disponibles)
        )
    except ValueError as error:
        raise DevolucionNoValida(str(error)) from error
# --- Cash-drawer shifts (corte de caja) -----------------------------------------------------

MONTO_MAXIMO = Decimal("9999999999.99")  # what DecimalField(max_digits=12, decimal_places=2) holds


def _monto_validar(valor, etiqueta: str, *, positivo: bool = False) -> Decimal:
    """A peso amount from a form or a caller: finite, in cents, not negative (or > 0)."""
    if not isinstance(valor, Decimal) or not valor.is_finite():
        raise MontoNoValido(f"{etiqueta}: escribe un importe en pesos, por ejemplo 150.50.")
    if valor < 0:
        raise MontoNoValido(f"{etiqueta}: no puede ser negativo.")
    if positivo and valor == 0:
        raise MontoNoValido(f"{etiqueta}: debe ser mayor que cero.")
    if valor != calculos.a_centavos(valor):
        raise MontoNoValido(f"{etiqueta}: usa como máximo 2 decimales (centavos).")
    if valor > MONTO_MAXIMO:
        raise MontoNoValido(f"{etiqueta}: el importe es demasiado grande.")
    return calculos.a_centavos(valor)


def turno_abrir(*, cajero, fondo_inicial: Decimal) -> Turno:
    """Open the user's cash-drawer shift with the cash put in the drawer for change.

    Raises ``TurnoYaAbierto`` when the user already has an open shift (the partial unique
    index ``turno_uno_abierto_por_cajero`` settles two tabs opening at once) and
    ``MontoNoValido``. On error nothing is written.
    """
    fondo = _monto_validar(fondo_inicial, "Fondo inicial")
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            if Turno.objects.using(DB_NEGOCIO).filter(id_cajero=cajero.pk, estado=EstadoTurno.ABIERTO).exists():
                raise TurnoYaAbierto()
            return Turno.objects.using(DB_NEGOCIO).create(
                id_cajero=cajero.pk, nombre_cajero=nombre_para_registro(cajero), fondo_inicial=fondo
            )
    except IntegrityError as error:
        if "turno_uno_abierto_por_cajero" in str(error):
            raise TurnoYaAbierto() from error
        raise


def _turno_abierto_bloquear(*, usuario, mensaje: str) -> Turno:
    turno = (
        Turno.objects.using(DB_NEGOCIO).select_for_update(no_key=True)
        .filter(id_cajero=usuario.pk, estado=EstadoTurno.ABIERTO).first()
    )
    if turno is None:
        raise TurnoNoAbierto(mensaje)
    return turno


def caja_movimiento_registrar(*, usuario, tipo: str, monto: Decimal, motivo: str) -> MovimientoCaja:
    """Cash put into (depósito) or taken out of (retiro) the drawer of the user's open shift.

    A withdrawal may not take more than the cash the drawer should hold right then (the
    expected cash of the shift). The shift row is locked ``FOR NO KEY UPDATE``, a mode that
    conflicts with itself, so two withdrawals (or a withdrawal and a cash refund) are checked
    one after the other and can't both pass; and it conflicts with the close's ``FOR UPDATE``,
    so a movement never lands in a closed shift. Raises ``TurnoNoAbierto``, ``MontoNoValido``,
    ``MotivoRequerido``, ``MovimientoCajaNoValido`` and ``RetiroExcedeEfectivo``.
    """
    from ventas import selectors  # selectors imports this module

    if tipo not in TipoMovimientoCaja.values:
        raise MovimientoCajaNoValido("Elige si es un retiro o un depósito de efectivo.")
    monto = _monto_validar(monto, "Monto", positivo=True)
    motivo = (motivo or "").strip()
    if not motivo:
        raise MotivoRequerido()
    if len(motivo) > 200:
        raise MovimientoCajaNoValido("El motivo es demasiado largo (máximo 200 caracteres).")
    with transaction.atomic(using=DB_NEGOCIO):
        turno = _turno_abierto_bloquear(
            usuario=usuario, mensaje="Abre tu turno de caja antes de registrar retiros o depósitos."
        )
        if tipo == TipoMovimientoCaja.RETIRO:
            disponible = selectors.turno_cuentas(turno=turno).esperado["efectivo"]
            if monto > disponible:
                raise RetiroExcedeEfectivo(disponible=max(disponible, calculos.CERO))
        return MovimientoCaja.objects.using(DB_NEGOCIO).create(
            turno=turno, tipo=tipo, monto=monto, motivo=motivo,
            id_usuario=usuario.pk, nombre_usuario=nombre_para_registro(usuario),
        )


def _efectivo_contado(efectivo_contado: Decimal | None, denominaciones: dict[str, int] | None) -> Decimal:
    if denominaciones is not None:
        try:
            total = calculos.conteo_total(denominaciones)
        except ValueError as error:
            raise CierreNoValido(str(error)) from error
        if efectivo_contado is not None and _monto_validar(efectivo_contado, "Efectivo contado") != total:
            raise CierreNoValido(
                f"El efectivo contado (${efectivo_contado:,.2f}) no coincide con el conteo por "
                f"denominación (${total:,.2f}). Deja uno de los dos."
            )
        return _monto_validar(total, "Efectivo contado")
    if efectivo_contado is None:
        raise CierreNoValido("Cuenta el efectivo: por denominación o el total.")
    return _monto_validar(efectivo_contado, "Efectivo contado")


def turno_cerrar(
    *,
    turno_id: int,
    usuario,
    tarjeta_reportado: Decimal,
    transferencia_reportado: Decimal,
    efectivo_contado: Decimal | None = None,
    denominaciones: dict[str, int] | None = None,
    nota: str = "",
    autorizo_usuario: str = "",
    autorizo_clave: str = "",
    request=None,
) -> Turno:
    """Close a shift: count the cash, take the card/transfer totals, store expected vs counted.

    The cash is counted by denomination (``denominaciones``, stored as counted) or as a total.
    The shift row is locked ``FOR UPDATE``: a checkout holding it (``FOR NO KEY UPDATE``)
    finishes first and is counted; one that comes after finds the shift closed. What went
    through the drawer (``selectors.turno_cuentas``) is stored with the close
    (``resumen_cierre``), so the printed report never recomputes.

    A difference above ``DIFERENCIA_MAXIMA_CORTE`` in any method needs a user with
    ``ventas.autorizar_diferencia``: the closer themselves (a Gerente), or a Gerente typing
    ``autorizo_usuario``/``autorizo_clave`` on this screen; who authorised is recorded.
    A Cajero closes only their own shift; ``ventas.change_turno`` (Gerente) closes anyone's.

    Raises ``TurnoNoEncontrado`` (missing or someone else's), ``TurnoYaCerrado``,
    ``MontoNoValido``, ``CierreNoValido``, ``AutorizacionRechazada`` and
    ``DiferenciaNoAutorizada``. On error nothing is written. ``request`` (the till's) is
    required with ``autorizo_usuario``: wrong passwords are limited per Gerente and address.
    """
    from ventas import selectors  # selectors imports this module

    contado = _efectivo_contado(efectivo_contado, denominaciones)
    tarjeta = _monto_validar(tarjeta_reportado, "Tarjeta reportada")
    transferencia = _monto_validar(transferencia_reportado, "Transferencia reportada")
    nota = (nota or "").strip()
    if len(nota) > 255:
        raise CierreNoValido("La nota es demasiado larga (máximo 255 caracteres).")
    puede_ajeno = usuario.has_perm(PERMISO_CERRAR_AJENO)
    autorizador = None
    if autorizo_usuario:
        autorizador = _autorizador_verificar(
            usuario=autorizo_usuario, clave=autorizo_clave, permiso=PERMISO_AUTORIZAR_DIFERENCIA,
            que="diferencias del corte de caja", detalle=f"diferencias del corte del turno id={turno_id}",
            request=request,
        )
    elif usuario.has_perm(PERMISO_AUTORIZAR_DIFERENCIA):
        autorizador = usuario
    limite = limite_diferencia_corte()
    with transaction.atomic(using=DB_NEGOCIO):
        turno = Turno.objects.using(DB_NEGOCIO).select_for_update().filter(pk=turno_id).first()
        if turno is None or (turno.id_cajero != usuario.pk and not puede_ajeno):
            raise TurnoNoEncontrado()
        if turno.estado != EstadoTurno.ABIERTO:
            raise TurnoYaCerrado()
        cuentas = selectors.turno_cuentas(turno=turno)
        esperado = cuentas.esperado
        diferencias = calculos.diferencias_calcular(
            esperado=esperado, contado={"efectivo": contado, "tarjeta": tarjeta, "transferencia": transferencia},
            limite=limite,
        )
        requiere_autorizacion = any(d.excede for d in diferencias)
        if requiere_autorizacion and autorizador is None:
            raise DiferenciaNoAutorizada(limite=limite)
        turno.estado = EstadoTurno.CERRADO
        turno.cerrado = timezone.now()
        turno.efectivo_esperado, turno.efectivo_contado = esperado["efectivo"], contado
        turno.tarjeta_esperado, turno.tarjeta_reportado = esperado["tarjeta"], tarjeta
        turno.transferencia_esperado, turno.transferencia_reportado = esperado["transferencia"], transferencia
        turno.conteo_denominaciones = (
            {clave: denominaciones.get(clave, 0) for clave, _, _ in calculos.DENOMINACIONES}
            if denominaciones is not None else None
        )
        turno.resumen_cierre = cuentas.a_json()
        turno.nota_cierre = nota
        if requiere_autorizacion:
            turno.id_autorizo_diferencia = autorizador.pk
            turno.nombre_autorizo_diferencia = nombre_para_registro(autorizador)
        turno.id_cerro, turno.nombre_cerro = usuario.pk, nombre_para_registro(usuario)
        turno.save(using=DB_NEGOCIO)
        return turno
