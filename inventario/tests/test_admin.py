from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from inventario.models import Producto
from inventario.selectors import inventario_descuadres
from inventario.services import MovimientoDatos, existencias_mover
from inventario.tests.factories import CategoriaFactory, ProductoFactory, ean13

pytestmark = pytest.mark.django_db(databases="__all__")


def _datos_producto(**cambios):
    datos = {
        "codigo": "CUAD-100",
        "codigo_barras": ean13(4242),
        "nombre": "Cuaderno profesional cuadro chico",
        "descripcion": "",
        "categoria": "",
        "precio": "45.50",
        "tasa_iva": "0.16",
        "existencia_minima": "10",
        "activo": "on",
        # the read-only movements inline still posts its management form
        "movimientos-TOTAL_FORMS": "0",
        "movimientos-INITIAL_FORMS": "0",
        "movimientos-MIN_NUM_FORMS": "0",
        "movimientos-MAX_NUM_FORMS": "1000",
    }
    datos.update(cambios)
    return datos


def _errores(respuesta):
    return respuesta.content.decode()


def test_gerente_crea_producto_sin_tocar_existencia(cliente_gerente):
    respuesta = cliente_gerente.post(reverse("admin:inventario_producto_add"), _datos_producto(codigo=" cuad-100 ", existencia="99"))
    assert respuesta.status_code == 302, _errores(respuesta)[:3000]
    producto = Producto.objects.get()
    assert producto.codigo == "CUAD-100"
    assert producto.existencia == 0  # not editable from the form
    assert producto.precio == Decimal("45.50")


def test_upc_a_se_guarda_como_ean13(cliente_gerente):
    upc = ean13(123, prefijo="0")[1:]  # 12 digits
    respuesta = cliente_gerente.post(reverse("admin:inventario_producto_add"), _datos_producto(codigo_barras=upc))
    assert respuesta.status_code == 302
    assert Producto.objects.get().codigo_barras == "0" + upc


@pytest.mark.parametrize(
    "cambios,mensaje",
    [
        ({"precio": "-1"}, "El precio no puede ser negativo."),
        ({"precio": "doce"}, "Escribe el precio como número, por ejemplo 125.50."),
        ({"precio": "10.555"}, "El precio admite como máximo 2 decimales."),
        ({"codigo_barras": "7501234567891"}, "el dígito verificador debería ser"),
        ({"codigo_barras": "75012"}, "El código de barras debe tener 13 dígitos (EAN-13) o 12 (UPC-A)."),
        ({"codigo_barras": "²" * 13}, "El código de barras debe tener 13 dígitos (EAN-13) o 12 (UPC-A)."),
        ({"codigo_barras": "٧٥٠١٢٣٤٥٦٧٨٩٠"}, "El código de barras debe tener 13 dígitos (EAN-13) o 12 (UPC-A)."),
    ],
)
def test_datos_malos_del_producto(cliente_gerente, cambios, mensaje):
    respuesta = cliente_gerente.post(reverse("admin:inventario_producto_add"), _datos_producto(**cambios))
    assert respuesta.status_code == 200
    assert mensaje in _errores(respuesta)
    assert not Producto.objects.exists()


@pytest.mark.parametrize(
    "cambios,mensaje",
    [
        ({"codigo": "cuad-100", "codigo_barras": ""}, "Ya existe un producto con este código."),
        ({"codigo": "OTRO-1"}, "Ya existe un producto con este código de barras."),
    ],
)
def test_codigo_o_codigo_de_barras_duplicado(cliente_gerente, cambios, mensaje):
    ProductoFactory(codigo="CUAD-100", codigo_barras=ean13(4242))
    respuesta = cliente_gerente.post(reverse("admin:inventario_producto_add"), _datos_producto(**cambios))
    assert respuesta.status_code == 200
    assert mensaje in _errores(respuesta)
    assert Producto.objects.count() == 1


