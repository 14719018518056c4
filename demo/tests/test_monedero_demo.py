import random

import pytest
from django.core.management import call_command

from clientes.tests.factories import ClienteFactory
from demo.monedero import monederos_cargar
from ventas.models import Monedero, MovimientoMonedero
from ventas.monedero.selectors import monedero_descuadres

pytestmark = pytest.mark.django_db(databases="__all__")


def test_clientes_demo_con_saldo_a_favor_cuadran():
    ClienteFactory.create_batch(8)
    assert monederos_cargar(azar=random.Random(7), usuario=None) == 6
    assert Monedero.objects.count() == 6 and Monedero.objects.filter(saldo__gt=0).count() == 6
    assert not Monedero.objects.filter(cliente__es_publico_general=True).exists()
    assert MovimientoMonedero.objects.filter(tipo="ajuste").exclude(motivo="").count() == MovimientoMonedero.objects.count()
    assert monedero_descuadres() == []
    call_command("verificar_monedero", stdout=open("/dev/null", "w"))  # noqa: SIM115 (exits 0)
    assert monederos_cargar(azar=random.Random(7), usuario=None) == 0  # only once
