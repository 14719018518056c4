"""Editions and enrollments for tests.

``inscribir`` sells the edition's seat through the real cart and checkout: the cart's client is
the one who pays, the seat's line names the alumno, and the checkout writes the enrollment and
its Aula outbox row in its transaction.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from clientes.alumnos import alumno_registrar
from cursos.models import Curso, Edicion, Inscripcion
from cursos.tests.factories import edicion_crear_prueba
from integraciones.services import inscripcion_encolar
from ventas.caja.services import carrito_cliente_asignar, carrito_inscribir
from ventas.tests.factories import vender
from ventas_ingenio.router import DB_NEGOCIO


def edicion_crear(*, curso: Curso | None = None, cupo: int = 10, inicio: datetime.date | None = None,
                  estado: str = "programada") -> Edicion:
    """An edition starting in two weeks, for a month, made by the real service."""
    inicio = inicio or timezone.localdate() + datetime.timedelta(days=14)
    return edicion_crear_prueba(curso=curso, cupo=cupo, fecha_inicio=inicio,
                                fecha_fin=inicio + datetime.timedelta(days=30), estado=estado)


def alumno_crear(n: int, *, responsable=None, **campos):
    datos = {"nombre": f"Alumno{n}", "apellidos": "Prueba", "email": f"alumno{n}@escuela.test", **campos}
    return alumno_registrar(responsable=responsable, **datos)


def inscribir(*, cajero, alumno, edicion: Edicion, cliente) -> Inscripcion:
    """Sell one seat of ``edicion`` for ``alumno``, paid by ``cliente``, at the till: the checkout
    enrolls and queues it for Aula."""
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno.pk)
    venta = vender(cajero, [])
    return Inscripcion.objects.using(DB_NEGOCIO).get(venta_detalle__venta=venta, alumno=alumno)


def inscripcion_cancelar(inscripcion: Inscripcion) -> None:
    """What a return of the line does to the enrollment (the seat is the returns' business)."""
    with transaction.atomic(using=DB_NEGOCIO):
        Inscripcion.objects.using(DB_NEGOCIO).filter(pk=inscripcion.pk).update(
            estado="cancelada", cancelado=timezone.now()
        )
        inscripcion_encolar(inscripcion_id=inscripcion.pk, operacion="cancelar")


def plan_poner(edicion: Edicion, *partes: tuple[str, str, int]) -> None:
    """The edition's payment plan through the real service: (concepto, monto, days from today).
    Dates in the past are written directly afterwards (the service refuses new past dates)."""
    from decimal import Decimal

    from cursos.models import ParcialidadPlan
    from cursos.services import plan_guardar

    hoy = timezone.localdate()
    desfase = max(0, -min(dias for _, _, dias in partes))
    plan_guardar(edicion_id=edicion.pk, parcialidades=[
        (concepto, Decimal(monto), hoy + datetime.timedelta(days=dias + desfase)) for concepto, monto, dias in partes])
    if desfase:
        for numero, (_, _, dias) in enumerate(partes, start=1):
            ParcialidadPlan.objects.using(DB_NEGOCIO).filter(edicion=edicion, numero=numero).update(
                vence=hoy + datetime.timedelta(days=dias))


def inscribir_a_plazos(*, cajero, alumnos, edicion: Edicion, cliente, articulos=(), anticipo=None):
    """Sell seats of ``edicion`` (one per alumno) and ``articulos`` ((producto, cantidad)) in
    installments at the till, as the cobro panel does: ``plazo_parcialidades`` of the cart, the
    minimum down payment (or ``anticipo``) in cash. Returns the sale."""
    from decimal import Decimal

    from ventas.caja.cobro import venta_confirmar
    from ventas.caja.plazos import plazo_parcialidades
    from ventas.caja.selectors import carrito_de_cajero
    from ventas.caja.services import carrito_agregar

    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    for alumno in alumnos:
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno.pk)
    for producto, cantidad in articulos:
        carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=cantidad)
    vista = carrito_de_cajero(cajero=cajero)
    plazo = plazo_parcialidades(vista=vista, anticipo=None if anticipo is None else Decimal(anticipo))
    venta, _ = venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=[],
                               efectivo_recibido=plazo.anticipo, plazo=plazo)
    venta.refresh_from_db()
    return venta


def abonar(venta, monto) -> list[int]:
    """What ``ventas.abonos.services.abono_registrar`` does to the sale, without the Abono row and
    its shift (another part writes those): under the sale's row lock, ``pagado`` grows, ``vence``
    moves to the first installment not covered, then the one-line hook activates the enrollments
    that waited for the sale to be paid. Returns the enrollments activated."""
    from decimal import Decimal

    from cursos.services import inscripciones_liquidadas_activar
    from ventas.caja.cobro import parcialidad_vigente
    from ventas.models import Venta, VentaParcialidad

    with transaction.atomic(using=DB_NEGOCIO):
        venta = Venta.objects.using(DB_NEGOCIO).select_for_update().get(pk=venta.pk)
        venta.pagado += Decimal(monto)
        vigente = parcialidad_vigente(parcialidades=VentaParcialidad.objects.using(DB_NEGOCIO)
                                      .filter(venta=venta).order_by("numero"), pagado=venta.pagado)
        venta.vence = vigente.vence if vigente else None
        venta.save(using=DB_NEGOCIO, update_fields=["pagado", "vence"])
        return inscripciones_liquidadas_activar(venta_id=venta.pk)
