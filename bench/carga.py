#!/usr/bin/env python3
"""Load with SII/Aula faults: 20 virtual cashiers while SII and Aula go slow, then down.

Same bench databases (``ventas_bench*``) as the other benchmarks. The script starts, on
127.0.0.1, the sandbox SII + Aula (in memory, fresh), the ``sincronizar_clientes`` worker and
gunicorn with the project's ``ventas_ingenio/gunicorn.conf.py`` (what ``make run`` serves with),
production settings. Then N cashiers (threads, each signed in through ``POST /entrar/`` and then
speaking HTTP/1.1 keep-alive through its own ``http.client`` connection) repeat, with a pause
between actions (a person at a till, ``--pausa``):

- 70 % search and add: ``GET /ventas/caja/buscar/?q=…`` then ``POST /ventas/caja/agregar/`` with
  a barcode (1 in 10 from a few scarce products, so stock runs out under load);
- 25 % complete the sale: ``GET /ventas/caja/`` (``clave_cobro`` and ``huella``), for 1 sale in
  ``--registro-cada`` first ``POST /clientes/alumnos/nuevo/`` (an alumno registered by the
  cashier, so SII/Aula are called; a client who only pays is never sent), then ``POST /ventas/caja/cobrar/`` in cash;
- 5 % ``GET /ventas/historial/``.

Meanwhile the sandbox goes through phases (``POST /_control/falla/``): normal, SII and Aula
slow (``lento``, 5 s), down (``caido``), back (``ninguna``): 10 %, 30 %, 30 %, 30 % of
``--minutos``. Afterwards it waits (bounded) for the worker and checks with SQL (table and
column names from the models' ``_meta``, values as parameters):

- no 5xx; checkout POST p95 < 500 ms and p99 < 1 s;
- no negative stock; no duplicate sale (``clave_cobro``), and exactly one sale per completed
  checkout;
- per product: stock at start − sold + returned = stock at the end (sold/returned = lines
  written during the run), and ``verificar_inventario`` (stock = sum of the ledger);
- every alumno registered during the run exists, has its SII and Aula id, and appears exactly
  once per email and per CURP in each sandbox system.

Prints a table per request type (count, p50, p95, p99, 5xx) and the checks; exits 1 if a floor
fails.

    .venv/bin/python bench/carga.py --minutos 10 --cajeros 20
"""

import argparse
import collections
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
import requests
from caja import _existencias_preparar, _turnos_abrir
from comun import BASES, PY, RAIZ, entrar, manage, percentil, preparar, servidor_pg, shell, usuario_crear
from psycopg2 import sql

from clientes.curp import curp_digito_verificador, curp_error

RE_CAMPO = r'name="{}" value="([^"]+)"'
RE_TICKET = re.compile(r"/ventas/(\d+)/ticket/$")
TERMINOS = ["pantalon", "cuaderno", "playera", "libro de ingl", "lapiz", "mochila", "modelo 42"]
FASES = [("normal", 0.1, {"modo": "ninguna"}), ("lento 5 s", 0.3, {"modo": "lento", "segundos": 5}),
         ("caído", 0.3, {"modo": "caido"}), ("de vuelta", 0.3, {"modo": "ninguna"})]
COBRO = "cobro (POST)"
ALUMNO_NUEVO = "alumno nuevo (POST)"
NOMBRES = """
import json
from clientes.models import Alumno
from inventario.models import Producto
from ventas.models import Venta, VentaDetalle, DevolucionLinea
def columnas(modelo, *campos):
    return {'tabla': modelo._meta.db_table, 'id': modelo._meta.pk.column,
            **{c: modelo._meta.get_field(c).column for c in campos}}
print(json.dumps({
    'producto': columnas(Producto, 'existencia'),
    'venta': columnas(Venta, 'clave_cobro'),
    'venta_det': columnas(VentaDetalle, 'producto', 'cantidad'),
    'devolucion_det': columnas(DevolucionLinea, 'producto', 'cantidad'),
    'cliente': columnas(Alumno, 'email', 'curp', 'id_alumno_sii', 'id_alumno_aula'),
}))
"""
ESCASOS = """
import json
from inventario.models import Producto, TipoMovimiento
from inventario.services import MovimientoDatos, existencias_mover
ps = list(Producto.objects.filter(activo=True, codigo_barras__isnull=False).exclude(codigo_barras__in={excluir!r})
          .order_by('-id')[:{cuantos}])
faltan = [MovimientoDatos(producto_id=p.pk, tipo=TipoMovimiento.ENTRADA, cantidad={unidades} - p.existencia,
          motivo='Benchmark de carga') for p in ps if p.existencia < {unidades}]
if faltan: existencias_mover(movimientos=faltan, usuario=None)
print(json.dumps([p.codigo_barras for p in ps]))
"""


