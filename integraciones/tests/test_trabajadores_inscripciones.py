"""Enrollments with Aula down and a real worker process killed (SIGKILL) while holding claims."""


import pytest
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from cursos.models import Inscripcion
from cursos.tests.datos import alumno_crear, edicion_crear, inscribir
from integraciones.models import SincronizacionInscripcion
from integraciones.services import circuitos_cerrar
from integraciones.tests.trabajador import matar_a_media_tanda, terminar_tras_el_reclamo
from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def test_aula_caida_y_trabajador_matado_cada_inscripcion_una_vez(sandbox, entorno_trabajador):
    cajero = UsuarioConRolFactory()
    TurnoFactory(cajero=cajero)
    mama = ClienteFactory()
    ediciones = [edicion_crear(cupo=20) for _ in range(2)]
    alumnos = [alumno_crear(n, responsable=mama) for n in range(12)]  # SII and Aula up: alumnos synced
    sandbox.falla("aula", "caido")
    inscripciones = [
        inscribir(cajero=cajero, alumno=alumno, edicion=edicion, cliente=mama)
        for alumno in alumnos for edicion in ediciones
    ]
    assert SincronizacionInscripcion.objects.filter(estado="pendiente").count() == 24
    assert sandbox.inscripciones() == []
    # Aula answers again, slowly; one worker takes every row at once and is killed half-way.
    sandbox.falla("aula", "lento", segundos=0.1)
    SincronizacionInscripcion.objects.update(proximo_intento=timezone.now())
    circuitos_cerrar()
    hechas = matar_a_media_tanda(SincronizacionInscripcion, entorno_trabajador, minimo=4)
    assert 4 <= hechas < 24
    sandbox.falla("aula", "ninguna")
    terminar_tras_el_reclamo(SincronizacionInscripcion, entorno_trabajador)
    # Aula holds each enrollment exactly once, and ours point at them.
    en_aula = sandbox.inscripciones()
    parejas = [(i["alumno_sii_id"], i["edicion_id"]) for i in en_aula]
    assert len(parejas) == len(set(parejas)) == 24
    ids_aula = set(Inscripcion.objects.filter(pk__in=[i.pk for i in inscripciones]).values_list("id_aula", flat=True))
    assert ids_aula == {str(i["id"]) for i in en_aula}
