"""What the browser tests of the till share: a scanner's keystrokes, waiting for the cart to
count the units, and screenshots to look at when asked for."""

import os
from pathlib import Path


def escanear(pagina, codigo):
    """What a USB scanner does: the digits a few ms apart, then Enter."""
    pagina.keyboard.type(codigo, delay=3)
    pagina.keyboard.press("Enter")


def esperar_articulos(pagina, cuantos):
    pagina.wait_for_function(
        "n => document.getElementById('articulos') && document.getElementById('articulos').textContent.trim() === n",
        arg=str(cuantos),
    )


def captura(pagina, nombre, *, variable="CAPTURAS_CAJA", pagina_entera=True):
    """A screenshot in the folder the environment variable ``variable`` names (e.g.
    CAPTURAS_CAJA=/some/dir); none when it is not set."""
    carpeta = os.environ.get(variable)
    if carpeta:
        Path(carpeta).mkdir(parents=True, exist_ok=True)
        pagina.screenshot(path=str(Path(carpeta) / f"{nombre}.png"), full_page=pagina_entera)
