"""The index of whole words (``cat_palabra_producto``, kept by triggers) and the till's fast path
for one word common to many names: real PostgreSQL."""

import importlib

import pytest
from django.db import connections
from django.db.models import Q

from inventario.models import PalabraProducto, Producto
from inventario.selectors import productos_buscar, productos_orden, productos_parecidos, productos_primeros
from inventario.services import MovimientoDatos, existencia_registrar_entrada, existencias_mover
from inventario.tests.factories import ProductoFactory
from ventas.caja.selectors import CAMPOS_CAJA, productos_para_caja
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")

migracion = importlib.import_module("inventario.migrations.0009_palabra_producto")


def _indice() -> set[tuple]:
    return set(PalabraProducto.objects.values_list("palabra", "producto_id", "activo", "nombre_orden"))


def _esperado() -> set[tuple]:
    """What the index must hold: every word of every product's ``producto_palabras``."""
    return {
        (palabra, pk, activo, orden)
        for pk, palabras, activo, orden in Producto.objects.values_list("id", "nombre_palabras", "activo", "nombre_orden")
        for palabra in palabras.split()
    }


def _del_producto(producto) -> set[str]:
    return set(PalabraProducto.objects.filter(producto=producto).values_list("palabra", flat=True))


@pytest.fixture
def playeras():
    """More active products with "playera" as a whole word than the till shows, and everything
    else the order looks at: inactive ones (first in natural order), the word's start
    ("playeras"), a piece of a word ("portaplayera"), an exact code, numbers in natural order."""
    for talla in (10, 4, 12, 6, 8, 14, 16, 2, 3, 5, 7, 9, 11):
        ProductoFactory(nombre=f"Playera deportiva talla {talla}")
    ProductoFactory(nombre="Playera azul talla 1", activo=False)
    ProductoFactory(nombre="Playera azul talla 2", activo=False)
    ProductoFactory(nombre="Playeras surtidas (paquete)")
    ProductoFactory(nombre="Portaplayera de tela")
    ProductoFactory(nombre="Zapato escolar", codigo="PLAYERA")
    ProductoFactory(nombre="Toalla de playa")


def _del_orm(texto: str, limite: int, alternativas: list[str] | None = None) -> list[int]:
    """The general search's answer (the inventory page's ORM query, which a test of
    test_selectors compares with the till's general statement)."""
    if alternativas is None:
        consulta = productos_buscar(texto=texto)
    else:
        consulta = Producto.objects.filter(
            Q(*[Q(nombre_busqueda__contains=a) for a in alternativas], _connector=Q.OR)
        )
    orden = productos_orden(texto=texto, activos_primero=True)
    return list(consulta.order_by(*orden).values_list("id", flat=True)[:limite])


@pytest.mark.parametrize("limite", [3, 11, 13, 14, 20])
def test_una_palabra_comun_da_lo_mismo_que_la_busqueda_general(playeras, limite):
    # 13 active whole-word matches: the index answers up to 13, the general search above.
    for _ in range(2):  # a prepared statement switches to its generic plan after five executions
        for texto in ("playera", "PLAYERA", "Playera", "deportiva", "talla", "10", "playa", "playeras", "escolar"):
            encontrados = productos_primeros(texto=texto, limite=limite, campos=CAMPOS_CAJA, activos_primero=True)
            assert [p.pk for p in encontrados] == _del_orm(texto, limite), (texto, limite)


def test_la_caja_muestra_el_codigo_exacto_y_las_primeras_en_orden_natural(playeras):
    encontrados = productos_para_caja(texto="playera", limite=10)
    assert encontrados.hay_mas
    assert [p.nombre for p in encontrados] == ["Zapato escolar"] + [
        f"Playera deportiva talla {talla}" for talla in (2, 3, 4, 5, 6, 7, 8, 9, 10)
    ]


def test_el_indice_decide_solo_cuando_alcanza(playeras):
    """The fast path is the one answering (a wrong order copied into the index shows), and only
    when the index has at least ``limite`` active matches."""
    primera = Producto.objects.get(nombre="Playera deportiva talla 2")
    PalabraProducto.objects.filter(producto=primera).update(nombre_orden="zzz")
    assert "Playera deportiva talla 2" not in [p.nombre for p in productos_para_caja(texto="playera", limite=10)]
    # 13 active matches: with 14 asked for, the general search answers, from the product's own columns.
    encontrados = productos_primeros(texto="playera", limite=14, campos=CAMPOS_CAJA, activos_primero=True)
    assert [p.pk for p in encontrados] == _del_orm("playera", 14)
    assert encontrados[1].nombre == "Playera deportiva talla 2"


