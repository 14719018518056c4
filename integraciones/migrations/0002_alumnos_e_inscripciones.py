"""Alumnos apart from clients: the first version sent every named client to SII and Aula.

Which client becomes an alumno (see docs/decisiones.md, "Issue 14"):

- a client with a CURP, an SII or Aula id, or any outbox row becomes an alumno that pays for
  themself (``parentesco = propio``): the alumno takes the CURP, birth date, email, phone and
  both external ids; the client keeps its sales and stays the one who pays. Without a CURP the
  alumno is marked ``por_confirmar``: the first version registered parents too, and only staff
  can tell. The outbox rows (pending ones included, with their Idempotency-Key, attempts and
  lease) move to the alumno unchanged, so the worker carries on where it was.
- "Público en general" and clients never sent anywhere stay clients only.
"""

import django.db.models.deletion
import django.db.models.functions.datetime
import uuid
from django.db import migrations, models


def clientes_a_alumnos(apps, schema_editor):
    alias = schema_editor.connection.alias
    Cliente = apps.get_model("clientes", "Cliente")
    Alumno = apps.get_model("clientes", "Alumno")
    AlumnoResponsable = apps.get_model("clientes", "AlumnoResponsable")
    SincronizacionAlumno = apps.get_model("integraciones", "SincronizacionAlumno")
    con_filas = set(SincronizacionAlumno.objects.using(alias).values_list("cliente_id", flat=True))
    clientes = Cliente.objects.using(alias).filter(es_publico_general=False).order_by("pk")
    for cliente in clientes.iterator(chunk_size=2000):
        if not (cliente.curp or cliente.id_alumno_sii or cliente.id_alumno_aula or cliente.pk in con_filas):
            continue
        alumno = Alumno.objects.using(alias).create(
            nombre=cliente.nombre, apellidos=cliente.apellidos, curp=cliente.curp,
            fecha_nacimiento=cliente.fecha_nacimiento, email=cliente.email, telefono=cliente.telefono,
            activo=cliente.activo, por_confirmar=not cliente.curp,
            id_alumno_sii=cliente.id_alumno_sii, id_alumno_aula=cliente.id_alumno_aula,
        )
        AlumnoResponsable.objects.using(alias).create(alumno=alumno, cliente=cliente, parentesco="propio")
        SincronizacionAlumno.objects.using(alias).filter(cliente_id=cliente.pk).update(alumno=alumno)


class Migration(migrations.Migration):

    dependencies = [
        ('clientes', '0003_alumnos_y_responsables'),
        ('cursos', '0001_initial'),
        ('integraciones', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SincronizacionInscripcion',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('operacion', models.CharField(choices=[('crear', 'Inscribir'), ('cancelar', 'Cancelar inscripción')], max_length=10)),
                ('clave', models.UUIDField(default=uuid.uuid4, verbose_name='Idempotency-Key')),
                ('estado', models.CharField(choices=[('pendiente', 'Pendiente'), ('sincronizado', 'Sincronizado'), ('error', 'Error')], default='pendiente', max_length=14)),
                ('intentos', models.PositiveIntegerField(default=0)),
                ('proximo_intento', models.DateTimeField(db_default=django.db.models.functions.datetime.Now(), verbose_name='próximo intento')),
                ('reclamo', models.UUIDField(blank=True, editable=False, null=True)),
                ('id_externo', models.CharField(blank=True, max_length=64, verbose_name='id externo')),
                ('ultimo_error', models.TextField(blank=True, verbose_name='último error')),
                ('sincronizado_en', models.DateTimeField(blank=True, null=True)),
                ('creado', models.DateTimeField(auto_now_add=True)),
                ('actualizado', models.DateTimeField(auto_now=True)),
            ],
            options={
                'verbose_name': 'envío de inscripción a Aula',
                'verbose_name_plural': 'envíos de inscripciones a Aula',
                'db_table': 'integraciones_sincronizacion_inscripcion',
                'ordering': ['inscripcion_id', 'id'],
            },
        ),
        migrations.AlterModelOptions(
            name='sincronizacionalumno',
            options={'ordering': ['alumno_id', 'sistema'], 'verbose_name': 'sincronización de alumno', 'verbose_name_plural': 'sincronizaciones de alumnos'},
        ),
        migrations.RemoveConstraint(
            model_name='sincronizacionalumno',
            name='sincronizacion_una_por_sistema',
        ),
        migrations.AddField(
            model_name='sincronizacionalumno',
            name='alumno',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='sincronizaciones', to='clientes.alumno'),
        ),
        migrations.RunPython(clientes_a_alumnos, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='sincronizacionalumno',
            name='cliente',
        ),
        migrations.AlterField(
            model_name='sincronizacionalumno',
            name='alumno',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sincronizaciones', to='clientes.alumno'),
        ),
        migrations.AddConstraint(
            model_name='sincronizacionalumno',
            constraint=models.UniqueConstraint(fields=('alumno', 'sistema'), name='sincronizacion_una_por_sistema'),
        ),
        migrations.AddField(
            model_name='sincronizacioninscripcion',
            name='inscripcion',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sincronizaciones', to='cursos.inscripcion'),
        ),
        migrations.AddIndex(
            model_name='sincronizacioninscripcion',
            index=models.Index(condition=models.Q(('estado', 'pendiente')), fields=['proximo_intento'], name='sinc_inscripcion_pendiente_idx'),
        ),
        migrations.AddConstraint(
            model_name='sincronizacioninscripcion',
            constraint=models.UniqueConstraint(fields=('inscripcion', 'operacion'), name='sincronizacion_inscripcion_una'),
        ),
        migrations.AddConstraint(
            model_name='sincronizacioninscripcion',
            constraint=models.CheckConstraint(condition=models.Q(('operacion__in', ['crear', 'cancelar'])), name='sincronizacion_inscripcion_operacion'),
        ),
        migrations.AddConstraint(
            model_name='sincronizacioninscripcion',
            constraint=models.CheckConstraint(condition=models.Q(('estado__in', ['pendiente', 'sincronizado', 'error'])), name='sincronizacion_inscripcion_estado'),
        ),
        migrations.AddConstraint(
            model_name='sincronizacioninscripcion',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('estado', 'sincronizado'), _negated=True), models.Q(('id_externo', ''), _negated=True), _connector='OR'), name='sincronizacion_inscripcion_con_id'),
        ),
    ]
