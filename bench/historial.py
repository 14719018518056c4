#!/usr/bin/env python3
"""Sales history benchmark with a million sales.

Uses the benchmarks' databases (``ventas_bench``, ``ventas_bench_auth``) on this checkout's
embedded PostgreSQL; tops the sales up to ``--ventas`` with ``cargar_demo --ventas`` (timed),
signs a Consulta user in and starts gunicorn on 127.0.0.1 with production settings. Then:

1. p50/p99 of GET /ventas/historial/ for: the first page (no filter), one month + one cashier
   (the busiest cashier of last month), page 5 of that, a product, a client, a status, and a
   sale's page; ``--repeticiones`` sequential requests each after a short warm-up;
2. SQL queries per page (business database) for those pages, counted inside Django;
3. the CSV export of every sale (GET /ventas/historial/exportar.csv): rows, MB, seconds and the
   peak RSS of the gunicorn workers while it streams (sampled from /proc every 20 ms).

    .venv/bin/python bench/historial.py --ventas 1000000 --workers 2
"""

import argparse
import json
import os
import statistics
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from comun import entrar, gunicorn, manage, percentil, preparar, shell, usuario_crear


def _rss_kb(pid):
    try:
        for linea in Path(f"/proc/{pid}/status").read_text().splitlines():
            if linea.startswith("VmRSS:"):
                return int(linea.split()[1])
    except OSError:
        return 0
    return 0


