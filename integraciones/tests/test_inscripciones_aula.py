"""Aula's enrollments through the thin client, against the sandbox over loopback HTTP."""

import json
import threading
import uuid

import pytest
import requests

from integraciones.aula import DatosInscripcion, cliente_aula
from integraciones.cliente_alumnos import DatosAlumno
from integraciones.exceptions import (
    AlumnoNoEnSII,
    ErrorPermanente,
    ErrorTemporal,
    InscripcionYaExiste,
)
from integraciones.sandbox import crear_servidor
from integraciones.sii import cliente_sii


def clave() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def alumno_sii(sandbox):
    """An alumno SII holds: Aula only takes enrollments for those."""
    return cliente_sii().crear(DatosAlumno(nombre="Ana", apellido="López", email="ana@escuela.test"), clave=clave())


@pytest.fixture
def datos(alumno_sii):
    return DatosInscripcion(cliente_id=7, curso_id=3, edicion_id=12, alumno_sii_id=alumno_sii.id)


def test_crear(sandbox, datos):
    inscripcion = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    assert inscripcion.id
    assert (inscripcion.cliente_id, inscripcion.curso_id, inscripcion.edicion_id) == ("7", "3", "12")
    assert inscripcion.alumno_sii_id == datos.alumno_sii_id and inscripcion.estado == "activa"
    (guardada,) = sandbox.inscripciones()
    assert str(guardada["id"]) == inscripcion.id and guardada["estado"] == "activa"
    assert cliente_aula().inscripcion_obtener(id_externo=inscripcion.id) == inscripcion


def test_misma_clave_misma_inscripcion(sandbox, datos):
    llave = clave()
    primera = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=llave)
    segunda = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=llave)
    assert primera == segunda
    assert len(sandbox.inscripciones()) == 1


def test_segunda_inscripcion_activa_es_409_con_el_id_existente(sandbox, datos):
    primera = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    with pytest.raises(InscripcionYaExiste) as excinfo:
        cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    assert excinfo.value.id_existente == primera.id
    assert excinfo.value.estado_http == 409 and not excinfo.value.reintentable
    assert len(sandbox.inscripciones()) == 1


def test_otra_edicion_o_ya_cancelada_no_choca(sandbox, datos):
    primera = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    otra_edicion = DatosInscripcion(cliente_id=7, curso_id=3, edicion_id=13, alumno_sii_id=datos.alumno_sii_id)
    cliente_aula().inscripcion_crear(datos=otra_edicion, clave_idempotencia=clave())
    cliente_aula().inscripcion_cancelar(id_externo=primera.id, clave_idempotencia=clave())
    de_nuevo = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    assert de_nuevo.id != primera.id
    assert len(sandbox.inscripciones()) == 3


def test_alumno_que_sii_no_tiene_es_422(sandbox):
    # Aula itself knows this alumno, SII does not: Aula must refuse the enrollment.
    en_aula = cliente_aula().crear(DatosAlumno(nombre="B", apellido="C", email="b@e.test"), clave=clave())
    datos = DatosInscripcion(cliente_id=1, curso_id=1, edicion_id=1, alumno_sii_id=en_aula.id)
    with pytest.raises(AlumnoNoEnSII) as excinfo:
        cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    assert excinfo.value.estado_http == 422 and not excinfo.value.reintentable
    assert sandbox.inscripciones() == []


def test_campos_faltantes_son_400_con_sus_nombres(sandbox, alumno_sii):
    datos = DatosInscripcion(cliente_id=7, curso_id=3, edicion_id=None, alumno_sii_id="")
    with pytest.raises(ErrorPermanente) as excinfo:
        cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    assert excinfo.value.estado_http == 400
    assert "edicion_id" in excinfo.value.mensaje and "alumno_sii_id" in excinfo.value.mensaje
    assert "curso_id" not in excinfo.value.mensaje
    assert sandbox.inscripciones() == []


def test_estado_desconocido_no_sale():
    with pytest.raises(ValueError, match="Estado"):
        DatosInscripcion(cliente_id=1, curso_id=1, edicion_id=1, alumno_sii_id="1", estado="pausada")


def test_cancelar_dos_veces(sandbox, datos):
    inscripcion = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    llave = clave()
    cancelada = cliente_aula().inscripcion_cancelar(id_externo=inscripcion.id, clave_idempotencia=llave)
    otra_vez = cliente_aula().inscripcion_cancelar(id_externo=inscripcion.id, clave_idempotencia=llave)
    assert cancelada == otra_vez
    assert cancelada.id == inscripcion.id and cancelada.estado == "cancelada"
    assert [i["estado"] for i in sandbox.inscripciones()] == ["cancelada"]


def test_cancelar_desconocida_o_completada_es_permanente(sandbox, datos):
    with pytest.raises(ErrorPermanente) as excinfo:
        cliente_aula().inscripcion_cancelar(id_externo="999", clave_idempotencia=clave())
    assert excinfo.value.estado_http == 404
    assert cliente_aula().inscripcion_obtener(id_externo="999") is None
    completada = DatosInscripcion(
        cliente_id=7, curso_id=3, edicion_id=12, alumno_sii_id=datos.alumno_sii_id, estado="completada"
    )
    inscripcion = cliente_aula().inscripcion_crear(datos=completada, clave_idempotencia=clave())
    with pytest.raises(ErrorPermanente) as excinfo:
        cliente_aula().inscripcion_cancelar(id_externo=inscripcion.id, clave_idempotencia=clave())
    assert excinfo.value.estado_http == 409 and not isinstance(excinfo.value, InscripcionYaExiste)
    assert [i["estado"] for i in sandbox.inscripciones()] == ["completada"]


