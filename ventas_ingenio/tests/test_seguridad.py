"""Sign-in abuse, passwords, idle sessions and caching, as a person at a till sees them.

The Gerente authorisations typed on a till share the sign-in limit; their tests are in
``ventas/tests/test_autorizacion_limite.py`` (they need the point-of-sale fixtures).
"""

import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ventas_ingenio.router import DB_AUTH, DB_NEGOCIO
from ventas_ingenio.seguridad import CLAVE_ULTIMA_ACTIVIDAD, ip_cliente

pytestmark = pytest.mark.django_db(databases="__all__")

CLAVE = "clave-de-pruebas-123"
CAJA_1, CAJA_2 = "10.20.0.7", "10.20.0.8"
BLOQUEADO = "Demasiados intentos fallidos. Intenta de nuevo en 15 minutos."


def _entrar(client, usuario, clave, ip=CAJA_1, url=None):
    return client.post(url or reverse("login"), {"username": usuario, "password": clave}, REMOTE_ADDR=ip)


def _texto(respuesta):
    return respuesta.content.decode()


def _sesion_iniciada(client) -> bool:
    return client.get(reverse("inicio")).status_code == 200


def _pasan_16_minutos():
    """The cool-off is measured from the last failure stored by axes: move it back."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))


# --- Sign-in throttling ----------------------------------------------------------------------------


def test_cinco_claves_malas_bloquean_entrar_aun_con_la_buena(client, cajero):
    for intento in range(4):
        respuesta = _entrar(client, "cajero1", f"mala-{intento}")
        assert respuesta.status_code == 200
        assert "Usuario o contraseña incorrectos" in _texto(respuesta)
    quinto = _entrar(client, "cajero1", "mala-5")
    assert quinto.status_code == 429 and BLOQUEADO in _texto(quinto)
    assert 60 <= int(quinto["Retry-After"]) <= 15 * 60 and "no-store" in quinto["Cache-Control"]
    buena = _entrar(client, "cajero1", CLAVE)
    assert buena.status_code == 429 and BLOQUEADO in _texto(buena)
    assert 'lang="es-MX"' in _texto(buena)
    assert not _sesion_iniciada(client)


def test_el_bloqueo_es_por_usuario_y_caja(client, cajero, usuario_con_rol):
    usuario_con_rol("Cajero", username="cajera2")
    for intento in range(5):
        _entrar(client, "cajero1", f"mala-{intento}")
    assert _entrar(client, "cajero1", CLAVE).status_code == 429
    # From another till the same cashier signs in: nobody locks cashiers out from elsewhere.
    otra_caja = Client()
    assert _entrar(otra_caja, "cajero1", CLAVE, ip=CAJA_2).status_code == 302
    assert _sesion_iniciada(otra_caja)
    # And another cashier at the locked till too.
    companera = Client()
    assert _entrar(companera, "cajera2", CLAVE).status_code == 302


def test_despues_de_15_minutos_vuelve_a_entrar(client, cajero):
    for intento in range(5):
        _entrar(client, "cajero1", f"mala-{intento}")
    assert _entrar(client, "cajero1", CLAVE).status_code == 429
    _pasan_16_minutos()
    respuesta = _entrar(client, "cajero1", CLAVE)
    assert respuesta.status_code == 302 and respuesta["Location"] == reverse("inicio")
    assert _sesion_iniciada(client)


def test_el_mensaje_dice_los_minutos_que_faltan(client, cajero):
    for intento in range(5):
        _entrar(client, "cajero1", f"mala-{intento}")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14, seconds=30))
    respuesta = _entrar(client, "cajero1", CLAVE)
    assert "Intenta de nuevo en 1 minuto." in _texto(respuesta)
    # Trying while refused does not restart the wait.
    assert AccessAttempt.objects.get().attempt_time < timezone.now() - timedelta(minutes=14)


def test_entrar_bien_reinicia_la_cuenta(client, cajero):
    for intento in range(4):
        _entrar(client, "cajero1", f"mala-{intento}")
    assert _entrar(client, "cajero1", CLAVE).status_code == 302
    assert not AccessAttempt.objects.exists()
    client.post(reverse("logout"))
    for intento in range(4):
        assert _entrar(client, "cajero1", f"otra-{intento}").status_code == 200
    assert _entrar(client, "cajero1", CLAVE).status_code == 302


def test_admin_login_tiene_el_mismo_limite(client, gerente):
    url = reverse("admin:login")
    for intento in range(4):
        assert _entrar(client, "gerente1", f"mala-{intento}", url=url).status_code == 200
    assert _entrar(client, "gerente1", "mala-5", url=url).status_code == 429
    respuesta = _entrar(client, "gerente1", CLAVE, url=url)
    assert respuesta.status_code == 429 and BLOQUEADO in _texto(respuesta)
    assert client.get(reverse("admin:index")).status_code == 302  # still signed out
    # The limit is one per username and till: /entrar/ refuses the Gerente from this till too.
    assert _entrar(client, "gerente1", CLAVE).status_code == 429
    assert _entrar(Client(), "gerente1", CLAVE, ip=CAJA_2, url=url).status_code == 302


def test_detras_del_balanceador_cuenta_la_direccion_de_la_caja(client, cajero, settings):
    settings.PROXIES_DE_CONFIANZA = 1
    balanceador = {"REMOTE_ADDR": "10.0.0.2"}
    for intento in range(5):
        client.post(reverse("login"), {"username": "cajero1", "password": f"mala-{intento}"},
                    HTTP_X_FORWARDED_FOR=f"1.1.1.{intento}, {CAJA_1}", **balanceador)
    assert AccessAttempt.objects.get().ip_address == CAJA_1  # the client's own entry is ignored
    otra_caja = client.post(reverse("login"), {"username": "cajero1", "password": CLAVE},
                            HTTP_X_FORWARDED_FOR=CAJA_2, **balanceador)
    assert otra_caja.status_code == 302


def test_ip_cliente(rf, settings):
    settings.PROXIES_DE_CONFIANZA = 0
    peticion = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert ip_cliente(peticion) == "10.0.0.2"  # no proxy trusted: the header is the client's
    settings.PROXIES_DE_CONFIANZA = 2
    peticion = rf.get("/", REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.20.0.7, 10.0.0.2")
    assert ip_cliente(peticion) == "10.20.0.7"


def test_bitacora_de_entradas(client, cajero, caplog):
    caplog.set_level(logging.INFO, logger="ventas_ingenio.seguridad")
    for intento in range(5):
        _entrar(client, "cajero1", f"mala-{intento}")
    _pasan_16_minutos()
    _entrar(client, "cajero1", CLAVE)
    lineas = [r.getMessage() for r in caplog.records if r.name == "ventas_ingenio.seguridad"]
    assert lineas.count(f"Inicio de sesión fallido: usuario=cajero1 ip={CAJA_1} ruta=/entrar/") == 5
    assert f"Bloqueo por intentos fallidos: usuario=cajero1 ip={CAJA_1} para=inicio de sesión ruta=/entrar/" in lineas
    assert f"Inicio de sesión: usuario=cajero1 ip={CAJA_1} ruta=/entrar/" in lineas
    assert all(CLAVE not in linea and "mala-" not in linea for linea in lineas)


def test_las_tablas_de_axes_viven_en_la_base_de_auth():
    def tablas(alias):
        with connections[alias].cursor() as cursor:
            return set(connections[alias].introspection.table_names(cursor))

    axes = {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"}
    assert axes <= tablas(DB_AUTH)
    assert not axes & tablas(DB_NEGOCIO)


# --- Passwords ---------------------------------------------------------------------------------------


def test_una_clave_pbkdf2_pasa_a_argon2_al_entrar(client, cajero, settings):
    # The suite hashes with MD5 for speed; this test uses the production order.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    cajero.password = make_password(CLAVE, hasher="pbkdf2_sha256")
    cajero.save(update_fields=["password"])
    assert _entrar(client, "cajero1", CLAVE).status_code == 302
    cajero.refresh_from_db()
    assert cajero.password.startswith("argon2$argon2id$")
    client.post(reverse("logout"))
    assert _entrar(client, "cajero1", CLAVE).status_code == 302  # and the new hash works


# --- Idle sessions -----------------------------------------------------------------------------------


def _ultima_actividad(client, hace_segundos):
    sesion = client.session
    sesion[CLAVE_ULTIMA_ACTIVIDAD] = int(time.time()) - hace_segundos
    sesion.save()


def test_sesion_inactiva_vuelve_al_login_con_aviso(cliente_cajero, settings):
    settings.SESION_INACTIVIDAD_SEGUNDOS = 30 * 60
    assert cliente_cajero.get(reverse("ventas:turno")).status_code == 200
    _ultima_actividad(cliente_cajero, 31 * 60)
    respuesta = cliente_cajero.get(reverse("ventas:turno"))
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"{reverse('login')}?next={reverse('ventas:turno')}"
    pagina = cliente_cajero.get(respuesta["Location"])
    assert "Tu sesión se cerró por inactividad" in _texto(pagina)
    assert not _sesion_iniciada(cliente_cajero)


def test_sesion_usada_hace_poco_sigue_abierta(cliente_cajero):
    _ultima_actividad(cliente_cajero, 29 * 60)
    assert cliente_cajero.get(reverse("inicio")).status_code == 200
    assert cliente_cajero.session[CLAVE_ULTIMA_ACTIVIDAD] >= int(time.time()) - 5


CAJA = "http://testserver/ventas/caja/"


def test_sesion_inactiva_en_un_post_vuelve_a_la_pagina_del_formulario(cliente_cajero, settings):
    """A form sent after the idle limit (a scan at the till) comes back to the page it was sent
    from after signing in, not to the POST-only address it was sent to (405 after signing in),
    and the message says what was sent was not saved."""
    settings.SESION_INACTIVIDAD_SEGUNDOS = 30 * 60
    _ultima_actividad(cliente_cajero, 31 * 60)
    respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": "7501234000011"}, HTTP_REFERER=CAJA)
    assert respuesta.status_code == 302
    assert respuesta["Location"] == f"{reverse('login')}?next={reverse('ventas:caja')}"
    pagina = cliente_cajero.get(respuesta["Location"])
    assert "Tu sesión se cerró por inactividad" in _texto(pagina)
    assert "no se guardó" in _texto(pagina)
    vuelta = _entrar(cliente_cajero, "cajero1", CLAVE, url=respuesta["Location"])
    assert vuelta["Location"] == reverse("ventas:caja")


def test_sesion_inactiva_en_la_caja_con_javascript_manda_a_entrar_sin_gastar_el_aviso(cliente_cajero, settings):
    """static/js/caja.js's fetch would follow a redirect and show (spend) the message on a page
    nobody sees: it gets 401 and where to sign in, and the message waits for that page."""
    settings.SESION_INACTIVIDAD_SEGUNDOS = 30 * 60
    _ultima_actividad(cliente_cajero, 31 * 60)
    respuesta = cliente_cajero.post(reverse("ventas:agregar"), {"texto": "7501234000011"}, HTTP_REFERER=CAJA,
                                    HTTP_X_REQUESTED_WITH="fetch")
    assert respuesta.status_code == 401
    assert respuesta["X-Caja-Entrar"] == f"{reverse('login')}?next={reverse('ventas:caja')}"
    assert "Tu sesión se cerró por inactividad" in _texto(cliente_cajero.get(respuesta["X-Caja-Entrar"]))


@pytest.mark.parametrize(("referer", "siguiente"), [
    (CAJA, "/ventas/caja/"),
    ("http://testserver/ventas/caja/?reciente=5", "/ventas/caja/%3Freciente%3D5"),
    ("https://otro.example/ventas/caja/", None),  # another site's page is not a place to go back to
    (None, None),
])
def test_sin_sesion_un_post_vuelve_a_la_pagina_del_formulario(client, referer, siguiente):
    extra = {"HTTP_REFERER": referer} if referer else {}
    respuesta = client.post(reverse("ventas:agregar"), {"texto": "7501234000011"}, **extra)
    assert respuesta.status_code == 302
    assert respuesta["Location"] == (f"{reverse('login')}?next={siguiente}" if siguiente else reverse("login"))


def test_sin_sesion_un_get_vuelve_a_su_pagina(client):
    respuesta = client.get(reverse("ventas:historial") + "?q=V-1")
    assert respuesta["Location"] == f"{reverse('login')}?next=/ventas/historial/%3Fq%3DV-1"


def test_sin_sesion_la_caja_con_javascript_recibe_401_y_donde_entrar(client):
    respuesta = client.post(reverse("ventas:agregar"), {"texto": "1"}, HTTP_REFERER=CAJA, HTTP_X_REQUESTED_WITH="fetch")
    assert respuesta.status_code == 401
    assert respuesta["X-Caja-Entrar"] == f"{reverse('login')}?next={reverse('ventas:caja')}"


def _sesiones_guardadas(client) -> int:
    with CaptureQueriesContext(connections[DB_AUTH]) as consultas:
        assert client.get(reverse("inicio")).status_code == 200
    return sum(1 for q in consultas.captured_queries if q["sql"].startswith('UPDATE "django_session"'))


def test_la_actividad_se_guarda_como_mucho_una_vez_por_minuto(cliente_cajero):
    _ultima_actividad(cliente_cajero, 30)
    antes = cliente_cajero.session[CLAVE_ULTIMA_ACTIVIDAD]
    assert _sesiones_guardadas(cliente_cajero) == 0  # a busy till does not write its session
    assert cliente_cajero.session[CLAVE_ULTIMA_ACTIVIDAD] == antes
    _ultima_actividad(cliente_cajero, 90)
    assert _sesiones_guardadas(cliente_cajero) == 1
    assert cliente_cajero.session[CLAVE_ULTIMA_ACTIVIDAD] >= int(time.time()) - 5


def test_la_edad_maxima_cuenta_desde_que_entro(client, cajero, settings):
    assert _entrar(client, "cajero1", CLAVE).status_code == 302
    clave_sesion = client.session.session_key
    vence = Session.objects.get(pk=clave_sesion).expire_date
    assert abs((vence - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 60
    _ultima_actividad(client, 120)  # the next request rewrites the idle clock...
    client.get(reverse("inicio"))
    assert Session.objects.get(pk=clave_sesion).expire_date == vence  # ...without extending the session


# --- Caching ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("nombre", ["inicio", "ventas:turnos", "ventas:historial", "ventas:historial_exportar"])
def test_paginas_con_sesion_no_se_guardan_en_cache(cliente_gerente, nombre):
    respuesta = cliente_gerente.get(reverse(nombre))
    assert respuesta.status_code == 200
    assert "no-store" in respuesta["Cache-Control"] and "private" in respuesta["Cache-Control"]
    assert respuesta["Pragma"] == "no-cache"


def test_sin_sesion_y_estaticos_no_cambian(cliente_cajero):
    anonimo = Client()
    assert "Cache-Control" not in anonimo.get(reverse("robots"))
    estatico = cliente_cajero.get("/static/css/app.css")
    assert estatico.status_code == 200
    assert "no-store" not in estatico.get("Cache-Control", "")
