"""The product search by words: real PostgreSQL (pg_trgm, unaccent, generated columns)."""

import pytest
from django.db import connections

from inventario.models import Producto
from inventario.selectors import (
    productos_buscar,
    productos_filtrar,
    productos_ordenar,
    productos_parecidos,
    productos_primeros,
)
from inventario.tests.factories import ProductoFactory
from ventas.caja.selectors import CAMPOS_CAJA, productos_para_caja
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")


def _nombres(productos):
    return [p.nombre for p in productos]


@pytest.fixture
def catalogo():
    nombres = [
        "Calcetas blancas (paquete de 3) talla 10",
        "Calcetas blancas (paquete de 3) talla 4",
        "Colores de madera (caja con 12)",
        "Colores de madera (caja con 24)",
        "Lápiz de grafito HB No. 2",
        "Lápices HB (caja con 12)",
        "Libro de Inglés 2° de primaria",
        "Cuaderno profesional raya 100 hojas",
        "Pantalón escolar azul marino talla 12",
    ]
    return {nombre: ProductoFactory(nombre=nombre) for nombre in nombres}


@pytest.mark.parametrize(
    "texto,esperados",
    [
        ("calcetas 10", ["Calcetas blancas (paquete de 3) talla 10"]),
        ("10 CALCETAS", ["Calcetas blancas (paquete de 3) talla 10"]),
        ("colores 24", ["Colores de madera (caja con 24)"]),
        ("24 colores", ["Colores de madera (caja con 24)"]),
        ("LÁPIZ", ["Lápiz de grafito HB No. 2"]),
        ("lapiz hb", ["Lápiz de grafito HB No. 2"]),
        ("ingles libro", ["Libro de Inglés 2° de primaria"]),
        ("  pantalon   MARINO  ", ["Pantalón escolar azul marino talla 12"]),
        ("caja 12", ["Colores de madera (caja con 12)", "Lápices HB (caja con 12)"]),
    ],
)
def test_cada_palabra_en_cualquier_orden_sin_acentos(catalogo, texto, esperados):
    assert sorted(_nombres(productos_buscar(texto=texto))) == sorted(esperados)
    assert sorted(_nombres(productos_filtrar(texto=texto))) == sorted(esperados)


def test_una_palabra_que_falta_no_encuentra_nada(catalogo):
    assert not productos_buscar(texto="calcetas 36").exists()


def test_codigo_y_codigo_de_barras_exactos(catalogo):
    producto = ProductoFactory(nombre="Goma blanca", codigo="GOM-BCA", codigo_barras="7501234567897")
    assert list(productos_buscar(texto="gom-bca")) == [producto]
    assert list(productos_buscar(texto="7501234567897")) == [producto]
    assert not productos_buscar(texto="750123456789").exists()  # a barcode only matches whole


def test_el_codigo_exacto_va_primero(catalogo):
    ProductoFactory(nombre="Goma para borrar talla 24", codigo="X-1")
    exacto = ProductoFactory(nombre="Zapato", codigo="24")
    assert productos_para_caja(texto="24")[0] == exacto
    assert productos_filtrar(texto="24")[0] == exacto


def test_tallas_y_numeros_en_orden_natural():
    for talla in ["12", "4", "10", "CH", "8", "6", "16"]:
        ProductoFactory(nombre=f"Playera deportiva talla {talla}")
    esperado = [f"Playera deportiva talla {t}" for t in ["4", "6", "8", "10", "12", "16", "CH"]]
    assert _nombres(productos_para_caja(texto="playera talla")) == esperado
    assert _nombres(productos_filtrar(texto="playera")) == esperado
    assert _nombres(productos_filtrar()) == esperado  # the list without a search too


def test_palabras_completas_antes_que_pedazos():
    # "10" is a whole word in the first, the start of one in the second, inside one in the third.
    ProductoFactory(nombre="Calcetas talla 4 (modelo 210)")
    ProductoFactory(nombre="Calcetas talla 4 (modelo 1005)")
    ProductoFactory(nombre="Calcetas talla 10")
    assert _nombres(productos_para_caja(texto="calcetas 10")) == [
        "Calcetas talla 10", "Calcetas talla 4 (modelo 1005)", "Calcetas talla 4 (modelo 210)",
    ]


def test_activos_primero_en_la_caja():
    ProductoFactory(nombre="Regla 30 cm A", activo=False)
    ProductoFactory(nombre="Regla 30 cm B")
    assert _nombres(productos_para_caja(texto="regla")) == ["Regla 30 cm B", "Regla 30 cm A"]


def test_aviso_de_que_hay_mas_resultados():
    for numero in range(12):
        ProductoFactory(nombre=f"Cuaderno modelo {numero}")
    encontrados = productos_para_caja(texto="cuaderno", limite=10)
    assert len(encontrados) == 10 and encontrados.hay_mas and not encontrados.parecidos
    # the first ten in natural order, always the same ones
    assert _nombres(encontrados) == [f"Cuaderno modelo {n}" for n in range(10)]
    justos = productos_para_caja(texto="cuaderno", limite=12)
    assert len(justos) == 12 and not justos.hay_mas


def test_error_de_dedo_encuentra_lo_parecido(catalogo):
    assert not productos_buscar(texto="cuadreno").exists()
    encontrados = productos_para_caja(texto="cuadreno")
    assert _nombres(encontrados) == ["Cuaderno profesional raya 100 hojas"] and encontrados.parecidos
    assert _nombres(productos_para_caja(texto="cuadreno profecional")) == ["Cuaderno profesional raya 100 hojas"]
    assert _nombres(productos_para_caja(texto="pantlaon"))[0] == "Pantalón escolar azul marino talla 12"
    # nothing alike, nothing shown
    assert list(productos_para_caja(texto="xqzw")) == []


