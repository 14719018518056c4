"""pytest plugin (``-p ventas_ingenio.pytest_pg`` in pytest.ini): start the embedded
PostgreSQL before pytest-django reads the settings, when this checkout uses it."""

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    from ventas_ingenio.pg_embebido import iniciar_si_hace_falta

    iniciar_si_hace_falta()
