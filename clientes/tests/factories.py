import string

import factory

from clientes.curp import curp_digito_verificador
from clientes.models import Alumno, AlumnoResponsable, Cliente
from ventas_ingenio.router import DB_NEGOCIO


def curp_valida(n: int = 0, *, siglo_xxi: bool = False) -> str:
    """A CURP that passes the pattern and the check digit, different for each n (< 6760)."""
    letras = string.ascii_uppercase
    primeros = "G" + "AEIOU"[n % 5] + letras[(n // 5) % 26] + letras[(n // 130) % 26]
    if primeros in ("GETA", "GUEI", "GUEY"):  # RENAPO's rule for a word it does not assign
        primeros = "GX" + primeros[2:]
    fecha = f"{(n % 90) + 10:02d}{(n % 12) + 1:02d}{(n % 28) + 1:02d}"
    base = primeros + fecha + "H" + "DF" + "RRN" + ("A" if siglo_xxi else "0")
    return base + curp_digito_verificador(base)


class ClienteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cliente
        database = DB_NEGOCIO

    nombre = factory.Faker("first_name", locale="es_MX")
    apellidos = factory.Faker("last_name", locale="es_MX")
    email = factory.Sequence(lambda n: f"cliente{n}@escuela.test")
    telefono = factory.Sequence(lambda n: f"55{n:08d}")


class AlumnoFactory(factory.django.DjangoModelFactory):
    """An alumno written straight to the table (no outbox rows: use ``alumno_registrar`` for that)."""

    class Meta:
        model = Alumno
        database = DB_NEGOCIO

    nombre = factory.Faker("first_name", locale="es_MX")
    apellidos = factory.Faker("last_name", locale="es_MX")


class AlumnoResponsableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AlumnoResponsable
        database = DB_NEGOCIO

    alumno = factory.SubFactory(AlumnoFactory)
    cliente = factory.SubFactory(ClienteFactory)
    parentesco = "madre"


def rfc_valido(n: int = 0, *, empresa: bool = False) -> str:
    """An RFC that python-stdnum accepts (check digit included), different for each n (< 676):
    13 characters for a person, 12 for a company."""
    from stdnum.mx import rfc as stdnum_rfc

    letras = string.ascii_uppercase
    siglas = ("MO" if empresa else "MOR") + letras[n % 26]
    fecha = f"{(n % 90) + 10:02d}{(n % 12) + 1:02d}{(n % 28) + 1:02d}"
    base = siglas + fecha + "A" + letras[(n // 26) % 26]
    return base + stdnum_rfc.calc_check_digit(base)
