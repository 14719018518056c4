from django.apps import AppConfig


class VentasIngenioConfig(AppConfig):
    name = "ventas_ingenio"
    verbose_name = "Ventas Ingenio"

    def ready(self):
        # seguridad connects the security log and the session clocks to Django's and axes'
        # signals; fiscal registers the system checks of the school's fiscal data (RFC, régimen).
        from ventas_ingenio import fiscal, seguridad  # noqa: F401
