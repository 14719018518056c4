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
