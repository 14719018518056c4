"""Salespeople at the till and at checkout: who sold a sale and at which commission."""

from decimal import Decimal

import pytest
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
    with pytest.raises(AutorizacionRechazada, match="no puede autorizar asignar la venta a otro vendedor"):
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