class Registro:
    """Latencies and statuses per (phase, request type), shared by the threads."""

    def __init__(self):
        self.candado = threading.Lock()
        self.fase = FASES[0][0]
        self.tiempos = collections.defaultdict(list)
        self.estados = collections.defaultdict(collections.Counter)
        self.errores = []
        self.cobros = []  # (clave_cobro, ticket id) of completed checkouts
        self.registros = []  # (phase, email, curp) of alumnos registered during the run
        self.rechazos = collections.Counter()  # checkouts refused (status), e.g. a product ran out

    def anotar(self, tipo, ms, estado):
        with self.candado:
            self.tiempos[(self.fase, tipo)].append(ms)
            self.estados[(self.fase, tipo)][estado] += 1

    def error(self, texto):
        with self.candado:
            if len(self.errores) < 1000:
                self.errores.append(f"[{self.fase}] {texto}")


class Cajero:
    """A signed-in cashier speaking HTTP/1.1 through one keep-alive connection."""

    def __init__(self, puerto, sesion, registro, azar, codigos, escasos, termina):
        self.puerto, self.registro, self.azar = puerto, registro, azar
        self.codigos, self.escasos, self.termina = codigos, escasos, termina
        self.csrf = sesion.cookies["csrftoken"]
        self.cookie = f"csrftoken={self.csrf}; sessionid={sesion.cookies['sessionid']}"
        self.http = None
        self.lineas = 0

    def pedir(self, tipo, metodo, ruta, datos=None):
        """One request, timed; returns (status, Location, body) or None on a transport error.
        A keep-alive connection the server closed meanwhile is reopened once (before any answer)."""
        cuerpo = urlencode({**datos, "csrfmiddlewaretoken": self.csrf}) if datos is not None else None
        encabezados = {"Cookie": self.cookie, "Host": f"127.0.0.1:{self.puerto}"}
        if cuerpo is not None:
            encabezados["Content-Type"] = "application/x-www-form-urlencoded"
        for intento in (1, 2):
            reusada = self.http is not None
            if self.http is None:
                self.http = HTTPConnection("127.0.0.1", self.puerto, timeout=60)
            inicio = time.perf_counter()
            try:
                self.http.request(metodo, ruta, body=cuerpo, headers=encabezados)
                r = self.http.getresponse()
                texto = r.read()
            except (ConnectionError, HTTPException, OSError) as error:
                self.http.close()
                self.http = None
                if reusada and intento == 1 and isinstance(error, (ConnectionResetError, BrokenPipeError, HTTPException)):
                    continue  # the server closed an idle keep-alive connection
                self.registro.anotar(tipo, (time.perf_counter() - inicio) * 1000, "error")
                self.registro.error(f"{metodo} {ruta}: {error!r}")
                return None
            ms = (time.perf_counter() - inicio) * 1000
            self.registro.anotar(tipo, ms, r.status)
            if r.status >= 500:
                self.registro.error(f"{metodo} {ruta}: {r.status}")
            if r.getheader("Connection", "").lower() == "close":
                self.http.close()
                self.http = None
            return r.status, r.getheader("Location", ""), texto
        return None

    def buscar_y_agregar(self):
        self.pedir("buscar (GET)", "GET", "/ventas/caja/buscar/?" + urlencode({"q": self.azar.choice(TERMINOS)}))
        codigo = self.azar.choice(self.escasos if self.azar.random() < 0.1 else self.codigos)
        respuesta = self.pedir("agregar (POST)", "POST", "/ventas/caja/agregar/", {"texto": codigo})
        if respuesta and respuesta[0] == 302:
            self.lineas += 1

    def cobrar(self, registrar):
        if self.lineas == 0:
            self.buscar_y_agregar()
        if registrar:
            self.registrar_alumno()
        respuesta = self.pedir("caja (GET)", "GET", "/ventas/caja/")
        if not respuesta or respuesta[0] != 200:
            return
        texto = respuesta[2].decode()
        campos = {c: re.search(RE_CAMPO.format(c), texto) for c in ("clave_cobro", "huella")}
        if not all(campos.values()):  # nothing to charge (e.g. every add was refused)
            self.vaciar()
            return
        datos = {c: m.group(1) for c, m in campos.items()}
        respuesta = self.pedir(COBRO, "POST", "/ventas/caja/cobrar/", {**datos, "efectivo_recibido": "100000.00"})
        if not respuesta:
            return
        ticket = RE_TICKET.search(respuesta[1])
        if respuesta[0] == 302 and ticket:
            with self.registro.candado:
                self.registro.cobros.append((datos["clave_cobro"], int(ticket.group(1))))
            self.lineas = 0
        else:  # refused (e.g. a scarce product ran out): start again
            with self.registro.candado:
                self.registro.rechazos[respuesta[0]] += 1
            self.vaciar()

    def registrar_alumno(self):
        # Not from self.azar (seeded the same every run): a CURP of an earlier run is refused as
        # a duplicate, as it should be.
        azar = random.Random(secrets.randbits(64))
        numero = azar.randrange(10**9)
        email = f"carga-{numero}-{secrets.token_hex(3)}@bench.ingenio.mx"
        curp = _curp(azar)
        with self.registro.candado:
            self.registro.registros.append((self.registro.fase, email, curp))
        self.pedir(ALUMNO_NUEVO, "POST", "/clientes/alumnos/nuevo/",
                   {"nombre": "Alumno", "apellidos": f"Carga {numero}", "email": email, "telefono": "", "curp": curp})

    def vaciar(self):
        self.pedir("vaciar (POST)", "POST", "/ventas/caja/vaciar/", {})
        self.lineas = 0

    def trabajar(self, registro_cada, pausa, maximo):
        self.vaciar()  # leftovers of an interrupted run
        ventas = 0
        for _ in range(maximo):
            if time.monotonic() >= self.termina:
                break
            dado = self.azar.random()
            if dado < 0.70:
                self.buscar_y_agregar()
            elif dado < 0.95:
                ventas += 1
                self.cobrar(registrar=ventas % registro_cada == 0)
            else:
                self.pedir("historial (GET)", "GET", "/ventas/historial/")
            time.sleep(self.azar.uniform(*pausa))
        if self.http:
            self.http.close()


