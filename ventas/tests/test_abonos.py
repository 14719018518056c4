"""Abonos (``ventas.abonos.services.abono_registrar``): a payment toward a sale's balance, taken in
the open shift; idempotent; each refusal in Spanish with nothing written; counted in the shift,
the daily summary and what a return may refund."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.utils import timezone

from clientes.models import Cliente
from clientes.tests.factories import ClienteFactory
from ventas.abonos.services import abono_registrar
from ventas.calculos import CuentasTurno
from ventas.devoluciones.selectors import reembolsables_por_metodo
from ventas.exceptions import (
    AbonoNoPermitido,
    AbonoNoValido,
    ClaveAbonoReutilizada,
    MonederoNoPermitido,
    SaldoInsuficiente,
    TurnoNoAbierto,
)
from ventas.models import Abono, Monedero, MovimientoMonedero, Reembolso, Venta
from ventas.monedero.selectors import monedero_descuadres
from ventas.monedero.services import monedero_ajustar
from ventas.reportes.resumen import resumen_del_dia
from ventas.tests.abonos_datos import a_plazos, apartado
from ventas.tests.factories import cancelar, devolver, producto_con_existencia, vender
from ventas.turnos.selectors import turno_abierto, turno_cuentas, turno_cuentas_guardadas
from ventas.turnos.services import turno_cerrar

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


@pytest.fixture
def cliente():
    return ClienteFactory(nombre="Marta", apellidos="Ríos")


@pytest.fixture
def venta(cajero, turno_para, cliente):
    """An apartado of $1,000.00 with $200.00 paid: $800.00 owed."""
    turno_para(cajero)
    return apartado(cajero, cliente)


def _abonar(usuario, venta, monto, metodo="efectivo", **extra):
    extra.setdefault("clave", uuid.uuid4())
    return abono_registrar(usuario=usuario, venta_id=venta.pk, metodo=metodo, monto=D(monto), **extra)


def _nada_escrito(venta, pagado="200.00"):
    venta.refresh_from_db()
    assert venta.pagado == D(pagado)
    assert not Abono.objects.exists()
    assert not MovimientoMonedero.objects.filter(tipo="excedente_abono").exists()


def test_abono_en_efectivo_con_cambio_baja_el_saldo(cajero, venta):
    abono, creado = _abonar(cajero, venta, "300.00", recibido=D("500.00"))
    assert creado
    venta.refresh_from_db()
    assert (venta.pagado, venta.saldo, venta.estado_pago) == (D("500.00"), D("500.00"), "parcial")
    assert (abono.monto, abono.recibido, abono.cambio, abono.a_monedero) == (
        D("300.00"), D("500.00"), D("200.00"), D("0.00"))
    assert (abono.saldo_anterior, abono.saldo_posterior) == (D("800.00"), D("500.00"))
    assert abono.turno == turno_abierto(cajero=cajero) and abono.folio_texto.startswith("A-")
    assert venta.vence is not None  # an apartado keeps its expiry


def test_liquidar_deja_la_venta_pagada(cajero, venta):
    _abonar(cajero, venta, "800.00", metodo="tarjeta", referencia="AUT-123")
    venta.refresh_from_db()
    assert (venta.saldo, venta.estado_pago) == (D("0.00"), "pagado")
    assert Abono.objects.get().referencia == "AUT-123"


def test_parcialidades_mueven_el_vencimiento(cajero, turno_para, cliente):
    turno_para(cajero)
    venta = a_plazos(cajero, cliente)
    hoy = timezone.localdate()
    assert venta.vence == hoy + datetime.timedelta(days=30)
    _abonar(cajero, venta, "999.99")
    venta.refresh_from_db()
    assert venta.vence == hoy + datetime.timedelta(days=30)  # one cent of the second still owed
    _abonar(cajero, venta, "0.01")
    venta.refresh_from_db()
    assert venta.vence == hoy + datetime.timedelta(days=60)
    _abonar(cajero, venta, "1000.00")
    venta.refresh_from_db()
    assert (venta.saldo, venta.vence, venta.estado_pago) == (D("0.00"), None, "pagado")


def test_excedente_como_saldo_a_favor(cajero, venta, cliente):
    abono, _ = _abonar(cajero, venta, "1000.00", recibido=D("1000.00"), excedente="monedero")
    assert (abono.monto, abono.a_monedero, abono.cambio, abono.recibido) == (
        D("800.00"), D("200.00"), D("0.00"), D("1000.00"))
    venta.refresh_from_db()
    assert venta.saldo == D("0.00")
    movimiento = MovimientoMonedero.objects.get(tipo="excedente_abono")
    assert (movimiento.monto, movimiento.venta_id, movimiento.saldo_resultante) == (D("200.00"), venta.pk, D("200.00"))
    assert Monedero.objects.get(cliente=cliente).saldo == D("200.00") and monedero_descuadres() == []


def test_excedente_como_cambio_solo_en_efectivo(cajero, venta):
    abono, _ = _abonar(cajero, venta, "1000.00", recibido=D("1000.00"), excedente="cambio")
    assert (abono.monto, abono.cambio, abono.a_monedero) == (D("800.00"), D("200.00"), D("0.00"))


@pytest.mark.parametrize("metodo", ["tarjeta", "transferencia"])
def test_tarjeta_o_transferencia_de_mas_con_cambio_se_rechaza(cajero, venta, metodo):
    with pytest.raises(AbonoNoValido, match="no hay cambio"):
        _abonar(cajero, venta, "900.00", metodo=metodo, excedente="cambio")
    _nada_escrito(venta)
    # Kept as credit instead, it goes through: the card is charged $900, $100 stays as credit.
    abono, _ = _abonar(cajero, venta, "900.00", metodo=metodo, excedente="monedero")
    assert (abono.monto, abono.recibido, abono.a_monedero) == (D("800.00"), D("900.00"), D("100.00"))


def test_excedente_sin_elegir_se_rechaza(cajero, venta):
    with pytest.raises(AbonoNoValido, match=r"pasa del saldo de la venta \(\$800\.00\).*elige si el excedente"):
        _abonar(cajero, venta, "800.01")
    _nada_escrito(venta)


@pytest.mark.parametrize(("monto", "mensaje"), [
    ("0", "mayor que cero"),
    ("-50", "mayor que cero"),
    ("10.005", "2 decimales"),
    ("1" + "0" * 30, "demasiado grande"),
    ("NaN", "en pesos"),
    ("Infinity", "en pesos"),
])
def test_montos_imposibles_se_rechazan(cajero, venta, monto, mensaje):
    with pytest.raises(AbonoNoValido, match=mensaje):
        _abonar(cajero, venta, monto)
    _nada_escrito(venta)


def test_efectivo_recibido_que_no_alcanza(cajero, venta):
    with pytest.raises(AbonoNoValido, match="no alcanza"):
        _abonar(cajero, venta, "300.00", recibido=D("200.00"))
    _nada_escrito(venta)


def test_venta_cancelada_no_recibe_abonos(cajero, gerente, turno_para, venta):
    turno_para(gerente)
    cancelar(venta, usuario=gerente)
    with pytest.raises(AbonoNoValido, match=f"La venta {venta.folio_texto} está cancelada"):
        _abonar(cajero, venta, "100.00")
    assert not Abono.objects.exists()


def test_venta_pagada_no_recibe_abonos(cajero, venta):
    _abonar(cajero, venta, "800.00")
    with pytest.raises(AbonoNoValido, match="ya está pagada"):
        _abonar(cajero, venta, "1.00")
    assert Abono.objects.count() == 1
    contado = vender(cajero, [(producto_con_existencia(3, precio=D("50.00")), 1)])
    with pytest.raises(AbonoNoValido, match="ya está pagada"):
        _abonar(cajero, contado, "1.00")


def test_apartado_vencido_no_recibe_abonos(cajero, venta):
    ayer = timezone.localdate() - datetime.timedelta(days=1)
    Venta.objects.filter(pk=venta.pk).update(vence=ayer)
    with pytest.raises(AbonoNoValido, match=f"el apartado venció el {ayer:%d/%m/%Y}".capitalize()):
        _abonar(cajero, venta, "100.00")
    _nada_escrito(venta)


def test_parcialidad_vencida_si_recibe_abonos(cajero, turno_para, cliente):
    """Only an apartado expires: an overdue installment is exactly what an abono is for."""
    turno_para(cajero)
    venta = a_plazos(cajero, cliente)
    Venta.objects.filter(pk=venta.pk).update(vence=timezone.localdate() - datetime.timedelta(days=3))
    abono, _ = _abonar(cajero, venta, "500.00")
    assert abono.saldo_posterior == D("1500.00")


def test_saldo_a_favor_paga_hasta_donde_alcanza(cajero, gerente, venta, cliente):
    monedero_ajustar(cliente_id=cliente.pk, monto=D("100.00"), motivo="Saldo inicial", usuario=gerente,
                     autorizador=gerente)
    with pytest.raises(SaldoInsuficiente, match=r"tiene \$100\.00 y se quieren usar \$150\.00"):
        _abonar(cajero, venta, "150.00", metodo="monedero")
    _nada_escrito(venta)
    abono, _ = _abonar(cajero, venta, "100.00", metodo="monedero")
    assert (abono.monto, abono.recibido, abono.cambio) == (D("100.00"), D("100.00"), D("0.00"))
    assert Monedero.objects.get(cliente=cliente).saldo == D("0.00")
    assert MovimientoMonedero.objects.filter(tipo="pago", venta=venta, monto=D("-100.00")).exists()
    assert monedero_descuadres() == []


def test_saldo_a_favor_sin_cuenta_y_de_mas(cajero, venta, gerente, cliente):
    with pytest.raises(SaldoInsuficiente, match=r"tiene \$0\.00"):
        _abonar(cajero, venta, "50.00", metodo="monedero")
    monedero_ajustar(cliente_id=cliente.pk, monto=D("1000.00"), motivo="Saldo", usuario=gerente, autorizador=gerente)
    with pytest.raises(AbonoNoValido, match="como máximo lo que se debe"):
        _abonar(cajero, venta, "900.00", metodo="monedero", excedente="monedero")
    _nada_escrito(venta)


def test_publico_general_sin_saldo_a_favor(cajero, turno_para):
    """The walk-in client has no account: neither paying with it nor keeping an excess there."""
    turno_para(cajero)
    publico = Cliente.objects.get(es_publico_general=True)
    venta = apartado(cajero, ClienteFactory())
    Venta.objects.filter(pk=venta.pk).update(cliente=publico)
    with pytest.raises(MonederoNoPermitido, match="público en general"):
        _abonar(cajero, venta, "100.00", metodo="monedero")
    with pytest.raises(MonederoNoPermitido):
        _abonar(cajero, venta, "900.00", excedente="monedero")
    _nada_escrito(venta)


def test_sin_turno_abierto_no_hay_abono(usuario_con_rol, venta):
    otro = usuario_con_rol("Cajero", username="sin_turno")
    with pytest.raises(TurnoNoAbierto, match="Abre tu turno de caja para recibir abonos"):
        _abonar(otro, venta, "100.00")
    _nada_escrito(venta)


def test_turno_cerrado_no_recibe_abonos(cajero, venta):
    turno = turno_abierto(cajero=cajero)
    esperado = turno_cuentas(turno=turno).esperado
    turno_cerrar(turno_id=turno.pk, usuario=cajero, efectivo_contado=esperado["efectivo"],
                 tarjeta_reportado=D("0"), transferencia_reportado=D("0"))
    with pytest.raises(TurnoNoAbierto):
        _abonar(cajero, venta, "100.00")
    _nada_escrito(venta)


def test_otro_cajero_abona_y_consulta_no(usuario_con_rol, turno_para, venta, consulta):
    """Payments are not one's own sales: any cashier takes an abono on any sale; Consulta may not."""
    otra = usuario_con_rol("Cajero", username="otra_cajera")
    turno_para(otra)
    abono, _ = _abonar(otra, venta, "100.00")
    assert abono.turno == turno_abierto(cajero=otra)
    with pytest.raises(AbonoNoPermitido, match="no puede registrar abonos"):
        _abonar(consulta, venta, "100.00")
    assert Abono.objects.count() == 1


