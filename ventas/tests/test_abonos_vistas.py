"""The abono pages over HTTP: find a sale by folio, take an abono (POST/redirect/GET), its receipt;
every refusal answered in Spanish with a 4xx or a form error and no row written; abonos on the
sale, client, shift and daily-summary pages."""

import datetime
import uuid
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clientes.models import Cliente
from clientes.tests.factories import ClienteFactory
from ventas.models import Abono, MovimientoMonedero, Venta
from ventas.monedero.services import monedero_ajustar
from ventas.tests.abonos_datos import a_plazos, apartado
from ventas.tests.factories import cancelar, producto_con_existencia, vender
from ventas.turnos.selectors import turno_abierto

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


@pytest.fixture
def cliente():
    return ClienteFactory(nombre="Marta", apellidos="Ríos")


@pytest.fixture
def venta(cajero, turno_para, cliente):
    """An apartado of $1,000.00 with $200.00 paid: $800.00 owed."""
    turno_para(cajero)
    return apartado(cajero, cliente)


def _datos(**cambios):
    datos = {"clave": str(uuid.uuid4()), "metodo": "efectivo", "monto": "300.00", "recibido": "", "referencia": "",
             "excedente": ""}
    datos.update(cambios)
    return datos


def _texto(respuesta) -> str:
    return respuesta.content.decode()


def _sin_abonos(venta, pagado="200.00"):
    venta.refresh_from_db()
    assert venta.pagado == D(pagado)
    assert not Abono.objects.exists()
    assert not MovimientoMonedero.objects.filter(tipo__in=["excedente_abono", "pago"]).exists()


# --- Finding the sale ---------------------------------------------------------------------------


@pytest.mark.parametrize("escrito", ["{folio}", "V-{folio:06d}", "v{folio:06d}", " V-{folio} ", "{folio:06d}"])
def test_buscar_por_folio_escrito_o_escaneado(cliente_cajero, venta, escrito):
    respuesta = cliente_cajero.get(reverse("ventas:abonos"), {"folio": escrito.format(folio=venta.folio)})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == reverse("ventas:abonar", args=[venta.pk])


@pytest.mark.parametrize("hostil", ["' OR 1=1 --", "١٢٣", "²", "\u202e1", "x" * 5000, "V-" + "9" * 30, "-1", "1.5",
                                    "<script>alert(1)</script>", "0"])
def test_buscar_con_entradas_hostiles(cliente_cajero, venta, hostil):
    respuesta = cliente_cajero.get(reverse("ventas:abonos"), {"folio": hostil})
    assert respuesta.status_code == 400
    assert "folio" in _texto(respuesta).lower() and "<script>alert(1)" not in _texto(respuesta)


def test_buscar_un_folio_que_no_existe(cliente_cajero, venta):
    respuesta = cliente_cajero.get(reverse("ventas:abonos"), {"folio": "V-999999"})
    assert respuesta.status_code == 404 and "No existe la venta V-999999." in _texto(respuesta)


def test_consulta_no_abona(client, consulta, venta):
    client.force_login(consulta)
    assert client.get(reverse("ventas:abonos")).status_code == 403
    assert client.get(reverse("ventas:abonar", args=[venta.pk])).status_code == 403
    assert client.post(reverse("ventas:abonar", args=[venta.pk]), _datos()).status_code == 403
    _sin_abonos(venta)


# --- The abono page and its receipt --------------------------------------------------------------


def test_pagina_del_abono_muestra_saldo_y_sugiere_el_saldo(cliente_cajero, venta):
    respuesta = cliente_cajero.get(reverse("ventas:abonar", args=[venta.pk]))
    html = _texto(respuesta)
    assert respuesta.status_code == 200
    assert "$1,000.00" in html and "$200.00" in html and "$800.00" in html
    assert respuesta.context["formulario"].initial["monto"] == "800.00"
    assert f"{venta.vence:%d/%m/%Y}" in html and "Sin abonos todavía." in html


