"""Idempotent setup run by `make run` after migrating both databases."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from ventas_ingenio.roles import ROL_CAJERO, ROL_CONSULTA, ROL_GERENTE, rol_asignar, roles_configurar
from ventas_ingenio.router import DB_AUTH

VENTAS_DEMO = 3_000

# Demo users (only created with DATOS_DEMO on, as `make run` does). The README lists them.
USUARIOS_DESARROLLO = (
    ("gerente", "gerente-demo", "Gabriela", "Méndez", ROL_GERENTE),
    ("cajero", "cajero-demo", "Carlos", "Ramírez", ROL_CAJERO),
    ("cajera2", "cajero-demo", "Lucía", "Hernández", ROL_CAJERO),
    ("consulta", "consulta-demo", "Rosa", "Aguilar", ROL_CONSULTA),
)


class Command(BaseCommand):
    help = "Crea los roles y, solo con DATOS_DEMO, los usuarios, el catálogo y las ventas de demostración."

    def handle(self, *args, **options):
        roles_configurar()
        self.stdout.write("Roles Cajero, Gerente y Consulta configurados.")
        if settings.DATOS_DEMO:
            modelo = get_user_model()
            for usuario, clave, nombre, apellido, rol in USUARIOS_DESARROLLO:
                cuenta, creada = modelo.objects.using(DB_AUTH).get_or_create(
                    username=usuario, defaults={"first_name": nombre, "last_name": apellido}
                )
                if creada:
                    cuenta.set_password(clave)
                    cuenta.save(using=DB_AUTH)
                rol_asignar(usuario=cuenta, rol=rol)
            self.stdout.write("Usuarios de desarrollo listos (ver README).")
            # The demo catalog and a year of past sales, so the history, the daily summary and
            # the dashboard have something to show on a fresh machine (only on an empty database).
            call_command("cargar_demo", si_vacio=True, ventas=VENTAS_DEMO, stdout=self.stdout)
