"""Cash-drawer shifts: opening, cash movements, the close and its arithmetic (services)."""

from decimal import Decimal

import pytest

from inventario.selectors import inventario_descuadres
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar
from ventas.exceptions import (
    AutorizacionRechazada,
    CierreNoValido,
    DiferenciaNoAutorizada,
    MontoNoValido,
    MotivoRequerido,
    MovimientoCajaNoValido,
    RetiroExcedeEfectivo,
    TurnoNoAbierto,
    TurnoNoEncontrado,
    TurnoYaAbierto,
    TurnoYaCerrado,
)
from ventas.models import MovimientoCaja, Pago, Turno, Venta
from ventas.politica import PERMISO_AUTORIZAR_DIFERENCIA
from ventas.tests.autorizar import autorizar
from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory
from ventas.tests.turnos_datos import devolver, vender
from ventas.turnos.selectors import turno_cuentas, turno_cuentas_guardadas, turnos_filtrar
from ventas.turnos.services import caja_movimiento_registrar, turno_abrir, turno_cerrar
from ventas_ingenio.roles import ROL_GERENTE

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
CLAVE = "clave-de-pruebas-123"


def _cerrar(turno, usuario, efectivo, tarjeta="0", transferencia="0", autorizo_usuario="", autorizo_clave="",
            **extra):
    """Close as the view does: typed Gerente credentials first become a user."""
    if autorizo_usuario:
        extra["autorizador"] = autorizar(autorizo_usuario, autorizo_clave, PERMISO_AUTORIZAR_DIFERENCIA)
    return turno_cerrar(
        turno_id=turno.pk, usuario=usuario, efectivo_contado=D(efectivo), tarjeta_reportado=D(tarjeta),
        transferencia_reportado=D(transferencia), **extra,
    )


def _sigue_abierto(turno):
    turno.refresh_from_db()
    assert turno.estado == "abierto"
    assert (turno.cerrado, turno.efectivo_contado, turno.efectivo_esperado, turno.resumen_cierre) == (None,) * 4
    assert turno.nombre_autorizo_diferencia == "" and turno.id_cerro is None


def test_abrir_turno_uno_por_cajero(cajero):
    turno = turno_abrir(cajero=cajero, fondo_inicial=D("500.00"))
    assert (turno.estado, turno.fondo_inicial, turno.nombre_cajero) == ("abierto", D("500.00"), "Carlos Ramírez")
    assert turno.abierto is not None
    with pytest.raises(TurnoYaAbierto, match="Ya tienes un turno de caja abierto"):
        turno_abrir(cajero=cajero, fondo_inicial=D("100.00"))
    assert Turno.objects.count() == 1


@pytest.mark.parametrize("fondo,mensaje", [("-1", "no puede ser negativo"), ("10.005", "2 decimales"),
                                           ("NaN", "escribe un importe"), ("1e12", "demasiado grande"),
                                           ("1e30", "demasiado grande")])
def test_fondo_no_valido(cajero, fondo, mensaje):
    with pytest.raises(MontoNoValido, match=mensaje):
        turno_abrir(cajero=cajero, fondo_inicial=D(fondo))
    assert not Turno.objects.exists()


def test_la_base_de_datos_impide_dos_turnos_abiertos(cajero, turno_para):
    from django.db import IntegrityError, transaction

    turno_para(cajero)
    # Past the service's own check, straight to the table: the partial unique index refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Turno.objects.create(id_cajero=cajero.pk, nombre_cajero="Otra pestaña", fondo_inicial=D("100.00"))


def test_cobrar_sin_turno_no_escribe_nada(cajero, producto_con_existencia, cobrar):
    producto = producto_con_existencia(5)
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    with pytest.raises(TurnoNoAbierto, match="Abre tu turno de caja antes de cobrar."):
        cobrar(cajero)
    assert not Venta.objects.exists() and not Pago.objects.exists()
    producto.refresh_from_db()
    assert producto.existencia == 5
    assert carrito_de_cajero(cajero=cajero).lineas  # the cart waits for the shift


