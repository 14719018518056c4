"""The alumno resource shared by SII and Aula: search by CURP/email, create, update.

Both systems expose the same shape (see docs/integraciones.md)::

    GET  {base}buscar_por_email/?email=<email>   -> 200 alumno JSON | 404
    GET  {base}buscar_por_curp/?curp=<curp>      -> 200 alumno JSON | 404   (our assumption)
    POST {base}          {nombre, apellido, [email], [curp], [fecha_nacimiento], estado}
                                                 -> 200/201 alumno with "id" | 409 "ya existe" | 400
    PATCH {base}<id>/    same fields, email null when emptied -> 200 alumno

Every request carries explicit (connect, read) timeouts, an optional bearer token and, for
writes, the outbox record's UUID as ``Idempotency-Key``. Answers are validated and parsed
into :class:`Alumno`; failures are raised as :class:`ErrorTemporal` or :class:`ErrorPermanente`.
"""

import datetime
import email.utils
from dataclasses import dataclass
from typing import Any

import requests

from integraciones.exceptions import (
    AlumnoNoEncontrado,
    AlumnoYaExiste,
    ErrorPermanente,
    ErrorTemporal,
    RespuestaIlegible,
)

Timeout = tuple[float, float]


@dataclass(frozen=True)
class Alumno:
    id: str
    nombre: str
    apellido: str
    email: str
    curp: str
    fecha_nacimiento: str | None


@dataclass(frozen=True)
class DatosAlumno:
    """What we send: only what we know. No invented birth date, no empty CURP, no empty email
    (a small child has none)."""

    nombre: str
    apellido: str
    email: str
    curp: str | None = None
    fecha_nacimiento: datetime.date | None = None

    def como_json(self, *, actualizacion: bool = False) -> dict[str, Any]:
        """The body of a create, or of an update (``actualizacion``): an update sends an emptied
        email as ``null``, so the remote copy forgets the old one instead of keeping it (a
        child's record that carried a parent's email, corrected by staff)."""
        cuerpo: dict[str, Any] = {
            "nombre": self.nombre,
            "apellido": self.apellido,
            "estado": "activo",
        }
        if self.email or actualizacion:
            cuerpo["email"] = self.email or None
        if self.curp:
            cuerpo["curp"] = self.curp
        if self.fecha_nacimiento:
            cuerpo["fecha_nacimiento"] = self.fecha_nacimiento.isoformat()
        return cuerpo


def _segundos_retry_after(valor: str | None) -> float | None:
    if not valor:
        return None
    try:
        return max(0.0, float(valor))
    except ValueError:
        fecha = email.utils.parsedate_to_datetime(valor) if valor else None
        if fecha is None:
            return None
        return max(0.0, (fecha - datetime.datetime.now(datetime.UTC)).total_seconds())


