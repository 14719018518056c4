#!/usr/bin/env python3
"""Benchmark of the daily summary, its CSV and the dashboard with many sales.

Uses the same separate databases as the other benchmarks (``ventas_bench``,
``ventas_bench_auth``) on this checkout's embedded PostgreSQL. Tops the sales up to N with
``cargar_demo --ventas`` (bulk COPY loader, sales over the last 12 months), signs in as a
Consulta user through gunicorn on 127.0.0.1 with production settings and times, sequentially:

1. ``/ventas/resumen/?fecha=`` of the busiest local day of the table, of a typical school
   day of the last 30 days, and of today (the default);
2. ``/ventas/resumen/exportar.csv`` of the busiest day;
3. ``/ventas/tablero/`` (30 days of sales by day and hour, two top-10s, alerts).

It also prints the SQL query count of each page (``CaptureQueriesContext`` around the
selectors), the selectors' own time (the dashboard's with and without its cache of the days
before today: the page requests below hit it, since no return is written meanwhile) and the ``EXPLAIN ANALYZE`` of the
summary's main query and of the dashboard's heaviest one (top products).

    .venv/bin/python bench/resumen.py --ventas 1000000 --peticiones 60
"""

import argparse
import json
import statistics
import time

from comun import entrar, gunicorn, manage, percentil, preparar, shell, usuario_crear

EXPLICAR = """
import json
from datetime import date
from django.db import connections
from django.test.utils import CaptureQueriesContext
from ventas.models import Venta, VentaDetalle
from ventas_ingenio.router import DB_NEGOCIO
datos = json.loads({datos!r})
busiest = date.fromisoformat(datos["busiest"])
conexion = connections[DB_NEGOCIO]
with CaptureQueriesContext(conexion) as resumen:
    resumen_del_dia(fecha=busiest)
with CaptureQueriesContext(conexion) as tablero:
    tablero_datos(hoy=date.fromisoformat(datos["hoy"]))
print("consultas: resumen", len(resumen.captured_queries), "tablero", len(tablero.captured_queries))
import statistics, time
from django.core.cache import cache
from ventas.politica import dia_local_limites
from ventas.reportes.resumen import resumen_del_dia
from ventas.reportes.tablero import tablero_datos
def mediana(funcion, veces=10, limpiar=True):
    tiempos = []
    for _ in range(veces):
        if limpiar:
            cache.clear()
        inicio = time.perf_counter()
        funcion()
        tiempos.append((time.perf_counter() - inicio) * 1000)
    return statistics.median(tiempos), max(tiempos)
hoy = date.fromisoformat(datos["hoy"])
print("selector resumen del día más cargado, ms (mediana, máximo): %.1f %.1f" % mediana(lambda: resumen_del_dia(fecha=busiest)))
print("selector tablero SIN caché, ms (mediana, máximo): %.1f %.1f" % mediana(lambda: tablero_datos(hoy=hoy)))
print("selector tablero con los días anteriores en caché (hoy siempre se lee), ms (mediana, máximo): %.1f %.1f"
      % mediana(lambda: tablero_datos(hoy=hoy), limpiar=False))
inicio, fin = dia_local_limites(busiest)
print("--- EXPLAIN ANALYZE: ventas del día por cajero (resumen) ---")
print(resumen.captured_queries[0]["sql"][:400])
with conexion.cursor() as cursor:
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + resumen.captured_queries[0]["sql"])
    print("\\n".join(f[0] for f in cursor.fetchall()))
    pesada = next(q["sql"] for q in tablero.captured_queries if "tra_venta_det" in q["sql"])
    print("--- EXPLAIN ANALYZE: 10 productos con más importe, 30 días (tablero) ---")
    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + pesada)
    print("\\n".join(f[0] for f in cursor.fetchall()))
"""

