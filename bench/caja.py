#!/usr/bin/env python3
"""Point-of-sale benchmark with a large catalog.

Uses the same separate databases as ``bench/inventario.py`` (``ventas_bench``,
``ventas_bench_auth``) on this checkout's embedded PostgreSQL, loads N products, tops up the
stock of a pool of products through the ledger service, creates one Cajero per virtual cashier
and starts gunicorn on 127.0.0.1 with production settings. Then it measures:

1. 3-line cash sales with 1, 8 and 16 concurrent cashiers. ``--patron navegador`` (default) is
   what static/js/caja.js does: 3 barcode adds sent with ``X-Requested-With: fetch`` and the
   fingerprint of the cart from the previous answer, which answer the scanned line's HTML
   fragment and the totals (the payment's key and fingerprint come in the last one), then the
   checkout POST, also answered with fragments (the post-sale panel). ``--patron formulario`` is
   the page without JavaScript: 3 adds answered 302, GET /ventas/caja/, checkout 302 to the ticket.
   Concurrent cashiers (threads, one signed-in session each, each with an open
   cash-drawer shift, which selling requires): checkout POST
   p50/p99 and completed sales per second over the run;
2. the barcode add (POST /ventas/caja/agregar/), one cashier, sequential;
3. the name search JSON (GET /ventas/caja/buscar/?q=...), plus its ``EXPLAIN ANALYZE``;
4. SQL queries of one 3-line checkout (service call, counted with CaptureQueriesContext).

    .venv/bin/python bench/caja.py --productos 100000 --workers 4
"""

import argparse
import json
import os
import random
import re
import statistics
import time

from comun import entrar, gunicorn, percentil, preparar, ronda_en_paralelo, shell, usuario_crear

TERMINOS = ["pantalon", "cuaderno", "libro de ingl", "playera", "modelo 4242"]
RE_CAMPO = r'name="{}" value="([^"]+)"'
RE_TICKET = re.compile(r"/ventas/(\d+)/ticket/$")


def _existencias_preparar(entorno, cuantos, minimo):
    """Barcodes of ``cuantos`` active products spread over the catalog, each with at least
    ``minimo`` units (topped up with entrada movements, so the ledger stays consistent)."""
    salida = shell(entorno, (
        "import json\n"
        "from inventario.models import Producto, TipoMovimiento\n"
        "from inventario.services import MovimientoDatos, existencias_mover\n"
        "from ventas_ingenio.router import DB_NEGOCIO\n"
        "total = Producto.objects.using(DB_NEGOCIO).filter(activo=True, codigo_barras__isnull=False).count()\n"
        f"paso = max(1, total // {cuantos})\n"
        "ids = list(Producto.objects.using(DB_NEGOCIO).filter(activo=True, codigo_barras__isnull=False)"
        ".order_by('id').values_list('id', flat=True))[::paso]" f"[:{cuantos}]\n"
        "productos = list(Producto.objects.using(DB_NEGOCIO).filter(id__in=ids))\n"
        "faltan = [MovimientoDatos(producto_id=p.pk, tipo=TipoMovimiento.ENTRADA, "
        f"cantidad={minimo} - p.existencia, motivo='Benchmark de caja') for p in productos if p.existencia < {minimo}]\n"
        "if faltan: existencias_mover(movimientos=faltan, usuario=None)\n"
        "print(json.dumps([p.codigo_barras for p in productos]))\n"
    ))
    return json.loads(salida.strip().splitlines()[-1])


def _turnos_abrir(entorno, usuarios):
    """Selling needs an open cash-drawer shift: one per bench cashier (kept if already open)."""
    shell(entorno, (
        "from decimal import Decimal\n"
        "from django.contrib.auth.models import User\n"
        "from ventas.turnos import selectors, services\n"
        f"for u in User.objects.filter(username__in={list(usuarios)!r}):\n"
        "    if selectors.turno_abierto(cajero=u) is None:\n"
        "        services.turno_abrir(cajero=u, fondo_inicial=Decimal('500'))\n"
    ))


PATRON = {"valor": "navegador"}  # set from --patron in main()
FETCH = {"X-Requested-With": "fetch"}


def _post(sesion, base, ruta, datos, asincrona=False):
    datos = {**datos, "csrfmiddlewaretoken": sesion.cookies["csrftoken"]}
    encabezados = {"Referer": base + "/ventas/caja/", **(FETCH if asincrona else {})}
    return sesion.post(base + ruta, data=datos, allow_redirects=False, timeout=60, headers=encabezados)


