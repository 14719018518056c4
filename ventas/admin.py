"""Salespeople for the Gerente: who may be named as a sale's salesperson and their commission."""

from django.contrib import admin

from ventas.models import Vendedor
from ventas.vendedores.admin_forms import VendedorAdminForm


@admin.register(Vendedor)
class VendedorAdmin(admin.ModelAdmin):
    form = VendedorAdminForm
    list_display = ("nombre", "id_usuario", "comision_porcentaje", "activo")
    list_filter = ("activo",)
    search_fields = ("nombre",)
    fields = ("id_usuario", "nombre", "comision_porcentaje", "activo")
    readonly_fields = ("nombre",)

    def get_actions(self, request):
        acciones = super().get_actions(request)
        acciones.pop("delete_selected", None)
        return acciones

    def has_delete_permission(self, request, obj=None):
        return False  # deactivated, never deleted: the sales keep who sold them anyway
