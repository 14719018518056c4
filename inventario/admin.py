"""Catalog admin for managers. Stock is read-only here: it changes through two flows,
"Registrar entrada" and "Ajustar existencia", which call the inventory service."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from inventario.exceptions import InventarioError
from inventario.forms import AjusteForm, EntradaForm, PrecioListaForm, ProductoForm
from inventario.models import Categoria, MovimientoInventario, Producto, TipoProducto
from inventario.selectors import productos_buscar, productos_orden, texto_palabras
from inventario.services import existencia_ajustar, existencia_registrar_entrada
from ventas_ingenio.entradas import entero_leer

MOVIMIENTOS_EN_FICHA = 20


class FiltroExistenciaBaja(admin.SimpleListFilter):
    title = "existencia"
    parameter_name = "existencia_baja"

    def lookups(self, request, model_admin):
        return [("si", "Baja (en o bajo el mínimo)"), ("no", "Suficiente")]

    def queryset(self, request, queryset):
        if self.value() == "si":
            return queryset.filter(existencia__lte=F("existencia_minima"))
        if self.value() == "no":
            return queryset.filter(existencia__gt=F("existencia_minima"))
        return queryset


class MovimientoInline(admin.TabularInline):
    """The product's latest movements, read-only (the full list is in Movimientos)."""

    model = MovimientoInventario
    fields = ("fecha", "tipo", "cantidad", "existencia_resultante", "cantidad_apartada", "apartada_resultante", "motivo",
              "nombre_usuario", "id_venta")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name_plural = f"últimos {MOVIMIENTOS_EN_FICHA} movimientos"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        consulta = super().get_queryset(request)
        producto_id = entero_leer((request.resolver_match.kwargs or {}).get("object_id") if request.resolver_match else None)
        if producto_id is None:
            return consulta.none()
        ultimos = consulta.filter(producto_id=producto_id).order_by("-fecha", "-id").values_list("id", flat=True)
        return consulta.filter(id__in=list(ultimos[:MOVIMIENTOS_EN_FICHA])).order_by("-fecha", "-id")


@admin.register(Categoria)
class CategoriaAdmin(admin.ModelAdmin):
    list_display = ("nombre",)
    search_fields = ("nombre",)


