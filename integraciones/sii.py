"""Client of SII, the school information system, where each client becomes an alumno.

Contract (all we know, from the first version of this system; see docs/integraciones.md):
``GET {SII_API_URL}buscar_por_email/?email=`` answers 200 with the alumno or 404;
``POST {SII_API_URL}`` with ``{nombre, apellido, email, curp, fecha_nacimiento, estado}``
answers 200/201 with the created alumno and its ``id``. ``SII_API_URL`` ends in
``/api/alumnos/``. ``curp`` and ``email`` are unique on SII's side (409 "ya existe").
Optional bearer token ``SII_API_TOKEN``.
"""

import requests
from django.conf import settings

from integraciones.cliente_alumnos import ClienteAlumnos

# One session (connection pool) per process for every call to SII.
_SESION = requests.Session()


class ClienteSII(ClienteAlumnos):
    nombre_sistema = "SII"


def cliente_sii() -> ClienteSII:
    return ClienteSII(
        base_url=settings.SII_API_URL,
        token=settings.SII_API_TOKEN,
        sesion=_SESION,
        timeout=(settings.INTEGRACIONES_TIMEOUT_CONEXION, settings.INTEGRACIONES_TIMEOUT_LECTURA),
    )
