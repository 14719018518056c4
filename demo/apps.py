from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Development and benchmark data only: the demo catalog, a year of demo sales and the
    `cargar_demo` command. No business code imports this app."""

    name = "demo"
    verbose_name = "Datos de demostración"