def test_lo_mas_parecido_primero():
    ProductoFactory(nombre="Cuadro de corcho")
    ProductoFactory(nombre="Cuaderno italiano")
    assert _nombres(productos_parecidos(texto="cuadernos", limite=5))[0] == "Cuaderno italiano"


def test_el_respaldo_no_depende_de_los_umbrales_de_la_sesion():
    from django.db import connections

    ProductoFactory(nombre="Cuaderno italiano")
    with connections["default"].cursor() as cursor:
        # What a pooled connection could carry: the fallback states its threshold in the query.
        cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', '0.99', true), "
                       "set_config('pg_trgm.word_similarity_threshold', '0.99', true)")
    assert _nombres(productos_parecidos(texto="cuadreno", limite=5)) == ["Cuaderno italiano"]


@pytest.mark.parametrize(
    "texto",
    [
        "%", "_", "\\", "%%", "a%b", "_a_", "50%", "\\%", "'", "''", "\"",
        "'; DROP TABLE cat_producto; --", "1' OR '1'='1", "cuaderno\x00", "\x00", "ab\x00cd",
        "x" * 10_000, "cuaderno " * 500, "ñ" * 300, "🙂 cuaderno", "\t\n", "( ) [ ] * + ? { } ^ $ |",
    ],
)
def test_texto_hostil_no_rompe_la_busqueda(catalogo, texto):
    ProductoFactory(nombre="Leche 2% grasa_light")
    encontrados = list(productos_buscar(texto=texto))
    assert all(isinstance(p, Producto) for p in encontrados)
    list(productos_filtrar(texto=texto)[:50])
    caja = productos_para_caja(texto=texto)
    assert len(caja) <= 10
    list(productos_parecidos(texto=texto, limite=10))
    assert Producto.objects.count() == len(catalogo) + 1


def test_comodines_se_buscan_como_texto():
    leche = ProductoFactory(nombre="Leche 2% grasa_light")
    ProductoFactory(nombre="Leche entera 1 L")
    ProductoFactory(nombre="Grasa para calzado")
    assert list(productos_buscar(texto="2%")) == [leche]
    assert list(productos_buscar(texto="a_l")) == [leche]
    assert not productos_buscar(texto="%%").exists()
    assert not productos_buscar(texto="e_e").exists()  # "_" is not "any character"


@pytest.fixture
def catalogo_variado():
    """Names where every part of the order decides something: exact codes, inactive products,
    whole words, starts of words and pieces of words, natural order of numbers, wildcards."""
    nombres = [
        "Playera deportiva talla 10", "Playera deportiva talla 4", "Playera polo talla 12",
        "Playeras surtidas (paquete)", "Portaplayera de tela", "Calcetas talla 10", "Calcetas talla 4 (modelo 1005)",
        "Calcetas talla 4 (modelo 210)", "Colores de madera (caja con 24)", "Lápiz HB No. 2", "Lápices HB (caja con 12)",
        "Leche 2% grasa_light", "Libro de Inglés 1° de primaria", "Inglés para niños libro 2",
    ]
    productos = [ProductoFactory(nombre=nombre) for nombre in nombres]
    ProductoFactory(nombre="Playera de algodón talla 6", activo=False)
    ProductoFactory(nombre="Calcetas talla 10 descontinuadas", activo=False)
    ProductoFactory(nombre="Zapato escolar", codigo="PLAYERA")
    ProductoFactory(nombre="Calcetas escolares talla 10", codigo="CALCETAS 10")  # exact and by words
    ProductoFactory(nombre="Goma", codigo="G-1", codigo_barras="7501234567897")
    return productos


TEXTOS_VARIADOS = [
    "playera", "PLAYERA", "playera talla", "talla playera", "play", "pl", "calcetas 10", "10 calcetas", "10",
    "24 colores", "lapiz hb", "hb", "2%", "a_l", "libro ingles", "ingles libro", "7501234567897", "g-1", "xqzw",
    "a", "%%",
]


@pytest.mark.parametrize("limite", [3, 11])
def test_la_caja_ordena_como_la_busqueda_del_orm(catalogo_variado, limite):
    """The till's hand-written statement (``productos_primeros``) gives the rows and the order of
    the ORM's ``productos_ordenar(productos_buscar(...))``, which the inventory page uses."""
    # Twice over: a prepared statement switches to its generic plan after five executions.
    for _ in range(2):
        for texto in TEXTOS_VARIADOS:
            esperados = list(productos_ordenar(productos_buscar(texto=texto), texto=texto, activos_primero=True)
                             .values_list("id", flat=True)[:limite])
            encontrados = productos_primeros(texto=texto, limite=limite, campos=CAMPOS_CAJA, activos_primero=True)
            assert [p.pk for p in encontrados] == esperados, texto


def test_la_caja_carga_solo_sus_campos(catalogo_variado):
    producto = productos_primeros(texto="playera polo", limite=5, campos=CAMPOS_CAJA)[0]
    assert producto.nombre == "Playera polo talla 12" and producto.precio == Producto.objects.get(pk=producto.pk).precio
    assert producto.get_deferred_fields() == {
        f.attname for f in Producto._meta.concrete_fields if f.name not in CAMPOS_CAJA
    }


def test_consultas_de_una_busqueda(catalogo_variado, django_assert_num_queries):
    negocio = connections[DB_NEGOCIO]
    for _ in range(7):  # the same count once the statement is prepared and planned generically
        with django_assert_num_queries(1, connection=negocio):
            assert productos_para_caja(texto="playera").hay_mas is False
        with django_assert_num_queries(1, connection=negocio):
            assert productos_para_caja(texto="pl")  # no trigram: planned with its values
