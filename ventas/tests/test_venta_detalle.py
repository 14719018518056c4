"""A sale's page: lines, payments, discounts, movements, returns; who may open it. (Enrollments
under course lines and their Aula state: cursos/tests/test_vistas.py.)"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from clientes.tests.factories import ClienteFactory
from ventas.caja.cobro import PagoDatos
from ventas.caja.services import (
    carrito_agregar,
    carrito_autorizar_descuentos,
    carrito_cliente_asignar,
    carrito_linea_cambiar,
)
from ventas.models import Devolucion, Venta
from ventas.politica import PERMISO_AUTORIZAR
from ventas.tests.autorizar import autorizar
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


@pytest.fixture
def venta(cajero, gerente, producto_con_existencia, turno_para, cobrar):
    """A sale with a client, a discount authorised by a manager, card + cash with change."""
    turno_para(cajero)
    playera = producto_con_existencia(10, nombre="Playera polo talla 8", precio=D("189.00"), codigo="UNI-POL-8")
    agua = producto_con_existencia(10, nombre="Agua natural 600 ml", precio=D("14.00"), codigo="ALI-AGU",
                                   tasa_iva=D("0.00"))
    cliente = ClienteFactory(nombre="Regina", apellidos="Flores Cruz", email="regina@correo.mx")
    linea = carrito_agregar(cajero=cajero, producto_id=playera.pk, cantidad=2)
    carrito_agregar(cajero=cajero, producto_id=agua.pk)
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    carrito_autorizar_descuentos(
        cajero=cajero, autorizador=autorizar(gerente.username, "clave-de-pruebas-123", PERMISO_AUTORIZAR)
    )
    carrito_linea_cambiar(cajero=cajero, linea_id=linea.pk, cantidad=2, descuento=D("75.60"))
    venta, _ = cobrar(cajero, pagos=[PagoDatos(metodo="tarjeta", monto=D("100.00"), referencia="Aut. 123456")],
                      efectivo="300")
    return venta


def test_pagina_de_la_venta(cliente_consulta, venta):
    respuesta = cliente_consulta.get(reverse("ventas:venta_detalle", args=[venta.pk]))
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert f"Venta {venta.folio_texto}" in html
    assert "UNI-POL-8 Playera polo talla 8" in html and "ALI-AGU Agua natural 600 ml" in html
    assert "−$75.60" in html and "autorizó Gabriela Méndez" in html  # discount and who authorised it
    assert venta.total == D("316.40")
    assert "Tarjeta" in html and "Aut. 123456" in html and "$216.40" in html  # cash part
    assert "$83.60" in html  # change from $300
    # Who pays is not sent to SII or Aula any more (issue 14): no sync line for the client.
    assert "Regina Flores Cruz" in html and 'id="sincronizacion"' not in html
    assert html.count("Venta</td>") == 2  # two stock movements, one per line
    assert "−2" in html or "-2" in html
    assert "Esta venta no tiene devoluciones ni cancelación." in html
    assert reverse("ventas:ticket", args=[venta.pk]) in html  # reprint (actions partial)
    # Spanish writes month and weekday in lower case ("Lunes 30 de noviembre de 2026").
    fecha = timezone.localtime(venta.fecha)
    mes = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre")[fecha.month - 1]
    assert f" {fecha.day} de {mes} de {fecha.year}, " in html


def test_consultas_fijas(cliente_consulta, venta, django_assert_max_num_queries):
    with django_assert_max_num_queries(8, connection=connections[DB_NEGOCIO]):
        cliente_consulta.get(reverse("ventas:venta_detalle", args=[venta.pk]))


def test_publico_general(cliente_gerente, cajero, producto_con_existencia, turno_para, cobrar):
    turno_para(cajero)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(3).pk)
    venta, _ = cobrar(cajero)
    html = cliente_gerente.get(reverse("ventas:venta_detalle", args=[venta.pk])).content.decode()
    assert "Público en general" in html and "linea-inscripcion" not in html


def test_devoluciones_y_cancelacion(cliente_gerente, gerente):
    call_command("cargar_demo", "--ventas", "1500", stdout=io.StringIO())
    devolucion = Devolucion.objects.filter(tipo="devolucion").select_related("venta").first()
    html = cliente_gerente.get(reverse("ventas:venta_detalle", args=[devolucion.venta_id])).content.decode()
    assert f"Devolución {devolucion.folio_texto}" in html and devolucion.motivo in html
    assert "Devolución parcial" in html and "Devueltas" in html
    assert f"autorizó {devolucion.nombre_autorizo}" in html
    reembolso = devolucion.reembolsos.first()
    assert f"{reembolso.get_metodo_display()} ${reembolso.monto:,.2f}" in html
    # The units that came back, in the movements: a partial return is not a cancellation.
    movimientos = html[html.index('id="movimientos"'):]
    assert ">Devolución</td>" in movimientos and "Cancelación de venta" not in movimientos
    cancelada = Venta.objects.filter(estado="cancelada").first()
    html = cliente_gerente.get(reverse("ventas:venta_detalle", args=[cancelada.pk])).content.decode()
    assert "Cancelada" in html and "Cancelación D-" in html
    movimientos = html[html.index('id="movimientos"'):]
    assert ">Cancelación de venta</td>" in movimientos and ">Devolución</td>" not in movimientos


def test_cajero_solo_las_suyas(client, cajero, usuario_con_rol, venta):
    client.force_login(cajero)
    assert client.get(reverse("ventas:venta_detalle", args=[venta.pk])).status_code == 200
    otro = usuario_con_rol("Cajero", username="otro")
    client.force_login(otro)
    respuesta = client.get(reverse("ventas:venta_detalle", args=[venta.pk]))
    assert respuesta.status_code == 404  # another cashier's sale: not even its existence is revealed


def test_no_existe_404(cliente_gerente, db):
    assert cliente_gerente.get(reverse("ventas:venta_detalle", args=[999999])).status_code == 404


def test_historial_enlaza_a_la_venta(cliente_gerente, venta):
    html = cliente_gerente.get(reverse("ventas:historial")).content.decode()
    assert f'href="{reverse("ventas:venta_detalle", args=[venta.pk])}">{venta.folio_texto}</a>' in html
