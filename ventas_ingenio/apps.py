from django.apps import AppConfig


class VentasIngenioConfig(AppConfig):
    name = "ventas_ingenio"
    verbose_name = "Ventas Ingenio"
