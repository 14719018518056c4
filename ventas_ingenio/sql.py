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

from django.db import DatabaseError, connections
from django.db.models import Field, Model, Value
from django.db.models.expressions import Expression

from ventas_ingenio.router import DB_NEGOCIO


def nombre(identificador: str) -> str:
    """An identifier quoted for the business database."""
    return connections[DB_NEGOCIO].ops.quote_name(identificador)


def tabla(modelo: type[Model]) -> str:
    return nombre(modelo._meta.db_table)


def columnas(modelo: type[Model], alias: str, campos=None) -> str:
    """``alias.column, …`` of ``campos`` (field names; every concrete field when None), for a
    SELECT or RETURNING that names its columns: a prepared statement's result must keep its
    shape when a migration adds a column (``alias.*`` would not)."""
    elegidos = modelo._meta.concrete_fields if campos is None else [modelo._meta.get_field(c) for c in campos]
    return ", ".join(f"{alias}.{nombre(campo.column)}" for campo in elegidos)


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


def tipo(campo: Field) -> str:
    """``campo``'s PostgreSQL type for a cast of a parameter, without length or scale (a cast to
    ``varchar(n)`` would cut a long value silently; the column still refuses or rounds it)."""
    return re.sub(r"\(.*\)", "", campo.db_type(connections[DB_NEGOCIO]))


def constante(valor: str) -> str:
    """A constant of the code (a choice's value) as an SQL literal, for the places a parameter
    cannot go: the predicate of ``ON CONFLICT``, which must match a partial index's at parse time."""
    if not re.fullmatch(r"[a-z0-9_]+", valor):
        raise ValueError(f"No es una constante simple: {valor!r}")
    return f"'{valor}'"


def tipo_arreglo(campo: Field) -> str:
    """The PostgreSQL array type of ``campo`` for ``UNNEST(%s::…[])``, without the length or
    scale (``varchar[]``, ``numeric[]``): an explicit cast to ``varchar(n)`` would cut a long
    value silently, while the column's own type still refuses or rounds it on INSERT."""
    return tipo(campo) + "[]"


_PARAMETRO = re.compile(r"%\((\w+)\)s")


@functools.cache
def _preparable(texto: str) -> tuple[str, tuple[str, ...]]:
    """``texto`` with its ``%(nombre)s`` placeholders as PREPARE's ``$1, $2…`` (one number per
    name), and the names in that order."""
    nombres: list[str] = []

    def numero(encontrado: re.Match) -> str:
        if encontrado.group(1) not in nombres:
            nombres.append(encontrado.group(1))
        return f"${nombres.index(encontrado.group(1)) + 1}"

    convertido = _PARAMETRO.sub(numero, texto)
    if "%s" in convertido:
        raise ValueError("Una sentencia preparada solo lleva parámetros con nombre: %(nombre)s.")
    return convertido.replace("%%", "%"), tuple(nombres)


def ejecutar(cursor, *, nombre: str, texto: str, parametros: dict) -> None:
    """Run ``texto`` (placeholders ``%(nombre)s``) as the session's prepared statement ``nombre``.

    The hot paths' statements are long CTEs whose planning cost more than their execution; a
    prepared statement is parsed once per database session and PostgreSQL may keep its plan.
    It is prepared on first use in each session (``DatabaseWrapper.preparadas``, emptied on
    reconnect) through the driver's own cursor: it is the session's setup, like Django's health
    check, not one of the request's queries. A parameter's type comes from where it is used, or
    from an explicit cast. ``nombre`` must name one text only (a constant of the caller)."""
    conexion = cursor.db
    preparadas = getattr(conexion, "preparadas", None)
    if preparadas is None:  # another backend: a plain statement
        cursor.execute(texto, parametros)
        return
    convertido, nombres = _preparable(texto)
    if nombre not in preparadas:
        with conexion.wrap_database_errors:
            cursor.cursor.execute(f"PREPARE {nombre} AS {convertido}")
        preparadas.add(nombre)
    marcas = ", ".join(["%s"] * len(nombres))
    try:
        cursor.execute(f"EXECUTE {nombre}({marcas})" if nombres else f"EXECUTE {nombre}",
                       [parametros[n] for n in nombres])
    except DatabaseError as error:
        if codigo_de_error(error) in _PREPARADA_ROTA:
            # This request fails; the session is replaced when it ends (the backend closes it), so
            # the next request prepares the statement again.
            conexion.preparadas_rotas = True
        raise