def test_misma_clave_devuelve_el_mismo_abono(cajero, venta):
    clave = uuid.uuid4()
    primero, creado = _abonar(cajero, venta, "300.00", recibido=D("500.00"), clave=clave)
    otra_vez, otra_creado = _abonar(cajero, venta, "300.00", recibido=D("500.00"), clave=clave)
    assert (creado, otra_creado) == (True, False) and otra_vez.pk == primero.pk
    venta.refresh_from_db()
    assert venta.pagado == D("500.00") and Abono.objects.count() == 1
    with pytest.raises(ClaveAbonoReutilizada, match=primero.folio_texto):
        _abonar(cajero, venta, "350.00", recibido=D("500.00"), clave=clave)
    assert Abono.objects.count() == 1


def test_misma_clave_con_excedente_ya_liquidado(cajero, venta):
    """Sent twice after paying off the balance: the second finds the first, not "ya está pagada"."""
    clave = uuid.uuid4()
    primero, _ = _abonar(cajero, venta, "1000.00", excedente="monedero", clave=clave)
    segundo, creado = _abonar(cajero, venta, "1000.00", excedente="monedero", clave=clave)
    assert segundo.pk == primero.pk and not creado
    with pytest.raises(ClaveAbonoReutilizada):
        _abonar(cajero, venta, "1000.00", excedente="cambio", clave=clave)


