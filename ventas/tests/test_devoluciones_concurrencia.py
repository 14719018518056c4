"""Returns and cancellations racing each other for real: threads, each with its own connection."""

import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from inventario.selectors import inventario_descuadres
from ventas.caja.services import carrito_agregar
from ventas.devoluciones.services import LineaDevolucionDatos, venta_cancelar, venta_devolver
from ventas.exceptions import DevolucionNoValida, ReembolsoExcedeEfectivo, VentaYaCancelada
from ventas.models import Devolucion, Reembolso, Venta, VentaDetalle
from ventas_ingenio.tests.hilos import en_paralelo

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


@pytest.fixture
def venta(cajero, gerente, cobrar, turno_para, producto_con_existencia):
    turno_para(cajero)
    turno_para(gerente, Decimal("5000.00"))  # enough cash in the drawer for the refunds
    producto = producto_con_existencia(10, nombre="Calculadora científica", precio=Decimal("349.00"))
    carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=2)
    venta, _ = cobrar(cajero)
    return venta


def test_mismo_formulario_dos_veces_en_paralelo(gerente, venta):
    linea = VentaDetalle.objects.get(venta=venta)
    url = reverse("ventas:venta_devolver", args=[venta.pk])
    datos = {"clave": str(uuid.uuid4()), "motivo": "Doble clic", "metodo_reembolso": "efectivo",
             f"linea_{linea.pk}": "1"}

    def enviar():
        cliente = Client()
        cliente.force_login(gerente)
        respuesta = cliente.post(url, datos)
        return respuesta.status_code, respuesta.get("Location")

    resultados = en_paralelo([enviar, enviar])

    devolucion = Devolucion.objects.get()
    destino = reverse("ventas:devolucion_ticket", args=[devolucion.pk])
    assert resultados == [(302, destino), (302, destino)]
    assert Reembolso.objects.count() == 1
    linea.refresh_from_db()
    assert linea.cantidad_devuelta == 1 and inventario_descuadres() == []


def test_misma_clave_de_cancelacion_en_paralelo(gerente, venta):
    clave = uuid.uuid4()

    def cancelar():
        return venta_cancelar(venta_id=venta.pk, usuario=gerente, motivo="Doble clic", clave=clave)

    resultados = en_paralelo([cancelar] * 4)

    assert all(isinstance(r, tuple) for r in resultados), resultados
    assert sorted(creada for _, creada in resultados) == [False, False, False, True]
    assert len({d.pk for d, _ in resultados}) == 1 and Devolucion.objects.count() == 1
    assert inventario_descuadres() == []


def test_la_ultima_unidad_dos_veces_en_paralelo(gerente, venta):
    linea = VentaDetalle.objects.get(venta=venta)
    venta_devolver(venta_id=venta.pk, usuario=gerente, motivo="Primera", clave=uuid.uuid4(),
                            lineas=[LineaDevolucionDatos(venta_detalle_id=linea.pk, cantidad=1)])

    def devolver():
        return venta_devolver(venta_id=venta.pk, usuario=gerente, motivo="Última", clave=uuid.uuid4(),
                                       lineas=[LineaDevolucionDatos(venta_detalle_id=linea.pk, cantidad=1)])

    resultados = en_paralelo([devolver, devolver])

    hechas = [r for r in resultados if isinstance(r, tuple)]
    rechazos = [r for r in resultados if isinstance(r, DevolucionNoValida)]
    assert len(hechas) == 1 and len(rechazos) == 1, resultados
    assert str(rechazos[0]) == f"{linea.descripcion}: ya se devolvieron todas las unidades."
    linea.refresh_from_db()
    venta.refresh_from_db()
    assert linea.cantidad_devuelta == 2 and venta.total_devuelto == venta.total
    assert Reembolso.objects.aggregate(s=Sum("monto"))["s"] == venta.total
    assert inventario_descuadres() == []


def test_cancelacion_y_devolucion_a_la_vez(gerente, venta):
    linea = VentaDetalle.objects.get(venta=venta)

    def cancelar():
        return venta_cancelar(venta_id=venta.pk, usuario=gerente, motivo="Error", clave=uuid.uuid4())

    def devolver():
        return venta_devolver(venta_id=venta.pk, usuario=gerente, motivo="Roto", clave=uuid.uuid4(),
                                       lineas=[LineaDevolucionDatos(venta_detalle_id=linea.pk, cantidad=1)])

    resultados = en_paralelo([cancelar, devolver])

    assert isinstance(resultados[0], tuple), resultados  # the cancellation always succeeds
    venta = Venta.objects.get(pk=venta.pk)
    assert venta.estado == "cancelada" and venta.total_devuelto == venta.total
    # Either the return went first (and the cancellation took the rest) or it found the sale cancelled.
    assert isinstance(resultados[1], tuple) or isinstance(resultados[1], VentaYaCancelada), resultados
    assert Devolucion.objects.aggregate(s=Sum("total"))["s"] == venta.total
    assert Reembolso.objects.aggregate(s=Sum("monto"))["s"] == venta.total
    linea.refresh_from_db()
    assert linea.cantidad_devuelta == 2 and inventario_descuadres() == []


def test_dos_reembolsos_no_vacian_la_caja_juntos(cajero, usuario_con_rol, cobrar, turno_para, producto_con_existencia):
    # Two sales, so the sale locks don't serialise them: only the shift's lock does.
    producto = producto_con_existencia(10, precio=Decimal("400.00"))
    turno_para(cajero)
    ventas = []
    for _ in range(2):
        carrito_agregar(cajero=cajero, producto_id=producto.pk)
        ventas.append(cobrar(cajero)[0])
    gerente = usuario_con_rol("Gerente", username="gerente2")
    turno_para(gerente)  # $500 in the drawer: room for one $400 refund, not two

    def cancelar(venta):
        return lambda: venta_cancelar(venta_id=venta.pk, usuario=gerente, motivo="x", clave=uuid.uuid4())

    resultados = en_paralelo([cancelar(v) for v in ventas])

    hechas = [r for r in resultados if isinstance(r, tuple)]
    rechazos = [r for r in resultados if isinstance(r, ReembolsoExcedeEfectivo)]
    assert len(hechas) == 1 and len(rechazos) == 1, resultados
    assert "debe haber $100.00 en efectivo" in str(rechazos[0])
    assert Venta.objects.filter(estado="cancelada").count() == 1 and inventario_descuadres() == []
