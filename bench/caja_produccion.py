#!/usr/bin/env python3
"""The till's requests against gunicorn as ``make run`` serves them, with a light client.

``bench/caja.py`` starts gunicorn with sync workers (one request per TCP connection) and
measures with ``requests``, whose own CPU lands in every figure on a 2-core machine. This one
starts gunicorn with the project's ``ventas_ingenio/gunicorn.conf.py`` (gthread workers,
keep-alive: what ``make run`` and production use) and talks to it with ``http.client`` over
one kept-alive connection per virtual cashier, as a browser tab does. Same databases and data
as ``bench/caja.py`` (``bench/comun.py``).

Measures, as static/js/caja.js sends them (``X-Requested-With: fetch``, the cart's fingerprint
with each scan): the barcode add with one cashier, sequential; and whole sales (3 scans and the
cash checkout) with several cashiers at once: checkout and add p50/p99, sales per second.

    .venv/bin/python bench/caja_produccion.py --productos 100000 --cajeros 1,8
    .venv/bin/python bench/caja_produccion.py ... --workers 3 --threads 4   # the config's defaults
"""

import argparse
import http.client
import os
import random
import re
import statistics
import sys
import time
import urllib.parse

from caja import RE_CAMPO, _existencias_preparar, _huella, _turnos_abrir
from cobro import _cpu_por_proceso
from comun import entrar, gunicorn, percentil, preparar, ronda_en_paralelo, usuario_crear


class Caja:
    """One virtual cashier: a signed-in session's cookies on one kept-alive connection."""

    def __init__(self, base, puerto, usuario, clave):
        sesion = entrar(base, usuario, clave)
        self.cookie = "; ".join(f"{k}={v}" for k, v in sesion.cookies.items())
        self.csrf = sesion.cookies["csrftoken"]
        self.base, self.puerto = base, puerto
        self.conexion = http.client.HTTPConnection("127.0.0.1", puerto, timeout=60)

    def post(self, ruta, datos, fetch=True):
        cuerpo = urllib.parse.urlencode({**datos, "csrfmiddlewaretoken": self.csrf})
        encabezados = {"Cookie": self.cookie, "Content-Type": "application/x-www-form-urlencoded",
                       "Referer": self.base + "/ventas/caja/"}
        if fetch:
            encabezados["X-Requested-With"] = "fetch"
        return self._pedir("POST", ruta, cuerpo, encabezados)

    def get(self, ruta, con_sesion=True):
        return self._pedir("GET", ruta, None, {"Cookie": self.cookie} if con_sesion else {})

    def _pedir(self, metodo, ruta, cuerpo, encabezados):
        for intento in range(2):
            try:
                self.conexion.request(metodo, ruta, cuerpo, encabezados)
                respuesta = self.conexion.getresponse()
                return respuesta.status, respuesta.read().decode()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle kept-alive connection (its keepalive timeout): reconnect
                # and send again, as a browser does; only an idempotent retry of the same request.
                self.conexion.close()
                self.conexion = http.client.HTTPConnection("127.0.0.1", self.puerto, timeout=60)
                if intento:
                    raise
        raise AssertionError("sin respuesta")

    def vaciar(self):
        estado, _ = self.post("/ventas/caja/vaciar/", {}, fetch=False)
        assert estado == 302, estado

    def agregar(self, codigo, huella, tiempos):
        inicio = time.perf_counter()
        estado, html = self.post("/ventas/caja/agregar/", {"texto": codigo, "huella": huella})
        tiempos.append((time.perf_counter() - inicio) * 1000)
        assert estado == 200 and (not huella or 'id="caja-lineas"' in html), estado
        return html

    def venta(self, codigos, azar, t_agregar, t_cobro):
        html = ""
        for codigo in azar.sample(codigos, 3):
            html = self.agregar(codigo, _huella(html), t_agregar)
        datos = {campo: re.search(RE_CAMPO.format(campo), html).group(1) for campo in ("clave_cobro", "huella")}
        datos["efectivo_recibido"] = "100000.00"
        inicio = time.perf_counter()
        estado, html = self.post("/ventas/caja/cobrar/", datos)
        t_cobro.append((time.perf_counter() - inicio) * 1000)
        assert estado == 200 and 'id="cambio-final"' in html, estado


