"""Real concurrency: worker processes against PostgreSQL and the sandbox over HTTP."""

import time

import pytest
from django.utils import timezone

from clientes.alumnos import alumno_registrar
from integraciones.models import SincronizacionAlumno
from integraciones.services import circuitos_cerrar
from integraciones.tests.trabajador import matar_a_media_tanda, terminar_tras_el_reclamo, trabajador

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def registrar_muchos(cuantos):
    return [
        alumno_registrar(nombre=f"Alumno{n}", apellidos="Concurrente", email=f"c{n}@escuela.test")
        for n in range(cuantos)
    ]




def sin_duplicados(sandbox, sistema, esperados):
    alumnos = sandbox.alumnos(sistema)
    correos = [a["email"] for a in alumnos]
    assert len(correos) == len(set(correos)) == esperados, sistema


def test_cien_clientes_caidos_y_dos_trabajadores_a_la_vez(sandbox, entorno_trabajador):
    sandbox.falla("todos", "caido")
    inicio = time.monotonic()
    clientes = registrar_muchos(100)
    duracion = time.monotonic() - inicio
    assert SincronizacionAlumno.objects.filter(estado="pendiente").count() == 200
    assert sandbox.alumnos("sii") == [] and sandbox.alumnos("aula") == []
    # Both systems come back; the backoff and the circuit would make the rows wait: make them due.
    sandbox.falla("todos", "ninguna")
    SincronizacionAlumno.objects.update(proximo_intento=timezone.now())
    circuitos_cerrar()
    procesos = [trabajador(entorno_trabajador, "--once", "--lote", "7") for _ in range(2)]
    salidas = [p.communicate(timeout=120) for p in procesos]
    assert [p.returncode for p in procesos] == [0, 0], salidas
    # Both workers did part of the work (SKIP LOCKED spreads the rows).
    hechos = [int(out.strip().rsplit(" ", 1)[-1]) for out, _ in salidas]
    assert sum(hechos) >= 200 and all(hechos), hechos
    assert SincronizacionAlumno.objects.exclude(estado="sincronizado").count() == 0
    sin_duplicados(sandbox, "sii", 100)
    sin_duplicados(sandbox, "aula", 100)
    ids_sii = {c.id_alumno_sii for c in type(clientes[0]).objects.filter(pk__in=[c.pk for c in clientes])}
    assert len(ids_sii) == 100
    print(f"100 registros con SII y Aula caídos: {duracion:.2f} s")


def test_trabajador_matado_a_media_tanda(sandbox, entorno_trabajador):
    sandbox.falla("todos", "caido")
    registrar_muchos(20)
    sandbox.falla("todos", "lento", segundos=0.05)
    SincronizacionAlumno.objects.update(proximo_intento=timezone.now())
    circuitos_cerrar()
    hechas = matar_a_media_tanda(SincronizacionAlumno, entorno_trabajador, minimo=5)
    assert 5 <= hechas < 40
    sandbox.falla("todos", "ninguna")
    terminar_tras_el_reclamo(SincronizacionAlumno, entorno_trabajador)
    sin_duplicados(sandbox, "sii", 20)
    sin_duplicados(sandbox, "aula", 20)
