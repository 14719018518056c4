"""The sales history: filters and their combinations, permissions, bad input, query budget, CSV."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clientes.tests.factories import (
    AlumnoFactory,
    AlumnoResponsableFactory,
    ClienteFactory,
    curp_valida,
    rfc_valido,
)
from demo.ventas import ventas_cargar
from ventas.caja.cobro import PagoDatos
from ventas.caja.services import carrito_agregar, carrito_cliente_asignar
from ventas.models import Venta
from ventas.tests.factories import cancelar, devolver
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")
D = Decimal
URL = reverse("ventas:historial")
CSV = reverse("ventas:historial_exportar")


@pytest.fixture
def vender(cobrar):
    """A real checkout (services): vender(cajero, [(producto, cantidad)], cliente=..., pagos=...)."""

    def _vender(cajero, lineas, *, cliente=None, pagos=(), fecha=None):
        for producto, cantidad in lineas:
            carrito_agregar(cajero=cajero, producto_id=producto.pk, cantidad=cantidad)
        if cliente is not None:
            carrito_cliente_asignar(cajero=cajero, cliente_id=cliente.pk)
        venta, _ = cobrar(cajero, pagos=list(pagos))
        if fecha is not None:
            # Sales are stamped with now(); older dates are set afterwards to test the date filters.
            Venta.objects.using(DB_NEGOCIO).filter(pk=venta.pk).update(fecha=fecha)
            venta.refresh_from_db()
        return venta

    return _vender


def _local(*args):
    return datetime(*args, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def escenario(cajero, gerente, usuario_con_rol, producto_con_existencia, turno_para, vender):
    """Five sales by two cashiers on three days, with clients, products and methods to filter by;
    v5 cancelled and one cuaderno of v1 returned through the return services, the Gerente
    authorising."""
    cajera = usuario_con_rol("Cajero", username="cajera2", first_name="Lucía", last_name="Hernández")
    turno_para(cajero)
    turno_para(cajera)
    cuaderno = producto_con_existencia(100, nombre="Cuaderno profesional raya", precio=D("45.50"), codigo="PAP-CUA")
    agua = producto_con_existencia(100, nombre="Agua natural 600 ml", precio=D("14.00"), codigo="ALI-AGU")
    sofia = ClienteFactory(nombre="Sofía", apellidos="Núñez Pérez", email="sofia.nunez@correo.mx", rfc=rfc_valido(1))
    # Sofía pays for her son: his CURP finds her purchases too.
    AlumnoResponsableFactory(cliente=sofia, alumno=AlumnoFactory(curp=curp_valida(1)))
    mateo = ClienteFactory(nombre="Mateo", apellidos="García", email="mateo@correo.mx")
    ventas = {
        "v1": vender(cajero, [(cuaderno, 2)], cliente=sofia, fecha=_local(2026, 3, 2, 8, 15)),
        "v2": vender(cajero, [(agua, 1)], fecha=_local(2026, 3, 2, 23, 50)),  # still March 2 in Mexico City
        "v3": vender(cajera, [(agua, 3), (cuaderno, 1)], cliente=mateo,
                     pagos=[PagoDatos(metodo="tarjeta", monto=D("80.00"))], fecha=_local(2026, 3, 3, 10, 0)),
        "v4": vender(cajera, [(cuaderno, 1)], cliente=sofia, pagos=[PagoDatos(metodo="transferencia", monto=D("20"))],
                     fecha=_local(2026, 3, 5, 12, 0)),
        "v5": vender(cajero, [(agua, 2)], fecha=_local(2026, 3, 5, 13, 0)),
    }
    cancelar(ventas["v5"], usuario=cajero, autorizador=gerente, cuando=_local(2026, 3, 5, 13, 10))
    devolver(ventas["v1"], [(ventas["v1"].lineas.get(), 1)], usuario=cajero, autorizador=gerente,
             cuando=_local(2026, 3, 2, 9, 0))
    assert (ventas["v5"].estado, ventas["v5"].total_devuelto) == ("cancelada", D("28.00"))
    assert ventas["v1"].total_devuelto == D("45.50")  # one of two cuadernos at $45.50
    return {"cajero": cajero, "cajera": cajera, "sofia": sofia, **ventas}


def _folios(respuesta):
    return [v.folio_texto for v in respuesta.context["ventas"]]


def _f(escenario, *nombres):
    return [escenario[n].folio_texto for n in nombres]


@pytest.mark.parametrize(
    ("filtros", "esperadas"),
    [
        ({}, ["v5", "v4", "v3", "v2", "v1"]),
        ({"desde": "2026-03-02", "hasta": "2026-03-02"}, ["v2", "v1"]),
        ({"desde": "2026-03-03"}, ["v5", "v4", "v3"]),
        ({"hasta": "03/03/2026"}, ["v3", "v2", "v1"]),
        ({"cliente": "sofia"}, ["v4", "v1"]),
        ({"cliente": "Núñez"}, ["v4", "v1"]),
        ({"cliente": "perez"}, ["v4", "v1"]),  # "Pérez", without typing the accent
        ({"cliente": "SOFÍA núñez"}, ["v4", "v1"]),
        ({"cliente": "sofía garcía"}, []),
        ({"cliente": "mateo@correo.mx"}, ["v3"]),
        ({"cliente": curp_valida(1)}, ["v4", "v1"]),
        ({"cliente": rfc_valido(1).lower()}, ["v4", "v1"]),
        ({"estado": "cancelada"}, ["v5"]),
        ({"estado": "devolucion"}, ["v1"]),
        ({"estado": "completada"}, ["v4", "v3", "v2", "v1"]),
        ({"metodo": "tarjeta"}, ["v3"]),
        ({"metodo": "efectivo"}, ["v5", "v4", "v3", "v2", "v1"]),
        ({"producto": "cuaderno"}, ["v4", "v3", "v1"]),
        ({"producto": "ALI-AGU"}, ["v5", "v3", "v2"]),
        ({"producto": "cuaderno", "cliente": "sofia", "desde": "2026-03-04"}, ["v4"]),
        ({"metodo": "efectivo", "producto": "agua", "estado": "completada"}, ["v3", "v2"]),
        ({"metodo": "tarjeta", "producto": "cuaderno", "cliente": "sofia"}, []),
        ({"producto": "agua", "desde": "2026-03-02", "hasta": "2026-03-03"}, ["v3", "v2"]),
        ({"producto": "cuaderno", "hasta": "2026-03-02"}, ["v1"]),
        ({"producto": "agua", "desde": "2026-03-05"}, ["v5"]),
        ({"producto": "cuaderno", "desde": "2026-03-06"}, []),
    ],
)
def test_filtros_y_combinaciones(cliente_gerente, escenario, filtros, esperadas):
    respuesta = cliente_gerente.get(URL, filtros)
    assert respuesta.status_code == 200
    assert _folios(respuesta) == _f(escenario, *esperadas)


def test_producto_con_fechas_no_depende_del_orden_de_los_ids(cliente_gerente, escenario, vender):
    """The product filter narrows lines by the period's first and last sale id; a sale rung up
    later with an earlier date (higher id, older fecha) must still be found, and nothing else."""
    from inventario.models import Producto

    agua = Producto.objects.get(codigo="ALI-AGU")
    tardia = vender(escenario["cajero"], [(agua, 1)], fecha=_local(2026, 3, 2, 9, 0))
    respuesta = cliente_gerente.get(URL, {"producto": "agua", "desde": "2026-03-02", "hasta": "2026-03-02"})
    assert _folios(respuesta) == [escenario["v2"].folio_texto, tardia.folio_texto]
    respuesta = cliente_gerente.get(URL, {"producto": "agua", "desde": "2026-03-03", "hasta": "2026-03-04"})
    assert _folios(respuesta) == _f(escenario, "v3")


def test_filtro_por_cajero_y_folio(cliente_gerente, escenario):
    respuesta = cliente_gerente.get(URL, {"cajero": escenario["cajera"].pk, "desde": "2026-03-01", "hasta": "2026-03-31"})
    assert _folios(respuesta) == _f(escenario, "v4", "v3")
    folio = escenario["v2"].folio
    for texto in (f"V-{folio:06d}", str(folio), f"v{folio}"):
        assert _folios(cliente_gerente.get(URL, {"folio": texto})) == _f(escenario, "v2")


def test_columnas_cuenta_y_total(cliente_consulta, escenario):
    respuesta = cliente_consulta.get(URL, {"desde": "2026-03-02", "hasta": "2026-03-03"})
    html = respuesta.content.decode()
    assert "<strong>3</strong> ventas" in html
    total = escenario["v1"].total + escenario["v2"].total + escenario["v3"].total
    assert f"${total:,.2f}" in html
    assert "devuelto $45.50" in html
    v3 = escenario["v3"]
    assert reverse("ventas:venta_detalle", args=[v3.pk]) in html
    assert "Lucía Hernández" in html and "Mateo García" in html and "efectivo, tarjeta" in html
    assert "Completada · devolución parcial" in html  # v1
    assert "02/03/2026 23:50" in html  # local time, not UTC


def test_rangos_rapidos_en_hora_local(cliente_gerente, cajero, producto_con_existencia, turno_para, vender):
    turno_para(cajero)
    producto = producto_con_existencia(10)
    hoy = vender(cajero, [(producto, 1)])
    ayer = vender(cajero, [(producto, 1)], fecha=timezone.now() - timedelta(days=1))
    respuesta = cliente_gerente.get(URL)
    etiquetas = {etiqueta: qs for etiqueta, qs in respuesta.context["rangos"]}
    assert set(etiquetas) == {"Hoy", "Ayer", "Esta semana", "Este mes"}
    assert _folios(cliente_gerente.get(f"{URL}?{etiquetas['Hoy']}")) == [hoy.folio_texto]
    assert _folios(cliente_gerente.get(f"{URL}?{etiquetas['Ayer']}")) == [ayer.folio_texto]


def test_filtros_quedan_en_los_enlaces(cliente_gerente, escenario):
    respuesta = cliente_gerente.get(URL, {"cliente": "sofia", "metodo": "efectivo"})
    html = respuesta.content.decode()
    assert f"{CSV}?cliente=sofia&amp;metodo=efectivo" in html
    assert "cliente=sofia&amp;metodo=efectivo&amp;desde=" in html  # quick picks keep the other filters


def test_cajero_ve_solo_sus_ventas(client, escenario):
    client.force_login(escenario["cajera"])
    respuesta = client.get(URL)
    assert _folios(respuesta) == _f(escenario, "v4", "v3")
    assert "Ves solo las ventas que tú cobraste" in respuesta.content.decode()
    assert "cajero" not in respuesta.context["form"].fields
    # Asking for the other cashier changes nothing: the field does not exist for them.
    assert _folios(client.get(URL, {"cajero": escenario["cajero"].pk})) == _f(escenario, "v4", "v3")
    # Another cashier's folio is "not found" for them.
    respuesta = client.get(URL, {"folio": escenario["v1"].folio})
    assert respuesta.status_code == 404
    assert f"No existe la venta {escenario['v1'].folio_texto}." in respuesta.content.decode()
    csv_texto = b"".join(client.get(CSV).streaming_content).decode("utf-8-sig")
    assert escenario["v3"].folio_texto in csv_texto and escenario["v1"].folio_texto not in csv_texto


@pytest.mark.parametrize("rol", ["Consulta", "Gerente"])
def test_consulta_y_gerente_ven_todas(client, usuario_con_rol, escenario, rol):
    client.force_login(usuario_con_rol(rol))
    assert len(_folios(client.get(URL))) == 5


def test_sin_permiso_403(client, usuario_con_rol, roles):
    from ventas_ingenio.tests.factories import UsuarioFactory

    client.force_login(UsuarioFactory())
    assert client.get(URL).status_code == 403
    assert client.get(CSV).status_code == 403


def test_anonimo_va_al_login(client, db):
    respuesta = client.get(URL)
    assert respuesta.status_code == 302 and "/entrar/" in respuesta["Location"]


@pytest.mark.parametrize(
    ("filtros", "estado", "mensaje"),
    [
        ({"desde": "2026-02-30"}, 400, "La fecha 2026-02-30 no existe."),
        ({"hasta": "31/04/2026"}, 400, "La fecha 31/04/2026 no existe."),
        ({"desde": "ayer"}, 400, "Desde: escribe la fecha como AAAA-MM-DD"),
        ({"desde": "2026-03-10", "hasta": "2026-03-01"}, 400, "El rango está al revés"),
        ({"folio": "V-999999"}, 404, "No existe la venta V-999999."),
        ({"folio": "ABC"}, 400, "Folio no válido"),
        ({"page": "abc"}, 400, "La página debe ser un número entero mayor que cero."),
        ({"page": "0"}, 400, "La página debe ser un número entero mayor que cero."),
        ({"page": "-3"}, 400, "La página debe ser un número entero mayor que cero."),
        ({"page": "99"}, 200, "La página 99 no existe: se muestra la última (1)."),
        ({"page": "2147483648"}, 200, "La página 2,147,483,648 no existe: se muestra la última (1)."),
        ({"page": "²"}, 400, "La página debe ser un número entero mayor que cero."),
        ({"page": "١٢"}, 400, "La página debe ser un número entero mayor que cero."),
        ({"folio": "²"}, 400, "Folio no válido: escribe V-000123 o solo el número."),
        ({"folio": "V-١٢"}, 400, "Folio no válido: escribe V-000123 o solo el número."),
        ({"desde": "2026-0²-01"}, 400, "Desde: escribe la fecha como AAAA-MM-DD"),
        ({"hasta": "²026-01-01"}, 400, "Hasta: escribe la fecha como AAAA-MM-DD"),
        ({"desde": "0001-01-01"}, 400, "Desde: la fecha debe ser del 01/01/2000 en adelante."),
        ({"cliente": "x" * 10_000}, 400, "Cliente: escribe como máximo 100 caracteres."),
        ({"producto": "x" * 10_000}, 400, "Producto: escribe como máximo 100 caracteres."),
        ({"folio": "9" * 10_000}, 400, "Folio: escribe como máximo 20 caracteres."),
        ({"desde": "2" * 10_000}, 400, "Desde: escribe la fecha como AAAA-MM-DD"),
        ({"page": "9" * 10_000}, 400, "La página debe ser un número entero mayor que cero."),
        ({"cajero": "x" * 10_000}, 400, "Elige un cajero de la lista."),
        ({"cajero": "999999"}, 400, "Elige un cajero de la lista."),
        ({"estado": "borrada"}, 400, "Elige un estado de la lista."),
        ({"metodo": "cheque"}, 400, "Elige un método de pago de la lista."),
    ],
)
def test_entrada_mala(cliente_gerente, escenario, filtros, estado, mensaje):
    respuesta = cliente_gerente.get(URL, filtros)
    assert respuesta.status_code == estado
    assert mensaje in respuesta.content.decode()
    exportar = cliente_gerente.get(CSV, filtros)
    if estado == 400:  # the export refuses the same bad filters with the same message
        assert exportar.status_code == 400 and mensaje in exportar.content.decode()


def test_folio_de_otro_filtro(cliente_gerente, escenario):
    respuesta = cliente_gerente.get(URL, {"folio": escenario["v1"].folio, "metodo": "tarjeta"})
    assert respuesta.status_code == 404
    assert f"La venta {escenario['v1'].folio_texto} no coincide con los demás filtros." in respuesta.content.decode()


def test_paginas(cliente_gerente, cajero, producto_con_existencia, turno_para, vender, monkeypatch):
    from ventas.historial import views

    monkeypatch.setattr(views, "POR_PAGINA", 2)
    turno_para(cajero)
    producto = producto_con_existencia(20)
    ventas = [vender(cajero, [(producto, 1)], fecha=timezone.now() - timedelta(minutes=i)) for i in range(5)]
    primera = cliente_gerente.get(URL)
    assert _folios(primera) == [v.folio_texto for v in ventas[:2]]
    assert "Página 1 de 3" in primera.content.decode()
    assert _folios(cliente_gerente.get(URL, {"page": "3"})) == [ventas[4].folio_texto]
    # Past the end: the last page, saying so (an old bookmark still shows something useful).
    respuesta = cliente_gerente.get(URL, {"page": "4"})
    assert respuesta.status_code == 200 and "La página 4 no existe: se muestra la última (3)." in respuesta.content.decode()
    assert _folios(respuesta) == [ventas[4].folio_texto]


def test_conteo_acotado(cliente_gerente, cajero, producto_con_existencia, turno_para, vender, settings, monkeypatch):
    """Above the bound the page says "más de N" (and shows no total) instead of counting everything."""
    from ventas.historial import views

    monkeypatch.setattr(views, "POR_PAGINA", 2)
    settings.HISTORIAL_LIMITE_CONTEO = 3
    turno_para(cajero)
    producto = producto_con_existencia(20)
    for _ in range(5):
        vender(cajero, [(producto, 1)])
    with CaptureQueriesContext(connections[DB_NEGOCIO]) as consultas:
        respuesta = cliente_gerente.get(URL)
    html = respuesta.content.decode()
    assert "Más de 3 ventas" in html and "acota las fechas" in html
    assert respuesta.context["resumen"].exacto is False
    conteo = next(q["sql"] for q in consultas.captured_queries if "COUNT(" in q["sql"].upper())
    assert "LIMIT 4" in conteo  # the count reads at most limit + 1 rows
    # Pages are only offered within the bound; beyond it, a clear message.
    assert cliente_gerente.get(URL, {"page": "2"}).status_code == 200
    lejos = cliente_gerente.get(URL, {"page": "3"})
    assert lejos.status_code == 200 and "acota los filtros" in lejos.content.decode()
    assert "Página 2" in lejos.content.decode()
    # A narrow filter is counted exactly again.
    exacto = cliente_gerente.get(URL, {"folio": Venta.objects.first().folio})
    assert "<strong>1</strong> venta" in exacto.content.decode()


def _consultas_por_pagina(cliente, filtros):
    with CaptureQueriesContext(connections[DB_NEGOCIO]) as negocio:
        respuesta = cliente.get(URL, filtros)
    assert respuesta.status_code == 200
    return len(negocio.captured_queries), len(respuesta.context["ventas"])


@pytest.mark.parametrize("filtros", [{}, {"cliente": "a", "metodo": "efectivo", "producto": "a", "estado": "completada"}])
def test_consultas_constantes_con_mas_datos(cliente_gerente, cajero, producto_con_existencia, turno_para, vender,
                                            filtros, django_assert_num_queries):
    """The same number of SQL queries per page with 1 sale and with a few hundred loaded ones."""
    turno_para(cajero)
    cliente = ClienteFactory(nombre="Ana")
    vender(cajero, [(producto_con_existencia(10, nombre="Agua"), 1)], cliente=cliente)
    pocas, filas_pocas = _consultas_por_pagina(cliente_gerente, filtros)
    ventas_cargar(cantidad=400, dias=30, escribir=lambda _: None)
    muchas, filas_muchas = _consultas_por_pagina(cliente_gerente, filtros)
    assert filas_pocas == 1 and filas_muchas > 1
    assert pocas == muchas <= 2  # bounded count + the page (client and payment methods joined in)
    with django_assert_num_queries(2, connection=connections[DB_NEGOCIO]):
        cliente_gerente.get(URL, {**filtros, "page": "2"})


def _csv(respuesta):
    cuerpo = b"".join(respuesta.streaming_content)
    assert cuerpo.startswith("\ufeff".encode())  # BOM: Excel in es-MX reads UTF-8
    return list(csv.reader(io.StringIO(cuerpo.decode("utf-8-sig"))))


def test_csv_contenido_codificacion_y_filtros(cliente_gerente, escenario):
    respuesta = cliente_gerente.get(CSV, {"desde": "2026-03-02", "hasta": "2026-03-03"})
    assert respuesta.status_code == 200
    assert respuesta["Content-Type"] == "text/csv; charset=utf-8"
    assert respuesta["Content-Disposition"].startswith('attachment; filename="historial-ventas-')
    filas = _csv(respuesta)
    assert filas[0] == ["Folio", "Fecha", "Cliente", "Cajero", "Artículos", "Subtotal", "Descuento", "IVA", "Total",
                        "Devuelto", "Métodos de pago", "Estado", "Vendedor", "Modalidad", "Pagado", "Saldo",
                        "Vence", "Estado de pago"]
    v3, v2, v1 = escenario["v3"], escenario["v2"], escenario["v1"]
    assert [f[0] for f in filas[1:]] == [v3.folio_texto, v2.folio_texto, v1.folio_texto]
    assert filas[3] == [v1.folio_texto, "2026-03-02 08:15:00", "Sofía Núñez Pérez", "Carlos Ramírez", "2",
                        "91.00", "0.00", f"{v1.iva:.2f}", "91.00", "45.50", "efectivo", "Completada (devolución parcial)",
                        "Carlos Ramírez", "De contado", "45.50", "0.00", "", "Pagado"]
    assert filas[2][1] == "2026-03-02 23:50:00"  # local time
    assert filas[1][10] == "efectivo, tarjeta" and filas[1][3] == "Lucía Hernández"
    solo_cancelada = _csv(cliente_gerente.get(CSV, {"estado": "cancelada"}))
    assert [f[0] for f in solo_cancelada[1:]] == [escenario["v5"].folio_texto]
    assert solo_cancelada[1][11] == "Cancelada"


def test_csv_protege_formulas(cliente_gerente, cajero, producto_con_existencia, turno_para, vender):
    turno_para(cajero)
    vender(cajero, [(producto_con_existencia(5), 1)], cliente=ClienteFactory(nombre="=HYPERLINK(1)", apellidos=""))
    filas = _csv(cliente_gerente.get(CSV))
    assert filas[1][2] == "'=HYPERLINK(1)"


def test_csv_usa_cursor_del_servidor(escenario):
    """Rows come from a server-side cursor fetched in chunks: memory stays flat at any size."""
    from ventas.historial.selectors import historial_filas_csv

    filas = historial_filas_csv(Venta.objects.using(DB_NEGOCIO).order_by("-fecha"), chunk_size=2)
    primera = next(filas)
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors WHERE statement ILIKE %s", ["%tra_venta%"])
        assert cursor.fetchone()[0] == 1  # open while the download is being written
    assert primera[0] == escenario["v5"].folio_texto
    assert len(list(filas)) == 4


def test_enlace_en_navegacion(cliente_cajero, cliente_consulta):
    for cliente in (cliente_cajero, cliente_consulta):
        html = cliente.get(reverse("inicio")).content.decode()
        assert f'href="{URL}"' in html and ">Historial<" in html
