"""The rules the pages and the services both ask: can this sale be cancelled, can this user close
this shift. Each refusal is the domain error the service raises, so page and service say the same."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from ventas.devoluciones.selectors import venta_cancelacion_impedimento
from ventas.exceptions import (
    DevolucionNoValida,
    TurnoNoEncontrado,
    TurnoYaCerrado,
    VentaDeOtroDia,
    VentaYaCancelada,
)
from ventas.models import EstadoTurno, EstadoVenta, Turno, Venta, VentaDetalle
from ventas.turnos.selectors import turno_cierre_impedimento

# --- Can this sale be cancelled -----------------------------------------------------------------


def _venta(*, estado=EstadoVenta.COMPLETADA, fecha=None):
    return Venta(folio=42, estado=estado, fecha=fecha or timezone.now())


def _lineas(*pares):
    """(cantidad, cantidad_devuelta) per line."""
    return [VentaDetalle(cantidad=c, cantidad_devuelta=d) for c, d in pares]


def test_venta_de_hoy_con_algo_por_devolver_se_cancela():
    assert venta_cancelacion_impedimento(venta=_venta(), lineas=_lineas((3, 0))) is None
    assert venta_cancelacion_impedimento(venta=_venta(), lineas=_lineas((3, 3), (2, 1))) is None


def test_venta_ya_cancelada():
    impedimento = venta_cancelacion_impedimento(venta=_venta(estado=EstadoVenta.CANCELADA), lineas=_lineas((3, 3)))
    assert isinstance(impedimento, VentaYaCancelada)
    assert str(impedimento) == "La venta V-000042 ya está cancelada: no se puede cancelar ni devolver otra vez."


def test_venta_de_otro_dia():
    ayer = timezone.now() - timedelta(days=1)
    impedimento = venta_cancelacion_impedimento(venta=_venta(fecha=ayer), lineas=_lineas((3, 0)))
    assert isinstance(impedimento, VentaDeOtroDia)
    assert str(impedimento) == (
        f"Solo se cancelan ventas de hoy; la venta V-000042 es del {timezone.localdate(ayer):%d/%m/%Y}. "
        "Para regresar artículos registra una devolución."
    )


def test_otro_dia_es_el_dia_local():
    # 23:59 of yesterday in the shop's zone is already today in UTC: still another day.
    zona = timezone.get_default_timezone()
    anoche = datetime.combine(timezone.localdate() - timedelta(days=1), time(23, 59), tzinfo=zona)
    assert isinstance(venta_cancelacion_impedimento(venta=_venta(fecha=anoche), lineas=_lineas((1, 0))), VentaDeOtroDia)
    esta_manana = datetime.combine(timezone.localdate(), time(0, 1), tzinfo=zona)
    assert venta_cancelacion_impedimento(venta=_venta(fecha=esta_manana), lineas=_lineas((1, 0))) is None


def test_nada_por_cancelar():
    impedimento = venta_cancelacion_impedimento(venta=_venta(), lineas=_lineas((3, 3), (2, 2)))
    assert isinstance(impedimento, DevolucionNoValida)
    assert str(impedimento) == (
        "Todos los artículos de la venta V-000042 ya se devolvieron: no queda nada por cancelar."
    )


def test_el_primer_impedimento_es_el_que_se_dice():
    ayer = timezone.now() - timedelta(days=1)
    cancelada_de_ayer = _venta(estado=EstadoVenta.CANCELADA, fecha=ayer)
    assert isinstance(venta_cancelacion_impedimento(venta=cancelada_de_ayer, lineas=_lineas((1, 1))), VentaYaCancelada)
    assert isinstance(venta_cancelacion_impedimento(venta=_venta(fecha=ayer), lineas=_lineas((1, 1))), VentaDeOtroDia)


# --- Can this user close this shift -------------------------------------------------------------


@pytest.fixture
def otra(usuario_con_rol):
    return usuario_con_rol("Cajero", username="otra")


def _turno(usuario, estado=EstadoTurno.ABIERTO):
    return Turno(id_cajero=usuario.pk, estado=estado)


@pytest.mark.django_db(databases="__all__")
def test_cajero_cierra_solo_su_turno_abierto(cajero, otra):
    assert turno_cierre_impedimento(turno=_turno(cajero), usuario=cajero) is None
    assert isinstance(turno_cierre_impedimento(turno=_turno(otra), usuario=cajero), TurnoNoEncontrado)
    assert isinstance(turno_cierre_impedimento(turno=None, usuario=cajero), TurnoNoEncontrado)
    cerrado = turno_cierre_impedimento(turno=_turno(cajero, EstadoTurno.CERRADO), usuario=cajero)
    assert isinstance(cerrado, TurnoYaCerrado)
    assert str(cerrado) == "Este turno de caja ya está cerrado: no se cambió nada."


@pytest.mark.django_db(databases="__all__")
def test_turno_ajeno_cerrado_no_se_le_dice_al_cajero(cajero, otra):
    """Whose drawer is checked first: someone else's closed shift is "not found", not "closed"."""
    impedimento = turno_cierre_impedimento(turno=_turno(otra, EstadoTurno.CERRADO), usuario=cajero)
    assert isinstance(impedimento, TurnoNoEncontrado)
    assert str(impedimento) == "Ese turno de caja no existe o no es tuyo."


@pytest.mark.django_db(databases="__all__")
def test_gerente_cierra_el_turno_de_cualquiera(gerente, cajero):
    assert turno_cierre_impedimento(turno=_turno(cajero), usuario=gerente) is None
    assert isinstance(turno_cierre_impedimento(turno=_turno(cajero, EstadoTurno.CERRADO), usuario=gerente),
                      TurnoYaCerrado)
    assert isinstance(turno_cierre_impedimento(turno=None, usuario=gerente), TurnoNoEncontrado)


@pytest.mark.django_db(databases="__all__")
def test_consulta_no_cierra_turnos_ajenos(consulta, cajero):
    assert isinstance(turno_cierre_impedimento(turno=_turno(cajero), usuario=consulta), TurnoNoEncontrado)
