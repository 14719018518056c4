"""Sales, their lines and payments, returns and refunds are never deleted (the first version
deleted a sale with its lines). A cancellation is a new row; a DELETE is refused by PostgreSQL
whatever the client (the app, the admin, psql). TRUNCATE is a different statement and stays
available for the test suite's flush and for a deliberate reset."""

from django.db import migrations

TABLAS = ("tra_venta", "tra_venta_det", "tra_pago", "tra_devolucion", "tra_devolucion_det", "tra_reembolso")

FUNCION = """
CREATE OR REPLACE FUNCTION ventas_no_se_borran() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'Las ventas no se borran (%): cancela la venta o registra una devolución.', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END $$;
"""


def _disparadores(crear: bool) -> list[str]:
    if crear:
        return [
            f"CREATE TRIGGER {tabla}_no_se_borra BEFORE DELETE ON {tabla} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION ventas_no_se_borran()"
            for tabla in TABLAS
        ]
    return [f"DROP TRIGGER IF EXISTS {tabla}_no_se_borra ON {tabla}" for tabla in TABLAS]


class Migration(migrations.Migration):
    dependencies = [("ventas", "0004_turno_resumen_cierre")]

    operations = [
        migrations.RunSQL(FUNCION, reverse_sql="DROP FUNCTION IF EXISTS ventas_no_se_borran()"),
        migrations.RunSQL(_disparadores(True), reverse_sql=_disparadores(False)),
    ]
