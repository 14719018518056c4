"""The thin SII/Aula clients against the sandbox over loopback HTTP (no patched requests)."""

import datetime
import time
import uuid

import pytest

from integraciones.aula import cliente_aula
from integraciones.cliente_alumnos import DatosAlumno
from integraciones.exceptions import AlumnoYaExiste, ErrorPermanente, ErrorTemporal
from integraciones.sii import cliente_sii

DATOS = DatosAlumno(nombre="Ana", apellido="López", email="ana@escuela.test", curp=None)


def test_crear_y_buscar_en_sii_y_aula(sandbox):
    for api, sistema in ((cliente_sii(), "sii"), (cliente_aula(), "aula")):
        assert api.buscar_por_email("ana@escuela.test") is None
        alumno = api.crear(DATOS, clave=str(uuid.uuid4()))
        assert alumno.id and alumno.nombre == "Ana"
        assert api.buscar_por_email("ANA@escuela.test").id == alumno.id
        assert len(sandbox.alumnos(sistema)) == 1


def test_no_inventa_datos(sandbox):
    cliente_sii().crear(DATOS, clave=str(uuid.uuid4()))
    (alumno,) = sandbox.alumnos("sii")
    assert alumno["curp"] is None and alumno["fecha_nacimiento"] is None and alumno["estado"] == "activo"
    datos = DatosAlumno(nombre="B", apellido="C", email="b@e.test", fecha_nacimiento=datetime.date(2010, 5, 4))
    cliente_aula().crear(datos, clave=str(uuid.uuid4()))
    assert sandbox.alumnos("aula")[0]["fecha_nacimiento"] == "2010-05-04"


def test_idempotency_key_no_duplica(sandbox):
    clave = str(uuid.uuid4())
    primero = cliente_sii().crear(DATOS, clave=clave)
    segundo = cliente_sii().crear(DATOS, clave=clave)
    assert primero.id == segundo.id
    assert len(sandbox.alumnos("sii")) == 1


@pytest.mark.parametrize(
    ("modo", "error"),
    [
        ("error500", ErrorTemporal),
        ("error503", ErrorTemporal),
        ("caido", ErrorTemporal),
        ("json_malo", ErrorPermanente),
        ("error400", ErrorPermanente),
        ("conflicto409", AlumnoYaExiste),
    ],
)
def test_clasifica_las_fallas(sandbox, modo, error):
    sandbox.falla("sii", modo)
    with pytest.raises(error) as excinfo:
        cliente_sii().crear(DATOS, clave=str(uuid.uuid4()))
    assert excinfo.value.reintentable is (error is ErrorTemporal)
    assert sandbox.alumnos("sii") == []


def test_409_real_trae_el_id_existente(sandbox):
    con_curp = DatosAlumno(nombre="Ana", apellido="López", email="ana@escuela.test", curp="HEGG560427MVZRRL04")
    cliente_sii().crear(con_curp, clave=str(uuid.uuid4()))
    with pytest.raises(AlumnoYaExiste) as excinfo:
        cliente_sii().crear(con_curp, clave=str(uuid.uuid4()))
    assert excinfo.value.id_existente == "1"


def test_hermanos_pueden_compartir_correo_y_un_alumno_puede_no_tenerlo(sandbox):
    """Our assumption of SII and Aula (docs/integraciones.md): the CURP is unique, the email is
    optional and may be shared (siblings using their mother's)."""
    for api, sistema in ((cliente_sii(), "sii"), (cliente_aula(), "aula")):
        uno = api.crear(DatosAlumno(nombre="Pablo", apellido="Ríos", email="mama@e.test"), clave=str(uuid.uuid4()))
        dos = api.crear(DatosAlumno(nombre="Sofía", apellido="Ríos", email="mama@e.test"), clave=str(uuid.uuid4()))
        sin = api.crear(DatosAlumno(nombre="Bebé", apellido="Ríos", email=""), clave=str(uuid.uuid4()))
        assert len({uno.id, dos.id, sin.id}) == 3
        assert [a["email"] for a in sandbox.alumnos(sistema)] == ["mama@e.test", "mama@e.test", None]


def test_retry_after(sandbox):
    sandbox.falla("aula", "error429", retry_after=42)
    with pytest.raises(ErrorTemporal) as excinfo:
        cliente_aula().buscar_por_email("x@e.test")
    assert excinfo.value.reintentar_en == 42


def test_colgado_respeta_el_timeout_de_lectura(sandbox):
    sandbox.falla("sii", "colgado", segundos=10)
    inicio = time.monotonic()
    with pytest.raises(ErrorTemporal, match="no respondió a tiempo"):
        cliente_sii().buscar_por_email("x@e.test", timeout=(0.5, 0.3))
    assert time.monotonic() - inicio < 1.5


def test_token_bearer_opcional(sandbox, settings):
    settings.SII_API_TOKEN = "secreto"
    api = cliente_sii()
    assert api.token == "secreto"
    assert api.buscar_por_email("nadie@e.test") is None
