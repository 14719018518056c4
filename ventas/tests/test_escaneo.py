"""A scan at the till (``ventas.caja.escaneo``): the product found and added in one statement,
the checks in its WHERE, and scans of one cart at the same instant applied one after another."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inventario.models import Producto
from ventas.caja.escaneo import carrito_escanear
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar
from ventas.exceptions import CantidadNoValida, ProductoNoVendible
from ventas.models import Carrito, CarritoLinea
from ventas.politica import CANTIDAD_MAXIMA
from ventas.tests.factories import producto_con_existencia
from ventas_ingenio.tests.hilos import en_paralelo

D = Decimal
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.mark.django_db(databases="__all__")
class TestUnEscaneo:
    def test_el_primer_escaneo_crea_el_carrito_y_los_siguientes_suman(self, cajero):
        producto = producto_con_existencia(5, nombre="Cuaderno", precio=D("58.00"))
        primero = carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        assert primero.linea_nueva and primero.huella_antes == ""
        segundo = carrito_escanear(cajero=cajero, texto=producto.codigo.lower())  # the code, any case
        assert not segundo.linea_nueva and segundo.linea.pk == primero.linea.pk
        carrito = Carrito.objects.get()
        assert carrito.id_cajero == cajero.pk and carrito.estado == "activo"
        # Read as the ORM reads it: the key is a UUID, the same one the checkout will compare.
        assert segundo.carrito.clave_cobro == carrito.clave_cobro and segundo.carrito.pk == carrito.pk
        linea = CarritoLinea.objects.get()
        assert (linea.cantidad, linea.precio_visto, linea.descuento) == (2, D("58.00"), D("0.00"))
        assert [x.cantidad for x in segundo.lineas] == [2] and segundo.lineas[0].producto.nombre == "Cuaderno"

    def test_la_huella_de_antes_es_la_que_mostraba_la_pagina(self, cajero):
        a, b = producto_con_existencia(5), producto_con_existencia(5)
        carrito_agregar(cajero=cajero, producto_id=a.pk)
        for producto in (b, b, a):
            antes = carrito_de_cajero(cajero=cajero).huella
            escaneo = carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
            assert escaneo.huella_antes == antes
        assert [(x.producto_id, x.cantidad) for x in escaneo.lineas] == [(a.pk, 2), (b.pk, 2)]

    def test_codigo_desconocido_no_escribe_nada(self, cajero):
        for texto in ("750123", "", "   ", "²", "1" * 40):
            assert carrito_escanear(cajero=cajero, texto=texto) is None
        assert not Carrito.objects.exists()

    def test_no_pasa_de_la_existencia(self, cajero):
        producto = producto_con_existencia(2, nombre="Regla")
        carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        with pytest.raises(ProductoNoVendible, match=r"^Existencia insuficiente: Regla \(quedan 2\)$"):
            carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        assert CarritoLinea.objects.get().cantidad == 2

    def test_sin_existencia_ni_empieza_la_linea(self, cajero):
        producto = producto_con_existencia(0, nombre="Compás")
        with pytest.raises(ProductoNoVendible, match="^Compás no tiene existencia.$"):
            carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        assert not CarritoLinea.objects.exists() and not Carrito.objects.exists()  # no empty cart left

    def test_dado_de_baja_no_se_vende_ni_abre_carrito(self, cajero):
        producto = producto_con_existencia(5, nombre="Transportador")
        Producto.objects.filter(pk=producto.pk).update(activo=False)
        with pytest.raises(ProductoNoVendible, match="^Transportador está dado de baja: no se puede vender.$"):
            carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        assert not Carrito.objects.exists() and not CarritoLinea.objects.exists()

    def test_no_pasa_de_la_cantidad_maxima(self, cajero):
        producto = producto_con_existencia(CANTIDAD_MAXIMA + 5)
        carrito_escanear(cajero=cajero, texto=producto.codigo_barras, cantidad=CANTIDAD_MAXIMA)
        with pytest.raises(CantidadNoValida, match=f"entre 1 y {CANTIDAD_MAXIMA}"):
            carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        assert CarritoLinea.objects.get().cantidad == CANTIDAD_MAXIMA

    def test_el_precio_visto_se_pone_al_dia(self, cajero):
        producto = producto_con_existencia(5, precio=D("10.00"))
        carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        Producto.objects.filter(pk=producto.pk).update(precio=D("12.00"))
        escaneo = carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        assert escaneo.linea.precio_visto == D("12.00") and CarritoLinea.objects.get().precio_visto == D("12.00")

    def test_consultas_del_escaneo(self, cajero, django_assert_num_queries):
        """The write and the read of the lines, the same for a new cart, a new line and one
        already there."""
        a, b = producto_con_existencia(5), producto_con_existencia(5)
        for producto in (a, b, b):
            with django_assert_num_queries(2):
                carrito_escanear(cajero=cajero, texto=producto.codigo_barras)


@pytest.mark.django_db(databases="__all__")
def test_escaneos_hostiles_por_la_caja(cliente_cajero, cajero, turno_para):
    """What a scanner or a keyboard may send: never a 500, nothing written."""
    turno_para(cajero)
    for texto in ("²³", "1" * 31, "9" * 200, "' OR 1=1 --", "%", "\\", "código ñ"):
        respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": texto}, **FETCH)
        assert respuesta.status_code in (200, 400), (texto, respuesta.status_code)
    assert not CarritoLinea.objects.exists()


@pytest.mark.django_db(transaction=True, databases="__all__")
class TestEscaneosALaVez:
    """Two tabs (or a scanner and a tab) of one cashier scanning at the same instant."""

    def test_el_mismo_producto_nunca_pasa_de_la_existencia(self, cajero):
        producto = producto_con_existencia(5, nombre="Goma")
        carrito_escanear(cajero=cajero, texto=producto.codigo_barras)
        resultados = en_paralelo([lambda: carrito_escanear(cajero=cajero, texto=producto.codigo_barras)] * 8)
        rechazos = [r for r in resultados if isinstance(r, ProductoNoVendible)]
        assert len(rechazos) == 4, resultados
        assert {str(r) for r in rechazos} == {"Existencia insuficiente: Goma (quedan 5)"}
        assert CarritoLinea.objects.get().cantidad == 5

    def test_productos_distintos_en_un_carrito_nuevo_no_se_pierden(self, cajero):
        productos = [producto_con_existencia(5) for _ in range(8)]
        resultados = en_paralelo([lambda p=p: carrito_escanear(cajero=cajero, texto=p.codigo_barras) for p in productos])
        assert not [r for r in resultados if isinstance(r, Exception)], resultados
        assert Carrito.objects.count() == 1  # created once, whoever got there first
        assert sorted(CarritoLinea.objects.values_list("producto_id", flat=True)) == [p.pk for p in productos]
        assert {r.carrito.pk for r in resultados} == {Carrito.objects.get().pk}
