from django.apps import AppConfig


class VentasIngenioConfig(AppConfig):
    name = "ventas_ingenio"
    verbose_name = "Ventas Ingenio"

    def ready(self):
        # Connects the security log and the session clocks to Django's and axes' signals.
        from ventas_ingenio import seguridad  # noqa: F401
