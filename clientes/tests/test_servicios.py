import pytest

from clientes.exceptions import (
    ClienteConVentas,
    ClienteProtegido,
    DatosInvalidos,
    EmailDuplicado,
    RfcInvalido,
)
from clientes.models import Cliente
from clientes.selectors import cliente_publico_general, clientes_buscar
from clientes.services import (
    cliente_actualizar,
    cliente_desactivar,
    cliente_eliminar,
    cliente_reactivar,
    cliente_registrar,
)
from clientes.tests.factories import rfc_valido
from integraciones.models import SincronizacionAlumno

pytestmark = pytest.mark.django_db(databases="__all__")


def test_registrar_un_cliente_no_lo_envia_a_sii_ni_aula():
    cliente = cliente_registrar(
        nombre=" Ana ", apellidos="López", email="Ana@Escuela.test", telefono="(55) 1234-5678",
        rfc=rfc_valido(1).lower(),
    )
    cliente.refresh_from_db()
    assert (cliente.nombre, cliente.telefono, cliente.rfc, cliente.tipo) == ("Ana", "5512345678", rfc_valido(1), "persona")
    assert not SincronizacionAlumno.objects.exists()
    assert not cliente.alumnos.exists()


def test_sin_correo_ni_rfc_y_varios_sin_correo():
    uno = cliente_registrar(nombre="Ana")
    dos = cliente_registrar(nombre="Beto")
    assert (uno.email, uno.rfc, dos.email) == ("", "", "")


def test_empresa_con_rfc_de_12():
    empresa = cliente_registrar(tipo="empresa", nombre="Constructora del Bajío", rfc=rfc_valido(2, empresa=True))
    assert empresa.tipo == "empresa" and len(empresa.rfc) == 12


@pytest.mark.parametrize(
    ("campos", "excepcion", "mensaje"),
    [
        ({"email": "ANA@e.test"}, EmailDuplicado, "correo"),
        ({"rfc": rfc_valido(3)[:-1] + ("0" if rfc_valido(3)[-1] != "0" else "1")}, RfcInvalido, "dígito verificador"),
        ({"rfc": rfc_valido(3, empresa=True)}, RfcInvalido, "13 caracteres"),
        ({"tipo": "empresa", "rfc": rfc_valido(3)}, RfcInvalido, "12 caracteres"),
        ({"rfc": "GODE561331GR8"}, RfcInvalido, "fecha"),
        ({"rfc": "GODE5612٣1GR8"}, RfcInvalido, "letras"),
        ({"tipo": "sociedad"}, DatosInvalidos, "persona o una empresa"),
        ({"nombre": "x" * 101}, DatosInvalidos, "Máximo 100"),
        ({"nombre": "An\x00a"}, DatosInvalidos, "no permitidos"),
        ({"nombre": "١٢٣"}, DatosInvalidos, "al menos una letra"),
        ({"telefono": "٥٥١٢٣٤٥٦٧٨"}, DatosInvalidos, "teléfono"),
    ],
)
def test_errores_de_dominio_no_escriben_nada(campos, excepcion, mensaje):
    cliente_registrar(nombre="Ana", email="ana@e.test")
    antes = Cliente.objects.count()
    with pytest.raises(excepcion) as error:
        cliente_registrar(**{"nombre": "Otra", **campos})
    assert mensaje in error.value.mensaje
    assert Cliente.objects.count() == antes


def test_actualizar_valida_igual_y_no_encola():
    cliente = cliente_registrar(nombre="Ana", email="ana@e.test")
    with pytest.raises(RfcInvalido):
        cliente_actualizar(cliente=cliente, nombre="Ana", rfc="GODE561231GR9")
    cliente.refresh_from_db()
    assert cliente.rfc == ""
    cliente_actualizar(cliente=cliente, nombre="Ana María", email="", rfc=rfc_valido(4))
    cliente.refresh_from_db()
    assert (cliente.nombre, cliente.email, cliente.rfc) == ("Ana María", "", rfc_valido(4))
    assert not SincronizacionAlumno.objects.exists()


def test_email_libre_tras_desactivar_y_reactivar_rechazado():
    primero = cliente_registrar(nombre="Ana", email="ana@e.test")
    cliente_desactivar(cliente=primero)
    cliente_registrar(nombre="Ana nueva", email="ANA@e.test")
    with pytest.raises(EmailDuplicado):
        cliente_reactivar(cliente=primero)


def test_reactivar_sin_correo():
    cliente = cliente_registrar(nombre="Ana")
    cliente_registrar(nombre="Beto")
    cliente_desactivar(cliente=cliente)
    cliente_reactivar(cliente=cliente)
    cliente.refresh_from_db()
    assert cliente.activo


def test_publico_general_existe_y_esta_protegido():
    publico = cliente_publico_general()
    assert publico.nombre == "Público en general"
    for servicio in (cliente_desactivar, cliente_eliminar):
        with pytest.raises(ClienteProtegido):
            servicio(cliente=publico)
    with pytest.raises(ClienteProtegido):
        cliente_actualizar(cliente=publico, nombre="Otro")


def test_eliminar_sin_ventas_y_con_ventas(monkeypatch):
    cliente = cliente_registrar(nombre="Ana", email="ana@e.test")
    monkeypatch.setattr("clientes.services.cliente_tiene_ventas", lambda cliente: True)
    with pytest.raises(ClienteConVentas):
        cliente_eliminar(cliente=cliente)
    monkeypatch.undo()
    cliente_eliminar(cliente=cliente)
    assert not Cliente.objects.filter(pk=cliente.pk).exists()


def test_buscar_por_nombre_correo_rfc_y_telefono():
    ana = cliente_registrar(nombre="Ana", apellidos="Zavala", email="ana@e.test", telefono="55 1111 2222",
                            rfc=rfc_valido(9))
    cliente_registrar(nombre="Beto", email="beto@e.test")
    for texto in ("zavala", "ANA@", rfc_valido(9)[:6].lower(), "1111-2222", "ana zavala"):
        assert list(clientes_buscar(texto=texto)) == [ana], texto
