import pytest
from django.urls import reverse

from clientes.alumnos import alumno_registrar
from clientes.models import Cliente
from clientes.services import cliente_registrar
from clientes.tests.factories import ClienteFactory, rfc_valido
from integraciones.models import SincronizacionAlumno

pytestmark = pytest.mark.django_db(databases="__all__")

VALIDO = {"tipo": "persona", "nombre": "Ana", "apellidos": "López", "email": "ana@escuela.test",
          "telefono": "55 1234 5678", "direccion": "", "rfc": ""}


def _contar():
    return Cliente.objects.count(), SincronizacionAlumno.objects.count()


@pytest.mark.parametrize(
    ("cambios", "campo", "mensaje"),
    [
        ({"email": "no-es-correo"}, "email", "correo electrónico válido"),
        ({"email": "EXISTE@escuela.test"}, "email", "Ya hay un cliente activo con ese correo"),
        ({"rfc": "GODE561231GR9"}, "rfc", "dígito verificador"),
        ({"rfc": "GODE561231GR8", "tipo": "empresa"}, "rfc", "12 caracteres"),
        ({"rfc": "GODE5612٣1GR8"}, "rfc", "solo lleva letras"),
        ({"tipo": "otro"}, "tipo", "persona o una empresa"),
        ({"nombre": "x" * 10_000}, "nombre", "100 caracteres"),
        ({"nombre": "<script>alert('x')</script>"}, "nombre", "No se permiten los caracteres"),
        ({"telefono": "12"}, "telefono", "entre 7 y 15 dígitos"),
    ],
)
def test_datos_invalidos_error_en_espanol_y_nada_escrito(cliente_cajero, cambios, campo, mensaje):
    cliente_registrar(nombre="Existe", email="existe@escuela.test")
    antes = _contar()
    respuesta = cliente_cajero.post(reverse("clientes:nuevo"), {**VALIDO, **cambios})
    assert respuesta.status_code == 200
    errores = respuesta.context["formulario"].errors[campo]
    assert any(mensaje in error for error in errores), errores
    assert _contar() == antes


def test_nul_rechazado_sin_escribir(cliente_cajero):
    antes = _contar()
    respuesta = cliente_cajero.post(reverse("clientes:nuevo"), {**VALIDO, "nombre": "\x00" * 300})
    assert respuesta.status_code == 400 and _contar() == antes


def test_registro_sin_correo_ni_rfc_y_empresa(cliente_cajero):
    respuesta = cliente_cajero.post(reverse("clientes:nuevo"), {**VALIDO, "email": ""}, follow=True)
    ana = Cliente.objects.get(nombre="Ana")
    assert respuesta.redirect_chain[-1][0] == reverse("clientes:detalle", args=[ana.pk])
    assert ana.email == "" and ana.telefono == "5512345678"
    cliente_cajero.post(reverse("clientes:nuevo"), {**VALIDO, "tipo": "empresa", "nombre": "Aceros SA", "email": "",
                                                     "apellidos": "", "rfc": rfc_valido(5, empresa=True)})
    empresa = Cliente.objects.get(nombre="Aceros SA")
    assert empresa.tipo == "empresa" and empresa.rfc == rfc_valido(5, empresa=True)
    assert not SincronizacionAlumno.objects.exists()  # who pays is never sent to SII/Aula
    html = cliente_cajero.get(reverse("clientes:detalle", args=[empresa.pk])).content.decode()
    assert "Registrar empleado" in html and f"?cliente={empresa.pk}" in html


def test_html_en_nombres_se_muestra_escapado_en_cada_pagina(cliente_gerente):
    # Data that did not come through our form (the legacy table, the admin, an import).
    cliente = ClienteFactory(nombre="<script>alert(1)</script>", apellidos='<img src=x onerror="y">', direccion="<b>Calle</b>")
    paginas = [
        reverse("clientes:lista"),
        reverse("clientes:lista") + "?q=script",
        reverse("clientes:detalle", args=[cliente.pk]),
        reverse("clientes:editar", args=[cliente.pk]),
        reverse("admin:clientes_cliente_changelist"),
        reverse("admin:clientes_cliente_change", args=[cliente.pk]),
    ]
    for url in paginas:
        html = cliente_gerente.get(url).content.decode()
        assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>Calle" not in html, url
        assert "&lt;script&gt;alert(1)" in html, url


