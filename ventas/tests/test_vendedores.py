"""Salespeople at the till and at checkout: who sold a sale and at which commission."""

from decimal import Decimal

import pytest
from django.db import connections
from django.urls import reverse

from ventas.caja.services import carrito_agregar, carrito_vaciar
from ventas.exceptions import AutorizacionRechazada, VendedorNoValido
from ventas.models import Carrito, Vendedor, Venta
from ventas.politica import PERMISO_ASIGNAR_VENDEDOR
from ventas.tests.autorizar import autorizar
from ventas.tests.factories import CLAVE_PRUEBAS, vender
from ventas.vendedores.services import carrito_vendedor_asignar, venta_vendedor_cambiar

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


@pytest.fixture
def vendedora(usuario_con_rol):
    """Valeria, a Cajero who is also a salesperson at 5 %."""
    usuario = usuario_con_rol("Cajero", username="vendedora1", first_name="Valeria", last_name="Soto")
    Vendedor.objects.create(id_usuario=usuario.pk, nombre="Valeria Soto", comision_porcentaje=D("5.00"))
    return usuario


def test_por_omision_vende_el_cajero_con_cero(cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    venta = vender(cajero, [(producto_con_existencia(5, precio=D("100.00")), 1)])
    guardada = Venta.objects.get(pk=venta.pk)
    assert (guardada.id_vendedor, guardada.nombre_vendedor, guardada.comision_porcentaje) == (
        cajero.pk, "Carlos Ramírez", D("0.00"))
    assert (venta.id_vendedor, venta.nombre_vendedor, venta.comision_porcentaje) == (
        cajero.pk, "Carlos Ramírez", D("0.00"))


def test_cajero_con_fila_de_vendedor_vende_con_su_porcentaje(vendedora, producto_con_existencia, turno_para):
    turno_para(vendedora)
    venta = vender(vendedora, [(producto_con_existencia(5), 1)])
    assert Venta.objects.values_list("id_vendedor", "nombre_vendedor", "comision_porcentaje").get(pk=venta.pk) == (
        vendedora.pk, "Valeria Soto", D("5.00"))


def test_gerente_autoriza_otro_vendedor_y_el_porcentaje_queda_congelado(
        cajero, gerente, vendedora, producto_con_existencia, turno_para):
    turno_para(cajero)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    autorizador = autorizar("gerente1", CLAVE_PRUEBAS, PERMISO_ASIGNAR_VENDEDOR)
    carrito = carrito_vendedor_asignar(cajero=cajero, id_vendedor=vendedora.pk, autorizador=autorizador)
    assert (carrito.id_vendedor, carrito.nombre_vendedor, carrito.id_autorizo_vendedor) == (
        vendedora.pk, "Valeria Soto", gerente.pk)
    venta = vender(cajero, [])
    assert (venta.id_cajero, venta.id_vendedor, venta.nombre_vendedor, venta.comision_porcentaje) == (
        cajero.pk, vendedora.pk, "Valeria Soto", D("5.00"))
    # Raising her percentage later changes the next sales, never this one.
    Vendedor.objects.filter(id_usuario=vendedora.pk).update(comision_porcentaje=D("12.50"))
    assert Venta.objects.get(pk=venta.pk).comision_porcentaje == D("5.00")
    # The next cart starts with the cashier again.
    siguiente = vender(cajero, [(producto_con_existencia(5), 1)])
    assert (siguiente.id_vendedor, siguiente.comision_porcentaje) == (cajero.pk, D("0"))


def test_cajero_sin_autorizacion_no_asigna_otro_vendedor(cajero, vendedora, producto_con_existencia, turno_para):
    turno_para(cajero)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    with pytest.raises(AutorizacionRechazada, match="Solo un gerente"):
        carrito_vendedor_asignar(cajero=cajero, id_vendedor=vendedora.pk, autorizador=None)
    # A cashier's own credentials do not authorise, nor does the service trust a cashier object.
    with pytest.raises(AutorizacionRechazada, match="no puede autorizar"):
        autorizar("cajero1", CLAVE_PRUEBAS, PERMISO_ASIGNAR_VENDEDOR)
    with pytest.raises(AutorizacionRechazada, match="no puede autorizar que la venta quede a nombre de otro vendedor"):
        carrito_vendedor_asignar(cajero=cajero, id_vendedor=vendedora.pk, autorizador=cajero)
    assert Carrito.objects.get(id_cajero=cajero.pk).id_vendedor is None
    venta = vender(cajero, [])
    assert venta.id_vendedor == cajero.pk


def test_vendedor_inactivo_o_inexistente_se_rechaza(cajero, gerente, vendedora, usuario_con_rol,
                                                     producto_con_existencia, turno_para):
    turno_para(cajero)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    sin_fila = usuario_con_rol("Cajero", username="sinfila")
    for id_usuario in (sin_fila.pk, 987654):
        with pytest.raises(VendedorNoValido):
            carrito_vendedor_asignar(cajero=cajero, id_vendedor=id_usuario, autorizador=gerente)
    # A salesperson whose user was deactivated in the auth database is not offered nor accepted.
    vendedora.is_active = False
    vendedora.save()
    with pytest.raises(VendedorNoValido):
        carrito_vendedor_asignar(cajero=cajero, id_vendedor=vendedora.pk, autorizador=gerente)
    vendedora.is_active = True
    vendedora.save()
    carrito_vendedor_asignar(cajero=cajero, id_vendedor=vendedora.pk, autorizador=gerente)
    # Deactivated between the assignment and the checkout: refused, nothing written.
    Vendedor.objects.filter(id_usuario=vendedora.pk).update(activo=False)
    with pytest.raises(VendedorNoValido, match="Valeria Soto ya no está activo"):
        vender(cajero, [])
    assert not Venta.objects.exists()
    # Back to the cashier (no authorisation needed) and the sale goes through.
    carrito_vendedor_asignar(cajero=cajero, id_vendedor=cajero.pk)
    assert vender(cajero, []).id_vendedor == cajero.pk


def test_vaciar_devuelve_el_vendedor_al_cajero(cajero, gerente, vendedora, producto_con_existencia):
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    carrito_vendedor_asignar(cajero=cajero, id_vendedor=vendedora.pk, autorizador=gerente)
    carrito_vaciar(cajero=cajero)
    carrito = Carrito.objects.get(id_cajero=cajero.pk)
    assert (carrito.id_vendedor, carrito.nombre_vendedor, carrito.id_autorizo_vendedor) == (None, "", None)


def test_la_base_exige_autorizacion_para_otro_vendedor(cajero, vendedora):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Carrito.objects.create(id_cajero=cajero.pk, id_vendedor=vendedora.pk, nombre_vendedor="Valeria Soto")
    with pytest.raises(IntegrityError), transaction.atomic():
        Carrito.objects.create(id_cajero=cajero.pk, id_vendedor=cajero.pk, id_autorizo_vendedor=cajero.pk)


# --- At the till (views) -----------------------------------------------------------------------


def test_caja_muestra_el_vendedor_y_las_opciones(cliente_cajero, cajero, vendedora, turno_para):
    turno_para(cajero)
    pagina = cliente_cajero.get(reverse("ventas:caja")).content.decode()
    assert "Le atiende: <strong" in pagina and "Carlos Ramírez" in pagina
    assert f'<option value="{vendedora.pk}">Valeria Soto</option>' in pagina
    assert 'name="usuario"' in pagina  # a cashier is asked for a Gerente's credentials


def test_caja_cajero_sin_credenciales_no_cambia_el_vendedor(cliente_cajero, cajero, vendedora, turno_para):
    turno_para(cajero)
    respuesta = cliente_cajero.post(reverse("ventas:vendedor_asignar"), {"vendedor": vendedora.pk}, follow=True)
    assert respuesta.status_code == 200
    assert "Solo un gerente puede asignar la venta a otro vendedor" in respuesta.content.decode()
    assert not Carrito.objects.filter(id_vendedor__isnull=False).exists()
    respuesta = cliente_cajero.post(reverse("ventas:vendedor_asignar"),
                                    {"vendedor": vendedora.pk, "usuario": "gerente_x", "clave": "mala"}, follow=True)
    assert "incorrectos" in respuesta.content.decode()
    assert not Carrito.objects.filter(id_vendedor__isnull=False).exists()


def test_caja_con_credenciales_de_gerente_cambia_el_vendedor(cliente_cajero, cajero, gerente, vendedora,
                                                             producto_con_existencia, turno_para):
    turno_para(cajero)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    respuesta = cliente_cajero.post(reverse("ventas:vendedor_asignar"),
                                    {"vendedor": vendedora.pk, "usuario": "gerente1", "clave": CLAVE_PRUEBAS},
                                    HTTP_X_REQUESTED_WITH="fetch")
    assert respuesta.status_code == 200 and respuesta["X-Caja-Fragmentos"] == "1"
    html = respuesta.content.decode()
    assert 'id="vendedor-actual">Valeria Soto<' in html and "asignó Gabriela Méndez" in html
    assert Carrito.objects.get(id_cajero=cajero.pk).id_autorizo_vendedor == gerente.pk


def test_caja_gerente_en_caja_asigna_sin_escribir_su_clave(cliente_gerente, gerente, vendedora, turno_para):
    turno_para(gerente)
    pagina = cliente_gerente.get(reverse("ventas:caja")).content.decode()
    assert 'name="usuario"' not in pagina.split('id="vendedor"')[1].split("</section>")[0]
    cliente_gerente.post(reverse("ventas:vendedor_asignar"), {"vendedor": vendedora.pk})
    assert Carrito.objects.get(id_cajero=gerente.pk).id_vendedor == vendedora.pk


@pytest.mark.parametrize("valor", ["", "abc", "0", "-3", "١٢", "²", "9" * 40, "1\x00", "99999999"])
def test_caja_vendedor_hostil_no_da_500(cliente_gerente, gerente, turno_para, valor):
    turno_para(gerente)
    respuesta = cliente_gerente.post(reverse("ventas:vendedor_asignar"), {"vendedor": valor}, follow=True)
    assert respuesta.status_code in (200, 400)
    assert not Carrito.objects.filter(id_vendedor__isnull=False).exists()


# --- Afterwards, on the sale's page -------------------------------------------------------------


def test_gerente_corrige_el_vendedor_de_una_venta(cajero, gerente, vendedora, producto_con_existencia, turno_para):
    turno_para(cajero)
    venta = vender(cajero, [(producto_con_existencia(5), 1)])
    with pytest.raises(AutorizacionRechazada):
        venta_vendedor_cambiar(venta_id=venta.pk, id_vendedor=vendedora.pk, usuario=cajero)
    venta_vendedor_cambiar(venta_id=venta.pk, id_vendedor=vendedora.pk, usuario=gerente)
    assert Venta.objects.values_list("id_vendedor", "nombre_vendedor", "comision_porcentaje").get(pk=venta.pk) == (
        vendedora.pk, "Valeria Soto", D("5.00"))
    venta_vendedor_cambiar(venta_id=venta.pk, id_vendedor=cajero.pk, usuario=gerente)
    assert Venta.objects.values_list("id_vendedor", "nombre_vendedor", "comision_porcentaje").get(pk=venta.pk) == (
        cajero.pk, "Carlos Ramírez", D("0.00"))


# --- The Gerente's admin ---------------------------------------------------------------------------

ADMIN_ALTA = "/admin/ventas/vendedor/add/"


def test_admin_alta_toma_el_nombre_del_usuario(cliente_gerente, usuario_con_rol):
    pedro = usuario_con_rol("Cajero", username="pedro", first_name="Pedro", last_name="Luna")
    formulario = cliente_gerente.get(ADMIN_ALTA).content.decode()
    assert f'<option value="{pedro.pk}">Pedro Luna (pedro)</option>' in formulario
    respuesta = cliente_gerente.post(ADMIN_ALTA, {"id_usuario": pedro.pk, "comision_porcentaje": "2.5", "activo": "on"})
    assert respuesta.status_code == 302
    fila = Vendedor.objects.get()
    assert (fila.id_usuario, fila.nombre, fila.comision_porcentaje, fila.activo) == (pedro.pk, "Pedro Luna", D("2.50"), True)
    # The same user twice is refused by the form, not by a 500.
    otra = cliente_gerente.post(ADMIN_ALTA, {"id_usuario": pedro.pk, "comision_porcentaje": "1", "activo": "on"})
    assert otra.status_code == 200 and "Ya existe" in otra.content.decode()
    assert Vendedor.objects.count() == 1


@pytest.mark.parametrize(("datos", "mensaje"), [
    ({"id_usuario": "987654", "comision_porcentaje": "5"}, "Elige un usuario de la lista."),
    ({"id_usuario": "١", "comision_porcentaje": "5"}, "Elige un usuario de la lista."),
    ({"id_usuario": "1\x00", "comision_porcentaje": "5"}, None),
    ({"comision_porcentaje": "101"}, "Comisión (%): no puede pasar de 100."),
    ({"comision_porcentaje": "-1"}, "Comisión (%): no puede ser negativa."),
    ({"comision_porcentaje": "٥"}, "escribe un porcentaje"),
    ({"comision_porcentaje": "2.555"}, "como máximo 2 decimales"),
    ({"comision_porcentaje": "9" * 40}, "no puede pasar de 100"),
])
def test_admin_entradas_hostiles(cliente_gerente, cajero, datos, mensaje):
    respuesta = cliente_gerente.post(ADMIN_ALTA, {"id_usuario": cajero.pk, "activo": "on", **datos})
    assert respuesta.status_code in (200, 400)
    if mensaje:
        assert mensaje in respuesta.content.decode()
    assert not Vendedor.objects.exists()


def test_admin_usuario_dado_de_baja(cliente_gerente, cajero):
    fila = Vendedor.objects.create(id_usuario=cajero.pk, nombre="Carlos Ramírez", comision_porcentaje=D("3"))
    cajero.is_active = False
    cajero.save()
    url = f"/admin/ventas/vendedor/{fila.pk}/change/"
    assert "Carlos Ramírez (usuario dado de baja)" in cliente_gerente.get(url).content.decode()
    activo = cliente_gerente.post(url, {"id_usuario": cajero.pk, "comision_porcentaje": "3", "activo": "on"})
    assert "Ese usuario está dado de baja" in activo.content.decode()
    assert cliente_gerente.post(url, {"id_usuario": cajero.pk, "comision_porcentaje": "3"}).status_code == 302
    assert Vendedor.objects.get().activo is False


def test_admin_solo_gerente(cliente_cajero):
    assert cliente_cajero.get(ADMIN_ALTA).status_code == 302  # non-staff go to the admin's sign-in


# --- What the sale shows ----------------------------------------------------------------------------


def test_ticket_dice_quien_atendio(client, cajero, gerente, vendedora, producto_con_existencia, turno_para):
    turno_para(cajero)
    propia = vender(cajero, [(producto_con_existencia(5), 1)])
    _asignar = carrito_vendedor_asignar(cajero=cajero, id_vendedor=vendedora.pk, autorizador=gerente)
    ajena = vender(cajero, [(producto_con_existencia(5), 1)])
    client.force_login(cajero)
    texto = client.get(reverse("ventas:ticket", args=[propia.pk])).content.decode()
    assert "Le atendió: Carlos Ramírez" in texto and "Cajero: Carlos Ramírez" not in texto
    texto = client.get(reverse("ventas:ticket", args=[ajena.pk])).content.decode()
    assert "Cajero: Carlos Ramírez" in texto and "Le atendió: Valeria Soto" in texto
    assert _asignar.id_vendedor == vendedora.pk


def test_pagina_de_la_venta_muestra_y_corrige_el_vendedor(client, cajero, gerente, consulta, vendedora,
                                                          producto_con_existencia, turno_para):
    turno_para(cajero)
    venta = vender(cajero, [(producto_con_existencia(5), 1)])
    url = reverse("ventas:venta_detalle", args=[venta.pk])
    client.force_login(cajero)
    pagina = client.get(url).content.decode()
    assert '<dd id="vendedor">Carlos Ramírez' in pagina
    assert "comisión" not in pagina.split('id="vendedor"')[1].split("</dd>")[0]  # a Cajero does not see %
    assert client.post(reverse("ventas:venta_vendedor", args=[venta.pk]), {"vendedor": vendedora.pk}).status_code == 403
    client.force_login(consulta)
    pagina = client.get(url).content.decode()
    assert "comisión 0.00 %" in pagina and "Corregir vendedor" not in pagina
    assert client.post(reverse("ventas:venta_vendedor", args=[venta.pk]), {"vendedor": vendedora.pk}).status_code == 403
    client.force_login(gerente)
    pagina = client.get(url).content.decode()
    assert "Corregir vendedor" in pagina and f'<option value="{vendedora.pk}">Valeria Soto</option>' in pagina
    respuesta = client.post(reverse("ventas:venta_vendedor", args=[venta.pk]), {"vendedor": vendedora.pk}, follow=True)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert "Valeria Soto (5.00 % de comisión)" in html and "comisión 5.00 %" in html
    for valor in ("x", "0", "١", "9" * 30, "987654"):
        respuesta = client.post(reverse("ventas:venta_vendedor", args=[venta.pk]), {"vendedor": valor}, follow=True)
        assert respuesta.status_code == 200 and "Valeria Soto" in respuesta.content.decode()
    assert Venta.objects.get(pk=venta.pk).id_vendedor == vendedora.pk
    for datos in ({"vendedor": vendedora.pk}, {"vendedor": "x"}, {}):  # no sale: 404 itself, not a redirect to one
        respuesta = client.post(reverse("ventas:venta_vendedor", args=[987654]), datos)
        assert respuesta.status_code == 404, datos


def test_caja_consultas_no_crecen_con_los_vendedores(cliente_cajero, cajero, usuario_con_rol, turno_para):
    """The "Vendedor" panel costs one query per database, however many salespeople there are."""
    from django.test.utils import CaptureQueriesContext

    turno_para(cajero)

    def consultas():
        with CaptureQueriesContext(connections["default"]) as negocio, \
                CaptureQueriesContext(connections["auth"]) as auth:
            assert cliente_cajero.get(reverse("ventas:caja")).status_code == 200
        return len(negocio), len(auth)

    def vendedor(numero):
        usuario = usuario_con_rol("Cajero", username=f"vendedor{numero}", first_name=f"Vendedor {numero}")
        Vendedor.objects.create(id_usuario=usuario.pk, nombre=f"Vendedor {numero}", comision_porcentaje=D("1"))

    vendedor(0)
    uno = consultas()
    for numero in range(1, 8):
        vendedor(numero)
    assert consultas() == uno
