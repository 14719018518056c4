"""Abonos under concurrent use: threads, each with its own connection, on one sale and one account."""

import uuid
from decimal import Decimal

import pytest
from django.db.models import Sum

from clientes.tests.factories import ClienteFactory
from ventas.abonos.services import abono_registrar
from ventas.exceptions import AbonoNoValido, SaldoInsuficiente
from ventas.models import Abono, Monedero, MovimientoMonedero, Venta
from ventas.monedero.selectors import monedero_descuadres
from ventas.monedero.services import monedero_ajustar
from ventas.tests.abonos_datos import apartado
from ventas_ingenio.tests.hilos import en_paralelo

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
D = Decimal


def _abono(cajero, venta, monto, metodo="efectivo", clave=None):
    clave = clave or uuid.uuid4()
    return lambda: abono_registrar(usuario=cajero, venta_id=venta.pk, metodo=metodo, monto=D(monto), clave=clave)


def test_diez_cajeros_abonando_a_la_vez_nunca_pagan_de_mas(usuario_con_rol, turno_para):
    vendedora = usuario_con_rol("Cajero", username="vendedora")
    turno_para(vendedora)
    venta = apartado(vendedora, ClienteFactory(), precio="600.00", anticipo="100.00")  # $500.00 owed
    cajeros = [usuario_con_rol("Cajero", username=f"abona{i}") for i in range(10)]
    for cajero in cajeros:
        turno_para(cajero)

    resultados = en_paralelo([_abono(c, venta, "100.00") for c in cajeros])

    abonos = [r for r in resultados if isinstance(r, tuple)]
    rechazos = [r for r in resultados if isinstance(r, AbonoNoValido)]
    assert len(abonos) == 5 and len(rechazos) == 5, resultados
    assert {str(r) for r in rechazos} == {f"La venta {venta.folio_texto} ya está pagada: no tiene saldo por abonar."}
    venta.refresh_from_db()
    assert (venta.pagado, venta.saldo, venta.estado_pago) == (D("600.00"), D("0.00"), "pagado")
    # The ledger of abonos adds up: each one saw the balance the one before it left.
    filas = list(Abono.objects.filter(venta=venta).order_by("saldo_anterior").values_list(
        "saldo_anterior", "saldo_posterior"))
    assert filas == [(D("100.00"), D("0.00")), (D("200.00"), D("100.00")), (D("300.00"), D("200.00")),
                     (D("400.00"), D("300.00")), (D("500.00"), D("400.00"))]
    assert Abono.objects.aggregate(s=Sum("monto"))["s"] == D("500.00")


def test_el_mismo_formulario_enviado_a_la_vez_es_un_abono(usuario_con_rol, turno_para):
    cajero = usuario_con_rol("Cajero", username="doble")
    turno_para(cajero)
    venta = apartado(cajero, ClienteFactory())
    clave = uuid.uuid4()
    resultados = en_paralelo([_abono(cajero, venta, "100.00", clave=clave) for _ in range(6)])
    assert all(isinstance(r, tuple) for r in resultados), resultados
    assert sum(1 for _, creado in resultados if creado) == 1
    assert len({abono.pk for abono, _ in resultados}) == 1
    assert Abono.objects.count() == 1
    assert Venta.objects.get(pk=venta.pk).pagado == D("300.00")


def test_el_saldo_a_favor_nunca_queda_negativo_con_abonos_a_la_vez(usuario_con_rol, gerente, turno_para):
    """Ten abonos paid with one client's $350 of credit, on ten sales of that client at once."""
    cliente = ClienteFactory()
    vendedora = usuario_con_rol("Cajero", username="vende_apartados")
    turno_para(vendedora)
    ventas = [apartado(vendedora, cliente, precio="500.00", anticipo="100.00") for _ in range(10)]
    monedero_ajustar(cliente_id=cliente.pk, monto=D("350.00"), motivo="Saldo inicial", usuario=gerente,
                     autorizador=gerente)
    cajeros = [usuario_con_rol("Cajero", username=f"credito{i}") for i in range(10)]
    for cajero in cajeros:
        turno_para(cajero)

    resultados = en_paralelo([_abono(c, v, "100.00", metodo="monedero") for c, v in zip(cajeros, ventas, strict=True)])

    hechos = [r for r in resultados if isinstance(r, tuple)]
    rechazos = [r for r in resultados if isinstance(r, SaldoInsuficiente)]
    assert len(hechos) == 3 and len(rechazos) == 7, resultados
    assert {str(r) for r in rechazos} == {
        "Saldo a favor insuficiente: el cliente tiene $50.00 y se quieren usar $100.00."}
    assert Monedero.objects.get(cliente=cliente).saldo == D("50.00")
    assert MovimientoMonedero.objects.filter(tipo="pago").count() == 3 == Abono.objects.count()
    assert Venta.objects.filter(pagado=D("200.00")).count() == 3
    assert monedero_descuadres() == []


def test_cierre_y_abono_a_la_vez(usuario_con_rol, turno_para, settings):
    """An abono racing its shift's close is either counted by the close or refused: never outside."""
    from ventas.exceptions import TurnoNoAbierto
    from ventas.models import Turno
    from ventas.turnos.services import turno_cerrar

    settings.DIFERENCIA_MAXIMA_CORTE = "1000000"  # the close must not stop on the difference
    vendedora = usuario_con_rol("Cajero", username="vende_carrera")
    turno_para(vendedora)
    venta = apartado(vendedora, ClienteFactory(), precio="1000.00", anticipo="200.00")
    cajeros = [usuario_con_rol("Cajero", username=f"carrera{i}") for i in range(6)]
    turnos, tareas = {}, []
    for cajero in cajeros:
        turnos[cajero.pk] = turno_para(cajero)
        tareas.append(_abono(cajero, venta, "100.00"))
        tareas.append(lambda c=cajero: turno_cerrar(
            turno_id=turnos[c.pk].pk, usuario=c, efectivo_contado=D("500"), tarjeta_reportado=D("0"),
            transferencia_reportado=D("0")))

    resultados = en_paralelo(tareas)

    for i, cajero in enumerate(cajeros):
        abono, cierre = resultados[2 * i], resultados[2 * i + 1]
        assert isinstance(cierre, Turno), cierre
        turno = Turno.objects.get(pk=turnos[cajero.pk].pk)
        if isinstance(abono, tuple):
            assert abono[0].turno_id == turno.pk
            assert turno.efectivo_esperado == D("600.00") and turno.resumen_cierre["abonos"] == 1
        else:
            assert isinstance(abono, TurnoNoAbierto), abono
            assert turno.efectivo_esperado == D("500.00") and turno.resumen_cierre["abonos"] == 0
    venta.refresh_from_db()
    assert venta.pagado == D("200.00") + Abono.objects.aggregate(s=Sum("monto", default=D("0")))["s"]
