"""Course seats sold in installments: when the enrollment starts (INSCRIPCION_ACTIVA_DESDE), the
hook the abono calls once the sale is paid, a return that cancels the balance, and overdue
installments on the sale's page, the edition's roster and the alumno's page.

Dates are moved, never waited for: a sale is back-dated with its schedule (``_retroceder``),
and the schedule's states are computed for given days."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from cursos.models import Inscripcion
from cursos.selectors import inscripciones_vigentes, pago_estado
from cursos.services import inscripcion_espera_liquidar, inscripciones_liquidadas_activar
from cursos.tests.datos import abonar, alumno_crear, inscribir_a_plazos, plan_poner
from cursos.tests.factories import edicion_crear_prueba
from integraciones.models import SincronizacionInscripcion
from ventas import calculos
from ventas.caja.services import carrito_cliente_asignar, carrito_inscribir
from ventas.exceptions import InscripcionNoValida
from ventas.historial.selectors import venta_calendario
from ventas.models import Venta, VentaParcialidad
from ventas.tests.factories import devolver, linea, producto_con_existencia

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


def _hoy():
    return timezone.localdate()


def _dias(n):
    return _hoy() + datetime.timedelta(days=n)


@pytest.fixture
def familia():
    return ClienteFactory(nombre="Laura", apellidos="Gómez")


@pytest.fixture
def edicion():
    """$3,000.00 in three installments: today, in 30 and in 60 days; three seats."""
    edicion = edicion_crear_prueba(precio=D("3000.00"), cupo=3)
    plan_poner(edicion, ("Inscripción", "1000.00", 0), ("Mensualidad 1", "1000.00", 30), ("Mensualidad 2", "1000.00", 60))
    return edicion


def _encoladas(inscripcion):
    return list(SincronizacionInscripcion.objects.filter(inscripcion=inscripcion).values_list("operacion", flat=True))


def test_primer_pago_inscribe_y_encola_al_cobrar(cajero, turno_para, familia, edicion):
    turno_para(cajero)
    alumno = alumno_crear(1, responsable=familia)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=familia)
    assert (venta.modalidad, venta.pagado, venta.saldo, venta.vence) == ("parcialidades", D("1000.00"), D("2000.00"),
                                                                        _dias(30))
    inscripcion = Inscripcion.objects.get(alumno=alumno)
    assert inscripcion.estado == "activa" and _encoladas(inscripcion) == ["crear"]


def test_liquidado_espera_sin_encolar_hasta_que_se_paga(cajero, turno_para, familia, edicion, settings):
    settings.INSCRIPCION_ACTIVA_DESDE = "liquidado"
    turno_para(cajero)
    alumno = alumno_crear(1, responsable=familia)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=familia)
    inscripcion = Inscripcion.objects.get(alumno=alumno)
    assert inscripcion.estado == "por_pagar" and _encoladas(inscripcion) == []
    # The seat is taken, and the alumno cannot be sold it twice.
    edicion.producto.refresh_from_db()
    assert edicion.producto.existencia == 2
    assert inscripciones_vigentes(pares={(alumno.pk, edicion.pk)}) == {(alumno.pk, edicion.pk)}
    carrito_cliente_asignar(cajero=cajero, cliente_id=familia.pk)
    with pytest.raises(InscripcionNoValida):
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno.pk)

    # An abono that leaves a balance changes nothing; the hook is idempotent.
    assert abonar(venta, "1000.00") == []
    assert inscripciones_liquidadas_activar(venta_id=venta.pk) == []
    inscripcion.refresh_from_db()
    assert inscripcion.estado == "por_pagar" and _encoladas(inscripcion) == []
    # The abono that settles it activates and queues it, in its transaction.
    assert abonar(venta, "1000.00") == [inscripcion.pk]
    inscripcion.refresh_from_db()
    assert inscripcion.estado == "activa" and _encoladas(inscripcion) == ["crear"]
    assert inscripciones_liquidadas_activar(venta_id=venta.pk) == []
    assert _encoladas(inscripcion) == ["crear"]


def test_liquidado_pagado_completo_al_cobrar_queda_activa(cajero, turno_para, familia, edicion, settings):
    settings.INSCRIPCION_ACTIVA_DESDE = "liquidado"
    turno_para(cajero)
    alumno = alumno_crear(1, responsable=familia)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=familia, anticipo="3000.00")
    assert venta.saldo == 0
    inscripcion = Inscripcion.objects.get(alumno=alumno)
    assert inscripcion.estado == "activa" and _encoladas(inscripcion) == ["crear"]


def test_liquidado_devolver_el_lugar_lo_cancela_sin_tocar_aula(cajero, gerente, turno_para, familia, edicion, settings):
    settings.INSCRIPCION_ACTIVA_DESDE = "liquidado"
    turno_para(cajero)
    turno_para(gerente)
    alumno = alumno_crear(1, responsable=familia)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=familia)
    devolver(venta, [(linea(venta, edicion.producto), 1)], usuario=gerente, metodo="monedero")
    inscripcion = Inscripcion.objects.get(alumno=alumno)
    assert inscripcion.estado == "cancelada" and _encoladas(inscripcion) == []
    edicion.producto.refresh_from_db()
    assert edicion.producto.existencia == 3


def test_liquidado_devolucion_que_salda_la_venta_activa_la_inscripcion(cajero, gerente, turno_para, familia, edicion,
                                                                      settings):
    settings.INSCRIPCION_ACTIVA_DESDE = "liquidado"
    turno_para(cajero)
    turno_para(gerente)
    uniforme = producto_con_existencia(5, precio=D("250.00"))
    alumno = alumno_crear(1, responsable=familia)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=familia,
                               articulos=[(uniforme, 1)])
    assert (venta.pagado, venta.saldo) == (D("1250.00"), D("2000.00"))
    assert abonar(venta, "1750.00") == []  # $250 still owed: the uniform's price
    # Returning the uniform cancels what is owed (nothing is refunded): the sale is paid.
    devolver(venta, [(linea(venta, uniforme), 1)], usuario=gerente)
    venta.refresh_from_db()
    assert (venta.saldo, venta.pagado) == (D("0.00"), D("3000.00"))
    inscripcion = Inscripcion.objects.get(alumno=alumno)
    assert inscripcion.estado == "activa" and _encoladas(inscripcion) == ["crear"]


def test_ajuste_desconocido_se_dice(settings):
    settings.INSCRIPCION_ACTIVA_DESDE = "al_inscribir"
    with pytest.raises(ImproperlyConfigured, match="primer_pago"):
        inscripcion_espera_liquidar()


# --- The schedule's states ----------------------------------------------------------------------
class _P:
    def __init__(self, numero, monto, vence):
        self.numero, self.concepto, self.monto, self.vence = numero, f"Pago {numero}", D(monto), vence


PLAN = [_P(1, "1000.00", datetime.date(2031, 1, 10)), _P(2, "1000.00", datetime.date(2031, 2, 10)),
        _P(3, "1000.00", datetime.date(2031, 3, 10))]


@pytest.mark.parametrize(("pagado", "devuelto", "hoy", "estados"), [
    ("1000.00", "0", datetime.date(2031, 1, 10), ["pagada", "pendiente", "pendiente"]),
    ("1000.00", "0", datetime.date(2031, 2, 10), ["pagada", "pendiente", "pendiente"]),  # due today: not yet late
    ("1000.00", "0", datetime.date(2031, 2, 11), ["pagada", "vencida", "pendiente"]),
    ("1500.00", "0", datetime.date(2031, 2, 1), ["pagada", "parcial", "pendiente"]),
    ("1500.00", "0", datetime.date(2031, 3, 11), ["pagada", "vencida", "vencida"]),
    ("0.00", "0", datetime.date(2031, 1, 9), ["pendiente", "pendiente", "pendiente"]),
    ("3000.00", "0", datetime.date(2032, 1, 1), ["pagada", "pagada", "pagada"]),
    # A return cancels from the end: $1,500 returned leaves #3 without charge and half of #2.
    ("1000.00", "1500.00", datetime.date(2031, 2, 11), ["pagada", "vencida", "devuelta"]),
    ("1500.00", "1500.00", datetime.date(2031, 2, 11), ["pagada", "pagada", "devuelta"]),
])
def test_estados_de_las_parcialidades(pagado, devuelto, hoy, estados):
    filas = calculos.parcialidades_aplicar(parcialidades=PLAN, pagado=D(pagado), devuelto=D(devuelto), hoy=hoy)
    assert [f.estado for f in filas] == estados
    assert sum(f.cubierto for f in filas) == min(D(pagado), D("3000.00") - D(devuelto))
    assert sum(f.debe for f in filas) == D("3000.00") - D(devuelto) - D(pagado)


def test_pago_estado_del_asiento():
    hoy = datetime.date(2031, 2, 11)
    assert pago_estado(venta_estado="completada", cantidad_devuelta=0).texto == "Pagado"
    vencida = pago_estado(venta_estado="completada", cantidad_devuelta=0, estado_pago="parcial", saldo=D("2000"),
                          vence=datetime.date(2031, 2, 10), hoy=hoy)
    assert (vencida.estado, str(vencida)) == ("vencida", "Vencida desde el 10/02/2031 · debe $2,000.00")
    al_dia = pago_estado(venta_estado="completada", cantidad_devuelta=0, estado_pago="parcial", saldo=D("2000"),
                         vence=hoy, hoy=hoy)
    assert str(al_dia) == "Parcial · debe $2,000.00 · próximo pago 11/02/2031"
    assert pago_estado(venta_estado="cancelada", cantidad_devuelta=1, estado_pago="parcial", saldo=D("5"),
                       vence=datetime.date(2000, 1, 1)).texto == "Venta cancelada"


def _retroceder(venta, dias):
    """The sale and its schedule as if sold ``dias`` days ago."""
    delta = datetime.timedelta(days=dias)
    for p in VentaParcialidad.objects.filter(venta=venta):
        p.vence -= delta
        p.save(update_fields=["vence"])
    Venta.objects.filter(pk=venta.pk).update(fecha=venta.fecha - delta, vence=venta.vence - delta)
    venta.refresh_from_db()


def test_venta_atrasada_se_ve_vencida_en_sus_paginas(cliente_gerente, cajero, turno_para, familia, edicion):
    turno_para(cajero)
    alumno = alumno_crear(1, responsable=familia)
    otro = alumno_crear(2, responsable=familia)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=familia)
    al_dia = inscribir_a_plazos(cajero=cajero, alumnos=[otro], edicion=edicion, cliente=familia)
    _retroceder(venta, 45)  # the first monthly payment fell due 15 days ago
    assert venta.vencida and venta.vence == _dias(-15)
    assert [f.estado for f in venta_calendario(venta=venta)] == ["pagada", "vencida", "pendiente"]

    pagina = cliente_gerente.get(reverse("ventas:venta_detalle", args=[venta.pk])).content.decode()
    assert "Plan de pagos" in pagina and "Vencida" in pagina and f"vencido desde el {_dias(-15):%d/%m/%Y}" in pagina
    fila = pagina[pagina.index('id="parcialidad-2"'):]
    assert "Vencida" in fila[:fila.index("</tr>")]
    texto = f"Vencida desde el {_dias(-15):%d/%m/%Y} · debe $2,000.00"
    lista = cliente_gerente.get(reverse("cursos:edicion", args=[edicion.pk])).content.decode()
    assert texto in lista and f"Parcial · debe $2,000.00 · próximo pago {_dias(30):%d/%m/%Y}" in lista
    ficha = cliente_gerente.get(reverse("clientes:alumno_detalle", args=[alumno.pk])).content.decode()
    assert texto in ficha
    # Paid up to date, it is no longer overdue anywhere.
    abonar(venta, "1000.00")
    lista = cliente_gerente.get(reverse("cursos:edicion", args=[edicion.pk])).content.decode()
    assert "Vencida" not in lista and f"próximo pago {_dias(15):%d/%m/%Y}" in lista
    pagina = cliente_gerente.get(reverse("ventas:venta_detalle", args=[al_dia.pk])).content.decode()
    assert "Vencida" not in pagina and "Pendiente" in pagina


def test_venta_de_contado_no_muestra_plan(cliente_gerente, cajero, turno_para):
    from ventas.tests.factories import vender

    turno_para(cajero)
    venta = vender(cajero, [(producto_con_existencia(3, precio=D("80.00")), 1)])
    assert venta_calendario(venta=venta) == []
    assert "Plan de pagos" not in cliente_gerente.get(reverse("ventas:venta_detalle", args=[venta.pk])).content.decode()


def test_la_pagina_de_la_venta_no_crece_en_consultas(cliente_gerente, cajero, turno_para, familia, edicion,
                                                     django_assert_max_num_queries):
    turno_para(cajero)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno_crear(1, responsable=familia),
                                                       alumno_crear(2, responsable=familia)],
                               edicion=edicion, cliente=familia)
    with django_assert_max_num_queries(30):
        assert cliente_gerente.get(reverse("ventas:venta_detalle", args=[venta.pk])).status_code == 200


def test_el_abono_que_liquida_activa_la_inscripcion(cajero, turno_para, familia, edicion, settings):
    """The real abono service calls the hook: with "liquidado" the seat waits through a partial
    abono and starts (queued for Aula) with the abono that settles the sale."""
    import uuid

    from ventas.abonos.services import abono_registrar

    settings.INSCRIPCION_ACTIVA_DESDE = "liquidado"
    turno_para(cajero)
    alumno = alumno_crear(1, responsable=familia)
    venta = inscribir_a_plazos(cajero=cajero, alumnos=[alumno], edicion=edicion, cliente=familia)
    abono_registrar(usuario=cajero, venta_id=venta.pk, metodo="efectivo", monto=D("1000.00"), clave=uuid.uuid4(),
                    recibido=D("1000.00"))
    inscripcion = Inscripcion.objects.get(alumno=alumno)
    assert inscripcion.estado == "por_pagar" and _encoladas(inscripcion) == []
    abono_registrar(usuario=cajero, venta_id=venta.pk, metodo="tarjeta", monto=D("1000.00"), clave=uuid.uuid4())
    inscripcion.refresh_from_db()
    assert inscripcion.estado == "activa" and _encoladas(inscripcion) == ["crear"]
