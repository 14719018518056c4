"""Courses and editions through the services: the product and its seats in the ledger, the
maximum moved through the ledger and never below the seats taken, prices kept in step."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from cursos.exceptions import CupoMenorQueOcupados, CursoError, EdicionConVentas
from cursos.models import Curso, Edicion, EstadoEdicion
from cursos.selectors import ediciones_con_lugares
from cursos.services import curso_actualizar, edicion_actualizar, edicion_eliminar
from cursos.tests.factories import alumno_crear, curso_crear, edicion_crear_prueba
from inventario.models import MovimientoInventario, Producto
from inventario.selectors import inventario_descuadres
from ventas.caja.cobro import venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_cliente_asignar, carrito_inscribir

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


def _vender_lugares(cajero, edicion, n):
    familia = ClienteFactory()
    carrito_cliente_asignar(cajero=cajero, cliente_id=familia.pk)
    for _ in range(n):
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno_crear(responsable=familia).pk)
    vista = carrito_de_cajero(cajero=cajero)
    return venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella, pagos=[],
                           efectivo_recibido=D("1000000"))[0]


def _cambiar(edicion, **cambios):
    datos = {"fecha_inicio": edicion.fecha_inicio, "fecha_fin": edicion.fecha_fin, "cupo_maximo": edicion.cupo_maximo,
             "precio": edicion.precio, "estado": edicion.estado}
    datos.update(cambios)
    return edicion_actualizar(edicion_id=edicion.pk, **datos)


def test_crear_una_edicion_crea_su_producto_y_sus_lugares(gerente):
    curso = curso_crear(codigo="rob-1", nombre="Robótica para niños", precio_lista=D("1500.00"))
    inicio = datetime.date(2031, 2, 3)
    edicion = edicion_crear_prueba(curso=curso, codigo=" ed-2031a ", cupo=12, usuario=gerente,
                                   fecha_inicio=inicio, fecha_fin=datetime.date(2031, 3, 28))
    producto = Producto.objects.get(pk=edicion.pk)
    assert curso.codigo == "ROB-1"
    assert (producto.tipo, producto.codigo, producto.precio, producto.tasa_iva, producto.existencia) == (
        "curso", "ED-2031A", D("1500.00"), D("0.00"), 12)
    assert producto.nombre == "Robótica para niños · edición ED-2031A (03/02/2031–28/03/2031)"
    (movimiento,) = MovimientoInventario.objects.filter(producto=producto)
    assert (movimiento.tipo, movimiento.cantidad, movimiento.existencia_resultante) == ("entrada", 12, 12)
    assert movimiento.nombre_usuario == "Gabriela Méndez"
    fila = ediciones_con_lugares().get(pk=edicion.pk)
    assert (fila.ocupados, fila.libres) == (0, 12)
    assert inventario_descuadres() == []


def test_el_precio_de_la_edicion_manda_sobre_el_de_lista():
    edicion = edicion_crear_prueba(cupo=5, precio=D("999.00"))
    assert Producto.objects.get(pk=edicion.pk).precio == D("999.00")


@pytest.mark.parametrize("cambios, campo", [
    ({"codigo": ""}, "codigo"),
    ({"cupo": 0}, "cupo_maximo"),
    ({"cupo": 10_001}, "cupo_maximo"),
    ({"precio": D("-1")}, "precio"),
    ({"fecha_inicio": datetime.date(2031, 2, 1), "fecha_fin": datetime.date(2031, 1, 1)}, "fecha_fin"),
    ({"estado": "abierta"}, "estado"),
])
def test_datos_malos_de_una_edicion_no_escriben_nada(cambios, campo):
    curso = curso_crear()
    with pytest.raises(CursoError) as error:
        edicion_crear_prueba(curso=curso, **cambios)
    assert error.value.campo == campo
    assert Producto.objects.count() == Edicion.objects.count() == MovimientoInventario.objects.count() == 0


def test_codigo_de_edicion_repetido():
    edicion_crear_prueba(codigo="ED-1")
    with pytest.raises(CursoError, match="Ya existe un producto con este código"):
        edicion_crear_prueba(codigo="ed-1")
    assert Edicion.objects.count() == 1


def test_codigo_de_curso_repetido():
    curso_crear(codigo="ROB")
    with pytest.raises(CursoError, match="Ya existe un curso con este código"):
        curso_crear(codigo="rob")
    assert Curso.objects.count() == 1


def test_cambiar_el_cupo_mueve_lugares_por_el_libro_y_no_baja_de_los_ocupados(cajero, turno_para):
    turno_para(cajero)
    edicion = edicion_crear_prueba(cupo=10)
    _vender_lugares(cajero, edicion, 4)

    edicion = _cambiar(edicion, cupo_maximo=15)
    assert Producto.objects.get(pk=edicion.pk).existencia == 11
    edicion = _cambiar(edicion, cupo_maximo=4)  # exactly the seats taken: full
    assert Producto.objects.get(pk=edicion.pk).existencia == 0
    ajustes = list(MovimientoInventario.objects.filter(producto_id=edicion.pk, tipo="ajuste").order_by("pk")
                   .values_list("cantidad", "existencia_resultante"))
    assert ajustes == [(5, 11), (-11, 0)]

    with pytest.raises(CupoMenorQueOcupados) as error:
        _cambiar(edicion, cupo_maximo=3)
    assert str(error.value) == "El cupo no puede ser menor que los lugares ya ocupados (4)."
    edicion.refresh_from_db()
    assert edicion.cupo_maximo == 4 and Producto.objects.get(pk=edicion.pk).existencia == 0
    assert MovimientoInventario.objects.filter(producto_id=edicion.pk, tipo="ajuste").count() == 2
    fila = ediciones_con_lugares().get(pk=edicion.pk)
    assert (fila.ocupados, fila.libres) == (4, 0)
    assert inventario_descuadres() == []


def test_los_precios_siguen_al_curso_y_a_la_edicion():
    curso = curso_crear(precio_lista=D("1000.00"))
    de_lista = edicion_crear_prueba(curso=curso, cupo=5)
    propia = edicion_crear_prueba(curso=curso, cupo=5, precio=D("800.00"))

    curso_actualizar(curso_id=curso.pk, codigo=curso.codigo, nombre="Robótica avanzada", modalidad="hibrido",
                     duracion_horas=60, precio_lista=D("1100.00"), activo=True)
    assert Producto.objects.get(pk=de_lista.pk).precio == D("1100.00")
    assert Producto.objects.get(pk=propia.pk).precio == D("800.00")
    assert Producto.objects.get(pk=propia.pk).nombre.startswith("Robótica avanzada · edición ")

    _cambiar(propia, precio=None)
    assert Producto.objects.get(pk=propia.pk).precio == D("1100.00")
    _cambiar(de_lista, precio=D("1250.50"))
    assert Producto.objects.get(pk=de_lista.pk).precio == D("1250.50")


def test_borrar_una_edicion_sin_ventas_si_vendida_no(cajero, turno_para):
    turno_para(cajero)
    sin_ventas = edicion_crear_prueba(cupo=5)
    edicion_eliminar(edicion_id=sin_ventas.pk)
    assert not Producto.objects.filter(pk=sin_ventas.pk).exists()
    assert not MovimientoInventario.objects.filter(producto_id=sin_ventas.pk).exists()

    vendida = edicion_crear_prueba(cupo=5)
    _vender_lugares(cajero, vendida, 1)
    with pytest.raises(EdicionConVentas):
        edicion_eliminar(edicion_id=vendida.pk)
    assert Edicion.objects.filter(pk=vendida.pk).exists()


def test_cerrar_una_edicion():
    edicion = _cambiar(edicion_crear_prueba(cupo=5), estado=EstadoEdicion.CERRADA)
    assert Edicion.objects.get(pk=edicion.pk).estado == "cerrada"
    hoy = timezone.localdate()
    assert edicion.fecha_inicio == hoy
