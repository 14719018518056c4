"""The outbox worker: send pending alumno registrations to SII and Aula, and enrollments to Aula.

Safe to run as several processes on several hosts at once (rows are claimed with
``SELECT ... FOR UPDATE SKIP LOCKED`` and a lease). Runs continuously, or with ``--once``
until nothing is due. The name stays ``sincronizar_clientes`` (``make run`` and deployments
start it by that name).
"""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from integraciones.services import inscripciones_procesar_lote, sincronizaciones_procesar_lote


class Command(BaseCommand):
    help = "Envía lo pendiente de la bandeja de salida: alumnos a SII y Aula, inscripciones a Aula."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="procesar lo pendiente y salir")
        parser.add_argument("--lote", type=int, default=20, help="filas reclamadas por vuelta (de cada tipo)")
        parser.add_argument("--intervalo", type=float, default=2.0, help="segundos de espera sin trabajo")

    def handle(self, *args, once, lote, intervalo, **options):
        self._seguir = True
        signal.signal(signal.SIGTERM, self._detener)
        signal.signal(signal.SIGINT, self._detener)
        total = 0
        while self._seguir:
            close_old_connections()
            # Alumnos first: an enrollment waits for its alumno's SII row.
            procesadas = sincronizaciones_procesar_lote(limite=lote)
            if self._seguir:
                procesadas += inscripciones_procesar_lote(limite=lote)
            total += procesadas
            if procesadas:
                continue
            if once:
                break
            time.sleep(intervalo)
        self.stdout.write(f"Sincronizaciones procesadas: {total}")

    def _detener(self, *args):
        # Finish the current row, then leave; unfinished claims expire and are retried.
        self._seguir = False
