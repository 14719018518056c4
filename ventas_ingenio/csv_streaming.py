"""Streamed CSV downloads that Excel in es-MX opens right, in constant memory at any size.

UTF-8 with a BOM (without it Excel reads the accents as Latin-1), comma-separated with a
period as decimal mark (the es-MX defaults). Rows are grouped into chunks of about 64 KB
so a million rows do not become a million tiny writes. Text cells that a spreadsheet would
run as a formula (starting with = + - @) get a leading apostrophe: clients' names are typed
by people, and a CSV opened in Excel must not execute them.
"""

import csv
from collections.abc import Iterable
from decimal import Decimal

from django.http import StreamingHttpResponse

BOM = "\ufeff"
TAMANO_TROZO = 64 * 1024
_INICIO_FORMULA = ("=", "+", "-", "@", "\t", "\r")


class _Eco:
    """File-like object whose write() returns the line, so csv.writer builds strings for us."""

    def write(self, valor: str) -> str:
        return valor


def _celda(valor):
    if isinstance(valor, str) and valor.startswith(_INICIO_FORMULA):
        return "'" + valor
    if isinstance(valor, Decimal):
        return f"{valor:.2f}"
    return "" if valor is None else valor


def csv_lineas(encabezados: Iterable, filas: Iterable[Iterable]) -> Iterable[str]:
    """The CSV text in chunks: the BOM and header first, then the rows."""
    escritor = csv.writer(_Eco())
    trozo = [BOM, escritor.writerow(encabezados)]
    tamano = 0
    for fila in filas:
        linea = escritor.writerow([_celda(v) for v in fila])
        trozo.append(linea)
        tamano += len(linea)
        if tamano >= TAMANO_TROZO:
            yield "".join(trozo)
            trozo, tamano = [], 0
    yield "".join(trozo)


def csv_respuesta(*, nombre_archivo: str, encabezados: Iterable, filas: Iterable[Iterable]) -> StreamingHttpResponse:
    """A download of ``filas`` as CSV. Pass a lazy iterable (e.g. ``queryset.iterator()``) to stream."""
    respuesta = StreamingHttpResponse(csv_lineas(encabezados, filas), content_type="text/csv; charset=utf-8")
    respuesta["Content-Disposition"] = f'attachment; filename="{nombre_archivo}"'
    respuesta["Cache-Control"] = "no-store"
    return respuesta
