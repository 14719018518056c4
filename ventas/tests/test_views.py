from decimal import Decimal

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from inventario.models import Producto
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.models import Carrito, CarritoLinea, Venta
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal


def _mensajes(respuesta):
    return [str(m) for m in respuesta.context["messages"]] if respuesta.context else []


def test_caja_empieza_en_buscar_producto(cliente_cajero, cajero, turno_para):
    turno_para(cajero)
    respuesta = cliente_cajero.get(reverse("ventas:caja"))
    html = respuesta.content.decode()
    assert respuesta.status_code == 200
    assert '<label for="buscar-producto">Buscar producto</label>' in html
    assert 'id="buscar-producto" name="texto" maxlength="100" autofocus' in html
    assert "El carrito está vacío." in html  # why Cobrar is disabled
    assert 'id="boton-cobrar" disabled' in html


def test_escanear_agrega_una_unidad(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, nombre="Cuaderno", precio=D("58.00"))
    for _ in range(2):
        respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": producto.codigo_barras})
        assert respuesta.status_code == 302
    (linea,) = CarritoLinea.objects.all()
    assert linea.cantidad == 2
    html = cliente_cajero.get(reverse("ventas:caja")).content.decode()
    assert "$116.00" in html and 'id="boton-cobrar"' in html and 'id="boton-cobrar" disabled' not in html


def test_texto_que_no_es_codigo_busca_por_nombre(cliente_cajero, producto_con_existencia, cajero, turno_para):
    turno_para(cajero)
    producto_con_existencia(5, nombre="Lápiz adhesivo")
    respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": "lapiz"}, follow=True)
    html = respuesta.content.decode()
    assert "Lápiz adhesivo" in html and "5 en existencia" in html
    assert not CarritoLinea.objects.exists()
    datos = cliente_cajero.get(reverse("ventas:buscar"), {"q": "adhes"}).json()
    assert [p["nombre"] for p in datos["productos"]] == ["Lápiz adhesivo"]


@pytest.mark.parametrize(
    "cantidad,mensaje",
    [("0", "al menos 1"), ("-3", "al menos 1"), ("1.5", "número entero"), ("diez", "número entero"),
     ("1000000000", "no puede pasar de 9,999")],
)
def test_cantidades_malas(cliente_cajero, cajero, producto_con_existencia, cantidad, mensaje, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5)
    linea = carrito_agregar(cajero=cajero, producto_id=producto.pk)
    respuesta = cliente_cajero.post(
        reverse("ventas:linea_cambiar", args=[linea.pk]), {"cantidad": cantidad, "descuento": "0"}, follow=True
    )
    assert respuesta.status_code == 200
    assert any(mensaje in m for m in _mensajes(respuesta)), _mensajes(respuesta)
    linea.refresh_from_db()
    assert linea.cantidad == 1


@pytest.mark.parametrize("valor", ["999999", "abc", "-1"])
def test_producto_desconocido(cliente_cajero, valor, cajero, turno_para):
    turno_para(cajero)
    respuesta = cliente_cajero.post(reverse("ventas:agregar_producto"), {"producto": valor}, follow=True)
    assert respuesta.status_code == 200
    assert any("no existe" in m or "no válido" in m for m in _mensajes(respuesta)), _mensajes(respuesta)
    assert not CarritoLinea.objects.exists()


def test_producto_inactivo_lo_dice(cliente_cajero, producto_con_existencia, cajero, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, nombre="Compás")
    Producto.objects.filter(pk=producto.pk).update(activo=False)
    respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": producto.codigo}, follow=True)
    assert "Compás está dado de baja: no se puede vender." in _mensajes(respuesta)
    assert not CarritoLinea.objects.exists()


def test_descuento_arriba_del_limite_y_clave_de_gerente_equivocada(cliente_cajero, cajero, gerente, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("100.00"))
    linea = carrito_agregar(cajero=cajero, producto_id=producto.pk)
    cliente_cajero.post(reverse("ventas:linea_cambiar", args=[linea.pk]), {"cantidad": "1", "descuento": "15"})
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "100"}
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos, follow=True)
    assert any("un gerente debe autorizarlo" in m for m in _mensajes(respuesta))
    respuesta = cliente_cajero.post(reverse("ventas:autorizar"), {"usuario": "gerente1", "clave": "mala"}, follow=True)
    assert "Usuario o contraseña de gerente incorrectos." in _mensajes(respuesta)
    assert Venta.objects.count() == 0
    cliente_cajero.post(reverse("ventas:autorizar"), {"usuario": "gerente1", "clave": "clave-de-pruebas-123"})
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos, follow=True)
    venta = Venta.objects.get()
    assert venta.total == D("85.00") and venta.nombre_autorizo_descuento == "Gabriela Méndez"
    assert "Descuentos autorizados por Gabriela Méndez" in respuesta.content.decode()


