"""An edition's payment plan: saved whole by ``plan_guardar`` after its checks (each bad input
refused with a Spanish message and nothing written), generated as "inscripción + N
mensualidades", and kept equal to the edition's price; the admin page turns every refusal into
a form error, and the edition's page shows the plan."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cursos.exceptions import CursoError, PlanNoValido
from cursos.models import ParcialidadPlan
from cursos.services import (
    curso_actualizar,
    edicion_actualizar,
    plan_guardar,
    plan_mensualidades,
    plan_quitar,
)
from cursos.tests.factories import curso_crear, edicion_crear_prueba

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


def _hoy():
    return timezone.localdate()


def _dias(n):
    return _hoy() + datetime.timedelta(days=n)


@pytest.fixture
def edicion():
    return edicion_crear_prueba(precio=D("3000.00"))


def _plan(edicion):
    return list(ParcialidadPlan.objects.filter(edicion=edicion).order_by("numero")
                .values_list("numero", "concepto", "monto", "vence"))


def test_guarda_el_plan_y_lo_reemplaza_entero(edicion):
    plan_guardar(edicion_id=edicion.pk, parcialidades=[
        ("Inscripción", D("1000.00"), _hoy()), ("Mensualidad 1", D("1000.00"), _dias(30)),
        ("Mensualidad 2", D("1000.00"), _dias(60))])
    assert _plan(edicion) == [(1, "Inscripción", D("1000.00"), _hoy()), (2, "Mensualidad 1", D("1000.00"), _dias(30)),
                              (3, "Mensualidad 2", D("1000.00"), _dias(60))]
    plan_guardar(edicion_id=edicion.pk, parcialidades=[(1, " Primer pago ", D("1500.50"), _dias(1)),
                                                       (2, "Segundo pago", D("1499.50"), _dias(2))])
    assert _plan(edicion) == [(1, "Primer pago", D("1500.50"), _dias(1)), (2, "Segundo pago", D("1499.50"), _dias(2))]
    assert plan_quitar(edicion_id=edicion.pk) == 2 and _plan(edicion) == []


def _bueno():
    return [("Inscripción", D("1000.00"), _dias(0)), ("Mensualidad 1", D("1000.00"), _dias(30)),
            ("Mensualidad 2", D("1000.00"), _dias(60))]


def _con(i, *, concepto=None, monto=None, vence=None):
    filas = _bueno()
    c, m, v = filas[i]
    filas[i] = (c if concepto is None else concepto, m if monto is None else monto, v if vence is None else vence)
    return filas


@pytest.mark.parametrize(("parcialidades", "mensaje"), [
    (_con(2, monto=D("999.99")), r"suman \$2,999\.99 y el precio de la edición es \$3,000\.00 \(faltan \$0\.01\)"),
    (_con(2, monto=D("1000.01")), r"sobran \$0\.01"),
    (_con(1, vence=_dias(90)), "Parcialidad 3: vence el .* no es posterior a la anterior"),
    (_con(1, vence=_dias(0)), "Parcialidad 2: vence el .* no es posterior"),
    (_con(0, vence=_dias(-1)), "Parcialidad 1: la fecha .* ya pasó"),
    (_con(1, vence="2026-02-30"), "Parcialidad 2: escribe una fecha válida"),
    (_con(1, vence=datetime.datetime(2031, 1, 1, 10, 0)), "Parcialidad 2: escribe una fecha válida"),
    (_con(0, concepto="Inscripci\x00n"), "Parcialidad 1: el concepto tiene caracteres no permitidos"),
    (_con(0, concepto="   "), "Parcialidad 1: escribe el concepto"),
    (_con(0, concepto="x" * 81), "demasiado largo"),
    (_con(0, monto=D(10) ** 30), "Parcialidad 1: el monto es demasiado grande"),
    (_con(0, monto=D("-1000.00")), "Parcialidad 1: el monto debe ser mayor que cero"),
    (_con(0, monto=D("0")), "mayor que cero"),
    (_con(0, monto=D("1000.001")), "pesos y centavos"),
    (_con(0, monto=D("NaN")), "el monto va en pesos"),
    (_con(0, monto="1000.00"), "el monto va en pesos"),
    (_con(0, monto=1000.0), "el monto va en pesos"),
    (_bueno()[:1], "al menos 2 parcialidades"),
    ([("Pago", D("100.00"), _dias(i)) for i in range(25)], "como máximo 24"),
    ([(1, "A", D("1500.00"), _dias(1)), (3, "B", D("1500.00"), _dias(2))], "sin huecos"),
    ([(2, "A", D("1500.00"), _dias(1)), (1, "B", D("1500.00"), _dias(2))], "sin huecos"),
    ([("A", D("1500.00"))] * 2, "escribe concepto, monto y fecha"),
    ("Inscripción", "lista de parcialidades"),
])
def test_plan_malo_no_escribe_nada(edicion, parcialidades, mensaje):
    plan_guardar(edicion_id=edicion.pk, parcialidades=[("Antes 1", D("1500.00"), _dias(5)),
                                                       ("Antes 2", D("1500.00"), _dias(6))])
    antes = _plan(edicion)
    with pytest.raises(PlanNoValido, match=mensaje):
        plan_guardar(edicion_id=edicion.pk, parcialidades=parcialidades)
    assert _plan(edicion) == antes


def test_una_fecha_ya_pasada_que_no_cambia_se_puede_quedar(edicion):
    plan_guardar(edicion_id=edicion.pk, parcialidades=_bueno())
    # The enrollment date passes; the plan is edited later keeping it.
    ParcialidadPlan.objects.filter(edicion=edicion, numero=1).update(vence=_dias(-10))
    plan_guardar(edicion_id=edicion.pk, parcialidades=[("Inscripción", D("1000.00"), _dias(-10)),
                                                       ("Mensualidad única", D("2000.00"), _dias(20))])
    assert [p[3] for p in _plan(edicion)] == [_dias(-10), _dias(20)]
    # Moved to another past date: refused.
    with pytest.raises(PlanNoValido, match="ya pasó"):
        plan_guardar(edicion_id=edicion.pk, parcialidades=[("Inscripción", D("1000.00"), _dias(-9)),
                                                           ("Mensualidad única", D("2000.00"), _dias(20))])


def test_edicion_que_no_existe(edicion):
    with pytest.raises(PlanNoValido, match="no existe"):
        plan_guardar(edicion_id=edicion.pk + 999, parcialidades=_bueno())


def test_generar_inscripcion_mas_mensualidades_redondea_en_la_ultima():
    plan = plan_mensualidades(precio=D("1000.00"), inscripcion=D("100.00"), inscripcion_vence=datetime.date(2031, 1, 5),
                              mensualidades=7, primera_mensualidad=datetime.date(2031, 1, 31))
    assert [(p.concepto, p.monto, p.vence) for p in plan] == [
        ("Inscripción", D("100.00"), datetime.date(2031, 1, 5)),
        ("Mensualidad 1", D("128.57"), datetime.date(2031, 1, 31)),
        ("Mensualidad 2", D("128.57"), datetime.date(2031, 2, 28)),  # the month's last day
        ("Mensualidad 3", D("128.57"), datetime.date(2031, 3, 31)),
        ("Mensualidad 4", D("128.57"), datetime.date(2031, 4, 30)),
        ("Mensualidad 5", D("128.57"), datetime.date(2031, 5, 31)),
        ("Mensualidad 6", D("128.57"), datetime.date(2031, 6, 30)),
        ("Mensualidad 7", D("128.58"), datetime.date(2031, 7, 31)),
    ]
    assert sum(p.monto for p in plan) == D("1000.00")
    sin_inscripcion = plan_mensualidades(precio=D("900.00"), inscripcion=D("0"), inscripcion_vence=datetime.date(2031, 1, 5),
                                         mensualidades=3, primera_mensualidad=datetime.date(2031, 11, 15))
    assert [(p.monto, p.vence) for p in sin_inscripcion] == [
        (D("300.00"), datetime.date(2031, 11, 15)), (D("300.00"), datetime.date(2031, 12, 15)),
        (D("300.00"), datetime.date(2032, 1, 15))]


@pytest.mark.parametrize(("cambios", "mensaje"), [
    ({"mensualidades": 0}, "de 1 a 23"),
    ({"mensualidades": 24}, "de 1 a 23"),
    ({"mensualidades": True}, "de 1 a 23"),
    ({"inscripcion": D("-1")}, "de cero en adelante"),
    ({"inscripcion": D("1000.00")}, "no deja nada para las mensualidades"),
    ({"inscripcion_vence": datetime.date(2031, 2, 1)}, "antes de la primera mensualidad"),
    ({"primera_mensualidad": datetime.date(2100, 12, 1)}, "2100"),
])
def test_generar_con_datos_malos(cambios, mensaje):
    datos = {"precio": D("1000.00"), "inscripcion": D("100.00"), "inscripcion_vence": datetime.date(2031, 1, 5),
             "mensualidades": 3, "primera_mensualidad": datetime.date(2031, 2, 1), **cambios}
    with pytest.raises(PlanNoValido, match=mensaje):
        plan_mensualidades(**datos)


def test_el_precio_no_cambia_mientras_el_plan_sume_otra_cosa(edicion):
    plan_guardar(edicion_id=edicion.pk, parcialidades=_bueno())
    datos = {"fecha_inicio": edicion.fecha_inicio, "fecha_fin": edicion.fecha_fin, "cupo_maximo": edicion.cupo_maximo,
             "estado": edicion.estado}
    with pytest.raises(CursoError, match=r"plan de pagos que suma \$3,000\.00: no puede costar \$3,500\.00"):
        edicion_actualizar(edicion_id=edicion.pk, precio=D("3500.00"), **datos)
    edicion.producto.refresh_from_db()
    assert edicion.producto.precio == D("3000.00")
    edicion_actualizar(edicion_id=edicion.pk, precio=D("3000.00"), **{**datos, "cupo_maximo": 30})  # same price: fine
    # An edition following its course's list price: the course's price change is refused too.
    curso = curso_crear(precio_lista=D("1200.00"))
    sigue = edicion_crear_prueba(curso=curso)
    plan_guardar(edicion_id=sigue.pk, parcialidades=[("A", D("600.00"), _dias(1)), ("B", D("600.00"), _dias(31))])
    with pytest.raises(CursoError, match="no puede costar"):
        curso_actualizar(curso_id=curso.pk, codigo=curso.codigo, nombre=curso.nombre, modalidad=curso.modalidad,
                         duracion_horas=curso.duracion_horas, precio_lista=D("1300.00"), activo=True)
    curso.refresh_from_db()
    assert curso.precio_lista == D("1200.00")
    # Without the plan, the price moves.
    plan_quitar(edicion_id=sigue.pk)
    curso_actualizar(curso_id=curso.pk, codigo=curso.codigo, nombre=curso.nombre, modalidad=curso.modalidad,
                     duracion_horas=curso.duracion_horas, precio_lista=D("1300.00"), activo=True)


# --- The admin page ---------------------------------------------------------------------------
def _filas(*filas, total=None):
    datos = {"accion": "guardar", "plan-TOTAL_FORMS": str(total if total is not None else len(filas)),
             "plan-INITIAL_FORMS": "0", "plan-MIN_NUM_FORMS": "0", "plan-MAX_NUM_FORMS": "24"}
    for i, (concepto, monto, vence) in enumerate(filas):
        datos.update({f"plan-{i}-concepto": concepto, f"plan-{i}-monto": monto, f"plan-{i}-vence": vence})
    return datos


def test_gerente_guarda_el_plan_en_su_pagina(cliente_gerente, edicion):
    url = reverse("admin:cursos_edicion_plan", args=[edicion.pk])
    pagina = cliente_gerente.get(url)
    assert pagina.status_code == 200 and "Generar «inscripción + mensualidades»" in pagina.content.decode()
    respuesta = cliente_gerente.post(url, _filas(("Inscripción", "$1,000.00", _dias(0).isoformat()),
                                                 ("", "", ""),
                                                 ("Mensualidad", "2000", _dias(30).strftime("%d/%m/%Y"))))
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    assert _plan(edicion) == [(1, "Inscripción", D("1000.00"), _dias(0)), (2, "Mensualidad", D("2000.00"), _dias(30))]
    # The edition's change page and its public page show it.
    ficha = cliente_gerente.get(reverse("admin:cursos_edicion_change", args=[edicion.pk])).content.decode()
    assert "2 parcialidades" in ficha
    pagina = cliente_gerente.get(reverse("cursos:edicion", args=[edicion.pk])).content.decode()
    assert "Plan de pagos" in pagina and "Mensualidad" in pagina and "$2,000.00" in pagina


@pytest.mark.parametrize(("filas", "mensaje"), [
    ([("Inscripción", "1000", "+0"), ("Mensualidad", "1999.99", "+30")], "faltan $0.01"),
    ([("Inscripción", "1000", "+30"), ("Mensualidad", "2000", "+0")], "no es posterior a la anterior"),
    ([("Inscripción", "1000", "2031-02-30"), ("Mensualidad", "2000", "+30")], "La fecha 2031-02-30 no existe."),
    ([("Inscripción", "1" + "0" * 30, "+0"), ("Mensualidad", "2000", "+30")], "el importe es demasiado grande"),
    ([("Inscripción", "1²00", "+0"), ("Mensualidad", "2000", "+30")], "escribe un importe en pesos"),
    ([("Inscripción", "-1000", "+0"), ("Mensualidad", "4000", "+30")], "no puede ser negativo"),
    ([("Inscripción", "0", "+0"), ("Mensualidad", "3000", "+30")], "debe ser mayor que cero"),
    ([("Inscripción", "3000", "+0")], "al menos 2 parcialidades"),
    ([("Inscripción", "", "+0"), ("Mensualidad", "3000", "+30")], "Escribe el monto."),
    ([("Inscripción", "1000", "+0"), ("Mensualidad", "2000", "+30")] * 13, "como máximo 24"),
])
def test_plan_malo_en_la_pagina_es_error_del_formulario(cliente_gerente, edicion, filas, mensaje):
    url = reverse("admin:cursos_edicion_plan", args=[edicion.pk])

    def fecha(valor):
        return _dias(int(valor[1:])).isoformat() if valor.startswith("+") else valor

    filas = [(c, m, fecha(v)) for c, m, v in filas]
    datos = _filas(*filas)
    respuesta = cliente_gerente.post(url, datos)
    assert respuesta.status_code == 400
    assert mensaje in respuesta.content.decode()
    assert _plan(edicion) == []


def test_nul_y_numero_de_filas_manipulado_en_la_pagina(cliente_gerente, edicion):
    url = reverse("admin:cursos_edicion_plan", args=[edicion.pk])
    # NUL is refused by the input layer before the view (Spanish 400 page).
    respuesta = cliente_gerente.post(url, _filas(("Inscripci\x00n", "1000", _dias(0).isoformat()),
                                                 ("Mensualidad", "2000", _dias(30).isoformat())))
    assert respuesta.status_code == 400 and _plan(edicion) == []
    # A form claiming a million rows reads at most 24.
    respuesta = cliente_gerente.post(url, _filas(("Inscripción", "1000", _dias(0).isoformat()), total=10**6))
    assert respuesta.status_code == 400 and _plan(edicion) == []
    respuesta = cliente_gerente.post(url, {"accion": "guardar"})
    assert respuesta.status_code == 400 and "Faltan datos del formulario" in respuesta.content.decode()


def test_generar_y_quitar_en_la_pagina(cliente_gerente, edicion):
    url = reverse("admin:cursos_edicion_plan", args=[edicion.pk])
    datos = {"accion": "generar", "generar-inscripcion": "500", "generar-inscripcion_vence": _dias(0).isoformat(),
             "generar-mensualidades": "5", "generar-primera_mensualidad": _dias(10).isoformat()}
    for malo, mensaje in (({"generar-mensualidades": "²"}, "número entero"),
                          ({"generar-mensualidades": "0"}, "debe ser al menos 1"),
                          ({"generar-inscripcion": "3000"}, "no deja nada para las mensualidades"),
                          ({"generar-inscripcion_vence": _dias(-3).isoformat()}, "ya pasó"),
                          ({"generar-primera_mensualidad": "2031-02-30"}, "no existe")):
        respuesta = cliente_gerente.post(url, {**datos, **malo})
        assert respuesta.status_code == 400 and mensaje in respuesta.content.decode(), malo
        assert _plan(edicion) == []
    assert cliente_gerente.post(url, datos).status_code == 302
    plan = _plan(edicion)
    assert [p[2] for p in plan] == [D("500.00")] + [D("500.00")] * 5 and plan[1][3] == _dias(10)
    assert cliente_gerente.post(url, {"accion": "quitar"}).status_code == 302
    assert _plan(edicion) == []


def test_cambiar_el_precio_con_plan_es_error_del_formulario(cliente_gerente, edicion):
    plan_guardar(edicion_id=edicion.pk, parcialidades=_bueno())
    respuesta = cliente_gerente.post(reverse("admin:cursos_edicion_change", args=[edicion.pk]), {
        "curso": edicion.curso_id, "fecha_inicio": edicion.fecha_inicio.isoformat(),
        "fecha_fin": edicion.fecha_fin.isoformat(), "cupo_maximo": "20", "precio": "3500", "estado": "programada"})
    assert respuesta.status_code == 200
    assert "no puede costar $3,500.00" in respuesta.content.decode()
    edicion.producto.refresh_from_db()
    assert edicion.producto.precio == D("3000.00")


def test_cajero_y_consulta_no_entran_a_la_pagina_del_plan(client, cajero, consulta, edicion):
    url = reverse("admin:cursos_edicion_plan", args=[edicion.pk])
    for usuario in (cajero, consulta):
        client.force_login(usuario)
        assert client.get(url).status_code == 302  # the admin's sign-in: not staff


def test_cambiar_el_precio_de_lista_con_plan_es_error_del_formulario(cliente_gerente):
    curso = curso_crear(precio_lista=D("1200.00"))
    sigue = edicion_crear_prueba(curso=curso)
    plan_guardar(edicion_id=sigue.pk, parcialidades=[("A", D("600.00"), _dias(1)), ("B", D("600.00"), _dias(31))])
    respuesta = cliente_gerente.post(reverse("admin:cursos_curso_change", args=[curso.pk]), {
        "codigo": curso.codigo, "nombre": curso.nombre, "modalidad": curso.modalidad, "duracion_horas": "40",
        "precio_lista": "1300", "activo": "on", "ediciones-TOTAL_FORMS": "0", "ediciones-INITIAL_FORMS": "0",
        "ediciones-MIN_NUM_FORMS": "0", "ediciones-MAX_NUM_FORMS": "1000"})
    assert respuesta.status_code == 200
    assert f"La edición {sigue.producto.codigo} sigue el precio de lista" in respuesta.content.decode()
    curso.refresh_from_db()
    assert curso.precio_lista == D("1200.00")