def test_una_palabra_con_error_de_dedo_da_lo_mismo_que_la_busqueda_general(playeras):
    for limite in (3, 11, 20):
        encontrados = productos_parecidos(texto="playra", limite=limite, campos=CAMPOS_CAJA, activos_primero=True)
        assert [p.pk for p in encontrados] == _del_orm("playera", limite, ["playera", "playa"]), limite
    encontrados = productos_para_caja(texto="playra", limite=10)
    assert encontrados.parecidos and encontrados.hay_mas
    assert [p.nombre for p in encontrados] == [f"Playera deportiva talla {t}" for t in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11)]


def test_consultas_de_una_palabra_comun(playeras, django_assert_num_queries, django_assert_max_num_queries):
    negocio = connections[DB_NEGOCIO]
    for _ in range(7):  # the same count once the statement is prepared and planned generically
        with django_assert_num_queries(1, connection=negocio):
            assert productos_para_caja(texto="playera").hay_mas
        with django_assert_num_queries(1, connection=negocio):
            assert productos_para_caja(texto="tela").hay_mas is False  # one match: the general search
        with django_assert_max_num_queries(3, connection=negocio):
            assert productos_para_caja(texto="playra").hay_mas


def test_un_producto_nuevo_y_varios_en_una_sentencia_entran_al_indice():
    producto = ProductoFactory(nombre="Engrapadora METÁLICA Nº 2 (26/6)")
    assert _del_producto(producto) == {"engrapadora", "metalica", "no", "2", "26", "6"}  # unaccent: Nº is "no"
    Producto.objects.bulk_create([
        Producto(codigo="B-1", nombre="Sacapuntas doble doble", precio=10),
        Producto(codigo="B-2", nombre="Transportador escolar", precio=12, activo=False),
        Producto(codigo="B-3", nombre="¿¡?!", precio=12),
    ])
    assert _indice() == _esperado()
    assert ("doble", Producto.objects.get(codigo="B-1").pk, True, "sacapuntas doble doble") in _indice()
    assert not PalabraProducto.objects.filter(producto__codigo="B-3").exists()


@pytest.mark.parametrize("como", ["save", "update"])
def test_renombrar_y_desactivar_cambian_el_indice(como):
    producto = ProductoFactory(nombre="Goma blanca talla 4")
    otro = ProductoFactory(nombre="Goma negra")

    def cambiar(**valores):
        if como == "save":
            for campo, valor in valores.items():
                setattr(producto, campo, valor)
            producto.save()
        else:
            Producto.objects.filter(pk=producto.pk).update(**valores)

    cambiar(nombre="Borrador migajón talla 10")
    assert _del_producto(producto) == {"borrador", "migajon", "talla", "10"}
    assert _indice() == _esperado()
    assert PalabraProducto.objects.get(producto=producto, palabra="10").nombre_orden == "borrador migajon talla 0000000010"
    cambiar(activo=False)
    assert set(PalabraProducto.objects.filter(producto=producto).values_list("activo", flat=True)) == {False}
    cambiar(activo=True, nombre="Borrador")
    assert _indice() == _esperado()
    assert _del_producto(otro) == {"goma", "negra"}


def test_borrar_un_producto_borra_sus_palabras():
    producto, otro, tercero = ProductoFactory(nombre="Regla 30 cm"), ProductoFactory(nombre="Regla 15 cm"), ProductoFactory()
    producto.delete()
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute("DELETE FROM cat_producto WHERE id_producto = %s", [otro.pk])
    assert set(PalabraProducto.objects.values_list("producto_id", flat=True)) == {tercero.pk}
    assert _indice() == _esperado()


def test_mover_existencias_no_toca_el_indice(django_assert_num_queries):
    producto = ProductoFactory(nombre="Regla de aluminio")
    PalabraProducto.objects.all().delete()
    existencia_registrar_entrada(producto_id=producto.pk, cantidad=5, usuario=None)
    existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-2, id_venta=1)])
    Producto.objects.filter(pk=producto.pk).update(existencia_minima=1, precio=3)
    producto.refresh_from_db()
    producto.save()  # every column, the same name and activo
    assert producto.existencia == 3 and _indice() == set()


def test_la_migracion_llena_el_indice_con_los_productos_que_ya_habia():
    ProductoFactory(nombre="Compás de precisión")
    ProductoFactory(nombre="Cinta adhesiva 12 mm", activo=False)
    PalabraProducto.objects.all().delete()
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute(migracion.LLENAR)
    assert {"compas", "precision", "cinta", "12", "mm"} <= {palabra for palabra, *_ in _indice()}
    assert _indice() == _esperado()
