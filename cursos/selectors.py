"""Reads of courses, editions and enrollments for the pages (lists, an edition's roster, an
alumno's and a sale's enrollments) and what the till asks (seats, sellability). No import of ``ventas``: the alumno's page (``clientes``)
includes ``inscripciones_de_alumno``, and ``clientes`` does not read sales; the sale a seat
came from is reached through the enrollment's relations.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, QuerySet, Sum
from django.utils import timezone

from cursos.models import Curso, Edicion, EstadoEdicion, EstadoInscripcion, Inscripcion, ParcialidadPlan
from integraciones.selectors import EstadoAula, estados_aula
from ventas_ingenio.router import DB_NEGOCIO

ESTADO_VENTA_COMPLETADA = "completada"  # ventas.models.EstadoVenta.COMPLETADA


@dataclass(frozen=True)
class PagoAsiento:
    """How a seat stands in money, read from its sale's stored fields (the sale is paid as a
    whole: a seat sold with other lines shares the sale's balance and due date)."""

    estado: str  # pagado / parcial / pendiente / vencida / devuelto / cancelada
    texto: str
    saldo: Decimal = Decimal("0")
    vence: datetime.date | None = None

    def __str__(self):
        return self.texto


def pago_estado(*, venta_estado: str, cantidad_devuelta: int, estado_pago: str = "pagado",
                saldo: Decimal = Decimal("0"), vence: datetime.date | None = None,
                hoy: datetime.date | None = None) -> PagoAsiento:
    """The seat's payment state, the one place the roster, the alumno's page and the sale's
    enrollments ask. Takes the sale's stored fields (``estado``, ``estado_pago``, ``saldo``,
    ``vence``: the first unpaid installment's date) so this module needs no import of ``ventas``.
    "Vencida": something still owed and ``vence`` before today in Mexico City."""
    if venta_estado != ESTADO_VENTA_COMPLETADA:
        return PagoAsiento("cancelada", "Venta cancelada")
    if cantidad_devuelta:
        return PagoAsiento("devuelto", "Devuelto")
    if saldo <= 0 or estado_pago == "pagado":
        return PagoAsiento("pagado", "Pagado")
    hoy = hoy or timezone.localdate()
    debe = f"debe ${saldo:,.2f}"
    if vence is not None and vence < hoy:
        return PagoAsiento("vencida", f"Vencida desde el {vence:%d/%m/%Y} · {debe}", saldo, vence)
    proximo = f" · próximo pago {vence:%d/%m/%Y}" if vence is not None else ""
    if estado_pago == "pendiente":
        return PagoAsiento("pendiente", f"Pendiente · {debe}{proximo}", saldo, vence)
    return PagoAsiento("parcial", f"Parcial · {debe}{proximo}", saldo, vence)


def cursos_para_filtro() -> list[tuple[int, str]]:
    return [(c.pk, str(c)) for c in Curso.objects.using(DB_NEGOCIO).order_by("codigo")]


def ediciones_filtrar(*, curso_id: int | None = None, estado: str = "", proximas: bool = False) -> list[Edicion]:
    """Editions with their course and product, soonest first; ``proximas``: starting today or later."""
    ediciones = (
        Edicion.objects.using(DB_NEGOCIO).select_related("curso", "producto")
        .annotate(ocupados=F("cupo_maximo") - F("producto__existencia"))
    )
    if curso_id is not None:
        ediciones = ediciones.filter(curso_id=curso_id)
    if estado:
        ediciones = ediciones.filter(estado=estado)
    if proximas:
        ediciones = ediciones.filter(fecha_inicio__gte=timezone.localdate())
    return list(ediciones.order_by("fecha_inicio", "producto_id")[:500])


def edicion_obtener(*, edicion_id: int) -> Edicion:
    """The edition with its course and product; raises ``Edicion.DoesNotExist``."""
    return (
        Edicion.objects.using(DB_NEGOCIO).select_related("curso", "producto")
        .annotate(ocupados=F("cupo_maximo") - F("producto__existencia"))
        .get(pk=edicion_id)
    )


@dataclass(frozen=True)
class FilaInscripcion:
    """One enrollment as the roster, the alumno's page and the sale's page show it."""

    inscripcion: Inscripcion
    alumno: str
    matricula: str
    ciclo_escolar: str
    grado_grupo: str
    pagador: str
    venta_id: int
    folio: str
    pago: PagoAsiento
    aula: EstadoAula

    @property
    def activa(self) -> bool:
        return self.inscripcion.estado != EstadoInscripcion.CANCELADA


def _filas(inscripciones) -> list[FilaInscripcion]:
    inscripciones = list(inscripciones)
    aula = estados_aula(inscripciones)
    hoy = timezone.localdate()
    filas = []
    for i in inscripciones:
        alumno, detalle = i.alumno, i.venta_detalle
        venta = detalle.venta
        grado_grupo = " ".join(p for p in (alumno.grado, alumno.grupo) if p)
        filas.append(FilaInscripcion(
            inscripcion=i, alumno=f"{alumno.apellidos} {alumno.nombre}".strip(), matricula=alumno.matricula,
            ciclo_escolar=alumno.ciclo_escolar, grado_grupo=grado_grupo, pagador=str(venta.cliente),
            venta_id=venta.pk, folio=venta.folio_texto,
            pago=pago_estado(venta_estado=venta.estado, cantidad_devuelta=detalle.cantidad_devuelta,
                             estado_pago=venta.estado_pago, saldo=venta.saldo, vence=venta.vence, hoy=hoy),
            aula=aula[i.pk],
        ))
    return filas


