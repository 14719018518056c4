"""Courses and editions in the admin, as a Gerente uses it: pages, Spanish form errors, and the
product admin refusing to treat an edition's seats as goods."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from cursos.models import Curso, Edicion
from cursos.tests.factories import alumno_crear, curso_crear, edicion_crear_prueba
from inventario.models import MovimientoInventario, Producto
from inventario.selectors import inventario_descuadres
from ventas.caja.cobro import venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_cliente_asignar, carrito_inscribir

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
INLINE = {"ediciones-TOTAL_FORMS": "0", "ediciones-INITIAL_FORMS": "0", "ediciones-MIN_NUM_FORMS": "0",
          "ediciones-MAX_NUM_FORMS": "1000"}


def _vender(cajero, edicion, n):
    familia = ClienteFactory()
    carrito_cliente_asignar(cajero=cajero, cliente_id=familia.pk)
    for _ in range(n):
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno_crear(responsable=familia).pk)
    vista = carrito_de_cajero(cajero=cajero)
    venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=[],
                    efectivo_recibido=D("1000000"))


def _edicion_datos(edicion, **cambios):
    datos = {"curso": edicion.curso_id, "fecha_inicio": edicion.fecha_inicio.isoformat(),
             "fecha_fin": edicion.fecha_fin.isoformat(), "cupo_maximo": str(edicion.cupo_maximo),
             "precio": "", "estado": edicion.estado}
    datos.update(cambios)
    return datos


def test_gerente_crea_un_curso_y_una_edicion(cliente_gerente):
    respuesta = cliente_gerente.post(reverse("admin:cursos_curso_add"), {
        "codigo": " ing-a1 ", "nombre": "Inglés A1", "modalidad": "en_linea", "duracion_horas": "60",
        "precio_lista": "$2,400.00", "activo": "on", **INLINE})
    assert respuesta.status_code == 302, respuesta.content.decode()[:2000]
    curso = Curso.objects.get()
    assert (curso.codigo, curso.precio_lista) == ("ING-A1", D("2400.00"))

    respuesta = cliente_gerente.post(reverse("admin:cursos_edicion_add"), {
        "curso": curso.pk, "codigo": "ing-a1-2031", "fecha_inicio": "2031-01-10", "fecha_fin": "2031-06-30",
        "cupo_maximo": "25", "precio": "", "estado": "programada"})
    assert respuesta.status_code == 302, respuesta.content.decode()[:2000]
    producto = Producto.objects.get()
    assert (producto.tipo, producto.codigo, producto.existencia, producto.precio) == ("curso", "ING-A1-2031", 25,
                                                                                      D("2400.00"))
    assert Edicion.objects.get().producto_id == producto.pk
    assert MovimientoInventario.objects.get(producto=producto).nombre_usuario == "Gabriela Méndez"

    lista = cliente_gerente.get(reverse("admin:cursos_edicion_changelist")).content.decode()
    assert "ING-A1-2031" in lista and "Inglés A1" in lista


@pytest.mark.parametrize("cambios, mensaje", [
    ({"cupo_maximo": "abc"}, "Escribe el cupo como número entero."),
    ({"cupo_maximo": "0"}, "El cupo debe ser de al menos 1 lugar."),
    ({"cupo_maximo": "١٢"}, "Escribe el cupo como número entero."),
    ({"precio": "-5"}, "no puede ser negativo"),
    ({"fecha_fin": "2031-01-01"}, "La fecha de fin no puede ser anterior a la de inicio."),
    ({"fecha_inicio": "2031-02-30"}, "La fecha 2031-02-30 no existe."),
    ({"codigo": ""}, "Escribe el código de la edición."),
    ({"codigo": "ya-existe"}, "Ya existe un producto con este código."),
    ({"curso": "999999"}, "Ese curso no existe."),
])
def test_datos_malos_al_crear_una_edicion(cliente_gerente, cambios, mensaje):
    curso = curso_crear()
    edicion_crear_prueba(codigo="YA-EXISTE", curso=curso)
    antes = (Producto.objects.count(), Edicion.objects.count(), MovimientoInventario.objects.count())
    datos = {"curso": curso.pk, "codigo": "NUEVA", "fecha_inicio": "2031-01-10", "fecha_fin": "2031-06-30",
             "cupo_maximo": "10", "precio": "", "estado": "programada", **cambios}
    respuesta = cliente_gerente.post(reverse("admin:cursos_edicion_add"), datos)
    assert respuesta.status_code == 200
    assert mensaje in respuesta.content.decode()
    assert (Producto.objects.count(), Edicion.objects.count(), MovimientoInventario.objects.count()) == antes


def test_el_cupo_no_baja_de_los_lugares_ocupados(cliente_gerente, cajero, turno_para):
    turno_para(cajero)
    edicion = edicion_crear_prueba(cupo=10)
    _vender(cajero, edicion, 6)
    url = reverse("admin:cursos_edicion_change", args=[edicion.pk])

    pagina = cliente_gerente.get(url).content.decode()
    assert "ocupados" in pagina.lower()
    respuesta = cliente_gerente.post(url, _edicion_datos(edicion, cupo_maximo="5"))
    assert respuesta.status_code == 200
    assert "El cupo no puede ser menor que los lugares ya ocupados (6)." in respuesta.content.decode()
    assert Producto.objects.get(pk=edicion.pk).existencia == 4

    respuesta = cliente_gerente.post(url, _edicion_datos(edicion, cupo_maximo="6", precio="1999.90"))
    assert respuesta.status_code == 302
    producto = Producto.objects.get(pk=edicion.pk)
    assert (producto.existencia, producto.precio) == (0, D("1999.90"))
    assert Edicion.objects.get(pk=edicion.pk).cupo_maximo == 6
    assert inventario_descuadres() == []

    lista = cliente_gerente.get(reverse("admin:cursos_edicion_changelist") + "?lugares=llena").content.decode()
    assert producto.codigo in lista


def test_una_edicion_vendida_no_se_borra_una_sin_vender_si(cliente_gerente, cajero, turno_para):
    turno_para(cajero)
    vendida = edicion_crear_prueba(cupo=3)
    _vender(cajero, vendida, 1)
    assert cliente_gerente.get(reverse("admin:cursos_edicion_delete", args=[vendida.pk])).status_code == 403
    assert cliente_gerente.post(reverse("admin:cursos_edicion_delete", args=[vendida.pk]),
                                {"post": "yes"}).status_code == 403
    assert Edicion.objects.filter(pk=vendida.pk).exists()

    libre = edicion_crear_prueba(cupo=3)
    respuesta = cliente_gerente.post(reverse("admin:cursos_edicion_delete", args=[libre.pk]), {"post": "yes"})
    assert respuesta.status_code == 302
    assert not Producto.objects.filter(pk=libre.pk).exists()
    assert inventario_descuadres() == []


def test_el_admin_de_productos_no_toca_los_lugares_de_una_edicion(cliente_gerente):
    edicion = edicion_crear_prueba(cupo=8)
    for vista, datos in (("entrada", {"cantidad": "5", "nota": "x"}),
                         ("ajuste", {"existencia_nueva": "50", "existencia_anterior": "8", "motivo": "x"})):
        respuesta = cliente_gerente.post(reverse(f"admin:inventario_producto_{vista}", args=[edicion.pk]), datos,
                                         follow=True)
        assert respuesta.redirect_chain[-1][0] == reverse("admin:cursos_edicion_change", args=[edicion.pk])
        assert "es una edición de un curso" in respuesta.content.decode()
    assert Producto.objects.get(pk=edicion.pk).existencia == 8
    assert MovimientoInventario.objects.filter(producto_id=edicion.pk).count() == 1
    # Its product page is read-only (no price nor stock to edit there).
    pagina = cliente_gerente.get(reverse("admin:inventario_producto_change", args=[edicion.pk])).content.decode()
    assert 'name="precio"' not in pagina and "Edición del curso" in pagina
    respuesta = cliente_gerente.post(reverse("admin:inventario_producto_change", args=[edicion.pk]),
                                     {"precio": "1", "codigo": "X"})
    assert respuesta.status_code == 403
    assert Producto.objects.get(pk=edicion.pk).precio == D("1500.00")


def test_la_lista_de_productos_no_edita_el_precio_de_una_edicion(cliente_gerente):
    edicion = edicion_crear_prueba(cupo=8)
    url = reverse("admin:inventario_producto_changelist")
    datos = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
             "form-MAX_NUM_FORMS": "1000", "form-0-id": str(edicion.pk), "form-0-precio": "1.00", "_save": "Guardar"}
    cliente_gerente.post(url, datos)
    assert Producto.objects.get(pk=edicion.pk).precio == D("1500.00")


def test_curso_cambia_su_precio_y_sus_ediciones_lo_siguen(cliente_gerente):
    curso = curso_crear(precio_lista=D("1000.00"))
    edicion = edicion_crear_prueba(curso=curso, cupo=5, fecha_inicio=timezone.localdate(),
                                   fecha_fin=timezone.localdate() + datetime.timedelta(days=3))
    respuesta = cliente_gerente.post(reverse("admin:cursos_curso_change", args=[curso.pk]), {
        "codigo": curso.codigo, "nombre": curso.nombre, "modalidad": "presencial", "duracion_horas": "40",
        "precio_lista": "1300", "activo": "on", **INLINE, "ediciones-INITIAL_FORMS": "1", "ediciones-TOTAL_FORMS": "1",
        "ediciones-0-producto": str(edicion.pk), "ediciones-0-curso": str(curso.pk)})
    assert respuesta.status_code == 302, respuesta.content.decode()[:3000]
    assert Producto.objects.get(pk=edicion.pk).precio == D("1300.00")


def test_si_un_lugar_se_vende_entre_el_formulario_y_el_guardado(cliente_gerente, cajero, turno_para, monkeypatch):
    """The form's check passed on what it read; under the product's lock the service sees the
    seats sold meanwhile and refuses: a message on the same page, nothing written, no 500."""
    turno_para(cajero)
    edicion = edicion_crear_prueba(cupo=10)
    _vender(cajero, edicion, 6)
    monkeypatch.setattr("cursos.forms.edicion_ocupados", lambda **_: 0)  # what a form read before the sales
    url = reverse("admin:cursos_edicion_change", args=[edicion.pk])
    respuesta = cliente_gerente.post(url, _edicion_datos(edicion, cupo_maximo="5"), follow=True)
    assert respuesta.status_code == 200
    assert "El cupo no puede ser menor que los lugares ya ocupados (6)." in [str(m) for m in respuesta.context["messages"]]
    assert Edicion.objects.get(pk=edicion.pk).cupo_maximo == 10
    assert Producto.objects.get(pk=edicion.pk).existencia == 4
    assert not MovimientoInventario.objects.filter(producto_id=edicion.pk, tipo="ajuste").exists()


def test_el_admin_nombra_la_edicion_por_su_codigo(cliente_gerente):
    """The confirmation, the title and the breadcrumb of an edition name it by the code the
    cashier scans, not by its internal id."""
    curso = curso_crear()
    respuesta = cliente_gerente.post(reverse("admin:cursos_edicion_add"), {
        "curso": curso.pk, "codigo": "py-07", "fecha_inicio": "2031-01-10", "fecha_fin": "2031-06-30",
        "cupo_maximo": "5", "precio": "", "estado": "programada", "_continue": "1"}, follow=True)
    edicion = Edicion.objects.get()
    pagina = respuesta.content.decode()
    assert "PY-07" in pagina.split('class="messagelist"')[1].split("</ul>")[0]
    assert f"<h2>{edicion.pk}</h2>" not in pagina and "<h2>PY-07</h2>" in pagina
    assert str(edicion) == "PY-07"