def _curp(azar):
    """A random CURP that passes the project's check (pattern, real date, words RENAPO assigns,
    check digit)."""
    consonantes = "BCDFGHJKLMNPQRSTVWXZ"
    letras = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while True:
        base = (azar.choice(letras) + azar.choice("AEIOU") + azar.choice(letras) + azar.choice(letras)
                + f"{azar.randrange(100):02d}{azar.randrange(1, 13):02d}{azar.randrange(1, 29):02d}"
                + azar.choice("HM") + azar.choice(["DF", "JC", "NL", "PL", "YN"])
                + "".join(azar.choice(consonantes) for _ in range(3)) + str(azar.randrange(10)))
        curp = base + curp_digito_verificador(base)
        if curp_error(curp) is None:
            return curp


def _fases(base_sandbox, registro, minutos, termina):
    """Switch the sandbox's fault mode through FASES; returns when the load ends."""
    for nombre, fraccion, falla in FASES:
        with registro.candado:
            registro.fase = nombre
        requests.post(f"{base_sandbox}/_control/falla/", json={"sistema": "todos", **falla}, timeout=10).raise_for_status()
        print(f"  {time.strftime('%H:%M:%S')} fase {nombre!r}: {falla} (carga {os.getloadavg()[0]:.2f})", flush=True)
        fin = min(termina, time.monotonic() + fraccion * minutos * 60)
        while time.monotonic() < fin:
            time.sleep(min(1.0, max(0.0, fin - time.monotonic())))
    requests.post(f"{base_sandbox}/_control/falla/", json={"sistema": "todos", "modo": "ninguna"}, timeout=10)


