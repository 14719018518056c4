"""Project rules about outgoing HTTP that a linter can enforce."""

import re
import tomllib
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[2]


def test_ruff_exige_timeout_en_cada_peticion():
    configuracion = tomllib.loads((RAIZ / "ruff.toml").read_text())
    assert "S113" in configuracion["lint"]["select"]
    assert re.search(r"^test:.*\blint\b", (RAIZ / "Makefile").read_text(), re.MULTILINE)
