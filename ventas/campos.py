"""Form fields shared by the sub-packages' forms."""

from datetime import date

from ventas_ingenio.entradas import FechaField as _FechaEntrada

FECHA_MINIMA = date(2000, 1, 1)


class FechaField(_FechaEntrada):
    """A filter date: from 2000 on, as the sales go (the history's and shift list's ranges)."""

    def __init__(self, **kwargs):
        super().__init__(minima=FECHA_MINIMA, **kwargs)
