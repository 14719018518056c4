#!/usr/bin/env python3
"""What clients owe, with a million sales: the history by payment state, the receivables
report and a client's statement (issue 15).

Same databases and start-up as the other benchmarks (``bench/comun.py``: ``ventas_bench*`` on
this checkout's embedded PostgreSQL, gunicorn on 127.0.0.1 with production settings, a
Consulta user). Tops the sales up to ``--ventas`` with ``cargar_demo --ventas N --a-plazos S``
(a share S of apartados and installment sales with abonos), then:

1. p50/p99 of GET for: the history unfiltered (control) and by each payment state, the
   receivables report (page and CSV) and the statement of the client with most sales;
   three warm-up requests each, then ``--repeticiones`` rounds of one request per page, one
   after another (round-robin: a burst of load elsewhere hits every page alike);
2. SQL queries per page (business database), counted inside Django;
3. ``EXPLAIN (ANALYZE, BUFFERS)`` of each page's key query, written to ``--explain``.

    .venv/bin/python bench/saldos.py --ventas 1000000 --a-plazos 0.05 --workers 2
"""

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from comun import entrar, gunicorn, manage, percentil, preparar, shell, usuario_crear


def _medir(sesion, url, repeticiones, calentar=True):
    for _ in range(3 if calentar else 0):
        sesion.get(url, timeout=120)
    tiempos = []
    for _ in range(repeticiones):
        inicio = time.perf_counter()
        r = sesion.get(url, timeout=120)
        tiempos.append((time.perf_counter() - inicio) * 1000)
        assert r.status_code == 200, (url, r.status_code, r.text[:300])
    return tiempos


