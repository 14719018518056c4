"""Writes of courses and editions: each service is one transaction on the business database.

An edition is a ``inventario.Producto`` of kind "curso" whose stock is its free seats. Creating
it writes the product, the edition and an "entrada" of ``cupo_maximo`` seats in the stock ledger;
changing the maximum moves the difference through the ledger ("ajuste"), under the product's
row lock (the same lock a checkout takes), so it can never go below the seats already sold:
the ``existencia >= 0`` CHECK backs that up. The product's name and price follow the edition.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from cursos.exceptions import CupoMenorQueOcupados, CursoError, EdicionConVentas
from cursos.models import Curso, Edicion, EstadoEdicion, Modalidad
from inventario.exceptions import ExistenciaInsuficiente
from inventario.models import (
    TASA_IVA_CERO,
    TIPOS_DE_VENTA,
    MovimientoInventario,
    Producto,
    TipoMovimiento,
    TipoProducto,
)
from inventario.services import MovimientoDatos, existencias_mover
from ventas_ingenio.router import DB_NEGOCIO

# Courses are education services: exempt from IVA (LIVA art. 15, fr. XII). The catalog knows
# two rates, 16 % and 0 %; an exempt service charges no IVA, so editions are written at 0 %
# (docs/decisiones.md: "Issue 14 → Cursos y lugares").
TASA_IVA_CURSOS = TASA_IVA_CERO
CUPO_MAXIMO = 10_000
PRECIO_MAXIMO = Decimal("9999999.99")


def edicion_nombre(*, curso: Curso, codigo: str, fecha_inicio: datetime.date, fecha_fin: datetime.date) -> str:
    """The product's name: what the till, the ticket and the reports show for the edition."""
    fechas = f"({fecha_inicio:%d/%m/%Y}–{fecha_fin:%d/%m/%Y})"
    cola = f" · edición {codigo} {fechas}"
    return f"{curso.nombre[: 200 - len(cola)]}{cola}"


def _curso_validar(*, codigo: str, nombre: str, modalidad: str, duracion_horas: int, precio_lista: Decimal,
                   excluir_id: int | None) -> tuple[str, str]:
    codigo, nombre = (codigo or "").strip().upper(), (nombre or "").strip()
    if not codigo:
        raise CursoError("Escribe el código del curso.", campo="codigo")
    if not nombre:
        raise CursoError("Escribe el nombre del curso.", campo="nombre")
    if modalidad not in Modalidad.values:
        raise CursoError("Elige la modalidad: presencial, en línea o híbrido.", campo="modalidad")
    if duracion_horas is None or not 0 < duracion_horas <= 10_000:
        raise CursoError("La duración va en horas, de 1 a 10,000.", campo="duracion_horas")
    if precio_lista is None or not Decimal("0") <= precio_lista <= PRECIO_MAXIMO:
        raise CursoError("El precio de lista no puede ser negativo.", campo="precio_lista")
    otros = Curso.objects.using(DB_NEGOCIO).filter(codigo=codigo)
    if excluir_id is not None:
        otros = otros.exclude(pk=excluir_id)
    if otros.exists():
        raise CursoError("Ya existe un curso con este código.", campo="codigo")
    return codigo, nombre


def curso_registrar(*, codigo: str, nombre: str, modalidad: str, duracion_horas: int, precio_lista: Decimal,
                    activo: bool = True) -> Curso:
    """A new course (no editions yet). Raises ``CursoError`` (with ``campo``) on bad data."""
    codigo, nombre = _curso_validar(codigo=codigo, nombre=nombre, modalidad=modalidad, duracion_horas=duracion_horas,
                                    precio_lista=precio_lista, excluir_id=None)
    with transaction.atomic(using=DB_NEGOCIO):
        return Curso.objects.using(DB_NEGOCIO).create(
            codigo=codigo, nombre=nombre, modalidad=modalidad, duracion_horas=duracion_horas,
            precio_lista=precio_lista, activo=activo,
        )


