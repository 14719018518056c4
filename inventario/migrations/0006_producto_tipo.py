from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inventario', '0005_devoluciones_reetiquetar'),
    ]

    operations = [
        migrations.AddField(
            model_name='producto',
            name='tipo',
            field=models.CharField(choices=[('articulo', 'Artículo'), ('curso', 'Curso (edición)')], db_default='articulo', editable=False, max_length=8, verbose_name='tipo'),
        ),
        migrations.AddConstraint(
            model_name='producto',
            constraint=models.CheckConstraint(condition=models.Q(('tipo__in', ['articulo', 'curso'])), name='producto_tipo_valido'),
        ),
    ]
