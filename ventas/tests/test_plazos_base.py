"""The foundation of paying over time (issue 15): a sale charged with a down payment keeps
what it owes, an apartado sets its goods aside through the ledger, installments are stored,
a return on a sale still owing refunds only what was paid beyond the balance, and the
database refuses a sale paid beyond its total."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from inventario.exceptions import CantidadInvalida
from inventario.models import MovimientoInventario, TipoMovimiento
from inventario.selectors import inventario_descuadres
from inventario.services import MovimientoDatos, existencias_mover
from ventas.caja.cobro import ParcialidadDatos, PlazoDatos
from ventas.caja.selectors import carrito_de_cajero
from ventas.exceptions import CarritoCambiado, PagoNoValido
from ventas.models import Pago, Reembolso, Venta, VentaParcialidad
from ventas.tests.factories import devolver, linea, producto_con_existencia, vender, vender_a_plazos

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


@pytest.fixture
def cliente():
    return ClienteFactory(nombre="Marta", apellidos="Ríos")


def _hoy():
    return timezone.localdate()


def test_apartado_aparta_la_mercancia_y_deja_saldo(cajero, turno_para, cliente):
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("500.00"))
    plazo = PlazoDatos(modalidad="apartado", anticipo=D("200.00"), minimo=D("200.00"),
                       vence=_hoy() + datetime.timedelta(days=30))
    venta = vender_a_plazos(cajero, cliente, [(mochila, 2)], plazo=plazo)

    assert (venta.modalidad, venta.total, venta.pagado, venta.saldo) == ("apartado", D("1000.00"), D("200.00"),
                                                                          D("800.00"))
    assert venta.estado_pago == "parcial" and venta.estado_pago_hoy == "parcial" and venta.vence == plazo.vence
    assert sum(p.monto for p in Pago.objects.filter(venta=venta)) == D("200.00")
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (3, 2)
    movimiento = MovimientoInventario.objects.get(id_venta=venta.pk)
    assert (movimiento.tipo, movimiento.cantidad, movimiento.cantidad_apartada) == ("apartado", -2, 2)
    assert (movimiento.existencia_resultante, movimiento.apartada_resultante) == (3, 2)
    assert inventario_descuadres() == []


def test_apartado_vencido_se_lee_como_vencido(cajero, turno_para, cliente):
    turno_para(cajero)
    plazo = PlazoDatos(modalidad="apartado", anticipo=D("50.00"), minimo=D("50.00"), vence=_hoy())
    venta = vender_a_plazos(cajero, cliente, [(producto_con_existencia(3, precio=D("100.00")), 1)], plazo=plazo)
    Venta.objects.filter(pk=venta.pk).update(vence=_hoy() - datetime.timedelta(days=1))
    venta.refresh_from_db()
    assert venta.estado_pago == "parcial" and venta.estado_pago_hoy == "vencido"


@pytest.mark.parametrize(("anticipo", "mensaje"), [
    ("99.99", "El anticipo mínimo es $100.00."),
    ("0", "mayor que cero"),
    ("600.00", "no puede pasar del total"),
])
def test_anticipo_fuera_de_rango_no_escribe_nada(cajero, turno_para, cliente, anticipo, mensaje):
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("500.00"))
    plazo = PlazoDatos(modalidad="apartado", anticipo=D(anticipo), minimo=D("100.00"),
                       vence=_hoy() + datetime.timedelta(days=30))
    with pytest.raises(PagoNoValido, match=mensaje.replace("$", r"\$").replace(".", r"\.")):
        vender_a_plazos(cajero, cliente, [(mochila, 1)], plazo=plazo)
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (5, 0) and not Venta.objects.exists()


def test_apartado_de_publico_general_se_rechaza(cajero, turno_para):
    from ventas.caja.cobro import venta_confirmar
    from ventas.caja.services import carrito_agregar

    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("500.00"))
    carrito_agregar(cajero=cajero, producto_id=mochila.pk, cantidad=1)
    vista = carrito_de_cajero(cajero=cajero)
    plazo = PlazoDatos(modalidad="apartado", anticipo=D("100.00"), minimo=D("100.00"),
                       vence=_hoy() + datetime.timedelta(days=30))
    with pytest.raises(PagoNoValido, match="elige primero al cliente"):
        venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=[],
                        efectivo_recibido=D("100.00"), plazo=plazo)
    assert not Venta.objects.exists()


def test_parcialidades_guardan_el_plan_y_la_proxima_fecha(cajero, turno_para, cliente):
    turno_para(cajero)
    curso = producto_con_existencia(5, precio=D("3000.00"))
    hoy = _hoy()
    plan = (ParcialidadDatos("Inscripción", D("1000.00"), hoy),
            ParcialidadDatos("Mensualidad 1", D("1000.00"), hoy + datetime.timedelta(days=30)),
            ParcialidadDatos("Mensualidad 2", D("1000.00"), hoy + datetime.timedelta(days=60)))
    plazo = PlazoDatos(modalidad="parcialidades", anticipo=D("1000.00"), minimo=D("1000.00"), parcialidades=plan)
    venta = vender_a_plazos(cajero, cliente, [(curso, 1)], plazo=plazo)

    assert (venta.pagado, venta.saldo, venta.estado_pago) == (D("1000.00"), D("2000.00"), "parcial")
    assert venta.vence == hoy + datetime.timedelta(days=30)
    guardadas = list(VentaParcialidad.objects.filter(venta=venta).values_list("numero", "concepto", "monto"))
    assert guardadas == [(1, "Inscripción", D("1000.00")), (2, "Mensualidad 1", D("1000.00")),
                         (3, "Mensualidad 2", D("1000.00"))]
    curso.refresh_from_db()
    assert (curso.existencia, curso.existencia_apartada) == (4, 0)


def test_plan_que_no_suma_el_total_se_rechaza(cajero, turno_para, cliente):
    turno_para(cajero)
    curso = producto_con_existencia(5, precio=D("3000.00"))
    plan = (ParcialidadDatos("Inscripción", D("1000.00"), _hoy()),)
    plazo = PlazoDatos(modalidad="parcialidades", anticipo=D("1000.00"), minimo=D("1000.00"), parcialidades=plan)
    with pytest.raises(CarritoCambiado):
        vender_a_plazos(cajero, cliente, [(curso, 1)], plazo=plazo)
    assert not Venta.objects.exists() and not VentaParcialidad.objects.exists()


def test_devolver_en_venta_con_saldo_solo_reembolsa_lo_pagado_de_mas(cajero, gerente, turno_para, cliente):
    turno_para(cajero)
    turno_para(gerente)
    a = producto_con_existencia(5, precio=D("300.00"))
    b = producto_con_existencia(5, precio=D("700.00"))
    hoy = _hoy()
    plan = (ParcialidadDatos("Primer pago", D("400.00"), hoy),
            ParcialidadDatos("Segundo pago", D("600.00"), hoy + datetime.timedelta(days=30)))
    plazo = PlazoDatos(modalidad="parcialidades", anticipo=D("400.00"), minimo=D("400.00"), parcialidades=plan)
    venta = vender_a_plazos(cajero, cliente, [(a, 1), (b, 1)], plazo=plazo)
    assert venta.saldo == D("600.00")

    # Returning the $300 item only lowers what is owed: nothing was paid beyond the balance.
    devolucion = devolver(venta, [(linea(venta, a), 1)], usuario=gerente)
    venta.refresh_from_db()
    assert (venta.total_devuelto, venta.pagado, venta.saldo) == (D("300.00"), D("400.00"), D("300.00"))
    assert not Reembolso.objects.filter(devolucion=devolucion).exists()

    # Returning the $700 item too: $400 were paid and nothing is owed any more, so $400 go back.
    devolucion = devolver(venta, [(linea(venta, b), 1)], usuario=gerente)
    venta.refresh_from_db()
    assert (venta.pagado, venta.saldo, venta.estado_pago) == (D("0.00"), D("0.00"), "pagado")
    assert sum(r.monto for r in Reembolso.objects.filter(devolucion=devolucion)) == D("400.00")
    assert inventario_descuadres() == []


def test_venta_de_contado_queda_pagada(cajero, turno_para):
    turno_para(cajero)
    venta = vender(cajero, [(producto_con_existencia(3, precio=D("80.00")), 2)])
    venta.refresh_from_db()
    assert (venta.modalidad, venta.pagado, venta.saldo, venta.estado_pago, venta.vence) == (
        "contado", D("160.00"), D("0.00"), "pagado", None)


def test_la_base_rechaza_pagar_de_mas(cajero, turno_para, cliente):
    turno_para(cajero)
    plazo = PlazoDatos(modalidad="apartado", anticipo=D("100.00"), minimo=D("100.00"),
                       vence=_hoy() + datetime.timedelta(days=10))
    venta = vender_a_plazos(cajero, cliente, [(producto_con_existencia(3, precio=D("500.00")), 1)], plazo=plazo)
    with pytest.raises(IntegrityError, match="venta_pagado_dentro_del_total"), transaction.atomic():
        Venta.objects.filter(pk=venta.pk).update(pagado=D("500.01"))
    with pytest.raises(IntegrityError, match="venta_contado_pagada"), transaction.atomic():
        Venta.objects.filter(pk=venta.pk).update(modalidad="contado")


def test_entrega_y_liberacion_mueven_las_apartadas(cajero, turno_para, cliente):
    turno_para(cajero)
    mochila = producto_con_existencia(5, precio=D("100.00"))
    plazo = PlazoDatos(modalidad="apartado", anticipo=D("100.00"), minimo=D("100.00"),
                       vence=_hoy() + datetime.timedelta(days=10))
    venta = vender_a_plazos(cajero, cliente, [(mochila, 3)], plazo=plazo)
    existencias_mover(movimientos=[MovimientoDatos(producto_id=mochila.pk, tipo=TipoMovimiento.ENTREGA_APARTADO,
                                                   cantidad=0, cantidad_apartada=-1, id_venta=venta.pk)])
    existencias_mover(movimientos=[MovimientoDatos(producto_id=mochila.pk, tipo=TipoMovimiento.LIBERACION_APARTADO,
                                                   cantidad=2, cantidad_apartada=-2, id_venta=venta.pk)])
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (4, 0) and inventario_descuadres() == []
    # More than is set aside, or a sign that does not fit the kind, is refused before writing.
    for datos in (
        MovimientoDatos(producto_id=mochila.pk, tipo=TipoMovimiento.ENTREGA_APARTADO, cantidad=0, cantidad_apartada=-1),
        MovimientoDatos(producto_id=mochila.pk, tipo=TipoMovimiento.APARTADO, cantidad=-1, cantidad_apartada=2),
        MovimientoDatos(producto_id=mochila.pk, tipo=TipoMovimiento.ENTRADA, cantidad=1, cantidad_apartada=1),
    ):
        with pytest.raises(CantidadInvalida):
            existencias_mover(movimientos=[datos])
    mochila.refresh_from_db()
    assert (mochila.existencia, mochila.existencia_apartada) == (4, 0) and inventario_descuadres() == []


def test_plan_de_la_edicion_mas_articulos_da_las_parcialidades(cajero, turno_para, cliente):
    from cursos.models import ParcialidadPlan
    from cursos.tests.datos import alumno_crear, edicion_crear
    from ventas.caja.plazos import plazo_apartado, plazo_parcialidades
    from ventas.caja.services import carrito_agregar, carrito_cliente_asignar, carrito_inscribir

    turno_para(cajero)
    hoy = _hoy()
    edicion = edicion_crear()  # $1,500.00
    for numero, (concepto, monto, dias) in enumerate(
        [("Inscripción", "500.00", -3), ("Mensualidad 1", "500.00", 20), ("Mensualidad 2", "500.00", 50)], start=1
    ):
        ParcialidadPlan.objects.create(edicion=edicion, numero=numero, concepto=concepto, monto=D(monto),
                                       vence=hoy + datetime.timedelta(days=dias))
    uniforme = producto_con_existencia(5, precio=D("250.00"))
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    carrito_agregar(cajero=cajero, producto_id=uniforme.pk, cantidad=1)
    carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno_crear(1, responsable=cliente).pk)
    vista = carrito_de_cajero(cajero=cajero)

    plazo = plazo_parcialidades(vista=vista)
    assert [(p.monto, p.vence) for p in plazo.parcialidades] == [
        (D("750.00"), hoy), (D("500.00"), hoy + datetime.timedelta(days=20)),
        (D("500.00"), hoy + datetime.timedelta(days=50))]
    assert plazo.minimo == plazo.anticipo == D("750.00")
    assert plazo.parcialidades[0].concepto == "Artículos y cursos sin plan, Inscripción"
    assert plazo_apartado(total=D("999.99")).minimo == D("200.00")  # 20 % rounded up to the cent

    from ventas.caja.cobro import venta_confirmar
    venta, _ = venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=[],
                               efectivo_recibido=D("800.00"), plazo=plazo)
    venta.refresh_from_db()
    assert (venta.total, venta.pagado, venta.saldo, venta.vence) == (
        D("1750.00"), D("750.00"), D("1000.00"), hoy + datetime.timedelta(days=20))
    assert Pago.objects.get(venta=venta).cambio == D("50.00")
