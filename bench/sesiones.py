#!/usr/bin/env python3
"""`make run` under many open browsers: 60 signed-in sessions plus 50 checkouts at once.

Starts ``make run PORT=… SANDBOX_PORT=…`` itself (the development database and its demo users,
``DEBUG`` as in ``.env``), then:

1. signs in 60 ``requests.Session`` through ``POST /entrar/`` with the CSRF token, 15 each as the
   demo users ``cajero``, ``cajera2``, ``gerente`` and ``consulta``; each keeps its keep-alive
   connection and requests pages of its role (with a short pause) until the time is up;
2. meanwhile, 50 extra cashiers (``bench_sesiones_NN``, created with a shell command, each with an
   open shift) sign in, put one product in their cart, read ``clave_cobro`` and ``huella`` from
   ``GET /ventas/caja/`` and are released together by a barrier: 50 simultaneous
   ``POST /ventas/caja/cobrar/``;
3. every second it asks ``GET /salud/`` and counts PostgreSQL connections of the application
   (``pg_stat_activity`` by ``application_name``).

Everything is bounded (``--segundos``, requests per session, timeouts) and stops by itself; at the
end it stops ``make run`` as Ctrl-C does. Exits non-zero on any 5xx, failed request, failed
checkout or ``/salud/`` other than 200.

    .venv/bin/python bench/sesiones.py --puerto 8014 --puerto-sandbox 8024
"""

import argparse
import collections
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import requests
from caja import RE_CAMPO, RE_TICKET, _post, _turnos_abrir
from comun import RAIZ, entrar, percentil, servidor_pg, shell, usuario_crear

DEMO = {"cajero": "cajero-demo", "cajera2": "cajero-demo", "gerente": "gerente-demo", "consulta": "consulta-demo"}
TERMINOS = ["cuaderno", "playera", "pantalon", "lapiz", "libro"]
PAGINAS = {
    "cajero": ["/ventas/caja/", "/ventas/caja/buscar/?q={q}", "/inventario/?q={q}", "/ventas/historial/", "/clientes/"],
    "gerente": ["/", "/ventas/resumen/", "/ventas/tablero/", "/ventas/historial/", "/inventario/"],
    "consulta": ["/", "/ventas/historial/", "/inventario/?q={q}", "/ventas/turnos/", "/clientes/"],
}
PAGINAS["cajera2"] = PAGINAS["cajero"]
ROL = {"cajero": "cajero", "cajera2": "cajero", "gerente": "gerente", "consulta": "consulta"}
ESTATICO = "/static/css/app.css"

PRODUCTOS = """
from inventario.models import Producto
ps = Producto.objects.filter(activo=True, codigo_barras__isnull=False, existencia__gte=20).order_by('-existencia', 'id')
print(' '.join(ps.values_list('codigo_barras', flat=True)[:{cuantos}]))
"""
LIMPIAR = """
from django.contrib.auth.models import User
# Out of the Cajero role after the run, so the cashier lists of the demo stay realistic.
for usuario in User.objects.filter(username__startswith='bench_sesiones_'):
    usuario.groups.clear()
"""


class Registro:
    """Latencies and statuses per request type, shared by the threads."""

    def __init__(self):
        self.candado = threading.Lock()
        self.tiempos = collections.defaultdict(list)
        self.estados = collections.defaultdict(collections.Counter)
        self.errores = []

    def anotar(self, tipo, inicio, estado):
        with self.candado:
            self.tiempos[tipo].append((time.perf_counter() - inicio) * 1000)
            self.estados[tipo][estado] += 1

    def error(self, texto):
        with self.candado:
            self.errores.append(texto)


