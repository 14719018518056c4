import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

pytestmark = pytest.mark.django_db(databases="__all__")

# Pages an anonymous visitor may see: the login pages and the load-balancer health check.
PUBLICAS = {"login", "admin:login", "salud", "robots"}
VALORES_EJEMPLO = {"int": "1", "str": "abc", "slug": "abc", "uuid": "00000000-0000-0000-0000-000000000001", "path": "abc"}


def _rutas(patrones=None, prefijo="", espacio=""):
    """Every URL of the project with example values for its parameters."""
    patrones = get_resolver().url_patterns if patrones is None else patrones
    for patron in patrones:
        if isinstance(patron, URLResolver):
            nuevo = f"{espacio}{patron.namespace}:" if patron.namespace else espacio
            yield from _rutas(patron.url_patterns, prefijo + str(patron.pattern), nuevo)
        elif isinstance(patron, URLPattern):
            texto = prefijo + str(patron.pattern)
            if texto.startswith("^") or "(?P" in texto:
                continue  # admin's regex catch-alls are covered by the named pages
            for convertidor, nombre in patron.pattern.converters.items():
                clase = type(nombre).__name__.replace("Converter", "").lower()
                ejemplo = VALORES_EJEMPLO.get(clase, "1")
                texto = _sustituir(texto, convertidor, ejemplo)
            yield f"{espacio}{patron.name or ''}", "/" + texto


def _sustituir(texto, parametro, valor):
    import re

    return re.sub(r"<(?:\w+:)?" + parametro + ">", valor, texto)


RUTAS = sorted(ruta for ruta in set(_rutas()) if ruta[0] not in PUBLICAS)


@pytest.mark.parametrize("nombre,url", RUTAS, ids=[r[1] for r in RUTAS])
def test_anonimo_va_al_login(client, nombre, url):
    respuesta = client.get(url)
    assert respuesta.status_code == 302, url
    destino = respuesta["Location"]
    assert destino.startswith(reverse("login")) or destino.startswith(reverse("admin:login")), destino


def test_las_paginas_publicas_son_solo_esas():
    assert {nombre for nombre, _ in _rutas()} >= PUBLICAS
    assert len(RUTAS) > 20  # our pages and the admin's


def test_login_en_espanol(client):
    respuesta = client.get(reverse("login"))
    assert respuesta.status_code == 200
    html = respuesta.content.decode()
    assert 'lang="es-MX"' in html
    assert "Inicia sesión" in html
    assert ">Usuario" in html and ">Contraseña" in html


def test_login_con_clave_equivocada_dice_por_que(client, cajero):
    respuesta = client.post(reverse("login"), {"username": "cajero1", "password": "mala"})
    assert respuesta.status_code == 200
    assert "Usuario o contraseña incorrectos" in respuesta.content.decode()


def test_entrar_y_salir(client, cajero):
    respuesta = client.post(reverse("login"), {"username": "cajero1", "password": "clave-de-pruebas-123"})
    assert respuesta.status_code == 302 and respuesta["Location"] == reverse("inicio")
    assert client.get(reverse("inicio")).status_code == 200
    respuesta = client.post(reverse("logout"))
    assert respuesta.status_code == 302
    assert client.get(reverse("inicio")).status_code == 302


def test_consulta_no_entra_a_pagina_de_gerente(cliente_consulta):
    respuesta = cliente_consulta.get(reverse("usuarios"))
    assert respuesta.status_code == 403
    assert "No tienes permiso" in respuesta.content.decode()


def test_cajero_no_entra_al_admin(cliente_cajero):
    respuesta = cliente_cajero.get(reverse("admin:index"))
    assert respuesta.status_code == 302
    assert respuesta["Location"].startswith(reverse("admin:login"))


def test_gerente_ve_usuarios_y_admin(cliente_gerente, cajero):
    respuesta = cliente_gerente.get(reverse("usuarios"))
    assert respuesta.status_code == 200
    assert "cajero1" in respuesta.content.decode()
    assert cliente_gerente.get(reverse("admin:index")).status_code == 200


def test_gerente_administra_usuarios_y_queda_en_historial(cliente_gerente, cajero):
    from django.contrib.admin.models import LogEntry

    url = reverse("admin:auth_user_change", args=[cajero.pk])
    formulario = cliente_gerente.get(url)
    assert formulario.status_code == 200
    datos = {
        "username": "cajero1",
        "first_name": "Carlos Alberto",
        "last_name": "Ramírez",
        "email": "c@escuela.test",
        "is_active": "on",
        "groups": [g.pk for g in cajero.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
    }
    respuesta = cliente_gerente.post(url, datos)
    assert respuesta.status_code == 302, respuesta.content.decode()[:2000]
    cajero.refresh_from_db()
    assert cajero.first_name == "Carlos Alberto"
    assert LogEntry.objects.filter(object_id=str(cajero.pk)).exists()
    historial = cliente_gerente.get(reverse("admin:auth_user_history", args=[cajero.pk]))
    assert "Carlos Alberto" in historial.content.decode() or "Modificado" in historial.content.decode()


@pytest.mark.parametrize(
    "rol_fixture,visibles,ocultos",
    [
        ("cliente_gerente", ["Punto de venta", "Inventario", "Clientes", "Usuarios", "Administración"], []),
        ("cliente_consulta", ["Inventario", "Clientes"], ["Punto de venta", "Usuarios", "Administración"]),
        ("cliente_cajero", ["Punto de venta", "Inventario", "Clientes"], ["Usuarios", "Administración"]),
    ],
)
def test_la_navegacion_muestra_solo_lo_del_rol(request, rol_fixture, visibles, ocultos):
    cliente = request.getfixturevalue(rol_fixture)
    html = cliente.get(reverse("inicio")).content.decode()
    navegacion = html.split('<nav class="navegacion"', 1)[1].split("</nav>", 1)[0]
    for texto in visibles:
        assert texto in navegacion
    for texto in ocultos:
        assert texto not in navegacion


def test_salud_responde_sin_sesion(client):
    respuesta = client.get(reverse("salud"))
    assert respuesta.status_code == 200
    assert respuesta.json() == {"default": "ok", "auth": "ok"}


def test_politica_de_seguridad_de_contenido(cliente_cajero):
    respuesta = cliente_cajero.get(reverse("inicio"))
    assert "default-src 'self'" in respuesta["Content-Security-Policy"]
