from django.apps import AppConfig


class IntegracionesConfig(AppConfig):
    name = "integraciones"
    verbose_name = "Integraciones (SII y Aula)"