def _make_run(objetivo, puerto, puerto_sandbox, bitacora):
    """`make run` (or `make dev`) in its own process group, with SIGINT as a terminal delivers it."""
    return subprocess.Popen(
        ["make", objetivo, f"PORT={puerto}", f"SANDBOX_PORT={puerto_sandbox}"], cwd=RAIZ,
        stdout=bitacora, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def _esperar_salud(base, proceso, segundos=180):
    limite = time.monotonic() + segundos
    while time.monotonic() < limite:
        if proceso.poll() is not None:
            sys.exit(f"make run terminó con {proceso.returncode} antes de servir")
        try:
            if requests.get(f"{base}/salud/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit(f"{base}/salud/ no respondió 200 en {segundos} s")


def _detener(proceso):
    """Ctrl-C to the whole group (as a terminal does); SIGKILL only if it does not stop."""
    try:
        os.killpg(proceso.pid, signal.SIGINT)
        proceso.wait(timeout=40)
    except subprocess.TimeoutExpired:
        os.killpg(proceso.pid, signal.SIGKILL)
        proceso.wait(timeout=10)
        return "no se detuvo con Ctrl-C en 40 s: SIGKILL"
    except ProcessLookupError:
        pass
    return f"detenido con Ctrl-C (código {proceso.returncode})"


def _navegar(sesion, base, usuario, hasta, maximo, registro, azar):
    """One open browser: role pages (and now and then the stylesheet) until ``hasta``."""
    for _ in range(maximo):
        if time.monotonic() >= hasta:
            return
        ruta = azar.choice(PAGINAS[usuario]).format(q=azar.choice(TERMINOS))
        if azar.random() < 0.1:
            ruta = ESTATICO
        tipo = "estático" if ruta == ESTATICO else f"{ROL[usuario]}: {ruta.split('?')[0]}"
        inicio = time.perf_counter()
        try:
            r = sesion.get(base + ruta, timeout=30, allow_redirects=False)
            r.content  # noqa: B018 - read the body, as a browser does
            registro.anotar(tipo, inicio, r.status_code)
            if r.status_code >= 500:
                registro.error(f"{usuario} GET {ruta}: {r.status_code}")
        except requests.RequestException as error:
            registro.anotar(tipo, inicio, "error")
            registro.error(f"{usuario} GET {ruta}: {error!r}")
        time.sleep(azar.uniform(0.2, 1.0))


def _cobro_preparar(sesion, base, codigo):
    r = _post(sesion, base, "/ventas/caja/vaciar/", {})
    assert r.status_code == 302, ("vaciar", r.status_code)
    r = _post(sesion, base, "/ventas/caja/agregar/", {"texto": codigo})
    assert r.status_code == 302, ("agregar", r.status_code)
    pagina = sesion.get(base + "/ventas/caja/", timeout=30)
    assert pagina.status_code == 200, ("caja", pagina.status_code)
    datos = {c: re.search(RE_CAMPO.format(c), pagina.text).group(1) for c in ("clave_cobro", "huella")}
    return {**datos, "efectivo_recibido": "100000.00"}


def _cobros_simultaneos(sesiones, base, codigos, registro):
    """Every cashier prepares its cart, then all POST /ventas/caja/cobrar/ at once."""
    barrera = threading.Barrier(len(sesiones), timeout=120)
    tickets = []

    def cajero(numero):
        sesion = sesiones[numero]
        try:
            datos = _cobro_preparar(sesion, base, codigos[numero % len(codigos)])
        except Exception as error:  # noqa: BLE001 - reported
            registro.error(f"preparar cobro {numero}: {error!r}")
            barrera.abort()
            return
        try:
            barrera.wait()
        except threading.BrokenBarrierError:  # another cashier could not prepare: reported
            return
        inicio = time.perf_counter()
        try:
            r = _post(sesion, base, "/ventas/caja/cobrar/", datos)
            registro.anotar("cobro (50 a la vez)", inicio, r.status_code)
            ticket = RE_TICKET.search(r.headers.get("Location", ""))
            if r.status_code != 302 or not ticket:
                registro.error(f"cobro {numero}: {r.status_code} {r.headers.get('Location')}")
            else:
                tickets.append(ticket.group(1))
        except requests.RequestException as error:
            registro.anotar("cobro (50 a la vez)", inicio, "error")
            registro.error(f"cobro {numero}: {error!r}")

    hilos = [threading.Thread(target=cajero, args=(n,)) for n in range(len(sesiones))]
    for h in hilos:
        h.start()
    for h in hilos:
        h.join()
    return tickets


def _conexion_vigia():
    """Opened before the sessions, so that it is there even if the server runs out of connections."""
    srv = servidor_pg()
    conexion = psycopg2.connect(dbname="postgres", host=srv["HOST"], port=srv["PORT"], user=srv["USER"])
    conexion.autocommit = True
    return conexion


def _vigilar(conexion, base, hasta, registro, muestras, parar):
    """/salud/ and the application's PostgreSQL connections, once a second."""
    try:
        while time.monotonic() < hasta and not parar.is_set():
            inicio = time.perf_counter()
            try:
                r = requests.get(f"{base}/salud/", timeout=10)
                registro.anotar("/salud/", inicio, r.status_code)
                if r.status_code != 200:
                    registro.error(f"/salud/: {r.status_code} {r.text[:200]}")
            except requests.RequestException as error:
                registro.anotar("/salud/", inicio, "error")
                registro.error(f"/salud/: {error!r}")
            with conexion.cursor() as cursor:
                cursor.execute(
                    "SELECT application_name, count(*) FROM pg_stat_activity "
                    "WHERE application_name LIKE %s GROUP BY 1", ["ventas_ingenio:%"])
                muestras.append(dict(cursor.fetchall()))
            parar.wait(1.0)
    finally:
        conexion.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--puerto", type=int, default=8014)
    parser.add_argument("--puerto-sandbox", type=int, default=8024)
    parser.add_argument("--sesiones", type=int, default=60)
    parser.add_argument("--cobros", type=int, default=50, help="simultaneous checkouts (one cashier each)")
    parser.add_argument("--segundos", type=int, default=90, help="how long the sessions keep browsing")
    parser.add_argument("--peticiones", type=int, default=400, help="at most this many requests per session")
    parser.add_argument("--objetivo", choices=["run", "dev"], default="run",
                        help="make target; `dev` with CONN_MAX_AGE=60 in the environment is the old `make run`")
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.puerto}"
    entorno = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "AUTH_DATABASE_URL")}

    bitacora_ruta = RAIZ / "var" / "bench-sesiones-make-run.log"
    bitacora_ruta.parent.mkdir(exist_ok=True)
    with open(bitacora_ruta, "w") as bitacora:
        proceso = _make_run(args.objetivo, args.puerto, args.puerto_sandbox, bitacora)
        try:
            _esperar_salud(base, proceso)
            codigo_salida = _medir(args, base, entorno)
        finally:
            print(f"make {args.objetivo}: {_detener(proceso)}; su salida en {bitacora_ruta.relative_to(RAIZ)}")
    shell(entorno, LIMPIAR)
    sys.exit(codigo_salida)


