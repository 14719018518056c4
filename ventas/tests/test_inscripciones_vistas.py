"""Selling course seats at the till through its pages: without JavaScript (POST/redirect/GET)
and as static/js/caja.js asks (fragments), the alumno picker, and bad input."""

from decimal import Decimal

import pytest
from django.urls import reverse

from clientes.models import Alumno, AlumnoResponsable
from clientes.selectors import alumnos_buscar, cliente_publico_general
from clientes.tests.factories import ClienteFactory, curp_valida
from cursos.models import Inscripcion
from cursos.tests.factories import alumno_crear, edicion_crear_prueba
from inventario.models import Producto
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_cliente_asignar
from ventas.models import CarritoLinea, Venta

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}


@pytest.fixture
def mama():
    return ClienteFactory(nombre="Laura", apellidos="Gómez")


@pytest.fixture
def caja(cliente_cajero, cajero, turno_para, mama):
    turno_para(cajero, D("100000"))
    carrito_cliente_asignar(cajero=cajero, cliente_id=mama.pk)
    return cliente_cajero


def _mensajes(respuesta) -> list[str]:
    return [str(m) for m in respuesta.context["messages"]]


def test_sin_javascript_uniforme_y_dos_hermanos(caja, cajero, mama, producto_con_existencia):
    uniforme = producto_con_existencia(5, nombre="Uniforme de gala", precio=D("600.00"))
    edicion = edicion_crear_prueba(cupo=4, codigo="ROB-2031", precio=D("1000.00"))
    ana = alumno_crear(nombre="Ana", apellidos="Gómez", responsable=mama)
    beto = alumno_crear(nombre="Beto", apellidos="Gómez", responsable=mama)
    otro = alumno_crear(nombre="Carlos", apellidos="Ruiz")

    caja.post(reverse("ventas:agregar"), {"texto": uniforme.codigo})
    respuesta = caja.post(reverse("ventas:agregar"), {"texto": "rob-2031"})
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"{reverse('ventas:caja')}?inscribir={edicion.pk}"
    pagina = caja.get(respuesta["Location"])
    html = pagina.content.decode()
    assert "Elige el alumno que se inscribe en" in " ".join(_mensajes(pagina))
    assert 'id="buscar-alumno"' in html
    # The mother's children are listed before any search; nobody else is.
    assert f'id="alumno-{ana.pk}"' in html and f'id="alumno-{beto.pk}"' in html
    assert f'id="alumno-{otro.pk}"' not in html

    respuesta = caja.post(reverse("ventas:inscribir"), {"producto": edicion.pk, "alumno": ana.pk})
    assert respuesta.status_code == 302 and f"inscribir={edicion.pk}" in respuesta["Location"]
    pagina = caja.get(respuesta["Location"]).content.decode()
    assert "Inscripción: Ana Gómez" in pagina
    assert f'id="alumno-{ana.pk}"' not in pagina and f'id="alumno-{beto.pk}"' in pagina  # picker stays open
    caja.post(reverse("ventas:inscribir"), {"producto": edicion.pk, "alumno": beto.pk})

    vista = carrito_de_cajero(cajero=cajero)
    respuesta = caja.post(reverse("ventas:cobrar"), {"clave_cobro": str(vista.carrito.clave_cobro),
                                                     "huella": vista.huella, "efectivo_recibido": "2600"})
    venta = Venta.objects.get()
    assert respuesta["Location"] == reverse("ventas:ticket", args=[venta.pk])
    ticket = caja.get(respuesta["Location"]).content.decode()
    assert "Inscripción: Ana Gómez" in ticket and "Inscripción: Beto Gómez" in ticket
    assert set(Inscripcion.objects.values_list("alumno_id", flat=True)) == {ana.pk, beto.pk}
    assert Producto.objects.get(pk=edicion.pk).existencia == 2


def test_con_javascript_el_escaneo_de_una_edicion_abre_el_selector(caja, mama):
    edicion = edicion_crear_prueba(cupo=4, codigo="ROB-JS")
    ana = alumno_crear(nombre="Ana", apellidos="Gómez", responsable=mama)

    respuesta = caja.post(reverse("ventas:agregar"), {"texto": "ROB-JS"}, **FETCH)
    assert respuesta.status_code == 200 and respuesta["X-Caja-Fragmentos"] == "1"
    html = respuesta.content.decode()
    assert f'data-producto="{edicion.pk}"' in html and f'id="alumno-{ana.pk}"' in html
    assert "Elige el alumno que se inscribe en" in html
    assert CarritoLinea.objects.count() == 0

    respuesta = caja.post(reverse("ventas:inscribir_buscar"), {"producto": edicion.pk, "texto": "ana gó"}, **FETCH)
    assert f'id="alumno-{ana.pk}"' in respuesta.content.decode()

    respuesta = caja.post(reverse("ventas:inscribir"), {"producto": edicion.pk, "alumno": ana.pk}, **FETCH)
    html = respuesta.content.decode()
    assert "Inscripción: Ana Gómez" in html and 'id="inscribir"' in html
    assert CarritoLinea.objects.get().alumno_id == ana.pk


