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
import statistics
import time

from comun import entrar, gunicorn, manage, percentil, preparar, usuario_crear

PAGINAS = [
    ("admin: lista de productos", "/admin/inventario/producto/"),
    ("admin: búsqueda 'cuaderno'", "/admin/inventario/producto/?q=cuaderno"),
    ("inventario", "/inventario/"),
    ("inventario: búsqueda 'pantalon'", "/inventario/?q=pantalon"),
    ("inventario: página 500", "/inventario/?page=500"),
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--productos", type=int, default=100_000)
    parser.add_argument("--peticiones", type=int, default=200, help="peticiones medidas por página")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--puerto", type=int, default=8093)
    args = parser.parse_args()

    entorno = preparar(args.productos)
    print(manage(entorno, "verificar_inventario", salida=True).strip())
    clave = usuario_crear(entorno, ["bench"], "Gerente")
    print("EXPLAIN ANALYZE de la búsqueda por nombre (inventario, q='pantalon'):")
    print(manage(entorno, "shell", "--no-imports", "-c", (
        "from inventario.selectors import productos_filtrar;"
        "print(productos_filtrar(texto='pantalon')[:50].explain(analyze=True, buffers=True))"
    ), salida=True))

    with gunicorn(entorno, args.workers, args.puerto) as base:
        sesion = entrar(base, "bench", clave)
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
            print(f"{nombre:36} {statistics.median(tiempos):8.1f} {percentil(tiempos, 99):8.1f} {len(r.content):8d}")


if __name__ == "__main__":
    main()