def _ritmo() -> float:
    """Milliseconds of a fixed pure-Python loop in this process: the machine's own pace, so runs
    made while the (shared, virtual) machine is slower can be told apart from slower code."""
    inicio, suma = time.perf_counter(), 0
    for numero in range(3_000_000):
        suma += numero * numero
    return (time.perf_counter() - inicio) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--productos", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--puerto", type=int, default=8197)
    parser.add_argument("--cajeros", default="1,8")
    parser.add_argument("--ventas", type=int, default=30, help="sales per cashier")
    parser.add_argument("--peticiones", type=int, default=300, help="sequential adds measured")
    args = parser.parse_args()
    niveles = [int(n) for n in args.cajeros.split(",")]

    entorno = preparar(args.productos)
    codigos = _existencias_preparar(entorno, 200, 1_000_000)
    usuarios = [f"bench_cajero_{n:02d}" for n in range(1, max(niveles) + 1)]
    clave = usuario_crear(entorno, usuarios, "Cajero")
    _turnos_abrir(entorno, usuarios)

    with gunicorn(entorno, args.workers, args.puerto, threads=args.threads) as base:
        cajas = [Caja(base, args.puerto, u, clave) for u in usuarios]
        for caja in cajas:
            caja.vaciar()
        print(f"\n{args.productos} productos, gunicorn -c ventas_ingenio/gunicorn.conf.py -w {args.workers} "
              f"--threads {args.threads}, http.client con keep-alive, carga {os.getloadavg()[0]:.2f}, "
              f"ritmo de la máquina {_ritmo():.0f} ms")

        caja, azar, tiempos, html = cajas[0], random.Random(5), [], ""
        for i in range(args.peticiones + 30):
            if i % 5 == 0:  # carts of up to 5 lines, emptied outside the measurement
                caja.vaciar()
                html = ""
            html = caja.agregar(azar.choice(codigos), _huella(html), tiempos)
        tiempos = tiempos[30:]
        caja.vaciar()
        print(f"agregar por código de barras, 1 cajero secuencial: p50 {statistics.median(tiempos):.1f} ms, "
              f"p99 {percentil(tiempos, 99):.1f} ms ({len(tiempos)} peticiones)")
        # The fixed cost of a request, for scale: without a session (the health check page,
        # one query per database) and signed in doing nothing (an empty product search).
        for nombre, ruta, con_sesion in (("GET /salud/ sin sesión", "/salud/", False),
                                         ("GET /ventas/caja/buscar/?q= con sesión", "/ventas/caja/buscar/?q=", True)):
            fijos = []
            for _ in range(args.peticiones + 30):
                inicio = time.perf_counter()
                estado, _ = caja.get(ruta, con_sesion=con_sesion)
                fijos.append((time.perf_counter() - inicio) * 1000)
                assert estado == 200, estado
            fijos = fijos[30:]
            print(f"{nombre}: p50 {statistics.median(fijos):.1f} ms, p99 {percentil(fijos, 99):.1f} ms")

        print(f"{'cajeros':>7} {'ventas':>6} {'cobro p50':>9} {'cobro p99':>9} {'agregar p50':>11} "
              f"{'agregar p99':>11} {'ventas/s':>8}")
        for nivel in niveles:
            azares = [random.Random(100 + n) for n in range(nivel)]

            def calentar(numero, azares=azares):
                cajas[numero].venta(codigos, azares[numero], [], [])

            def cajero(numero, azares=azares):
                t_agregar, t_cobro = [], []
                for _ in range(args.ventas):
                    cajas[numero].venta(codigos, azares[numero], t_agregar, t_cobro)
                return t_agregar, t_cobro

            antes = _cpu_por_proceso()
            resultados, segundos = ronda_en_paralelo(
                [lambda n=n: cajero(n) for n in range(nivel)], calentar=calentar
            )
            despues = _cpu_por_proceso()
            t_agregar = [t for a, _ in resultados for t in a]
            t_cobro = [t for _, c in resultados for t in c]
            print(f"{nivel:7d} {len(t_cobro):6d} {statistics.median(t_cobro):9.1f} {percentil(t_cobro, 99):9.1f} "
                  f"{statistics.median(t_agregar):11.1f} {percentil(t_agregar, 99):11.1f} "
                  f"{len(t_cobro) / segundos:8.1f}   (carga {os.getloadavg()[0]:.2f}; CPU ms por venta: "
                  + "  ".join(f"{k} {1000 * (despues[k] - antes[k]) / len(t_cobro):.1f}" for k in antes) + ")")
    print(f"carga al terminar: {os.getloadavg()}")


if __name__ == "__main__":
    sys.exit(main())
