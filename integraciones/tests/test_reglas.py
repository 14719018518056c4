"""Project rules about outgoing HTTP that a linter can enforce."""

import re
import tomllib
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]


def test_ruff_exige_timeout_en_cada_peticion():
    configuracion = tomllib.loads((RAIZ / "ruff.toml").read_text())
    reglas = configuracion["lint"]["select"]
    assert "S" in reglas or "S113" in reglas
    ignoradas = configuracion["lint"].get("ignore", []) + [
        regla for patron, lista in configuracion["lint"].get("per-file-ignores", {}).items()
        if "tests" not in patron and "bench" not in patron for regla in lista]
    assert "S113" not in ignoradas and "S" not in ignoradas
    assert "S608" not in ignoradas  # SQL built from strings is looked at, site by site
    assert re.search(r"^test:.*\blint\b", (RAIZ / "Makefile").read_text(), re.MULTILINE)