def test_pago_corto_por_http(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("100.00"))
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "50"}
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos, follow=True)
    assert "Pago insuficiente: faltan $50.00." in _mensajes(respuesta)
    assert Venta.objects.count() == 0


@pytest.mark.parametrize(
    "alteracion",
    [{"precio": "0.01"}, {"total": "1.00"}, {"producto": "1"}, {"efectivo_recibido": "-100"}, {"efectivo_recibido": "1.001"}],
)
def test_post_alterado_no_cambia_lo_cobrado(cliente_cajero, cajero, producto_con_existencia, alteracion, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, precio=D("100.00"))
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "100", **alteracion}
    cliente_cajero.post(reverse("ventas:cobrar"), datos)
    ventas = list(Venta.objects.all())
    if alteracion.get("efectivo_recibido", "100").startswith(("-", "1.001")):
        assert ventas == []
    else:
        assert [v.total for v in ventas] == [D("100.00")]


def test_huella_alterada_por_http(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5)
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": "a" * 64, "efectivo_recibido": "100000"}
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos, follow=True)
    assert any("El carrito cambió" in m for m in _mensajes(respuesta))
    assert Venta.objects.count() == 0


def test_misma_clave_otro_carrito_422(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(10)
    carrito_agregar(cajero=cajero, producto_id=producto.pk)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "100000"}
    assert cliente_cajero.post(reverse("ventas:cobrar"), datos).status_code == 302
    carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=3)
    otra = carrito_de_cajero(cajero=cajero)
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), {**datos, "huella": otra.huella})
    assert respuesta.status_code == 422
    assert "ya se usó para otra venta" in respuesta.content.decode()
    assert Venta.objects.count() == 1
    producto.refresh_from_db()
    assert producto.existencia == 9


def test_post_sin_csrf_se_rechaza(cajero, producto_con_existencia):
    producto = producto_con_existencia(5)
    cliente = Client(enforce_csrf_checks=True)
    cliente.force_login(cajero)
    respuesta = cliente.post(reverse("ventas:agregar"), {"texto": producto.codigo})
    assert respuesta.status_code == 403
    assert not CarritoLinea.objects.exists()


def test_consulta_no_vende(cliente_consulta):
    assert cliente_consulta.get(reverse("ventas:caja")).status_code == 403
    assert cliente_consulta.post(reverse("ventas:agregar"), {"texto": "X"}).status_code == 403


ACCIONES_DE_CAJA = [
    ("ventas:agregar", []), ("ventas:agregar_producto", []), ("ventas:linea_cambiar", [1]),
    ("ventas:linea_quitar", [1]), ("ventas:vaciar", []), ("ventas:cliente_asignar", []),
    ("ventas:cliente_registrar", []), ("ventas:autorizar", []), ("ventas:poner_en_espera", []),
    ("ventas:reanudar", [1]), ("ventas:cobrar", []),
]


@pytest.mark.parametrize("nombre,argumentos", ACCIONES_DE_CAJA)
def test_acciones_de_caja_metodo_antes_que_permiso(client, cajero, consulta, nombre, argumentos):
    """Every POS button: a GET is 405 for any role, a POST without the sell permission is 403
    and writes nothing, an anonymous POST goes to the sign-in page."""
    url = reverse(nombre, args=argumentos)
    respuesta = client.post(url)
    assert respuesta.status_code == 302 and respuesta.url.startswith(reverse("login"))
    client.force_login(consulta)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    client.force_login(cajero)
    assert client.get(url).status_code == 405
    assert not Carrito.objects.exists() and not Venta.objects.exists()


def test_ticket_y_sus_datos(cliente_cajero, cajero, producto_con_existencia, usuario_con_rol, turno_para):
    turno_para(cajero)
    producto = producto_con_existencia(5, nombre="Playera deportiva", precio=D("185.00"))
    carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=2)
    vista = carrito_de_cajero(cajero=cajero)
    datos = {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella, "efectivo_recibido": "400",
             "tarjeta_monto": "", "transferencia_monto": ""}
    respuesta = cliente_cajero.post(reverse("ventas:cobrar"), datos, follow=True)
    venta = Venta.objects.get()
    html = respuesta.content.decode()
    for texto in [venta.folio_texto, "Playera deportiva", "$370.00", "Efectivo", "$400.00", "$30.00", "Carlos Ramírez",
                  "Público en general", "16 %", "$318.97", "$51.03"]:
        assert texto in html, texto
    for formato in ("58", "80", "a4"):
        assert f"ticket-{formato}" in cliente_cajero.get(reverse("ventas:ticket", args=[venta.pk]), {"formato": formato}).content.decode()
    otro = Client()
    otro.force_login(usuario_con_rol("Cajero", username="otro"))
    assert otro.get(reverse("ventas:ticket", args=[venta.pk])).status_code == 404


