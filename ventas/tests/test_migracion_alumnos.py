"""clientes 0003 + integraciones 0002 + clientes 0004: clients of the first version become
alumnos where they were (or were meant to be) alumnos, and nothing is lost.

The database is migrated back to the state before ``clientes.0003_alumnos_y_responsables``
(every migration that depends on it is unapplied too), rows of the old shape are written
with SQL (clients with and without CURP, with SII/Aula ids, with synced, failed and pending
outbox rows, one client with a sale, one never sent anywhere, "Público en general"), and
the migrations run forward. Then the worker sends the pending rows to the sandbox, once.
"""

import uuid

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from clientes.models import Alumno, AlumnoResponsable, Cliente
from clientes.tests.factories import ClienteFactory, curp_valida
from integraciones.aula import cliente_aula
from integraciones.models import SincronizacionAlumno
from integraciones.services import _datos, sincronizaciones_procesar_lote
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.models import Venta
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")

ANTES_DE_ALUMNOS = ("clientes", "0002_publico_general")


def _sql(consulta, parametros=()):
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(consulta, parametros)
        return cursor.fetchall() if cursor.description else None


def _migrar(executor, objetivo):
    executor.loader.build_graph()
    executor.migrate(objetivo)


def _cliente_viejo(nombre, email, *, curp=None, sii="", aula="", activo=True) -> int:
    return _sql(
        "INSERT INTO cat_cliente (nombre, apellidos, direccion, email, telefono, curp, fecha_nacimiento, activo, "
        "es_publico_general, id_alumno_sii, id_alumno_aula, creado, actualizado) "
        "VALUES (%s, 'Viejo', '', %s, '5511112222', %s, NULL, %s, false, %s, %s, now(), now()) RETURNING id_cliente",
        [nombre, email, curp, activo, sii, aula],
    )[0][0]


def _fila_vieja(cliente_id, sistema, estado, *, clave=None, id_externo="", intentos=1, error=""):
    clave = clave or uuid.uuid4()
    _sql(
        "INSERT INTO integraciones_sincronizacion_alumno (cliente_id, sistema, operacion, clave, estado, intentos, "
        "proximo_intento, reclamo, id_externo, ultimo_error, sincronizado_en, creado, actualizado) "
        "VALUES (%s, %s, 'crear', %s, %s, %s, now(), NULL, %s, %s, "
        "CASE WHEN %s = 'sincronizado' THEN now() END, now(), now())",
        [cliente_id, sistema, clave, estado, intentos, id_externo, error, estado],
    )
    return clave


@pytest.fixture
def cliente_con_venta(cajero, turno_para, producto_con_existencia, cobrar):
    """A client with a sale, written by today's services before going back in time."""
    turno_para(cajero)
    cliente = ClienteFactory(nombre="Con", apellidos="Venta", email="con.venta@escuela.test")
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    venta, _ = cobrar(cajero)
    return cliente, venta


