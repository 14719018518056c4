"""Writes of the cashier's server-side cart: add, change, park, resume, assign a client, and a
Gerente's authorisation of discounts above the cashier's limit. The checkout is ``ventas.caja.cobro``."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from clientes.models import Alumno
from inventario.models import Producto, TipoProducto
from ventas import calculos
from ventas.caja.selectors import (
    edicion_sin_lugar,
    inscripciones_impedimento,
    publico_general_id,
)
from ventas.exceptions import (
    AlumnoRequerido,
    CantidadNoValida,
    CarritoNoEncontrado,
    CarritoVacio,
    ClienteNoValido,
    DescuentoNoValido,
    InscripcionNoValida,
    LineaNoEncontrada,
    ProductoNoVendible,
)
from ventas.models import (
    Carrito,
    CarritoLinea,
)
from ventas.politica import CANTIDAD_MAXIMA, PERMISO_AUTORIZAR, autorizador_exigir
from ventas_ingenio.roles import nombre_para_registro
from ventas_ingenio.router import DB_NEGOCIO

# --- Cart ---------------------------------------------------------------------------------


def carrito_activo_obtener(*, cajero) -> Carrito:
    """The cashier's active cart, created on first use."""
    with transaction.atomic(using=DB_NEGOCIO):
        return _carrito_bloquear(cajero=cajero)


def _carrito_bloquear(*, cajero, carrito_id: int | None = None) -> Carrito:
    consulta = Carrito.objects.using(DB_NEGOCIO).select_for_update().filter(id_cajero=cajero.pk)
    # "is not None": an id of 0 names no cart; it must not fall back to the active one.
    buscado = carrito_id is not None
    consulta = consulta.filter(pk=carrito_id) if buscado else consulta.filter(estado=Carrito.Estado.ACTIVO)
    carrito = consulta.first()
    if carrito is None:
        if buscado:
            raise CarritoNoEncontrado()
        carrito = Carrito.objects.using(DB_NEGOCIO).create(id_cajero=cajero.pk)
    return carrito


def producto_vendible(producto: Producto, cantidad: int) -> None:
    if not producto.activo:
        raise ProductoNoVendible(f"{producto.nombre} está dado de baja: no se puede vender.")
    if producto.existencia <= 0:
        raise ProductoNoVendible(f"{producto.nombre} no tiene existencia.")
    if cantidad > producto.existencia:
        raise ProductoNoVendible(f"Existencia insuficiente: {producto.nombre} (quedan {producto.existencia})")


def carrito_agregar(*, cajero, producto_id: int, cantidad: int = 1) -> CarritoLinea:
    """Add units of a product to the active cart (one more unit per scan)."""
    cantidad_validar(cantidad)
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        producto = Producto.objects.using(DB_NEGOCIO).filter(pk=producto_id).first()
        if producto is None:
            raise ProductoNoVendible("Ese producto no existe.")
        alumno_exigir(producto)
        linea = CarritoLinea.objects.using(DB_NEGOCIO).filter(carrito=carrito, producto=producto).first()
        if linea is not None:
            linea.producto = producto  # already read: the caller's message needs no other query
        return _unidades_sumar(carrito=carrito, producto=producto, linea=linea, cantidad=cantidad)


def alumno_exigir(producto: Producto) -> None:
    """An edition is sold one seat per alumno: scanned or picked alone, the till asks for the alumno,
    unless no alumno could take a seat (closed, past, withdrawn or full): that is said at once, as
    for goods without stock. Picking and checking out ask again (``inscripciones_impedimento``)."""
    if producto.tipo == TipoProducto.CURSO:
        motivo = edicion_sin_lugar(producto_id=producto.pk)
        if motivo:
            raise InscripcionNoValida(motivo)
        raise AlumnoRequerido(producto_id=producto.pk, nombre=producto.nombre)


def carrito_inscribir(*, cajero, producto_id: int, alumno_id: int) -> CarritoLinea:
    """Add one seat of an edition for ``alumno_id`` to the active cart (its own line, quantity 1).

    Refused with ``InscripcionNoValida`` (nothing written) when the cart has no paying client or
    it is "Público en general", the alumno is inactive, already enrolled in the edition or already
    in the cart for it, or the edition is closed, past or full (counting this cart's seats); the
    checkout asks the same again under its locks (``selectors.inscripciones_impedimento``)."""
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        producto = Producto.objects.using(DB_NEGOCIO).filter(pk=producto_id).first()
        if producto is None or producto.tipo != TipoProducto.CURSO:
            raise ProductoNoVendible("Esa edición no existe.")
        alumno = Alumno.objects.using(DB_NEGOCIO).filter(pk=alumno_id).first()
        if alumno is None:
            raise InscripcionNoValida("Ese alumno no existe.")
        asientos = [
            (producto.pk, a) for a in CarritoLinea.objects.using(DB_NEGOCIO)
            .filter(carrito=carrito, producto=producto).values_list("alumno_id", flat=True)
        ]
        motivo = inscripciones_impedimento(
            cliente_id=carrito.cliente_id, asientos=[*asientos, (producto.pk, alumno.pk)],
            libres={producto.pk: producto.existencia},
        )
        if motivo:
            raise InscripcionNoValida(motivo)
        linea = CarritoLinea(carrito=carrito, producto=producto, cantidad=1, alumno=alumno,
                             precio_visto=producto.precio)
        linea.save(using=DB_NEGOCIO, force_insert=True)
        carrito.save(using=DB_NEGOCIO, update_fields=["actualizado"])
        return linea


