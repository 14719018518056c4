"""Run callables at the same instant in threads, each with its own database connections."""

import threading

from django.db import connections


def en_paralelo(funciones):
    """Start all functions together (a barrier) and collect each one's result or exception."""
    barrera = threading.Barrier(len(funciones))
    resultados = [None] * len(funciones)

    def correr(i, funcion):
        try:
            barrera.wait()
            resultados[i] = funcion()
        except Exception as error:  # noqa: BLE001 - the test inspects it
            resultados[i] = error
        finally:
            connections.close_all()

    hilos = [threading.Thread(target=correr, args=(i, f)) for i, f in enumerate(funciones)]
    for hilo in hilos:
        hilo.start()
    for hilo in hilos:
        hilo.join(timeout=60)
    assert not any(h.is_alive() for h in hilos), "un hilo quedó bloqueado"
    return resultados
