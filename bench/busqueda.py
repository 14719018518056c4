#!/usr/bin/env python3
"""Benchmark of the product search by words with a large catalog.

Same separate databases as ``bench/inventario.py`` (``ventas_bench``, ``ventas_bench_auth``)
on this checkout's embedded PostgreSQL, same production-like gunicorn on 127.0.0.1. Prints the
``EXPLAIN (ANALYZE, BUFFERS)`` of every SQL query the POS search runs for a few terms (the
queries are captured from ``productos_para_caja`` itself, so the plan is the one served), then
times, sequentially and signed in as a Cajero:

1. ``GET /ventas/caja/buscar/?q=`` (the POS JSON) for one word, two words, a number with a
   word, a typo and a term with no match;
2. ``GET /inventario/?q=`` (50 per page, with the paginator's count) for some of them.

    .venv/bin/python bench/busqueda.py --productos 100000 --peticiones 100
"""

import argparse
import os
import statistics
import time

from comun import entrar, gunicorn, percentil, preparar, shell, usuario_crear

TERMINOS_CAJA = [
    ("una palabra", "pantalon"),
    ("una palabra, muchas", "playera"),
    ("dos palabras", "libro ingles"),
    ("dos palabras, otro orden", "ingles libro"),
    ("palabra y número", "calcetas 10"),
    ("número y palabra", "24 colores"),
    ("código del modelo", "modelo 4242"),
    ("error de dedo", "cuadreno"),
    ("error de dedo, dos palabras", "cuadreno profecional"),
    ("error de dedo, palabra común", "playra"),
    ("nada parecido", "xqzw"),
]
TERMINOS_INVENTARIO = ["pantalon", "calcetas 10", "cuadreno"]
EXPLICAR = ["calcetas 10", "playera", "libro ingles", "cuadreno", "cuadreno profecional", "playra"]


def _explicar(entorno, termino):
    """EXPLAIN ANALYZE of each query ``productos_para_caja`` runs for ``termino``."""
    return shell(entorno, (
        "from django.db import connections, transaction\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from ventas.caja.selectors import productos_para_caja\n"
        "conexion = connections['default']\n"
        # Six runs first: the search's prepared statements are then on the plan a served
        # session keeps (PostgreSQL may switch to a generic plan after five executions).
        "for _ in range(6):\n"
        f"    productos_para_caja(texto={termino!r})\n"
        "with CaptureQueriesContext(conexion) as capturadas:\n"
        f"    productos_para_caja(texto={termino!r})\n"
        # Anything but a SELECT (BEGIN, COMMIT) is skipped; EXECUTE runs a prepared statement
        # of this session (the search, the typo fallback's corrections), WITH a plain query.
        # The captured SQL already carries its parameters (psycopg2's mogrify).
        "with transaction.atomic(), conexion.cursor() as cursor:\n"
        "    for consulta in capturadas.captured_queries:\n"
        "        if not consulta['sql'].lstrip().startswith(('SELECT', 'WITH', 'EXECUTE')):\n"
        "            continue\n"
        "        print('--', consulta['sql'])\n"
        "        cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + consulta['sql'])\n"
        "        print('\\n'.join(fila[0] for fila in cursor.fetchall()))\n"
    ))


def _medir(sesion, url, params, peticiones):
    tiempos = []
    for i in range(peticiones + 5):  # 5 of warm-up
        inicio = time.perf_counter()
        r = sesion.get(url, params=params, timeout=60)
        if i >= 5:
            tiempos.append((time.perf_counter() - inicio) * 1000)
        assert r.status_code == 200, (url, params, r.status_code)
    return tiempos, r


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--productos", type=int, default=100_000)
    parser.add_argument("--peticiones", type=int, default=100, help="measured requests per term")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--puerto", type=int, default=8095)
    parser.add_argument("--sin-explain", action="store_true")
    args = parser.parse_args()

    entorno = preparar(args.productos)
    clave = usuario_crear(entorno, ["bench_busqueda"], "Gerente")
    if not args.sin_explain:
        for termino in EXPLICAR:
            print(f"\nEXPLAIN ANALYZE de la búsqueda de la caja, q={termino!r}:")
            print(_explicar(entorno, termino))

    with gunicorn(entorno, args.workers, args.puerto) as base:
        sesion = entrar(base, "bench_busqueda", clave)
        print(f"\n{args.productos} productos, gunicorn -w {args.workers}, {args.peticiones} peticiones secuenciales "
              f"por término, carga {os.getloadavg()[0]:.2f}")
        print(f"{'caja (JSON)':30} {'término':24} {'p50 ms':>7} {'p99 ms':>7} {'result.':>7} {'hay_mas':>7}")
        for descripcion, termino in TERMINOS_CAJA:
            tiempos, r = _medir(sesion, base + "/ventas/caja/buscar/", {"q": termino}, args.peticiones)
            datos = r.json()
            print(f"{descripcion:30} {termino:24} {statistics.median(tiempos):7.1f} {percentil(tiempos, 99):7.1f} "
                  f"{len(datos['productos']):7d} {str(datos.get('hay_mas', '—')):>7}")
            for producto in datos["productos"][:3]:
                print(f"{'':32}· {producto['nombre']}")
        print(f"\n{'inventario (50 por página)':30} {'término':24} {'p50 ms':>7} {'p99 ms':>7}")
        for termino in TERMINOS_INVENTARIO:
            tiempos, _ = _medir(sesion, base + "/inventario/", {"q": termino}, args.peticiones // 2)
            print(f"{'':30} {termino:24} {statistics.median(tiempos):7.1f} {percentil(tiempos, 99):7.1f}")
        print(f"carga al terminar: {os.getloadavg()}")


if __name__ == "__main__":
    main()
