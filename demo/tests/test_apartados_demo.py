"""The demo's apartados (`make run`): open ones, some expiring soon, one paid to pick up, one
handed over, one expired and liberated; the ledger still adds up."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from inventario.models import MovimientoInventario
from inventario.selectors import inventario_descuadres
from ventas.apartados.selectors import ABIERTOS, ENTREGADOS, POR_ENTREGAR, VENCIDOS, apartados_filtrar

pytestmark = pytest.mark.django_db(databases="__all__")


def test_apartados_demo(roles):
    call_command("cargar_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("cargar_demo", "--apartados", stdout=open("/dev/null", "w"))  # noqa: SIM115
    hoy = timezone.localdate()
    abiertos = list(apartados_filtrar(filtro=ABIERTOS))
    assert len(abiertos) == 4
    assert sum(v.vence <= hoy + datetime.timedelta(days=7) for v in abiertos) == 2  # expiring soon
    assert len(apartados_filtrar(filtro=POR_ENTREGAR)) == 1
    entregado, = apartados_filtrar(filtro=ENTREGADOS)
    assert entregado.abonos.exists() and entregado.saldo == 0  # paid off with an abono
    vencido, = apartados_filtrar(filtro=VENCIDOS)
    assert vencido.liberado is not None
    assert MovimientoInventario.objects.filter(tipo="liberacion_apartado", id_venta=vencido.pk).exists()
    assert inventario_descuadres() == []
    call_command("verificar_inventario", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("cargar_demo", "--apartados", stdout=open("/dev/null", "w"))  # noqa: SIM115 - once only
    assert len(apartados_filtrar(filtro="todos")) == 7