def _medir(args, base, entorno):
    cajeros = [f"bench_sesiones_{n:02d}" for n in range(1, args.cobros + 1)]
    clave = usuario_crear(entorno, cajeros, "Cajero")
    _turnos_abrir(entorno, cajeros)
    codigos = shell(entorno, PRODUCTOS.format(cuantos=args.cobros)).split()
    print(f"{len(cajeros)} cajeros extra con turno abierto; {len(codigos)} productos con ≥ 20 unidades")

    registro, muestras, parar = Registro(), [], threading.Event()
    conexion = _conexion_vigia()
    usuarios = [list(DEMO)[n % len(DEMO)] for n in range(args.sesiones)]
    inicio = time.monotonic()

    def entrar_o_anotar(usuario, contrasena):
        marca = time.perf_counter()
        try:
            sesion = entrar(base, usuario, contrasena)
            registro.anotar("POST /entrar/", marca, 302)
            return sesion
        except (AssertionError, requests.RequestException) as error:
            registro.anotar("POST /entrar/", marca, "error")
            registro.error(f"entrar como {usuario}: {str(error)[:200]!r}")
            return None

    with ThreadPoolExecutor(8) as grupo:  # sign-ins hash passwords: a few at a time
        sesiones = list(grupo.map(lambda u: entrar_o_anotar(u, DEMO[u]), usuarios))
        cobradores = list(grupo.map(lambda u: entrar_o_anotar(u, clave), cajeros))
    usuarios = [u for u, s in zip(usuarios, sesiones, strict=True) if s is not None]
    sesiones = [s for s in sesiones if s is not None]
    cobradores = [s for s in cobradores if s is not None]
    print(f"{len(sesiones)} + {len(cobradores)} sesiones abiertas por POST /entrar/ en {time.monotonic() - inicio:.1f} s")

    hasta = time.monotonic() + args.segundos
    vigia = threading.Thread(target=_vigilar, args=(conexion, base, hasta + 5, registro, muestras, parar))
    vigia.start()
    navegantes = [
        threading.Thread(target=_navegar, args=(s, base, u, hasta, args.peticiones, registro, random.Random(n)))
        for n, (s, u) in enumerate(zip(sesiones, usuarios, strict=True))
    ]
    for h in navegantes:
        h.start()
    time.sleep(min(20, args.segundos / 3))  # the browsers are busy: now the checkouts
    carga = os.getloadavg()[0]
    tickets = _cobros_simultaneos(cobradores, base, codigos, registro) if cobradores else []
    print(f"{len(tickets)} cobros simultáneos completados (carga {carga:.2f})")
    for h in navegantes:
        h.join()
    parar.set()
    vigia.join()

    print(f"\n{'petición':34} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'5xx':>4}  estados")
    for tipo in sorted(registro.tiempos):
        t, estados = registro.tiempos[tipo], registro.estados[tipo]
        cincos = sum(n for e, n in estados.items() if isinstance(e, int) and e >= 500)
        print(f"{tipo:34} {len(t):6d} {statistics.median(t):8.1f} {percentil(t, 95):8.1f} {percentil(t, 99):8.1f} "
              f"{cincos:4d}  {dict(estados)}")
    total = sum(len(t) for t in registro.tiempos.values())
    pico = max((sum(m.values()) for m in muestras), default=0)
    por_alias = {a: max((m.get(a, 0) for m in muestras), default=0) for m in muestras for a in m}
    print(f"\n{total} peticiones en {args.segundos} s; conexiones de la aplicación a PostgreSQL: máximo {pico} "
          f"a la vez (por alias: {por_alias}); carga al terminar {os.getloadavg()[0]:.2f}")
    fallas = list(registro.errores)
    if len(tickets) != args.cobros:
        fallas.append(f"{args.cobros - len(tickets)} cobros sin ticket")
    for falla in fallas[:20]:
        print("FALLA:", falla)
    print("resultado:", "sin 5xx, /salud/ siempre 200, todos los cobros con ticket" if not fallas else f"{len(fallas)} fallas")
    return 1 if fallas else 0


if __name__ == "__main__":
    main()
