"""A real outbox worker in its own process, for the tests that kill one half-way."""

import signal
import subprocess
import time

from conftest import MANAGE


def trabajador(entorno, *argumentos):
    """``manage.py sincronizar_clientes`` in a subprocess (``entorno``: the test database's env)."""
    return subprocess.Popen([*MANAGE, "sincronizar_clientes", *argumentos], env=entorno,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def matar_a_media_tanda(modelo, entorno, *, minimo: int) -> int:
    """Start a worker that claims every due row of ``modelo`` at once, SIGKILL it once it has
    sent ``minimo`` of them, and return how many it finished."""
    proceso = trabajador(entorno, "--lote", "40")
    limite = time.monotonic() + 30
    while modelo.objects.filter(estado="sincronizado").count() < minimo:
        assert time.monotonic() < limite, "el trabajador no avanzó"
        time.sleep(0.02)
    proceso.send_signal(signal.SIGKILL)
    proceso.wait(timeout=10)
    # What it held stays claimed until its lease expires.
    assert modelo.objects.filter(estado="pendiente", reclamo__isnull=False).exists()
    return modelo.objects.filter(estado="sincronizado").count()


def terminar_tras_el_reclamo(modelo, entorno) -> None:
    """Once the killed worker's leases expire, another worker finishes every row."""
    time.sleep(3.2)  # INTEGRACIONES_RECLAMO_SEGUNDOS in the tests
    final = trabajador(entorno, "--once")
    salida = final.communicate(timeout=60)
    assert final.returncode == 0, salida
    assert modelo.objects.exclude(estado="sincronizado").count() == 0
