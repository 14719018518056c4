#!/usr/bin/env python3
"""Checkout throughput: only the POST that completes a 3-line cash sale.

``bench/caja.py`` measures whole sales (3 adds, the cart page and the checkout: 5 requests
per sale). This script isolates the checkout POST, which is what the issue's floor names:
before each round it prepares, through the services and outside the measurement, one
signed-in cashier per sale with an open shift and a 3-line cart, and reads the form's
one-time key and fingerprint. During the round every virtual cashier (thread, own
``requests.Session``) only POSTs ``/ventas/caja/cobrar/`` for its carts, back to back.

    .venv/bin/python bench/cobro.py --productos 100000 --workers 4

Same databases (``ventas_bench*``) and production-like gunicorn as the other benchmarks.
"""

import argparse
import json
import os
import re
import secrets
import statistics
import time
from http.client import HTTPConnection
from urllib.parse import urlencode, urlsplit

from caja import _existencias_preparar
from comun import gunicorn, percentil, preparar, ronda_en_paralelo, shell

RE_TICKET = re.compile(r"/ventas/(\d+)/ticket/$")

PREPARAR = """
import json, random
from decimal import Decimal
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from inventario.models import Producto
from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_vaciar
from ventas.turnos.selectors import turno_abierto
from ventas.turnos.services import turno_abrir
from ventas_ingenio.roles import rol_asignar, roles_configurar
roles_configurar()
ids = list(Producto.objects.filter(codigo_barras__in={codigos!r}).values_list('id', flat=True))
azar = random.Random({semilla})
salida = []
for n in range({cuantos}):
    u, _ = User.objects.get_or_create(username=f'{prefijo}_{{n:04d}}', defaults={{'first_name': 'Bench'}})
    rol_asignar(usuario=u, rol='Cajero')
    if turno_abierto(cajero=u) is None:
        turno_abrir(cajero=u, fondo_inicial=Decimal('500'))
    carrito_vaciar(cajero=u)
    for producto_id in azar.sample(ids, 3):
        carrito_agregar(cajero=u, producto_id=producto_id)
    vista = carrito_de_cajero(cajero=u)
    sesion = SessionStore()
    sesion['_auth_user_id'] = str(u.pk)
    sesion['_auth_user_backend'] = 'ventas_ingenio.auth_backends.PermissionsWithUserBackend'
    sesion['_auth_user_hash'] = u.get_session_auth_hash()
    sesion.create()
    salida.append([sesion.session_key, str(vista.carrito.clave_cobro), vista.huella])
print(json.dumps(salida))
"""


def _carritos(entorno, codigos, cuantos, semilla, prefijo="bench_cobro"):
    codigo = PREPARAR.format(codigos=codigos, cuantos=cuantos, semilla=semilla, prefijo=prefijo)
    return json.loads(shell(entorno, codigo).strip().splitlines()[-1])


LIMPIAR = """
from django.contrib.auth.models import User
# One Cajero per prepared cart is a benchmark artefact: out of the role, the shared bench
# database keeps a realistic list of cashiers (the history's cashier filter lists them all).
for usuario in User.objects.filter(username__regex=r'^bench_(cobro|calentar)_'):
    usuario.groups.clear()
"""


def _ronda(base, carritos, cajeros):
    """``cajeros`` threads share the prepared carts; returns latencies (ms) and sales/s."""
    token = secrets.token_hex(16)  # an unmasked 32-character CSRF secret, cookie and field alike

    destino = urlsplit(base)

    def cajero(porcion):
        # http.client rather than requests: the client shares the 2 cores with the server, and
        # requests spent ~3 ms of CPU per POST (measured), a tenth of what is being measured.
        http = HTTPConnection(destino.hostname, destino.port, timeout=60)
        tiempos = []
        for sesion, clave, huella in porcion:
            cuerpo = urlencode({"csrfmiddlewaretoken": token, "clave_cobro": clave, "huella": huella,
                                "efectivo_recibido": "100000.00"})
            inicio = time.perf_counter()
            http.request("POST", "/ventas/caja/cobrar/", body=cuerpo, headers={
                "Host": destino.netloc, "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={token}; sessionid={sesion}"})
            r = http.getresponse()
            r.read()
            tiempos.append((time.perf_counter() - inicio) * 1000)
            assert r.status == 302 and RE_TICKET.search(r.getheader("Location", "")), (r.status, r.getheader("Location"))
        http.close()
        return tiempos

    porciones = [carritos[i::cajeros] for i in range(cajeros)]
    resultados, segundos = ronda_en_paralelo([lambda p=p: cajero(p) for p in porciones])
    tiempos = [t for propios in resultados for t in propios]
    return tiempos, len(tiempos) / segundos


def _cpu_por_proceso():
    """CPU seconds used so far by gunicorn, PostgreSQL and this client (from /proc)."""
    hz = os.sysconf("SC_CLK_TCK")
    total = {"gunicorn": 0.0, "postgres": 0.0, "cliente": 0.0}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as stat, open(f"/proc/{pid}/cmdline", "rb") as cmd:
                campos, linea = stat.read().rsplit(")", 1)[1].split(), cmd.read()
        except OSError:
            continue  # gone meanwhile
        clase = ("cliente" if int(pid) == os.getpid() else "gunicorn" if b"gunicorn" in linea
                 else "postgres" if b"postgres" in linea else None)
        if clase:
            total[clase] += (int(campos[11]) + int(campos[12])) / hz
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--productos", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--puerto", type=int, default=8095)
    parser.add_argument("--cajeros", default="1,8,16", help="concurrency levels")
    parser.add_argument("--ventas", type=int, default=240, help="checkouts per level")
    args = parser.parse_args()

    entorno = preparar(args.productos)
    codigos = _existencias_preparar(entorno, 500, 5000)
    with gunicorn(entorno, args.workers, args.puerto) as base:
        print(f"{args.productos} productos, gunicorn -w {args.workers} (sync), solo POST /ventas/caja/cobrar/")
        print(f"{'cajeros':>7} {'cobros':>6} {'p50 ms':>7} {'p99 ms':>7} {'ventas/s':>8}")
        for numero, nivel in enumerate(int(n) for n in args.cajeros.split(",")):
            carritos = _carritos(entorno, codigos, args.ventas, semilla=numero)
            # Warm-up outside the measurement: every gunicorn worker imports and connects.
            _ronda(base, _carritos(entorno, codigos, args.workers * 2, semilla=99 + numero, prefijo="bench_calentar"), args.workers)
            carga, antes = os.getloadavg()[0], _cpu_por_proceso()
            tiempos, por_segundo = _ronda(base, carritos, nivel)
            despues = _cpu_por_proceso()
            cpu = "  ".join(f"{k} {1000 * (despues[k] - antes[k]) / len(tiempos):.1f}" for k in antes)
            print(f"{nivel:7d} {len(tiempos):6d} {statistics.median(tiempos):7.1f} {percentil(tiempos, 99):7.1f} "
                  f"{por_segundo:8.1f}   (carga al empezar {carga:.2f}, al terminar {os.getloadavg()[0]:.2f}; "
                  f"CPU ms por cobro: {cpu})")
    shell(entorno, LIMPIAR)


if __name__ == "__main__":
    main()