def test_la_venta_queda_en_el_turno_y_el_turno_cerrado_ya_no_vende(cajero, producto_con_existencia, turno_para):
    turno = turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("40.00"))
    venta = vender(cajero, producto, efectivo="40")
    assert venta.turno_id == turno.pk
    _cerrar(turno, cajero, "540")
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    with pytest.raises(TurnoNoAbierto):
        vender(cajero, producto, efectivo="40")
    assert Venta.objects.count() == 1


def test_el_gerente_tambien_necesita_turno(gerente, producto_con_existencia):
    producto = producto_con_existencia(5)
    with pytest.raises(TurnoNoAbierto):
        vender(gerente, producto, efectivo="100000")
    turno = turno_abrir(cajero=gerente, fondo_inicial=D("0"))
    assert vender(gerente, producto, efectivo="100000").turno_id == turno.pk


def test_aritmetica_del_turno(cajero, gerente, producto_con_existencia, turno_para):
    """expected cash = opening + cash sales (net of change) − cash refunds + deposits − withdrawals."""
    turno = turno_para(cajero)  # fondo $500
    # Another drawer, a Gerente's: only a user who sees every cashier's sales may refund one of
    # Carlos's from their own till.
    otra = UsuarioConRolFactory(rol=ROL_GERENTE, username="otra")
    turno_otra = TurnoFactory(cajero=otra, fondo_inicial="300.00")
    cuaderno = producto_con_existencia(50, nombre="Cuaderno", precio=D("58.00"))
    mochila = producto_con_existencia(10, nombre="Mochila", precio=D("450.00"))

    en_efectivo = vender(cajero, cuaderno, cantidad=2, efectivo="200")  # 116 cobrados, cambio 84
    mixta = vender(cajero, mochila, efectivo="200", tarjeta="300")  # 150 efectivo (cambio 50) + 300 tarjeta
    vender(cajero, cuaderno, transferencia="58")  # 58 transferencia
    vender(otra, cuaderno, efectivo="58")  # another shift: not in this drawer
    devolver(en_efectivo, usuario=cajero, autorizador=gerente, metodo="efectivo")  # −58 efectivo
    # The card brought 300 of the 450, and a method never gives back more than it brought: the
    # return service refunds 300 by card and the other 150 in cash (calculos.reembolso_repartir).
    devolver(mixta, usuario=cajero, autorizador=gerente, metodo="tarjeta")  # −300 tarjeta, −150 efectivo
    devolver(en_efectivo, usuario=otra, metodo="efectivo")  # left the other drawer, not this one
    caja_movimiento_registrar(usuario=cajero, tipo="deposito", monto=D("200"), motivo="Cambio del banco")
    caja_movimiento_registrar(usuario=cajero, tipo="retiro", monto=D("300.50"), motivo="Pago a proveedor")

    cuentas = turno_cuentas(turno=turno)
    assert (cuentas.ventas, cuentas.ventas_total, cuentas.devoluciones) == (3, D("624.00"), 2)
    assert cuentas.pagos == {"efectivo": D("266.00"), "tarjeta": D("300.00"), "transferencia": D("58.00"),
                             "monedero": D("0")}
    assert cuentas.reembolsos == {"efectivo": D("208.00"), "tarjeta": D("300.00"), "transferencia": D("0"),
                                  "monedero": D("0")}
    assert (cuentas.depositos, cuentas.retiros) == (D("200.00"), D("300.50"))
    esperado_efectivo = D("500") + D("116") + D("150") - D("58") - D("150") + D("200") - D("300.50")
    assert cuentas.esperado == {"efectivo": esperado_efectivo, "tarjeta": D("0.00"), "transferencia": D("58.00")}
    otra_cuentas = turno_cuentas(turno=turno_otra)
    assert otra_cuentas.esperado["efectivo"] == D("300") + D("58") - D("58")
    assert inventario_descuadres() == []

    cerrado = turno_cerrar(
        turno_id=turno.pk, usuario=cajero, denominaciones={"b200": 2, "b50": 1, "m5": 1, "m2": 1, "m050": 1},
        tarjeta_reportado=D("150.00"), transferencia_reportado=D("58.00"),
        # the terminal reports $150 by card the system does not expect: above the limit
        autorizador=autorizar("gerente1", CLAVE, PERMISO_AUTORIZAR_DIFERENCIA),
    )
    assert esperado_efectivo == D("457.50")
    assert (cerrado.efectivo_esperado, cerrado.efectivo_contado) == (D("457.50"), D("457.50"))
    assert (cerrado.tarjeta_esperado, cerrado.tarjeta_reportado) == (D("0.00"), D("150.00"))
    assert (cerrado.transferencia_esperado, cerrado.transferencia_reportado) == (D("58.00"), D("58.00"))
    assert cerrado.conteo_denominaciones["b200"] == 2 and cerrado.conteo_denominaciones["b500"] == 0
    assert cerrado.nombre_autorizo_diferencia == "Gabriela Méndez"
    guardadas = turno_cuentas_guardadas(turno=cerrado)
    assert guardadas == cuentas


