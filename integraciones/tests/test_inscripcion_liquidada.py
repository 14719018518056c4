"""INSCRIPCION_ACTIVA_DESDE against the sandbox Aula over HTTP: with "liquidado" a seat sold in
installments reaches Aula only after the abono that settles its sale (the hook
``cursos.services.inscripciones_liquidadas_activar``), never before, not even by the worker;
with "primer_pago" it reaches Aula from the checkout."""

from decimal import Decimal

import pytest

from clientes.tests.factories import ClienteFactory
from cursos.models import Inscripcion
from cursos.tests.datos import abonar, alumno_crear, inscribir_a_plazos, plan_poner
from cursos.tests.factories import edicion_crear_prueba
from integraciones.services import inscripciones_procesar_lote
from integraciones.tests.test_envio_inscripciones import vencer_todo
from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def cajero():
    usuario = UsuarioConRolFactory()
    TurnoFactory(cajero=usuario)
    return usuario


@pytest.fixture
def edicion():
    edicion = edicion_crear_prueba(precio=Decimal("3000.00"), cupo=5)
    plan_poner(edicion, ("Inscripción", "1000.00", 0), ("Mensualidad 1", "1000.00", 30), ("Mensualidad 2", "1000.00", 60))
    return edicion


def test_liquidado_no_llega_a_aula_hasta_pagarse(sandbox, settings, cajero, edicion):
    settings.INSCRIPCION_ACTIVA_DESDE = "liquidado"
    mama = ClienteFactory(nombre="Laura", apellidos="Gómez")
    alumno = alumno_crear(1, responsable=mama)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=mama)
    vencer_todo()
    inscripciones_procesar_lote()
    abonar(venta, "1000.00")
    vencer_todo()
    inscripciones_procesar_lote()
    assert sandbox.inscripciones() == []
    assert Inscripcion.objects.get(alumno=alumno).estado == "por_pagar"

    abonar(venta, "1000.00")  # settles it: queued in its transaction, sent right after the commit
    (en_aula,) = sandbox.inscripciones()
    assert (en_aula["edicion_id"], en_aula["cliente_id"], en_aula["estado"]) == (edicion.pk, mama.pk, "activa")
    inscripcion = Inscripcion.objects.get(alumno=alumno)
    assert inscripcion.estado == "activa" and inscripcion.id_aula == str(en_aula["id"])


def test_primer_pago_llega_a_aula_desde_el_cobro(sandbox, settings, cajero, edicion):
    settings.INSCRIPCION_ACTIVA_DESDE = "primer_pago"
    mama = ClienteFactory(nombre="Laura", apellidos="Gómez")
    alumno = alumno_crear(1, responsable=mama)
    inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=mama)
    (en_aula,) = sandbox.inscripciones()
    assert en_aula["edicion_id"] == edicion.pk and Inscripcion.objects.get(alumno=alumno).estado == "activa"
