"""The page walk: every URL pattern the resolver knows, requested by every role on rich data.

The patterns come from the URL resolver, so a page added later is walked without touching
this file; a pattern whose parameters have no sample value fails the walk, and so does a
named pattern without an expected status per role (``ESPERADO``). Expected statuses follow
the README's permission matrix: 200 where the role may see the page, 403 where it may not,
302 to the sign-in page for anonymous visitors (and to the admin's sign-in for non-staff),
405 for a GET on a POST-only action. No page may answer 5xx, whoever asks.
"""

import re
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from clientes.models import Cliente
from conftest import CLAVE_PRUEBAS
from inventario.models import Categoria, MovimientoInventario
from ventas_ingenio.router import DB_AUTH
from ventas_ingenio.tests.datos_ricos import datos_ricos_cargar

pytestmark = pytest.mark.django_db(databases="__all__")

ROLES = ("anonimo", "Cajero", "Gerente", "Consulta")

# Expected status per role: (anonymous, Cajero, Gerente, Consulta), as in the README's matrix.
PUBLICA = (200, 200, 200, 200)
TODOS = (302, 200, 200, 200)
VENDER = (302, 200, 200, 403)
SOLO_POST = (302, 405, 405, 405)
REPORTES = (302, 403, 200, 200)
GERENTE = (302, 403, 200, 403)
ADMIN = (302, 302, 200, 302)  # non-staff users are sent to the admin's sign-in
# The admin's sign-in: staff already signed in go to the index; others see the form (it says
# their account cannot enter the admin).
ADMIN_PUBLICA = (200, 200, 302, 200)
ADMIN_SOLO_LECTURA = (302, 302, 403, 302)  # ledger rows cannot be added or deleted