@admin.register(Producto)
class ProductoAdmin(admin.ModelAdmin):
    form = ProductoForm
    change_form_template = "admin/inventario/producto/change_form.html"
    list_display = ("codigo", "nombre", "categoria", "precio", "existencia", "existencia_apartada", "existencia_baja",
                    "activo")
    list_display_links = ("codigo", "nombre")
    list_editable = ("precio",)
    list_select_related = ("categoria",)
    list_filter = ("activo", "categoria", FiltroExistenciaBaja)
    # Rendering 50 editable price inputs costs more template work than the rest of the page; 25 keeps it
    # under budget (bench/README.md) and the query count does not depend on it.
    list_per_page = 25
    search_fields = ("codigo", "codigo_barras", "nombre")
    search_help_text = "Nombre (sin importar acentos), código exacto o código de barras."
    show_full_result_count = False
    readonly_fields = ("existencia", "existencia_apartada", "creado", "actualizado")
    inlines = [MovimientoInline]
    fieldsets = [
        (None, {"fields": ["codigo", "codigo_barras", "nombre", "descripcion", "categoria", "activo"]}),
        ("Precio", {"fields": ["precio", "tasa_iva"]}),
        ("Existencia", {"fields": ["existencia", "existencia_apartada", "existencia_minima", "creado", "actualizado"]}),
    ]

    @admin.display(description="alerta", boolean=False)
    def existencia_baja(self, producto):
        if producto.bajo_minimo:
            return format_html('<strong class="existencia-baja">⚠ Baja (mín. {})</strong>', producto.existencia_minima)
        return ""

    def get_ordering(self, request):
        # With a search, the inventory page's order (exact code, whole words, natural name
        # order); it starts with an expression, so PostgreSQL uses the trigram index instead of
        # walking a name index (see selectors.productos_filtrar).
        texto = request.GET.get("q", "")
        if texto_palabras(texto) and not request.GET.get("o"):
            return productos_orden(texto=texto)
        return super().get_ordering(request)

    def get_search_results(self, request, queryset, search_term):
        # The selector's search uses the trigram index and exact code/barcode matches
        # instead of the admin's default icontains on every field.
        return productos_buscar(consulta=queryset, texto=search_term), False

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", PrecioListaForm)
        return super().get_changelist_form(request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # An edition of a course is a product only to be sold: its seats, price and name follow
        # the edition (Cursos › Ediciones), so here it is read-only.
        if obj is not None and obj.tipo == TipoProducto.CURSO:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.tipo == TipoProducto.CURSO:
            return False
        # A product with movements (sold, received) is deactivated, never deleted.
        if obj is not None and obj.movimientos.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_urls(self):
        propias = [
            path("<path:object_id>/entrada/", self.admin_site.admin_view(self.entrada_view), name="inventario_producto_entrada"),
            path("<path:object_id>/ajuste/", self.admin_site.admin_view(self.ajuste_view), name="inventario_producto_ajuste"),
        ]
        return propias + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        edicion_id = self._edicion_id(object_id)
        extra_context = {
            **(extra_context or {}),
            "puede_registrar_entrada": request.user.has_perm("inventario.registrar_entrada") and edicion_id is None,
            "puede_ajustar": request.user.has_perm("inventario.ajustar_existencia") and edicion_id is None,
            "url_edicion": reverse("admin:cursos_edicion_change", args=[edicion_id]) if edicion_id else None,
            "url_movimientos": reverse("admin:inventario_movimientoinventario_changelist") + f"?producto__exact={object_id}",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _edicion_id(object_id) -> int | None:
        """The id when the product is an edition of a course (its seats are changed there)."""
        producto_id = entero_leer(object_id, minimo=1)
        if producto_id is None:
            return None
        es_curso = Producto.objects.filter(pk=producto_id, tipo=TipoProducto.CURSO).exists()
        return producto_id if es_curso else None

    # --- The two stock flows ------------------------------------------------------------------
    def _producto_o_404(self, request, object_id, permiso):
        if not request.user.has_perm(permiso):
            raise PermissionDenied
        producto = self.get_object(request, object_id)
        if producto is None:
            raise Http404("No existe ese producto.")
        return producto

    def _si_es_curso(self, request, producto):
        """An edition's seats are not goods: no entrada nor ajuste here, but its maximum."""
        if producto.tipo != TipoProducto.CURSO:
            return None
        messages.error(
            request, f"{producto.nombre} es una edición de un curso: sus lugares se cambian con el cupo máximo "
            "de la edición, no con entradas ni ajustes.",
        )
        return redirect("admin:cursos_edicion_change", producto.pk)

    def _responder(self, request, producto, form, titulo, plantilla):
        contexto = {
            **self.admin_site.each_context(request),
            "title": f"{titulo}: {producto.nombre}",
            "subtitle": None,
            "opts": self.model._meta,
            "original": producto,
            "producto": producto,
            "form": form,
            "has_view_permission": True,
        }
        return TemplateResponse(request, plantilla, contexto)

    def entrada_view(self, request, object_id):
        producto = self._producto_o_404(request, object_id, "inventario.registrar_entrada")
        if (rechazo := self._si_es_curso(request, producto)) is not None:
            return rechazo
        form = EntradaForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                movimiento = existencia_registrar_entrada(
                    producto_id=producto.pk, cantidad=form.cleaned_data["cantidad"],
                    usuario=request.user, nota=form.cleaned_data["nota"],
                )
            except InventarioError as error:
                form.add_error(None, str(error))
            else:
                self.log_change(request, producto, f"Entrada registrada: +{movimiento.cantidad} (existencia {movimiento.existencia_resultante}).")
                messages.success(
                    request, f"Entrada registrada: +{movimiento.cantidad} de {producto.nombre}. Existencia: {movimiento.existencia_resultante}."
                )
                return redirect("admin:inventario_producto_change", producto.pk)
        return self._responder(request, producto, form, "Registrar entrada", "admin/inventario/producto/entrada.html")

    def ajuste_view(self, request, object_id):
        producto = self._producto_o_404(request, object_id, "inventario.ajustar_existencia")
        if (rechazo := self._si_es_curso(request, producto)) is not None:
            return rechazo
        form = AjusteForm(request.POST or None, initial={"existencia_anterior": producto.existencia})
        if request.method == "POST" and form.is_valid():
            try:
                movimiento = existencia_ajustar(
                    producto_id=producto.pk,
                    existencia_nueva=form.cleaned_data["existencia_nueva"],
                    existencia_anterior=form.cleaned_data["existencia_anterior"],
                    motivo=form.cleaned_data["motivo"],
                    usuario=request.user,
                )
            except InventarioError as error:
                # Show the current stock and carry it in the form, so the manager recounts
                # from what is really there and can send the form again.
                producto.refresh_from_db()
                datos = request.POST.copy()
                datos["existencia_anterior"] = producto.existencia
                form = AjusteForm(datos)
                form.is_valid()
                form.add_error(None, str(error))
            else:
                self.log_change(request, producto, f"Existencia ajustada a {movimiento.existencia_resultante} ({movimiento.cantidad:+d}): {movimiento.motivo}")
                messages.success(request, f"Existencia de {producto.nombre} ajustada a {movimiento.existencia_resultante}.")
                return redirect("admin:inventario_producto_change", producto.pk)
        return self._responder(request, producto, form, "Ajustar existencia", "admin/inventario/producto/ajuste.html")


@admin.register(MovimientoInventario)
class MovimientoInventarioAdmin(admin.ModelAdmin):
    list_display = ("fecha", "producto", "tipo", "cantidad", "existencia_resultante", "motivo", "nombre_usuario", "id_venta")
    list_filter = ("tipo", "fecha")
    list_select_related = ("producto",)
    search_fields = ("producto__codigo", "motivo", "nombre_usuario")
    date_hierarchy = "fecha"
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
