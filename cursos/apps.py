from django.apps import AppConfig


class CursosConfig(AppConfig):
    name = "cursos"
    verbose_name = "Cursos"
