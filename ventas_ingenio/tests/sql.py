"""Checks shared by the tests of the hand-written INSERTs (the checkout and the stock ledger).

Their column lists are built from the models (``ventas_ingenio.sql``); these helpers read the
generated SQL back, so a test sees what the database is sent: which columns, in which order,
and which parameter feeds each one."""

import re


def columnas_del_insert(sql: str, tabla: str) -> list[str]:
    """The columns ``sql`` lists in its ``INSERT INTO tabla (…)``, in order, unquoted."""
    lista = re.search(rf'INSERT INTO "?{tabla}"? \(([^)]*)\)', sql).group(1)
    return [columna.strip().strip('"') for columna in lista.split(",")]


def columnas_que_escribe_la_app(modelo) -> list[str]:
    """The model's columns, in field order, but its primary key, generated columns and those the
    database computes (a ``db_default`` that is an expression, like ``Now()``; a constant one is
    only for older writers): what a hand-written INSERT of that model has to list."""
    from django.db.models import Value
    from django.db.models.expressions import Expression

    def computada(campo):
        return (campo.has_db_default() and isinstance(campo.db_default, Expression)
                and not isinstance(campo.db_default, Value))

    return [
        campo.column
        for campo in modelo._meta.concrete_fields
        if not campo.primary_key and not campo.generated and not computada(campo)
    ]


def columnas_de_los_parametros(texto: str, modelo, prefijo: str = "") -> list[str]:
    """The columns of the fields named by the ``%(<prefijo><attname>)s`` parameters of ``texto``,
    in order: e.g. the VALUES list of an INSERT, or the arrays of an UNNEST."""
    por_attname = {campo.attname: campo.column for campo in modelo._meta.concrete_fields}
    return [por_attname[nombre] for nombre in re.findall(rf"%\({prefijo}(\w+)\)s", texto)]