def curso_actualizar(*, curso_id: int, codigo: str, nombre: str, modalidad: str, duracion_horas: int,
                     precio_lista: Decimal, activo: bool) -> Curso:
    """Change a course; its editions' products follow: the name always, the price when the
    edition has no price of its own. The products are locked in primary-key order (as a
    checkout locks them), so a sale sees either the old price or the new one, never a mix."""
    codigo, nombre = _curso_validar(codigo=codigo, nombre=nombre, modalidad=modalidad, duracion_horas=duracion_horas,
                                    precio_lista=precio_lista, excluir_id=curso_id)
    with transaction.atomic(using=DB_NEGOCIO):
        curso = Curso.objects.using(DB_NEGOCIO).select_for_update().get(pk=curso_id)
        curso.codigo, curso.nombre, curso.modalidad = codigo, nombre, modalidad
        curso.duracion_horas, curso.precio_lista, curso.activo = duracion_horas, precio_lista, activo
        curso.save(using=DB_NEGOCIO)
        ediciones = {e.pk: e for e in Edicion.objects.using(DB_NEGOCIO).filter(curso=curso)}
        productos = (Producto.objects.using(DB_NEGOCIO).select_for_update(of=("self",))
                     .filter(pk__in=list(ediciones)).order_by("pk"))
        for producto in productos:
            edicion = ediciones[producto.pk]
            producto.nombre = edicion_nombre(curso=curso, codigo=producto.codigo, fecha_inicio=edicion.fecha_inicio,
                                             fecha_fin=edicion.fecha_fin)
            producto.precio = edicion.precio if edicion.precio is not None else precio_lista
            producto.save(using=DB_NEGOCIO, update_fields=["nombre", "precio", "actualizado"])
        return curso


def _edicion_validar(*, fecha_inicio, fecha_fin, cupo_maximo, precio, estado) -> None:
    if fecha_inicio is None or fecha_fin is None:
        raise CursoError("Escribe las fechas de inicio y fin.", campo="fecha_inicio")
    if fecha_fin < fecha_inicio:
        raise CursoError("La fecha de fin no puede ser anterior a la de inicio.", campo="fecha_fin")
    if cupo_maximo is None or not 0 < cupo_maximo <= CUPO_MAXIMO:
        raise CursoError(f"El cupo máximo va de 1 a {CUPO_MAXIMO:,} lugares.", campo="cupo_maximo")
    if precio is not None and not Decimal("0") <= precio <= PRECIO_MAXIMO:
        raise CursoError("El precio de la edición no puede ser negativo.", campo="precio")
    if estado not in EstadoEdicion.values:
        raise CursoError("Elige el estado: programada, en curso o cerrada.", campo="estado")


def edicion_crear(*, curso_id: int, codigo: str, fecha_inicio: datetime.date, fecha_fin: datetime.date,
                  cupo_maximo: int, precio: Decimal | None = None, estado: str = EstadoEdicion.PROGRAMADA,
                  usuario=None) -> Edicion:
    """A new edition of a course, sellable at the till: in one transaction, its product (kind
    "curso", code in upper case, price = the edition's or the course's list price, IVA 0 %),
    the edition, and an "entrada" of ``cupo_maximo`` seats in the stock ledger. Raises
    ``CursoError`` (with ``campo``) on bad data; nothing is written then."""
    codigo = (codigo or "").strip().upper()
    if not codigo:
        raise CursoError("Escribe el código de la edición.", campo="codigo")
    if len(codigo) > Producto._meta.get_field("codigo").max_length:
        raise CursoError("El código de la edición es demasiado largo (máximo 40).", campo="codigo")
    _edicion_validar(fecha_inicio=fecha_inicio, fecha_fin=fecha_fin, cupo_maximo=cupo_maximo, precio=precio,
                     estado=estado)
    with transaction.atomic(using=DB_NEGOCIO):
        curso = Curso.objects.using(DB_NEGOCIO).filter(pk=curso_id).first()
        if curso is None:
            raise CursoError("Ese curso no existe.", campo="curso")
        if Producto.objects.using(DB_NEGOCIO).filter(codigo=codigo).exists():
            raise CursoError("Ya existe un producto con este código.", campo="codigo")
        producto = Producto.objects.using(DB_NEGOCIO).create(
            tipo=TipoProducto.CURSO, codigo=codigo,
            nombre=edicion_nombre(curso=curso, codigo=codigo, fecha_inicio=fecha_inicio, fecha_fin=fecha_fin),
            descripcion=f"Curso {curso.codigo} ({curso.get_modalidad_display()}, {curso.duracion_horas} h)",
            precio=precio if precio is not None else curso.precio_lista, tasa_iva=TASA_IVA_CURSOS,
            existencia_minima=0,
        )
        edicion = Edicion.objects.using(DB_NEGOCIO).create(
            producto=producto, curso=curso, fecha_inicio=fecha_inicio, fecha_fin=fecha_fin, cupo_maximo=cupo_maximo,
            precio=precio, estado=estado,
        )
        existencias_mover(
            movimientos=[MovimientoDatos(producto_id=producto.pk, tipo=TipoMovimiento.ENTRADA, cantidad=cupo_maximo,
                                         motivo=f"Cupo de la edición {codigo}: {cupo_maximo} lugares")],
            usuario=usuario,
        )
        producto.refresh_from_db(fields=["existencia"])
        return edicion


