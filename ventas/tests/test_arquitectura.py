"""The dependencies allowed inside ``ventas``, read from the source with ``ast`` (no import runs).

Layers, bottom up: ``models``/``exceptions``/``calculos``/``politica`` (shared rules), then each
part's ``selectors`` (reads), then its ``services`` (writes; ``caja.cobro`` is the checkout's),
then views. Reads never import writes, the shared rules import no part, and the parts'
imports among themselves form no cycle.
"""

import ast
import pathlib

RAIZ = pathlib.Path(__file__).resolve().parents[2]
VENTAS = RAIZ / "ventas"
PARTES = ("caja", "devoluciones", "turnos", "historial", "reportes", "vendedores", "monedero", "abonos",
          "apartados", "saldos")
ESCRITURAS = ("services", "cobro")
LECTURAS = ("selectors", "resumen", "tablero")
BASE = ("ventas.models", "ventas.exceptions", "ventas.calculos", "ventas.politica", "ventas.campos")


def _modulos():
    for ruta in VENTAS.rglob("*.py"):
        relativa = ruta.relative_to(RAIZ).with_suffix("")
        if {"tests", "migrations"} & set(relativa.parts):
            continue
        nombre = ".".join(relativa.parts).removesuffix(".__init__")
        yield nombre, ruta


def _nombres_importados(ruta) -> set[str]:
    """Every module an import statement names, anywhere in the file (lazy imports included);
    "from ventas.caja import services" names both ventas.caja and ventas.caja.services."""
    nombres = set()
    for nodo in ast.walk(ast.parse(ruta.read_text())):
        if isinstance(nodo, ast.Import):
            nombres.update(alias.name for alias in nodo.names)
        elif isinstance(nodo, ast.ImportFrom) and nodo.module:
            nombres.add(nodo.module)
            nombres.update(f"{nodo.module}.{alias.name}" for alias in nodo.names)
    return nombres


def _importados(ruta) -> set[str]:
    return {n for n in _nombres_importados(ruta) if n == "ventas" or n.startswith("ventas.")}


GRAFO = {nombre: _importados(ruta) for nombre, ruta in _modulos()}


def _ultimo(nombre: str) -> str:
    return nombre.rsplit(".", 1)[-1]


def test_el_grafo_ve_las_partes():
    assert {f"ventas.{parte}.views" for parte in PARTES} <= set(GRAFO)
    assert "ventas.turnos.selectors" in GRAFO["ventas.turnos.services"]


def test_las_lecturas_no_importan_escrituras():
    malas = {
        (modulo, importado)
        for modulo, importados in GRAFO.items() if _ultimo(modulo) in LECTURAS
        for importado in importados if _ultimo(importado) in ESCRITURAS
    }
    assert malas == set()


def test_la_base_no_importa_ninguna_parte():
    malas = {
        (modulo, importado)
        for modulo in BASE
        for importado in GRAFO[modulo] if importado.split(".")[1:2] and importado.split(".")[1] in PARTES
    }
    assert malas == set()


def test_solo_vistas_y_urls_importan_vistas():
    malas = {
        (modulo, importado)
        for modulo, importados in GRAFO.items() if _ultimo(modulo) not in ("views", "urls")
        for importado in importados if _ultimo(importado) == "views"
    }
    assert malas == set()


def test_sin_ciclos_entre_modulos():
    visitando, hechos, ciclos = [], set(), []

    def visitar(nombre):
        if nombre in visitando:
            ciclos.append(visitando[visitando.index(nombre):] + [nombre])
            return
        if nombre in hechos or nombre not in GRAFO:
            return
        visitando.append(nombre)
        for siguiente in sorted(GRAFO[nombre]):
            visitar(siguiente)
        visitando.pop()
        hechos.add(nombre)

    for nombre in sorted(GRAFO):
        visitar(nombre)
    assert ciclos == []


def test_sin_ciclos_entre_partes():
    """Part A depends on part B when any module of A imports one of B."""
    def parte(nombre):
        trozos = nombre.split(".")
        return trozos[1] if len(trozos) > 1 and trozos[1] in PARTES else None

    depende = {p: set() for p in PARTES}
    for modulo, importados in GRAFO.items():
        if parte(modulo) and _ultimo(modulo) != "views":  # views compose pages from several parts
            depende[parte(modulo)].update(p for p in map(parte, importados) if p and p != parte(modulo))

    def alcanzables(desde, vistos=()):
        for siguiente in depende[desde]:
            if siguiente not in vistos:
                yield siguiente
                yield from alcanzables(siguiente, (*vistos, siguiente))

    assert [p for p in PARTES if p in set(alcanzables(p))] == []


def _importados_de(carpeta: pathlib.Path) -> dict[str, set[str]]:
    """Every top-level module named by an import in the app code under ``carpeta`` (no tests,
    no migrations), per file."""
    resultado = {}
    for ruta in carpeta.rglob("*.py"):
        relativa = ruta.relative_to(RAIZ)
        if {"tests", "migrations"} & set(relativa.parts):
            continue
        resultado[str(relativa)] = _nombres_importados(ruta)
    return resultado


def test_dependencias_entre_apps():
    """docs/arquitectura.md: clientes does not read sales; nothing but demo itself imports demo;
    preparar imports no business model; ventas reads sync state through integraciones.selectors;
    the core of cursos (models, services, selectors) knows nothing of ventas (the till builds on
    it; only its pages and report read sales), and integraciones imports no page or till code."""
    malas = []
    for archivo, nombres in _importados_de(RAIZ / "clientes").items():
        malas += [f"{archivo} → {n}" for n in nombres if n == "ventas" or n.startswith("ventas.")]
    for modulo in ("models", "services", "selectors"):
        for archivo, nombres in _importados_de(RAIZ / "cursos").items():
            if archivo.endswith(f"cursos/{modulo}.py"):
                malas += [f"{archivo} → {n}" for n in nombres if n == "ventas" or n.startswith("ventas.")]
    for archivo, nombres in _importados_de(RAIZ / "integraciones").items():
        malas += [f"{archivo} → {n}" for n in nombres
                  if n.split(".")[0] in {"ventas", "clientes", "cursos"} and n.split(".")[-1] in {"views", "services"}]
    for app in ("ventas", "inventario", "clientes", "integraciones", "cursos", "ventas_ingenio"):
        for archivo, nombres in _importados_de(RAIZ / app).items():
            malas += [f"{archivo} → {n}" for n in nombres if n == "demo" or n.startswith("demo.")]
    preparar = RAIZ / "ventas_ingenio" / "management" / "commands" / "preparar.py"
    for archivo, nombres in _importados_de(preparar.parent).items():
        if archivo.endswith("preparar.py"):
            malas += [f"{archivo} → {n}" for n in nombres
                      if n.split(".")[0] in {"ventas", "inventario", "clientes", "integraciones"}]
    for archivo, nombres in _importados_de(VENTAS).items():
        malas += [f"{archivo} → {n}" for n in nombres if n == "integraciones.models"]
    assert malas == []