ESPERADO = {
    "inicio": TODOS,
    "login": (200, 302, 302, 302),
    "logout": SOLO_POST,
    "usuarios": GERENTE,
    "salud": PUBLICA,
    "robots": PUBLICA,
    "clientes:lista": TODOS,
    "clientes:nuevo": VENDER,
    "clientes:detalle": TODOS,
    "clientes:editar": VENDER,
    # The permission is checked before the method: a role without it gets 403 either way.
    "clientes:desactivar": (302, 405, 405, 403),
    "clientes:eliminar": (302, 403, 405, 403),
    "clientes:alumno_lista": TODOS,
    "clientes:alumno_nuevo": VENDER,
    "clientes:alumno_detalle": TODOS,
    "clientes:alumno_editar": VENDER,
    "clientes:alumno_desactivar": (302, 405, 405, 403),
    "clientes:alumno_confirmar": (302, 405, 405, 403),
    "clientes:alumno_vincular": (302, 405, 405, 403),
    "clientes:alumno_desvincular": (302, 405, 405, 403),
    "clientes:alumno_reintentar": (302, 405, 405, 403),
    "inventario:producto_lista": TODOS,
    "inventario:producto_movimientos": (302, 403, 200, 200),
    "ventas:caja": VENDER,
    "ventas:agregar": SOLO_POST,
    "ventas:agregar_producto": SOLO_POST,
    "ventas:linea_cambiar": SOLO_POST,
    "ventas:linea_quitar": SOLO_POST,
    "ventas:vaciar": SOLO_POST,
    "ventas:cliente_asignar": SOLO_POST,
    "ventas:cliente_registrar": SOLO_POST,
    "ventas:autorizar": SOLO_POST,
    "ventas:vendedor_asignar": SOLO_POST,
    "ventas:poner_en_espera": SOLO_POST,
    "ventas:reanudar": SOLO_POST,
    "ventas:cobrar": SOLO_POST,
    "ventas:inscribir": SOLO_POST,
    "ventas:inscribir_buscar": SOLO_POST,
    "ventas:inscribir_nuevo": SOLO_POST,
    "ventas:buscar": VENDER,
    "ventas:ticket": TODOS,
    "ventas:venta_cancelar": VENDER,
    "ventas:venta_devolver": VENDER,
    "ventas:devolucion_ticket": TODOS,
    "ventas:turno": VENDER,
    "ventas:turno_abrir": SOLO_POST,
    "ventas:turno_movimiento": SOLO_POST,
    "ventas:turnos": TODOS,
    "ventas:turno_detalle": TODOS,
    "ventas:turno_cerrar": VENDER,
    "ventas:resumen": REPORTES,
    "ventas:resumen_exportar": REPORTES,
    "ventas:tablero": REPORTES,
    "ventas:comisiones": REPORTES,
    "ventas:comisiones_exportar": REPORTES,
    "ventas:historial": TODOS,
    "ventas:historial_exportar": TODOS,
    "ventas:venta_detalle": TODOS,
    "ventas:venta_vendedor": SOLO_POST,
    "ventas:monedero_ajustar": GERENTE,
    "ventas:apartados": VENDER,
    "ventas:apartado": VENDER,
    "ventas:apartado_entregar": SOLO_POST,
    "ventas:apartado_cancelar": VENDER,
    # Whoever may sell takes an abono on any sale; the receipt is read by whoever sees sales.
    "ventas:abonos": VENDER,
    "ventas:abonar": VENDER,
    "ventas:abono_ticket": TODOS,
    # Issue 15: a client's statement for whoever sees sales; receivables like the other reports.
    "ventas:estado_cuenta": TODOS,
    "ventas:por_cobrar": REPORTES,
    "ventas:por_cobrar_exportar": REPORTES,
    "cursos:ediciones": TODOS,
    "cursos:edicion": TODOS,
    "cursos:inscripcion_reintentar": (302, 405, 405, 403),
    "cursos:reporte_escolar": REPORTES,
    "cursos:reporte_escolar_exportar": REPORTES,
    "admin:index": ADMIN,
    "admin:login": ADMIN_PUBLICA,
    "admin:logout": (302, 302, 405, 302),
    "admin:password_change": ADMIN,
    "admin:password_change_done": ADMIN,
    "admin:autocomplete": ADMIN,
    "admin:jsi18n": ADMIN,
    "admin:view_on_site": ADMIN,
    "admin:app_list": ADMIN,
    "admin:inventario_movimientoinventario_add": ADMIN_SOLO_LECTURA,
    "admin:inventario_movimientoinventario_delete": ADMIN_SOLO_LECTURA,
}
# Model admins: changelist, add, change, history, delete, and the unnamed /<id>/ redirect.
for _modelo in ("auth_group", "auth_user", "inventario_categoria", "inventario_producto",
                "inventario_movimientoinventario", "clientes_cliente", "clientes_alumno", "cursos_curso",
                "cursos_edicion", "ventas_vendedor"):
    for _vista in ("changelist", "add", "change", "history", "delete"):
        ESPERADO.setdefault(f"admin:{_modelo}_{_vista}", ADMIN)
# Sign-in attempts (django-axes): only a superuser reads or clears them (docs/seguridad.md).
for _modelo in ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"):
    for _vista in ("changelist", "add", "change", "history", "delete"):
        ESPERADO[f"admin:{_modelo}_{_vista}"] = (302, 302, 403, 302)
