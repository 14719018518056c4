"""A sandbox SII + Aula server: the external contract, its own storage, switchable faults.

Run it with ``python manage.py sandbox_integraciones --port 8001`` (``make run`` does). Routes::

    /sii/api/alumnos/                      SII alumnos (GET buscar_por_email/, buscar_por_curp/, POST, PATCH <id>/)
    /aula/api/alumnos/                     Aula alumnos, same shape
    /aula/api/inscripciones/               Aula enrollments (POST, GET <id>/, PATCH <id>/ to cancel)
    GET  /_control/alumnos/<sistema>/      what the system holds (JSON list)
    GET  /_control/inscripciones/          the enrollments Aula holds (JSON list)
    GET  /_control/peticiones/<sistema>/   how many requests the system received
    POST /_control/falla/                  {"sistema": "sii"|"aula"|"todos", "modo": ..., "segundos": s,
                                            "veces": n, "retry_after": s, "requeridos": [campo, ...]}
    POST /_control/reiniciar/              forget every alumno, enrollment, fault and stalled request

Fault modes: ``ninguna``, ``caido`` (closes the connection without answering), ``lento``
(answers after ``segundos``), ``error500``, ``error503``, ``error429`` (with Retry-After),
``json_malo``, ``conflicto409`` and ``error400`` (on writes only), ``colgado`` (never answers while ``segundos``
lasts) and ``guardar_y_colgar`` (a create is saved, then the answer stalls for ``segundos``:
a lost response; on inscripciones a cancel too). ``veces`` limits the fault to the next n
requests of that system; Aula's faults apply to its alumnos and its inscripciones alike. Like
the real systems it honours ``Idempotency-Key`` and keeps ``curp`` unique; ``email`` is optional
and may be shared by several alumnos (siblings using a parent's email; our assumption of the
real systems, docs/integraciones.md), so a search by email answers the first one registered.

Enrollments (``inscripciones/``, Aula only): ``POST`` with ``cliente_id``, ``curso_id``,
``edicion_id``, ``alumno_sii_id`` and ``estado`` (activa | cancelada | completada) answers 201
with the stored enrollment and its ``id``; 400 names missing or invalid fields; 422 if
``alumno_sii_id`` is not an alumno this sandbox's SII holds (Aula must not hear of an alumno
before SII); 409 with the existing ``id`` for a second *activa* enrollment of the same alumno
in the same edition. ``PATCH <id>/`` with ``{"estado": "cancelada"}`` cancels (again: 200, same
state; a ``completada`` one: 409; unknown id: 404). See docs/integraciones.md.
"""

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SISTEMAS = ("sii", "aula")
RUTA = re.compile(r"^/(?P<sistema>sii|aula)/api/alumnos/(?P<resto>.*)$")
RUTA_INSCRIPCIONES = re.compile(r"^/(?P<sistema>aula)/api/inscripciones/(?P<resto>.*)$")
SOLO_ESCRITURAS = ("conflicto409", "error400", "guardar_y_colgar")
CAMPOS = ("nombre", "apellido", "email", "curp", "fecha_nacimiento", "estado")
CAMPOS_INSCRIPCION = ("cliente_id", "curso_id", "edicion_id", "alumno_sii_id", "estado")
ESTADOS_INSCRIPCION = ("activa", "cancelada", "completada")