def test_cerrar_cuadrado(cajero, producto_con_existencia, turno_para):
    turno = turno_para(cajero)
    vender(cajero, producto_con_existencia(5, precio=D("99.50")), efectivo="100")
    cerrado = _cerrar(turno, cajero, "599.50", nota="  Todo bien  ")
    cerrado.refresh_from_db()
    assert (cerrado.estado, cerrado.efectivo_esperado, cerrado.efectivo_contado) == ("cerrado", D("599.50"), D("599.50"))
    assert cerrado.cerrado is not None and cerrado.nota_cierre == "Todo bien"
    assert (cerrado.id_cerro, cerrado.nombre_cerro) == (cajero.pk, "Carlos Ramírez")
    assert cerrado.nombre_autorizo_diferencia == "" and cerrado.conteo_denominaciones is None
    assert cerrado.diferencia_efectivo == D("0")


def test_diferencia_dentro_del_limite_no_pide_gerente(cajero, turno_para, settings):
    settings.DIFERENCIA_MAXIMA_CORTE = "50.00"
    turno = turno_para(cajero)
    cerrado = _cerrar(turno, cajero, "450.00")  # exactly $50 missing: allowed
    assert cerrado.diferencia_efectivo == D("-50.00") and cerrado.nombre_autorizo_diferencia == ""


def test_diferencia_arriba_del_limite_requiere_gerente(cajero, gerente, usuario_con_rol, turno_para):
    usuario_con_rol("Cajero", username="otro_cajero")
    turno = turno_para(cajero)
    with pytest.raises(DiferenciaNoAutorizada, match=r"pasa de \$50.00: un gerente debe autorizar"):
        _cerrar(turno, cajero, "449.99")
    _sigue_abierto(turno)
    with pytest.raises(AutorizacionRechazada, match="incorrectos"):
        _cerrar(turno, cajero, "449.99", autorizo_usuario="gerente1", autorizo_clave="mala")
    _sigue_abierto(turno)
    with pytest.raises(AutorizacionRechazada, match="no puede autorizar diferencias"):
        _cerrar(turno, cajero, "449.99", autorizo_usuario="otro_cajero", autorizo_clave=CLAVE)
    _sigue_abierto(turno)
    # The service itself refuses a user who may not authorise, whatever the view handed it.
    with pytest.raises(AutorizacionRechazada, match="no puede autorizar diferencias"):
        _cerrar(turno, cajero, "449.99", autorizador=cajero)
    _sigue_abierto(turno)
    cerrado = _cerrar(turno, cajero, "449.99", autorizo_usuario="gerente1", autorizo_clave=CLAVE)
    assert (cerrado.id_autorizo_diferencia, cerrado.nombre_autorizo_diferencia) == (gerente.pk, "Gabriela Méndez")
    assert cerrado.nombre_cerro == "Carlos Ramírez"