def test_el_corte_cuenta_los_abonos(cajero, gerente, turno_para, venta, cliente):
    turno = turno_abierto(cajero=cajero)
    antes = turno_cuentas(turno=turno)
    assert antes.esperado["efectivo"] == D("700.00")  # $500 fund + $200 down payment
    _abonar(cajero, venta, "100.00", recibido=D("500.00"))  # $400 change handed back
    _abonar(cajero, venta, "150.00", metodo="tarjeta")
    _abonar(cajero, venta, "50.00", metodo="transferencia")
    monedero_ajustar(cliente_id=cliente.pk, monto=D("30.00"), motivo="Saldo", usuario=gerente, autorizador=gerente)
    _abonar(cajero, venta, "30.00", metodo="monedero")  # store credit is never in the drawer
    _abonar(cajero, venta, "600.00", recibido=D("600.00"), excedente="monedero")  # $470 applied, $130 credit
    cuentas = turno_cuentas(turno=turno)
    assert cuentas.abonos == 5
    assert cuentas.abonos_pagos["efectivo"] == D("700.00")
    assert cuentas.abonos_a_monedero == D("130.00")
    assert cuentas.esperado == {"efectivo": D("1400.00"), "tarjeta": D("150.00"), "transferencia": D("50.00")}

    # Returning the paid-off apartado to store credit: $1,000 of credit, not a peso of cash leaves
    # the Gerente's drawer nor the cashier's.
    turno_gerente = turno_para(gerente)
    devolucion = devolver(venta, [(venta.lineas.get(), 1)], usuario=gerente, metodo="monedero")
    assert [(r.metodo, r.monto) for r in Reembolso.objects.filter(devolucion=devolucion)] == [
        ("monedero", D("1000.00"))]
    assert turno_cuentas(turno=turno_gerente).esperado["efectivo"] == D("500.00")
    assert turno_cuentas(turno=turno).esperado == cuentas.esperado

    turno_cerrar(turno_id=turno.pk, usuario=cajero, efectivo_contado=D("1400.00"), tarjeta_reportado=D("150.00"),
                 transferencia_reportado=D("50.00"))
    turno.refresh_from_db()
    assert turno.efectivo_esperado == D("1400.00")
    guardadas = turno_cuentas_guardadas(turno=turno)
    assert guardadas.abonos == 5 and guardadas.abonos_pagos["efectivo"] == D("700.00")


