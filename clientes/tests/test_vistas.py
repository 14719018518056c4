import time

import pytest
from django.urls import reverse

from clientes.models import Cliente
from clientes.services import cliente_registrar
from clientes.tests.factories import ClienteFactory, curp_valida
from integraciones.models import SincronizacionAlumno

pytestmark = pytest.mark.django_db(databases="__all__")

VALIDO = {"nombre": "Ana", "apellidos": "López", "email": "ana@escuela.test", "telefono": "55 1234 5678", "curp": ""}


def _contar():
    return Cliente.objects.count(), SincronizacionAlumno.objects.count()


@pytest.mark.parametrize(
    ("cambios", "campo", "mensaje"),
    [
        ({"email": "no-es-correo"}, "email", "correo electrónico válido"),
        ({"email": ""}, "email", "obligatorio"),
        ({"curp": "ABC"}, "curp", "exactamente 18"),
        ({"curp": "HEGG560427MZZRRL04"}, "curp", "formato oficial"),
        ({"curp": "HEGG560427MVZRRL05"}, "curp", "dígito verificador"),
        ({"curp": curp_valida(1)}, "curp", "Ya hay un cliente con esa CURP"),
        ({"email": "EXISTE@escuela.test"}, "email", "Ya hay un cliente activo con ese correo"),
        ({"nombre": "x" * 10_000}, "nombre", "100 caracteres"),
        ({"nombre": "<script>alert('x')</script>"}, "nombre", "No se permiten los caracteres"),
        ({"telefono": "12"}, "telefono", "entre 7 y 15 dígitos"),
    ],
)
def test_datos_invalidos_error_en_espanol_y_nada_escrito(cliente_cajero, cambios, campo, mensaje):
    cliente_registrar(nombre="Existe", email="existe@escuela.test", curp=curp_valida(1))
    antes = _contar()
    respuesta = cliente_cajero.post(reverse("clientes:nuevo"), {**VALIDO, **cambios})
    assert respuesta.status_code == 200
    errores = respuesta.context["formulario"].errors[campo]
    assert any(mensaje in error for error in errores), errores
    assert mensaje.split("<")[0] in respuesta.content.decode()
    assert _contar() == antes


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


def test_registro_redirige_al_detalle(cliente_cajero, sandbox):
    respuesta = cliente_cajero.post(reverse("clientes:nuevo"), VALIDO, follow=True)
    cliente = Cliente.objects.get(email="ana@escuela.test")
    assert respuesta.redirect_chain[-1][0] == reverse("clientes:detalle", args=[cliente.pk])
    assert cliente.telefono == "5512345678"
    assert "Registrado en SII" not in respuesta.content.decode() or cliente.id_alumno_sii


def test_permisos_por_rol(client, consulta, cajero, gerente):
    cliente = cliente_registrar(nombre="Ana", email="ana@escuela.test")
    client.force_login(consulta)
    assert client.get(reverse("clientes:lista")).status_code == 200
    assert client.get(reverse("clientes:detalle", args=[cliente.pk])).status_code == 200
    assert client.get(reverse("clientes:nuevo")).status_code == 403
    assert client.post(reverse("clientes:desactivar", args=[cliente.pk])).status_code == 403
    client.force_login(cajero)
    assert client.get(reverse("clientes:nuevo")).status_code == 200
    assert client.post(reverse("clientes:eliminar", args=[cliente.pk])).status_code == 403
    detalle = client.get(reverse("clientes:detalle", args=[cliente.pk])).content.decode()
    assert "Eliminar" not in detalle and "Reintentar" in detalle
    client.force_login(gerente)
    assert "Eliminar" in client.get(reverse("clientes:detalle", args=[cliente.pk])).content.decode()
    respuesta = client.post(reverse("clientes:eliminar", args=[cliente.pk]))
    assert respuesta.status_code == 302 and not Cliente.objects.filter(pk=cliente.pk).exists()


def test_navegacion_muestra_clientes_segun_permiso(cliente_consulta):
    assert reverse("clientes:lista") in cliente_consulta.get(reverse("inicio")).content.decode()


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


def test_admin_muestra_estado_y_reintenta(cliente_gerente):
    cliente = cliente_registrar(nombre="Ana", email="ana@escuela.test")
    SincronizacionAlumno.objects.filter(cliente=cliente).update(estado="error", ultimo_error="SII rechazó los datos")
    html = cliente_gerente.get(reverse("admin:clientes_cliente_changelist")).content.decode()
    assert "Error: SII rechazó los datos" in html
    respuesta = cliente_gerente.post(
        reverse("admin:clientes_cliente_changelist"),
        {"action": "reintentar_sincronizacion", "_selected_action": [cliente.pk]},
    )
    assert respuesta.status_code == 302
    assert set(SincronizacionAlumno.objects.filter(cliente=cliente).values_list("estado", flat=True)) == {"pendiente"}


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_sii_colgado_la_pagina_responde_en_menos_de_3_segundos(cliente_cajero, sandbox, settings):
    settings.INTEGRACIONES_TIMEOUT_LECTURA = 5.0  # the production read timeout: the 2 s budget must win
    sandbox.falla("sii", "colgado", segundos=20)
    inicio = time.monotonic()
    respuesta = cliente_cajero.post(reverse("clientes:nuevo"), VALIDO, follow=True)
    duracion = time.monotonic() - inicio
    assert duracion < 3, duracion
    assert "SII no respondió a tiempo: quedó pendiente" in respuesta.content.decode()
    cliente = Cliente.objects.get(email="ana@escuela.test")
    assert SincronizacionAlumno.objects.get(cliente=cliente, sistema="sii").estado == "pendiente"


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_registro_muestra_registrado_en_sii_y_reintentar(cliente_cajero, sandbox):
    sandbox.falla("aula", "error500")
    respuesta = cliente_cajero.post(reverse("clientes:nuevo"), VALIDO, follow=True)
    html = respuesta.content.decode()
    assert "Registrado en SII (#1)" in html and "Sincronizado #1" in html
    assert "Pendiente, próximo intento" in html and "Reintentar" in html
    sandbox.falla("aula", "ninguna")
    cliente = Cliente.objects.get(email="ana@escuela.test")
    respuesta = cliente_cajero.post(reverse("clientes:reintentar", args=[cliente.pk, "aula"]), follow=True)
    assert "Registrado en Aula (#1)" in respuesta.content.decode()
