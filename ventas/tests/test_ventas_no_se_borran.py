"""Sales are never deleted: PostgreSQL refuses a DELETE on the sales tables, whoever sends it."""

import pytest
from django.db import IntegrityError, connections, transaction

from ventas.caja.services import carrito_agregar
from ventas.models import Pago, Venta, VentaDetalle

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize("modelo", [Venta, VentaDetalle, Pago])
def test_borrar_una_venta_o_sus_lineas_es_rechazado(modelo, cajero, turno_para, producto_con_existencia, cobrar):
    turno_para(cajero)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    venta, _ = cobrar(cajero)
    with pytest.raises(IntegrityError, match="Las ventas no se borran"), transaction.atomic():
        with connections["default"].cursor() as cursor:
            cursor.execute(f"DELETE FROM {modelo._meta.db_table}")
    assert Venta.objects.filter(pk=venta.pk).exists()
    assert VentaDetalle.objects.filter(venta=venta).count() == 1 and Pago.objects.filter(venta=venta).count() == 1
