"""The outbox end to end: registration, immediate attempt, worker, faults, idempotency."""

import datetime
import time

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from clientes.alumnos import alumno_actualizar, alumno_registrar
from clientes.services import cliente_registrar
from clientes.tests.factories import curp_valida
from integraciones.models import CircuitoSistema, EstadoSincronizacion, Operacion, SincronizacionAlumno
from integraciones.selectors import sincronizaciones_de_alumno
from integraciones.services import (
    circuitos_cerrar,
    sincronizacion_reintentar,
    sincronizaciones_procesar_lote,
)
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def registrar(n=0, **campos):
    datos = {"nombre": f"Alumno{n}", "apellidos": "Pérez", "email": f"alumno{n}@escuela.test", **campos}
    return alumno_registrar(**datos)


def filas(alumno):
    return {f.sistema: f for f in SincronizacionAlumno.objects.filter(alumno=alumno)}


def vencer_todo():
    """Make every pending row due now and close the circuits (time travel for the worker)."""
    SincronizacionAlumno.objects.filter(estado="pendiente").update(proximo_intento=timezone.now(), reclamo=None)
    circuitos_cerrar()


def test_registro_sincroniza_al_instante(sandbox):
    alumno = registrar(curp=curp_valida(7))
    alumno.refresh_from_db()
    assert alumno.id_alumno_sii and alumno.id_alumno_aula
    estados = sincronizaciones_de_alumno(alumno_id=alumno.pk)
    assert [e.texto for e in estados] == [f"Sincronizado #{alumno.id_alumno_sii}", f"Sincronizado #{alumno.id_alumno_aula}"]
    (enviado,) = sandbox.alumnos("sii")
    assert enviado["curp"] == alumno.curp and enviado["fecha_nacimiento"] == alumno.fecha_nacimiento.isoformat()


def test_sii_caido_queda_pendiente_y_el_trabajador_sincroniza(sandbox):
    sandbox.falla("sii", "caido")
    inicio = time.monotonic()
    alumnos = [registrar(n) for n in range(3)]
    assert time.monotonic() - inicio < 3
    for alumno in alumnos:
        assert filas(alumno)["sii"].estado == "pendiente"
        assert filas(alumno)["aula"].estado == "sincronizado"
        texto = sincronizaciones_de_alumno(alumno_id=alumno.pk)[0].texto
        assert texto.startswith("Pendiente, próximo intento") and "No se pudo conectar con SII" in texto
    sandbox.falla("sii", "ninguna")
    vencer_todo()
    call_command("sincronizar_clientes", "--once")
    assert SincronizacionAlumno.objects.exclude(estado="sincronizado").count() == 0
    assert sorted(a["email"] for a in sandbox.alumnos("sii")) == sorted(c.email for c in alumnos)
    assert len(sandbox.alumnos("aula")) == 3


def test_respuesta_perdida_no_duplica(sandbox):
    """SII saves the alumno, then stalls past the read timeout: the retry links, not re-creates."""
    sandbox.falla("sii", "guardar_y_colgar", segundos=5, veces=1)
    alumno = registrar(1)
    fila = filas(alumno)["sii"]
    assert fila.estado == "pendiente" and "no respondió a tiempo" in fila.ultimo_error
    assert len(sandbox.alumnos("sii")) == 1
    vencer_todo()
    sincronizaciones_procesar_lote()
    fila.refresh_from_db()
    assert fila.estado == "sincronizado"
    (enviado,) = sandbox.alumnos("sii")
    assert fila.id_externo == str(enviado["id"])


def test_respuesta_perdida_sin_busqueda_la_clave_de_idempotencia_basta(sandbox):
    """Even a search that misses (SII lacks buscar_por_curp) is covered by Idempotency-Key."""
    sandbox.falla("aula", "guardar_y_colgar", segundos=5, veces=1)
    alumno = registrar(2)
    assert len(sandbox.alumnos("aula")) == 1
    fila = filas(alumno)["aula"]
    from integraciones.aula import cliente_aula
    from integraciones.services import _datos

    enviado = cliente_aula().crear(_datos(alumno), clave=str(fila.clave))
    assert len(sandbox.alumnos("aula")) == 1 and enviado.id == str(sandbox.alumnos("aula")[0]["id"])


@pytest.mark.parametrize(
    ("modo", "estado", "mensaje"),
    [
        ("error500", "pendiente", "SII respondió 500"),
        ("json_malo", "error", "no es JSON válido"),
        ("conflicto409", "error", "ya existe (409)"),
        ("error400", "error", "rechazó los datos (400)"),
    ],
)
def test_fallas_clasificadas_y_mostradas(sandbox, modo, estado, mensaje):
    sandbox.falla("sii", modo)
    alumno = registrar(3)
    fila = filas(alumno)["sii"]
    assert fila.estado == estado
    assert mensaje in fila.ultimo_error
    texto = sincronizaciones_de_alumno(alumno_id=alumno.pk)[0].texto
    assert texto.startswith("Error: " if estado == "error" else "Pendiente")
    assert sandbox.alumnos("sii") == []
    # Retried after the system is fine again: exactly one alumno.
    sandbox.falla("sii", "ninguna")
    sincronizacion_reintentar(sincronizacion=fila)
    fila.refresh_from_db()
    assert fila.estado == "sincronizado"
    assert len(sandbox.alumnos("sii")) == 1 and len(sandbox.alumnos("aula")) == 1


