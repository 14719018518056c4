"""Enrollments through the outbox to Aula: order after SII, cancel after create, faults, idempotency.

Every test talks HTTP to the sandbox and checks what Aula holds (``/_control/inscripciones/``),
not only our rows.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from cursos.models import Inscripcion
from cursos.tests.datos import alumno_crear, edicion_crear, inscribir, inscripcion_cancelar
from integraciones.models import CircuitoSistema, SincronizacionAlumno, SincronizacionInscripcion
from integraciones.services import (
    circuitos_cerrar,
    inscripcion_reintentar,
    inscripciones_procesar_lote,
)
from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def cajero():
    usuario = UsuarioConRolFactory()
    TurnoFactory(cajero=usuario)
    return usuario


@pytest.fixture
def mama():
    return ClienteFactory(nombre="Laura", apellidos="Gómez")


def filas(inscripcion):
    return {f.operacion: f for f in SincronizacionInscripcion.objects.filter(inscripcion=inscripcion)}


def vencer_todo():
    """Make every pending row due now and close the circuits (time travel for the worker)."""
    ahora = timezone.now()
    SincronizacionAlumno.objects.filter(estado="pendiente").update(proximo_intento=ahora, reclamo=None)
    SincronizacionInscripcion.objects.filter(estado="pendiente").update(proximo_intento=ahora, reclamo=None)
    circuitos_cerrar()


def id_sii(alumno):
    return SincronizacionAlumno.objects.get(alumno=alumno, sistema="sii").id_externo


def test_inscripcion_llega_a_aula_al_instante_con_sus_datos(sandbox, cajero, mama):
    alumno = alumno_crear(1, responsable=mama)
    edicion = edicion_crear()
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion, cliente=mama)
    fila = filas(inscripcion)["crear"]
    assert fila.estado == "sincronizado"
    (en_aula,) = sandbox.inscripciones()
    assert en_aula == {
        "id": en_aula["id"], "cliente_id": mama.pk, "curso_id": edicion.curso_id, "edicion_id": edicion.pk,
        "alumno_sii_id": id_sii(alumno), "estado": "activa",
    }
    inscripcion.refresh_from_db()
    assert inscripcion.id_aula == fila.id_externo == str(en_aula["id"])


def test_espera_a_que_el_alumno_este_en_sii_y_sale_despues(sandbox, cajero, mama):
    sandbox.falla("sii", "caido")
    alumno = alumno_crear(2, responsable=mama)
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    fila = filas(inscripcion)["crear"]
    # Not even tried: Aula would answer 422 without the alumno's SII id.
    assert (fila.estado, fila.intentos) == ("pendiente", 0)
    vencer_todo()
    assert inscripciones_procesar_lote() == 0
    assert sandbox.inscripciones() == []
    sandbox.falla("sii", "ninguna")
    vencer_todo()
    call_command("sincronizar_clientes", "--once")
    fila.refresh_from_db()
    assert fila.estado == "sincronizado"
    (en_aula,) = sandbox.inscripciones()
    assert en_aula["alumno_sii_id"] == id_sii(alumno) != ""
    assert str(en_aula["id"]) == fila.id_externo


def test_la_cancelacion_llega_despues_de_la_creacion(sandbox, cajero, mama):
    alumno = alumno_crear(3, responsable=mama)
    sandbox.falla("aula", "caido")
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    assert filas(inscripcion)["crear"].intentos == 1  # the immediate attempt found Aula down
    inscripcion_cancelar(inscripcion)
    assert set(filas(inscripcion)) == {"crear", "cancelar"}
    sandbox.falla("aula", "ninguna")
    # The create is not due yet, the cancel is: the cancel must wait (nothing to cancel by id).
    vencer_todo()
    SincronizacionInscripcion.objects.filter(operacion="crear").update(
        proximo_intento=timezone.now() + datetime.timedelta(hours=1))
    assert inscripciones_procesar_lote() == 0
    assert sandbox.inscripciones() == []
    vencer_todo()
    call_command("sincronizar_clientes", "--once")
    crear, cancelar = filas(inscripcion)["crear"], filas(inscripcion)["cancelar"]
    assert crear.estado == cancelar.estado == "sincronizado"
    assert crear.sincronizado_en < cancelar.sincronizado_en
    (en_aula,) = sandbox.inscripciones()
    assert en_aula["estado"] == "cancelada" and str(en_aula["id"]) == crear.id_externo == cancelar.id_externo


def test_cancelada_antes_de_cualquier_intento_no_llega_a_aula(sandbox, cajero, mama):
    sandbox.falla("sii", "caido")
    alumno = alumno_crear(4, responsable=mama)
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    inscripcion_cancelar(inscripcion)
    assert filas(inscripcion) == {}
    sandbox.falla("sii", "ninguna")
    vencer_todo()
    call_command("sincronizar_clientes", "--once")
    assert sandbox.inscripciones() == []
    assert id_sii(alumno)


def test_reinscrito_tras_cancelar_espera_la_cancelacion_anterior(sandbox, cajero, mama):
    alumno = alumno_crear(5, responsable=mama)
    edicion = edicion_crear()
    primera = inscribir(cajero=cajero, alumno=alumno, edicion=edicion, cliente=mama)
    sandbox.falla("aula", "caido")
    inscripcion_cancelar(primera)
    segunda = inscribir(cajero=cajero, alumno=alumno, edicion=edicion, cliente=mama)
    assert filas(segunda)["crear"].intentos == 0  # waits for the first one's cancel
    sandbox.falla("aula", "ninguna")
    vencer_todo()
    call_command("sincronizar_clientes", "--once")
    por_id = {str(i["id"]): i["estado"] for i in sandbox.inscripciones()}
    primera.refresh_from_db()
    segunda.refresh_from_db()
    assert por_id == {primera.id_aula: "cancelada", segunda.id_aula: "activa"}


def test_respuesta_perdida_reintentada_con_la_misma_clave_no_duplica(sandbox, cajero, mama):
    alumno = alumno_crear(6, responsable=mama)
    sandbox.falla("aula", "guardar_y_colgar", segundos=5, veces=1)
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    fila = filas(inscripcion)["crear"]
    assert fila.estado == "pendiente" and "no respondió a tiempo" in fila.ultimo_error
    (guardada,) = sandbox.inscripciones()  # Aula kept it; we never heard
    vencer_todo()
    inscripciones_procesar_lote()
    fila.refresh_from_db()
    assert fila.estado == "sincronizado" and fila.id_externo == str(guardada["id"])
    assert len(sandbox.inscripciones()) == 1


def test_409_con_id_se_adopta_y_sin_id_es_error_claro(sandbox, cajero, mama):
    from integraciones.aula import DatosInscripcion, cliente_aula

    alumno = alumno_crear(7, responsable=mama)
    edicion = edicion_crear()
    # Enrolled in Aula by hand, under another key: the 409 names it and we adopt it.
    a_mano = cliente_aula().inscripcion_crear(datos=DatosInscripcion(
        cliente_id=mama.pk, curso_id=edicion.curso_id, edicion_id=edicion.pk, alumno_sii_id=id_sii(alumno),
    ), clave_idempotencia="a-mano")
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion, cliente=mama)
    assert filas(inscripcion)["crear"].id_externo == a_mano.id
    assert len(sandbox.inscripciones()) == 1
    otro = alumno_crear(8, responsable=mama)
    sandbox.falla("aula", "conflicto409")
    sin_id = inscribir(cajero=cajero, alumno=otro, edicion=edicion, cliente=mama)
    fila = filas(sin_id)["crear"]
    assert fila.estado == "error" and "no dice cuál" in fila.ultimo_error


def test_json_malo_se_reintenta_no_es_error(sandbox, cajero, mama):
    alumno = alumno_crear(9, responsable=mama)
    sandbox.falla("aula", "json_malo", veces=1)
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    fila = filas(inscripcion)["crear"]
    assert fila.estado == "pendiente" and "no es JSON válido" in fila.ultimo_error
    vencer_todo()
    inscripciones_procesar_lote()
    fila.refresh_from_db()
    assert fila.estado == "sincronizado" and len(sandbox.inscripciones()) == 1


def test_alumno_que_aula_no_encuentra_en_sii_se_verifica_y_se_envia(sandbox, cajero, mama):
    """Our SII id is stale (SII still has the alumno under another id): Aula's 422 makes the
    alumno's SII row confirm it; SII answers 404 to the update, the search by email finds the
    real id, and the enrollment then goes out with it. Nobody is duplicated in SII."""
    alumno = alumno_crear(10, responsable=mama)
    real = SincronizacionAlumno.objects.get(alumno=alumno, sistema="sii").id_externo
    SincronizacionAlumno.objects.filter(alumno=alumno, sistema="sii").update(id_externo="99999")
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    fila = filas(inscripcion)["crear"]
    assert (fila.estado, fila.intentos) == ("pendiente", 1) and "no reconoce al alumno" in fila.ultimo_error
    assert CircuitoSistema.objects.filter(sistema="aula", fallos_consecutivos__gt=0).count() == 0
    sii = SincronizacionAlumno.objects.get(alumno=alumno, sistema="sii")
    assert (sii.estado, sii.operacion) == ("pendiente", "actualizar")
    vencer_todo()
    call_command("sincronizar_clientes", "--once")
    sii.refresh_from_db()
    fila.refresh_from_db()
    assert (sii.estado, sii.id_externo) == ("sincronizado", real)
    assert fila.estado == "sincronizado"
    assert [str(i["alumno_sii_id"]) for i in sandbox.inscripciones()] == [real]
    assert len(sandbox.alumnos("sii")) == 1


def test_alumno_que_sii_perdio_se_registra_de_nuevo(sandbox, cajero, mama):
    """SII lost the alumno (our id and our data find nothing there, as with the demo's made-up
    ids): the update's 404 registers it again and the enrollment goes out with the new id."""
    alumno = alumno_crear(12, responsable=mama)
    SincronizacionAlumno.objects.filter(alumno=alumno, sistema="sii").update(id_externo="SII-perdido-12")
    alumno.email = "otro.correo.12@escuela.test"
    alumno.save()
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    vencer_todo()
    call_command("sincronizar_clientes", "--once")
    sii = SincronizacionAlumno.objects.get(alumno=alumno, sistema="sii")
    alumno.refresh_from_db()
    nuevo = sii.id_externo
    assert sii.estado == "sincronizado" and nuevo not in ("", "SII-perdido-12") and alumno.id_alumno_sii == nuevo
    assert filas(inscripcion)["crear"].estado == "sincronizado"
    assert [str(i["alumno_sii_id"]) for i in sandbox.inscripciones()] == [nuevo]