class Almacen:
    """In-memory alumnos of both systems (optionally mirrored to a JSON file)."""

    def __init__(self, archivo: Path | None = None):
        self.candado = threading.Lock()
        self.liberar = threading.Event()
        self.archivo = archivo
        self.reiniciar()
        if archivo and archivo.is_file():
            datos = json.loads(archivo.read_text())
            for sistema in SISTEMAS:
                self.alumnos[sistema] = {int(k): v for k, v in datos.get(sistema, {}).get("alumnos", {}).items()}
                self.claves[sistema] = datos.get(sistema, {}).get("claves", {})
                self.siguiente[sistema] = max(self.alumnos[sistema], default=0) + 1
            aula = datos.get("aula", {})
            self.inscripciones = {int(k): v for k, v in aula.get("inscripciones", {}).items()}
            self.claves_inscripciones = aula.get("claves_inscripciones", {})
            self.siguiente_inscripcion = max(self.inscripciones, default=0) + 1

    def reiniciar(self) -> None:
        self.alumnos = {s: {} for s in SISTEMAS}
        self.claves = {s: {} for s in SISTEMAS}
        self.siguiente = dict.fromkeys(SISTEMAS, 1)
        self.peticiones = dict.fromkeys(SISTEMAS, 0)
        self.fallas = {s: {"modo": "ninguna"} for s in SISTEMAS}
        # Aula's enrollments; their Idempotency-Keys are scoped to this resource.
        self.inscripciones: dict[int, dict] = {}
        self.claves_inscripciones: dict[str, int] = {}
        self.siguiente_inscripcion = 1
        # Wake stalled requests, then start a fresh event for the next ones.
        if hasattr(self, "liberar"):
            self.liberar.set()
        self.liberar = threading.Event()

    def guardar(self) -> None:
        if self.archivo:
            datos = {s: {"alumnos": self.alumnos[s], "claves": self.claves[s]} for s in SISTEMAS}
            datos["aula"]["inscripciones"] = self.inscripciones
            datos["aula"]["claves_inscripciones"] = self.claves_inscripciones
            self.archivo.write_text(json.dumps(datos, ensure_ascii=False, indent=1))

    def falla_tomar(self, sistema: str, metodo: str) -> dict:
        """The fault for this request (and count it), consuming one of its ``veces``.

        Faults that only make sense for writes (409, 400, save-then-stall) leave reads alone.
        """
        with self.candado:
            self.peticiones[sistema] += 1
            falla = dict(self.fallas[sistema])
            if falla.get("modo") in SOLO_ESCRITURAS and metodo == "GET":
                return {"modo": "ninguna", "requeridos": falla.get("requeridos", [])}
            veces = falla.get("veces")
            if veces is not None:
                if veces <= 0:
                    self.fallas[sistema] = {"modo": "ninguna", "requeridos": falla.get("requeridos", [])}
                    falla = dict(self.fallas[sistema])
                else:
                    self.fallas[sistema]["veces"] = veces - 1
            return falla

    def buscar(self, sistema: str, campo: str, valor: str) -> dict | None:
        valor = valor.strip().lower()
        for alumno in self.alumnos[sistema].values():
            if valor and str(alumno.get(campo) or "").lower() == valor:
                return alumno
        return None

    def alumno_sii(self, id_alumno) -> dict | None:
        try:
            return self.alumnos["sii"].get(int(str(id_alumno)))
        except ValueError:
            return None

    def inscripcion_activa(self, alumno_sii_id, edicion_id) -> dict | None:
        for inscripcion in self.inscripciones.values():
            if (
                inscripcion["estado"] == "activa"
                and str(inscripcion["alumno_sii_id"]) == str(alumno_sii_id)
                and str(inscripcion["edicion_id"]) == str(edicion_id)
            ):
                return inscripcion
        return None

    def conflicto(self, sistema: str, datos: dict, excluir: int | None = None) -> dict | None:
        for campo in ("curp",):
            if datos.get(campo):
                otro = self.buscar(sistema, campo, datos[campo])
                if otro and otro["id"] != excluir:
                    return otro
        return None


