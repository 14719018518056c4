#!/usr/bin/env python3
"""Paired comparison of the till's search in one process, without HTTP: ``productos_para_caja``
of this checkout against the ORM search of an earlier commit (its ``inventario/selectors.py``
loaded apart, with the till's function as it was then), alternated per term on the
``ventas_bench*`` databases, so that the load of a shared machine hits both alike. Checks that
both give the same products in the same order and the same ``hay_mas``.

    .venv/bin/python bench/busqueda_pares.py --antes de2c6f0

``--antes`` must be a commit from before the till's search became a prepared statement (671a057).
"""

import argparse

from busqueda import TERMINOS_CAJA
from comun import preparar, shell

CODIGO = """
import os, statistics, subprocess, time, types
from inventario.models import Producto
from ventas.caja.selectors import CAMPOS_CAJA, productos_para_caja
fuente = subprocess.check_output(["git", "show", "{antes}:inventario/selectors.py"]).decode()
viejo = types.ModuleType("selectores_antes")
exec(compile(fuente, "selectores_antes", "exec"), viejo.__dict__)

def caja_antes(texto, limite=10):
    consulta = viejo.productos_ordenar(viejo.productos_buscar(texto=texto), texto=texto, activos_primero=True)
    encontrados = list(consulta.only(*CAMPOS_CAJA)[: limite + 1])
    if not encontrados:
        encontrados = viejo.productos_parecidos(
            texto=texto, limite=limite + 1, consulta=Producto.objects.using("default").only(*CAMPOS_CAJA),
            activos_primero=True)
    return encontrados

print(f"{{time.strftime('%H:%M:%S %Z')}}, carga {{os.getloadavg()[0]:.2f}}")
print(f"{{'término':24}} {{'antes':>7}} {{'ahora':>7}} {{'dif.':>7}}  (p50 ms; dif. = mediana de las diferencias por par)")
for termino in {terminos!r}:
    antes, ahora, diferencias = [], [], []
    for vuelta in range({vueltas} + 5):  # 5 of warm-up
        inicio = time.perf_counter(); viejos = caja_antes(termino); a = (time.perf_counter() - inicio) * 1000
        inicio = time.perf_counter(); nuevos = productos_para_caja(texto=termino); b = (time.perf_counter() - inicio) * 1000
        if vuelta >= 5:
            antes.append(a); ahora.append(b); diferencias.append(b - a)
    assert [p.pk for p in viejos][:10] == [p.pk for p in nuevos] and (len(viejos) > 10) == nuevos.hay_mas, termino
    print(f"{{termino:24}} {{statistics.median(antes):7.1f}} {{statistics.median(ahora):7.1f}} "
          f"{{statistics.median(diferencias):+7.1f}}")
print(f"carga al terminar {{os.getloadavg()[0]:.2f}}")
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--antes", required=True, help="commit with the ORM search (before 671a057)")
    parser.add_argument("--productos", type=int, default=100_000)
    parser.add_argument("--vueltas", type=int, default=40, help="measured pairs per term")
    args = parser.parse_args()
    entorno = preparar(args.productos)
    terminos = [termino for _, termino in TERMINOS_CAJA]
    print(shell(entorno, CODIGO.format(antes=args.antes, terminos=terminos, vueltas=args.vueltas)))


if __name__ == "__main__":
    main()