def test_circuito_de_aula_abierto_no_llama(sandbox, cajero, mama, settings):
    settings.INTEGRACIONES_CIRCUITO_SEGUNDOS = 60
    alumno = alumno_crear(11, responsable=mama)
    CircuitoSistema.objects.update_or_create(
        sistema="aula", defaults={"fallos_consecutivos": 5, "abierto_hasta": timezone.now() + datetime.timedelta(minutes=1)})
    antes = sandbox.peticiones("aula")
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    assert inscripciones_procesar_lote() == 0
    assert sandbox.peticiones("aula") == antes
    assert filas(inscripcion)["crear"].estado == "pendiente"


def test_reintentar_tras_agotar_intentos(sandbox, cajero, mama, settings):
    settings.INTEGRACIONES_MAX_INTENTOS = 2
    settings.INTEGRACIONES_CIRCUITO_UMBRAL = 100
    alumno = alumno_crear(12, responsable=mama)
    sandbox.falla("aula", "error503")
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    vencer_todo()
    inscripciones_procesar_lote()
    fila = filas(inscripcion)["crear"]
    assert fila.estado == "error" and fila.intentos == 2
    sandbox.falla("aula", "ninguna")
    inscripcion_reintentar(inscripcion_id=inscripcion.pk)
    fila.refresh_from_db()
    assert fila.estado == "sincronizado"
    assert Inscripcion.objects.get(pk=inscripcion.pk).id_aula == str(sandbox.inscripciones()[0]["id"])