class ClienteAlumnos:
    """Thin HTTP client of one system's alumno resource (one ``requests.Session``)."""

    nombre_sistema = "?"

    def __init__(self, *, base_url: str, token: str, sesion: requests.Session, timeout: Timeout):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.token = token
        self.sesion = sesion
        self.timeout = timeout

    # --- public operations -----------------------------------------------------------------
    def buscar_por_email(self, email: str, *, timeout: Timeout | None = None) -> Alumno | None:
        return self._buscar("buscar_por_email/", {"email": email}, timeout)

    def buscar_por_curp(self, curp: str, *, timeout: Timeout | None = None) -> Alumno | None:
        return self._buscar("buscar_por_curp/", {"curp": curp}, timeout)

    def crear(self, datos: DatosAlumno, *, clave: str, timeout: Timeout | None = None) -> Alumno:
        respuesta = self._pedir("POST", self.base_url, timeout, json=datos.como_json(), clave=clave)
        if respuesta.status_code == 409:
            raise AlumnoYaExiste(
                f"{self.nombre_sistema}: el alumno ya existe", estado_http=409, id_existente=self._id_en(respuesta)
            )
        self._revisar(respuesta)
        if respuesta.status_code not in (200, 201):
            raise ErrorPermanente(
                f"{self.nombre_sistema} respondió {respuesta.status_code} al crear", estado_http=respuesta.status_code
            )
        return self._alumno(respuesta)

    def actualizar(self, id_alumno: str, datos: DatosAlumno, *, clave: str, timeout: Timeout | None = None) -> Alumno:
        url = f"{self.base_url}{requests.utils.quote(str(id_alumno))}/"
        respuesta = self._pedir("PATCH", url, timeout, json=datos.como_json(actualizacion=True), clave=clave)
        if respuesta.status_code == 404:
            raise AlumnoNoEncontrado(
                f"{self.nombre_sistema} no tiene al alumno #{id_alumno}", estado_http=404
            )
        if respuesta.status_code == 409:
            raise ErrorPermanente(
                f"{self.nombre_sistema}: el correo o la CURP ya pertenecen a otro alumno", estado_http=409
            )
        self._revisar(respuesta)
        return self._alumno(respuesta)

    # --- plumbing ----------------------------------------------------------------------------
    def _buscar(self, ruta: str, parametros: dict, timeout: Timeout | None) -> Alumno | None:
        respuesta = self._pedir("GET", self.base_url + ruta, timeout, params=parametros)
        if respuesta.status_code == 404:
            return None
        self._revisar(respuesta)
        return self._alumno(respuesta)

    def _pedir(self, metodo: str, url: str, timeout: Timeout | None, *, clave: str | None = None, **kwargs):
        encabezados = {"Accept": "application/json"}
        if self.token:
            encabezados["Authorization"] = f"Bearer {self.token}"
        if clave:
            encabezados["Idempotency-Key"] = clave
        try:
            return self.sesion.request(metodo, url, headers=encabezados, timeout=timeout or self.timeout, **kwargs)
        except requests.Timeout as error:
            raise ErrorTemporal(f"{self.nombre_sistema} no respondió a tiempo") from error
        except requests.ConnectionError as error:
            raise ErrorTemporal(f"No se pudo conectar con {self.nombre_sistema}") from error
        except requests.RequestException as error:
            raise ErrorTemporal(f"Fallo de red con {self.nombre_sistema}: {error.__class__.__name__}") from error

    def _revisar(self, respuesta: requests.Response) -> None:
        codigo = respuesta.status_code
        if codigo == 429 or codigo >= 500:
            raise ErrorTemporal(
                f"{self.nombre_sistema} respondió {codigo}",
                estado_http=codigo,
                reintentar_en=_segundos_retry_after(respuesta.headers.get("Retry-After")),
            )
        if codigo in (408, 425):
            raise ErrorTemporal(f"{self.nombre_sistema} respondió {codigo}", estado_http=codigo)
        if 400 <= codigo < 500:
            raise ErrorPermanente(
                f"{self.nombre_sistema} rechazó los datos ({codigo}): {self._detalle(respuesta)}", estado_http=codigo
            )

    def _json(self, respuesta: requests.Response) -> Any:
        try:
            return respuesta.json()
        except ValueError as error:
            raise RespuestaIlegible(
                f"{self.nombre_sistema} respondió algo que no es JSON válido", estado_http=respuesta.status_code
            ) from error

    def _detalle(self, respuesta: requests.Response) -> str:
        try:
            cuerpo = respuesta.json()
        except ValueError:
            return respuesta.text[:200]
        if isinstance(cuerpo, dict):
            # Shown on the pages: the system's own sentence, then each other field as "campo: texto".
            def texto(valor) -> str:
                return "; ".join(map(str, valor)) if isinstance(valor, list) else str(valor)

            otros = "; ".join(f"{clave}: {texto(valor)}" for clave, valor in cuerpo.items() if clave != "detail")
            if "detail" in cuerpo:
                return f"{texto(cuerpo['detail'])} ({otros})"[:300] if otros else texto(cuerpo["detail"])[:300]
            return otros[:300]
        return str(cuerpo)[:300]

    def _id_en(self, respuesta: requests.Response) -> str | None:
        try:
            cuerpo = respuesta.json()
        except ValueError:
            return None
        valor = cuerpo.get("id") if isinstance(cuerpo, dict) else None
        return str(valor) if valor not in (None, "") else None

    def _alumno(self, respuesta: requests.Response) -> Alumno:
        cuerpo = self._json(respuesta)
        if not isinstance(cuerpo, dict) or cuerpo.get("id") in (None, ""):
            raise ErrorPermanente(f"{self.nombre_sistema} respondió un alumno sin id", estado_http=respuesta.status_code)
        return Alumno(
            id=str(cuerpo["id"]),
            nombre=str(cuerpo.get("nombre") or ""),
            apellido=str(cuerpo.get("apellido") or ""),
            email=str(cuerpo.get("email") or ""),
            curp=str(cuerpo.get("curp") or ""),
            fecha_nacimiento=cuerpo.get("fecha_nacimiento") or None,
        )
