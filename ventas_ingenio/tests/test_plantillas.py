"""Every template of ours keeps behaviour and looks out of the markup, so the strict
Content-Security-Policy (``default-src 'self'``) never breaks a page: no inline ``<script>``
(a ``<script src=…>`` is fine), no ``style=`` attribute and no ``on…=`` event handler."""

import re
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[2]
PLANTILLAS = sorted(
    ruta for ruta in RAIZ.rglob("*.html")
    if not any(parte.startswith(".") or parte in {"staticfiles", "node_modules", "var"}
               for parte in ruta.relative_to(RAIZ).parts)
)
ETIQUETA = re.compile(r"<(?P<nombre>[a-zA-Z][a-zA-Z0-9-]*)(?P<atributos>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
SCRIPT = re.compile(r"<script\b(?P<atributos>[^>]*)>", re.I)
EVENTO = re.compile(r"(?:^|\s)on[a-z]+\s*=", re.I)
ESTILO = re.compile(r"(?:^|\s)style\s*=", re.I)


def test_hay_plantillas():
    assert len(PLANTILLAS) > 30


@pytest.mark.parametrize("ruta", PLANTILLAS, ids=lambda ruta: str(ruta.relative_to(RAIZ)))
def test_sin_scripts_en_linea_estilos_ni_eventos(ruta):
    texto = ruta.read_text()
    problemas = []
    for coincidencia in SCRIPT.finditer(texto):
        if "src=" not in coincidencia["atributos"]:
            problemas.append(f"<script> sin src en la línea {texto.count(chr(10), 0, coincidencia.start()) + 1}")
    for coincidencia in ETIQUETA.finditer(texto):
        atributos = coincidencia["atributos"]
        linea = texto.count("\n", 0, coincidencia.start()) + 1
        if ESTILO.search(atributos):
            problemas.append(f"atributo style= en <{coincidencia['nombre']}> (línea {linea})")
        if EVENTO.search(atributos):
            problemas.append(f"manejador on…= en <{coincidencia['nombre']}> (línea {linea})")
    assert not problemas, f"{ruta.relative_to(RAIZ)}: " + "; ".join(problemas)


@pytest.mark.parametrize("fragmento", ['<script>alert(1)</script>', '<p style="color:red">', '<a onclick="x()">',
                                       '<button type="button"\n onClick="x()">'])
def test_la_revision_detecta_cada_caso(tmp_path, fragmento, monkeypatch):
    ruta = tmp_path / "mala.html"
    ruta.write_text(f"<div>{fragmento}</div>")
    monkeypatch.setattr("ventas_ingenio.tests.test_plantillas.RAIZ", tmp_path)
    with pytest.raises(AssertionError):
        test_sin_scripts_en_linea_estilos_ni_eventos(ruta)
