from django.contrib import admin, messages

from clientes.models import Alumno, AlumnoResponsable, Cliente
from clientes.selectors import cliente_tiene_ventas
from integraciones.models import SincronizacionAlumno
from integraciones.selectors import estado_texto
from integraciones.services import sincronizacion_reintentar


class SincronizacionInline(admin.TabularInline):
    model = SincronizacionAlumno
    extra = 0
    can_delete = False
    fields = ("sistema", "estado_legible", "operacion", "intentos", "proximo_intento", "id_externo", "clave")
    readonly_fields = fields

    @admin.display(description="estado")
    def estado_legible(self, fila):
        return estado_texto(fila)

    def has_add_permission(self, request, obj=None):
        return False


class ResponsableInline(admin.TabularInline):
    model = AlumnoResponsable
    extra = 0
    can_delete = False
    fields = ("alumno", "cliente", "parentesco")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cliente)
class ClienteAdmin(admin.ModelAdmin):
    """Clients (who pay) for the Gerente. Data is edited in the app's pages (through the services)."""

    list_display = ("id_cliente", "tipo", "nombre", "apellidos", "email", "rfc", "activo")
    list_filter = ("activo", "tipo")
    search_fields = ("nombre", "apellidos", "email", "rfc", "telefono")
    readonly_fields = [f.name for f in Cliente._meta.fields]
    inlines = [ResponsableInline]

    def get_actions(self, request):
        acciones = super().get_actions(request)
        acciones.pop("delete_selected", None)  # bulk delete would skip the "has sales" check
        return acciones

    def has_add_permission(self, request):
        return False  # registration goes through the app's page (services)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.es_publico_general or cliente_tiene_ventas(cliente=obj)):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Alumno)
class AlumnoAdmin(admin.ModelAdmin):
    """Alumnos for the Gerente: search, SII/Aula status, "Reintentar". Data is edited in the app's
    pages (they go through the services, which queue the change for SII and Aula)."""

    list_display = ("id", "nombre", "apellidos", "curp", "matricula", "ciclo_escolar", "grado", "grupo",
                    "activo", "estado_sii", "estado_aula")
    list_filter = ("activo", "por_confirmar", "sincronizaciones__estado", "ciclo_escolar", "grado")
    search_fields = ("nombre", "apellidos", "email", "curp", "matricula")
    readonly_fields = [f.name for f in Alumno._meta.fields]
    inlines = [ResponsableInline, SincronizacionInline]
    actions = ["reintentar_sincronizacion"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sincronizaciones")

    def _estado(self, alumno, sistema):
        fila = next((f for f in alumno.sincronizaciones.all() if f.sistema == sistema), None)
        return estado_texto(fila)

    @admin.display(description="SII")
    def estado_sii(self, alumno):
        return self._estado(alumno, "sii")

    @admin.display(description="Aula")
    def estado_aula(self, alumno):
        return self._estado(alumno, "aula")

    @admin.action(description="Reintentar sincronización con SII y Aula", permissions=["change"])
    def reintentar_sincronizacion(self, request, queryset):
        filas = SincronizacionAlumno.objects.filter(alumno__in=queryset).exclude(estado="sincronizado")
        cuantas = 0
        for fila in filas:
            sincronizacion_reintentar(sincronizacion=fila)
            cuantas += 1
        self.message_user(request, f"{cuantas} sincronizaciones puestas en cola de nuevo.", messages.SUCCESS)

    def get_actions(self, request):
        acciones = super().get_actions(request)
        acciones.pop("delete_selected", None)
        return acciones

    def has_add_permission(self, request):
        return False  # registration goes through the app's page (services + outbox)

    def has_delete_permission(self, request, obj=None):
        return False  # an alumno who leaves is deactivated: SII/Aula ids and enrollments stay
