"""Shared setup of the benchmarks: separate databases, migrate, products, gunicorn, sign in.

Nothing here imports the Django apps: setup runs ``manage.py`` in subprocesses, so a script
named like an app (``bench/inventario.py``) cannot shadow it.
"""

import contextlib
import os
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg2
import requests

RAIZ = Path(__file__).resolve().parent.parent
if str(RAIZ) not in sys.path[:1]:
    sys.path.insert(0, str(RAIZ))
PY = sys.executable
BASES = ("ventas_bench", "ventas_bench_auth")


def servidor_pg():
    from ventas_ingenio.pg_embebido import asegurar_servidor

    return asegurar_servidor(RAIZ / "var")


def bases_crear(srv, nombres=BASES):
    conexion = psycopg2.connect(dbname="postgres", host=srv["HOST"], port=srv["PORT"], user=srv["USER"])
    conexion.autocommit = True
    with conexion.cursor() as cursor:
        for nombre in nombres:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nombre])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{nombre}"')
    conexion.close()


def entorno_produccion(srv):
    """Production-like settings pointing at the bench databases."""
    url = f"postgres://{srv['USER']}@/%s?host={srv['HOST']}&port={srv['PORT']}"
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "AUTH_DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "ventas_ingenio.settings",
        "DATABASE_URL": url % BASES[0],
        "AUTH_DATABASE_URL": url % BASES[1],
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }


def manage(entorno, *argumentos, salida=False):
    resultado = subprocess.run([PY, "manage.py", *argumentos], cwd=RAIZ, env=entorno, capture_output=True, text=True)
    if resultado.returncode:
        sys.exit(f"manage.py {' '.join(argumentos[:3])} falló:\n{resultado.stdout}\n{resultado.stderr}")
    return resultado.stdout if salida else None


def shell(entorno, codigo):
    return manage(entorno, "shell", "--no-imports", "-c", codigo, salida=True)


def preparar(productos):
    """Databases migrated, roles set up, static files collected and at least ``productos``
    products loaded. Returns the environment for manage.py and gunicorn."""
    srv = servidor_pg()
    bases_crear(srv)
    entorno = entorno_produccion(srv)
    manage(entorno, "migrate", "--database=default", "--noinput")
    manage(entorno, "migrate", "--database=auth", "--noinput")
    manage(entorno, "preparar")
    manage(entorno, "collectstatic", "--noinput", "--verbosity", "0")
    existentes = int(shell(entorno, "from inventario.models import Producto; print(Producto.objects.count())"))
    if existentes < productos:
        inicio = time.monotonic()
        print(manage(entorno, "cargar_demo", "--productos", str(productos - existentes), salida=True).strip())
        print(f"carga: {time.monotonic() - inicio:.1f} s (incluye arrancar Django)")
    return entorno


def usuario_crear(entorno, nombres, rol):
    """Create (or reset) users with ``rol``; all share one random password, which is returned."""
    clave = secrets.token_urlsafe(16)
    shell(entorno, (
        "from django.contrib.auth.models import User; from ventas_ingenio.roles import rol_asignar, roles_configurar\n"
        "roles_configurar()\n"
        f"for nombre in {list(nombres)!r}:\n"
        "    u, _ = User.objects.get_or_create(username=nombre, defaults={'first_name': 'Bench'})\n"
        f"    u.set_password({clave!r}); u.save(); rol_asignar(usuario=u, rol={rol!r})\n"
    ))
    return clave


@contextlib.contextmanager
def gunicorn(entorno, workers, puerto, opciones=(), *, threads=None):
    """Run gunicorn on 127.0.0.1 and yield its base URL; stopped on exit. ``opciones``: extra
    command-line options (e.g. a longer ``--timeout`` for a big download). ``threads``: serve
    with the project's ``ventas_ingenio/gunicorn.conf.py`` (gthread workers with that many
    threads, keep-alive: what ``make run`` uses; access log off) instead of sync workers."""
    if threads is None:
        configuracion = ["ventas_ingenio.wsgi"]
    else:
        configuracion = ["-c", "ventas_ingenio/gunicorn.conf.py", "--threads", str(threads),
                         "--access-logfile", "/dev/null"]
    proceso = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{puerto}",
         "--log-level", "warning", *opciones, *configuracion],
        cwd=RAIZ, env=entorno,
    )
    base = f"http://127.0.0.1:{puerto}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/salud/", timeout=5).status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or still booting
                time.sleep(0.2)
        yield base
    finally:
        proceso.terminate()
        proceso.wait(timeout=20)


def entrar(base, usuario, clave):
    """A signed-in requests.Session."""
    sesion = requests.Session()
    sesion.get(f"{base}/entrar/", timeout=10)
    respuesta = sesion.post(
        f"{base}/entrar/", timeout=10, allow_redirects=False,
        data={"username": usuario, "password": clave, "csrfmiddlewaretoken": sesion.cookies["csrftoken"]},
        headers={"Referer": f"{base}/entrar/"},
    )
    assert respuesta.status_code == 302, respuesta.text[:500]
    return sesion


def percentil(valores, p):
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, int(round(p / 100 * (len(ordenados) - 1))))]


def ronda_en_paralelo(trabajos, calentar=None):
    """Run each of ``trabajos`` (callables) in its own thread, all released together by a barrier
    once every thread has run ``calentar(i)`` (unmeasured warm-up), and return their results in
    order plus the seconds from the first start to the last end. Any error ends the run."""
    barrera = threading.Barrier(len(trabajos))
    resultados, inicios, finales, errores = [None] * len(trabajos), [], [], []

    def hilo(numero, trabajo):
        try:
            if calentar is not None:
                calentar(numero)
            barrera.wait()
            inicios.append(time.perf_counter())
            resultados[numero] = trabajo()
            finales.append(time.perf_counter())
        except Exception as error:  # noqa: BLE001 - reported after the round
            errores.append(repr(error))
            barrera.abort()

    hilos = [threading.Thread(target=hilo, args=(n, t)) for n, t in enumerate(trabajos)]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    if errores:
        raise SystemExit(f"errores en la ronda: {errores[:3]}")
    return resultados, max(finales) - min(inicios)