# Inside Django: count each page's queries and EXPLAIN the key one (among those that read
# tra_venta, one that counts — the history's bounded count, the report's grouping — else the longest).
_CONSULTAS = """
import json
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
c = Client(HTTP_HOST='127.0.0.1'); c.force_login(User.objects.get(username='bench_consulta'))
r, planes = {}, []
for nombre, url in CASOS.items():
    with CaptureQueriesContext(connections['default']) as q:
        respuesta = c.get(url)
        if hasattr(respuesta, 'streaming_content'):
            b''.join(respuesta.streaming_content)
    r[nombre] = len(q.captured_queries)
    sqls = [x['sql'] for x in q.captured_queries if 'tra_venta' in x['sql'] and 'DECLARE' not in x['sql']]
    if sqls:
        sql = max(sqls, key=lambda s: ('COUNT(' in s, len(s)))
        with connections['default'].cursor() as cursor:
            cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + sql)
            planes.append('## ' + nombre + '\\n\\n```\\n-- ' + sql[:600] + '\\n' + '\\n'.join(f[0] for f in cursor.fetchall()) + '\\n```\\n')
open(EXPLAIN, 'w').write('\\n'.join(planes))
print(json.dumps(r))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ventas", type=int, default=1_000_000)
    parser.add_argument("--a-plazos", type=float, default=0.05, dest="a_plazos")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeticiones", type=int, default=100)
    parser.add_argument("--puerto", type=int, default=8160)
    parser.add_argument("--solo-cargar", action="store_true", help="Cargar las ventas y salir (sin medir).")
    parser.add_argument("--explain", default=str(Path(__file__).resolve().parent.parent / "var" / "saldos-explain.md"))
    parser.add_argument("--json", help="Guardar los resultados en este archivo.")
    args = parser.parse_args()

    entorno = preparar(0)
    existentes = int(shell(entorno, "from ventas.models import Venta; print(Venta.objects.count())").strip())
    resultados = {"ventas": max(existentes, args.ventas), "a_plazos": args.a_plazos, "carga": None}
    if existentes < args.ventas:
        inicio = time.monotonic()
        print(manage(entorno, "cargar_demo", "--ventas", str(args.ventas - existentes), "--a-plazos",
                     str(args.a_plazos), salida=True).strip())
        resultados["carga"] = {"ventas": args.ventas - existentes, "segundos": round(time.monotonic() - inicio, 1),
                               "carga_promedio": [round(x, 2) for x in os.getloadavg()]}
        print(f"carga: {resultados['carga']['segundos']} s (incluye arrancar Django)")
    if args.solo_cargar:
        return
    clave = usuario_crear(entorno, ["bench_consulta"], "Consulta")
    datos = json.loads(shell(entorno, (
        "import json\nfrom django.db.models import Count, Q\nfrom django.utils import timezone\n"
        "from ventas.models import Venta\n"
        "hoy = timezone.localdate()\n"
        "c = (Venta.objects.exclude(cliente__es_publico_general=True).filter(fecha__year=hoy.year)"
        ".values('cliente_id').annotate(n=Count('id')).order_by('-n').first())\n"
        "plazo = Venta.objects.exclude(modalidad='contado')\n"
        "e = {'a_plazos': plazo.count(), 'con_saldo': plazo.filter(saldo__gt=0).count(),"
        " 'vencidas': plazo.filter(saldo__gt=0, vence__lt=hoy).count(),"
        " 'clientes_con_saldo': plazo.filter(saldo__gt=0).values('cliente_id').distinct().count()}\n"
        "print(json.dumps({'cliente': c['cliente_id'], 'ventas_del_cliente': c['n'], **e}))\n"
    )).strip().splitlines()[-1])
    resultados["datos"] = datos
    print("datos:", datos)
    casos = {
        "historial sin filtro": "/ventas/historial/",
        "pago = pendiente": "/ventas/historial/?pago=pendiente",
        "pago = parcial": "/ventas/historial/?pago=parcial",
        "pago = vencido": "/ventas/historial/?pago=vencido",
        "pago = pagado": "/ventas/historial/?pago=pagado",
        "pago = vencido, página 3": "/ventas/historial/?pago=vencido&page=3",
        "cuentas por cobrar": "/ventas/reportes/por-cobrar/",
        "cuentas por cobrar, parcialidades": "/ventas/reportes/por-cobrar/?modalidad=parcialidades",
        "cuentas por cobrar CSV": "/ventas/reportes/por-cobrar/exportar.csv",
        "estado de cuenta (cliente con más ventas)": f"/ventas/clientes/{datos['cliente']}/estado-de-cuenta/",
    }
    codigo = f"CASOS = {casos!r}\nEXPLAIN = {args.explain!r}\n" + _CONSULTAS
    consultas = json.loads(shell(entorno, codigo).strip().splitlines()[-1])
    resultados["paginas"] = {}
    carga = os.getloadavg()
    with gunicorn(entorno, args.workers, args.puerto) as base:
        sesion = entrar(base, "bench_consulta", clave)
        # Round-robin over the pages (one request each per round), so the load of the other
        # processes on this shared machine falls on every page alike instead of on a few.
        todos = {nombre: [] for nombre in casos}
        for url in casos.values():
            for _ in range(3):
                sesion.get(base + url, timeout=120)
        for _ in range(args.repeticiones):
            for nombre, url in casos.items():
                todos[nombre].extend(_medir(sesion, base + url, 1, calentar=False))
        for nombre in casos:
            tiempos = todos[nombre]
            resultados["paginas"][nombre] = {
                "p50_ms": round(statistics.median(tiempos), 1), "p99_ms": round(percentil(tiempos, 99), 1),
                "consultas": consultas[nombre],
            }
            print(f"{nombre:42} p50 {resultados['paginas'][nombre]['p50_ms']:7.1f} ms   "
                  f"p99 {resultados['paginas'][nombre]['p99_ms']:7.1f} ms   {consultas[nombre]} consultas SQL")
    resultados["carga_promedio"] = {"antes": [round(x, 2) for x in carga],
                                    "despues": [round(x, 2) for x in os.getloadavg()]}
    print("carga promedio (1, 5, 15 min) antes:", resultados["carga_promedio"]["antes"],
          "después:", resultados["carga_promedio"]["despues"])
    print("EXPLAIN en", args.explain)
    if args.json:
        Path(args.json).write_text(json.dumps(resultados, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
