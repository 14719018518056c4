import pytest
from django.core.management import CommandError, call_command
from django.db import models

from inventario.models import Categoria, MovimientoInventario, Producto
from inventario.selectors import inventario_descuadres
from inventario.validators import codigo_barras_normalizar

pytestmark = pytest.mark.django_db(databases="__all__")


def test_cargar_demo_catalogo_escolar_con_libro_mayor_cuadrado():
    call_command("cargar_demo")
    assert Producto.objects.count() >= 200
    assert set(Categoria.objects.values_list("nombre", flat=True)) >= {"Uniformes", "Papelería", "Libros", "Alimentos y bebidas"}
    for codigo in Producto.objects.values_list("codigo_barras", flat=True):
        assert codigo_barras_normalizar(codigo) == codigo
    assert Producto.objects.filter(existencia__gt=0).count() == MovimientoInventario.objects.filter(tipo="entrada").count()
    assert Producto.objects.filter(categoria__nombre="Libros").exclude(tasa_iva=0).count() == 0
    assert inventario_descuadres() == []
    call_command("verificar_inventario")
    call_command("cargar_demo")  # second run: nothing duplicated
    assert Producto.objects.count() == Producto.objects.values("codigo").distinct().count()


def test_carga_masiva_con_copy():
    call_command("cargar_demo", productos=1500)
    call_command("cargar_demo", productos=500)
    assert Producto.objects.filter(codigo__startswith="GEN-").count() == 2000
    muestra = Producto.objects.filter(codigo__startswith="GEN-").order_by("?")[:50]
    for producto in muestra:
        assert codigo_barras_normalizar(producto.codigo_barras) == producto.codigo_barras
    assert inventario_descuadres() == []


def test_preparar_carga_demo_solo_si_no_hay_productos(settings):
    from ventas.models import Venta
    from ventas_ingenio.management.commands.preparar import VENTAS_DEMO

    settings.DATOS_DEMO = True
    call_command("preparar")
    total = Producto.objects.count()
    assert total > 0
    # The history and the reports have data on a fresh machine; the course seats are sold apart.
    de_cursos = Venta.objects.filter(lineas__alumno__isnull=False).distinct().count()
    assert de_cursos > 0
    assert Venta.objects.count() == VENTAS_DEMO + de_cursos
    call_command("preparar")
    assert Producto.objects.count() == total
    assert Venta.objects.count() == VENTAS_DEMO + de_cursos
    assert inventario_descuadres() == []


def test_verificar_inventario_sale_con_error_si_descuadra():
    call_command("cargar_demo")
    Producto.objects.filter(pk=Producto.objects.filter(existencia__gt=0).first().pk).update(existencia=0)
    with pytest.raises(CommandError):
        call_command("verificar_inventario")


def test_cursos_demo_con_ediciones_casi_llenas_y_familias(roles):
    from clientes.models import Cliente
    from cursos.models import Curso, Edicion, Inscripcion
    from integraciones.models import SincronizacionAlumno, SincronizacionInscripcion
    from ventas.models import Turno

    call_command("cargar_demo")
    call_command("cargar_demo", "--cursos", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Curso.objects.count() == 5
    libres = {e.producto.codigo: (e.cupo_maximo, e.producto.existencia, e.estado)
              for e in Edicion.objects.select_related("producto")}
    assert libres["MAT-R1"][1] == 0  # full
    assert libres["ING-A1"][1] == 1 and libres["ROB-P1"][1] == 2  # nearly full
    assert libres["AJD-V1"] == (16, 16, "cerrada")
    inscripciones = Inscripcion.objects.filter(estado="activa")
    assert inscripciones.count() == sum(c - f for c, f, _ in libres.values()) == 50
    # Families: one who pays for two or three children, siblings in the same edition.
    familias = Cliente.objects.filter(alumnos__inscripciones__isnull=False).distinct()
    assert all(f.alumnos.count() in (2, 3) for f in familias)
    assert Inscripcion.objects.values("edicion", "alumno__vinculos__cliente").annotate(
        n=models.Count("id")).filter(n__gt=1).exists()
    for inscripcion in inscripciones.select_related("venta_detalle__venta"):
        assert inscripcion.venta_detalle.venta.cliente.alumnos.filter(pk=inscripcion.alumno_id).exists()
    # Every seat and every alumno waits in the outbox for the worker (the sandbox, with make run).
    assert SincronizacionInscripcion.objects.filter(operacion="crear").count() == 50
    assert SincronizacionAlumno.objects.filter(alumno__inscripciones__isnull=False, sistema="sii").exists()
    turno = Turno.objects.get(nota_cierre="Inscripciones de demostración")
    assert turno.estado == "cerrado"
    assert inventario_descuadres() == []
    call_command("cargar_demo", "--cursos", stdout=open("/dev/null", "w"))  # noqa: SIM115 - once only
    assert Inscripcion.objects.count() == 50
    # One way of writing a grado across the demo (the school report groups by it), and no two
    # siblings with the same name (the roster could not tell them apart).
    from clientes.models import Alumno
    grados = set(Alumno.objects.exclude(grado="").values_list("grado", flat=True))
    assert grados <= {"1", "2", "3", "4", "5", "6"}, grados
    for familia in familias:
        nombres = [a.nombre for a in familia.alumnos.all()]
        assert len(nombres) == len(set(nombres)), (familia, nombres)


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_la_demo_solo_encola_para_sii_y_aula(roles, settings):
    """make run loads the demo before the sandbox is up: its alumnos and seats are only queued
    (the worker sends them), never tried at once, which would fail and open the circuits.
    Committed transactions here, so an immediate attempt would really run (after commit)."""
    from integraciones.models import CircuitoSistema, SincronizacionAlumno, SincronizacionInscripcion

    settings.SII_API_URL = "http://127.0.0.1:9/sii/api/alumnos/"  # nothing listens there
    settings.AULA_API_URL = "http://127.0.0.1:9/aula/api/"
    call_command("cargar_demo", "--cursos", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert SincronizacionInscripcion.objects.count() == 50 and SincronizacionAlumno.objects.exists()
    assert not SincronizacionAlumno.objects.filter(intentos__gt=0).exists()
    assert not SincronizacionInscripcion.objects.filter(intentos__gt=0).exists()
    assert not CircuitoSistema.objects.filter(abierto_hasta__isnull=False).exists()
