"""Seats in installments at the till in a real browser: a mother buys two seats of an edition
with a payment plan for her two children and a uniform, picks "En parcialidades" with F4, pays
the first payment in cash; the ticket shows the schedule, and the next installment is paid as an
abono from the sale's page."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from cursos.models import Inscripcion
from cursos.tests.datos import plan_poner
from cursos.tests.factories import alumno_crear, edicion_crear_prueba
from ventas.caja.services import carrito_cliente_asignar
from ventas.models import Abono, Venta, VentaParcialidad
from ventas.tests.navegador import captura, escanear, esperar_articulos

pytestmark = [pytest.mark.navegador, pytest.mark.django_db(transaction=True, databases="__all__")]
D = Decimal


def test_dos_hermanos_en_parcialidades_y_un_uniforme(entrar, live_server, pagina, cajero, turno_para,
                                                    producto_con_existencia):
    turno_para(cajero)
    mama = ClienteFactory(nombre="Laura", apellidos="Gómez")
    uniforme = producto_con_existencia(10, nombre="Uniforme deportivo", precio=D("450.00"))
    edicion = edicion_crear_prueba(cupo=5, codigo="ROB-41", precio=D("3000.00"))
    plan_poner(edicion, ("Inscripción", "1000.00", 0), ("Mensualidad 1", "1000.00", 30),
               ("Mensualidad 2", "1000.00", 60))
    ana = alumno_crear(nombre="Ana", apellidos="Gómez", responsable=mama)
    beto = alumno_crear(nombre="Beto", apellidos="Gómez", responsable=mama)
    carrito_cliente_asignar(cajero=cajero, cliente_id=mama.pk)
    hoy = timezone.localdate()
    entrar("/ventas/caja/", "cajero1")

    escanear(pagina, uniforme.codigo_barras)
    escanear(pagina, "ROB-41")
    pagina.locator("#inscribir #buscar-alumno").wait_for()
    pagina.locator(f"#alumno-{ana.pk}").click()
    esperar_articulos(pagina, 2)
    pagina.locator(f"#alumno-{beto.pk}").click()
    esperar_articulos(pagina, 3)
    pagina.locator("#inscribir-listo").click()
    pagina.wait_for_function("() => document.getElementById('inscribir').hidden")
    pagina.wait_for_function("() => document.getElementById('total').textContent.trim() === '$6,450.00'")
    pagina.wait_for_selector("input[name=modalidad][value=parcialidades]", state="attached")

    # F4 walks the modes until "En parcialidades"; the first payment (uniform + both enrollments) is the minimum.
    for _ in range(3):
        if pagina.locator("input[name=modalidad][value=parcialidades]").is_checked():
            break
        pagina.keyboard.press("F4")
        pagina.wait_for_function("() => document.activeElement.id === 'id_anticipo' "
                                 "|| document.activeElement.id === 'id_efectivo_recibido'")
    assert pagina.locator("input[name=modalidad][value=parcialidades]").is_checked()
    assert pagina.locator("#id_anticipo").input_value() == "2450.00"
    assert pagina.locator("#id_efectivo_recibido").input_value() == "2450.00"
    detalle = pagina.locator(".plazo-detalle[data-modalidad=parcialidades]").inner_text()
    mes, dos_meses = hoy + datetime.timedelta(days=30), hoy + datetime.timedelta(days=60)
    assert f"{mes:%d/%m/%Y}" in detalle and f"{dos_meses:%d/%m/%Y}" in detalle and "$4,000.00" in detalle
    captura(pagina, "parcialidades-1-modalidad")

    pagina.locator("#id_anticipo").focus()
    pagina.keyboard.press("Enter")  # charge the first payment in cash
    pagina.wait_for_selector("#venta-hecha-plazo")
    venta = Venta.objects.get()
    assert (venta.modalidad, venta.cliente_id, venta.total, venta.pagado, venta.saldo, venta.vence) == (
        "parcialidades", mama.pk, D("6450.00"), D("2450.00"), D("4000.00"), mes)
    assert list(VentaParcialidad.objects.filter(venta=venta).order_by("numero").values_list("monto", "vence")) == [
        (D("2450.00"), hoy), (D("2000.00"), mes), (D("2000.00"), dos_meses)]
    inscritos = Inscripcion.objects.filter(venta_detalle__venta=venta, estado="activa")
    assert sorted(inscritos.values_list("alumno_id", flat=True)) == [ana.pk, beto.pk]

    pagina.keyboard.press("Enter")  # the ticket
    pagina.wait_for_url(f"{live_server.url}/ventas/{venta.pk}/ticket/")
    ticket = pagina.locator("#ticket-plazo").inner_text()
    assert "En parcialidades" in ticket and "$2,450.00" in ticket and "$4,000.00" in ticket
    calendario = pagina.locator("#ticket-calendario").inner_text()
    assert f"{mes:%d/%m/%Y}" in calendario and f"{dos_meses:%d/%m/%Y}" in calendario
    assert "Ana Gómez" in pagina.locator("body").inner_text() and "Beto Gómez" in pagina.locator("body").inner_text()
    captura(pagina, "parcialidades-2-ticket")

    # The next installment, as an abono: the form offers the balance; the installment's $2,000 in cash.
    pagina.goto(f"{live_server.url}/ventas/{venta.pk}/")
    captura(pagina, "parcialidades-3-venta")
    pagina.locator("#abonar").click()
    pagina.wait_for_url(f"{live_server.url}/ventas/{venta.pk}/abonar/")
    assert pagina.evaluate("document.activeElement.id") == "id_monto"
    captura(pagina, "parcialidades-4-abonar")
    pagina.keyboard.type("2000", delay=3)
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("2000", delay=3)
    pagina.keyboard.press("Enter")
    pagina.wait_for_selector("#saldo-posterior")
    assert pagina.locator("#saldo-posterior").inner_text() == "$2,000.00"
    venta.refresh_from_db()
    assert (venta.pagado, venta.saldo, venta.vence) == (D("4450.00"), D("2000.00"), dos_meses)
    assert Abono.objects.filter(venta=venta, monto=D("2000.00")).count() == 1
    captura(pagina, "parcialidades-5-abono")
