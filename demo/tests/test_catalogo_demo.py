import pytest
from django.core.management import CommandError, call_command

from inventario.models import Categoria, MovimientoInventario, Producto
from inventario.selectors import inventario_descuadres
from inventario.validators import codigo_barras_normalizar

pytestmark = pytest.mark.django_db(databases="__all__")


def test_cargar_demo_catalogo_escolar_con_libro_mayor_cuadrado():
    call_command("cargar_demo")
    assert Producto.objects.count() >= 200
    assert set(Categoria.objects.values_list("nombre", flat=True)) >= {"Uniformes", "Papelería", "Libros", "Alimentos y bebidas"}
    for codigo in Producto.objects.values_list("codigo_barras", flat=True):
        assert codigo_barras_normalizar(codigo) == codigo
    assert Producto.objects.filter(existencia__gt=0).count() == MovimientoInventario.objects.filter(tipo="entrada").count()
    assert Producto.objects.filter(categoria__nombre="Libros").exclude(tasa_iva=0).count() == 0
    assert inventario_descuadres() == []
    call_command("verificar_inventario")
    call_command("cargar_demo")  # second run: nothing duplicated
    assert Producto.objects.count() == Producto.objects.values("codigo").distinct().count()


def test_carga_masiva_con_copy():
    call_command("cargar_demo", productos=1500)
    call_command("cargar_demo", productos=500)
    assert Producto.objects.filter(codigo__startswith="GEN-").count() == 2000
    muestra = Producto.objects.filter(codigo__startswith="GEN-").order_by("?")[:50]
    for producto in muestra:
        assert codigo_barras_normalizar(producto.codigo_barras) == producto.codigo_barras
    assert inventario_descuadres() == []


def test_preparar_carga_demo_solo_si_no_hay_productos(settings):
    from ventas.models import Venta
    from ventas_ingenio.management.commands.preparar import VENTAS_DEMO

    settings.DATOS_DEMO = True
    call_command("preparar")
    total = Producto.objects.count()
    assert total > 0
    assert Venta.objects.count() == VENTAS_DEMO  # the history and the reports have data on a fresh machine
    call_command("preparar")
    assert Producto.objects.count() == total
    assert Venta.objects.count() == VENTAS_DEMO
    assert inventario_descuadres() == []


def test_verificar_inventario_sale_con_error_si_descuadra():
    call_command("cargar_demo")
    Producto.objects.filter(pk=Producto.objects.filter(existencia__gt=0).first().pk).update(existencia=0)
    with pytest.raises(CommandError):
        call_command("verificar_inventario")