def _conectar():
    srv = servidor_pg()
    return psycopg2.connect(dbname=BASES[0], host=srv["HOST"], port=srv["PORT"], user=srv["USER"])


def _existencias(cursor, n):
    p = n["producto"]
    cursor.execute(sql.SQL("SELECT {id}, {existencia} FROM {tabla}").format(
        id=sql.Identifier(p["id"]), existencia=sql.Identifier(p["existencia"]), tabla=sql.Identifier(p["tabla"])))
    return dict(cursor.fetchall())


def _maximo_id(cursor, tabla):
    cursor.execute(sql.SQL("SELECT coalesce(max({id}), 0) FROM {tabla}").format(
        id=sql.Identifier(tabla["id"]), tabla=sql.Identifier(tabla["tabla"])))
    return cursor.fetchone()[0]


def _movido(cursor, tabla, desde):
    """Units per product in ``tabla`` (sale or return lines) written after id ``desde``."""
    cursor.execute(sql.SQL("SELECT {producto}, sum({cantidad}) FROM {tabla} WHERE {id} > %s GROUP BY 1").format(
        producto=sql.Identifier(tabla["producto"]), cantidad=sql.Identifier(tabla["cantidad"]),
        tabla=sql.Identifier(tabla["tabla"]), id=sql.Identifier(tabla["id"])), [desde])
    return dict(cursor.fetchall())


def _sandbox_y_trabajador(entorno, puerto_sandbox, bitacoras):
    sandbox = subprocess.Popen([PY, "manage.py", "sandbox_integraciones", "--port", str(puerto_sandbox)],
                               cwd=RAIZ, env=entorno, stdout=bitacoras, stderr=subprocess.STDOUT)
    from integraciones.sandbox import esperar_puerto  # plain module: no Django needed

    esperar_puerto("127.0.0.1", puerto_sandbox)
    trabajador = subprocess.Popen([PY, "manage.py", "sincronizar_clientes"], cwd=RAIZ, env=entorno,
                                  stdout=bitacoras, stderr=subprocess.STDOUT)
    return sandbox, trabajador


def _gunicorn(entorno, puerto, bitacora):
    proceso = subprocess.Popen(
        [PY, "-m", "gunicorn", "-c", "ventas_ingenio/gunicorn.conf.py", "--bind", f"127.0.0.1:{puerto}"],
        cwd=RAIZ, env=entorno, stdout=bitacora, stderr=subprocess.STDOUT)
    for _ in range(150):
        try:
            if requests.get(f"http://127.0.0.1:{puerto}/salud/", timeout=5).status_code == 200:
                return proceso
        except requests.RequestException:
            pass
        if proceso.poll() is not None:
            sys.exit(f"gunicorn terminó con {proceso.returncode}")
        time.sleep(0.2)
    sys.exit("gunicorn no respondió /salud/")


def _detener(*procesos):
    for proceso in procesos:
        if proceso.poll() is None:
            proceso.terminate()
    for proceso in procesos:
        try:
            proceso.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proceso.kill()
            proceso.wait(timeout=10)