def test_estado_en_aula_como_lo_leen_las_paginas(sandbox, cajero, mama):
    from integraciones.selectors import estados_aula

    def texto(inscripcion):
        inscripcion.refresh_from_db()
        return estados_aula([inscripcion])[inscripcion.pk].texto

    sandbox.falla("sii", "error400")
    alumno = alumno_crear(13, responsable=mama)
    inscripcion = inscribir(cajero=cajero, alumno=alumno, edicion=edicion_crear(), cliente=mama)
    assert texto(inscripcion).startswith("Pendiente: espera el alta del alumno en SII (SII: Error: SII rechazó")
    sandbox.falla("sii", "ninguna")
    sandbox.falla("aula", "error400")
    inscripcion_reintentar(inscripcion_id=inscripcion.pk)  # SII row back in the queue too, then sent
    assert texto(inscripcion).startswith("Error: Aula rechazó los datos (400)")
    sandbox.falla("aula", "ninguna")
    inscripcion_reintentar(inscripcion_id=inscripcion.pk)
    assert texto(inscripcion) == f"Enviada #{inscripcion.id_aula}"
    Inscripcion.objects.filter(pk=inscripcion.pk).update(estado="cancelada", cancelado=timezone.now())
    assert "la cancelación no se encoló" in texto(inscripcion)


def test_varias_inscripciones_de_un_cobro_comparten_el_presupuesto_inmediato(sandbox, cajero, mama, settings):
    import time

    from ventas.caja.services import carrito_cliente_asignar, carrito_inscribir
    from ventas.tests.factories import vender

    edicion = edicion_crear()
    alumnos = [alumno_crear(20 + n, responsable=mama) for n in range(3)]
    carrito_cliente_asignar(cajero=cajero, cliente_id=mama.pk)
    for alumno in alumnos:
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno.pk)
    sandbox.falla("aula", "colgado", segundos=30)  # Aula accepts the connection and never answers
    inicio = time.monotonic()
    vender(cajero, [])  # one checkout, three enrollments: the immediate attempt runs on its commit
    duracion = time.monotonic() - inicio
    assert duracion < settings.INTEGRACIONES_PRESUPUESTO_INMEDIATO + 0.5, duracion
    assert SincronizacionInscripcion.objects.filter(estado="pendiente").count() == 3
    sandbox.falla("aula", "ninguna")
    vencer_todo()
    call_command("sincronizar_clientes", "--once")
    assert len(sandbox.inscripciones()) == 3