def test_elegir_una_edicion_de_la_lista_abre_el_selector(caja):
    edicion = edicion_crear_prueba(cupo=4)
    respuesta = caja.post(reverse("ventas:agregar_producto"), {"producto": edicion.pk})
    assert respuesta["Location"] == f"{reverse('ventas:caja')}?inscribir={edicion.pk}"



@pytest.mark.parametrize("cambios, motivo", [
    ({"estado": "cerrada"}, "la edición está cerrada, no admite inscripciones."),
    ({"lleno": True}, "la edición está llena, no quedan lugares."),
])
@pytest.mark.parametrize("asincrona", [False, True])
def test_escanear_una_edicion_que_no_admite_a_nadie_no_abre_el_selector(caja, mama, cambios, motivo, asincrona):
    """A closed or full edition is refused at the scan, as goods without stock are: the picker
    would only refuse every alumno the cashier picks."""
    edicion = edicion_crear_prueba(cupo=2, codigo="MAT-R9", **{k: v for k, v in cambios.items() if k != "lleno"})
    if cambios.get("lleno"):
        Producto.objects.filter(pk=edicion.pk).update(existencia=0)  # both seats sold
    alumno_crear(nombre="Ana", apellidos="Gómez", responsable=mama)
    if asincrona:
        html = caja.post(reverse("ventas:agregar"), {"texto": "mat-r9"}, **FETCH).content.decode()
    else:
        respuesta = caja.post(reverse("ventas:agregar"), {"texto": "mat-r9"})
        assert "inscribir=" not in respuesta["Location"]
        html = caja.get(respuesta["Location"]).content.decode()
    assert f"{edicion.producto.nombre}: {motivo}" in html
    assert 'id="buscar-alumno"' not in html and "Elige el alumno que se inscribe en" not in html
    assert CarritoLinea.objects.count() == 0

@pytest.mark.parametrize("datos, mensaje", [
    ({"alumno": "abc"}, "Alumno no válido."),
    ({"alumno": "١"}, "Alumno no válido."),
    ({"alumno": ""}, "Alumno no válido."),
    ({"alumno": "999999"}, "Ese alumno no existe."),
    ({"producto": "abc"}, "Edición no válida."),
])
def test_datos_malos_al_inscribir(caja, mama, datos, mensaje):
    edicion = edicion_crear_prueba(cupo=4)
    datos = {"producto": str(edicion.pk), "alumno": str(alumno_crear(responsable=mama).pk), **datos}
    respuesta = caja.post(reverse("ventas:inscribir"), datos, follow=True)
    assert respuesta.status_code == 200
    assert mensaje in _mensajes(respuesta)
    assert CarritoLinea.objects.count() == 0


def test_un_articulo_no_se_inscribe(caja, mama, producto_con_existencia):
    uniforme = producto_con_existencia(5)
    respuesta = caja.post(reverse("ventas:inscribir"), {"producto": uniforme.pk,
                                                        "alumno": alumno_crear(responsable=mama).pk}, follow=True)
    assert "Esa edición no existe." in _mensajes(respuesta)
    assert CarritoLinea.objects.count() == 0


def test_publico_en_general_no_inscribe(caja, cajero, mama):
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente_publico_general().pk)
    edicion = edicion_crear_prueba(cupo=4)
    pagina = caja.get(f"{reverse('ventas:caja')}?inscribir={edicion.pk}").content.decode()
    assert 'id="inscribir-sin-cliente"' in pagina
    respuesta = caja.post(reverse("ventas:inscribir"), {"producto": edicion.pk,
                                                        "alumno": alumno_crear(responsable=mama).pk}, follow=True)
    assert ("Para inscribir a un alumno elige primero al cliente que paga (no puede ser Público en general)."
            in _mensajes(respuesta))
    assert CarritoLinea.objects.count() == 0


def test_registrar_alumno_en_el_momento(caja, mama):
    edicion = edicion_crear_prueba(cupo=4)
    curp = curp_valida(7, siglo_xxi=True)
    respuesta = caja.post(reverse("ventas:inscribir_nuevo"), {
        "producto": edicion.pk, "nombre": "Diego", "apellidos": "Gómez", "curp": curp.lower(),
        "fecha_nacimiento": "", "parentesco": "madre"})
    assert respuesta.status_code == 302
    diego = Alumno.objects.get(curp=curp)
    assert AlumnoResponsable.objects.get(alumno=diego).cliente_id == mama.pk
    assert CarritoLinea.objects.get().alumno_id == diego.pk