def test_clientes_viejos_a_alumnos_sin_perder_nada(cliente_con_venta, sandbox):
    cliente_venta, venta = cliente_con_venta
    publico = Cliente.objects.get(es_publico_general=True)
    executor = MigrationExecutor(connections[DB_NEGOCIO])
    try:
        _migrar(executor, [ANTES_DE_ALUMNOS])
        assert not _sql("SELECT 1 FROM pg_tables WHERE tablename = 'cat_alumno'")
        # The client with a sale had a CURP and both ids: it was a synced alumno.
        _sql("UPDATE cat_cliente SET curp = %s, id_alumno_sii = 'S-10', id_alumno_aula = 'A-10' WHERE id_cliente = %s",
             [curp_valida(1), cliente_venta.pk])
        _fila_vieja(cliente_venta.pk, "sii", "sincronizado", id_externo="S-10")
        _fila_vieja(cliente_venta.pk, "aula", "sincronizado", id_externo="A-10")
        # No CURP, in SII, Aula still pending (the worker was retrying it).
        sin_curp = _cliente_viejo("SinCurp", "sin.curp@escuela.test", sii="S-11")
        _fila_vieja(sin_curp, "sii", "sincronizado", id_externo="S-11")
        clave_pendiente = _fila_vieja(sin_curp, "aula", "pendiente", intentos=3, error="Aula respondió 503")
        # A CURP, SII refused it, Aula never answered: no ids yet.
        con_curp = _cliente_viejo("ConCurp", "con.curp@escuela.test", curp=curp_valida(2))
        _fila_vieja(con_curp, "sii", "error", intentos=1, error="SII rechazó los datos (400)")
        clave_curp_aula = _fila_vieja(con_curp, "aula", "pendiente", intentos=0)
        # A CURP but never queued (registered by hand in the table): it still studies.
        solo_curp = _cliente_viejo("SoloCurp", "solo.curp@escuela.test", curp=curp_valida(3), activo=False)
        # Never sent anywhere and no CURP: a client only.
        nunca = _cliente_viejo("Nunca", "nunca@escuela.test")

        _migrar(executor, executor.loader.graph.leaf_nodes())
    finally:
        # Whatever happened, leave the schema the rest of the suite expects.
        _migrar(executor, executor.loader.graph.leaf_nodes())

    columnas = {c[0] for c in _sql("SELECT column_name FROM information_schema.columns WHERE table_name = 'cat_cliente'")}
    assert not columnas & {"curp", "fecha_nacimiento", "id_alumno_sii", "id_alumno_aula"}

    def alumno_de(cliente_id):
        [vinculo] = AlumnoResponsable.objects.filter(cliente_id=cliente_id)
        assert vinculo.parentesco == "propio"  # a self-paying student
        return vinculo.alumno

    # Ids kept on the alumno; the sale still on its client.
    pagador = alumno_de(cliente_venta.pk)
    assert (pagador.curp, pagador.id_alumno_sii, pagador.id_alumno_aula, pagador.por_confirmar) == (
        curp_valida(1), "S-10", "A-10", False)
    assert pagador.fecha_nacimiento is None and pagador.email == "con.venta@escuela.test"
    assert Venta.objects.get(pk=venta.pk).cliente_id == cliente_venta.pk
    assert Cliente.objects.get(pk=cliente_venta.pk).email == "con.venta@escuela.test"

    # Without a CURP but sent: an alumno to confirm, its pending row moved with its key.
    sin = alumno_de(sin_curp)
    assert (sin.curp, sin.id_alumno_sii, sin.id_alumno_aula, sin.por_confirmar) == (None, "S-11", "", True)
    pendiente = SincronizacionAlumno.objects.get(alumno=sin, sistema="aula")
    assert (pendiente.estado, pendiente.clave, pendiente.intentos) == ("pendiente", clave_pendiente, 3)
    assert SincronizacionAlumno.objects.get(alumno=sin, sistema="sii").id_externo == "S-11"

    con = alumno_de(con_curp)
    assert (con.curp, con.por_confirmar) == (curp_valida(2), False)
    assert SincronizacionAlumno.objects.get(alumno=con, sistema="sii").estado == "error"
    assert SincronizacionAlumno.objects.get(alumno=con, sistema="aula").clave == clave_curp_aula

    solo = alumno_de(solo_curp)
    assert (solo.curp, solo.activo, solo.por_confirmar) == (curp_valida(3), False, False)

    # Never sent and no CURP, and the walk-in client: clients only.
    assert not AlumnoResponsable.objects.filter(cliente_id__in=[nunca, publico.pk]).exists()
    assert Cliente.objects.get(pk=nunca).email == "nunca@escuela.test"
    assert Cliente.objects.get(pk=publico.pk).es_publico_general
    assert Alumno.objects.count() == 4
    assert SincronizacionAlumno.objects.count() == 6  # every row kept, none added

    # The worker sends the two pending rows to Aula, once each, with the migrated keys.
    assert sincronizaciones_procesar_lote() == 2
    assert sincronizaciones_procesar_lote() == 0
    assert sorted(a["nombre"] for a in sandbox.alumnos("aula")) == ["ConCurp", "SinCurp"]
    assert sandbox.alumnos("sii") == []  # the error row waits for "Reintentar"; synced ones are not re-sent
    sin.refresh_from_db()
    assert sin.id_alumno_aula and SincronizacionAlumno.objects.get(alumno=sin, sistema="aula").estado == "sincronizado"
    # The Idempotency-Key Aula saw is the migrated one: sending it again returns the same alumno.
    otra_vez = cliente_aula().crear(_datos(sin), clave=str(clave_pendiente))
    assert otra_vez.id == sin.id_alumno_aula and len(sandbox.alumnos("aula")) == 2