def _con_relaciones():
    return Inscripcion.objects.using(DB_NEGOCIO).select_related(
        "alumno", "edicion__curso", "edicion__producto", "venta_detalle__venta__cliente"
    )


def lista_de_edicion(*, edicion_id: int) -> list[FilaInscripcion]:
    """The edition's roster: active and completed enrollments by alumno's surname, then the
    cancelled ones (so a cancellation on its way to Aula shows)."""
    filas = _filas(_con_relaciones().filter(edicion_id=edicion_id).order_by("alumno__apellidos", "alumno__nombre", "id"))
    return sorted(filas, key=lambda f: not f.activa)


def inscripciones_de_alumno(*, alumno_id: int) -> list[FilaInscripcion]:
    """The alumno's enrollments, newest first, with payer, sale and Aula state
    (``templates/cursos/partials/_inscripciones_alumno.html`` shows them)."""
    return _filas(_con_relaciones().filter(alumno_id=alumno_id).order_by("-creado", "-id"))


def inscripciones_activas_pagadas_por(*, alumno_id: int, cliente_id: int) -> list[Inscripcion]:
    """The alumno's active enrollments whose seat ``cliente`` paid (the sale's client): while
    there is one, that client cannot stop being the alumno's responsable."""
    return list(
        Inscripcion.objects.using(DB_NEGOCIO).select_related("edicion__curso")
        .filter(alumno_id=alumno_id, estado__in=(EstadoInscripcion.ACTIVA, EstadoInscripcion.POR_PAGAR),
                venta_detalle__venta__cliente_id=cliente_id)
        .order_by("id")
    )


def inscripciones_de_venta(*, venta_id: int) -> dict[int, list[FilaInscripcion]]:
    """A sale's enrollments by the sale line that bought each seat."""
    por_linea: dict[int, list[FilaInscripcion]] = {}
    for fila in _filas(_con_relaciones().filter(venta_detalle__venta_id=venta_id).order_by("id")):
        por_linea.setdefault(fila.inscripcion.venta_detalle_id, []).append(fila)
    return por_linea


def inscripcion_obtener(*, inscripcion_id: int) -> Inscripcion:
    return Inscripcion.objects.using(DB_NEGOCIO).select_related("edicion", "venta_detalle").get(pk=inscripcion_id)


def inscripcion_fila(*, inscripcion_id: int) -> FilaInscripcion:
    """One enrollment as the pages show it; raises ``Inscripcion.DoesNotExist``."""
    return _filas([_con_relaciones().get(pk=inscripcion_id)])[0]


# Enrollments that hold the alumno's place in the edition (a cancelled one does not; one
# waiting for its sale to be paid does).
ESTADOS_VIGENTES = (EstadoInscripcion.ACTIVA, EstadoInscripcion.POR_PAGAR, EstadoInscripcion.COMPLETADA)


def ediciones_con_lugares() -> QuerySet[Edicion]:
    """Editions with their product, ``ocupados`` (seats taken) and ``libres`` (free seats)."""
    return (
        Edicion.objects.using(DB_NEGOCIO).select_related("producto", "curso")
        .annotate(libres=F("producto__existencia"), ocupados=F("cupo_maximo") - F("producto__existencia"))
    )


def edicion_ocupados(*, edicion: Edicion) -> int:
    """Seats taken of ``edicion`` (its product loaded): cupo máximo minus free seats."""
    return edicion.cupo_maximo - edicion.producto.existencia


def edicion_impedimento(*, edicion: Edicion, hoy: datetime.date | None = None) -> str:
    """Why the edition cannot be sold today (local date), or "" when it can. Seats are checked
    apart (they depend on the cart)."""
    hoy = hoy or timezone.localdate()
    nombre = edicion.producto.nombre
    if edicion.estado == EstadoEdicion.CERRADA:
        return f"{nombre}: la edición está cerrada, no admite inscripciones."
    if edicion.fecha_fin < hoy:
        return f"{nombre}: la edición ya terminó ({edicion.fecha_fin:%d/%m/%Y})."
    if not edicion.producto.activo:
        return f"{nombre} está dado de baja: no se puede vender."
    return ""


def inscripciones_vigentes(*, pares: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of the (alumno_id, edicion_id) pairs, those already enrolled (active or completed)."""
    if not pares:
        return set()
    alumnos = {a for a, _ in pares}
    ediciones = {e for _, e in pares}
    encontrados = Inscripcion.objects.using(DB_NEGOCIO).filter(
        alumno_id__in=alumnos, edicion_id__in=ediciones, estado__in=ESTADOS_VIGENTES
    ).values_list("alumno_id", "edicion_id")
    return set(encontrados) & pares


def plan_de_edicion(*, edicion_id: int) -> list[ParcialidadPlan]:
    """The edition's payment plan in order (empty: its seats are paid at once)."""
    return list(ParcialidadPlan.objects.using(DB_NEGOCIO).filter(edicion_id=edicion_id).order_by("numero"))


def plan_suma(*, edicion_id: int) -> Decimal | None:
    """What the edition's plan adds up to, or None without a plan."""
    return ParcialidadPlan.objects.using(DB_NEGOCIO).filter(edicion_id=edicion_id).aggregate(s=Sum("monto"))["s"]