# "cached plan must not change result type" (a table the statement reads changed shape) and
# "prepared statement does not exist" (someone ran DEALLOCATE or DISCARD ALL on the session).
_PREPARADA_ROTA = {"0A000", "26000"}


def codigo_de_error(error: DatabaseError) -> str | None:
    """The SQLSTATE of a database error: ``sqlstate`` in psycopg 3, ``pgcode`` in psycopg2."""
    causa = error.__cause__
    return getattr(causa, "sqlstate", None) or getattr(causa, "pgcode", None)


def instancia(modelo: type[Model], valores: dict):
    """A ``modelo`` instance of a row just written or read by hand-written SQL, built the way the
    ORM builds the rows it reads (``Model.from_db``). ``valores``: by attname, every concrete
    field but generated ones (a missing one raises ``KeyError``)."""
    campos = [c for c in modelo._meta.concrete_fields if not c.generated]
    return modelo.from_db(DB_NEGOCIO, [c.attname for c in campos], [valores[c.attname] for c in campos])


def _conversiones(modelo: type[Model], campos: list[Field], conexion) -> list:
    """Per field, what turns the driver's value into the field's (a uuid's text into UUID…), as
    the ORM's compiler does when it reads rows."""
    resultado = []
    for campo in campos:
        col = campo.get_col(modelo._meta.db_table)
        resultado.append((col, conexion.ops.get_db_converters(col) + col.get_db_converters(conexion)))
    return resultado


class Lector:
    """Builds ``modelo`` instances from values read by hand-written SQL, for ``campos`` (field
    names, any order) in that order: converted as the ORM converts them and passed to
    ``from_db`` in the model's field order, which it requires."""

    def __init__(self, modelo: type[Model], campos, conexion):
        orden = {campo: n for n, campo in enumerate(modelo._meta.concrete_fields)}
        elegidos = [modelo._meta.get_field(campo) if isinstance(campo, str) else campo for campo in campos]
        self.modelo, self.conexion = modelo, conexion
        self.posiciones = sorted(range(len(elegidos)), key=lambda i: orden[elegidos[i]])
        self.nombres = [elegidos[i].attname for i in self.posiciones]
        self.conversiones = _conversiones(modelo, [elegidos[i] for i in self.posiciones], conexion)

    def __call__(self, valores):
        ordenados = []
        for posicion, (col, funciones) in zip(self.posiciones, self.conversiones, strict=True):
            valor = valores[posicion]
            for funcion in funciones:
                valor = funcion(valor, col, self.conexion)
            ordenados.append(valor)
        return self.modelo.from_db(self.conexion.alias, self.nombres, ordenados)


def instancias(modelo: type[Model], cursor) -> list:
    """The rows of the cursor's last statement as ``modelo`` instances, as ``raw()`` builds them:
    a column named as a field's column fills that field, any other column becomes an attribute."""
    por_columna = {campo.column: campo for campo in modelo._meta.concrete_fields}
    columnas = [descripcion[0] for descripcion in cursor.description]
    propias = [i for i, c in enumerate(columnas) if c in por_columna]
    otras = [(i, c) for i, c in enumerate(columnas) if c not in por_columna]
    leer = Lector(modelo, [por_columna[columnas[i]] for i in propias], cursor.db)
    resultado = []
    for fila in cursor.fetchall():
        objeto = leer([fila[i] for i in propias])
        for i, columna in otras:
            setattr(objeto, columna, fila[i])
        resultado.append(objeto)
    return resultado