def test_caja_consultas_constantes(cliente_cajero, cajero, producto_con_existencia, django_assert_max_num_queries, turno_para):
    turno_para(cajero)
    for _ in range(12):
        carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(5).pk)
    with django_assert_max_num_queries(12):
        assert cliente_cajero.get(reverse("ventas:caja")).status_code == 200


def test_detalle_de_cliente_muestra_sus_compras(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    from clientes.services import cliente_registrar

    cliente = cliente_registrar(nombre="Luis", apellidos="Pérez", email="luis.perez@escuela.test")
    otro = cliente_registrar(nombre="Luisa", apellidos="Pérez", email="luisa.perez@escuela.test")
    carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
    carrito_agregar(cajero=cajero, producto_id=producto_con_existencia(3, precio=D("42.00")).pk)
    vista = carrito_de_cajero(cajero=cajero)
    cliente_cajero.post(reverse("ventas:cobrar"), {"clave_cobro": str(vista.carrito.clave_cobro), "huella": vista.huella,
                                                   "efectivo_recibido": "50"})
    venta = Venta.objects.get()
    # The client page links to the history filtered by this client; the link shows the sale.
    pagina = cliente_cajero.get(reverse("clientes:detalle", args=[cliente.pk]))
    enlace = pagina.context["filtro_historial"]
    assert "Ver sus compras en el historial" in pagina.content.decode() and enlace == "luis.perez@escuela.test"
    html = cliente_cajero.get(reverse("ventas:historial"), {"cliente": enlace}).content.decode()
    assert venta.folio_texto in html and "$42.00" in html
    html_otro = cliente_cajero.get(reverse("ventas:historial"),
                                   {"cliente": cliente_cajero.get(reverse("clientes:detalle", args=[otro.pk]))
                                    .context["filtro_historial"]}).content.decode()
    assert venta.folio_texto not in html_otro


def test_busqueda_de_la_caja_por_palabras_y_aviso_de_mas(cliente_cajero, producto_con_existencia):
    for talla in ["12", "4", "10", "6", "8", "14", "16", "CH", "M", "G", "XG"]:
        producto_con_existencia(3, nombre=f"Playera polo talla {talla}")
    datos = cliente_cajero.get(reverse("ventas:buscar"), {"q": "polo PLAYERA"}).json()
    assert [p["nombre"].rsplit(" ", 1)[1] for p in datos["productos"]][:7] == ["4", "6", "8", "10", "12", "14", "16"]
    assert len(datos["productos"]) == 10 and datos["hay_mas"] is True
    datos = cliente_cajero.get(reverse("ventas:buscar"), {"q": "talla 10 polo"}).json()
    assert [p["nombre"] for p in datos["productos"]] == ["Playera polo talla 10"] and datos["hay_mas"] is False
    datos = cliente_cajero.get(reverse("ventas:buscar"), {"q": "playrea"}).json()  # a typo
    assert datos["productos"] and all(p["nombre"].startswith("Playera") for p in datos["productos"])


def test_consultas_de_la_busqueda_de_la_caja(cliente_cajero, producto_con_existencia, django_assert_max_num_queries):
    """The till's search costs one query of the business database with matches, three with a typo
    (the search, the corrections, the corrected search), on every keystroke, prepared or not."""
    for talla in ["4", "10", "12"]:
        producto_con_existencia(3, nombre=f"Playera polo talla {talla}")
    negocio = connections[DB_NEGOCIO]
    for _ in range(7):  # past the fifth execution, when a prepared statement may go generic
        with django_assert_max_num_queries(1, connection=negocio):
            datos = cliente_cajero.get(reverse("ventas:buscar"), {"q": "playera polo"}).json()
        assert [p["nombre"] for p in datos["productos"]] == [f"Playera polo talla {t}" for t in ["4", "10", "12"]]
        with django_assert_max_num_queries(3, connection=negocio):
            datos = cliente_cajero.get(reverse("ventas:buscar"), {"q": "playra"}).json()
        assert len(datos["productos"]) == 3 and datos["parecidos"] is True


def test_lista_de_la_caja_avisa_si_hay_mas_o_si_son_parecidos(cliente_cajero, cajero, producto_con_existencia, turno_para):
    turno_para(cajero)
    for talla in range(4, 20):
        producto_con_existencia(3, nombre=f"Playera deportiva talla {talla}")
    producto_con_existencia(3, nombre="Cuaderno profesional 100 hojas")
    html = cliente_cajero.get(reverse("ventas:caja"), {"q": "playera deportiva"}).content.decode()
    assert "Hay más resultados" in html and "talla 4<" in html  # natural order: talla 4 before talla 10
    html = cliente_cajero.get(reverse("ventas:caja"), {"q": "cuadreno"}).content.decode()
    assert "Cuaderno profesional" in html and "estos se parecen" in html and "Hay más resultados" not in html
    datos = cliente_cajero.get(reverse("ventas:buscar"), {"q": "cuadreno"}).json()
    assert datos["parecidos"] is True and datos["hay_mas"] is False