def test_parcialidades_sugieren_la_actual_y_muestran_el_plan(cliente_cajero, cajero, turno_para, cliente):
    turno_para(cajero)
    venta = a_plazos(cajero, cliente, montos=("500.00", "700.00", "800.00"), dias=(0, 30, 60))
    respuesta = cliente_cajero.get(reverse("ventas:abonar", args=[venta.pk]))
    assert respuesta.context["formulario"].initial["monto"] == "700.00"
    estados = [(p.numero, p.estado) for p in respuesta.context["parcialidades"]]
    assert estados == [(1, "pagada"), (2, "pendiente"), (3, "pendiente")]
    # Overdue installments: everything due by today is offered.
    Venta.objects.filter(pk=venta.pk).update(vence=timezone.localdate() - datetime.timedelta(days=1))
    from ventas.models import VentaParcialidad
    VentaParcialidad.objects.filter(venta=venta, numero__in=[2, 3]).update(
        vence=timezone.localdate() - datetime.timedelta(days=1))
    respuesta = cliente_cajero.get(reverse("ventas:abonar", args=[venta.pk]))
    assert respuesta.context["formulario"].initial["monto"] == "1500.00"
    assert "Vencida" in _texto(respuesta)


def test_abono_en_efectivo_y_su_comprobante(cliente_cajero, cajero, venta):
    respuesta = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(recibido="500"))
    abono = Abono.objects.get()
    assert respuesta.status_code == 302 and respuesta["Location"] == reverse("ventas:abono_ticket", args=[abono.pk])
    ticket = cliente_cajero.get(respuesta["Location"])
    html = _texto(ticket)
    assert ticket.status_code == 200
    for texto in (abono.folio_texto, venta.folio_texto, "Marta Ríos", "Saldo anterior", "$800.00",
                  "Saldo después del abono", "$500.00", "Cambio", "$200.00", f"{venta.vence:%d/%m/%Y}",
                  "Carlos Ramírez"):
        assert texto in html, texto
    assert abono.turno == turno_abierto(cajero=cajero)


def test_el_mismo_formulario_dos_veces_es_un_abono(cliente_cajero, venta):
    datos = _datos(monto="100")
    primera = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), datos)
    segunda = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), datos)
    assert primera.status_code == segunda.status_code == 302 and primera["Location"] == segunda["Location"]
    venta.refresh_from_db()
    assert Abono.objects.count() == 1 and venta.pagado == D("300.00")
    # Same key, other amount: refused in Spanish, nothing more written.
    otra = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), {**datos, "monto": "150"})
    assert otra.status_code == 422 and "ya se usó para el abono" in _texto(otra)
    assert Abono.objects.count() == 1


# --- Every refusal over HTTP: 4xx, Spanish, nothing written ---------------------------------------


@pytest.mark.parametrize(("cambios", "mensaje"), [
    ({"monto": "0"}, "debe ser mayor que cero"),
    ({"monto": "-50"}, "no puede ser negativo"),
    ({"monto": "10.005"}, "como máximo 2 decimales"),
    ({"monto": "1" + "0" * 30}, "demasiado grande"),
    ({"monto": "NaN"}, "escribe un importe en pesos"),
    ({"monto": "١٢٣"}, "escribe un importe en pesos"),
    ({"monto": ""}, "escribe el importe"),
    ({"monto": "300", "recibido": "100"}, "no alcanza"),
    ({"monto": "900"}, "elige si el excedente se entrega como cambio"),
    ({"monto": "900", "metodo": "tarjeta", "excedente": "cambio"}, "con tarjeta no hay cambio"),
    ({"monto": "900", "metodo": "transferencia", "excedente": "cambio"}, "por transferencia no hay cambio"),
    ({"metodo": "bitcoin"}, "Elige cómo paga"),
    ({"excedente": "regalo"}, "Elige qué se hace con el excedente"),
    ({"metodo": "monedero", "monto": "50"}, "Saldo a favor insuficiente"),
    ({"clave": "no-es-uuid"}, "El formulario está incompleto"),
    ({"referencia": "x" * 61}, "como máximo 60 caracteres"),
])
def test_rechazos_por_http(cliente_cajero, venta, cambios, mensaje):
    respuesta = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(**cambios))
    assert respuesta.status_code == 422
    assert mensaje in _texto(respuesta)
    _sin_abonos(venta)


