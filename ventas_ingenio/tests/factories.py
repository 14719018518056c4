import factory
from django.contrib.auth import get_user_model

from ventas_ingenio.router import DB_AUTH


class UsuarioFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        database = DB_AUTH
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"usuario{n}")
    first_name = factory.Faker("first_name", locale="es_MX")
    last_name = factory.Faker("last_name", locale="es_MX")
    email = factory.LazyAttribute(lambda u: f"{u.username}@escuela.test")
    password = factory.django.Password("clave-de-pruebas-123")


def peticion_caja(ip: str = "10.20.0.7"):
    """A till's request, for services that check a Gerente's typed password (limited per address)."""
    from django.test import RequestFactory

    return RequestFactory().post("/", REMOTE_ADDR=ip)
