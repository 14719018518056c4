import factory
from factory import fuzzy

from inventario.models import Categoria, Producto
from inventario.validators import ean13_generar
from ventas_ingenio.router import DB_NEGOCIO


def ean13(numero: int, prefijo: str = "750") -> str:
    return ean13_generar(numero, prefijo)


class CategoriaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Categoria
        database = DB_NEGOCIO
        django_get_or_create = ("nombre",)

    nombre = factory.Sequence(lambda n: f"Categoría {n}")


class ProductoFactory(factory.django.DjangoModelFactory):
    """A product with no stock; give it stock through the services (the ledger must agree)."""

    class Meta:
        model = Producto
        database = DB_NEGOCIO

    codigo = factory.Sequence(lambda n: f"PRD-{n:05d}")
    codigo_barras = factory.Sequence(lambda n: ean13(n + 1))
    nombre = factory.Faker("sentence", nb_words=3, locale="es_MX")
    categoria = factory.SubFactory(CategoriaFactory)
    precio = fuzzy.FuzzyDecimal(5, 500, precision=2)
    existencia_minima = 5
