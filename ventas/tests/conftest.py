import pytest

from inventario.tests.conftest import producto_con_existencia  # noqa: F401  (shared fixture)
from ventas.caja.cobro import venta_confirmar
from ventas.caja.selectors import carrito_de_cajero


@pytest.fixture
def cobrar():
    """Charge the cashier's active cart as the checkout form would."""

    def _cobrar(cajero, *, efectivo="1000000", pagos=(), clave=None, huella=None):
        from decimal import Decimal

        vista = carrito_de_cajero(cajero=cajero)
        return venta_confirmar(
            cajero=cajero,
            clave_cobro=clave or vista.carrito.clave_cobro,
            huella=huella or vista.huella,
            pagos=list(pagos),
            efectivo_recibido=Decimal(efectivo),
        )

    return _cobrar