def test_permisos_por_rol(client, consulta, cajero, gerente):
    cliente = cliente_registrar(nombre="Ana", email="ana@escuela.test")
    client.force_login(consulta)
    assert client.get(reverse("clientes:lista")).status_code == 200
    assert client.get(reverse("clientes:detalle", args=[cliente.pk])).status_code == 200
    assert client.get(reverse("clientes:nuevo")).status_code == 403
    assert client.post(reverse("clientes:desactivar", args=[cliente.pk])).status_code == 403
    assert "Registrar hijo" not in client.get(reverse("clientes:detalle", args=[cliente.pk])).content.decode()
    client.force_login(cajero)
    assert client.get(reverse("clientes:nuevo")).status_code == 200
    assert client.post(reverse("clientes:eliminar", args=[cliente.pk])).status_code == 403
    detalle = client.get(reverse("clientes:detalle", args=[cliente.pk])).content.decode()
    assert "Eliminar" not in detalle and "Registrar hijo/a" in detalle
    client.force_login(gerente)
    assert "Eliminar" in client.get(reverse("clientes:detalle", args=[cliente.pk])).content.decode()
    respuesta = client.post(reverse("clientes:eliminar", args=[cliente.pk]))
    assert respuesta.status_code == 302 and not Cliente.objects.filter(pk=cliente.pk).exists()


def test_navegacion_muestra_clientes_y_alumnos_segun_permiso(cliente_consulta):
    html = cliente_consulta.get(reverse("inicio")).content.decode()
    assert reverse("clientes:lista") in html and reverse("clientes:alumno_lista") in html


def test_editar_y_desactivar(cliente_cajero):
    cliente = cliente_registrar(nombre="Ana", email="ana@escuela.test")
    respuesta = cliente_cajero.post(reverse("clientes:editar", args=[cliente.pk]), {**VALIDO, "nombre": "Ana María"})
    assert respuesta.status_code == 302
    cliente.refresh_from_db()
    assert cliente.nombre == "Ana María"
    cliente_cajero.post(reverse("clientes:desactivar", args=[cliente.pk]))
    cliente.refresh_from_db()
    assert not cliente.activo
    assert cliente not in cliente_cajero.get(reverse("clientes:lista")).context["clientes"]


def test_lista_paginada_con_presupuesto_de_consultas(cliente_cajero, django_assert_max_num_queries):
    for n in range(30):
        ClienteFactory(nombre=f"Cliente{n:02d}")
    with django_assert_max_num_queries(8):
        respuesta = cliente_cajero.get(reverse("clientes:lista") + "?q=cliente")
    assert len(respuesta.context["clientes"]) == 25
    assert "page=2" in respuesta.content.decode()


def test_publico_general_en_la_lista_sin_editar(cliente_cajero):
    publico = Cliente.objects.get(es_publico_general=True)
    assert publico in cliente_cajero.get(reverse("clientes:lista")).context["clientes"]
    assert cliente_cajero.get(reverse("clientes:editar", args=[publico.pk])).status_code == 302


def test_ficha_del_cliente_lista_los_alumnos_que_paga(cliente_consulta):
    mama = cliente_registrar(nombre="Laura", apellidos="Ríos", email="laura@e.test")
    alumno_registrar(nombre="Pablo", apellidos="Ríos", responsable=mama, parentesco="madre", grado="3", grupo="B")
    alumno_registrar(nombre="Sofía", apellidos="Ríos", responsable=mama, parentesco="madre")
    html = cliente_consulta.get(reverse("clientes:detalle", args=[mama.pk])).content.decode()
    assert "Pablo Ríos" in html and "Sofía Ríos" in html and "Madre" in html