@pytest.mark.parametrize(
    ("modo", "opciones", "error"),
    [
        ("caido", {}, ErrorTemporal),
        ("lento", {"segundos": 2}, ErrorTemporal),  # longer than the 1 s read timeout
        ("colgado", {"segundos": 3}, ErrorTemporal),
        ("error500", {}, ErrorTemporal),
        ("error503", {}, ErrorTemporal),
        ("error429", {"retry_after": 7}, ErrorTemporal),
        ("json_malo", {}, ErrorPermanente),
        ("error400", {}, ErrorPermanente),
        ("conflicto409", {}, InscripcionYaExiste),
    ],
)
def test_clasifica_las_fallas_al_inscribir(sandbox, datos, modo, opciones, error):
    sandbox.falla("aula", modo, **opciones)
    with pytest.raises(error) as excinfo:
        cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    assert excinfo.value.reintentable is (error is ErrorTemporal)
    if modo == "error429":
        assert excinfo.value.reintentar_en == 7
    if modo == "conflicto409":
        assert excinfo.value.id_existente is None  # the caller must look for it
    assert sandbox.inscripciones() == []


def test_lento_dentro_del_timeout_responde(sandbox, datos):
    sandbox.falla("aula", "lento", segundos=0.3)
    assert cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave()).estado == "activa"


@pytest.mark.parametrize(
    ("modo", "error"),
    [("error503", ErrorTemporal), ("caido", ErrorTemporal), ("conflicto409", ErrorPermanente)],
)
def test_clasifica_las_fallas_al_cancelar(sandbox, datos, modo, error):
    inscripcion = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    sandbox.falla("aula", modo)
    with pytest.raises(error) as excinfo:
        cliente_aula().inscripcion_cancelar(id_externo=inscripcion.id, clave_idempotencia=clave())
    assert excinfo.value.reintentable is (error is ErrorTemporal)
    assert [i["estado"] for i in sandbox.inscripciones()] == ["activa"]


def test_falla_de_aula_no_toca_sii(sandbox):
    sandbox.falla("aula", "error503")
    assert cliente_sii().buscar_por_email("nadie@e.test") is None


def test_respuesta_perdida_y_reintento_con_la_misma_clave(sandbox, datos):
    llave = clave()
    sandbox.falla("aula", "guardar_y_colgar", segundos=5, veces=1)
    with pytest.raises(ErrorTemporal, match="no respondió a tiempo"):
        cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=llave)
    (guardada,) = sandbox.inscripciones()  # Aula kept it; we never heard its id
    reintento = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=llave)
    assert reintento.id == str(guardada["id"])
    # Under another key (a key lost with the row), the 409 names it so it can be adopted.
    with pytest.raises(InscripcionYaExiste) as excinfo:
        cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    assert excinfo.value.id_existente == reintento.id
    assert len(sandbox.inscripciones()) == 1


def test_cancelacion_perdida_y_reintento(sandbox, datos):
    inscripcion = cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    llave = clave()
    sandbox.falla("aula", "guardar_y_colgar", segundos=5, veces=1)
    with pytest.raises(ErrorTemporal):
        cliente_aula().inscripcion_cancelar(id_externo=inscripcion.id, clave_idempotencia=llave)
    assert [i["estado"] for i in sandbox.inscripciones()] == ["cancelada"]
    assert cliente_aula().inscripcion_cancelar(id_externo=inscripcion.id, clave_idempotencia=llave).estado == "cancelada"


def test_reiniciar_las_olvida(sandbox, datos):
    cliente_aula().inscripcion_crear(datos=datos, clave_idempotencia=clave())
    sandbox.reiniciar()
    assert sandbox.inscripciones() == []


def test_el_archivo_guarda_inscripciones_y_claves(tmp_path):
    archivo = tmp_path / "sandbox.json"
    servidor = crear_servidor("127.0.0.1", 0, archivo)
    hilo = threading.Thread(target=servidor.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    hilo.start()
    try:
        host, puerto = servidor.server_address[:2]
        base = f"http://{host}:{puerto}"
        requests.post(f"{base}/sii/api/alumnos/", json={"nombre": "A", "email": "a@e.test"}, timeout=5)
        cuerpo = {"cliente_id": 1, "curso_id": 2, "edicion_id": 3, "alumno_sii_id": 1, "estado": "activa"}
        respuesta = requests.post(
            f"{base}/aula/api/inscripciones/", json=cuerpo, headers={"Idempotency-Key": "k-1"}, timeout=5
        )
        assert respuesta.status_code == 201
    finally:
        servidor.shutdown()
        servidor.server_close()
    guardado = json.loads(archivo.read_text())["aula"]
    assert guardado["claves_inscripciones"] == {"k-1": 1}
    otra_vez = crear_servidor("127.0.0.1", 0, archivo)
    try:
        assert otra_vez.almacen.inscripciones[1]["edicion_id"] == 3
        assert otra_vez.almacen.claves_inscripciones == {"k-1": 1}
        assert otra_vez.almacen.siguiente_inscripcion == 2
    finally:
        otra_vez.server_close()