def _tabla(registro, fases=False):
    print(f"\n{'petición':34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'5xx':>4}  estados")
    agrupados = collections.defaultdict(list)
    estados = collections.defaultdict(collections.Counter)
    for (fase, tipo), tiempos in registro.tiempos.items():
        clave = f"{tipo} · {fase}" if fases else tipo
        agrupados[clave] += tiempos
        estados[clave] += registro.estados[(fase, tipo)]
    for clave in sorted(agrupados, key=lambda c: (c.split(" · ")[0], [f[0] for f in FASES].index(c.split(" · ")[1]) if fases else 0)):
        t, e = agrupados[clave], estados[clave]
        cincos = sum(n for s, n in e.items() if isinstance(s, int) and s >= 500)
        print(f"{clave:34} {len(t):6d} {statistics.median(t):8.1f} {percentil(t, 95):8.1f} {percentil(t, 99):8.1f} "
              f"{cincos:4d}  {dict(e)}")
    return agrupados, estados


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutos", type=float, default=10)
    parser.add_argument("--cajeros", type=int, default=20)
    parser.add_argument("--productos", type=int, default=100_000)
    parser.add_argument("--puerto", type=int, default=8096)
    parser.add_argument("--puerto-sandbox", type=int, default=8097)
    parser.add_argument("--pausa", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"),
                        help="seconds a cashier waits between actions")
    parser.add_argument("--registro-cada", type=int, default=5, help="one sale in N registers a client first")
    parser.add_argument("--espera-sincronizacion", type=float, default=420, help="max seconds to wait for the worker")
    args = parser.parse_args()

    entorno = preparar(args.productos)
    entorno.update({
        "SII_API_URL": f"http://127.0.0.1:{args.puerto_sandbox}/sii/api/alumnos/",
        "AULA_API_URL": f"http://127.0.0.1:{args.puerto_sandbox}/aula/api/",
        "LOG_LEVEL": "WARNING",
    })
    codigos = _existencias_preparar(entorno, 500, 5000)
    escasos = json.loads(shell(entorno, ESCASOS.format(excluir=codigos, cuantos=20, unidades=30)).strip().splitlines()[-1])
    cajeros = [f"bench_carga_{n:02d}" for n in range(1, args.cajeros + 1)]
    clave = usuario_crear(entorno, cajeros, "Cajero")
    _turnos_abrir(entorno, cajeros)
    manage(entorno, "shell", "--no-imports", "-c",
           "from integraciones.services import circuitos_cerrar; circuitos_cerrar()")
    nombres = json.loads(shell(entorno, NOMBRES).strip().splitlines()[-1])

    bitacora_ruta = RAIZ / "var" / "bench-carga-gunicorn.log"
    with open(bitacora_ruta, "w") as bitacora, open(RAIZ / "var" / "bench-carga-sandbox.log", "w") as otras:
        sandbox, trabajador = _sandbox_y_trabajador(entorno, args.puerto_sandbox, otras)
        servidor = _gunicorn(entorno, args.puerto, bitacora)
        try:
            codigo = _correr(args, entorno, nombres, codigos, escasos, cajeros, clave)
        finally:
            _detener(servidor, trabajador, sandbox)
    print(f"(registro de gunicorn en {Path(bitacora_ruta).relative_to(RAIZ)})")
    sys.exit(codigo)