def cantidad_validar(cantidad: int) -> None:
    if cantidad <= 0 or cantidad > CANTIDAD_MAXIMA:
        raise CantidadNoValida(f"La cantidad debe ser un número entero entre 1 y {CANTIDAD_MAXIMA}.")


def _unidades_sumar(*, carrito: Carrito, producto: Producto, linea: CarritoLinea | None, cantidad: int,
                    tocar: bool = True) -> CarritoLinea:
    """Inside the cart's transaction: ``cantidad`` more units of ``producto`` on its line (and the
    cart's ``actualizado`` moved, unless the caller's lock already did it)."""
    nueva = (linea.cantidad if linea else 0) + cantidad
    if nueva > CANTIDAD_MAXIMA:
        raise CantidadNoValida(f"La cantidad debe ser un número entero entre 1 y {CANTIDAD_MAXIMA}.")
    producto_vendible(producto, nueva)
    if linea is None:
        linea = CarritoLinea(carrito=carrito, producto=producto, cantidad=nueva, precio_visto=producto.precio)
        linea.save(using=DB_NEGOCIO, force_insert=True)
    else:
        linea.cantidad = nueva
        linea.precio_visto = producto.precio
        linea.save(using=DB_NEGOCIO, update_fields=["cantidad", "precio_visto"])
    if tocar:
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
        if linea.alumno_id is not None and cantidad != 1:
            raise CantidadNoValida("Una inscripción es un lugar: para otro alumno agrega la edición otra vez.")
        if descuento > linea.producto.precio * cantidad:
            raise DescuentoNoValido(f"El descuento de {linea.producto.nombre} no puede ser mayor que su importe.")
        if cantidad > linea.cantidad:
            producto_vendible(linea.producto, cantidad)
        linea.cantidad = cantidad
        linea.descuento = descuento
        linea.precio_visto = linea.producto.precio
        linea.save(using=DB_NEGOCIO)
        carrito.save(using=DB_NEGOCIO, update_fields=["actualizado"])
        return linea


def carrito_linea_quitar(*, cajero, linea_id: int) -> None:
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        borradas, _ = CarritoLinea.objects.using(DB_NEGOCIO).filter(pk=linea_id, carrito=carrito).delete()
        if not borradas:
            # Another cashier's line, one already removed, or no line at all: say so.
            raise LineaNoEncontrada()


def carrito_vaciar(*, cajero) -> None:
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        CarritoLinea.objects.using(DB_NEGOCIO).filter(carrito=carrito).delete()
        carrito.cliente_id = None
        carrito.id_autorizo_descuento = None
        carrito.nombre_autorizo_descuento = ""
        # An emptied cart is a new sale: its salesperson is the cashier again.
        carrito.id_vendedor, carrito.nombre_vendedor = None, ""
        carrito.id_autorizo_vendedor, carrito.nombre_autorizo_vendedor = None, ""
        carrito.save(using=DB_NEGOCIO)


def carrito_cliente_asignar(*, cajero, cliente_id: int | None) -> Carrito:
    from clientes.models import Cliente

    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        if cliente_id is not None and not Cliente.objects.using(DB_NEGOCIO).filter(pk=cliente_id, activo=True).exists():
            raise ClienteNoValido()
        if (cliente_id is None or cliente_id == publico_general_id()) and carrito.lineas.filter(
                alumno__isnull=False).exists():
            raise InscripcionNoValida(
                "El carrito tiene inscripciones: el cliente que paga no puede ser Público en general."
            )
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


def carrito_reanudar(*, cajero, carrito_id: int, actual: str = "espera") -> Carrito:
    """Resume a parked cart. The cart that was active, if it has lines, is parked in its place
    (``actual="espera"``) or emptied and dropped (``actual="vaciar"``); an empty one is dropped."""
    if actual not in ("espera", "vaciar"):
        raise ValueError(f"actual debe ser 'espera' o 'vaciar', no {actual!r}")
    with transaction.atomic(using=DB_NEGOCIO):
        accion = actual
        carrito = _carrito_bloquear(cajero=cajero, carrito_id=carrito_id)
        actual = (
            Carrito.objects.using(DB_NEGOCIO).select_for_update()
            .filter(id_cajero=cajero.pk, estado=Carrito.Estado.ACTIVO).exclude(pk=carrito.pk).first()
        )
        if actual is not None:
            if accion == "espera" and actual.lineas.exists():
                actual.estado = Carrito.Estado.EN_ESPERA
                actual.save(using=DB_NEGOCIO)
            else:
                actual.delete(using=DB_NEGOCIO)
        carrito.estado = Carrito.Estado.ACTIVO
        carrito.save(using=DB_NEGOCIO)
        return carrito


def carrito_autorizar_descuentos(*, cajero, autorizador) -> Carrito:
    """A Gerente authorises, on the cashier's screen, discounts above the cashier's limit.

    ``autorizador`` is the user the view got from the typed credentials
    (``politica.autorizador_obtener``). Raises ``AutorizacionRechazada`` when that user may not
    authorise discounts.
    """
    autorizador_exigir(autorizador, permiso=PERMISO_AUTORIZAR, que="descuentos")
    with transaction.atomic(using=DB_NEGOCIO):
        carrito = _carrito_bloquear(cajero=cajero)
        carrito.id_autorizo_descuento = autorizador.pk
        carrito.nombre_autorizo_descuento = nombre_para_registro(autorizador)
        carrito.save(using=DB_NEGOCIO)
        return carrito
