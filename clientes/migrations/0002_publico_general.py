"""The walk-in client "Público en general" for sales without a named client (never synced)."""

from django.db import migrations


def crear(apps, schema_editor):
    Cliente = apps.get_model("clientes", "Cliente")
    Cliente.objects.using(schema_editor.connection.alias).get_or_create(
        es_publico_general=True, defaults={"nombre": "Público en general", "email": ""}
    )


def borrar(apps, schema_editor):
    Cliente = apps.get_model("clientes", "Cliente")
    Cliente.objects.using(schema_editor.connection.alias).filter(es_publico_general=True).delete()


class Migration(migrations.Migration):
    dependencies = [("clientes", "0001_initial")]
    operations = [migrations.RunPython(crear, borrar)]
