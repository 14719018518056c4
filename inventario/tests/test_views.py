import re

import pytest
from django.urls import reverse

from inventario.tests.factories import CategoriaFactory, ProductoFactory

pytestmark = pytest.mark.django_db(databases="__all__")

URL = reverse("inventario:producto_lista")


def _filas(html):
    return re.findall(r"<tr class=\"[^\"]*\">(.*?)</tr>", html, re.S)


def test_cada_rol_ve_el_inventario(cliente_cajero, producto_con_existencia):
    producto = producto_con_existencia(7, nombre="Goma blanca")
    html = cliente_cajero.get(URL).content.decode()
    assert "Goma blanca" in html and producto.codigo in html
    # the cashier sees stock but not the ledger
    assert reverse("inventario:producto_movimientos", args=[producto.pk]) not in html
    assert cliente_cajero.get(reverse("inventario:producto_movimientos", args=[producto.pk])).status_code == 403


def test_consulta_ve_movimientos(cliente_consulta, producto_con_existencia):
    producto = producto_con_existencia(7)
    html = cliente_consulta.get(URL).content.decode()
    enlace = reverse("inventario:producto_movimientos", args=[producto.pk])
    assert enlace in html
    movimientos = cliente_consulta.get(enlace).content.decode()
    assert "Entrada" in movimientos and "+7" in movimientos


def test_busqueda_sin_acentos_codigo_y_codigo_de_barras(cliente_consulta):
    ProductoFactory(nombre="Pantalón deportivo talla 12", codigo="PAN-12", codigo_barras="7501234567897")
    ProductoFactory(nombre="Cuaderno de dibujo", codigo="CUA-1", codigo_barras=None)
    for texto in ("pantalon", "PANTALÓN DEP", "pan-12", "7501234567897"):
        html = cliente_consulta.get(URL, {"q": texto}).content.decode()
        assert "PAN-12" in html and "CUA-1" not in html, texto



def test_busqueda_con_error_de_dedo_muestra_los_parecidos(cliente_consulta):
    """"cuadreno" or "playra" in the inventory page finds what the till finds (the catalog-words
    fallback), says they are close matches, and keeps the other filters."""
    papeleria, uniformes = CategoriaFactory(nombre="Papelería"), CategoriaFactory(nombre="Uniformes")
    ProductoFactory(nombre="Cuaderno profesional raya 100 hojas", codigo="CUA-PRO", categoria=papeleria)
    ProductoFactory(nombre="Playera deportiva talla 8", codigo="PLA-8", categoria=uniformes)
    ProductoFactory(nombre="Goma blanca", codigo="GOM-1", categoria=papeleria)
    for texto, codigo in (("cuadreno", "CUA-PRO"), ("profecional cuadreno", "CUA-PRO"), ("playra", "PLA-8")):
        html = cliente_consulta.get(URL, {"q": texto}).content.decode()
        assert codigo in html and "GOM-1" not in html, texto
        assert "Ningún nombre tiene todas las palabras: estos se parecen." in html, texto
    html = cliente_consulta.get(URL, {"q": "cuadreno", "categoria": uniformes.pk}).content.decode()
    assert "CUA-PRO" not in html and "No hay productos con esos filtros." in html
    html = cliente_consulta.get(URL, {"q": "cuaderno"}).content.decode()  # found as typed: no notice
    assert "CUA-PRO" in html and "se parecen" not in html
    html = cliente_consulta.get(URL, {"q": "cuadreno xqzw"}).content.decode()  # nothing close
    assert "CUA-PRO" not in html and "No hay productos con esos filtros." in html

def test_filtro_de_categoria_y_existencia_baja(cliente_consulta, producto_con_existencia):
    uniformes = CategoriaFactory(nombre="Uniformes")
    producto_con_existencia(2, codigo="FAL-8", categoria=uniformes, existencia_minima=5)
    producto_con_existencia(50, codigo="POL-8", categoria=uniformes, existencia_minima=5)
    producto_con_existencia(1, codigo="LAP-1", existencia_minima=5)
    html = cliente_consulta.get(URL, {"categoria": uniformes.pk}).content.decode()
    assert "FAL-8" in html and "POL-8" in html and "LAP-1" not in html
    alertas = [fila for fila in _filas(html) if "FAL-8" in fila]
    assert 'class="alerta"' in html and alertas and "Baja" in alertas[0]
    html = cliente_consulta.get(URL, {"categoria": uniformes.pk, "bajo_minimo": "on"}).content.decode()
    assert "FAL-8" in html and "POL-8" not in html



def test_una_edicion_llena_no_sale_como_existencia_baja(cliente_consulta, producto_con_existencia):
    """A full edition (no free seats) is not a product to restock: neither the filter nor the badge."""
    from cursos.tests.factories import edicion_crear_prueba
    from inventario.models import Producto

    producto_con_existencia(1, codigo="LAP-1", existencia_minima=5)
    llena = edicion_crear_prueba(cupo=1, codigo="MAT-R9")
    Producto.objects.filter(pk=llena.pk).update(existencia=0)  # its one seat sold
    html = cliente_consulta.get(URL, {"bajo_minimo": "on"}).content.decode()
    assert "LAP-1" in html and "MAT-R9" not in html
    fila = [fila for fila in _filas(cliente_consulta.get(URL, {"q": "MAT-R9"}).content.decode()) if "MAT-R9" in fila]
    assert fila and "Baja" not in fila[0]

def test_paginacion_conserva_los_filtros(cliente_consulta):
    for i in range(55):
        ProductoFactory(nombre=f"Lápiz número {i:02d}")
    html = cliente_consulta.get(URL, {"q": "lapiz"}).content.decode()
    assert "Página 1 de 2" in html
    assert "?q=lapiz&amp;page=2" in html
    assert "Lápiz número 54" in cliente_consulta.get(URL, {"q": "lapiz", "page": 2}).content.decode()


def test_sin_estilos_ni_scripts_en_linea(cliente_consulta, producto_con_existencia):
    producto_con_existencia(1)
    html = cliente_consulta.get(URL).content.decode()
    assert "style=" not in html and "<script>" not in html and "onclick" not in html


def test_la_navegacion_muestra_inventario(cliente_cajero):
    html = cliente_cajero.get(reverse("inicio")).content.decode()
    assert 'href="/inventario/"' in html


def test_sin_permiso_no_hay_inventario(client, usuario_con_rol):
    from ventas_ingenio.tests.factories import UsuarioFactory

    client.force_login(UsuarioFactory())
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("cuantos", [3, 60])
def test_consultas_acotadas(cliente_consulta, django_assert_max_num_queries, cuantos, producto_con_existencia):
    categorias = [CategoriaFactory() for _ in range(3)]
    for i in range(cuantos):
        ProductoFactory(categoria=categorias[i % 3])
    with django_assert_max_num_queries(7):
        assert cliente_consulta.get(URL).status_code == 200
    producto = producto_con_existencia(5)
    with django_assert_max_num_queries(7):
        assert cliente_consulta.get(reverse("inventario:producto_movimientos", args=[producto.pk])).status_code == 200


def test_busqueda_por_palabras_en_orden_natural(cliente_consulta):
    for talla in ["12", "4", "10", "6"]:
        ProductoFactory(nombre=f"Falda escolar tableada talla {talla}")
    ProductoFactory(nombre="Falda de mezclilla")
    html = cliente_consulta.get(URL, {"q": "tableada FALDA"}).content.decode()
    filas = [fila for fila in _filas(html) if "Falda" in fila]
    assert [re.search(r"talla (\d+)", fila).group(1) for fila in filas] == ["4", "6", "10", "12"]
