"""Cash-drawer shift pages: what each role sees and may do, bad input, query budgets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar
from ventas.models import CarritoLinea, MovimientoCaja, Pago, Turno, Venta
from ventas.politica import PERMISO_AUTORIZAR_DIFERENCIA
from ventas.tests.autorizar import autorizar
from ventas.tests.turnos_datos import devolver, vender
from ventas.turnos.services import caja_movimiento_registrar, turno_cerrar

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
CLAVE = "clave-de-pruebas-123"


def _mensajes(respuesta):
    return [str(m) for m in respuesta.context["messages"]] if respuesta.context else []


def _html(respuesta):
    return respuesta.content.decode()


def _cierre(**campos):
    datos = {"efectivo_total": "", "tarjeta_reportado": "", "transferencia_reportado": "", "nota": "",
             "autorizo_usuario": "", "autorizo_clave": "", "accion": "cerrar"}
    datos.update(campos)
    return datos


# --- The POS without a shift ----------------------------------------------------------------


def test_caja_sin_turno_pide_abrirlo(cliente_cajero):
    html = _html(cliente_cajero.get(reverse("ventas:caja")))
    assert "Abrir turno" in html and 'name="fondo_inicial"' in html
    assert 'id="buscar-producto"' not in html and "Cobrar" not in html


def test_abrir_turno_desde_la_caja(cliente_cajero, cajero):
    respuesta = cliente_cajero.post(reverse("ventas:turno_abrir"), {"fondo_inicial": "750.50", "desde": "caja"},
                                    follow=True)
    assert respuesta.redirect_chain[-1][0] == reverse("ventas:caja")
    html = _html(respuesta)
    assert "Turno abierto con $750.50 de fondo." in html
    assert 'id="buscar-producto"' in html and "Turno abierto desde las" in html
    turno = Turno.objects.get()
    assert (turno.id_cajero, turno.fondo_inicial, turno.estado) == (cajero.pk, D("750.50"), "abierto")


@pytest.mark.parametrize("fondo,mensaje", [("-10", "no puede ser negativo"), ("diez", "escribe un importe"),
                                           ("", "Escribe el fondo inicial"), ("1" * 10_000, "")])
def test_abrir_turno_con_fondo_malo(cliente_cajero, fondo, mensaje):
    respuesta = cliente_cajero.post(reverse("ventas:turno_abrir"), {"fondo_inicial": fondo, "desde": "caja"})
    assert respuesta.status_code == 400
    assert mensaje in _html(respuesta)
    assert 'class="error"' in _html(respuesta)
    assert not Turno.objects.exists()


def test_abrir_dos_veces(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    respuesta = cliente_cajero.post(reverse("ventas:turno_abrir"), {"fondo_inicial": "100"})
    assert respuesta.status_code == 400
    assert "Ya tienes un turno de caja abierto" in _html(respuesta)
    assert Turno.objects.count() == 1


def test_cobrar_sin_turno_lo_dice_en_la_caja_y_no_escribe_nada(cliente_cajero, cajero, producto_con_existencia):
    producto = producto_con_existencia(5, precio=D("30.00"))
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "50"}
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos, follow=True)
    assert respuesta.redirect_chain[-1][0] == reverse("ventas:caja")
    assert "Abre tu turno de caja antes de cobrar." in _mensajes(respuesta)
    assert "Abrir turno" in _html(respuesta)
    assert not Venta.objects.exists() and not Pago.objects.exists()
    producto.refresh_from_db()
    assert producto.existencia == 5
    assert CarritoLinea.objects.filter(producto=producto).exists()


def test_consulta_no_abre_ni_mueve_ni_cierra(cliente_consulta, cajero, turno_para):
    turno = turno_para(cajero)
    assert cliente_consulta.post(reverse("ventas:turno_abrir"), {"fondo_inicial": "1"}).status_code == 403
    datos_mov = {"tipo": "retiro", "monto": "1", "motivo": "x"}
    assert cliente_consulta.post(reverse("ventas:turno_movimiento"), datos_mov).status_code == 403
    assert cliente_consulta.post(reverse("ventas:turno_cerrar", args=[turno.pk]),
                                 _cierre(efectivo_total="500")).status_code == 403
    assert cliente_consulta.get(reverse("ventas:turno")).status_code == 403
    assert Turno.objects.count() == 1 and not MovimientoCaja.objects.exists()
    turno.refresh_from_db()
    assert turno.estado == "abierto"


# --- My shift ---------------------------------------------------------------------------------


def test_mi_turno_muestra_lo_esperado(cliente_cajero, cajero, gerente, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(10, precio=D("120.00"))
    venta = vender(cajero, producto, efectivo="200")
    vender(cajero, producto, tarjeta="120")
    devolver(venta, usuario=cajero, autorizador=gerente)  # the $120 back in cash, from this drawer
    respuesta = cliente_cajero.post(reverse("ventas:turno_movimiento"),
                                    {"tipo": "retiro", "monto": "100", "motivo": "Pago de garrafón"}, follow=True)
    assert "Retiro de $100.00 registrado." in _mensajes(respuesta)
    html = _html(respuesta)
    assert "Pago de garrafón" in html
    # 500 + 120 − 120 − 100
    assert '<td class="numero" id="esperado-efectivo"><strong>$400.00</strong></td>' in html
    assert '<td class="numero" id="esperado-tarjeta"><strong>$120.00</strong></td>' in html
    assert "2 ventas" in html


@pytest.mark.parametrize(
    "datos,mensaje",
    [
        ({"tipo": "retiro", "monto": "50", "motivo": ""}, "Escribe el motivo del movimiento de caja."),
        ({"tipo": "retiro", "monto": "cincuenta", "motivo": "x"}, "Monto: escribe un importe en pesos"),
        ({"tipo": "deposito", "monto": "-5", "motivo": "x"}, "Monto: no puede ser negativo."),
        ({"tipo": "deposito", "monto": "0", "motivo": "x"}, "Monto: debe ser mayor que cero."),
        ({"tipo": "robo", "monto": "5", "motivo": "x"}, "Elige si es un retiro o un depósito."),
        ({"tipo": "retiro", "monto": "500.01", "motivo": "Al banco"}, "No puedes retirar más efectivo"),
        ({"tipo": "deposito", "monto": "5", "motivo": "x" * 10_000}, "demasiado largo"),
    ],
)
def test_movimiento_malo(cliente_cajero, cajero, turno_para, datos, mensaje):
    turno_para(cajero)
    respuesta = cliente_cajero.post(reverse("ventas:turno_movimiento"), datos)
    assert respuesta.status_code == 400
    assert mensaje in _html(respuesta)
    assert not MovimientoCaja.objects.exists()


def test_movimiento_sin_turno(cliente_cajero):
    respuesta = cliente_cajero.post(reverse("ventas:turno_movimiento"),
                                    {"tipo": "deposito", "monto": "5", "motivo": "x"}, follow=True)
    assert "Abre tu turno de caja antes de registrar retiros o depósitos." in _mensajes(respuesta)
    assert "Abrir turno" in _html(respuesta)
    assert not MovimientoCaja.objects.exists()


def test_revisar_muestra_diferencias_sin_cerrar(cliente_cajero, cajero, turno_para):
    turno = turno_para(cajero)
    respuesta = cliente_cajero.post(reverse("ventas:turno_cerrar", args=[turno.pk]),
                                    _cierre(d_b200="2", d_m10="4", tarjeta_reportado="15", accion="revisar"))
    assert respuesta.status_code == 200
    html = _html(respuesta)
    assert "Esperado contra contado" in html
    assert "$440.00" in html and "−$60.00 (faltante)" in html and "+$15.00 (sobrante)" in html
    assert "requiere autorización" in html
    turno.refresh_from_db()
    assert turno.estado == "abierto"


def test_cerrar_por_denominacion_e_imprimir(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno = turno_para(cajero)
    vender(cajero, producto_con_existencia(5, precio=D("85.50")), efectivo="100")
    respuesta = cliente_cajero.post(
        reverse("ventas:turno_cerrar", args=[turno.pk]),
        _cierre(d_b500="1", d_b50="1", d_m20="1", d_m10="1", d_m5="1", d_m050="1", nota="Sin novedad"),
        follow=True,
    )
    assert respuesta.redirect_chain[-1][0] == reverse("ventas:turno_detalle", args=[turno.pk])
    html = _html(respuesta)
    assert "Turno cerrado. Efectivo esperado $585.50, contado $585.50." in html
    for texto in ("Corte de caja · turno", "Carlos Ramírez", "Billetes de $500", "Monedas de 50 centavos",
                  "Sin novedad", "ticket-80"):
        assert texto in html, texto
    turno.refresh_from_db()
    assert (turno.estado, turno.efectivo_contado) == ("cerrado", D("585.50"))
    assert turno.conteo_denominaciones["m050"] == 1 and turno.conteo_denominaciones["b1000"] == 0
    assert "ticket-a4" in _html(cliente_cajero.get(reverse("ventas:turno_detalle", args=[turno.pk]), {"formato": "a4"}))
    assert "Abrir turno" in _html(cliente_cajero.get(reverse("ventas:turno")))


def test_diferencia_grande_pide_gerente_en_la_misma_pantalla(cliente_cajero, cajero, gerente, turno_para):
    turno = turno_para(cajero)
    url = reverse("ventas:turno_cerrar", args=[turno.pk])
    respuesta = cliente_cajero.post(url, _cierre(efectivo_total="420"))
    assert respuesta.status_code == 400
    html = _html(respuesta)
    assert "un gerente debe autorizar el cierre" in html and "−$80.00 (faltante)" in html
    assert 'name="autorizo_clave"' in html
    respuesta = cliente_cajero.post(url, _cierre(efectivo_total="420", autorizo_usuario="gerente1", autorizo_clave="x"))
    assert respuesta.status_code == 400 and "Usuario o contraseña de gerente incorrectos." in _html(respuesta)
    respuesta = cliente_cajero.post(url, _cierre(efectivo_total="420", autorizo_usuario="gerente1"))
    assert respuesta.status_code == 400 and "escribe su usuario y su contraseña" in _html(respuesta)
    turno.refresh_from_db()
    assert turno.estado == "abierto"
    respuesta = cliente_cajero.post(url, _cierre(efectivo_total="420", autorizo_usuario="gerente1", autorizo_clave=CLAVE),
                                    follow=True)
    assert "Diferencia autorizada por Gabriela Méndez" in _html(respuesta)
    turno.refresh_from_db()
    assert (turno.estado, turno.id_autorizo_diferencia) == ("cerrado", gerente.pk)


@pytest.mark.parametrize(
    "campos,mensaje",
    [
        ({"efectivo_total": "-500"}, "Efectivo contado (total): no puede ser negativo."),
        ({"d_b500": "-1"}, "Billetes de $500: no puede ser negativo."),
        ({"d_b500": "uno"}, "Billetes de $500: escribe un número entero de piezas."),
        ({"efectivo_total": "quinientos"}, "Efectivo contado (total): escribe un importe en pesos"),
        ({"efectivo_total": "500", "tarjeta_reportado": "-1"}, "Tarjeta (total del terminal): no puede ser negativo."),
        ({"efectivo_total": "500", "transferencia_reportado": "1.001"}, "usa como máximo 2 decimales"),
        ({}, "Cuenta el efectivo: por denominación o escribe el total."),
        ({"efectivo_total": "300", "d_b500": "1"}, "no coincide con el conteo por denominación"),
        ({"efectivo_total": "500", "nota": "x" * 10_000}, "La nota es demasiado larga"),
    ],
)
def test_cierre_con_datos_malos(cliente_cajero, cajero, turno_para, campos, mensaje):
    turno = turno_para(cajero)
    respuesta = cliente_cajero.post(reverse("ventas:turno_cerrar", args=[turno.pk]), _cierre(**campos))
    assert respuesta.status_code == 400
    assert mensaje in _html(respuesta)
    turno.refresh_from_db()
    assert turno.estado == "abierto" and turno.efectivo_contado is None


def test_cerrar_dos_veces(cliente_cajero, cajero, turno_para):
    turno = turno_para(cajero)
    url = reverse("ventas:turno_cerrar", args=[turno.pk])
    assert cliente_cajero.post(url, _cierre(efectivo_total="500")).status_code == 302
    antes = Turno.objects.values().get(pk=turno.pk)
    respuesta = cliente_cajero.post(url, _cierre(efectivo_total="900", nota="otra vez"))
    assert respuesta.status_code == 409
    assert "Este turno de caja ya está cerrado: no se cambió nada." in _html(respuesta)
    assert Turno.objects.values().get(pk=turno.pk) == antes
    assert cliente_cajero.get(url).status_code == 302  # GET goes to the report


def test_cajero_no_cierra_ni_ve_turno_ajeno(cliente_cajero, usuario_con_rol, turno_para):
    otra = usuario_con_rol("Cajero", username="otra")
    turno = turno_para(otra)
    url = reverse("ventas:turno_cerrar", args=[turno.pk])
    assert cliente_cajero.post(url, _cierre(efectivo_total="500")).status_code == 404
    assert cliente_cajero.get(url).status_code == 404
    assert cliente_cajero.get(reverse("ventas:turno_detalle", args=[turno.pk])).status_code == 404
    turno.refresh_from_db()
    assert turno.estado == "abierto"


def test_gerente_cierra_el_turno_de_un_cajero_que_se_fue(cliente_gerente, cajero, turno_para):
    turno = turno_para(cajero)
    url = reverse("ventas:turno_cerrar", args=[turno.pk])
    html = _html(cliente_gerente.get(url))
    assert "Turno de caja de Carlos Ramírez" in html and 'id="form-movimiento"' not in html
    respuesta = cliente_gerente.post(url, _cierre(efectivo_total="380"), follow=True)
    html = _html(respuesta)
    assert "Cierre:" in html and "por Gabriela Méndez" in html and "Diferencia autorizada por Gabriela Méndez" in html
    turno.refresh_from_db()
    assert (turno.estado, turno.nombre_cerro) == ("cerrado", "Gabriela Méndez")


def test_el_reporte_se_lee_de_lo_guardado(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno = turno_para(cajero)
    venta = vender(cajero, producto_con_existencia(5, precio=D("100.00")), efectivo="100")
    cliente_cajero.post(reverse("ventas:turno_cerrar", args=[turno.pk]), _cierre(efectivo_total="600"))
    # Whatever happens to the ledger later, the printed close reads the same.
    Pago.objects.filter(venta=venta).update(monto=D("1.00"), recibido=D("1.00"))
    html = _html(cliente_cajero.get(reverse("ventas:turno_detalle", args=[turno.pk])))
    assert "<dt>Cobrado en efectivo</dt><dd>$100.00</dd>" in html
    assert '<tr id="diferencia-efectivo"><td>Efectivo</td><td class="numero">$600.00</td>' in html


# --- The list ---------------------------------------------------------------------------------


def _turnos_de(usuario, n, turno_para, *, dias_atras=0):
    """n closed shifts of the user (opened ``dias_atras`` days ago) and an open one."""
    for _ in range(n):
        turno = turno_para(usuario)
        turno_cerrar(turno_id=turno.pk, usuario=usuario, efectivo_contado=D("500"),
                              tarjeta_reportado=D("0"), transferencia_reportado=D("0"))
        Turno.objects.filter(pk=turno.pk).update(abierto=timezone.now() - timedelta(days=dias_atras))
    return turno_para(usuario)


def test_lista_por_rol(client, cajero, gerente, consulta, usuario_con_rol, turno_para):
    otra = usuario_con_rol("Cajero", username="otra", first_name="Olga", last_name="Treviño")
    _turnos_de(cajero, 2, turno_para)
    _turnos_de(otra, 1, turno_para)
    client.force_login(cajero)
    html = _html(client.get(reverse("ventas:turnos")))
    assert "3 turnos" in html and "Olga Treviño" not in html and 'name="cajero"' not in html
    for usuario in (gerente, consulta):
        client.force_login(usuario)
        html = _html(client.get(reverse("ventas:turnos")))
        assert "5 turnos" in html and "Olga Treviño" in html and "Carlos Ramírez" in html
        html = _html(client.get(reverse("ventas:turnos"), {"cajero": otra.pk}))
        assert "2 turnos" in html and "Carlos Ramírez</td>" not in html


def test_el_reporte_ofrece_cerrar_a_quien_puede(client, cajero, gerente, turno_para):
    turno = turno_para(cajero)
    reporte = reverse("ventas:turno_detalle", args=[turno.pk])
    enlace = f'href="{reverse("ventas:turno_cerrar", args=[turno.pk])}"'
    client.force_login(cajero)
    assert enlace in _html(client.get(reporte))
    client.force_login(gerente)
    assert enlace in _html(client.get(reporte))  # a Gerente closes for a cashier who left
    assert client.post(reverse("ventas:turno_cerrar", args=[turno.pk]), _cierre(efectivo_total="500")).status_code == 302
    for usuario in (cajero, gerente):
        client.force_login(usuario)
        html = _html(client.get(reporte))
        assert "ABIERTO" not in html and enlace not in html


def test_consulta_lee_el_reporte_pero_no_ve_mi_turno(cliente_consulta, cajero, turno_para):
    turno = turno_para(cajero)
    html = _html(cliente_consulta.get(reverse("ventas:turno_detalle", args=[turno.pk])))
    assert "ABIERTO" in html and "Cerrar este turno" not in html
    nav = _html(cliente_consulta.get(reverse("ventas:turnos")))
    assert "Cortes de caja" in nav and f'href="{reverse("ventas:turno")}"' not in nav


def test_filtro_por_fechas(cliente_gerente, cajero, turno_para):
    _turnos_de(cajero, 1, turno_para, dias_atras=40)
    hoy = timezone.localdate()
    html = _html(cliente_gerente.get(reverse("ventas:turnos"), {"desde": str(hoy - timedelta(days=7)), "hasta": str(hoy)}))
    assert "1 turno" in html
    html = _html(cliente_gerente.get(reverse("ventas:turnos"), {"estado": "cerrado"}))
    assert "1 turno" in html


@pytest.mark.parametrize(
    "parametros,mensaje",
    [
        ({"desde": "2026-02-30"}, "La fecha 2026-02-30 no existe."),
        ({"desde": "2026-0²-01"}, "Desde: escribe la fecha como AAAA-MM-DD"),
        ({"desde": "0001-01-01"}, "Desde: la fecha debe ser del 01/01/2000 en adelante."),
        ({"desde": "2026-03-10", "hasta": "2026-03-01"}, "es posterior a la fecha"),
        ({"hasta": "x" * 10_000}, "Hasta: escribe la fecha como AAAA-MM-DD"),
        ({"cajero": "999999"}, "Ese cajero no tiene turnos."),
        ({"estado": "perdido"}, "Estado no válido."),
    ],
)
def test_filtros_malos(cliente_gerente, parametros, mensaje):
    respuesta = cliente_gerente.get(reverse("ventas:turnos"), parametros)
    assert respuesta.status_code == 400
    assert mensaje in _html(respuesta)


@pytest.mark.parametrize("pagina", ["999", "abc", "-1"])
def test_pagina_fuera_de_rango(cliente_cajero, cajero, turno_para, pagina):
    _turnos_de(cajero, 1, turno_para)
    respuesta = cliente_cajero.get(reverse("ventas:turnos"), {"page": pagina})
    assert respuesta.status_code == 200 and "2 turnos" in _html(respuesta)


# --- Query budgets ----------------------------------------------------------------------------


def test_consultas_de_las_paginas_de_turno(client, cajero, gerente, usuario_con_rol, producto_con_existencia,
                                          turno_para, django_assert_max_num_queries):
    producto = producto_con_existencia(100)
    for i in range(4):
        otro = usuario_con_rol("Cajero", username=f"c{i}")
        _turnos_de(otro, 2, turno_para)
    turno = turno_para(cajero)
    for _ in range(6):
        vender(cajero, producto, efectivo="100000")
        caja_movimiento_registrar(usuario=cajero, tipo="deposito", monto=D("1"), motivo="Morralla")
    client.force_login(cajero)
    # 5 on the auth database (session, user, permissions, roles) + shift, 4 sums, movements.
    with django_assert_max_num_queries(11):
        assert client.get(reverse("ventas:turno")).status_code == 200
    with django_assert_max_num_queries(11):
        assert client.get(reverse("ventas:turno_detalle", args=[turno.pk])).status_code == 200
    turno_cerrar(turno_id=turno.pk, usuario=cajero, efectivo_contado=D("0"), tarjeta_reportado=D("0"),
                          transferencia_reportado=D("0"),
                 autorizador=autorizar("gerente1", CLAVE, PERMISO_AUTORIZAR_DIFERENCIA))
    with django_assert_max_num_queries(7):  # the closed report reads the stored close
        assert client.get(reverse("ventas:turno_detalle", args=[turno.pk])).status_code == 200
    client.force_login(gerente)
    with django_assert_max_num_queries(8):  # cashiers for the filter, exact count, one page
        assert client.get(reverse("ventas:turnos")).status_code == 200


def test_navegacion_del_cajero(cliente_cajero):
    html = _html(cliente_cajero.get(reverse("ventas:turnos")))
    assert f'<a href="{reverse("ventas:turno")}"' in html and ">Turno</a>" in html


def test_ticket_sigue_viendose_con_otro_cliente(cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    venta = vender(cajero, producto_con_existencia(5), efectivo="100000")
    cliente = Client()
    cliente.force_login(cajero)
    assert cliente.get(reverse("ventas:ticket", args=[venta.pk])).status_code == 200


def test_turno_de_otro_dia_se_avisa(cliente_cajero, cajero, turno_para):
    turno = turno_para(cajero)
    assert 'id="aviso-turno-viejo"' not in _html(cliente_cajero.get(reverse("ventas:caja")))
    Turno.objects.filter(pk=turno.pk).update(abierto=timezone.now() - timedelta(days=2))
    for url in (reverse("ventas:caja"), reverse("ventas:turno")):
        assert "haz el corte y abre uno nuevo" in _html(cliente_cajero.get(url)), url


def test_inicio_lleva_al_turno(cliente_cajero, client, consulta):
    assert f'href="{reverse("ventas:turno")}"><strong>Turno de caja' in _html(cliente_cajero.get(reverse("inicio")))
    client.force_login(consulta)
    assert f'href="{reverse("ventas:turnos")}"><strong>Cortes de caja' in _html(client.get(reverse("inicio")))
