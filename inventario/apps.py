from django.apps import AppConfig


class InventarioConfig(AppConfig):
    name = "inventario"
    verbose_name = "Catálogo e inventario"
