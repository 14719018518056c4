"""Client of Aula, the learning platform, where each client becomes an alumno.

``AULA_API_URL`` ends in ``/api/``; the alumno resource is ``{AULA_API_URL}alumnos/`` with
the same shape as SII's (search by email or CURP, create, update). ``curp`` and ``email``
are unique there too; Aula also keeps ``fecha_nacimiento``. Optional bearer token
``AULA_API_TOKEN``. See docs/integraciones.md.
"""

import requests
from django.conf import settings

from integraciones.cliente_alumnos import ClienteAlumnos

# One session (connection pool) per process for every call to Aula.
_SESION = requests.Session()


class ClienteAula(ClienteAlumnos):
    nombre_sistema = "Aula"


def cliente_aula() -> ClienteAula:
    base = settings.AULA_API_URL if settings.AULA_API_URL.endswith("/") else settings.AULA_API_URL + "/"
    return ClienteAula(
        base_url=base + "alumnos/",
        token=settings.AULA_API_TOKEN,
        sesion=_SESION,
        timeout=(settings.INTEGRACIONES_TIMEOUT_CONEXION, settings.INTEGRACIONES_TIMEOUT_LECTURA),
    )