def _correr(args, entorno, nombres, codigos, escasos, cajeros, clave):
    base = f"http://127.0.0.1:{args.puerto}"
    base_sandbox = f"http://127.0.0.1:{args.puerto_sandbox}"
    requests.post(f"{base_sandbox}/_control/reiniciar/", timeout=10).raise_for_status()
    sesiones = [entrar(base, u, clave) for u in cajeros]

    conexion = _conectar()
    conexion.autocommit = True
    with conexion.cursor() as cursor:
        antes = _existencias(cursor, nombres)
        desde_venta = _maximo_id(cursor, nombres["venta_det"])
        desde_devolucion = _maximo_id(cursor, nombres["devolucion_det"])
        desde_venta_id = _maximo_id(cursor, nombres["venta"])

    registro = Registro()
    inicio = time.monotonic()
    termina = inicio + args.minutos * 60
    print(f"{args.cajeros} cajeros, {args.minutos} min, pausa {args.pausa[0]}–{args.pausa[1]} s, gunicorn "
          f"{os.environ.get('WEB_CONCURRENCY', '3')} × {os.environ.get('GUNICORN_THREADS', '4')} hilos; "
          f"carga al empezar {os.getloadavg()[0]:.2f}", flush=True)
    hilos = [
        threading.Thread(target=Cajero(args.puerto, s, registro, random.Random(n), codigos, escasos, termina).trabajar,
                         args=(args.registro_cada, args.pausa, 100_000))
        for n, s in enumerate(sesiones)
    ]
    for h in hilos:
        h.start()
    _fases(base_sandbox, registro, args.minutos, termina)
    for h in hilos:
        h.join(timeout=120)
    duracion = time.monotonic() - inicio
    print(f"carga terminada en {duracion:.0f} s (carga del sistema {os.getloadavg()[0]:.2f})")

    agrupados, estados = _tabla(registro)
    print("\ncobro por fase:")
    for nombre, _, _ in FASES:
        t = registro.tiempos.get((nombre, COBRO), [])
        if t:
            print(f"  {nombre:12} n={len(t):5d}  p50 {statistics.median(t):7.1f}  p95 {percentil(t, 95):7.1f}  "
                  f"p99 {percentil(t, 99):7.1f} ms")
    print("alumno nuevo por fase:")
    for nombre, _, _ in FASES:
        t = registro.tiempos.get((nombre, ALUMNO_NUEVO), [])
        if t:
            print(f"  {nombre:12} n={len(t):5d}  p50 {statistics.median(t):7.1f}  p95 {percentil(t, 95):7.1f}  "
                  f"p99 {percentil(t, 99):7.1f} ms")

    fallas = []

    def comprobar(nombre, bien, detalle=""):
        print(f"  [{'ok' if bien else 'FALLA'}] {nombre}{': ' + detalle if detalle else ''}")
        if not bien:
            fallas.append(nombre)

    print("\ncomprobaciones:")
    cincos = sum(n for e in estados.values() for s, n in e.items() if isinstance(s, int) and s >= 500)
    transporte = sum(e["error"] for e in estados.values())
    comprobar("cero 5xx y cero errores de conexión", cincos == 0 and transporte == 0, f"5xx {cincos}, errores {transporte}")
    t = agrupados.get(COBRO, [])
    comprobar("hubo cobros", len(t) > 0, f"{len(registro.cobros)} completados de {len(t)} POST; "
              f"rechazados (p. ej. se acabó un producto escaso) por estado: {dict(registro.rechazos)}")
    if t:
        comprobar("cobro p95 < 500 ms", percentil(t, 95) < 500, f"{percentil(t, 95):.1f} ms")
        comprobar("cobro p99 < 1 s", percentil(t, 99) < 1000, f"{percentil(t, 99):.1f} ms")

    with conexion.cursor() as cursor:
        p, v = nombres["producto"], nombres["venta"]
        cursor.execute(sql.SQL("SELECT count(*) FROM {t} WHERE {e} < 0").format(
            t=sql.Identifier(p["tabla"]), e=sql.Identifier(p["existencia"])))
        negativos = cursor.fetchone()[0]
        comprobar("ninguna existencia negativa", negativos == 0, f"{negativos} productos")
        cursor.execute(sql.SQL("SELECT count(*) FROM (SELECT {c} FROM {t} GROUP BY {c} HAVING count(*) > 1) d").format(
            t=sql.Identifier(v["tabla"]), c=sql.Identifier(v["clave_cobro"])))
        repetidas = cursor.fetchone()[0]
        cursor.execute(sql.SQL("SELECT count(*) FROM {t} WHERE {id} > %s").format(
            t=sql.Identifier(v["tabla"]), id=sql.Identifier(v["id"])), [desde_venta_id])
        nuevas = cursor.fetchone()[0]
        claves = {c for c, _ in registro.cobros}
        tickets = {tk for _, tk in registro.cobros}
        comprobar("ninguna venta duplicada (clave_cobro única)", repetidas == 0 and len(claves) == len(registro.cobros),
                  f"{repetidas} claves repetidas en la base")
        comprobar("una venta por cobro completado", nuevas == len(tickets) == len(registro.cobros),
                  f"{nuevas} ventas nuevas en la base, {len(registro.cobros)} cobros con ticket, {len(tickets)} tickets distintos")
        despues = _existencias(cursor, nombres)
        vendido = _movido(cursor, nombres["venta_det"], desde_venta)
        devuelto = _movido(cursor, nombres["devolucion_det"], desde_devolucion)
        descuadres = [pid for pid in despues if antes.get(pid, 0) - vendido.get(pid, 0) + devuelto.get(pid, 0) != despues[pid]]
        comprobar("por producto: inicio − vendido + devuelto = final", not descuadres,
                  f"{len(despues)} productos, {sum(vendido.values())} unidades vendidas en {len(vendido)} productos, "
                  f"{sum(devuelto.values())} devueltas; descuadres: {descuadres[:5]}")
    resultado = subprocess.run([PY, "manage.py", "verificar_inventario"], cwd=RAIZ, env=entorno, capture_output=True, text=True)
    comprobar("verificar_inventario (existencia = suma del libro)", resultado.returncode == 0,
              (resultado.stdout + resultado.stderr).strip().splitlines()[-1][:200] if (resultado.stdout + resultado.stderr).strip() else "")

    _sincronizacion(registro, conexion, nombres, base_sandbox, args.espera_sincronizacion, comprobar)
    conexion.close()
    for error in registro.errores[:15]:
        print("  error:", error)
    print("\nresultado:", "todos los pisos se cumplen" if not fallas else f"FALLAN: {', '.join(fallas)}")
    return 1 if fallas else 0