def test_precio_editable_desde_la_lista_con_mensajes_en_espanol(cliente_gerente):
    producto = ProductoFactory(precio=Decimal("10.00"))
    url = reverse("admin:inventario_producto_changelist")
    base = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0", "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(producto.pk), "_save": "Guardar"}
    respuesta = cliente_gerente.post(url, {**base, "form-0-precio": "12.345"})
    assert "El precio admite como máximo 2 decimales." in _errores(respuesta)
    producto.refresh_from_db()
    assert producto.precio == Decimal("10.00")
    respuesta = cliente_gerente.post(url, {**base, "form-0-precio": "12.50"})
    assert respuesta.status_code == 302
    producto.refresh_from_db()
    assert producto.precio == Decimal("12.50")


def test_registrar_entrada_desde_el_admin(cliente_gerente, gerente):
    producto = ProductoFactory()
    url = reverse("admin:inventario_producto_entrada", args=[producto.pk])
    assert "Cantidad recibida" in cliente_gerente.get(url).content.decode()
    respuesta = cliente_gerente.post(url, {"cantidad": "36", "nota": "Proveedor: Papelera del Bajío"})
    assert respuesta.status_code == 302
    producto.refresh_from_db()
    assert producto.existencia == 36
    movimiento = producto.movimientos.get()
    assert (movimiento.tipo, movimiento.id_usuario, movimiento.motivo) == ("entrada", gerente.pk, "Proveedor: Papelera del Bajío")
    # the change history (LogEntry, auth database) records it and the history page shows it
    entrada = LogEntry.objects.get(object_id=str(producto.pk))
    assert entrada._state.db == "auth"
    historial = cliente_gerente.get(reverse("admin:inventario_producto_history", args=[producto.pk])).content.decode()
    assert "Entrada registrada: +36" in historial


@pytest.mark.parametrize("cantidad", ["0", "-5"])
def test_entrada_de_cero_o_negativa(cliente_gerente, cantidad):
    producto = ProductoFactory()
    respuesta = cliente_gerente.post(reverse("admin:inventario_producto_entrada", args=[producto.pk]), {"cantidad": cantidad})
    assert respuesta.status_code == 200
    assert "La cantidad recibida debe ser mayor que cero." in respuesta.content.decode()
    assert not producto.movimientos.exists()
    assert not LogEntry.objects.exists()


def test_ajustar_existencia_desde_el_admin(cliente_gerente, producto_con_existencia):
    producto = producto_con_existencia(10)
    url = reverse("admin:inventario_producto_ajuste", args=[producto.pk])
    formulario = cliente_gerente.get(url).content.decode()
    assert 'name="existencia_anterior" value="10"' in formulario
    respuesta = cliente_gerente.post(url, {"existencia_nueva": "8", "motivo": "Conteo de fin de mes", "existencia_anterior": "10"})
    assert respuesta.status_code == 302
    producto.refresh_from_db()
    assert producto.existencia == 8
    assert producto.movimientos.filter(tipo="ajuste", cantidad=-2).exists()
    assert inventario_descuadres() == []


@pytest.mark.parametrize(
    "datos,mensaje",
    [
        ({"existencia_nueva": "-1", "motivo": "Conteo"}, "La existencia contada no puede ser menor que cero."),
        ({"existencia_nueva": "4", "motivo": ""}, "Escribe el motivo del ajuste."),
        ({"existencia_nueva": "10", "motivo": "Conteo"}, "La existencia ya es 10: no hay nada que ajustar."),
    ],
)
def test_ajustes_invalidos(cliente_gerente, producto_con_existencia, datos, mensaje):
    producto = producto_con_existencia(10)
    respuesta = cliente_gerente.post(
        reverse("admin:inventario_producto_ajuste", args=[producto.pk]), {**datos, "existencia_anterior": "10"}
    )
    assert respuesta.status_code == 200
    assert mensaje in respuesta.content.decode()
    producto.refresh_from_db()
    assert producto.existencia == 10 and producto.movimientos.count() == 1


def test_ajuste_con_formulario_abierto_mientras_se_vendio(cliente_gerente, producto_con_existencia, cajero):
    producto = producto_con_existencia(10, nombre="Playera polo talla 8")
    url = reverse("admin:inventario_producto_ajuste", args=[producto.pk])
    assert 'value="10"' in cliente_gerente.get(url).content.decode()  # the form opens with 10
    existencias_mover(movimientos=[MovimientoDatos(producto_id=producto.pk, tipo="venta", cantidad=-4, id_venta=1)], usuario=cajero)
    respuesta = cliente_gerente.post(url, {"existencia_nueva": "9", "motivo": "Conteo", "existencia_anterior": "10"})
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert "La existencia de Playera polo talla 8 cambió de 10 a 6" in html
    assert 'name="existencia_anterior" value="6"' in html  # the form now carries the real stock
    producto.refresh_from_db()
    assert producto.existencia == 6
    assert not producto.movimientos.filter(tipo="ajuste").exists()
    assert not LogEntry.objects.exists()


