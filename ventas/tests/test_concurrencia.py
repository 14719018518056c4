"""Real concurrency against PostgreSQL: threads, each with its own connection."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from inventario.exceptions import ExistenciaInsuficiente
from inventario.models import MovimientoInventario
from inventario.selectors import inventario_descuadres
from ventas.caja.cobro import venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar
from ventas.models import Venta
from ventas_ingenio.tests.hilos import en_paralelo

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")




def _cobro(cajero):
    vista = carrito_de_cajero(cajero=cajero)
    clave, huella = vista.carrito.clave_cobro, vista.huella
    return lambda: venta_confirmar(
        cajero=cajero, clave_cobro=clave, huella=huella, pagos=[], efectivo_recibido=Decimal("100000")
    )


def test_veinte_cajeros_cinco_unidades(usuario_con_rol, producto_con_existencia, turno_para):
    producto = producto_con_existencia(5, nombre="Calculadora científica")
    cajeros = [usuario_con_rol("Cajero", username=f"caja{i}") for i in range(20)]
    for cajero in cajeros:
        turno_para(cajero)
        carrito_agregar(cajero=cajero, producto_id=producto.pk)

    resultados = en_paralelo([_cobro(c) for c in cajeros])

    ventas = [r for r in resultados if isinstance(r, tuple)]
    rechazos = [r for r in resultados if isinstance(r, ExistenciaInsuficiente)]
    assert len(ventas) == 5, resultados
    assert len(rechazos) == 15, resultados
    assert all(str(r) == "Existencia insuficiente: Calculadora científica (quedan 0)" for r in rechazos)
    producto.refresh_from_db()
    assert producto.existencia == 0
    assert Venta.objects.count() == 5
    assert MovimientoInventario.objects.filter(producto=producto, tipo="venta").count() == 5
    assert inventario_descuadres() == []


def test_carritos_con_lineas_en_orden_opuesto_no_se_bloquean(usuario_con_rol, producto_con_existencia, turno_para):
    a = producto_con_existencia(100, nombre="Cuaderno")
    b = producto_con_existencia(100, nombre="Pluma")
    cajeros = [usuario_con_rol("Cajero", username=f"orden{i}") for i in range(8)]
    for i, cajero in enumerate(cajeros):
        turno_para(cajero)
        primero, segundo = (a, b) if i % 2 == 0 else (b, a)
        carrito_agregar(cajero=cajero, producto_id=primero.pk, cantidad=2)
        carrito_agregar(cajero=cajero, producto_id=segundo.pk, cantidad=3)

    resultados = en_paralelo([_cobro(c) for c in cajeros])

    assert all(isinstance(r, tuple) and r[1] for r in resultados), resultados
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.existencia == 100 - 4 * 2 - 4 * 3 and b.existencia == 100 - 4 * 3 - 4 * 2
    assert inventario_descuadres() == []


def test_misma_clave_dos_en_paralelo_y_diez_reenvios(cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    a = producto_con_existencia(10)
    b = producto_con_existencia(10)
    carrito_agregar(cajero=cajero, producto_id=a.pk)
    carrito_agregar(cajero=cajero, producto_id=b.pk, cantidad=2)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "10000"}

    def enviar():
        cliente = Client()
        cliente.force_login(cajero)
        return cliente.post(reverse("ventas:cobrar"), datos)

    respuestas = en_paralelo([enviar, enviar])
    respuestas += [enviar() for _ in range(10)]

    assert Venta.objects.count() == 1
    venta = Venta.objects.get()
    destino = reverse("ventas:ticket", args=[venta.pk])
    assert all(r.status_code == 302 and r["Location"] == destino for r in respuestas), [
        (getattr(r, "status_code", r), getattr(r, "get", lambda *_: None)("Location")) for r in respuestas
    ]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.existencia, b.existencia) == (9, 8)
    assert MovimientoInventario.objects.filter(id_venta=venta.pk).count() == 2
    assert venta.clave_cobro == uuid.UUID(datos["clave_cobro"])


def test_espera_de_bloqueo_acotada_pide_reintentar(cliente_cajero, cajero, producto_con_existencia, settings, turno_para):
    from django.db import connection, transaction

    from inventario.models import Producto

    settings.COBRO_LOCK_TIMEOUT_SEGUNDOS = 1
    turno_para(cajero)
    producto = producto_con_existencia(5)
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "100000"}
    bloqueado, soltar = threading.Event(), threading.Event()

    def retener_fila():
        try:
            with transaction.atomic():
                Producto.objects.select_for_update().get(pk=producto.pk)
                bloqueado.set()
                soltar.wait(10)
        finally:
            connection.close()

    hilo = threading.Thread(target=retener_fila)
    hilo.start()
    try:
        assert bloqueado.wait(10)
        respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos, follow=True)
    finally:
        soltar.set()
        hilo.join()
    assert respuesta.status_code == 200
    mensajes = [str(m) for m in respuesta.context["messages"]]
    assert any("Inténtalo de nuevo" in m for m in mensajes), mensajes
    assert Venta.objects.count() == 0
    producto.refresh_from_db()
    assert producto.existencia == 5