def _huella(html):
    """The cart's fingerprint in a fragments answer ("" if none: the cart is empty)."""
    encontrada = re.search(RE_CAMPO.format("huella"), html or "")
    return encontrada.group(1) if encontrada else ""


def _agregar(sesion, base, codigo, tiempos, huella=""):
    """One scan; returns the fragments' HTML (the browser's pattern) or None (a plain form).
    As static/js/caja.js, the scan carries the fingerprint of the cart the page shows
    (``huella``, from the previous answer); with it the server answers only the scanned line."""
    asincrona = PATRON["valor"] == "navegador"
    datos = {"texto": codigo, "huella": huella} if asincrona else {"texto": codigo}
    inicio = time.perf_counter()
    r = _post(sesion, base, "/ventas/caja/agregar/", datos, asincrona)
    tiempos.append((time.perf_counter() - inicio) * 1000)
    if asincrona:
        assert r.status_code == 200 and r.headers.get("X-Caja-Fragmentos") == "1", r.status_code
        assert not huella or 'id="caja-lineas"' in r.text, "con la huella al día se responde solo la línea"
        return r.text
    assert r.status_code == 302 and r.headers["Location"].startswith("/ventas/caja/"), (r.status_code, r.headers.get("Location"))
    return None


def _venta(sesion, base, codigos, azar, t_agregar, t_cobro):
    """One 3-line cash sale; appends the add and checkout POST latencies."""
    html = ""
    for codigo in azar.sample(codigos, 3):
        html = _agregar(sesion, base, codigo, t_agregar, _huella(html))
    if html is None:  # without JavaScript the key and fingerprint come from the POS page
        pagina = sesion.get(base + "/ventas/caja/", timeout=60)
        assert pagina.status_code == 200, pagina.status_code
        html = pagina.text
    datos = {campo: re.search(RE_CAMPO.format(campo), html).group(1) for campo in ("clave_cobro", "huella")}
    datos["efectivo_recibido"] = "100000.00"
    asincrona = PATRON["valor"] == "navegador"
    inicio = time.perf_counter()
    r = _post(sesion, base, "/ventas/caja/cobrar/", datos, asincrona)
    t_cobro.append((time.perf_counter() - inicio) * 1000)
    if asincrona:
        assert r.status_code == 200 and 'id="cambio-final"' in r.text, r.status_code
    else:
        assert r.status_code == 302 and RE_TICKET.search(r.headers["Location"]), (r.status_code, r.headers.get("Location"))


def _ronda(sesiones, base, codigos, ventas):
    """Every session sells ``ventas`` times at once (after one unmeasured warm-up sale)."""
    azares = [random.Random(numero) for numero in range(len(sesiones))]

    def calentar(numero):
        _venta(sesiones[numero], base, codigos, azares[numero], [], [])

    def cajero(numero):
        t_agregar, t_cobro = [], []
        for _ in range(ventas):
            _venta(sesiones[numero], base, codigos, azares[numero], t_agregar, t_cobro)
        return t_agregar, t_cobro

    resultados, segundos = ronda_en_paralelo(
        [lambda n=n: cajero(n) for n in range(len(sesiones))], calentar=calentar
    )
    t_agregar = [t for propios, _ in resultados for t in propios]
    t_cobro = [t for _, propios in resultados for t in propios]
    return t_cobro, t_agregar, len(t_cobro) / segundos


