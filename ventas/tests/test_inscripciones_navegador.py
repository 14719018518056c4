"""The alumno picker in a real browser: an edition's scan opens it without losing the scans
queued behind it, a barcode scanned into its search is still a scan, siblings one click each;
then the mother pays the uniform and both seats and the ticket names each enrolled child."""

from decimal import Decimal

import pytest

from clientes.tests.factories import ClienteFactory
from cursos.models import Inscripcion
from cursos.tests.factories import alumno_crear, edicion_crear_prueba
from integraciones.models import SincronizacionInscripcion
from ventas.caja.services import carrito_cliente_asignar
from ventas.models import CarritoLinea, Venta
from ventas.tests.navegador import escanear, esperar_articulos

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]
D = Decimal


def test_el_selector_no_pierde_escaneos_y_acepta_hermanos(entrar, pagina, cajero, turno_para,
                                                           producto_con_existencia):
    turno_para(cajero)
    mama = ClienteFactory(nombre="Laura", apellidos="Gómez")
    carrito_cliente_asignar(cajero=cajero, cliente_id=mama.pk)
    uniforme = producto_con_existencia(10, nombre="Uniforme deportivo", precio=D("450.00"))
    playera = producto_con_existencia(10, nombre="Playera", precio=D("120.00"))
    edicion = edicion_crear_prueba(cupo=5, codigo="ROB-31", precio=D("1200.00"))
    ana = alumno_crear(nombre="Ana", apellidos="Gómez", responsable=mama)
    beto = alumno_crear(nombre="Beto", apellidos="Gómez", responsable=mama)
    entrar("/ventas/caja/", "cajero1")

    escanear(pagina, uniforme.codigo_barras)
    escanear(pagina, "ROB-31")
    escanear(pagina, playera.codigo_barras)  # queued behind the edition: not lost
    esperar_articulos(pagina, 2)
    pagina.locator("#inscribir #buscar-alumno").wait_for()
    assert pagina.locator("#inscribir").get_attribute("data-producto") == str(edicion.pk)
    pagina.wait_for_function("() => document.activeElement && document.activeElement.id === 'buscar-alumno'")
    assert list(CarritoLinea.objects.order_by("id").values_list("producto_id", flat=True)) == [uniforme.pk, playera.pk]

    # A barcode scanned while the picker's search has the focus is a scan.
    escanear(pagina, playera.codigo_barras)
    esperar_articulos(pagina, 3)
    assert pagina.locator("#buscar-alumno").input_value() == ""

    pagina.locator(f"#alumno-{ana.pk}").click()
    esperar_articulos(pagina, 4)
    pagina.locator(f"#alumno-{beto.pk}").click()
    esperar_articulos(pagina, 5)
    textos = pagina.locator("#carrito .inscripcion").all_inner_texts()
    assert textos == ["Inscripción: Ana Gómez", "Inscripción: Beto Gómez"]
    pagina.locator("#inscribir-listo").click()
    pagina.wait_for_function("() => document.getElementById('inscribir').hidden")
    assert pagina.evaluate("document.activeElement.id") == "buscar-producto"
    assert sorted(CarritoLinea.objects.exclude(alumno=None).values_list("alumno_id", flat=True)) == [ana.pk, beto.pk]

    # The mother pays the uniform, the shirts and both seats: F2 puts the total as cash, Enter charges.
    pagina.keyboard.press("F2")
    pagina.wait_for_function("() => document.activeElement.id === 'id_efectivo_recibido'")
    assert pagina.locator("#id_efectivo_recibido").input_value() == "3090.00"  # 450 + 2 × 120 + 2 × 1200
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#cambio-final")
    venta = Venta.objects.get()
    assert (venta.cliente_id, venta.total) == (mama.pk, D("3090.00"))
    inscritos = Inscripcion.objects.filter(venta_detalle__venta=venta, estado="activa")
    assert sorted(inscritos.values_list("alumno_id", flat=True)) == [ana.pk, beto.pk]
    assert SincronizacionInscripcion.objects.filter(inscripcion__in=inscritos, operacion="crear").count() == 2
    edicion.producto.refresh_from_db()
    assert edicion.producto.existencia == 3  # 5 seats, 2 taken
    pagina.keyboard.press("Enter")  # the ticket
    pagina.wait_for_url(f"**/ventas/{venta.pk}/ticket/")
    ticket = pagina.locator("article.ticket").inner_text()
    assert "Inscripción: Ana Gómez" in ticket and "Inscripción: Beto Gómez" in ticket