def test_sobrante_tambien_es_diferencia_y_el_limite_se_configura(cajero, turno_para, settings):
    settings.DIFERENCIA_MAXIMA_CORTE = "0"
    turno = turno_para(cajero)
    with pytest.raises(DiferenciaNoAutorizada, match=r"pasa de \$0.00"):
        _cerrar(turno, cajero, "500.00", tarjeta="0.01")
    _sigue_abierto(turno)


def test_el_gerente_autoriza_su_propio_cierre(gerente, turno_para):
    turno = turno_para(gerente)
    cerrado = _cerrar(turno, gerente, "100.00")
    assert cerrado.nombre_autorizo_diferencia == "Gabriela Méndez"


def test_cerrar_dos_veces(cajero, turno_para):
    turno = turno_para(cajero)
    _cerrar(turno, cajero, "500.00")
    antes = Turno.objects.values().get(pk=turno.pk)
    with pytest.raises(TurnoYaCerrado, match="ya está cerrado"):
        _cerrar(turno, cajero, "700.00", nota="otra vez")
    assert Turno.objects.values().get(pk=turno.pk) == antes


@pytest.mark.parametrize(
    "campos,error,mensaje",
    [
        ({"efectivo_contado": D("-1")}, MontoNoValido, "Efectivo contado: no puede ser negativo"),
        ({"tarjeta_reportado": D("-0.01")}, MontoNoValido, "Tarjeta reportada: no puede ser negativo"),
        ({"transferencia_reportado": D("1.001")}, MontoNoValido, "2 decimales"),
        ({"efectivo_contado": None, "denominaciones": {"b500": -1}}, CierreNoValido, "sin negativos"),
        ({"efectivo_contado": None, "denominaciones": {"b300": 1}}, CierreNoValido, "desconocida"),
        ({"efectivo_contado": None}, CierreNoValido, "Cuenta el efectivo"),
        ({"denominaciones": {"b200": 1}}, CierreNoValido, "no coincide"),
        ({"nota": "x" * 256}, CierreNoValido, "demasiado larga"),
    ],
)
def test_cierre_con_datos_malos_no_escribe_nada(cajero, turno_para, campos, error, mensaje):
    turno = turno_para(cajero)
    argumentos = {"turno_id": turno.pk, "usuario": cajero, "efectivo_contado": D("500"),
                  "tarjeta_reportado": D("0"), "transferencia_reportado": D("0"),
                  **campos}
    with pytest.raises(error, match=mensaje):
        turno_cerrar(**argumentos)
    _sigue_abierto(turno)


def test_cajero_no_cierra_turno_ajeno_y_gerente_si(cajero, gerente, usuario_con_rol, turno_para):
    otra = usuario_con_rol("Cajero", username="otra")
    turno = turno_para(otra)
    with pytest.raises(TurnoNoEncontrado):
        _cerrar(turno, cajero, "500")
    _sigue_abierto(turno)
    with pytest.raises(TurnoNoEncontrado):
        turno_cerrar(turno_id=10**9, usuario=gerente, efectivo_contado=D("0"), tarjeta_reportado=D("0"),
                              transferencia_reportado=D("0"))
    cerrado = _cerrar(turno, gerente, "500")
    assert (cerrado.id_cajero, cerrado.id_cerro, cerrado.nombre_cerro) == (otra.pk, gerente.pk, "Gabriela Méndez")


def test_movimientos_de_caja(cajero, producto_con_existencia, turno_para):
    turno = turno_para(cajero)
    vender(cajero, producto_con_existencia(5, precio=D("100.00")), efectivo="100")
    caja_movimiento_registrar(usuario=cajero, tipo="deposito", monto=D("50"), motivo="Morralla")
    with pytest.raises(RetiroExcedeEfectivo, match=r"\$650.00"):
        caja_movimiento_registrar(usuario=cajero, tipo="retiro", monto=D("650.01"), motivo="Depósito al banco")
    retiro = caja_movimiento_registrar(usuario=cajero, tipo="retiro", monto=D("650.00"), motivo="Al banco")
    assert (retiro.turno_id, retiro.nombre_usuario, retiro.motivo) == (turno.pk, "Carlos Ramírez", "Al banco")
    assert turno_cuentas(turno=turno).esperado["efectivo"] == D("0.00")
    assert MovimientoCaja.objects.count() == 2