DIAS = """
import json
from datetime import timedelta
from django.db import connections
from django.utils import timezone
from ventas.models import Venta
from ventas_ingenio.router import DB_NEGOCIO
hoy = timezone.localdate()
with connections[DB_NEGOCIO].cursor() as cursor:
    # Only the bench runs this: a full scan to pick the busiest local day is fine here.
    cursor.execute(
        "SELECT (fecha AT TIME ZONE 'America/Mexico_City')::date AS dia, count(*) FROM tra_venta "
        "GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )
    busiest, maximo = cursor.fetchone()
    cursor.execute(
        "SELECT (fecha AT TIME ZONE 'America/Mexico_City')::date AS dia, count(*) FROM tra_venta "
        "WHERE fecha >= now() - interval '30 days' GROUP BY 1 ORDER BY 2 DESC"
    )
    dias = cursor.fetchall()
tipico = dias[len(dias) // 2] if dias else (hoy, 0)
print(json.dumps({
    "total": Venta.objects.using(DB_NEGOCIO).count(), "hoy": hoy.isoformat(),
    "busiest": busiest.isoformat(), "busiest_n": maximo, "tipico": tipico[0].isoformat(), "tipico_n": tipico[1],
    "ultimos30": sum(n for _, n in dias),
}))
"""


def _medir(sesion, url, peticiones):
    for _ in range(5):  # warm-up: connections, caches, the planner's statistics
        sesion.get(url, timeout=60)
    tiempos = []
    for _ in range(peticiones):
        inicio = time.perf_counter()
        r = sesion.get(url, timeout=60)
        contenido = r.content
        tiempos.append((time.perf_counter() - inicio) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    return statistics.median(tiempos), percentil(tiempos, 99), len(contenido)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ventas", type=int, default=1_000_000)
    parser.add_argument("--productos", type=int, default=1_000, help="productos sintéticos además del catálogo demo")
    parser.add_argument("--peticiones", type=int, default=60, help="peticiones medidas por página")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--puerto", type=int, default=8410)
    args = parser.parse_args()

    entorno = preparar(args.productos)
    existentes = int(shell(entorno, "from ventas.models import Venta; print(Venta.objects.count())").strip())
    if existentes < args.ventas:
        inicio = time.monotonic()
        print(manage(entorno, "cargar_demo", "--ventas", str(args.ventas - existentes), salida=True).strip())
        print(f"carga de {args.ventas - existentes} ventas: {time.monotonic() - inicio:.1f} s")
    datos = json.loads(shell(entorno, DIAS).strip().splitlines()[-1])
    print(json.dumps(datos, ensure_ascii=False))
    print(shell(entorno, EXPLICAR.format(datos=json.dumps(datos))))
    clave = usuario_crear(entorno, ["bench_consulta"], "Consulta")

    paginas = [
        (f"resumen del día más cargado ({datos['busiest']}, {datos['busiest_n']:,} ventas)",
         f"/ventas/resumen/?fecha={datos['busiest']}"),
        (f"resumen de un día típico ({datos['tipico']}, {datos['tipico_n']:,} ventas)",
         f"/ventas/resumen/?fecha={datos['tipico']}"),
        ("resumen de hoy (sin fecha)", "/ventas/resumen/"),
        (f"CSV del resumen ({datos['busiest']})", f"/ventas/resumen/exportar.csv?fecha={datos['busiest']}"),
        (f"tablero (30 días: {datos['ultimos30']:,} ventas)", "/ventas/tablero/"),
    ]
    with gunicorn(entorno, args.workers, args.puerto) as base:
        sesion = entrar(base, "bench_consulta", clave)
        print(f"\n{datos['total']:,} ventas, gunicorn -w {args.workers}, {args.peticiones} peticiones secuenciales")
        print(f"{'página':62} {'p50 ms':>8} {'p99 ms':>8} {'bytes':>8}")
        for nombre, ruta in paginas:
            p50, p99, tamano = _medir(sesion, base + ruta, args.peticiones)
            print(f"{nombre:62} {p50:8.1f} {p99:8.1f} {tamano:8d}")


if __name__ == "__main__":
    main()