ESPERADO.update({
    "admin:auth_user_password_change": ADMIN,
    "admin:inventario_producto_entrada": ADMIN,
    "admin:inventario_producto_ajuste": ADMIN,
})
# The statuses that differ from the family's on this data, and why.
EXCEPCIONES = {
    # A product with movements is deactivated, never deleted (ProductoAdmin.has_delete_permission).
    "admin:inventario_producto_delete": (302, 302, 403, 302),
    # Roles are kept by `manage.py preparar`, users are deactivated, not deleted, and clients
    # are registered and removed through their own pages (the clients service and its outbox).
    "admin:auth_group_add": (302, 302, 403, 302),
    "admin:auth_group_delete": (302, 302, 403, 302),
    "admin:auth_user_delete": (302, 302, 403, 302),
    "admin:clientes_cliente_add": (302, 302, 403, 302),
    "admin:clientes_cliente_delete": (302, 302, 403, 302),
    # Alumnos too: registered through their page (services + outbox), deactivated, never deleted.
    "admin:clientes_alumno_add": (302, 302, 403, 302),
    "admin:clientes_alumno_delete": (302, 302, 403, 302),
    # Salespeople are deactivated, never deleted (VendedorAdmin).
    "admin:ventas_vendedor_delete": (302, 302, 403, 302),
    # A sold edition is closed, never deleted; a course with editions is deactivated.
    "admin:cursos_edicion_delete": (302, 302, 403, 302),
    "admin:cursos_curso_delete": (302, 302, 403, 302),
    "admin:cursos_edicion_plan": ADMIN,
    "admin/cursos/curso/<object_id>/": (302, 302, 302, 302),
    "admin/cursos/edicion/<object_id>/": (302, 302, 302, 302),
    # Without its query parameters the autocomplete refuses (it serves the admin's own widgets).
    "admin:autocomplete": (302, 302, 403, 302),
    # Django answers the unnamed /admin/<model>/<id>/ with a redirect to its change page.
    "admin/auth/group/<object_id>/": (302, 302, 302, 302),
    "admin/auth/user/<object_id>/": (302, 302, 302, 302),
    "admin/inventario/categoria/<object_id>/": (302, 302, 302, 302),
    "admin/inventario/producto/<object_id>/": (302, 302, 302, 302),
    "admin/inventario/movimientoinventario/<object_id>/": (302, 302, 302, 302),
    "admin/clientes/cliente/<object_id>/": (302, 302, 302, 302),
    "admin/clientes/alumno/<object_id>/": (302, 302, 302, 302),
    "admin/ventas/vendedor/<object_id>/": (302, 302, 302, 302),
    "admin/axes/accessattempt/<object_id>/": (302, 302, 302, 302),
    "admin/axes/accesslog/<object_id>/": (302, 302, 302, 302),
    "admin/axes/accessfailurelog/<object_id>/": (302, 302, 302, 302),
    # The admin's catch-all for an unknown address: 404 for staff.
    "admin/<url>": (302, 302, 404, 302),
    # A model without get_absolute_url has no "view on site".
    "admin:view_on_site": (302, 302, 404, 302),
}


def _patrones(resolver=None, prefijo="", espacio=None):
    """(name or None, route) of every URL pattern, with namespaces as in reverse()."""
    resolver = resolver or get_resolver()
    for patron in resolver.url_patterns:
        if isinstance(patron, URLResolver):
            yield from _patrones(patron, prefijo + str(patron.pattern), patron.namespace or espacio)
        elif isinstance(patron, URLPattern):
            nombre = f"{espacio}:{patron.name}" if espacio and patron.name else patron.name
            yield nombre, prefijo + str(patron.pattern)


PARAMETRO = re.compile(r"<(?:(?P<conversor>\w+):)?(?P<nombre>\w+)>|\(\?P<(?P<nombre_re>\w+)>(?P<expresion>[^)]*)\)")


