"""Names for the hand-written SQL of the hot paths (the checkout and the stock ledger), read
from the models.

The SQL of those paths is written by hand because compiling the equivalent ORM queries cost
more CPU than running them (docs/decisiones.md). Its table and column names still come from
the models' metadata, quoted by the backend, so a field added to a model is written by the
same statement without anyone retyping a list, and no name is ever pasted into SQL from
anywhere else. The builders are cached: each statement is assembled once per process.
"""

from __future__ import annotations

import functools
import re

from django.db import connections
from django.db.models import Field, Model, Value
from django.db.models.expressions import Expression

from ventas_ingenio.router import DB_NEGOCIO


def nombre(identificador: str) -> str:
    """An identifier quoted for the business database."""
    return connections[DB_NEGOCIO].ops.quote_name(identificador)


def tabla(modelo: type[Model]) -> str:
    return nombre(modelo._meta.db_table)


def columna(modelo: type[Model], campo: str) -> str:
    """The quoted column of ``modelo``'s field ``campo`` (a field name, e.g. "existencia")."""
    return nombre(modelo._meta.get_field(campo).column)


def la_base_lo_llena(campo: Field) -> bool:
    """Whether the database computes ``campo`` on INSERT: its ``db_default`` is an expression
    (``Now()``, ``nextval(…)``). A constant ``db_default`` ("" or 0) is there for writers that
    predate the column (the demo's COPY loader, rows of an older shape): the app writes that
    field itself, and a value nobody supplies fails with ``KeyError`` instead of the default."""
    if not campo.has_db_default():
        return False
    return isinstance(campo.db_default, Expression) and not isinstance(campo.db_default, Value)


@functools.cache
def campos_insertables(modelo: type[Model]) -> tuple[Field, ...]:
    """The fields an INSERT of ``modelo`` writes, in model order: every concrete field but the
    primary key, the generated ones and those the database computes itself (``la_base_lo_llena``)."""
    return tuple(
        campo
        for campo in modelo._meta.concrete_fields
        if not campo.primary_key and not campo.generated and not la_base_lo_llena(campo)
    )


@functools.cache
def campos_de_la_base(modelo: type[Model]) -> tuple[Field, ...]:
    """The concrete fields the database fills on INSERT (the key and the computed ``db_default`` ones):
    what the INSERT returns so the instance can be built without reading the row again."""
    insertables = campos_insertables(modelo)
    return tuple(
        campo for campo in modelo._meta.concrete_fields if campo not in insertables and not campo.generated
    )


def tipo_arreglo(campo: Field) -> str:
    """The PostgreSQL array type of ``campo`` for ``UNNEST(%s::…[])``, without the length or
    scale (``varchar[]``, ``numeric[]``): an explicit cast to ``varchar(n)`` would cut a long
    value silently, while the column's own type still refuses or rounds it on INSERT."""
    return re.sub(r"\(.*\)", "", campo.db_type(connections[DB_NEGOCIO])) + "[]"


def instancia(modelo: type[Model], valores: dict):
    """A ``modelo`` instance of a row just written or read by hand-written SQL, built the way the
    ORM builds the rows it reads (``Model.from_db``). ``valores``: by attname, every concrete
    field but generated ones (a missing one raises ``KeyError``)."""
    campos = [c for c in modelo._meta.concrete_fields if not c.generated]
    return modelo.from_db(DB_NEGOCIO, [c.attname for c in campos], [valores[c.attname] for c in campos])
