"""Client of Aula, the learning platform: alumnos and their enrollments (inscripciones).

``AULA_API_URL`` ends in ``/api/``. Optional bearer token ``AULA_API_TOKEN``. Every call has
explicit (connect, read) timeouts; writes carry an ``Idempotency-Key``. See
docs/integraciones.md for the whole contract and what we assumed of it.

Alumnos, ``{AULA_API_URL}alumnos/``: the same shape as SII's (search by email or CURP, create,
update); ``curp`` and ``email`` are unique there too; Aula also keeps ``fecha_nacimiento``.

Enrollments, ``{AULA_API_URL}inscripciones/``::

    POST  inscripciones/       {cliente_id, curso_id, edicion_id, alumno_sii_id, estado}
                               -> 201 enrollment with "id" (the same answer again for the same key)
                               |  400 {campo: [...]} missing/invalid fields
                               |  409 {"detail", "id"} the alumno already has an active one in that edition
                               |  422 the alumno_sii_id is not an alumno SII knows
    GET   inscripciones/<id>/  -> 200 enrollment | 404
    PATCH inscripciones/<id>/  {"estado": "cancelada"} -> 200 (also when already cancelled)
                               |  404 unknown id | 409 a completed enrollment cannot be cancelled

The cancel call and the 422 ordering rule are our assumptions (the sandbox implements them).
"""

from dataclasses import dataclass
from typing import Any

import requests
from django.conf import settings

from integraciones.cliente_alumnos import ClienteAlumnos, Timeout
from integraciones.exceptions import AlumnoNoEnSII, ErrorPermanente, InscripcionYaExiste

# One session (connection pool) per process for every call to Aula.
_SESION = requests.Session()

ACTIVA, CANCELADA, COMPLETADA = "activa", "cancelada", "completada"
ESTADOS_INSCRIPCION = (ACTIVA, CANCELADA, COMPLETADA)


@dataclass(frozen=True)
class DatosInscripcion:
    """What we send to enroll an alumno (by SII's id) in one edition of a course."""

    cliente_id: int
    curso_id: int
    edicion_id: int
    alumno_sii_id: str
    estado: str = ACTIVA

    def __post_init__(self):
        if self.estado not in ESTADOS_INSCRIPCION:
            raise ValueError(f"Estado de inscripción desconocido: {self.estado!r}")

    def como_json(self) -> dict[str, Any]:
        return {
            "cliente_id": self.cliente_id,
            "curso_id": self.curso_id,
            "edicion_id": self.edicion_id,
            "alumno_sii_id": self.alumno_sii_id,
            "estado": self.estado,
        }


@dataclass(frozen=True)
class Inscripcion:
    """An enrollment as Aula holds it; ids as text, as with alumnos."""

    id: str
    cliente_id: str
    curso_id: str
    edicion_id: str
    alumno_sii_id: str
    estado: str