def _muestras(datos, gerente, cajero) -> dict:
    """Sample values per URL parameter, and per model for the admin's object_id."""
    inscripcion = _inscripcion_muestra(datos.cliente)
    apartado = _apartado_muestra(datos.cliente)
    return {
        "edicion_id": inscripcion.edicion_id,
        "inscripcion_id": inscripcion.pk,
        "id_cliente": datos.cliente.pk,
        "alumno_id": datos.alumno.pk,
        "cliente_id": datos.cliente.pk,
        "sistema": "sii",
        "pk": datos.producto.pk,
        "linea_id": datos.linea_id,
        "carrito_id": datos.carrito_en_espera.pk,
        # An apartado's pages take an open apartado; every other page the rich data's sale.
        "venta_id": {"": datos.venta.pk, "ventas/apartados/": apartado.pk},
        "devolucion_id": datos.devolucion.pk,
        "turno_id": datos.turno_abierto.pk,
        "abono_id": _abono_muestra(datos.cliente).pk,
        "id": cajero.pk,
        "app_label": "inventario",
        "url": "no-existe/",
        "content_type_id": ContentType.objects.db_manager(DB_AUTH).get_for_model(Cliente).pk,
        # Specific rows where the first one would not do; any other admin model gets its first row.
        "object_id": {
            "admin/auth/group/": Group.objects.using(DB_AUTH).get(name="Cajero").pk,
            "admin/auth/user/": cajero.pk,
            "admin/inventario/categoria/": Categoria.objects.order_by("pk").first().pk,
            "admin/inventario/producto/": datos.producto.pk,
            "admin/inventario/movimientoinventario/": MovimientoInventario.objects.filter(
                producto=datos.producto).order_by("-pk").first().pk,
            "admin/clientes/cliente/": datos.cliente.pk,
            "admin/clientes/alumno/": datos.alumno.pk,
            "admin/cursos/edicion/": datos.edicion.pk,
            "admin/r/": datos.cliente.pk,
        },
    }


def _inscripcion_muestra(cliente):
    """An edition with one enrollment, sold by a cashier of its own (the rich data's carts stay as they are)."""
    from cursos.tests.datos import alumno_crear, edicion_crear, inscribir
    from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory

    vendedor = UsuarioConRolFactory()
    TurnoFactory(cajero=vendedor)
    alumno = alumno_crear(900, responsable=cliente, matricula="M-900", grado="3", grupo="B")
    return inscribir(cajero=vendedor, alumno=alumno, edicion=edicion_crear(cupo=5), cliente=cliente)


def _apartado_muestra(cliente):
    """An open apartado, set aside by a cashier of its own."""
    from ventas.caja.plazos import plazo_apartado
    from ventas.tests.factories import (
        TurnoFactory,
        UsuarioConRolFactory,
        producto_con_existencia,
        vender_a_plazos,
    )

    vendedor = UsuarioConRolFactory()
    TurnoFactory(cajero=vendedor)
    producto = producto_con_existencia(5, precio=Decimal("300.00"))
    return vender_a_plazos(vendedor, cliente, [(producto, 1)], plazo=plazo_apartado(total=Decimal("300.00")))
def _abono_muestra(cliente):
    """An abono on an apartado, taken by a cashier of its own."""
    import uuid
    from decimal import Decimal

    from ventas.abonos.services import abono_registrar
    from ventas.tests.abonos_datos import apartado
    from ventas.tests.factories import TurnoFactory, UsuarioConRolFactory

    cajera = UsuarioConRolFactory()
    TurnoFactory(cajero=cajera)
    venta = apartado(cajera, cliente)
    return abono_registrar(usuario=cajera, venta_id=venta.pk, metodo="efectivo", monto=Decimal("100.00"),
                           clave=uuid.uuid4())[0]


def _url(ruta: str, muestras: dict) -> tuple[str, str]:
    """The route with every parameter filled in, and a display key with them as <name>."""

    def valor(coincidencia):
        nombre = coincidencia["nombre"] or coincidencia["nombre_re"]
        if nombre not in muestras:
            raise LookupError(f"La ruta {ruta!r} tiene el parámetro {nombre!r} sin valor de muestra en _muestras().")
        muestra = muestras[nombre]
        if isinstance(muestra, dict):
            prefijos = [p for p in muestra if ruta.startswith(p)]
            muestra = muestra[max(prefijos, key=len)] if prefijos else _primera_fila(ruta, nombre)
        return str(muestra)

    limpia = ruta.replace("^", "").replace("$", "")
    clave = PARAMETRO.sub(lambda c: f"<{c['nombre'] or c['nombre_re']}>", limpia)
    return "/" + PARAMETRO.sub(valor, limpia), clave


