"""Checks shared by the tests of hand-written INSERTs (the checkout and the stock ledger)."""

import re


def columnas_del_insert(sql: str, tabla: str) -> set[str]:
    """The columns ``sql`` lists in its ``INSERT INTO tabla (…)``."""
    lista = re.search(rf"INSERT INTO {tabla} \(([^)]*)\)", sql).group(1)
    return {columna.strip() for columna in lista.split(",")}


def columnas_que_escribe_la_app(modelo) -> set[str]:
    """The model's columns but its primary key and those the database fills (``db_default``):
    what a hand-written INSERT of that model has to list."""
    return {
        campo.column for campo in modelo._meta.concrete_fields if not campo.primary_key and not campo.has_db_default()
    }