def test_409_real_enlaza_el_alumno_existente(sandbox):
    from integraciones.cliente_alumnos import DatosAlumno
    from integraciones.sii import cliente_sii

    curp = curp_valida(11)
    # Someone registered this person in SII by hand, with another email (search by email misses).
    cliente_sii().crear(DatosAlumno(nombre="X", apellido="Y", email="otro@e.test", curp=curp), clave="a-mano")
    alumno = registrar(4, curp=curp)
    assert filas(alumno)["sii"].estado == "sincronizado"
    assert len(sandbox.alumnos("sii")) == 1


def test_retry_after_se_respeta(sandbox):
    sandbox.falla("sii", "error429", retry_after=120)
    alumno = registrar(5)
    fila = filas(alumno)["sii"]
    assert fila.estado == "pendiente"
    assert fila.proximo_intento >= timezone.now() + datetime.timedelta(seconds=110)


def test_backoff_exponencial_y_limite_de_intentos(sandbox, settings):
    settings.INTEGRACIONES_MAX_INTENTOS = 3
    settings.INTEGRACIONES_CIRCUITO_UMBRAL = 100
    sandbox.falla("sii", "error500")
    alumno = registrar(6)
    for _ in range(2):
        vencer_todo()
        sincronizaciones_procesar_lote()
    fila = filas(alumno)["sii"]
    assert fila.estado == "error" and fila.intentos == 3 and "se agotaron 3 intentos" in fila.ultimo_error


def test_circuito_abierto_deja_de_llamar(sandbox, settings):
    settings.INTEGRACIONES_CIRCUITO_SEGUNDOS = 60
    sandbox.falla("sii", "caido")
    for n in range(5):
        registrar(n)
    assert CircuitoSistema.objects.get(sistema="sii").abierto_hasta > timezone.now()
    antes = sandbox.peticiones("sii")
    inicio = time.monotonic()
    for n in range(5, 10):
        registrar(n)
    assert sandbox.peticiones("sii") == antes  # nobody called SII while open
    assert time.monotonic() - inicio < 2
    assert SincronizacionAlumno.objects.filter(sistema="sii", estado="pendiente").count() == 10
    assert SincronizacionAlumno.objects.filter(sistema="aula", estado="sincronizado").count() == 10


def test_rollback_no_deja_registro_de_sincronizacion(sandbox):
    with pytest.raises(RuntimeError), transaction.atomic(using=DB_NEGOCIO):
        registrar(8)
        raise RuntimeError("la venta falló")
    assert SincronizacionAlumno.objects.count() == 0
    assert sandbox.peticiones("sii") == 0 and sandbox.peticiones("aula") == 0


def test_edicion_se_empuja_por_el_outbox(sandbox):
    alumno = registrar(9)
    clave_anterior = filas(alumno)["sii"].clave
    alumno_actualizar(alumno=alumno, nombre="Renombrado", apellidos="Pérez", email="nuevo@escuela.test")
    fila = filas(alumno)["sii"]
    assert fila.operacion == Operacion.ACTUALIZAR and fila.clave != clave_anterior
    assert fila.estado == "sincronizado"
    (enviado,) = sandbox.alumnos("sii")
    assert enviado["nombre"] == "Renombrado" and enviado["email"] == "nuevo@escuela.test"
    assert len(sandbox.alumnos("aula")) == 1 and sandbox.alumnos("aula")[0]["email"] == "nuevo@escuela.test"


def test_correo_borrado_se_borra_en_sii_y_aula(sandbox):
    """Staff removes the mother's email from her child: SII and Aula forget it too (PATCH with
    email null), instead of keeping the old one because the field was left out."""
    alumno = registrar(11, email="mama@correo.test")
    assert {a["email"] for s in ("sii", "aula") for a in sandbox.alumnos(s)} == {"mama@correo.test"}
    alumno_actualizar(alumno=alumno, nombre=alumno.nombre, apellidos=alumno.apellidos, email="")
    assert {f.estado for f in filas(alumno).values()} == {"sincronizado"}
    for sistema in ("sii", "aula"):
        (enviado,) = sandbox.alumnos(sistema)
        assert enviado["email"] is None and enviado["nombre"] == "Alumno11"


