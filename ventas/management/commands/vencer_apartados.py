"""Liberate the apartados past their date (``ventas.apartados.services.apartados_vencer``).

Once by default (cron, a deployment's timer); with ``--cada SEGUNDOS`` it keeps running and
repeats, as ``make run`` starts it next to the outbox worker. Safe to run as several processes
at once: each apartado is taken with ``FOR UPDATE SKIP LOCKED``.
"""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from ventas.apartados.services import apartados_vencer


class Command(BaseCommand):
    help = "Libera los apartados vencidos: la mercancía regresa al inventario y el dinero va según la política."

    def add_arguments(self, parser):
        parser.add_argument("--cada", type=float, default=0,
                            help="repetir cada tantos segundos (sin esta opción corre una vez y sale)")

    def handle(self, *args, cada, **options):
        self._seguir = True
        signal.signal(signal.SIGTERM, self._detener)
        signal.signal(signal.SIGINT, self._detener)
        while self._seguir:
            if cada:
                close_old_connections()  # a long-running loop: drop connections past their age
            resultado = apartados_vencer()
            if resultado.liberados or resultado.fallidos or not cada:
                self.stdout.write(
                    f"Apartados vencidos liberados: {resultado.liberados} "
                    f"(a saldo a favor: {resultado.a_monedero}, por reembolsar: {resultado.por_reembolsar})"
                    + (f"; sin liberar por error: {resultado.fallidos} (ver el registro)" if resultado.fallidos else "")
                )
            if not cada:
                break
            final = time.monotonic() + cada
            while self._seguir and time.monotonic() < final:
                time.sleep(min(1.0, cada))

    def _detener(self, *args):
        self._seguir = False