def test_venta_cancelada_por_http(cliente_cajero, gerente, turno_para, venta):
    turno_para(gerente)
    cancelar(venta, usuario=gerente)
    pagina = cliente_cajero.get(reverse("ventas:abonar", args=[venta.pk]))
    assert "está cancelada: no recibe abonos" in _texto(pagina) and 'id="form-abono"' not in _texto(pagina)
    respuesta = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos())
    assert respuesta.status_code == 422 and "está cancelada: no recibe abonos" in _texto(respuesta)
    assert not Abono.objects.exists()


def test_venta_pagada_por_http(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    venta = vender(cajero, [(producto_con_existencia(3, precio=D("50.00")), 1)])
    assert 'id="form-abono"' not in _texto(cliente_cajero.get(reverse("ventas:abonar", args=[venta.pk])))
    respuesta = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(monto="10"))
    assert respuesta.status_code == 422 and "ya está pagada" in _texto(respuesta)
    assert not Abono.objects.exists()


def test_apartado_vencido_por_http(cliente_cajero, venta):
    ayer = timezone.localdate() - datetime.timedelta(days=1)
    Venta.objects.filter(pk=venta.pk).update(vence=ayer)
    respuesta = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos())
    assert respuesta.status_code == 422 and f"El apartado venció el {ayer:%d/%m/%Y}" in _texto(respuesta)
    # It tells the cashier what really happens next: nothing renews an apartado.
    assert "renueve" not in _texto(respuesta) and "la mercancía regresa al inventario" in _texto(respuesta)
    _sin_abonos(venta)


def test_mas_saldo_a_favor_del_que_tiene_por_http(cliente_cajero, gerente, venta, cliente):
    monedero_ajustar(cliente_id=cliente.pk, monto=D("40.00"), motivo="Saldo", usuario=gerente, autorizador=gerente)
    respuesta = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(metodo="monedero", monto="50"))
    assert respuesta.status_code == 422
    assert "el cliente tiene $40.00 y se quieren usar $50.00" in _texto(respuesta)
    venta.refresh_from_db()
    assert venta.pagado == D("200.00") and not Abono.objects.exists()


def test_publico_general_no_ofrece_saldo_a_favor(cliente_cajero, venta):
    Venta.objects.filter(pk=venta.pk).update(cliente=Cliente.objects.get(es_publico_general=True))
    pagina = cliente_cajero.get(reverse("ventas:abonar", args=[venta.pk]))
    assert 'value="monedero"' not in _texto(pagina)
    for cambios in ({"metodo": "monedero", "monto": "50"}, {"monto": "900", "excedente": "monedero"}):
        respuesta = cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(**cambios))
        assert respuesta.status_code == 422 and "Elige" in _texto(respuesta)
    _sin_abonos(venta)


def test_sin_turno_por_http(client, usuario_con_rol, venta):
    otra = usuario_con_rol("Cajero", username="sin_turno")
    client.force_login(otra)
    respuesta = client.post(reverse("ventas:abonar", args=[venta.pk]), _datos())
    assert respuesta.status_code == 422 and "Abre tu turno de caja para recibir abonos." in _texto(respuesta)
    _sin_abonos(venta)


def test_venta_que_no_existe(cliente_cajero, venta):
    assert cliente_cajero.get(reverse("ventas:abonar", args=[10**9])).status_code == 404
    assert cliente_cajero.post(reverse("ventas:abonar", args=[10**9]), _datos()).status_code == 404
    assert cliente_cajero.get(reverse("ventas:abono_ticket", args=[10**9])).status_code == 404


# --- Abonos on other pages -----------------------------------------------------------------------


