#!/usr/bin/env python3
"""Benchmark of the admin product list and the inventory page with a large catalog.

Creates (or reuses) two separate databases on the embedded PostgreSQL of this checkout
(``ventas_bench``, ``ventas_bench_auth``), migrates them, loads N synthetic products with
``cargar_demo --productos``, starts gunicorn on 127.0.0.1 with production settings
(``DEBUG=false``, a real ``SECRET_KEY``, no HTTPS redirect), signs in as a Gerente and times
each page. Prints median and p99 per page plus the ``EXPLAIN ANALYZE`` of the name search.

    .venv/bin/python bench/inventario.py --productos 100000 --peticiones 200
"""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import requests

RAIZ = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RAIZ))
PY = sys.executable

PAGINAS = [
    ("admin: lista de productos", "/admin/inventario/producto/"),
    ("admin: búsqueda 'cuaderno'", "/admin/inventario/producto/?q=cuaderno"),
    ("inventario", "/inventario/"),
    ("inventario: búsqueda 'pantalon'", "/inventario/?q=pantalon"),
    ("inventario: página 500", "/inventario/?page=500"),
]


def _servidor():
    from ventas_ingenio.pg_embebido import asegurar_servidor

    return asegurar_servidor(RAIZ / "var")


def _crear_bases(srv, nombres):
    conexion = psycopg2.connect(dbname="postgres", host=srv["HOST"], port=srv["PORT"], user=srv["USER"])
    conexion.autocommit = True
    with conexion.cursor() as cursor:
        for nombre in nombres:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [nombre])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{nombre}"')
    conexion.close()


def _manage(entorno, *argumentos, salida=False):
    resultado = subprocess.run([PY, "manage.py", *argumentos], cwd=RAIZ, env=entorno, capture_output=True, text=True)
    if resultado.returncode:
        sys.exit(f"manage.py {' '.join(argumentos)} falló:\n{resultado.stdout}\n{resultado.stderr}")
    return resultado.stdout if salida else None


def _percentil(valores, p):
    ordenados = sorted(valores)
    return ordenados[min(len(ordenados) - 1, int(round(p / 100 * (len(ordenados) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--productos", type=int, default=100_000)
    parser.add_argument("--peticiones", type=int, default=200, help="peticiones medidas por página")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--puerto", type=int, default=8093)
    args = parser.parse_args()

    srv = _servidor()
    _crear_bases(srv, ["ventas_bench", "ventas_bench_auth"])
    url = f"postgres://{srv['USER']}@/%s?host={srv['HOST']}&port={srv['PORT']}"
    entorno = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "AUTH_DATABASE_URL"))},
        "DJANGO_SETTINGS_MODULE": "ventas_ingenio.settings",
        "DATABASE_URL": url % "ventas_bench",
        "AUTH_DATABASE_URL": url % "ventas_bench_auth",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    _manage(entorno, "migrate", "--database=default", "--noinput")
    _manage(entorno, "migrate", "--database=auth", "--noinput")
    _manage(entorno, "preparar")
    _manage(entorno, "collectstatic", "--noinput", "--verbosity", "0")
    existentes = int(_manage(entorno, "shell", "--no-imports", "-c",
                             "from inventario.models import Producto; print(Producto.objects.count())", salida=True))
    if existentes < args.productos:
        inicio = time.monotonic()
        print(_manage(entorno, "cargar_demo", "--productos", str(args.productos - existentes), salida=True).strip())
        print(f"carga: {time.monotonic() - inicio:.1f} s (incluye arrancar Django)")
    print(_manage(entorno, "verificar_inventario", salida=True).strip())
    clave = secrets.token_urlsafe(16)
    _manage(entorno, "shell", "--no-imports", "-c", (
        "from django.contrib.auth.models import User; from ventas_ingenio.roles import rol_asignar;"
        "u, _ = User.objects.get_or_create(username='bench', defaults={'first_name': 'Bench'});"
        f"u.set_password('{clave}'); u.save(); rol_asignar(usuario=u, rol='Gerente')"
    ))
    print("EXPLAIN ANALYZE de la búsqueda por nombre (inventario, q='pantalon'):")
    print(_manage(entorno, "shell", "--no-imports", "-c", (
        "from inventario.selectors import productos_filtrar;"
        "print(productos_filtrar(texto='pantalon')[:50].explain(analyze=True, buffers=True))"
    ), salida=True))

    servidor = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{args.puerto}",
         "--log-level", "warning", "ventas_ingenio.wsgi"],
        cwd=RAIZ, env=entorno,
    )
    base = f"http://127.0.0.1:{args.puerto}"
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/salud/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        sesion = requests.Session()
        sesion.get(f"{base}/entrar/", timeout=10)
        respuesta = sesion.post(
            f"{base}/entrar/", timeout=10, allow_redirects=False,
            data={"username": "bench", "password": clave, "csrfmiddlewaretoken": sesion.cookies["csrftoken"]},
            headers={"Referer": f"{base}/entrar/"},
        )
        assert respuesta.status_code == 302, respuesta.text[:500]
        print(f"\n{args.productos} productos, gunicorn -w {args.workers}, {args.peticiones} peticiones secuenciales por página")
        print(f"{'página':36} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>8}")
        for nombre, ruta in PAGINAS:
            for _ in range(5):  # warm-up: connections, caches
                sesion.get(base + ruta, timeout=30)
            tiempos = []
            for _ in range(args.peticiones):
                inicio = time.perf_counter()
                r = sesion.get(base + ruta, timeout=30)
                tiempos.append((time.perf_counter() - inicio) * 1000)
                assert r.status_code == 200, (ruta, r.status_code)
            print(f"{nombre:36} {statistics.median(tiempos):8.1f} {_percentil(tiempos, 99):8.1f} {len(r.content):8d}")
    finally:
        servidor.terminate()
        servidor.wait(timeout=20)


if __name__ == "__main__":
    main()
