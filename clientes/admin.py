from django.contrib import admin, messages

from clientes.models import Cliente
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


@admin.register(Cliente)
class ClienteAdmin(admin.ModelAdmin):
    """Clients for the Gerente: search, sync status, "Reintentar". Data is edited in the app's pages
    (they go through the services, which queue the change for SII and Aula)."""

    list_display = ("id_cliente", "nombre", "apellidos", "email", "curp", "activo", "estado_sii", "estado_aula")
    list_filter = ("activo", "sincronizaciones__estado")
    search_fields = ("nombre", "apellidos", "email", "curp", "telefono")
    readonly_fields = [f.name for f in Cliente._meta.fields]
    inlines = [SincronizacionInline]
    actions = ["reintentar_sincronizacion"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sincronizaciones")

    def _estado(self, cliente, sistema):
        fila = next((f for f in cliente.sincronizaciones.all() if f.sistema == sistema), None)
        return estado_texto(fila)

    @admin.display(description="SII")
    def estado_sii(self, cliente):
        return self._estado(cliente, "sii")

    @admin.display(description="Aula")
    def estado_aula(self, cliente):
        return self._estado(cliente, "aula")

    @admin.action(description="Reintentar sincronización con SII y Aula", permissions=["change"])
    def reintentar_sincronizacion(self, request, queryset):
        filas = SincronizacionAlumno.objects.filter(cliente__in=queryset).exclude(estado="sincronizado")
        cuantas = 0
        for fila in filas:
            sincronizacion_reintentar(sincronizacion=fila)
            cuantas += 1
        self.message_user(request, f"{cuantas} sincronizaciones puestas en cola de nuevo.", messages.SUCCESS)

    def get_actions(self, request):
        acciones = super().get_actions(request)
        acciones.pop("delete_selected", None)  # bulk delete would skip the "has sales" check
        return acciones

    def has_add_permission(self, request):
        return False  # registration goes through the app's page (services + outbox)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and (obj.es_publico_general or cliente_tiene_ventas(cliente=obj)):
            return False
        return super().has_delete_permission(request, obj)
