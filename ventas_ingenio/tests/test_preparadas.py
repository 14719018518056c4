"""``sql.ejecutar`` (prepared statements of the hot paths) and ``sql.instancias`` (their rows as
model instances, as ``raw()`` builds them)."""

import uuid

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from ventas.models import Carrito
from ventas_ingenio import sql
from ventas_ingenio.router import DB_NEGOCIO

pytestmark = pytest.mark.django_db(databases="__all__")
TEXTO = "SELECT %(a)s::integer + %(b)s::integer AS suma, %(a)s::integer AS a, '100%%' AS porcentaje"


def _preparadas() -> list[str]:
    with connections[DB_NEGOCIO].cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name = 'prueba_suma'")
        return [fila[0] for fila in cursor.fetchall()]


def test_se_prepara_una_vez_por_sesion_y_otra_vez_al_reconectar():
    conexion = connections[DB_NEGOCIO]
    for a, b in ((1, 2), (40, 2)):
        with CaptureQueriesContext(conexion) as consultas, conexion.cursor() as cursor:
            sql.ejecutar(cursor, nombre="prueba_suma", texto=TEXTO, parametros={"a": a, "b": b})
            assert cursor.fetchone() == (a + b, a, "100%")
        assert [q["sql"] for q in consultas.captured_queries] == [f"EXECUTE prueba_suma({a}, {b})"]
    assert _preparadas() == ["prueba_suma"]
    # A new session (PostgreSQL restarted, CONN_MAX_AGE reached) has none: prepared again.
    otra = connections.create_connection(DB_NEGOCIO)
    try:
        with otra.cursor() as cursor:
            sql.ejecutar(cursor, nombre="prueba_suma", texto=TEXTO, parametros={"a": 5, "b": 5})
            assert cursor.fetchone()[0] == 10
        otra.close()
        with otra.cursor() as cursor:
            sql.ejecutar(cursor, nombre="prueba_suma", texto=TEXTO, parametros={"a": 7, "b": 1})
            assert cursor.fetchone()[0] == 8
    finally:
        otra.close()


def test_solo_parametros_con_nombre():
    with pytest.raises(ValueError, match="con nombre"), connections[DB_NEGOCIO].cursor() as cursor:
        sql.ejecutar(cursor, nombre="prueba_posicional", texto="SELECT %s", parametros={})


def test_instancias_en_el_orden_del_modelo_con_conversiones_y_columnas_extra():
    clave = uuid.uuid4()
    carrito = Carrito.objects.create(id_cajero=7, clave_cobro=clave, nota="nota")
    with connections[DB_NEGOCIO].cursor() as cursor:
        # Columns in another order than the model's, one of them not a field.
        cursor.execute("SELECT nota, clave_cobro, 42 AS extra, estado, id_carrito, id_cajero FROM tra_carrito")
        (leido,) = sql.instancias(Carrito, cursor)
    assert (leido.pk, leido.id_cajero, leido.estado, leido.nota) == (carrito.pk, 7, "activo", "nota")
    assert leido.clave_cobro == clave and isinstance(leido.clave_cobro, uuid.UUID)
    assert leido.extra == 42


def test_una_sentencia_preparada_rota_cambia_la_sesion_al_terminar_la_peticion():
    """Someone DEALLOCATEs it (or a migration changes what it reads): that request fails, the
    session is replaced when it ends, and the next request prepares it again."""
    from django.db import DatabaseError

    conexion = connections.create_connection(DB_NEGOCIO)
    try:
        with conexion.cursor() as cursor:
            sql.ejecutar(cursor, nombre="prueba_suma", texto=TEXTO, parametros={"a": 1, "b": 1})
            cursor.execute("DEALLOCATE prueba_suma")
            with pytest.raises(DatabaseError, match='does not exist'):
                sql.ejecutar(cursor, nombre="prueba_suma", texto=TEXTO, parametros={"a": 1, "b": 1})
        assert conexion.preparadas_rotas
        conexion.close_if_unusable_or_obsolete()  # the end of the request
        assert conexion.connection is None
        with conexion.cursor() as cursor:
            sql.ejecutar(cursor, nombre="prueba_suma", texto=TEXTO, parametros={"a": 2, "b": 3})
            assert cursor.fetchone()[0] == 5
        assert not conexion.preparadas_rotas
    finally:
        conexion.close()


def test_una_columna_nueva_no_rompe_el_cobro_preparado(cajero, turno_para):
    """The checkout's statements name their columns: a column added while the server runs does
    not change their result (``SELECT *`` would fail with "cached plan must not change result type")."""
    from decimal import Decimal

    from ventas.caja.cobro import venta_confirmar
    from ventas.caja.selectors import carrito_de_cajero
    from ventas.caja.services import carrito_agregar
    from ventas.tests.factories import producto_con_existencia

    turno_para(cajero)
    producto = producto_con_existencia(10)
    for paso in range(2):
        carrito_agregar(cajero=cajero, producto_id=producto.pk)
        vista = carrito_de_cajero(cajero=cajero)
        venta, creada = venta_confirmar(cajero=cajero, clave_cobro=vista.carrito.clave_cobro, huella=vista.huella,
                                        pagos=[], efectivo_recibido=Decimal("10000"))
        assert creada
        if paso == 0:
            with connections[DB_NEGOCIO].cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's transaction holds deferred checks
                for tabla in ("tra_carrito", "cat_producto"):
                    cursor.execute(f"ALTER TABLE {tabla} ADD COLUMN prueba_nueva integer")
