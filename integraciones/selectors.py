"""Reads of the sync state, phrased for the client's pages and the admin."""

from dataclasses import dataclass

from django.utils import formats, timezone

from integraciones.models import EstadoSincronizacion, SincronizacionAlumno, Sistema
from ventas_ingenio.router import DB_NEGOCIO


@dataclass(frozen=True)
class EstadoSistema:
    sincronizacion: SincronizacionAlumno | None
    sistema: str
    nombre_sistema: str
    estado: str  # pendiente / sincronizado / error / no_aplica
    texto: str


def estado_texto(fila: SincronizacionAlumno | None) -> str:
    """"Sincronizado #12", "Pendiente, próximo intento 10:42" or "Error: mensaje"."""
    if fila is None:
        return "No se envía"
    if fila.estado == EstadoSincronizacion.SINCRONIZADO:
        return f"Sincronizado #{fila.id_externo}"
    if fila.estado == EstadoSincronizacion.ERROR:
        return f"Error: {fila.ultimo_error}"
    cuando = formats.date_format(timezone.localtime(fila.proximo_intento), "H:i:s")
    detalle = f" (último error: {fila.ultimo_error})" if fila.ultimo_error else ""
    return f"Pendiente, próximo intento {cuando}{detalle}"


def sincronizaciones_de_cliente(*, cliente_id: int) -> list[EstadoSistema]:
    """One entry per external system, in a fixed order (SII, Aula)."""
    filas = {
        f.sistema: f for f in SincronizacionAlumno.objects.using(DB_NEGOCIO).filter(cliente_id=cliente_id)
    }
    estados = []
    for sistema, nombre in Sistema.choices:
        fila = filas.get(sistema)
        estados.append(
            EstadoSistema(
                sincronizacion=fila,
                sistema=sistema,
                nombre_sistema=nombre,
                estado=fila.estado if fila else "no_aplica",
                texto=estado_texto(fila),
            )
        )
    return estados


def sincronizacion_obtener(*, cliente_id: int, sistema: str) -> SincronizacionAlumno:
    return SincronizacionAlumno.objects.using(DB_NEGOCIO).get(cliente_id=cliente_id, sistema=sistema)
