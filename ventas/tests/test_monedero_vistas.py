"""The customer account on the pages: the till's payment, the ticket, the return and cancel forms,
the client's page and the Gerente's adjustment page — with hostile input on the new fields."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from clientes.models import Cliente
from clientes.tests.factories import ClienteFactory
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.models import Monedero, MovimientoMonedero, Reembolso, Venta
from ventas.monedero.selectors import monedero_descuadres, monedero_saldo
from ventas.monedero.services import monedero_ajustar
from ventas.tests.factories import linea, producto_con_existencia, vender
from ventas.turnos.selectors import turno_abierto, turno_cuentas

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


@pytest.fixture
def cliente(gerente):
    cliente = ClienteFactory(nombre="Marta", apellidos="Solís")
    monedero_ajustar(cliente_id=cliente.pk, monto=D("120.00"), motivo="Saldo inicial", usuario=gerente,
                     autorizador=gerente)
    return cliente


def _carrito_con_cliente(cajero, cliente, precio="200.00"):
    producto = producto_con_existencia(5, nombre="Diccionario", precio=D(precio))
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    vista = carrito_de_cajero(cajero=cajero)
    return producto, {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella}


def test_la_caja_muestra_el_saldo_y_cobra_con_el(cliente_cajero, cajero, turno_para, cliente):
    turno_para(cajero)
    _, datos = _carrito_con_cliente(cajero, cliente)
    html = cliente_cajero.get(reverse("ventas:caja")).content.decode()
    assert "Saldo a favor: $120.00" in html
    assert 'id="saldo-disponible">$120.00' in html and 'name="monedero_monto"' in html

    respuesta = cliente_cajero.post(reverse("ventas:cobrar"),
                                    {**datos, "monedero_monto": "120", "efectivo_recibido": "100"})
    venta = Venta.objects.get()
    assert respuesta.status_code == 302 and respuesta.url == reverse("ventas:ticket", args=[venta.pk])
    ticket = cliente_cajero.get(respuesta.url).content.decode()
    assert "Saldo a favor</dt><dd>$120.00" in ticket
    assert "Saldo a favor usado</dt><dd>$120.00" in ticket and "Saldo a favor restante</dt><dd>$0.00" in ticket
    assert "Cambio</dt><dd>$20.00" in ticket
    assert monedero_saldo(cliente_id=cliente.pk) == D("0.00")
    # Corte: only the cash part is in the drawer; the credit is listed apart.
    turno = turno_abierto(cajero=cajero)
    assert turno_cuentas(turno=turno).esperado["efectivo"] == D("500.00") + D("80.00")
    corte = cliente_cajero.get(reverse("ventas:turno")).content.decode()
    assert "usado en ventas $120.00" in corte


def test_la_caja_sin_saldo_no_ofrece_el_campo(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    _carrito_con_cliente(cajero, ClienteFactory())
    html = cliente_cajero.get(reverse("ventas:caja")).content.decode()
    assert 'name="monedero_monto"' not in html and "Saldo a favor:" not in html


@pytest.mark.parametrize("valor,mensaje", [
    ("120.01", "Saldo a favor insuficiente: el cliente tiene $120.00 y se quieren usar $120.01."),
    ("-5", "Saldo a favor: no puede ser negativo."),
    ("1" + "0" * 30, "Saldo a favor: el importe es demasiado grande"),
    ("²", "Saldo a favor: escribe un importe en pesos"),
    ("1.005", "Saldo a favor: usa como máximo 2 decimales"),
    ("250", "El pago con saldo a favor excede lo que falta por cobrar"),
])
def test_saldo_hostil_en_el_cobro_no_escribe_nada(cliente_cajero, cajero, turno_para, cliente, valor, mensaje):
    turno_para(cajero)
    _, datos = _carrito_con_cliente(cajero, cliente)
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"),
                                    {**datos, "monedero_monto": valor, "efectivo_recibido": "200"}, follow=True)
    assert respuesta.status_code == 200
    assert mensaje in respuesta.content.decode()
    assert not Venta.objects.exists()
    assert monedero_saldo(cliente_id=cliente.pk) == D("120.00") and MovimientoMonedero.objects.count() == 1


def test_nul_en_el_saldo_es_un_400_sin_escribir(cliente_cajero, cajero, turno_para, cliente):
    turno_para(cajero)
    _, datos = _carrito_con_cliente(cajero, cliente)
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"),
                                    {**datos, "monedero_monto": "5\x00", "efectivo_recibido": "200"})
    assert respuesta.status_code == 400
    assert not Venta.objects.exists() and monedero_saldo(cliente_id=cliente.pk) == D("120.00")


def test_saldo_cero_en_el_cobro_es_como_no_usarlo(cliente_cajero, cajero, turno_para, cliente):
    turno_para(cajero)
    _, datos = _carrito_con_cliente(cajero, cliente)
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"),
                                    {**datos, "monedero_monto": "0", "efectivo_recibido": "200"})
    assert respuesta.status_code == 302
    assert list(Venta.objects.get().pagos.values_list("metodo", flat=True)) == ["efectivo"]
    assert monedero_saldo(cliente_id=cliente.pk) == D("120.00")


def test_devolver_a_saldo_a_favor_desde_el_formulario(cliente_gerente, gerente, cajero, turno_para, cliente):
    turno_para(cajero)
    turno_para(gerente)
    producto, _ = _carrito_con_cliente(cajero, cliente, precio="50.00")
    venta = vender(cajero, [])
    url = reverse("ventas:venta_devolver", args=[venta.pk])
    html = cliente_gerente.get(url).content.decode()
    assert '<option value="monedero">Saldo a favor</option>' in html
    respuesta = cliente_gerente.post(url, {
        "clave": str(uuid.uuid4()), "motivo": "No le quedó", "metodo_reembolso": "monedero",
        f"linea_{linea(venta, producto).pk}": "1",
    })
    assert respuesta.status_code == 302
    ticket = cliente_gerente.get(respuesta.url).content.decode()
    assert "Reembolso en saldo a favor</dt><dd>$50.00" in ticket
    assert "Saldo a favor del cliente</dt><dd>$170.00" in ticket
    assert list(Reembolso.objects.values_list("metodo", "monto")) == [("monedero", D("50.00"))]
    assert monedero_saldo(cliente_id=cliente.pk) == D("170.00")
    detalle = cliente_gerente.get(reverse("clientes:detalle", args=[cliente.pk])).content.decode()
    assert 'id="monedero-saldo">$170.00' in detalle and "Abono por devolución" in detalle
    assert turno_cuentas(turno=turno_abierto(cajero=gerente)).esperado["efectivo"] == D("500.00")


def test_cancelar_a_saldo_a_favor_desde_el_formulario(cliente_gerente, gerente, cajero, turno_para, cliente):
    turno_para(cajero)
    turno_para(gerente)
    _carrito_con_cliente(cajero, cliente, precio="75.00")
    venta = vender(cajero, [])
    url = reverse("ventas:venta_cancelar", args=[venta.pk])
    assert "Como saldo a favor del cliente" in cliente_gerente.get(url).content.decode()
    respuesta = cliente_gerente.post(url, {"clave": str(uuid.uuid4()), "motivo": "Error", "metodo_reembolso": "monedero"})
    assert respuesta.status_code == 302
    assert monedero_saldo(cliente_id=cliente.pk) == D("195.00")
    malo = cliente_gerente.post(url, {"clave": str(uuid.uuid4()), "motivo": "x", "metodo_reembolso": "tarjeta"})
    assert malo.status_code == 422


def test_la_venta_al_publico_no_ofrece_saldo_a_favor(cliente_gerente, gerente, cajero, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("10.00"))
    venta = vender(cajero, [(producto, 1)])
    assert "monedero" not in cliente_gerente.get(reverse("ventas:venta_devolver", args=[venta.pk])).content.decode()
    assert "saldo a favor" not in cliente_gerente.get(reverse("ventas:venta_cancelar", args=[venta.pk])).content.decode()


def test_ajuste_del_gerente_desde_su_pagina(cliente_gerente, cliente):
    url = reverse("ventas:monedero_ajustar", args=[cliente.pk])
    assert 'id="saldo-actual">$120.00' in cliente_gerente.get(url).content.decode()
    respuesta = cliente_gerente.post(url, {"sentido": "quitar", "monto": "20", "motivo": "Corrección de captura"})
    assert respuesta.status_code == 302 and respuesta.url == reverse("clientes:detalle", args=[cliente.pk])
    assert monedero_saldo(cliente_id=cliente.pk) == D("100.00")
    detalle = cliente_gerente.get(respuesta.url).content.decode()
    assert "Ajuste del gerente" in detalle and "Corrección de captura" in detalle and "Ajustar saldo" in detalle


@pytest.mark.parametrize("datos,mensaje", [
    ({"sentido": "quitar", "monto": "120.01", "motivo": "x"}, "el cliente tiene $120.00 y se quieren usar $120.01"),
    ({"sentido": "agregar", "monto": "0", "motivo": "x"}, "El monto debe ser mayor que cero."),
    ({"sentido": "agregar", "monto": "-5", "motivo": "x"}, "El monto debe ser mayor que cero."),
    ({"sentido": "agregar", "monto": "1" + "0" * 30, "motivo": "x"}, "el importe es demasiado grande"),
    ({"sentido": "agregar", "monto": "5\x00", "motivo": "x"}, "caracteres de control"),
    ({"sentido": "agregar", "monto": "²", "motivo": "x"}, "escribe un importe en pesos"),
    ({"sentido": "agregar", "monto": "5", "motivo": "  "}, "Escribe el motivo del ajuste."),
    ({"sentido": "agregar", "monto": "5", "motivo": "a\x00b"}, "caracteres de control"),
    ({"sentido": "regalar", "monto": "5", "motivo": "x"}, "Elige si agregas o quitas saldo."),
])
def test_ajuste_hostil_no_escribe_nada(cliente_gerente, cliente, datos, mensaje):
    respuesta = cliente_gerente.post(reverse("ventas:monedero_ajustar", args=[cliente.pk]), datos)
    assert respuesta.status_code == 400
    assert mensaje in respuesta.content.decode()
    assert monedero_saldo(cliente_id=cliente.pk) == D("120.00") and MovimientoMonedero.objects.count() == 1


def test_ajuste_al_publico_en_general_o_a_nadie(cliente_gerente, cliente):
    publico = Cliente.objects.get(es_publico_general=True)
    respuesta = cliente_gerente.post(reverse("ventas:monedero_ajustar", args=[publico.pk]),
                                     {"sentido": "agregar", "monto": "5", "motivo": "x"})
    assert respuesta.status_code == 400 and "público en general no tiene saldo a favor" in respuesta.content.decode()
    assert not Monedero.objects.filter(cliente=publico).exists()
    assert cliente_gerente.get(reverse("ventas:monedero_ajustar", args=[999999])).status_code == 404
    assert monedero_descuadres() == []


def test_un_cajero_no_ajusta_saldo(cliente_cajero, cliente):
    url = reverse("ventas:monedero_ajustar", args=[cliente.pk])
    assert cliente_cajero.get(url).status_code == 403
    assert cliente_cajero.post(url, {"sentido": "agregar", "monto": "5", "motivo": "x"}).status_code == 403
    assert monedero_saldo(cliente_id=cliente.pk) == D("120.00")
    detalle = cliente_cajero.get(reverse("clientes:detalle", args=[cliente.pk])).content.decode()
    assert 'id="monedero-saldo">$120.00' in detalle and "Ajustar saldo" not in detalle


def test_consulta_ve_el_saldo_pero_no_ajusta(cliente_consulta, cliente):
    url = reverse("ventas:monedero_ajustar", args=[cliente.pk])
    assert cliente_consulta.get(url).status_code == 403
    detalle = cliente_consulta.get(reverse("clientes:detalle", args=[cliente.pk])).content.decode()
    assert 'id="monedero-saldo">$120.00' in detalle and "Ajustar saldo" not in detalle


def test_anonimo_va_al_inicio_de_sesion(client, cliente):
    respuesta = client.get(reverse("ventas:monedero_ajustar", args=[cliente.pk]))
    assert respuesta.status_code == 302 and respuesta.url.startswith(reverse("login"))


def test_historial_csv_y_resumen_con_saldo_a_favor(cliente_gerente, gerente, turno_para, cliente):
    turno_para(gerente)
    _, datos = _carrito_con_cliente(gerente, cliente, precio="30.00")
    cliente_gerente.post(reverse("ventas:cobrar"), {**datos, "monedero_monto": "30", "efectivo_recibido": "0"})
    venta = Venta.objects.get()
    otra = vender(gerente, [(producto_con_existencia(5, precio=D("10.00")), 1)])
    html = cliente_gerente.get(reverse("ventas:historial"), {"metodo": "monedero"}).content.decode()
    assert '<option value="monedero" selected>Saldo a favor</option>' in html
    assert venta.folio_texto in html and otra.folio_texto not in html
    csv = b"".join(cliente_gerente.get(reverse("ventas:historial_exportar"), {"metodo": "monedero"}).streaming_content)
    assert venta.folio_texto in csv.decode() and "monedero" in csv.decode()
    resumen = cliente_gerente.get(reverse("ventas:resumen")).content.decode()
    assert "Saldo a favor" in resumen