def _primera_fila(ruta: str, nombre: str):
    """The first row of the model an admin route belongs to (admin/<app>/<model>/...)."""
    partes = ruta.split("/")
    modelos = {(m._meta.app_label, m._meta.model_name): m for m in admin.site._registry}
    modelo = modelos.get(tuple(partes[1:3])) if len(partes) > 3 and partes[0] == "admin" else None
    fila = modelo._default_manager.order_by("pk").first() if modelo else None
    if fila is None:
        raise LookupError(f"La ruta {ruta!r} tiene el parámetro {nombre!r} sin valor de muestra: agrega filas de "
                          "ese modelo en datos_ricos o un valor en _muestras().")
    return fila.pk


def _esperado(nombre: str | None, clave: str) -> tuple[int, ...]:
    for llave in (clave, nombre):
        if llave in EXCEPCIONES:
            return EXCEPCIONES[llave]
    if nombre in ESPERADO:
        return ESPERADO[nombre]
    raise LookupError(f"La ruta {clave!r} ({nombre}) no tiene estado esperado por rol en ESPERADO: agrégalo según "
                      "la tabla de permisos del README.")


def test_recorrido_de_todas_las_paginas_por_rol(client, roles, cajero, gerente, consulta):
    datos = datos_ricos_cargar(cajero=cajero, gerente=gerente)
    # Sign-in attempts for the axes admin pages: a failed one and a successful one.
    client.post("/entrar/", {"username": "nadie", "password": "mala"}, REMOTE_ADDR="10.9.9.9")
    client.post("/entrar/", {"username": consulta.username, "password": CLAVE_PRUEBAS})
    assert AccessAttempt.objects.exists() and AccessLog.objects.exists()
    # The failure log is off in our settings (the attempts table suffices); its admin still exists.
    AccessFailureLog.objects.create(username="nadie", ip_address="10.9.9.9", user_agent="prueba",
                                    path_info="/entrar/", locked_out=False)
    muestras = _muestras(datos, gerente, cajero)
    # A pattern without a sample value or an expected status raises LookupError here.
    rutas = []
    for nombre, ruta in _patrones():
        url, clave = _url(ruta, muestras)
        rutas.append((nombre, url, _esperado(nombre, clave)))
    assert len(rutas) > 80
    usuarios = {"anonimo": None, "Cajero": cajero, "Gerente": gerente, "Consulta": consulta}

    diferencias, errores = [], []
    for indice, rol in enumerate(ROLES):
        client.logout()
        if usuarios[rol] is not None:
            client.force_login(usuarios[rol])
        for nombre, url, esperados in rutas:
            respuesta = client.get(url)
            esperado = esperados[indice]
            if respuesta.status_code >= 500:
                errores.append(f"{rol} GET {url} ({nombre}) → {respuesta.status_code}")
            elif respuesta.status_code != esperado:
                diferencias.append(f"{rol} GET {url} ({nombre}) → {respuesta.status_code}, se esperaba {esperado}")
    assert not errores, "Errores del servidor:\n" + "\n".join(errores)
    assert not diferencias, "Estados distintos a la tabla de permisos:\n" + "\n".join(diferencias)


def test_ids_ajenos_no_se_ven(client, roles, cajero, gerente):
    """A Cajero asking for another cashier's sale, ticket or shift gets 404, not the page."""
    datos = datos_ricos_cargar(cajero=cajero, gerente=gerente)
    client.force_login(cajero)
    for url in (f"/ventas/{datos.venta_ajena.pk}/", f"/ventas/{datos.venta_ajena.pk}/ticket/",
                f"/ventas/turnos/{datos.turno_cerrado.pk}/"):
        assert client.get(url).status_code == 404, url
    client.force_login(gerente)
    for url in (f"/ventas/{datos.venta_ajena.pk}/", f"/ventas/turnos/{datos.turno_cerrado.pk}/"):
        assert client.get(url).status_code == 200, url
