"""Settings for the test suite: the real settings plus a fixed key and a fast hasher."""

import os

os.environ.setdefault("SECRET_KEY", "pruebas-" + "x7Qk2mZ9vR4tL8nB3wY6pD1sF5hJ0cG" * 2)
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")

from ventas_ingenio.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# Static files come from the finders (no collectstatic before the suite).
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True

# Worker subprocesses started by the tests use the test databases pytest-django created.
for _alias, _variable in ((DB_NEGOCIO, "PRUEBAS_BD_NEGOCIO"), (DB_AUTH, "PRUEBAS_BD_AUTH")):  # noqa: F405
    if os.environ.get(_variable):
        DATABASES[_alias]["NAME"] = os.environ[_variable]  # noqa: F405