def _consultas_por_cobro(entorno, usuario, codigos):
    return shell(entorno, (
        "from decimal import Decimal\n"
        "from django.contrib.auth.models import User\n"
        "from django.db import connections\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "from inventario.models import Producto\n"
        "from ventas.caja import cobro, selectors, services\n"
        f"u = User.objects.get(username={usuario!r})\n"
        "services.carrito_vaciar(cajero=u)\n"
        f"for codigo in {codigos!r}:\n"
        "    services.carrito_agregar(cajero=u, producto_id=Producto.objects.get(codigo_barras=codigo).pk)\n"
        "vista = selectors.carrito_de_cajero(cajero=u)\n"
        "with CaptureQueriesContext(connections['default']) as n, CaptureQueriesContext(connections['auth']) as a:\n"
        "    cobro.venta_confirmar(cajero=u, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella,"
        " pagos=[], efectivo_recibido=Decimal('100000'))\n"
        "print(len(n), len(a))\n"
    )).strip().splitlines()[-1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--productos", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--puerto", type=int, default=8094)
    parser.add_argument("--cajeros", default="1,8,16", help="concurrency levels")
    parser.add_argument("--ventas-solo", type=int, default=40, help="sales with 1 cashier")
    parser.add_argument("--ventas", type=int, default=25, help="sales per cashier with several")
    parser.add_argument("--peticiones", type=int, default=200, help="measured requests for add and search")
    parser.add_argument("--patron", choices=["navegador", "formulario"], default="navegador",
                        help="navegador: fetch + fragments (static/js/caja.js); formulario: POST/redirect/GET")
    parser.add_argument("--sin-busqueda", action="store_true", help="skip the name-search timings")
    args = parser.parse_args()
    PATRON["valor"] = args.patron
    niveles = [int(n) for n in args.cajeros.split(",")]

    entorno = preparar(args.productos)
    codigos = _existencias_preparar(entorno, 500, 5000)
    usuarios = [f"bench_cajero_{n:02d}" for n in range(1, max(niveles) + 1)]
    clave = usuario_crear(entorno, usuarios, "Cajero")
    _turnos_abrir(entorno, usuarios)
    print(f"{len(codigos)} productos con ≥ 5000 unidades para vender; {len(usuarios)} cajeros")

    for termino in ("pantalon", "modelo 4242"):
        print(f"\nEXPLAIN ANALYZE de la búsqueda de la caja (q={termino!r}, orden '-activo', 'nombre', LIMIT 10):")
        print(shell(entorno, (
            "from inventario.selectors import productos_buscar\n"
            f"print(productos_buscar(texto={termino!r}).only('id', 'codigo', 'nombre', 'precio', 'existencia', 'activo')"
            ".order_by('-activo', 'nombre')[:10].explain(analyze=True, buffers=True))\n"
        )))

    print(f"consultas SQL de un cobro de 3 líneas (negocio, auth): {_consultas_por_cobro(entorno, usuarios[0], codigos[:3])}")

    with gunicorn(entorno, args.workers, args.puerto) as base:
        sesiones = [entrar(base, u, clave) for u in usuarios]
        for sesion in sesiones:  # leftovers of an interrupted run
            _post(sesion, base, "/ventas/caja/vaciar/", {})
        print(f"\n{args.productos} productos, gunicorn -w {args.workers} (sync), patrón {args.patron}, "
              f"carga {os.getloadavg()[0]:.2f}")
        print(f"{'cajeros':>7} {'ventas':>6} {'cobro p50':>9} {'cobro p99':>9} {'agregar p50':>11} {'agregar p99':>11} {'ventas/s':>8}")
        for nivel in niveles:
            ventas = args.ventas_solo if nivel == 1 else args.ventas
            t_cobro, t_agregar, por_segundo = _ronda(sesiones[:nivel], base, codigos, ventas)
            print(f"{nivel:7d} {len(t_cobro):6d} {statistics.median(t_cobro):9.1f} {percentil(t_cobro, 99):9.1f} "
                  f"{statistics.median(t_agregar):11.1f} {percentil(t_agregar, 99):11.1f} {por_segundo:8.1f}"
                  f"   (carga {os.getloadavg()[0]:.2f})")

        sesion, azar, tiempos, html = sesiones[0], random.Random(5), [], ""
        for i in range(args.peticiones + 5):
            if i % 5 == 0:  # realistic carts: empty every 5 lines (not timed)
                _post(sesion, base, "/ventas/caja/vaciar/", {})
                html = ""
            html = _agregar(sesion, base, azar.choice(codigos), tiempos, _huella(html))
        tiempos = tiempos[5:]
        print(f"\nagregar por código de barras, 1 cajero secuencial: p50 {statistics.median(tiempos):.1f} ms, "
              f"p99 {percentil(tiempos, 99):.1f} ms ({len(tiempos)} peticiones)")
        _post(sesion, base, "/ventas/caja/vaciar/", {})

        print(f"\n{'búsqueda por nombre (JSON)':30} {'p50 ms':>8} {'p99 ms':>8} {'resultados':>10}")
        for termino in [] if args.sin_busqueda else TERMINOS:
            tiempos = []
            for i in range(args.peticiones // 2 + 5):
                inicio = time.perf_counter()
                r = sesion.get(base + "/ventas/caja/buscar/", params={"q": termino}, timeout=60)
                if i >= 5:
                    tiempos.append((time.perf_counter() - inicio) * 1000)
                assert r.status_code == 200, r.status_code
            print(f"{termino:30} {statistics.median(tiempos):8.1f} {percentil(tiempos, 99):8.1f} "
                  f"{len(r.json()['productos']):10d}")
        print(f"carga al terminar: {os.getloadavg()}")


if __name__ == "__main__":
    main()