class ClienteAula(ClienteAlumnos):
    nombre_sistema = "Aula"

    def __init__(self, *, api_url: str, token: str, sesion: requests.Session, timeout: Timeout):
        self.api_url = api_url if api_url.endswith("/") else api_url + "/"
        super().__init__(base_url=self.api_url + "alumnos/", token=token, sesion=sesion, timeout=timeout)
        self.inscripciones_url = self.api_url + "inscripciones/"

    # --- enrollments ---------------------------------------------------------------------------
    def inscripcion_crear(
        self, *, datos: DatosInscripcion, clave_idempotencia: str, timeout: Timeout | None = None
    ) -> Inscripcion:
        """Create the enrollment; repeating ``clave_idempotencia`` gets the same one back.

        Raises :class:`InscripcionYaExiste` (409, with ``id_existente`` when Aula gives it: after
        a lost answer under another key it is ours to adopt), :class:`AlumnoNoEnSII` (422),
        :class:`ErrorPermanente` (other 4xx, an answer off the contract) or :class:`ErrorTemporal`.
        """
        respuesta = self._pedir(
            "POST", self.inscripciones_url, timeout, json=datos.como_json(), clave=clave_idempotencia
        )
        if respuesta.status_code == 409:
            raise InscripcionYaExiste(
                f"Aula: el alumno ya tiene una inscripción activa en la edición {datos.edicion_id}",
                estado_http=409,
                id_existente=self._id_en(respuesta),
            )
        if respuesta.status_code == 422:
            raise AlumnoNoEnSII(
                f"Aula no reconoce al alumno {datos.alumno_sii_id} de SII: {self._detalle(respuesta)}",
                estado_http=422,
            )
        self._revisar(respuesta)
        if respuesta.status_code not in (200, 201):
            raise ErrorPermanente(
                f"Aula respondió {respuesta.status_code} al inscribir", estado_http=respuesta.status_code
            )
        inscripcion = self._inscripcion(respuesta)
        if (inscripcion.alumno_sii_id, inscripcion.edicion_id) != (
            str(datos.alumno_sii_id),
            str(datos.edicion_id),
        ):
            raise ErrorPermanente(
                f"Aula respondió la inscripción {inscripcion.id}, de otro alumno o edición",
                estado_http=respuesta.status_code,
            )
        return inscripcion

    def inscripcion_cancelar(
        self, *, id_externo: str, clave_idempotencia: str, timeout: Timeout | None = None
    ) -> Inscripcion:
        """Cancel the enrollment; cancelling one already cancelled succeeds the same way.

        Raises :class:`ErrorPermanente` for an unknown id (404) or one Aula will not cancel
        (409: completed), :class:`ErrorTemporal` when a retry can help.
        """
        url = f"{self.inscripciones_url}{requests.utils.quote(str(id_externo))}/"
        respuesta = self._pedir("PATCH", url, timeout, json={"estado": CANCELADA}, clave=clave_idempotencia)
        self._revisar(respuesta)
        inscripcion = self._inscripcion(respuesta)
        if inscripcion.estado != CANCELADA:
            raise ErrorPermanente(
                f"Aula respondió la inscripción {inscripcion.id} en estado {inscripcion.estado!r} al cancelarla",
                estado_http=respuesta.status_code,
            )
        return inscripcion

    def inscripcion_obtener(self, *, id_externo: str, timeout: Timeout | None = None) -> Inscripcion | None:
        """The enrollment as Aula holds it now, or None if Aula does not know that id."""
        url = f"{self.inscripciones_url}{requests.utils.quote(str(id_externo))}/"
        respuesta = self._pedir("GET", url, timeout)
        if respuesta.status_code == 404:
            return None
        self._revisar(respuesta)
        return self._inscripcion(respuesta)

    def _inscripcion(self, respuesta: requests.Response) -> Inscripcion:
        cuerpo = self._json(respuesta)
        if not isinstance(cuerpo, dict) or cuerpo.get("id") in (None, ""):
            raise ErrorPermanente("Aula respondió una inscripción sin id", estado_http=respuesta.status_code)
        if cuerpo.get("estado") not in ESTADOS_INSCRIPCION:
            raise ErrorPermanente(
                f"Aula respondió una inscripción con estado {cuerpo.get('estado')!r}",
                estado_http=respuesta.status_code,
            )
        return Inscripcion(
            id=str(cuerpo["id"]),
            cliente_id=_texto(cuerpo.get("cliente_id")),
            curso_id=_texto(cuerpo.get("curso_id")),
            edicion_id=_texto(cuerpo.get("edicion_id")),
            alumno_sii_id=_texto(cuerpo.get("alumno_sii_id")),
            estado=cuerpo["estado"],
        )


def _texto(valor: Any) -> str:
    return "" if valor is None else str(valor)


def cliente_aula() -> ClienteAula:
    return ClienteAula(
        api_url=settings.AULA_API_URL,
        token=settings.AULA_API_TOKEN,
        sesion=_SESION,
        timeout=(settings.INTEGRACIONES_TIMEOUT_CONEXION, settings.INTEGRACIONES_TIMEOUT_LECTURA),
    )
