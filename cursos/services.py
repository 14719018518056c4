"""Writes of courses and editions: each service is one transaction on the business database.

An edition is a ``inventario.Producto`` of kind "curso" whose stock is its free seats. Creating
it writes the product, the edition and an "entrada" of ``cupo_maximo`` seats in the stock ledger;
changing the maximum moves the difference through the ledger ("ajuste"), under the product's
row lock (the same lock a checkout takes), so it can never go below the seats already sold:
the ``existencia >= 0`` CHECK backs that up. The product's name and price follow the edition.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from cursos.exceptions import CupoMenorQueOcupados, CursoError, EdicionConVentas, PlanNoValido
from cursos.models import (
    Curso,
    Edicion,
    EstadoEdicion,
    EstadoInscripcion,
    Inscripcion,
    Modalidad,
    ParcialidadPlan,
)
from cursos.selectors import ESTADO_VENTA_COMPLETADA, plan_suma
from integraciones.services import inscripcion_encolar
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
from ventas_ingenio.entradas import FECHA_MAXIMA, tiene_control
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
            if edicion.precio is None:
                _precio_con_plan_revisar(edicion_id=producto.pk, precio=precio_lista, codigo=producto.codigo,
                                         campo="precio_lista")
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
        _precio_con_plan_revisar(edicion_id=producto.pk, codigo=producto.codigo, campo="precio",
                                 precio=precio if precio is not None else edicion.curso.precio_lista)
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


# --- An edition's payment plan (issue 15) ---------------------------------------------------------
PARCIALIDADES_MINIMAS = 2
PARCIALIDADES_MAXIMAS = 24
CONCEPTO_MAXIMO = ParcialidadPlan._meta.get_field("concepto").max_length
CENTAVO = Decimal("0.01")


@dataclass(frozen=True)
class ParcialidadPlanDatos:
    concepto: str
    monto: Decimal
    vence: datetime.date


def _plan_forma_validar(parcialidades: Sequence) -> list[ParcialidadPlanDatos]:
    """Each installment on its own (no database): concept, amount in cents, a real date. Items
    are ``(concepto, monto, vence)`` numbered by position, or ``(numero, concepto, monto,
    vence)`` whose numbers must run 1, 2, 3… in order."""
    if isinstance(parcialidades, str | bytes) or not isinstance(parcialidades, Iterable):
        raise PlanNoValido("El plan de pagos es una lista de parcialidades.")
    filas = list(parcialidades)
    if len(filas) < PARCIALIDADES_MINIMAS:
        raise PlanNoValido(f"Un plan de pagos tiene al menos {PARCIALIDADES_MINIMAS} parcialidades; "
                           "si se paga de una vez, quita el plan.")
    if len(filas) > PARCIALIDADES_MAXIMAS:
        raise PlanNoValido(f"Un plan de pagos tiene como máximo {PARCIALIDADES_MAXIMAS} parcialidades.")
    datos = []
    for posicion, fila in enumerate(filas, start=1):
        if not isinstance(fila, tuple | list) or len(fila) not in (3, 4):
            raise PlanNoValido(f"Parcialidad {posicion}: escribe concepto, monto y fecha.", numero=posicion)
        if len(fila) == 4:
            numero, *fila = fila
            if isinstance(numero, bool) or numero != posicion:
                raise PlanNoValido(f"Las parcialidades se numeran 1, 2, 3… sin huecos: la {posicion}.ª dice "
                                   f"{numero!s:.10}.", numero=posicion, campo="numero")
        concepto, monto, vence = fila
        concepto = concepto.strip() if isinstance(concepto, str) else ""
        if not concepto:
            raise PlanNoValido(f"Parcialidad {posicion}: escribe el concepto.", numero=posicion, campo="concepto")
        if tiene_control(concepto):
            raise PlanNoValido(f"Parcialidad {posicion}: el concepto tiene caracteres no permitidos.",
                               numero=posicion, campo="concepto")
        if len(concepto) > CONCEPTO_MAXIMO:
            raise PlanNoValido(f"Parcialidad {posicion}: el concepto es demasiado largo (máximo {CONCEPTO_MAXIMO}).",
                               numero=posicion, campo="concepto")
        if not isinstance(monto, Decimal) or not monto.is_finite():
            raise PlanNoValido(f"Parcialidad {posicion}: el monto va en pesos, por ejemplo 1500.00.",
                               numero=posicion, campo="monto")
        if monto <= 0:
            raise PlanNoValido(f"Parcialidad {posicion}: el monto debe ser mayor que cero.", numero=posicion,
                               campo="monto")
        if monto > PRECIO_MAXIMO:
            raise PlanNoValido(f"Parcialidad {posicion}: el monto es demasiado grande (máximo ${PRECIO_MAXIMO:,.2f}).",
                               numero=posicion, campo="monto")
        if monto != monto.quantize(CENTAVO):
            raise PlanNoValido(f"Parcialidad {posicion}: el monto va en pesos y centavos (2 decimales).",
                               numero=posicion, campo="monto")
        if not isinstance(vence, datetime.date) or isinstance(vence, datetime.datetime) or vence > FECHA_MAXIMA:
            raise PlanNoValido(f"Parcialidad {posicion}: escribe una fecha válida.", numero=posicion, campo="vence")
        datos.append(ParcialidadPlanDatos(concepto=concepto, monto=monto.quantize(CENTAVO), vence=vence))
    return datos


def _plan_fechas_validar(datos: list[ParcialidadPlanDatos], *, anteriores: dict[int, datetime.date],
                         hoy: datetime.date) -> None:
    """Dates strictly increasing, none before today, except an installment kept with the date
    it already had (a plan edited after its enrollment date passed keeps that date)."""
    for numero, p in enumerate(datos, start=1):
        if p.vence < hoy and anteriores.get(numero) != p.vence:
            raise PlanNoValido(f"Parcialidad {numero}: la fecha ({p.vence:%d/%m/%Y}) ya pasó; "
                               f"usa del {hoy:%d/%m/%Y} en adelante.", numero=numero, campo="vence")
        if numero > 1 and p.vence <= datos[numero - 2].vence:
            raise PlanNoValido(f"Parcialidad {numero}: vence el {p.vence:%d/%m/%Y}, que no es posterior a la "
                               f"anterior ({datos[numero - 2].vence:%d/%m/%Y}): las fechas van en orden y sin repetirse.",
                               numero=numero, campo="vence")


def plan_guardar(*, edicion_id: int, parcialidades: Sequence) -> list[ParcialidadPlan]:
    """Replace the edition's payment plan with ``parcialidades`` in one transaction.

    Checks first each installment (concept, amount > 0 in cents, a real date; at most
    ``PARCIALIDADES_MAXIMAS``, at least ``PARCIALIDADES_MINIMAS``), then, under the edition
    product's row lock (the lock a checkout and a price change take, so neither can slip in
    between), that the dates are strictly increasing and not past (an unchanged date may stay)
    and that the amounts add up to the edition's price to the cent. Raises ``PlanNoValido``
    (with ``numero`` and ``campo`` when about one installment); nothing is written then.
    Sales already made keep the schedule they copied."""
    datos = _plan_forma_validar(parcialidades)
    hoy = timezone.localdate()
    with transaction.atomic(using=DB_NEGOCIO):
        producto = _edicion_producto_bloquear(edicion_id)
        anteriores = dict(ParcialidadPlan.objects.using(DB_NEGOCIO).filter(edicion_id=edicion_id)
                          .values_list("numero", "vence"))
        _plan_fechas_validar(datos, anteriores=anteriores, hoy=hoy)
        suma = sum((p.monto for p in datos), Decimal("0"))
        if suma != producto.precio:
            diferencia = suma - producto.precio
            raise PlanNoValido(
                f"Las parcialidades suman ${suma:,.2f} y el precio de la edición es ${producto.precio:,.2f} "
                f"({'sobran' if diferencia > 0 else 'faltan'} ${abs(diferencia):,.2f}).", campo="monto")
        ParcialidadPlan.objects.using(DB_NEGOCIO).filter(edicion_id=edicion_id).delete()
        return ParcialidadPlan.objects.using(DB_NEGOCIO).bulk_create(
            ParcialidadPlan(edicion_id=edicion_id, numero=numero, concepto=p.concepto, monto=p.monto, vence=p.vence)
            for numero, p in enumerate(datos, start=1)
        )


def plan_quitar(*, edicion_id: int) -> int:
    """Remove the edition's payment plan: from now on its seats are paid at once. Sales already
    made keep their schedules. Returns how many installments were removed."""
    with transaction.atomic(using=DB_NEGOCIO):
        _edicion_producto_bloquear(edicion_id)
        borradas, _ = ParcialidadPlan.objects.using(DB_NEGOCIO).filter(edicion_id=edicion_id).delete()
        return borradas


def _edicion_producto_bloquear(edicion_id: int) -> Producto:
    producto = (Producto.objects.using(DB_NEGOCIO).select_for_update(of=("self",))
                .filter(pk=edicion_id, tipo=TipoProducto.CURSO).first())
    if producto is None or not Edicion.objects.using(DB_NEGOCIO).filter(pk=edicion_id).exists():
        raise PlanNoValido("Esa edición no existe.")
    return producto


def _mismo_dia_del_mes(fecha: datetime.date, meses: int) -> datetime.date:
    """``fecha`` moved ``meses`` months ahead, on the same day, or the month's last day when it
    has fewer (31 → 30 de abril, 28 o 29 de febrero)."""
    indice = fecha.month - 1 + meses
    anio, mes = fecha.year + indice // 12, indice % 12 + 1
    return datetime.date(anio, mes, min(fecha.day, calendar.monthrange(anio, mes)[1]))


def plan_mensualidades(*, precio: Decimal, inscripcion: Decimal, inscripcion_vence: datetime.date,
                       mensualidades: int, primera_mensualidad: datetime.date,
                       concepto_inscripcion: str = "Inscripción",
                       concepto_mensualidad: str = "Mensualidad") -> list[ParcialidadPlanDatos]:
    """"Inscripción + N mensualidades": an enrollment fee due ``inscripcion_vence`` (none when
    it is 0), then ``mensualidades`` equal monthly payments of what is left, on the same day of
    each month from ``primera_mensualidad``; the cents that do not divide go into the last one,
    so the plan adds up to ``precio`` exactly. Only computes (``plan_guardar`` saves and checks
    the dates); raises ``PlanNoValido`` when the numbers cannot make a plan."""
    maximo = PARCIALIDADES_MAXIMAS - (1 if inscripcion else 0)
    if isinstance(mensualidades, bool) or not isinstance(mensualidades, int) or not 1 <= mensualidades <= maximo:
        raise PlanNoValido(f"El número de mensualidades va de 1 a {maximo}.", campo="mensualidades")
    if inscripcion is None or inscripcion < 0 or inscripcion != inscripcion.quantize(CENTAVO):
        raise PlanNoValido("La inscripción va en pesos y centavos, de cero en adelante.", campo="inscripcion")
    resto = precio - inscripcion
    if resto < mensualidades * CENTAVO:
        raise PlanNoValido(f"La inscripción (${inscripcion:,.2f}) no deja nada para las mensualidades: el precio "
                           f"de la edición es ${precio:,.2f}.", campo="inscripcion")
    if inscripcion and inscripcion_vence >= primera_mensualidad:
        raise PlanNoValido("La inscripción vence antes de la primera mensualidad.", campo="primera_mensualidad")
    if _mismo_dia_del_mes(primera_mensualidad, mensualidades - 1) > FECHA_MAXIMA:
        raise PlanNoValido("Las mensualidades pasan del año 2100.", campo="primera_mensualidad")
    cuota = (resto / mensualidades).quantize(CENTAVO, rounding=ROUND_DOWN)
    plan = [ParcialidadPlanDatos(concepto_inscripcion, inscripcion, inscripcion_vence)] if inscripcion else []
    for i in range(mensualidades):
        monto = resto - cuota * (mensualidades - 1) if i == mensualidades - 1 else cuota
        plan.append(ParcialidadPlanDatos(f"{concepto_mensualidad} {i + 1}"[:CONCEPTO_MAXIMO], monto,
                                         _mismo_dia_del_mes(primera_mensualidad, i)))
    return plan


def _precio_con_plan_revisar(*, edicion_id: int, precio: Decimal, codigo: str, campo: str) -> None:
    """A price change is refused while the edition has a plan adding up to another amount: the
    plan always equals the price, so the till never offers a schedule that does not add up."""
    suma = plan_suma(edicion_id=edicion_id)
    if suma is not None and suma != precio:
        raise CursoError(
            f"La edición {codigo} tiene un plan de pagos que suma ${suma:,.2f}: no puede costar ${precio:,.2f}. "
            "Cambia primero el plan (o quítalo) y luego el precio.", campo=campo)


# --- Enrollments paid in installments (INSCRIPCION_ACTIVA_DESDE) ----------------------------------
ACTIVA_DESDE_PRIMER_PAGO, ACTIVA_DESDE_LIQUIDADO = "primer_pago", "liquidado"


def inscripcion_espera_liquidar() -> bool:
    """True when an enrollment sold in installments waits until its sale is paid in full
    (``INSCRIPCION_ACTIVA_DESDE = "liquidado"``) instead of starting at the first payment."""
    valor = settings.INSCRIPCION_ACTIVA_DESDE
    if valor not in (ACTIVA_DESDE_PRIMER_PAGO, ACTIVA_DESDE_LIQUIDADO):
        raise ImproperlyConfigured(f"INSCRIPCION_ACTIVA_DESDE debe ser «primer_pago» o «liquidado», no {valor!r}.")
    return valor == ACTIVA_DESDE_LIQUIDADO


def inscripciones_liquidadas_activar(*, venta_id: int) -> list[int]:
    """The sale's enrollments waiting for payment ("por_pagar") become active and are queued
    for Aula — only once the sale owes nothing (its stored ``saldo`` is 0) and is not cancelled.

    Called inside the transaction that settled the sale, after its ``pagado`` (or
    ``total_devuelto``) was saved under the sale's row lock: an abono
    (``ventas.abonos.services.abono_registrar``) or a return that cancels the rest of the
    balance. Idempotent: with a balance left, or nothing waiting, it does nothing. Returns the
    ids activated."""
    with transaction.atomic(using=DB_NEGOCIO):
        ids = list(
            Inscripcion.objects.using(DB_NEGOCIO).select_for_update(of=("self",))
            .filter(venta_detalle__venta_id=venta_id, estado=EstadoInscripcion.POR_PAGAR,
                    venta_detalle__venta__saldo=0, venta_detalle__venta__estado=ESTADO_VENTA_COMPLETADA)
            .order_by("pk").values_list("pk", flat=True)
        )
        if ids:
            Inscripcion.objects.using(DB_NEGOCIO).filter(pk__in=ids).update(estado=EstadoInscripcion.ACTIVA)
            for inscripcion_id in ids:
                inscripcion_encolar(inscripcion_id=inscripcion_id, operacion="crear")
        return ids
