"""Serve the sandbox SII + Aula server (see integraciones/sandbox.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from integraciones.sandbox import crear_servidor, urls_de


class Command(BaseCommand):
    help = "Sirve el sandbox de SII y Aula (alumnos e inscripciones, con fallas conmutables)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--archivo", type=Path, default=None, help="JSON donde guardar alumnos e inscripciones")

    def handle(self, *args, host, port, archivo, **options):
        servidor = crear_servidor(host, port, archivo)
        sii, aula = urls_de(servidor)
        self.stdout.write(f"Sandbox listo: SII_API_URL={sii} AULA_API_URL={aula}", ending="\n")
        self.stdout.flush()
        try:
            servidor.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            pass
        finally:
            servidor.server_close()