def test_pagina_de_la_venta_ofrece_abonar(cliente_cajero, venta):
    html = _texto(cliente_cajero.get(reverse("ventas:venta_detalle", args=[venta.pk])))
    assert reverse("ventas:abonar", args=[venta.pk]) in html and 'id="abonar"' in html
    cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(monto="800"))
    html = _texto(cliente_cajero.get(reverse("ventas:venta_detalle", args=[venta.pk])))
    assert 'id="abonar"' not in html and Abono.objects.get().folio_texto in html


def test_pagina_del_cliente_lista_sus_ventas_con_saldo(cliente_cajero, venta, cliente):
    html = _texto(cliente_cajero.get(reverse("clientes:detalle", args=[cliente.pk])))
    assert "Ventas con saldo" in html and venta.folio_texto in html
    assert reverse("ventas:abonar", args=[venta.pk]) in html


def test_turno_corte_y_resumen_muestran_los_abonos(cliente_cajero, gerente, cajero, venta):
    cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(monto="300", recibido="500"))
    cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(monto="100", metodo="tarjeta"))
    turno = cliente_cajero.get(reverse("ventas:turno"))
    html = _texto(turno)
    assert "Abonos a ventas con saldo (2 abonos)" in html and "$300.00" in html
    assert turno.context["esperado"]["efectivo"] == D("1000.00")  # $500 fund + $200 + $300
    corte = _texto(cliente_cajero.get(reverse("ventas:turno_detalle", args=[turno_abierto(cajero=cajero).pk])))
    assert "Abonos en efectivo" in corte and "Abonos con tarjeta" in corte
    cliente_gerente = Client()
    cliente_gerente.force_login(gerente)
    resumen = cliente_gerente.get(reverse("ventas:resumen"))
    assert 'id="resumen-abonos"' in _texto(resumen) and "$400.00" in _texto(resumen)


def test_un_corte_cerrado_antes_de_los_abonos_se_imprime_igual(cliente_cajero, cajero, venta):
    from ventas.models import Turno
    from ventas.turnos.services import turno_cerrar

    turno = turno_abierto(cajero=cajero)
    turno_cerrar(turno_id=turno.pk, usuario=cajero, efectivo_contado=D("700.00"), tarjeta_reportado=D("0"),
                 transferencia_reportado=D("0"))
    viejo = {k: v for k, v in Turno.objects.get(pk=turno.pk).resumen_cierre.items() if not k.startswith("abonos")}
    Turno.objects.filter(pk=turno.pk).update(resumen_cierre=viejo)
    respuesta = cliente_cajero.get(reverse("ventas:turno_detalle", args=[turno.pk]))
    assert respuesta.status_code == 200
    assert "Abonos en efectivo" not in _texto(respuesta) and "$700.00" in _texto(respuesta)


def test_la_pagina_del_abono_lee_poco(cliente_cajero, cajero, venta, django_assert_max_num_queries):
    """Sale with its client, installments, abonos, store credit: four reads, however many abonos."""
    for _ in range(5):
        cliente_cajero.post(reverse("ventas:abonar", args=[venta.pk]), _datos(monto="10"))
    with django_assert_max_num_queries(4):
        assert cliente_cajero.get(reverse("ventas:abonar", args=[venta.pk])).status_code == 200
    with django_assert_max_num_queries(3):
        assert cliente_cajero.get(reverse("ventas:abono_ticket", args=[Abono.objects.last().pk])).status_code == 200


def test_el_csv_del_resumen_lista_los_abonos(cajero, gerente, venta):
    from ventas.reportes.resumen import resumen_del_dia, resumen_filas_csv

    c = Client()
    c.force_login(cajero)
    c.post(reverse("ventas:abonar", args=[venta.pk]), _datos(monto="120", metodo="transferencia", referencia="SPEI 1"))
    filas = list(resumen_filas_csv(resumen_del_dia(fecha=timezone.localdate())))
    assert ["Método de pago", "Transferencia: abonos", 1, D("120.00")] in filas
