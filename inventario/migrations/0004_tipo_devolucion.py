"""A partial return gets its own ledger kind, "devolucion"; a cancellation keeps
"cancelacion_venta". Both put goods back, so both are positive and tied to a sale.
The rows already written are relabelled by 0005."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inventario', '0003_nombre_orden_palabras'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='movimientoinventario',
            name='movimiento_signo_segun_tipo',
        ),
        migrations.RemoveConstraint(
            model_name='movimientoinventario',
            name='movimiento_venta_solo_en_ventas',
        ),
        migrations.AlterField(
            model_name='movimientoinventario',
            name='tipo',
            field=models.CharField(choices=[('entrada', 'Entrada'), ('ajuste', 'Ajuste'), ('venta', 'Venta'), ('cancelacion_venta', 'Cancelación de venta'), ('devolucion', 'Devolución')], max_length=20, verbose_name='tipo'),
        ),
        migrations.AddConstraint(
            model_name='movimientoinventario',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('cantidad__gt', 0), ('tipo__in', ['entrada', 'cancelacion_venta', 'devolucion'])), models.Q(('cantidad__lt', 0), ('tipo', 'venta')), models.Q(('tipo', 'ajuste'), models.Q(('cantidad', 0), _negated=True)), _connector='OR'), name='movimiento_signo_segun_tipo'),
        ),
        migrations.AddConstraint(
            model_name='movimientoinventario',
            constraint=models.CheckConstraint(condition=models.Q(('id_venta__isnull', True), ('tipo__in', ['venta', 'cancelacion_venta', 'devolucion']), _connector='OR'), name='movimiento_venta_solo_en_ventas'),
        ),
    ]
