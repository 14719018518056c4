"""A client (who pays) and an alumno (who studies) refuse the same bad name, email and phone
with the same Spanish message, and nothing is written."""

import pytest

from clientes.alumnos import alumno_registrar
from clientes.exceptions import DatosInvalidos
from clientes.models import Alumno, Cliente
from clientes.services import cliente_registrar

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.mark.parametrize(("datos", "campo", "mensaje"), [
    ({"nombre": ""}, "nombre", "El nombre es obligatorio."),
    ({"nombre": "1234"}, "nombre", "El nombre debe tener al menos una letra."),
    ({"nombre": "Ana\x00"}, "nombre", "El texto tiene caracteres no permitidos."),
    ({"nombre": "A" * 101}, "nombre", "Máximo 100 caracteres."),
    ({"apellidos": "<b>López</b>"}, "apellidos", "No se permiten los caracteres < ni >."),
    ({"email": "ana@"}, "email", "Escribe un correo electrónico válido, por ejemplo ana@ejemplo.mx."),
    ({"email": "a" * 250 + "@x.mx"}, "email", "Escribe un correo electrónico válido, por ejemplo ana@ejemplo.mx."),
    ({"telefono": "12"}, "telefono", "El teléfono debe tener entre 7 y 15 dígitos."),
    ({"telefono": "5" * 16}, "telefono", "El teléfono debe tener entre 7 y 15 dígitos."),
    ({"telefono": "²²²²²²²"}, "telefono", "El teléfono debe tener entre 7 y 15 dígitos."),
])
@pytest.mark.parametrize("registrar", [cliente_registrar, alumno_registrar], ids=["cliente", "alumno"])
def test_cliente_y_alumno_rechazan_igual(registrar, datos, campo, mensaje):
    with pytest.raises(DatosInvalidos) as error:
        registrar(**{"nombre": "Ana", **datos})
    assert (error.value.campo, error.value.mensaje) == (campo, mensaje)
    assert not Alumno.objects.exists() and not Cliente.objects.exclude(es_publico_general=True).exists()
