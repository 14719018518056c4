"""Relabel the ledger rows of partial returns written before "devolucion" existed.

Until 0003 both a partial return and a cancellation wrote "cancelacion_venta". The return
service starts each movement's ``motivo`` with the return's folio ("D-000046 (V-003001): …")
and the demo loader writes the bare folio ("D-000046"), so a row is a partial return when that
folio is a ``tra_devolucion`` of kind "devolucion" of the same sale. A row whose ``motivo``
carries no folio is a partial return when its sale has returns and was never cancelled: a
cancellation is the only other writer of "cancelacion_venta" with a sale. Rows of a cancelled
sale without a folio stay as they are (nothing tells the two apart). Quantities are unchanged,
so every stock is still the sum of its movements.
"""

from django.db import migrations

REETIQUETAR = [
    """
    UPDATE tra_movimiento_inventario AS m SET tipo = 'devolucion'
    FROM tra_devolucion AS d
    WHERE m.tipo = 'cancelacion_venta'
      AND d.tipo = 'devolucion'
      AND d.id_venta = m.id_venta
      AND d.folio = substring(m.motivo FROM '^D-([0-9]{1,18})')::bigint
    """,
    """
    UPDATE tra_movimiento_inventario AS m SET tipo = 'devolucion'
    WHERE m.tipo = 'cancelacion_venta'
      AND m.id_venta IS NOT NULL
      AND m.motivo !~ '^D-[0-9]'
      AND EXISTS (SELECT 1 FROM tra_devolucion d WHERE d.id_venta = m.id_venta AND d.tipo = 'devolucion')
      AND NOT EXISTS (SELECT 1 FROM tra_devolucion d WHERE d.id_venta = m.id_venta AND d.tipo = 'cancelacion')
    """,
]

# Back to the single kind 0003 removes; the CHECK of 0002 only accepts "cancelacion_venta".
DESHACER = "UPDATE tra_movimiento_inventario SET tipo = 'cancelacion_venta' WHERE tipo = 'devolucion'"


class Migration(migrations.Migration):
    dependencies = [
        ("inventario", "0004_tipo_devolucion"),
        ("ventas", "0002_turnos_devoluciones"),
    ]

    operations = [migrations.RunSQL(REETIQUETAR, reverse_sql=DESHACER)]
