import datetime

import pytest

from clientes.exceptions import (
    ClienteConVentas,
    ClienteProtegido,
    CurpDuplicada,
    CurpInvalida,
    EmailDuplicado,
)
from clientes.models import Cliente
from clientes.selectors import cliente_publico_general, clientes_buscar
from clientes.services import cliente_desactivar, cliente_eliminar, cliente_reactivar, cliente_registrar
from clientes.tests.factories import curp_valida
from integraciones.models import SincronizacionAlumno

pytestmark = pytest.mark.django_db(databases="__all__")


def test_registrar_escribe_cliente_y_outbox():
    cliente = cliente_registrar(
        nombre=" Ana ", apellidos="López", email="Ana@Escuela.test", telefono="(55) 1234-5678", curp=curp_valida(1).lower()
    )
    cliente.refresh_from_db()
    assert cliente.nombre == "Ana" and cliente.telefono == "5512345678" and cliente.curp == curp_valida(1)
    assert cliente.fecha_nacimiento is not None  # derived from the CURP
    assert sorted(SincronizacionAlumno.objects.filter(cliente=cliente).values_list("sistema", flat=True)) == ["aula", "sii"]
    assert SincronizacionAlumno.objects.filter(estado="pendiente").count() == 2


def test_fecha_dada_gana_a_la_de_la_curp():
    fecha = datetime.date(2011, 1, 2)
    cliente = cliente_registrar(nombre="A", email="a@e.test", curp=curp_valida(2), fecha_nacimiento=fecha)
    assert cliente.fecha_nacimiento == fecha


@pytest.mark.parametrize(
    ("campos", "excepcion"),
    [
        ({"email": "ANA@e.test"}, EmailDuplicado),
        ({"email": "otra@e.test", "curp": curp_valida(5)}, CurpDuplicada),
        ({"email": "otra@e.test", "curp": "HEGG560427MVZRRL05"}, CurpInvalida),
    ],
)
def test_errores_de_dominio_no_escriben_nada(campos, excepcion):
    cliente_registrar(nombre="Ana", email="ana@e.test", curp=curp_valida(5))
    antes = (Cliente.objects.count(), SincronizacionAlumno.objects.count())
    with pytest.raises(excepcion):
        cliente_registrar(nombre="Otra", **campos)
    assert (Cliente.objects.count(), SincronizacionAlumno.objects.count()) == antes


def test_email_libre_tras_desactivar_y_reactivar_rechazado():
    primero = cliente_registrar(nombre="Ana", email="ana@e.test")
    cliente_desactivar(cliente=primero)
    cliente_registrar(nombre="Ana nueva", email="ANA@e.test")
    with pytest.raises(EmailDuplicado):
        cliente_reactivar(cliente=primero)


def test_publico_general_existe_y_esta_protegido():
    publico = cliente_publico_general()
    assert publico.nombre == "Público en general"
    assert not SincronizacionAlumno.objects.filter(cliente=publico).exists()
    for servicio in (cliente_desactivar, cliente_eliminar):
        with pytest.raises(ClienteProtegido):
            servicio(cliente=publico)


def test_eliminar_sin_ventas_y_con_ventas(monkeypatch):
    cliente = cliente_registrar(nombre="Ana", email="ana@e.test")
    monkeypatch.setattr("clientes.services.cliente_tiene_ventas", lambda cliente: True)
    with pytest.raises(ClienteConVentas):
        cliente_eliminar(cliente=cliente)
    monkeypatch.undo()
    cliente_eliminar(cliente=cliente)
    assert not Cliente.objects.filter(pk=cliente.pk).exists()
    assert not SincronizacionAlumno.objects.filter(cliente_id=cliente.pk).exists()


def test_buscar_por_nombre_correo_curp_y_telefono():
    ana = cliente_registrar(nombre="Ana", apellidos="Zavala", email="ana@e.test", telefono="55 1111 2222", curp=curp_valida(9))
    cliente_registrar(nombre="Beto", email="beto@e.test")
    for texto in ("zavala", "ANA@", curp_valida(9)[:6].lower(), "1111-2222"):
        assert list(clientes_buscar(texto=texto)) == [ana], texto