class Manejador(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SandboxIngenio/1.0"
    almacen: Almacen  # set by crear_servidor

    def log_message(self, formato, *args):  # quiet: tests make thousands of requests
        pass

    # --- answers ---------------------------------------------------------------------------
    def _responder(self, codigo: int, cuerpo, encabezados: dict | None = None, crudo: bytes | None = None):
        datos = crudo if crudo is not None else json.dumps(cuerpo, ensure_ascii=False).encode()
        self.send_response(codigo)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(datos)))
        for nombre, valor in (encabezados or {}).items():
            self.send_header(nombre, str(valor))
        self.end_headers()
        self.wfile.write(datos)

    def _cuerpo(self) -> dict | None:
        largo = int(self.headers.get("Content-Length") or 0)
        if not largo:
            return {}
        try:
            valor = json.loads(self.rfile.read(largo))
        except ValueError:
            return None
        return valor if isinstance(valor, dict) else None

    def _esperar(self, segundos: float) -> None:
        self.almacen.liberar.wait(segundos)

    # --- dispatch -----------------------------------------------------------------------------
    def do_GET(self):
        self._despachar("GET")

    def do_POST(self):
        self._despachar("POST")

    def do_PATCH(self):
        self._despachar("PATCH")

    def _despachar(self, metodo: str):
        url = urlsplit(self.path)
        if url.path.startswith("/_control/"):
            return self._control(metodo, url.path)
        coincidencia = RUTA.match(url.path) or RUTA_INSCRIPCIONES.match(url.path)
        if not coincidencia:
            return self._responder(404, {"detail": "No existe"})
        sistema, resto = coincidencia["sistema"], coincidencia["resto"]
        es_inscripcion = coincidencia.re is RUTA_INSCRIPCIONES
        cuerpo = self._cuerpo() if metodo != "GET" else {}
        falla = self.almacen.falla_tomar(sistema, metodo)
        modo = falla.get("modo", "ninguna")
        segundos = float(falla.get("segundos") or 30)
        if modo == "caido":
            self.close_connection = True
            return
        if modo == "colgado":
            self._esperar(segundos)
            self.close_connection = True
            return
        if modo == "lento":
            self._esperar(float(falla.get("segundos") or 1))
        if modo in ("error500", "error503"):
            return self._responder(int(modo[-3:]), {"detail": "Error interno"})
        if modo == "error429":
            return self._responder(429, {"detail": "Demasiadas peticiones"}, {"Retry-After": falla.get("retry_after", 1)})
        if modo == "json_malo":
            return self._responder(200, None, crudo=b"<html>Mantenimiento {no es json")
        if modo == "conflicto409":
            existe = "La inscripción ya existe" if es_inscripcion else "El alumno ya existe"
            return self._responder(409, {"detail": existe})
        if modo == "error400":
            return self._responder(400, {"detail": "Solicitud inválida"})
        recurso = self._inscripciones if es_inscripcion else self._alumnos
        codigo, respuesta = recurso(metodo, sistema, resto, cuerpo, falla)
        # A cancel is a write whose answer can be lost too; alumnos keep the create-only fault.
        escrituras = ("POST", "PATCH") if es_inscripcion else ("POST",)
        if modo == "guardar_y_colgar" and metodo in escrituras:
            self._esperar(segundos)
            self.close_connection = True
            return
        self._responder(codigo, respuesta)

    def _alumnos(self, metodo: str, sistema: str, resto: str, cuerpo: dict | None, falla: dict):
        almacen = self.almacen
        parametros = parse_qs(urlsplit(self.path).query)
        with almacen.candado:
            if metodo == "GET" and resto in ("buscar_por_email/", "buscar_por_curp/"):
                campo = "email" if "email" in resto else "curp"
                alumno = almacen.buscar(sistema, campo, (parametros.get(campo) or [""])[0])
                return (200, alumno) if alumno else (404, {"detail": "No encontrado"})
            if cuerpo is None:
                return 400, {"detail": "JSON inválido"}
            if metodo == "POST" and resto == "":
                clave = self.headers.get("Idempotency-Key")
                if clave and clave in almacen.claves[sistema]:
                    return 200, almacen.alumnos[sistema][almacen.claves[sistema][clave]]
                errores = {c: ["Este campo es obligatorio."] for c in ("nombre",) if not cuerpo.get(c)}
                errores.update(
                    {c: ["Este campo es obligatorio."] for c in falla.get("requeridos", []) if not cuerpo.get(c)}
                )
                if cuerpo.get("curp") and len(str(cuerpo["curp"])) != 18:
                    errores["curp"] = ["CURP inválida."]
                if errores:
                    return 400, errores
                otro = almacen.conflicto(sistema, cuerpo)
                if otro:
                    return 409, {"detail": "El alumno ya existe", "id": otro["id"]}
                alumno = {campo: cuerpo.get(campo) for campo in CAMPOS}
                alumno["id"] = almacen.siguiente[sistema]
                almacen.siguiente[sistema] += 1
                almacen.alumnos[sistema][alumno["id"]] = alumno
                if clave:
                    almacen.claves[sistema][clave] = alumno["id"]
                almacen.guardar()
                return 201, alumno
            coincidencia = re.fullmatch(r"(\d+)/", resto)
            if metodo == "PATCH" and coincidencia:
                alumno = almacen.alumnos[sistema].get(int(coincidencia[1]))
                if alumno is None:
                    return 404, {"detail": "No encontrado"}
                if almacen.conflicto(sistema, cuerpo, excluir=alumno["id"]):
                    return 409, {"detail": "La CURP ya pertenece a otro alumno"}
                alumno.update({c: cuerpo[c] for c in CAMPOS if c in cuerpo})
                almacen.guardar()
                return 200, alumno
        return 404, {"detail": "No existe"}

    def _inscripciones(self, metodo: str, sistema: str, resto: str, cuerpo: dict | None, falla: dict):
        almacen = self.almacen
        with almacen.candado:
            if cuerpo is None:
                return 400, {"detail": "JSON inválido"}
            if metodo == "POST" and resto == "":
                clave = self.headers.get("Idempotency-Key")
                if clave and clave in almacen.claves_inscripciones:
                    # The same key gets the first answer, whatever this body says.
                    return 201, almacen.inscripciones[almacen.claves_inscripciones[clave]]
                requeridos = [*CAMPOS_INSCRIPCION, *falla.get("requeridos", [])]
                errores = {c: ["Este campo es obligatorio."] for c in requeridos if cuerpo.get(c) in (None, "")}
                if "estado" not in errores and cuerpo["estado"] not in ESTADOS_INSCRIPCION:
                    errores["estado"] = [f"Debe ser uno de: {', '.join(ESTADOS_INSCRIPCION)}."]
                if errores:
                    return 400, errores
                if almacen.alumno_sii(cuerpo["alumno_sii_id"]) is None:
                    return 422, {
                        "detail": "El alumno no existe en SII; regístrelo en SII antes de inscribirlo.",
                        "alumno_sii_id": cuerpo["alumno_sii_id"],
                    }
                if cuerpo["estado"] == "activa":
                    otra = almacen.inscripcion_activa(cuerpo["alumno_sii_id"], cuerpo["edicion_id"])
                    if otra:
                        return 409, {
                            "detail": f"El alumno ya tiene la inscripción activa {otra['id']} en esta edición",
                            "id": otra["id"],
                        }
                inscripcion = {campo: cuerpo[campo] for campo in CAMPOS_INSCRIPCION}
                inscripcion["id"] = almacen.siguiente_inscripcion
                almacen.siguiente_inscripcion += 1
                almacen.inscripciones[inscripcion["id"]] = inscripcion
                if clave:
                    almacen.claves_inscripciones[clave] = inscripcion["id"]
                almacen.guardar()
                return 201, inscripcion
            coincidencia = re.fullmatch(r"(\d+)/", resto)
            if coincidencia and metodo in ("GET", "PATCH"):
                inscripcion = almacen.inscripciones.get(int(coincidencia[1]))
                if inscripcion is None:
                    return 404, {"detail": "No encontrado"}
                if metodo == "GET":
                    return 200, inscripcion
                if set(cuerpo) != {"estado"} or cuerpo["estado"] != "cancelada":
                    return 400, {"estado": ['Solo se admite {"estado": "cancelada"}.']}
                if inscripcion["estado"] == "completada":
                    return 409, {"detail": "La inscripción está completada; no se puede cancelar", "id": inscripcion["id"]}
                if inscripcion["estado"] != "cancelada":
                    inscripcion["estado"] = "cancelada"
                    almacen.guardar()
                return 200, inscripcion
        return 404, {"detail": "No existe"}

    def _control(self, metodo: str, ruta: str):
        almacen = self.almacen
        partes = [p for p in ruta.split("/") if p][1:]
        if metodo == "GET" and len(partes) == 2 and partes[1] in SISTEMAS:
            if partes[0] == "alumnos":
                with almacen.candado:
                    return self._responder(200, list(almacen.alumnos[partes[1]].values()))
            if partes[0] == "peticiones":
                return self._responder(200, {"peticiones": almacen.peticiones[partes[1]]})
        if metodo == "GET" and partes == ["inscripciones"]:
            with almacen.candado:
                return self._responder(200, list(almacen.inscripciones.values()))
        if metodo == "POST" and partes == ["reiniciar"]:
            with almacen.candado:
                almacen.reiniciar()
                almacen.guardar()
            return self._responder(200, {"ok": True})
        if metodo == "POST" and partes == ["falla"]:
            cuerpo = self._cuerpo() or {}
            sistemas = SISTEMAS if cuerpo.get("sistema", "todos") == "todos" else (cuerpo.get("sistema"),)
            if not set(sistemas) <= set(SISTEMAS):
                return self._responder(400, {"detail": "Sistema desconocido"})
            with almacen.candado:
                for sistema in sistemas:
                    almacen.fallas[sistema] = {k: v for k, v in cuerpo.items() if k != "sistema"}
                    almacen.fallas[sistema].setdefault("modo", "ninguna")
                if cuerpo.get("modo", "ninguna") == "ninguna":
                    almacen.liberar.set()
                    almacen.liberar = threading.Event()
            return self._responder(200, {"ok": True})
        return self._responder(404, {"detail": "No existe"})


class ServidorSandbox(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # A client that gave up (timeout, killed worker) is normal here, not worth a traceback.
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def crear_servidor(host: str = "127.0.0.1", puerto: int = 8001, archivo: Path | None = None) -> ServidorSandbox:
    """A sandbox server bound to (host, puerto); puerto 0 picks a free port."""
    almacen = Almacen(archivo)
    manejador = type("ManejadorSandbox", (Manejador,), {"almacen": almacen})
    servidor = ServidorSandbox((host, puerto), manejador)
    servidor.almacen = almacen
    return servidor


def urls_de(servidor: ServidorSandbox) -> tuple[str, str]:
    """(SII_API_URL, AULA_API_URL) of a running sandbox."""
    host, puerto = servidor.server_address[:2]
    return f"http://{host}:{puerto}/sii/api/alumnos/", f"http://{host}:{puerto}/aula/api/"


def esperar_puerto(host: str, puerto: int, segundos: float = 10) -> None:
    import socket

    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        try:
            with socket.create_connection((host, puerto), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"El sandbox no abrió {host}:{puerto}")
