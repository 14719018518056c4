"""What clients owe (issue 15): the history's payment state (column, filter, CSV), the sale's
page, the client's statement and the receivables report by age, with their permissions,
query budgets and bad input."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clientes.tests.factories import ClienteFactory
from ventas.models import Venta
from ventas.saldos.selectors import estado_de_cuenta, por_cobrar_reporte
from ventas.tests.factories import devolver, linea, producto_con_existencia, vender
from ventas.tests.saldos_datos import abonar, apartado, fechar, hoy, parcialidades, vencer
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
HISTORIAL = reverse("ventas:historial")
HISTORIAL_CSV = reverse("ventas:historial_exportar")
POR_COBRAR = reverse("ventas:por_cobrar")
POR_COBRAR_CSV = reverse("ventas:por_cobrar_exportar")


def _estado_url(cliente_id):
    return reverse("ventas:estado_cuenta", args=[cliente_id])


def _csv(respuesta):
    cuerpo = b"".join(respuesta.streaming_content)
    assert cuerpo.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(cuerpo.decode("utf-8-sig"))))


def _folios(respuesta) -> list[str]:
    return [f.folio for f in respuesta.context["filas"]]


@pytest.fixture
def cuenta(cajero, gerente, turno_para):
    """Marta: a contado sale with one of two units returned, an apartado ($500, $100 paid) and
    installments ($3,000, $1,000 at the checkout and a $500 abono). She owes $1,900."""
    turno_para(cajero)
    turno_para(gerente)
    marta = ClienteFactory(nombre="Marta", apellidos="Ríos", email="marta@escuela.test")
    playera = producto_con_existencia(10, precio=D("200.00"))
    contado = vender(cajero, [(playera, 2)])
    Venta.objects.filter(pk=contado.pk).update(cliente=marta)
    devolver(contado, [(linea(contado, playera), 1)], usuario=gerente)
    aparte = apartado(cajero, marta, precio="500.00", anticipo="100.00", vence_en=30)
    plazos = parcialidades(cajero, marta)
    abono = abonar(plazos, "500.00", usuario=cajero, metodo="transferencia")
    for venta in (contado, aparte, plazos):
        venta.refresh_from_db()
    return {"cliente": marta, "contado": contado, "apartado": aparte, "plazos": plazos, "abono": abono}


# --- History: payment state -----------------------------------------------------------------


def test_filtro_por_estado_de_pago(cliente_gerente, cuenta, cajero):
    otra = ClienteFactory()
    pendiente = apartado(cajero, otra, anticipo="100.00", vence_en=5)
    # A sale with nothing paid yet cannot be made at the till (the anticipo is > 0): an abono
    # service never lowers pagado either, so "pendiente" is written here by hand, as a
    # return on a sale still owing leaves it (pagado 0, total > returned).
    Venta.objects.filter(pk=pendiente.pk).update(pagado=0)
    vencida = vencer(apartado(cajero, otra, anticipo="150.00", vence_en=10), -1)
    c = cuenta
    esperado = {
        "pendiente": [pendiente.folio_texto],
        "parcial": [c["plazos"].folio_texto, c["apartado"].folio_texto],
        "vencido": [vencida.folio_texto],
        "pagado": [c["contado"].folio_texto],
    }
    for estado, folios in esperado.items():
        respuesta = cliente_gerente.get(HISTORIAL, {"pago": estado})
        assert respuesta.status_code == 200, estado
        assert sorted(_folios(respuesta)) == sorted(folios), estado
    # Combined with another filter (the client) and in the CSV, the same rows.
    respuesta = cliente_gerente.get(HISTORIAL, {"pago": "parcial", "cliente": "marta"})
    assert sorted(_folios(respuesta)) == sorted(esperado["parcial"])
    filas = _csv(cliente_gerente.get(HISTORIAL_CSV, {"pago": "parcial"}))
    assert sorted(f[0] for f in filas[1:]) == sorted(esperado["parcial"])
    assert {f[-1] for f in filas[1:]} == {"Parcial"}
    assert cliente_gerente.get(HISTORIAL, {"pago": "parcial", "cliente": "nadie-asi"}).context["filas"] == []


def test_vencido_depende_de_la_fecha_de_hoy(cliente_gerente, cuenta):
    aparte = cuenta["apartado"]
    vencer(aparte, 0)  # due today: not overdue yet
    assert aparte.folio_texto in _folios(cliente_gerente.get(HISTORIAL, {"pago": "parcial"}))
    assert aparte.folio_texto not in _folios(cliente_gerente.get(HISTORIAL, {"pago": "vencido"}))
    vencer(aparte, -1)
    assert aparte.folio_texto not in _folios(cliente_gerente.get(HISTORIAL, {"pago": "parcial"}))
    assert aparte.folio_texto in _folios(cliente_gerente.get(HISTORIAL, {"pago": "vencido"}))


def test_venta_que_se_termina_de_pagar_pasa_a_pagado(cliente_gerente, cuenta, cajero):
    plazos = vencer(cuenta["plazos"], -3)  # an installment three days late
    assert plazos.folio_texto in _folios(cliente_gerente.get(HISTORIAL, {"pago": "vencido"}))
    abonar(plazos, "1500.00", usuario=cajero)
    assert (plazos.saldo, plazos.estado_pago) == (D("0.00"), "pagado")
    assert plazos.folio_texto not in _folios(cliente_gerente.get(HISTORIAL, {"pago": "vencido"}))
    assert plazos.folio_texto in _folios(cliente_gerente.get(HISTORIAL, {"pago": "pagado"}))
    assert plazos.folio_texto not in _folios(cliente_gerente.get(HISTORIAL, {"pago": "parcial"}))
    assert cliente_gerente.get(HISTORIAL, {"pago": "pagado"}).context["filas"][0].pago == "Pagado"


def test_columna_pago_con_saldo(cliente_gerente, cuenta):
    vencer(cuenta["plazos"], -2)
    respuesta = cliente_gerente.get(HISTORIAL)
    filas = {f.folio: f.pago for f in respuesta.context["filas"]}
    assert filas[cuenta["contado"].folio_texto] == "Pagado"
    assert filas[cuenta["apartado"].folio_texto] == "Parcial · debe $400.00"
    assert filas[cuenta["plazos"].folio_texto] == "Vencido · debe $1,500.00"
    assert "Vencido · debe $1,500.00" in respuesta.content.decode()


def test_historial_con_filtro_de_pago_en_dos_consultas(cliente_gerente, cuenta, cajero, django_assert_num_queries):
    for _ in range(3):
        apartado(cajero, cuenta["cliente"], vence_en=-5)
    Venta.objects.filter(pk=cuenta["apartado"].pk).update(pagado=0)
    for estado in ("pendiente", "parcial", "vencido", "pagado"):
        # The bounded count with the page's ids, then the page's rows.
        with django_assert_num_queries(2, connection=connections[DB_NEGOCIO]):
            assert cliente_gerente.get(HISTORIAL, {"pago": estado}).context["filas"]


@pytest.mark.parametrize("valor", ["debe", "PAGADO", "pagado\u00a0", "1", "x" * 5000])
def test_filtro_de_pago_invalido(cliente_gerente, valor):
    respuesta = cliente_gerente.get(HISTORIAL, {"pago": valor})
    assert respuesta.status_code == 400
    assert "Elige un estado de pago de la lista." in respuesta.content.decode()


def test_cajero_filtra_solo_sus_ventas_por_pago(client, cuenta, usuario_con_rol, turno_para):
    otro = usuario_con_rol("Cajero")
    turno_para(otro)
    ajena = apartado(otro, cuenta["cliente"])
    client.force_login(otro)
    assert _folios(client.get(HISTORIAL, {"pago": "parcial"})) == [ajena.folio_texto]


# --- The sale's page --------------------------------------------------------------------------


def test_pagina_de_la_venta_muestra_saldo_y_abonos(cliente_consulta, cuenta):
    plazos = vencer(cuenta["plazos"], -1)
    respuesta = cliente_consulta.get(reverse("ventas:venta_detalle", args=[plazos.pk]))
    html = respuesta.content.decode()
    assert respuesta.context["estado_pago_texto"] == "Vencido"
    assert 'id="estado-pago">Vencido' in html
    assert "En parcialidades" in html and 'id="saldo">$1,500.00' in html
    # The abonos, each linked to its receipt (the abonos part's list on this page).
    abono = cuenta["abono"]
    assert reverse("ventas:abono_ticket", args=[abono.pk]) in html and abono.folio_texto in html
    contado = cliente_consulta.get(reverse("ventas:venta_detalle", args=[cuenta["contado"].pk]))
    assert contado.context["estado_pago_texto"] == "Pagado" and 'id="abonos"' not in contado.content.decode()


# --- Statement --------------------------------------------------------------------------------


def test_estado_de_cuenta_cuadra(cuenta):
    estado = estado_de_cuenta(cliente_id=cuenta["cliente"].pk, desde=hoy().replace(month=1, day=1), hasta=hoy())
    assert estado.saldo_inicial == D("0")
    # Charges: the three totals and the $200 refunded; credits: three payments at the
    # checkout, the abono and the return.
    assert estado.cargos == D("400.00") + D("500.00") + D("3000.00") + D("200.00")
    assert estado.creditos == D("400.00") + D("100.00") + D("1000.00") + D("500.00") + D("200.00")
    assert estado.cargos - estado.creditos == estado.saldo_final == estado.adeudo == D("1900.00")
    assert estado.movimientos[-1].saldo == D("1900.00")
    assert sum(v.saldo for v in Venta.objects.filter(cliente=cuenta["cliente"])) == D("1900.00")
    assert estado.vencido == D("0") and estado.monedero == D("0")
    conceptos = [m.concepto for m in estado.movimientos]
    assert "Abono (transferencia) a " + cuenta["plazos"].folio_texto in conceptos
    assert "Reembolso (efectivo)" in conceptos and "Venta (apartado)" in conceptos


def test_estado_de_cuenta_saldo_inicial_y_vencido(cuenta, cajero):
    marta = cuenta["cliente"]
    ayer = hoy() - datetime.timedelta(days=40)
    vieja = fechar(apartado(cajero, marta, precio="300.00", anticipo="60.00", vence_en=-10),
                   datetime.datetime.combine(ayer, datetime.time(10, 0), tzinfo=datetime.UTC))
    estado = estado_de_cuenta(cliente_id=marta.pk, desde=hoy() - datetime.timedelta(days=5), hasta=hoy())
    assert estado.saldo_inicial == D("240.00")  # $300 charged, $60 paid before the period
    assert vieja.folio_texto not in [m.folio for m in estado.movimientos]
    assert estado.saldo_final == estado.adeudo == D("2140.00")
    assert estado.vencido == D("240.00")
    # A period that ended before today: its own closing balance, and what is owed now apart.
    antes = estado_de_cuenta(cliente_id=marta.pk, desde=ayer, hasta=ayer + datetime.timedelta(days=1))
    assert antes.saldo_final == D("240.00") and antes.adeudo == D("2140.00")


def test_pagina_del_estado_de_cuenta(cliente_consulta, cuenta):
    respuesta = cliente_consulta.get(_estado_url(cuenta["cliente"].pk))
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert 'id="estado-adeudo">$1,900.00' in html and 'id="estado-saldo-final">$1,900.00' in html
    assert cuenta["abono"].folio_texto in html and "data-imprimir" in html


def test_el_cliente_enlaza_su_estado_de_cuenta(cliente_cajero, cuenta):
    marta = cuenta["cliente"]
    vencer(cuenta["apartado"], -1)
    html = cliente_cajero.get(reverse("clientes:detalle", args=[marta.pk])).content.decode()
    assert 'id="cliente-adeudo">$1,900.00' in html and 'id="cliente-vencido">vencido $400.00' in html
    assert _estado_url(marta.pk) in html


def test_cajero_ve_el_estado_de_cuenta_y_enlaza_solo_sus_ventas(client, cuenta, usuario_con_rol, turno_para):
    otro = usuario_con_rol("Cajero")
    turno_para(otro)
    propia = apartado(otro, cuenta["cliente"], anticipo="100.00")
    client.force_login(otro)
    respuesta = client.get(_estado_url(cuenta["cliente"].pk))
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert respuesta.context["enlaces"] == {propia.pk}
    assert reverse("ventas:venta_detalle", args=[propia.pk]) in html
    assert reverse("ventas:venta_detalle", args=[cuenta["plazos"].pk]) not in html
    assert cuenta["plazos"].folio_texto in html  # listed, not linked
    assert respuesta.context["estado"].adeudo == D("2300.00")


@pytest.mark.parametrize(("consulta", "mensaje"), [
    ({"desde": "2026-02-30"}, "La fecha 2026-02-30 no existe."),
    ({"hasta": "1" + "0" * 30}, "escribe la fecha como AAAA-MM-DD"),
    ({"desde": "ayer"}, "escribe la fecha como AAAA-MM-DD"),
    ({"desde": "1999-12-31"}, "del 01/01/2000 en adelante"),
    ({"hasta": "2999-01-01"}, "todavía no llega"),
])
def test_estado_de_cuenta_fechas_invalidas(cliente_gerente, cuenta, consulta, mensaje):
    respuesta = cliente_gerente.get(_estado_url(cuenta["cliente"].pk), consulta)
    assert respuesta.status_code == 400
    assert mensaje in respuesta.content.decode()
    assert respuesta.context["estado"] is None


def test_estado_de_cuenta_rango_al_reves_y_nulos(cliente_gerente, cuenta):
    url = _estado_url(cuenta["cliente"].pk)
    respuesta = cliente_gerente.get(url, {"desde": "2026-03-10", "hasta": "2026-03-01"})
    assert respuesta.status_code == 400 and "El rango está al revés" in respuesta.content.decode()
    assert cliente_gerente.get(url, {"desde": "2026-03-01\x00"}).status_code == 400


@pytest.mark.parametrize("cliente_id", ["999999", "1" + "0" * 30])
def test_estado_de_cuenta_de_cliente_inexistente(cliente_gerente, cliente_id):
    assert cliente_gerente.get(f"/ventas/clientes/{cliente_id}/estado-de-cuenta/").status_code == 404


# --- Receivables ------------------------------------------------------------------------------


@pytest.fixture
def antiguedades(cajero, turno_para):
    """Four clients: Ana owes $400 not yet due and $200 due 120 days ago; Beto $400 due 10 days
    ago; Ciro $2,000 in installments due 45 days ago; Dora $400 due 75 days ago."""
    turno_para(cajero)
    ana, beto, ciro, dora = (ClienteFactory(nombre=n, apellidos="Prueba") for n in ("Ana", "Beto", "Ciro", "Dora"))
    apartado(cajero, ana, vence_en=5)
    apartado(cajero, ana, precio="300.00", anticipo="100.00", vence_en=-120)
    apartado(cajero, beto, vence_en=-10)
    parcialidades(cajero, ciro, vence_en=-45)
    apartado(cajero, dora, vence_en=-75)
    return {"ana": ana, "beto": beto, "ciro": ciro, "dora": dora}


def test_por_cobrar_por_antiguedad(antiguedades):
    reporte = por_cobrar_reporte()
    filas = {f.cliente: f for f in reporte.filas}
    assert [f.cliente for f in reporte.filas] == ["Ana Prueba", "Dora Prueba", "Ciro Prueba", "Beto Prueba"]
    ana = filas["Ana Prueba"]
    assert (ana.corriente, ana.mas_90, ana.total, ana.dias_atraso, ana.ventas) == (
        D("400.00"), D("200.00"), D("600.00"), 120, 2)
    assert filas["Beto Prueba"].d0_30 == D("400.00") and filas["Beto Prueba"].dias_atraso == 10
    assert filas["Ciro Prueba"].d31_60 == D("2000.00")
    assert filas["Dora Prueba"].d61_90 == D("400.00")
    assert reporte.totales == {"corriente": D("400.00"), "d0_30": D("400.00"), "d31_60": D("2000.00"),
                               "d61_90": D("400.00"), "mas_90": D("200.00"), "total": D("3400.00"),
                               "vencido": D("3000.00")}
    assert [f.cliente for f in por_cobrar_reporte(modalidad="parcialidades").filas] == ["Ciro Prueba"]
    assert [f.cliente for f in por_cobrar_reporte(cliente="dora").filas] == ["Dora Prueba"]


def test_por_cobrar_limites_de_cada_tramo(cajero, turno_para):
    turno_para(cajero)
    cliente = ClienteFactory()
    for dias in (0, -1, -30, -31, -60, -61, -90, -91):
        apartado(cajero, cliente, precio="200.00", anticipo="100.00", vence_en=dias)
    fila = por_cobrar_reporte().filas[0]
    assert (fila.corriente, fila.d0_30, fila.d31_60, fila.d61_90, fila.mas_90) == (
        D("100.00"), D("200.00"), D("200.00"), D("200.00"), D("100.00"))


def test_por_cobrar_pagina_y_csv_coinciden(cliente_consulta, antiguedades):
    respuesta = cliente_consulta.get(POR_COBRAR)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert 'id="por-cobrar-total">$3,400.00' in html
    assert reverse("ventas:estado_cuenta", args=[antiguedades["ana"].pk]) in html
    filas = _csv(cliente_consulta.get(POR_COBRAR_CSV))
    assert filas[0][0] == "Cliente" and filas[0][4] == "Al corriente"
    pagina = respuesta.context["reporte"]
    assert [f[0] for f in filas[1:-1]] == [f.cliente for f in pagina.filas]
    for fila_csv, fila in zip(filas[1:-1], pagina.filas, strict=True):
        assert fila_csv[4:11] == [f"{x:.2f}" for x in (fila.corriente, fila.d0_30, fila.d31_60, fila.d61_90,
                                                         fila.mas_90, fila.vencido, fila.total)]
    assert filas[-1][:1] + filas[-1][10:11] == ["Total", "3400.00"]
    filtrado = _csv(cliente_consulta.get(POR_COBRAR_CSV, {"modalidad": "apartado", "cliente": "beto"}))
    assert [f[0] for f in filtrado[1:]] == ["Beto Prueba", "Total"]


def test_por_cobrar_consultas_constantes(cliente_gerente, cajero, turno_para, django_assert_num_queries):
    turno_para(cajero)
    apartado(cajero, ClienteFactory(), vence_en=-3)
    with CaptureQueriesContext(connections[DB_NEGOCIO]) as pocas:
        cliente_gerente.get(POR_COBRAR)
    for _ in range(6):
        apartado(cajero, ClienteFactory(), vence_en=-40)
    with django_assert_num_queries(len(pocas), connection=connections[DB_NEGOCIO]):
        assert len(cliente_gerente.get(POR_COBRAR).context["filas"]) == 7
    assert len(pocas) == 1  # the owing sales grouped by client, joined to their names


@pytest.mark.parametrize(("consulta", "mensaje"), [
    ({"modalidad": "contado"}, "Elige una modalidad de la lista."),
    ({"cliente": "x" * 101}, "Cliente: escribe como máximo 100 caracteres."),
    ({"page": "²"}, "La página debe ser un número entero mayor que cero."),
    ({"page": "1" + "0" * 30}, "La página debe ser un número entero mayor que cero."),
])
def test_por_cobrar_entrada_invalida(cliente_gerente, consulta, mensaje):
    for url in (POR_COBRAR, POR_COBRAR_CSV):
        respuesta = cliente_gerente.get(url, consulta)
        assert respuesta.status_code == 400
        assert mensaje in respuesta.content.decode()


def test_por_cobrar_permisos(client, cajero, consulta):
    client.force_login(cajero)
    assert client.get(POR_COBRAR).status_code == 403
    assert client.get(POR_COBRAR_CSV).status_code == 403
    client.force_login(consulta)
    assert client.get(POR_COBRAR).status_code == 200


def test_estado_de_cuenta_consultas_constantes(cliente_gerente, cuenta, cajero, django_assert_num_queries):
    marta = cuenta["cliente"]
    with CaptureQueriesContext(connections[DB_NEGOCIO]) as pocas:
        cliente_gerente.get(_estado_url(marta.pk))
    for _ in range(4):
        abonar(apartado(cajero, marta, vence_en=2), "50.00", usuario=cajero)
    with django_assert_num_queries(len(pocas), connection=connections[DB_NEGOCIO]):
        assert len(cliente_gerente.get(_estado_url(marta.pk)).context["estado"].movimientos) == 9 + 4 * 3


def test_estado_de_cuenta_solo_hasta_empieza_en_enero_de_ese_anio(cliente_gerente, cuenta):
    respuesta = cliente_gerente.get(_estado_url(cuenta["cliente"].pk), {"hasta": "2025-06-30"})
    assert respuesta.status_code == 200
    estado = respuesta.context["estado"]
    assert (estado.desde, estado.hasta) == (datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
    assert estado.movimientos == [] and estado.saldo_final == D("0") and estado.adeudo == D("1900.00")


def test_apartado_liberado_por_reembolsar_no_dice_que_debe(cliente_gerente, cuenta, settings):
    """An expired apartado whose goods went back and whose money waits to be refunded
    (APARTADO_POLITICA_DINERO=reembolso): the client owes nothing, the school owes her the $100.
    Its history row and CSV say so, never "Vencido · debe $400.00"."""
    from ventas.apartados.services import apartados_vencer

    settings.APARTADO_POLITICA_DINERO = "reembolso"
    aparte = vencer(cuenta["apartado"], -2)
    apartados_vencer(solo=[aparte.pk])
    aparte.refresh_from_db()
    assert aparte.liberado is not None
    filas = {f.folio: f for f in cliente_gerente.get(HISTORIAL).context["filas"]}
    assert filas[aparte.folio_texto].pago == "Liberado · por reembolsar $100.00"
    assert "debe" not in filas[aparte.folio_texto].pago
    csv_filas = {f[0]: f for f in _csv(cliente_gerente.get(HISTORIAL_CSV))}
    assert csv_filas[aparte.folio_texto][-1] == "Liberado · por reembolsar"


def test_pagina_de_la_venta_dice_pagado_y_saldo_una_sola_vez(cliente_gerente, cuenta):
    """Paid, balance and the next date live in one block ("Pago y saldo"); the schedule and the
    abonos list below it do not repeat them, nor does the apartado's card on the sale's page."""
    plazos = vencer(cuenta["plazos"], -1)
    html = cliente_gerente.get(reverse("ventas:venta_detalle", args=[plazos.pk])).content.decode()
    assert html.count("<dt>Pagado</dt>") == 1 and html.count("<dt>Saldo</dt>") == 1
    assert 'id="parcialidades-resumen"' not in html and 'id="venta-saldo"' not in html
    bloque = html[html.index('id="saldo-venta"'):]
    bloque = bloque[:bloque.index("</dl>")]
    assert "$1,500.00" in bloque and f"vencido desde el {plazos.vence:%d/%m/%Y}" in bloque
    assert 'id="parcialidades"' in html and 'id="abonos"' in html and "{#" not in html
    aparte = cuenta["apartado"]
    html = cliente_gerente.get(reverse("ventas:venta_detalle", args=[aparte.pk])).content.decode()
    assert html.count("<dt>Pagado</dt>") == 1 and html.count("<dt>Saldo</dt>") == 1
    assert 'id="apartado-estado"' in html and 'id="venta-saldo"' not in html and "{#" not in html
    # The apartado's own page keeps its figures.
    html = cliente_gerente.get(reverse("ventas:apartado", args=[aparte.pk])).content.decode()
    assert "<dt>Saldo</dt>" in html


def test_pagina_de_apartado_liberado_no_dice_que_debe(cliente_gerente, cuenta, settings):
    """The sale's page of an expired apartado waiting for its refund says what the history says:
    nothing owed, the $100 paid to refund."""
    from ventas.apartados.services import apartados_vencer

    settings.APARTADO_POLITICA_DINERO = "reembolso"
    aparte = vencer(cuenta["apartado"], -2)
    apartados_vencer(solo=[aparte.pk])
    html = cliente_gerente.get(reverse("ventas:venta_detalle", args=[aparte.pk])).content.decode()
    bloque = html[html.index('id="saldo-venta"'):]
    bloque = bloque[:bloque.index("</dl>")]
    assert 'id="estado-pago">Liberado · por reembolsar' in bloque
    assert 'id="saldo">$0.00' in bloque and "Por reembolsar" in bloque and "$100.00" in bloque


def test_solo_las_parcialidades_atrasadas_cuentan_como_vencidas(cajero, turno_para):
    """$4,000 in four payments of $1,000 every 30 days, the first paid: the second is 10 days
    late, the other two not due yet. Overdue is $1,000 (1–30 days), not the whole $3,000."""
    turno_para(cajero)
    cliente = ClienteFactory(nombre="Elsa", apellidos="Prueba")
    venta = parcialidades(cajero, cliente, montos=("1000.00",) * 4, vence_en=-10)
    assert venta.saldo == D("3000.00")
    fila = por_cobrar_reporte().filas[0]
    assert (fila.corriente, fila.d0_30, fila.vencido, fila.total, fila.dias_atraso) == (
        D("2000.00"), D("1000.00"), D("1000.00"), D("3000.00"), 10)
    from ventas.saldos.selectors import adeudo_de_cliente
    assert adeudo_de_cliente(cliente_id=cliente.pk)["vencido"] == D("1000.00")
    estado = estado_de_cuenta(cliente_id=cliente.pk, desde=hoy().replace(month=1, day=1), hasta=hoy())
    assert (estado.adeudo, estado.vencido) == (D("3000.00"), D("1000.00"))
    # The late installment paid: nothing overdue, all of it "al corriente".
    abonar(venta, "1000.00", usuario=cajero)
    fila = por_cobrar_reporte().filas[0]
    assert (fila.corriente, fila.vencido, fila.dias_atraso) == (D("2000.00"), D("0.00"), 0)