def _sincronizacion(registro, conexion, nombres, base_sandbox, espera, comprobar):
    """Every alumno registered during the run gets its SII and Aula id, each exactly once."""
    c = nombres["cliente"]
    correos = [email for _, email, _ in registro.registros]
    por_fase = collections.Counter(fase for fase, _, _ in registro.registros)
    consulta = sql.SQL("SELECT {email}, {curp}, {sii}, {aula} FROM {t} WHERE {email} = ANY(%s)").format(
        email=sql.Identifier(c["email"]), curp=sql.Identifier(c["curp"]), sii=sql.Identifier(c["id_alumno_sii"]),
        aula=sql.Identifier(c["id_alumno_aula"]), t=sql.Identifier(c["tabla"]))
    inicio = time.monotonic()
    while True:
        with conexion.cursor() as cursor:
            cursor.execute(consulta, [correos])
            filas = cursor.fetchall()
        faltan = [f for f in filas if not f[2] or not f[3]]
        if not faltan or time.monotonic() - inicio > espera:
            break
        time.sleep(5)
    print(f"  alumnos registrados: {len(correos)} intentos por fase {dict(por_fase)}; {len(filas)} en la base; "
          f"el trabajador terminó {time.monotonic() - inicio:.0f} s después de la carga")
    comprobar("cada alumno registrado quedó en la base", len(filas) == len(correos), f"{len(filas)} de {len(correos)}")
    comprobar("cada alumno tiene su id de SII y de Aula", not faltan,
              f"{len(faltan)} sin id tras {espera:.0f} s como máximo" if faltan else "")
    nuestros = {email.lower() for email in correos}
    for sistema in ("sii", "aula"):
        alumnos = requests.get(f"{base_sandbox}/_control/alumnos/{sistema}/", timeout=30).json()
        por_email = collections.Counter((a.get("email") or "").lower() for a in alumnos)
        por_curp = collections.Counter(a.get("curp") for a in alumnos if a.get("curp"))
        dobles = [e for e, n in por_email.items() if n > 1] + [k for k, n in por_curp.items() if n > 1]
        presentes = sum(1 for e in nuestros if por_email.get(e) == 1)
        ids = {str(a["id"]): (a.get("email") or "").lower() for a in alumnos}
        indice = 2 if sistema == "sii" else 3
        cruzados = [f[0] for f in filas if f[indice] and ids.get(str(f[indice])) != f[0].lower()]
        comprobar(f"{sistema}: sin alumnos duplicados por correo o CURP", not dobles, f"{len(alumnos)} alumnos; dobles {dobles[:3]}")
        comprobar(f"{sistema}: cada alumno de la base está exactamente una vez y con su id", presentes == len(filas) and not cruzados,
                  f"{presentes} de {len(filas)}; ids que no corresponden: {cruzados[:3]}")


if __name__ == "__main__":
    main()