def test_historial_de_cambios_del_producto(cliente_gerente):
    producto = ProductoFactory(codigo="LAP-1", codigo_barras=None, precio=Decimal("8.00"))
    url = reverse("admin:inventario_producto_change", args=[producto.pk])
    respuesta = cliente_gerente.post(url, _datos_producto(codigo="LAP-1", codigo_barras="", nombre="Lápiz HB", precio="9.50"))
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    historial = cliente_gerente.get(reverse("admin:inventario_producto_history", args=[producto.pk]))
    assert historial.status_code == 200
    assert "Gabriela" in historial.content.decode() or "gerente1" in historial.content.decode()
    assert LogEntry.objects.using("auth").filter(object_id=str(producto.pk)).count() == 1


def test_producto_con_movimientos_no_se_borra(cliente_gerente, producto_con_existencia):
    producto = producto_con_existencia(3)
    respuesta = cliente_gerente.get(reverse("admin:inventario_producto_delete", args=[producto.pk]))
    assert respuesta.status_code == 403
    assert Producto.objects.filter(pk=producto.pk).exists()


def test_movimientos_solo_lectura_y_filtrables(cliente_gerente, producto_con_existencia):
    producto = producto_con_existencia(3)
    otro = producto_con_existencia(5)
    url = reverse("admin:inventario_movimientoinventario_changelist")
    html = cliente_gerente.get(url, {"producto__exact": producto.pk, "tipo": "entrada"}).content.decode()
    assert producto.codigo in html and otro.codigo not in html
    movimiento = producto.movimientos.get()
    cambio = cliente_gerente.post(reverse("admin:inventario_movimientoinventario_change", args=[movimiento.pk]), {"cantidad": "99"})
    assert cambio.status_code == 403
    assert cliente_gerente.get(reverse("admin:inventario_movimientoinventario_add")).status_code == 403


def test_busqueda_y_filtros_del_admin(cliente_gerente):
    categoria = CategoriaFactory(nombre="Uniformes")
    ProductoFactory(nombre="Suéter escolar talla 10", codigo="SUE-10", categoria=categoria)
    ProductoFactory(nombre="Lápiz bicolor", codigo="LAP-2")
    url = reverse("admin:inventario_producto_changelist")
    html = cliente_gerente.get(url, {"q": "sueter"}).content.decode()
    assert "SUE-10" in html and "LAP-2" not in html
    assert "LAP-2" in cliente_gerente.get(url, {"q": "lap-2"}).content.decode()
    html = cliente_gerente.get(url, {"existencia_baja": "si", "categoria__id__exact": categoria.pk}).content.decode()
    assert "SUE-10" in html and "LAP-2" not in html


def test_cajero_y_consulta_no_llegan_al_catalogo_del_admin(cliente_cajero, client, consulta):
    producto = ProductoFactory()
    for url in (
        reverse("admin:inventario_producto_changelist"),
        reverse("admin:inventario_producto_entrada", args=[producto.pk]),
        reverse("admin:inventario_producto_ajuste", args=[producto.pk]),
    ):
        respuesta = cliente_cajero.post(url, {"cantidad": "5"})
        assert respuesta.status_code == 302 and respuesta["Location"].startswith(reverse("admin:login"))
    assert not producto.movimientos.exists()


@pytest.mark.parametrize("cuantos", [5, 60])
def test_lista_del_admin_con_consultas_acotadas(cliente_gerente, django_assert_max_num_queries, cuantos):
    categorias = [CategoriaFactory() for _ in range(3)]
    for i in range(cuantos):
        ProductoFactory(categoria=categorias[i % 3])
    with django_assert_max_num_queries(10):
        respuesta = cliente_gerente.get(reverse("admin:inventario_producto_changelist"))
    assert respuesta.status_code == 200