def test_un_corte_viejo_sin_abonos_se_sigue_leyendo():
    viejo = {"fondo_inicial": "500.00", "ventas": 2, "ventas_total": "150.00", "canceladas": 0, "devoluciones": 0,
             "pagos": {"efectivo": "150.00"}, "reembolsos": {}, "depositos": "0.00", "retiros": "0.00"}
    cuentas = CuentasTurno.de_json(viejo)
    assert (cuentas.abonos, cuentas.abonos_pagos, cuentas.abonos_a_monedero) == (0, {}, D("0.00"))
    assert cuentas.esperado["efectivo"] == D("650.00")
    assert CuentasTurno.de_json(cuentas.a_json()) == cuentas


def test_resumen_del_dia_muestra_abonos_por_metodo(cajero, venta):
    _abonar(cajero, venta, "100.00", recibido=D("200.00"))
    _abonar(cajero, venta, "250.00", metodo="tarjeta")
    resumen = resumen_del_dia(fecha=timezone.localdate())
    metodos = {m.metodo: m for m in resumen.metodos}
    assert (metodos["efectivo"].abonos, metodos["efectivo"].abonado) == (1, D("100.00"))
    assert (metodos["tarjeta"].abonos, metodos["tarjeta"].abonado) == (1, D("250.00"))
    assert (resumen.abonos, resumen.abonado) == (2, D("350.00"))
    assert metodos["efectivo"].neto == D("300.00")  # $200 down payment + $100 abono


def test_devolucion_reembolsa_por_donde_entraron_los_abonos(cajero, gerente, turno_para, venta):
    turno_para(gerente)
    _abonar(cajero, venta, "500.00", metodo="tarjeta")
    _abonar(cajero, venta, "300.00", metodo="transferencia")
    venta.refresh_from_db()
    assert dict(reembolsables_por_metodo(venta=venta)) == {
        "efectivo": D("200.00"), "tarjeta": D("500.00"), "transferencia": D("300.00")}
    devolucion = devolver(venta, [(venta.lineas.get(), 1)], usuario=gerente, metodo="tarjeta")
    reembolsos = {r.metodo: r.monto for r in Reembolso.objects.filter(devolucion=devolucion)}
    assert reembolsos["tarjeta"] == D("500.00") and sum(reembolsos.values()) == D("1000.00")