def _trabajadores(puerto):
    """Pids of the gunicorn workers listening on ``puerto`` (children of its master)."""
    maestros, todos = set(), {}
    for entrada in Path("/proc").iterdir():
        if not entrada.name.isdigit():
            continue
        try:
            linea = (entrada / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((entrada / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if "gunicorn" in linea and f"127.0.0.1:{puerto}" in linea:
            todos[int(entrada.name)] = ppid
    maestros = {pid for pid, ppid in todos.items() if ppid not in todos}
    return [pid for pid, ppid in todos.items() if ppid in maestros]


def _medir(sesion, url, repeticiones):
    for _ in range(3):
        sesion.get(url, timeout=60)
    tiempos = []
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        r = sesion.get(url, timeout=60)
        tiempos.append((time.perf_counter() - inicio) * 1000)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return tiempos


def _exportar(sesion, base, puerto):
    pids = _trabajadores(puerto)
    antes = {pid: _rss_kb(pid) for pid in pids}
    pico = dict(antes)
    parar = threading.Event()

    def muestrear():
        while not parar.is_set():
            for pid in pids:
                pico[pid] = max(pico[pid], _rss_kb(pid))
            time.sleep(0.02)

    hilo = threading.Thread(target=muestrear, daemon=True)
    hilo.start()
    inicio = time.perf_counter()
    primer_byte = None
    bytes_, lineas = 0, 0
    with sesion.get(f"{base}/ventas/historial/exportar.csv", stream=True, timeout=900) as r:
        assert r.status_code == 200, r.status_code
        for trozo in r.iter_content(chunk_size=256 * 1024):
            if primer_byte is None:
                primer_byte = time.perf_counter() - inicio
            bytes_ += len(trozo)
            lineas += trozo.count(b"\n")
    segundos = time.perf_counter() - inicio
    parar.set()
    hilo.join()
    return {
        "filas": lineas - 1, "mb": round(bytes_ / 1e6, 1), "segundos": round(segundos, 1),
        "primer_byte_s": round(primer_byte or 0, 2),
        "rss_antes_mb": round(max(antes.values()) / 1024, 1), "rss_pico_mb": round(max(pico.values()) / 1024, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ventas", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeticiones", type=int, default=100)
    parser.add_argument("--puerto", type=int, default=8150)
    parser.add_argument("--sin-csv", action="store_true", help="No medir la exportación completa.")
    parser.add_argument("--json", help="Guardar los resultados en este archivo.")
    args = parser.parse_args()

    entorno = preparar(0)
    existentes = int(shell(entorno, "from ventas.models import Venta; print(Venta.objects.count())").strip())
    resultados = {"ventas": max(existentes, args.ventas), "carga": None}
    if existentes < args.ventas:
        inicio = time.monotonic()
        print(manage(entorno, "cargar_demo", "--ventas", str(args.ventas - existentes), salida=True).strip())
        resultados["carga"] = {"ventas": args.ventas - existentes, "segundos": round(time.monotonic() - inicio, 1)}
        print(f"carga: {resultados['carga']['segundos']} s (incluye arrancar Django)")
    clave = usuario_crear(entorno, ["bench_consulta"], "Consulta")
    hoy = date.today()
    fin_mes = hoy.replace(day=1) - timedelta(days=1)
    inicio_mes = fin_mes.replace(day=1)
    datos = json.loads(shell(entorno, (
        "import json\nfrom datetime import date\nfrom django.db.models import Count\n"
        "from ventas.models import Venta\n"
        f"m = Venta.objects.filter(fecha__date__gte=date.fromisoformat({inicio_mes.isoformat()!r}), "
        f"fecha__date__lte=date.fromisoformat({fin_mes.isoformat()!r}))\n"
        "c = m.values('id_cajero').annotate(n=Count('id')).order_by('-n').first()\n"
        "v = Venta.objects.filter(total_devuelto__gt=0).order_by('-id').values_list('id', flat=True).first()\n"
        "print(json.dumps({'cajero': c['id_cajero'], 'en_mes': c['n'], 'venta': v}))\n"
    )).strip().splitlines()[-1])
    mes = f"desde={inicio_mes}&hasta={fin_mes}&cajero={datos['cajero']}"
    casos = {
        "primera página": "/ventas/historial/",
        "mes + cajero": f"/ventas/historial/?{mes}",
        "mes + cajero, página 5": f"/ventas/historial/?{mes}&page=5",
        "producto (cuaderno)": "/ventas/historial/?producto=cuaderno",
        "cliente (garcía)": "/ventas/historial/?cliente=garc%C3%ADa",
        "devolución parcial": "/ventas/historial/?estado=devolucion",
        "página de una venta": f"/ventas/{datos['venta']}/",
    }
    # Queries per page, counted inside Django (business database; the session lives in auth).
    consultas = json.loads(shell(entorno, (
        "import json\nfrom django.contrib.auth.models import User\nfrom django.db import connections\n"
        "from django.test import Client\nfrom django.test.utils import CaptureQueriesContext\n"
        "c = Client(HTTP_HOST='127.0.0.1'); c.force_login(User.objects.get(username='bench_consulta'))\n"
        "r = {}\n"
        f"for nombre, url in {casos!r}.items():\n"
        "    with CaptureQueriesContext(connections['default']) as q: c.get(url)\n"
        "    r[nombre] = len(q.captured_queries)\n"
        "print(json.dumps(r))\n"
    )).strip().splitlines()[-1])
    resultados.update(cajero=datos["cajero"], ventas_del_mes_del_cajero=datos["en_mes"], paginas={})
    carga = os.getloadavg()
    with gunicorn(entorno, args.workers, args.puerto, opciones=("--timeout", "900")) as base:
        sesion = entrar(base, "bench_consulta", clave)
        for nombre, url in casos.items():
            tiempos = _medir(sesion, base + url, args.repeticiones)
            resultados["paginas"][nombre] = {
                "p50_ms": round(statistics.median(tiempos), 1), "p99_ms": round(percentil(tiempos, 99), 1),
                "consultas": consultas[nombre],
            }
            print(f"{nombre:28} p50 {resultados['paginas'][nombre]['p50_ms']:7.1f} ms   "
                  f"p99 {resultados['paginas'][nombre]['p99_ms']:7.1f} ms   {consultas[nombre]} consultas SQL")
        if not args.sin_csv:
            resultados["csv"] = _exportar(sesion, base, args.puerto)
            print("CSV completo:", resultados["csv"])
    resultados["carga_promedio"] = {"antes": [round(x, 2) for x in carga], "despues": [round(x, 2) for x in os.getloadavg()]}
    print("carga promedio (1, 5, 15 min) antes:", resultados["carga_promedio"]["antes"],
          "después:", resultados["carga_promedio"]["despues"])
    if args.json:
        Path(args.json).write_text(json.dumps(resultados, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
