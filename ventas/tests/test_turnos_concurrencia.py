"""Shifts under real concurrency (threads against PostgreSQL, each with its own connection)."""

from decimal import Decimal

import pytest

from inventario.selectors import inventario_descuadres
from ventas.caja.cobro import venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar
from ventas.exceptions import RetiroExcedeEfectivo, TurnoNoAbierto
from ventas.models import MovimientoCaja, Turno, Venta
from ventas.turnos.services import caja_movimiento_registrar, turno_abrir, turno_cerrar
from ventas_ingenio.tests.hilos import en_paralelo

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")
D = Decimal


def test_cierre_y_cobro_a_la_vez(usuario_con_rol, producto_con_existencia, turno_para, settings):
    """A sale racing its shift's close is either counted by the close or refused: never outside."""
    settings.DIFERENCIA_MAXIMA_CORTE = "1000000"  # the close must not stop on the difference
    producto = producto_con_existencia(100, precio=D("100.00"))
    cajeros = [usuario_con_rol("Cajero", username=f"carrera{i}") for i in range(6)]
    turnos, tareas = {}, []
    for cajero in cajeros:
        turnos[cajero.pk] = turno_para(cajero)
        carrito_agregar(cajero=cajero, producto_id=producto.pk)
        vista = carrito_de_cajero(cajero=cajero)
        clave, huella = vista.carrito.clave_cobro, vista.huella
        tareas.append(lambda c=cajero, k=clave, h=huella: venta_confirmar(
            cajero=c, clave_cobro=k, huella=h, pagos=[], efectivo_recibido=D("100")))
        tareas.append(lambda c=cajero: turno_cerrar(
            turno_id=turnos[c.pk].pk, usuario=c, efectivo_contado=D("500"), tarjeta_reportado=D("0"),
            transferencia_reportado=D("0")))

    resultados = en_paralelo(tareas)

    for i, cajero in enumerate(cajeros):
        cobro, cierre = resultados[2 * i], resultados[2 * i + 1]
        assert isinstance(cierre, Turno), cierre
        turno = Turno.objects.get(pk=turnos[cajero.pk].pk)
        assert turno.estado == "cerrado"
        if isinstance(cobro, tuple):
            venta = cobro[0]
            assert Venta.objects.get(pk=venta.pk).turno_id == turno.pk
            assert turno.efectivo_esperado == D("600.00") and turno.resumen_cierre["ventas"] == 1
        else:
            assert isinstance(cobro, TurnoNoAbierto), cobro
            assert not Venta.objects.filter(id_cajero=cajero.pk).exists()
            assert turno.efectivo_esperado == D("500.00") and turno.resumen_cierre["ventas"] == 0
    vendidas = Venta.objects.count()
    producto.refresh_from_db()
    assert producto.existencia == 100 - vendidas
    assert inventario_descuadres() == []


def test_dos_retiros_a_la_vez_no_sacan_mas_de_lo_que_hay(cajero, turno_para):
    turno = turno_para(cajero)  # $500 in the drawer

    def retirar():
        return caja_movimiento_registrar(usuario=cajero, tipo="retiro", monto=D("300"), motivo="Al banco")

    resultados = en_paralelo([retirar, retirar, retirar])

    assert sum(isinstance(r, MovimientoCaja) for r in resultados) == 1, resultados
    assert sum(isinstance(r, RetiroExcedeEfectivo) for r in resultados) == 2, resultados
    assert list(MovimientoCaja.objects.filter(turno=turno).values_list("monto", flat=True)) == [D("300.00")]


def test_dos_aperturas_a_la_vez_abren_un_turno(cajero):
    resultados = en_paralelo([lambda: turno_abrir(cajero=cajero, fondo_inicial=D("100"))] * 4)
    assert sum(isinstance(r, Turno) for r in resultados) == 1, resultados
    assert all(isinstance(r, Turno) or str(r).startswith("Ya tienes un turno") for r in resultados), resultados
    assert Turno.objects.filter(id_cajero=cajero.pk).count() == 1


def _uno_retiene_y_otro_espera(primero, segundo):
    """Run ``primero`` inside a transaction left open (its row locks held), start ``segundo``
    in another thread, wait until PostgreSQL shows it waiting on a lock, then commit."""
    import threading

    from django.db import connection, transaction

    tomado, soltar, resultado = threading.Event(), threading.Event(), {}

    def retener():
        try:
            with transaction.atomic():
                resultado["primero"] = primero()
                tomado.set()
                soltar.wait(10)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            resultado["primero"] = error
            tomado.set()
        finally:
            connection.close()

    def esperar():
        try:
            resultado["segundo"] = segundo()
        except Exception as error:  # noqa: BLE001
            resultado["segundo"] = error
        finally:
            connection.close()

    hilo_1 = threading.Thread(target=retener)
    hilo_1.start()
    assert tomado.wait(10)
    hilo_2 = threading.Thread(target=esperar)
    hilo_2.start()
    try:
        for _ in range(400):  # poll the server's state (not a timing assertion)
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                               " AND datname = current_database()")
                if cursor.fetchone()[0]:
                    break
            threading.Event().wait(0.025)
        else:
            pytest.fail("el segundo nunca esperó el bloqueo del turno")
    finally:
        soltar.set()
        hilo_1.join(10)
        hilo_2.join(10)
    return resultado["primero"], resultado["segundo"]


def _preparar_venta(cajero, producto):
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    return lambda: venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro,
                                            huella=vista.huella, pagos=[], efectivo_recibido=D("100"))


def _cierre(turno, cajero):
    return lambda: turno_cerrar(turno_id=turno.pk, usuario=cajero, efectivo_contado=D("600"),
                                         tarjeta_reportado=D("0"), transferencia_reportado=D("0"))


def test_cobro_en_curso_y_luego_cierre_la_venta_se_cuenta(cajero, producto_con_existencia, turno_para):
    turno = turno_para(cajero)
    cobro = _preparar_venta(cajero, producto_con_existencia(5, precio=D("100.00")))
    (venta, creada), cerrado = _uno_retiene_y_otro_espera(cobro, _cierre(turno, cajero))
    assert creada and isinstance(cerrado, Turno), cerrado
    assert Venta.objects.get(pk=venta.pk).turno_id == turno.pk
    turno.refresh_from_db()
    assert (turno.estado, turno.efectivo_esperado, turno.efectivo_contado) == ("cerrado", D("600.00"), D("600.00"))


def test_cierre_en_curso_y_luego_cobro_se_rechaza(cajero, producto_con_existencia, turno_para):
    turno = turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("100.00"))
    cobro = _preparar_venta(cajero, producto)
    cerrado, rechazo = _uno_retiene_y_otro_espera(
        lambda: turno_cerrar(turno_id=turno.pk, usuario=cajero, efectivo_contado=D("500"),
                                      tarjeta_reportado=D("0"), transferencia_reportado=D("0")),
        cobro,
    )
    assert isinstance(cerrado, Turno) and isinstance(rechazo, TurnoNoAbierto), (cerrado, rechazo)
    assert str(rechazo) == "Abre tu turno de caja antes de cobrar."
    assert not Venta.objects.exists()
    producto.refresh_from_db()
    assert producto.existencia == 5
    turno.refresh_from_db()
    assert turno.efectivo_esperado == D("500.00")