def test_campo_requerido_que_no_tenemos(sandbox):
    """SII demands a birth date we do not know: error with SII's message, fixed by editing."""
    sandbox.falla("sii", "ninguna", requeridos=["fecha_nacimiento"])
    alumno = registrar(10)
    fila = filas(alumno)["sii"]
    assert fila.estado == EstadoSincronizacion.ERROR and "fecha_nacimiento" in fila.ultimo_error
    alumno_actualizar(
        alumno=alumno, nombre=alumno.nombre, apellidos=alumno.apellidos, email=alumno.email, curp=curp_valida(12)
    )
    fila.refresh_from_db()
    assert fila.estado == "sincronizado"
    assert sandbox.alumnos("sii")[0]["fecha_nacimiento"] == alumno.fecha_nacimiento.isoformat()


def test_un_cliente_que_solo_paga_nunca_se_envia(sandbox):
    cliente_registrar(nombre="Laura", email="laura@escuela.test")
    assert SincronizacionAlumno.objects.count() == 0
    assert sandbox.peticiones("sii") == 0 and sandbox.peticiones("aula") == 0


def test_alumno_sin_correo_se_envia_sin_el_campo(sandbox):
    alumno = alumno_registrar(nombre="Bebé", apellidos="Ríos")
    assert {f.estado for f in filas(alumno).values()} == {"sincronizado"}
    for sistema in ("sii", "aula"):
        (enviado,) = sandbox.alumnos(sistema)
        assert enviado["email"] is None and enviado["nombre"] == "Bebé"  # not sent, not sent as ""


def test_hermanos_con_el_correo_de_su_madre_son_dos_alumnos(sandbox):
    """Siblings share their mother's email: each is its own alumno in SII and Aula; the
    search by email must not link the second to the first."""
    mama = cliente_registrar(nombre="Laura", email="laura@escuela.test")
    pablo = alumno_registrar(nombre="Pablo", email="laura@escuela.test", responsable=mama, parentesco="madre")
    sofia = alumno_registrar(nombre="Sofía", email="laura@escuela.test", responsable=mama, parentesco="madre")
    con_curp = alumno_registrar(nombre="Luis", email="laura@escuela.test", curp=curp_valida(20), responsable=mama,
                                parentesco="madre")
    for sistema in ("sii", "aula"):
        ids = {filas(a)[sistema].id_externo for a in (pablo, sofia, con_curp)}
        assert len(ids) == 3 and "" not in ids, sistema
        assert sorted(a["nombre"] for a in sandbox.alumnos(sistema)) == ["Luis", "Pablo", "Sofía"]


def test_hermano_con_respuesta_perdida_no_adopta_al_otro(sandbox):
    """The second sibling's create is saved but its answer lost: the retry must not find the
    first sibling by email; the Idempotency-Key returns the second's own alumno."""
    primero = registrar(30, email="familia@escuela.test")
    sandbox.falla("sii", "guardar_y_colgar", segundos=5, veces=1)
    segundo = registrar(31, email="familia@escuela.test")
    assert filas(segundo)["sii"].estado == "pendiente"
    assert len(sandbox.alumnos("sii")) == 2
    vencer_todo()
    sincronizaciones_procesar_lote()
    uno, dos = filas(primero)["sii"], filas(segundo)["sii"]
    assert dos.estado == "sincronizado" and dos.id_externo != uno.id_externo
    assert len(sandbox.alumnos("sii")) == 2
    por_id = {str(a["id"]): a["nombre"] for a in sandbox.alumnos("sii")}
    assert por_id[dos.id_externo] == "Alumno31"


def test_correo_propio_busca_antes_de_crear(sandbox):
    """An alumno whose email no other alumno of ours has: found by email (registered by hand)."""
    from integraciones.cliente_alumnos import DatosAlumno
    from integraciones.sii import cliente_sii

    previo = cliente_sii().crear(DatosAlumno(nombre="A", apellido="B", email="unico@escuela.test"), clave="a-mano")
    alumno = registrar(32, email="unico@escuela.test")
    assert filas(alumno)["sii"].id_externo == previo.id
    assert len(sandbox.alumnos("sii")) == 1


def test_nunca_se_fusionan_dos_alumnos_nuestros(sandbox):
    """SII holds the CURP of our second alumno on the record of our first one (edited by hand
    there): the second is not linked to the first's id; it stays in Error with the reason."""
    from integraciones.cliente_alumnos import DatosAlumno
    from integraciones.sii import cliente_sii

    primero = registrar(40)
    id_primero = filas(primero)["sii"].id_externo
    cliente_sii().actualizar(id_primero, DatosAlumno(nombre="Alumno40", apellido="Pérez", email="alumno40@escuela.test",
                                                      curp=curp_valida(41)), clave="a-mano")
    segundo = registrar(41, curp=curp_valida(41))
    fila = filas(segundo)["sii"]
    assert fila.estado == "error" and "ya es de otro alumno nuestro" in fila.ultimo_error
    segundo.refresh_from_db()
    assert segundo.id_alumno_sii == "" and len(sandbox.alumnos("sii")) == 1
