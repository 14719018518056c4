"""30 cashiers at once for the last 3 seats of an edition: real threads against PostgreSQL."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from clientes.tests.factories import ClienteFactory
from cursos.models import Inscripcion
from cursos.tests.factories import alumno_crear, edicion_crear_prueba
from integraciones.models import SincronizacionInscripcion
from inventario.models import MovimientoInventario, Producto
from inventario.selectors import inventario_descuadres
from ventas.caja.cobro import venta_confirmar
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_cliente_asignar, carrito_inscribir
from ventas.exceptions import InscripcionNoValida
from ventas.models import Venta, VentaDetalle
from ventas_ingenio.tests.hilos import en_paralelo

pytestmark = pytest.mark.django_db(transaction=True, databases="__all__")


def _cobro(cajero):
    vista = carrito_de_cajero(cajero=cajero)
    clave, huella = vista.carrito.clave_cobro, vista.huella
    return lambda: venta_confirmar(
        cajero=cajero, clave_cobro=clave, huella=huella, pagos=[], efectivo_recibido=Decimal("100000")
    )


def test_treinta_cajeros_por_los_ultimos_tres_lugares(usuario_con_rol, turno_para):
    edicion = edicion_crear_prueba(cupo=10, precio=Decimal("900.00"))
    nombre = Producto.objects.get(pk=edicion.pk).nombre
    # 7 of the 10 seats are already sold: 3 left.
    vendedor = usuario_con_rol("Cajero", username="previo")
    turno_para(vendedor)
    familia = ClienteFactory()
    carrito_cliente_asignar(cajero=vendedor, cliente_id=familia.pk)
    for _ in range(7):
        carrito_inscribir(cajero=vendedor, producto_id=edicion.pk, alumno_id=alumno_crear(responsable=familia).pk)
    _cobro(vendedor)()
    assert Producto.objects.get(pk=edicion.pk).existencia == 3

    cajeros = []
    for i in range(30):
        cajero = usuario_con_rol("Cajero", username=f"inscribe{i}")
        turno_para(cajero)
        padre = ClienteFactory()
        carrito_cliente_asignar(cajero=cajero, cliente_id=padre.pk)
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno_crear(responsable=padre).pk)
        cajeros.append(cajero)

    resultados = en_paralelo([_cobro(c) for c in cajeros])

    ventas = [r[0] for r in resultados if isinstance(r, tuple)]
    rechazos = [r for r in resultados if isinstance(r, InscripcionNoValida)]
    assert len(ventas) == 3, resultados
    assert len(rechazos) == 27, resultados
    assert {str(r) for r in rechazos} == {f"{nombre}: la edición está llena, no quedan lugares."}
    nuevas = Inscripcion.objects.filter(venta_detalle__venta__in=ventas)
    assert nuevas.count() == 3 and set(nuevas.values_list("estado", flat=True)) == {"activa"}
    assert SincronizacionInscripcion.objects.filter(inscripcion__in=nuevas, operacion="crear").count() == 3
    assert Inscripcion.objects.count() == SincronizacionInscripcion.objects.count() == 10
    assert Venta.objects.count() == 4
    assert VentaDetalle.objects.filter(producto_id=edicion.pk).count() == 10
    producto = Producto.objects.get(pk=edicion.pk)
    assert producto.existencia == 0 and edicion.cupo_maximo - producto.existencia == edicion.cupo_maximo
    assert MovimientoInventario.objects.filter(producto_id=edicion.pk, tipo="venta").count() == 10  # one per seat
    assert inventario_descuadres() == []
    call_command("verificar_inventario", stdout=io.StringIO())  # raises CommandError if anything is off


def test_diez_cajeros_inscriben_al_mismo_alumno_una_sola_vez(usuario_con_rol, turno_para):
    """Plenty of seats, one alumno in ten carts (ten relatives at ten tills): the edition's row
    lock orders the checkouts and the rules, read after it, see the first enrollment."""
    edicion = edicion_crear_prueba(cupo=50)
    nombre = Producto.objects.get(pk=edicion.pk).nombre
    alumno = alumno_crear(nombre="Ana", apellidos="Gómez")
    cajeros = []
    for i in range(10):
        cajero = usuario_con_rol("Cajero", username=f"mismo{i}")
        turno_para(cajero)
        carrito_cliente_asignar(cajero=cajero, cliente_id=ClienteFactory().pk)
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno.pk)
        cajeros.append(cajero)

    resultados = en_paralelo([_cobro(c) for c in cajeros])

    assert len([r for r in resultados if isinstance(r, tuple)]) == 1, resultados
    rechazos = [r for r in resultados if isinstance(r, InscripcionNoValida)]
    assert {str(r) for r in rechazos} == {f"Ana Gómez ya está inscrito en {nombre}."} and len(rechazos) == 9
    assert Inscripcion.objects.filter(alumno=alumno).count() == 1
    assert SincronizacionInscripcion.objects.count() == 1
    assert Producto.objects.get(pk=edicion.pk).existencia == 49
    assert inventario_descuadres() == []


def test_bajar_el_cupo_mientras_se_cobra(usuario_con_rol, turno_para, gerente):
    """The manager lowers the maximum to the seats taken while 5 cashiers charge the last 5 seats:
    both take the product's row lock, so either the seats were sold first (the new maximum is
    refused: it would be below them) or the maximum went first (the sales are refused: full).
    Never more seats taken than the maximum."""
    from cursos.exceptions import CupoMenorQueOcupados
    from cursos.models import Edicion
    from cursos.services import edicion_actualizar

    edicion = edicion_crear_prueba(cupo=5)
    cajeros = []
    for i in range(5):
        cajero = usuario_con_rol("Cajero", username=f"cupo{i}")
        turno_para(cajero)
        padre = ClienteFactory()
        carrito_cliente_asignar(cajero=cajero, cliente_id=padre.pk)
        carrito_inscribir(cajero=cajero, producto_id=edicion.pk, alumno_id=alumno_crear(responsable=padre).pk)
        cajeros.append(cajero)

    def bajar():
        return edicion_actualizar(edicion_id=edicion.pk, fecha_inicio=edicion.fecha_inicio,
                                  fecha_fin=edicion.fecha_fin, cupo_maximo=1, precio=None, estado=edicion.estado,
                                  usuario=gerente)

    resultados = en_paralelo([bajar, *[_cobro(c) for c in cajeros]])

    assert all(isinstance(r, (tuple, InscripcionNoValida, CupoMenorQueOcupados, Edicion)) for r in resultados), resultados
    vendidos = len([r for r in resultados[1:] if isinstance(r, tuple)])
    cupo = Edicion.objects.get(pk=edicion.pk).cupo_maximo
    libres = Producto.objects.get(pk=edicion.pk).existencia
    assert cupo - libres == vendidos == Inscripcion.objects.count()
    assert (cupo == 1) == isinstance(resultados[0], Edicion)
    assert vendidos <= cupo and libres >= 0
    assert inventario_descuadres() == []
