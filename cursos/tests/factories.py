"""Test data for courses: courses and editions through the real services (the seats come in
through the ledger), alumnos written directly (their SII/Aula queue is not what these tests see)."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from clientes.models import Alumno, AlumnoResponsable, Parentesco
from cursos.models import Curso, Edicion, EstadoEdicion, Modalidad
from cursos.services import curso_registrar, edicion_crear
from ventas_ingenio.router import DB_NEGOCIO

_numeros = itertools.count(1)


def curso_crear(**campos) -> Curso:
    n = next(_numeros)
    datos = {"codigo": f"CUR-{n:03d}", "nombre": f"Robótica {n}", "modalidad": Modalidad.PRESENCIAL,
             "duracion_horas": 40, "precio_lista": Decimal("1500.00")}
    datos.update(campos)
    return curso_registrar(**datos)


def edicion_crear_prueba(*, cupo: int = 20, curso: Curso | None = None, usuario=None, **campos) -> Edicion:
    """An edition running from today for a month, with ``cupo`` seats (an "entrada" in the ledger)."""
    curso = curso or curso_crear()
    hoy = timezone.localdate()
    datos = {"codigo": f"ED-{next(_numeros):04d}", "fecha_inicio": hoy, "fecha_fin": hoy + datetime.timedelta(days=30),
             "cupo_maximo": cupo, "precio": None, "estado": EstadoEdicion.PROGRAMADA}
    datos.update(campos)
    return edicion_crear(curso_id=curso.pk, usuario=usuario, **datos)


def alumno_crear(*, nombre: str | None = None, apellidos: str = "López", responsable=None,
                 parentesco: str = Parentesco.MADRE, **campos) -> Alumno:
    alumno = Alumno.objects.using(DB_NEGOCIO).create(
        nombre=nombre or f"Alumno {next(_numeros)}", apellidos=apellidos, **campos
    )
    if responsable is not None:
        AlumnoResponsable.objects.using(DB_NEGOCIO).create(alumno=alumno, cliente=responsable, parentesco=parentesco)
    return alumno