def edicion_actualizar(*, edicion_id: int, fecha_inicio: datetime.date, fecha_fin: datetime.date, cupo_maximo: int,
                       precio: Decimal | None, estado: str, usuario=None) -> Edicion:
    """Change an edition's dates, maximum seats, price or status.

    A new maximum moves the difference of free seats through the ledger ("ajuste"), decided
    under the product's row lock (the lock a checkout takes): it can never go below the seats
    taken (``CupoMenorQueOcupados``, nothing written). The product's name and price follow."""
    _edicion_validar(fecha_inicio=fecha_inicio, fecha_fin=fecha_fin, cupo_maximo=cupo_maximo, precio=precio,
                     estado=estado)
    with transaction.atomic(using=DB_NEGOCIO):
        producto = (Producto.objects.using(DB_NEGOCIO).select_for_update(of=("self",))
                    .filter(pk=edicion_id, tipo=TipoProducto.CURSO).first())
        if producto is None:
            raise CursoError("Esa edición no existe.")
        edicion = Edicion.objects.using(DB_NEGOCIO).select_related("curso").select_for_update(of=("self",)).get(
            pk=edicion_id)
        ocupados = edicion.cupo_maximo - producto.existencia
        if cupo_maximo < ocupados:
            raise CupoMenorQueOcupados(ocupados=ocupados)
        diferencia = cupo_maximo - edicion.cupo_maximo
        if diferencia:
            try:
                existencias_mover(
                    movimientos=[MovimientoDatos(
                        producto_id=producto.pk, tipo=TipoMovimiento.AJUSTE, cantidad=diferencia,
                        motivo=f"Cupo de la edición {producto.codigo}: de {edicion.cupo_maximo} a {cupo_maximo} lugares",
                    )],
                    usuario=usuario, bloqueados={producto.pk: producto},
                )
            except ExistenciaInsuficiente:  # pragma: no cover - the lock above makes it impossible
                raise CupoMenorQueOcupados(ocupados=ocupados) from None
        edicion.fecha_inicio, edicion.fecha_fin, edicion.cupo_maximo = fecha_inicio, fecha_fin, cupo_maximo
        edicion.precio, edicion.estado = precio, estado
        edicion.save(using=DB_NEGOCIO)
        producto.nombre = edicion_nombre(curso=edicion.curso, codigo=producto.codigo, fecha_inicio=fecha_inicio,
                                         fecha_fin=fecha_fin)
        producto.precio = precio if precio is not None else edicion.curso.precio_lista
        producto.save(using=DB_NEGOCIO, update_fields=["nombre", "precio", "actualizado"])
        edicion.producto = producto
        return edicion


def edicion_eliminar(*, edicion_id: int) -> None:
    """Delete an edition never sold (a typo), with its product and its seat movements.

    Once a seat was sold (any sale line names it) it stays: close it instead
    (``EdicionConVentas``)."""
    with transaction.atomic(using=DB_NEGOCIO):
        producto = Producto.objects.using(DB_NEGOCIO).select_for_update().filter(
            pk=edicion_id, tipo=TipoProducto.CURSO).first()
        if producto is None:
            raise CursoError("Esa edición no existe.")
        # Every sale leaves a "venta" movement in the ledger: asked there, so this app does not
        # read sales (carts holding it go with the product: their lines cascade).
        movimientos = MovimientoInventario.objects.using(DB_NEGOCIO).filter(producto_id=producto.pk)
        if movimientos.filter(tipo__in=TIPOS_DE_VENTA).exists():
            raise EdicionConVentas()
        Edicion.objects.using(DB_NEGOCIO).filter(pk=producto.pk).delete()
        movimientos.delete()
        producto.delete(using=DB_NEGOCIO)