@pytest.mark.parametrize(
    "tipo,monto,motivo,error,mensaje",
    [
        ("retiro", D("10"), "   ", MotivoRequerido, "Escribe el motivo"),
        ("retiro", D("0"), "x", MontoNoValido, "mayor que cero"),
        ("deposito", D("-5"), "x", MontoNoValido, "no puede ser negativo"),
        ("prestamo", D("5"), "x", MovimientoCajaNoValido, "retiro o un depósito"),
        ("deposito", D("5"), "x" * 201, MovimientoCajaNoValido, "demasiado largo"),
    ],
)
def test_movimiento_malo_no_escribe_nada(cajero, turno_para, tipo, monto, motivo, error, mensaje):
    turno_para(cajero)
    with pytest.raises(error, match=mensaje):
        caja_movimiento_registrar(usuario=cajero, tipo=tipo, monto=monto, motivo=motivo)
    assert not MovimientoCaja.objects.exists()


def test_movimiento_sin_turno(cajero):
    with pytest.raises(TurnoNoAbierto, match="antes de registrar retiros"):
        caja_movimiento_registrar(usuario=cajero, tipo="deposito", monto=D("5"), motivo="x")
    assert not MovimientoCaja.objects.exists()


def test_cuentas_con_consultas_constantes(cajero, producto_con_existencia, turno_para, django_assert_num_queries):
    turno = turno_para(cajero)
    producto = producto_con_existencia(50)
    for _ in range(5):
        vender(cajero, producto, efectivo="100000")
    with django_assert_num_queries(5):  # sales, payments, refunds, abonos, cash movements
        turno_cuentas(turno=turno)


def test_conteo_por_denominacion():
    from ventas.calculos import conteo_total

    assert conteo_total({"b20": 1, "m20": 2, "m050": 3, "b1000": 0}) == D("61.50")
    assert conteo_total({}) == D("0.00")
    for malo in ({"b20": True}, {"b20": 1.5}, {"m3": 1}, {"b500": -2}):
        with pytest.raises(ValueError):
            conteo_total(malo)


def test_diferencias_por_metodo_y_limite_exacto():
    from ventas.calculos import diferencias_calcular

    filas = diferencias_calcular(
        esperado={"efectivo": D("100"), "tarjeta": D("50"), "transferencia": D("0")},
        contado={"efectivo": D("50"), "tarjeta": D("100.01"), "transferencia": D("0")},
        limite=D("50"),
    )
    assert [(f.metodo, f.diferencia, f.excede) for f in filas] == [
        ("efectivo", D("-50"), False), ("tarjeta", D("50.01"), True), ("transferencia", D("0"), False)
    ]


def test_fechas_de_la_lista_en_hora_local(cajero, gerente, turno_para):
    """A shift opened at 23:30 in Mexico City (05:30 UTC the next day) belongs to the local day."""
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    zona = ZoneInfo("America/Mexico_City")
    turno = turno_para(cajero)
    Turno.objects.filter(pk=turno.pk).update(abierto=datetime(2026, 3, 10, 23, 30, tzinfo=zona))
    dia = datetime(2026, 3, 10).date()

    def entre(desde, hasta):
        return list(turnos_filtrar(
            usuario=gerente, desde=datetime.combine(desde, time.min, tzinfo=zona),
            hasta=datetime.combine(hasta + timedelta(days=1), time.min, tzinfo=zona),
        ))

    assert entre(dia, dia) == [turno]
    assert entre(dia + timedelta(days=1), dia + timedelta(days=1)) == []
