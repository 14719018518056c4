"""Kept only for ``clientes/views.py``, which reads a client's latest sales from here; the
history's reads live in ``ventas.historial.selectors``. Goes away once the client page stops
importing ``ventas``."""

from ventas.historial.selectors import ventas_de_cliente

__all__ = ["ventas_de_cliente"]