@pytest.mark.parametrize("cambios, mensaje", [
    ({"curp": "GOMD150101HDFRRNA9"}, "CURP"),
    ({"nombre": ""}, "Nombre del alumno"),
    ({"fecha_nacimiento": "2999-01-01"}, "La fecha de nacimiento no puede ser futura."),
    ({"parentesco": "vecino"}, "Elige el parentesco de la lista."),
])
def test_alumno_nuevo_con_datos_malos_no_escribe_nada(caja, mama, cambios, mensaje):
    edicion = edicion_crear_prueba(cupo=4)
    datos = {"producto": edicion.pk, "nombre": "Diego", "apellidos": "Gómez", "curp": "", "fecha_nacimiento": "",
             "parentesco": "madre", **cambios}
    respuesta = caja.post(reverse("ventas:inscribir_nuevo"), datos)
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert 'id="form-alumno-nuevo"' in html and mensaje in html
    assert Alumno.objects.count() == 0 and CarritoLinea.objects.count() == 0


def test_buscar_alumnos_primero_los_de_la_familia(mama):
    ajeno = alumno_crear(nombre="Ana", apellidos="Ruiz")
    propia = alumno_crear(nombre="Ana", apellidos="Zamora", responsable=mama)
    alumno_crear(nombre="Beto", apellidos="Zamora", responsable=mama, activo=False)
    assert alumnos_buscar(texto="ana", responsable_id=mama.pk, limite=10) == [propia, ajeno]
    assert alumnos_buscar(texto="", responsable_id=mama.pk, limite=10) == [propia]
    assert alumnos_buscar(texto="", limite=10) == []
    assert alumnos_buscar(texto="ana", limite=1) == [ajeno]


def test_consulta_no_inscribe(cliente_consulta, mama):
    edicion = edicion_crear_prueba(cupo=4)
    alumno = alumno_crear(responsable=mama)
    for nombre, datos in (("ventas:inscribir", {"producto": edicion.pk, "alumno": alumno.pk}),
                          ("ventas:inscribir_buscar", {"producto": edicion.pk, "texto": "a"}),
                          ("ventas:inscribir_nuevo", {"producto": edicion.pk, "nombre": "X", "parentesco": "madre"})):
        assert cliente_consulta.post(reverse(nombre), datos).status_code == 403
        assert cliente_consulta.get(reverse(nombre)).status_code == 405
    assert CarritoLinea.objects.count() == 0 and Alumno.objects.count() == 1


def test_la_busqueda_de_la_caja_dice_lugares_libres(caja):
    edicion = edicion_crear_prueba(cupo=3, codigo="ROB-BUS")
    nombre = Producto.objects.get(pk=edicion.pk).nombre
    datos = caja.get(reverse("ventas:buscar"), {"q": nombre.split()[0]}).json()
    (encontrada,) = [p for p in datos["productos"] if p["id"] == edicion.pk]
    assert encontrada["curso"] is True and encontrada["existencia"] == 3
    pagina = caja.get(reverse("ventas:caja"), {"q": nombre.split()[0]}).content.decode()
    assert "3 lugares libres" in pagina


def test_devolver_una_inscripcion_por_la_pagina(caja, cajero, mama, gerente, turno_para):
    import re
    import uuid

    edicion = edicion_crear_prueba(cupo=3)
    ana = alumno_crear(nombre="Ana", apellidos="Gómez", responsable=mama)
    beto = alumno_crear(nombre="Beto", apellidos="Gómez", responsable=mama)
    for alumno in (ana, beto):
        caja.post(reverse("ventas:inscribir"), {"producto": edicion.pk, "alumno": alumno.pk})
    vista = carrito_de_cajero(cajero=cajero)
    caja.post(reverse("ventas:cobrar"), {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella,
                                         "efectivo_recibido": "100000"})
    venta = Venta.objects.get()
    cliente_gerente = caja  # the same test client, now as the Gerente
    cliente_gerente.force_login(gerente)
    turno_para(gerente, D("100000"))
    url = reverse("ventas:venta_devolver", args=[venta.pk])
    pagina = cliente_gerente.get(url).content.decode()
    assert "Inscripción: Ana Gómez" in pagina and "Inscripción: Beto Gómez" in pagina
    linea_beto = venta.lineas.get(alumno=beto)
    clave = re.search(r'name="clave" value="([^"]+)"', pagina)
    respuesta = cliente_gerente.post(url, {"clave": clave.group(1) if clave else str(uuid.uuid4()),
                                           "motivo": "Cambio de escuela", "metodo_reembolso": "efectivo",
                                           f"linea_{linea_beto.pk}": "1"}, follow=True)
    assert "Inscripción cancelada: Beto Gómez" in respuesta.content.decode()
    # The sale's page names the alumno of the returned seat too, as the return ticket does.
    detalle = cliente_gerente.get(reverse("ventas:venta_detalle", args=[venta.pk])).content.decode()
    devoluciones = detalle.split('id="titulo-devoluciones"')[1].split("</section>")[0]
    assert "Inscripción cancelada: Beto Gómez" in devoluciones and "Ana" not in devoluciones
    assert Inscripcion.objects.get(alumno=beto).estado == "cancelada"
    assert Inscripcion.objects.get(alumno=ana).estado == "activa"
    assert Producto.objects.get(pk=edicion.pk).existencia == 2
