"""Enrollments with Aula down and a real worker process killed (SIGKILL) while holding claims."""

import signal
import subprocess
import time

import pytest
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from conftest import MANAGE
from cursos.models import Inscripcion
from cursos.tests.datos import alumno_crear, edicion_crear, inscribir
from integraciones.models import SincronizacionInscripcion
from integraciones.services import circuitos_cerrar
from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def trabajador(entorno, *argumentos):
    return subprocess.Popen([*MANAGE, "sincronizar_clientes", *argumentos], env=entorno,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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
    proceso = trabajador(entorno_trabajador, "--lote", "40")
    limite = time.monotonic() + 30
    while SincronizacionInscripcion.objects.filter(estado="sincronizado").count() < 4:
        assert time.monotonic() < limite, "el trabajador no avanzó"
        time.sleep(0.02)
    proceso.send_signal(signal.SIGKILL)
    proceso.wait(timeout=10)
    hechas = SincronizacionInscripcion.objects.filter(estado="sincronizado").count()
    assert 4 <= hechas < 24
    # What it held stays claimed until the lease expires; then another worker finishes it.
    assert SincronizacionInscripcion.objects.filter(estado="pendiente", reclamo__isnull=False).exists()
    sandbox.falla("aula", "ninguna")
    time.sleep(3.2)  # INTEGRACIONES_RECLAMO_SEGUNDOS in the tests
    final = trabajador(entorno_trabajador, "--once")
    salida = final.communicate(timeout=60)
    assert final.returncode == 0, salida
    assert SincronizacionInscripcion.objects.exclude(estado="sincronizado").count() == 0
    # Aula holds each enrollment exactly once, and ours point at them.
    en_aula = sandbox.inscripciones()
    parejas = [(i["alumno_sii_id"], i["edicion_id"]) for i in en_aula]
    assert len(parejas) == len(set(parejas)) == 24
    ids_aula = set(Inscripcion.objects.filter(pk__in=[i.pk for i in inscripciones]).values_list("id_aula", flat=True))
    assert ids_aula == {str(i["id"]) for i in en_aula}
