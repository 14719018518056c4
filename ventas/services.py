"""Writes of the point of sale: the cashier's server-side cart and the checkout.

``venta_confirmar`` is the only way a sale is written. It runs in one transaction on the
business database, with a bounded lock wait: it locks the cart, then the products in
primary-key order (so two checkouts never deadlock), takes prices from the locked rows
(never from the form), writes the sale, its lines and payments, takes the stock through
``inventario.services.existencias_mover`` (movement kind "venta") and deletes the cart.
The cart's one-time key is stored unique on the sale, so a repeated POST finds the first
sale instead of selling twice.

Selling needs an open cash-drawer shift (``Turno``): the checkout takes the cashier's open
shift row ``FOR NO KEY UPDATE`` and writes the sale into it, and ``turno_cerrar`` takes the
same row ``FOR UPDATE`` (the two lock modes conflict), so a sale is either committed before
the close counts the drawer, or refused with ``TurnoNoAbierto`` once it is closed.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, OperationalError, connections, transaction
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
    ClienteNoValido,
    CobroOcupado,
    DescuentoNoAutorizado,
    DescuentoNoValido,
    DiferenciaNoAutorizada,
    MontoNoValido,
    MotivoRequerido,
    MovimientoCajaNoValido,
    PagoNoValido,
    ProductoNoVendible,
    RetiroExcedeEfectivo,
    TurnoNoAbierto,
    TurnoNoEncontrado,
    TurnoYaAbierto,
    TurnoYaCerrado,
)
from ventas.models import (
    Carrito,
    CarritoLinea,
    EstadoTurno,
    MovimientoCaja,
    Pago,
    TipoMovimientoCaja,
    Turno,
    Venta,
    VentaDetalle,
)
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

CANTIDAD_MAXIMA = 9999
PERMISO_AUTORIZAR = "ventas.autorizar_descuento"
PERMISO_AUTORIZAR_DIFERENCIA = "ventas.autorizar_diferencia"
# Close anyone's shift (a Gerente closing for a cashier who left); without it, only one's own.
PERMISO_CERRAR_AJENO = "ventas.change_turno"


def limite_descuento() -> Decimal:
    """Largest discount per line (fraction of the line) a cashier gives without a Gerente."""
    return Decimal(str(settings.DESCUENTO_MAXIMO_CAJERO))


def limite_diferencia_corte() -> Decimal:
    """Largest |counted − expected| per method a shift closes with without a Gerente."""
    return Decimal(str(settings.DIFERENCIA_MAXIMA_CORTE))


def _autorizador_verificar(*, usuario: str, clave: str, permiso: str, que: str, request=None):
    """The Gerente typing their username and password on someone else's screen.

    Returns the authorising user; raises ``AutorizacionRechazada`` on wrong credentials or
    when that user lacks ``permiso``. Never inside a transaction: hashing takes a while.
    """
    autorizador = authenticate(request, username=usuario, password=clave)
    if autorizador is None or not autorizador.is_active:
        raise AutorizacionRechazada("Usuario o contraseña de gerente incorrectos.")
    if not autorizador.has_perm(permiso):
        raise AutorizacionRechazada(f"{nombre_para_registro(autorizador)} no puede autorizar {que}.")
    return autorizador


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


def carrito_autorizar_descuentos(*, cajero, usuario: str, clave: str, request=None) -> Carrito:
    """A Gerente authorises, on the cashier's screen, discounts above the cashier's limit."""
    autorizador = _autorizador_verificar(
        usuario=usuario, clave=clave, permiso=PERMISO_AUTORIZAR, que="descuentos", request=request
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
    existente = _venta_existente(clave_cobro=clave_cobro, huella=huella)
    if existente is not None:
        return existente, False
    try:
        with transaction.atomic(using=DB_NEGOCIO):
            _limitar_espera_de_bloqueos()
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
        if getattr(error.__cause__, "pgcode", None) == "55P03":  # lock_not_available
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


def _limitar_espera_de_bloqueos() -> None:
    segundos = int(settings.COBRO_LOCK_TIMEOUT_SEGUNDOS)
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{segundos}s'")


def _venta_escribir(*, cajero, clave_cobro, huella, pagos, efectivo_recibido) -> Venta:
    # FOR NO KEY UPDATE: conflicts with the close's FOR UPDATE (so the sale lands in a shift
    # that is still open when it commits) but not with the FK checks of other rows.
    turno = (
        Turno.objects.using(DB_NEGOCIO).select_for_update(no_key=True)
        .filter(id_cajero=cajero.pk, estado=EstadoTurno.ABIERTO).only("id").first()
    )
    if turno is None:
        raise TurnoNoAbierto()
    carrito = (
        Carrito.objects.using(DB_NEGOCIO).select_for_update()
        .filter(id_cajero=cajero.pk, estado=Carrito.Estado.ACTIVO).first()
    )
    if carrito is None or carrito.clave_cobro != clave_cobro:
        # The cart this form belonged to is gone: either it was just charged by a
        # concurrent request with the same key, or the form is stale.
        if Venta.objects.using(DB_NEGOCIO).filter(clave_cobro=clave_cobro).exists():
            raise _ClaveYaCobrada()
        if carrito is None:
            raise CarritoVacio()
        raise CarritoCambiado("Esta pantalla de cobro ya no corresponde al carrito actual. Revisa y vuelve a cobrar.")
    lineas = list(CarritoLinea.objects.using(DB_NEGOCIO).filter(carrito=carrito).order_by("producto_id"))
    if not lineas:
        raise CarritoVacio()
    if carrito_huella(cliente_id=carrito.cliente_id, lineas=lineas) != huella:
        raise CarritoCambiado("El carrito cambió desde que se mostró el cobro. Revisa el total y vuelve a cobrar.")
    productos = {
        p.pk: p
        for p in Producto.objects.using(DB_NEGOCIO).select_for_update(of=("self",))
        .filter(pk__in=[linea.producto_id for linea in lineas]).order_by("pk")
    }
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
    venta = Venta.objects.using(DB_NEGOCIO).create(
        cliente_id=carrito.cliente_id or _publico_general_id(),
        clave_cobro=clave_cobro,
        huella_carrito=huella,
        id_cajero=cajero.pk,
        nombre_cajero=nombre_para_registro(cajero),
        id_autorizo_descuento=autorizo_id,
        nombre_autorizo_descuento=autorizo_nombre,
        subtotal=totales.subtotal,
        descuento=totales.descuento,
        iva=totales.iva,
        total=totales.total,
        articulos=sum(linea.cantidad for linea in lineas),
        turno_id=turno.pk,
    )
    VentaDetalle.objects.using(DB_NEGOCIO).bulk_create(
        VentaDetalle(
            venta=venta, producto_id=producto.pk, cantidad=c.cantidad, descuento=c.descuento,
            descripcion=f"{producto.codigo} {producto.nombre}"[:260], precio_unitario=c.precio_unitario,
            tasa_iva=c.tasa_iva, importe=c.importe, iva=c.iva,
        )
        for _, producto, c in calculadas
    )
    Pago.objects.using(DB_NEGOCIO).bulk_create(
        Pago(venta=venta, metodo=p.metodo, monto=p.monto, recibido=p.recibido, cambio=p.cambio, referencia=p.referencia)
        for p in pagos_calculados
    )
    existencias_mover(
        movimientos=[
            MovimientoDatos(producto_id=linea.producto_id, tipo=TipoMovimiento.VENTA, cantidad=-linea.cantidad,
                            motivo=venta.folio_texto, id_venta=venta.pk)
            for linea in lineas
        ],
        usuario=cajero,
    )
    carrito.delete(using=DB_NEGOCIO)  # its lines go in the same fast cascade delete
    return venta


def _producto_vendible_al_cobrar(producto: Producto, cantidad: int) -> None:
    if not producto.activo:
        raise ProductoNoVendible(f"{producto.nombre} está dado de baja: quítalo del carrito.")
    if cantidad > producto.existencia:
        raise ExistenciaInsuficiente(producto=producto, disponible=producto.existencia)


def _publico_general_id() -> int:
    from clientes.selectors import cliente_publico_general

    return cliente_publico_general().pk


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
    ``DiferenciaNoAutorizada``. On error nothing is written.
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
            que="diferencias del corte de caja", request=request,
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
