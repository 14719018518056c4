import pytest

from inventario.services import existencia_registrar_entrada
from inventario.tests.factories import ProductoFactory


@pytest.fixture
def producto_con_existencia():
    """Factory fixture: a product whose stock came in through an entrada (ledger agrees)."""

    def crear(existencia: int = 10, **campos):
        producto = ProductoFactory(**campos)
        if existencia:
            existencia_registrar_entrada(producto_id=producto.pk, cantidad=existencia, usuario=None, nota="inicial")
        producto.refresh_from_db()
        return producto

    return crear
