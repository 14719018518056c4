"""One barcode scan as static/js/caja.js sends it, profiled in-process (not a test of the suite).

    PERFIL=1 .venv/bin/pytest bench/perfil_escaneo.py -q -s

Django's test client with ``X-Requested-With: fetch``: per scan, the wall time, the SQL
queries on each database (``CaptureQueriesContext``) and, with ``PERFIL=1``, cProfile's top
functions by cumulative time. Carts of 1 and 20 lines; each scan adds a unit to a line that
is already there (the usual case while scanning several of the same) or a new line.
"""

import cProfile
import gc
import os
import pstats
import statistics
import time
from decimal import Decimal

import pytest
from django.db import connections
from django.template import Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ventas.caja.selectors import carrito_de_cajero
from ventas.caja.services import carrito_agregar, carrito_vaciar
from ventas.tests.factories import producto_con_existencia

pytestmark = pytest.mark.django_db(databases="__all__")
FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
REPETICIONES = int(os.environ.get("REPETICIONES", "200"))


@pytest.mark.parametrize("lineas", [1, 20])
def test_perfil_escaneo(cliente_cajero, cajero, turno_para, lineas, monkeypatch):
    # Templates render as in production: without the test runner's instrumentation, which
    # copies every template's context for the test client.
    monkeypatch.setattr(Template, "_render", lambda plantilla, contexto: plantilla.nodelist.render(contexto))
    turno_para(cajero)
    productos = [producto_con_existencia(100_000, precio=Decimal("58.00") + n) for n in range(lineas + 1)]
    url = reverse("ventas:agregar")

    def preparar():
        carrito_vaciar(cajero=cajero)
        for producto in productos[:lineas]:
            carrito_agregar(cajero=cajero, producto_id=producto.pk)

    def huella():  # what the page holds: the cart's fingerprint before the scan
        return carrito_de_cajero(cajero=cajero).huella

    preparar()
    for _ in range(10):  # warm-up: templates compiled, URL resolver filled
        assert cliente_cajero.post(url, {"texto": productos[0].codigo_barras}, **FETCH).status_code == 200
    for caso, producto in (("línea existente", productos[0]), ("línea nueva", productos[-1])):
        tiempos, cpu, perfil = [], [], cProfile.Profile()
        recolector = {"veces": 0, "ms": 0.0, "inicio": 0.0}

        def medir_gc(fase, info, recolector=recolector):  # the cyclic garbage collector's time
            if fase == "start":
                recolector["inicio"] = time.perf_counter()
            else:
                recolector["veces"] += 1
                recolector["ms"] += (time.perf_counter() - recolector["inicio"]) * 1000
        vista = huella()
        with CaptureQueriesContext(connections["default"]) as negocio, CaptureQueriesContext(connections["auth"]) as auth:
            cliente_cajero.post(url, {"texto": producto.codigo_barras, "huella": vista}, **FETCH)
            consultas = (len(negocio), len(auth))
            sql = [q["sql"][:160] for q in negocio.captured_queries]
        for _ in range(REPETICIONES):
            if caso == "línea nueva":
                carrito_vaciar(cajero=cajero)
                for p in productos[:lineas]:
                    carrito_agregar(cajero=cajero, producto_id=p.pk)
            vista = huella()
            gc.callbacks.append(medir_gc)
            inicio, inicio_cpu = time.perf_counter(), time.process_time()
            if os.environ.get("PERFIL"):
                perfil.enable()
            respuesta = cliente_cajero.post(url, {"texto": producto.codigo_barras, "huella": vista}, **FETCH)
            if os.environ.get("PERFIL"):
                perfil.disable()
            tiempos.append((time.perf_counter() - inicio) * 1000)
            cpu.append((time.process_time() - inicio_cpu) * 1000)
            gc.callbacks.remove(medir_gc)
            assert respuesta.status_code == 200
        print(f"\n{lineas} líneas, {caso}: p50 {statistics.median(tiempos):.2f} ms "
              f"(CPU de este proceso {statistics.median(cpu):.2f} ms), "
              f"consultas negocio {consultas[0]}, auth {consultas[1]}, {len(respuesta.content)} bytes; "
              f"recolector de basura: {recolector['veces']} pasadas, {recolector['ms'] / REPETICIONES:.2f} ms por escaneo")
        for linea in sql:
            print("   ", linea)
        if os.environ.get("PERFIL"):
            estadisticas = pstats.Stats(perfil).sort_stats(os.environ.get("ORDEN", "cumulative"))
            estadisticas.print_stats(int(os.environ.get("FILAS", "45")))
            for (archivo, _, funcion), (_, _, _, acumulado, _) in sorted(
                    estadisticas.stats.items(), key=lambda par: -par[1][3]):
                if any(f"{archivo}:{funcion}".endswith(nombre) for nombre in os.environ.get("LLAMADAS", "").split()):
                    print(f"    {acumulado * 1000 / REPETICIONES:7.2f} ms  {archivo.split('/')[-1]}:{funcion}")
        preparar()
