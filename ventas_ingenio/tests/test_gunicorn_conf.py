"""The gunicorn settings of `make run`: the PostgreSQL connection bound holds and is enforced."""

import logging
import runpy
import types
from pathlib import Path

import pytest
from gunicorn.config import Config

ARCHIVO = Path(__file__).resolve().parents[1] / "gunicorn.conf.py"


def _config(monkeypatch, **entorno) -> tuple[Config, dict]:
    """gunicorn's Config as gunicorn builds it from the file (under the given environment)."""
    for variable in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_CONEXIONES_MAXIMAS", "GUNICORN_BIND"):
        monkeypatch.delenv(variable, raising=False)
    for variable, valor in entorno.items():
        monkeypatch.setenv(variable, valor)
    modulo = runpy.run_path(str(ARCHIVO))
    config = Config()
    for nombre, valor in modulo.items():
        if nombre in config.settings:
            config.set(nombre, valor)
    return config, modulo


def _servidor(config):
    return types.SimpleNamespace(cfg=config, log=logging.getLogger("gunicorn.prueba"))


def test_por_omision_hilos_y_conexiones_acotadas(monkeypatch):
    config, modulo = _config(monkeypatch)
    assert config.worker_class_str == "gthread"
    assert (config.workers, config.threads) == (3, 4)
    assert config.bind == ["127.0.0.1:8000"]
    assert modulo["conexiones_maximas"](config) == 24  # 3 workers × 4 threads × 2 aliases
    assert config.control_socket_disable is True
    modulo["on_starting"](_servidor(config))  # within the bound: starts


def test_se_niega_a_pasar_el_limite(monkeypatch):
    config, modulo = _config(monkeypatch, WEB_CONCURRENCY="9", GUNICORN_THREADS="8")
    assert modulo["conexiones_maximas"](config) == 144
    with pytest.raises(SystemExit):
        modulo["on_starting"](_servidor(config))
