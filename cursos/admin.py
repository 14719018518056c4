"""Courses and editions for managers. Every write goes through ``cursos.services``: an edition
is created with its product and its seats in the ledger, and its maximum moves through the
ledger; a refusal that only shows under the locks (a seat sold meanwhile) comes back as a
message on the same page, never a server error."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import ExpressionWrapper, F, IntegerField
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from cursos import selectors
from cursos.exceptions import CursoError, PlanNoValido
from cursos.forms import CursoForm, EdicionForm, GenerarPlanForm, plan_formset
from cursos.models import Curso, Edicion
from cursos.services import (
    curso_actualizar,
    curso_registrar,
    edicion_actualizar,
    edicion_crear,
    edicion_eliminar,
    plan_guardar,
    plan_mensualidades,
    plan_quitar,
)
from inventario.models import TIPOS_DE_VENTA, MovimientoInventario


class _ConServicios(admin.ModelAdmin):
    """A refusal raised by a service while saving: the transaction is rolled back, and the page
    comes back with the message instead of a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except CursoError as error:
            messages.error(request, error.mensaje)
            return redirect(request.get_full_path())

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except CursoError as error:
            messages.error(request, error.mensaje)
            return redirect(request.get_full_path())

    def get_actions(self, request):
        acciones = super().get_actions(request)
        acciones.pop("delete_selected", None)  # one by one, through the service
        return acciones


class EdicionInline(admin.TabularInline):
    model = Edicion
    fields = ("producto", "fecha_inicio", "fecha_fin", "estado", "cupo_maximo")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Curso)
class CursoAdmin(_ConServicios):
    form = CursoForm
    list_display = ("codigo", "nombre", "modalidad", "duracion_horas", "precio_lista", "activo")
    list_filter = ("activo", "modalidad")
    search_fields = ("codigo", "nombre")
    inlines = [EdicionInline]

    def save_model(self, request, obj, form, change):
        datos = {campo: form.cleaned_data[campo] for campo in CursoForm.Meta.fields}
        curso = curso_actualizar(curso_id=obj.pk, **datos) if change else curso_registrar(**datos)
        obj.pk = curso.pk
        obj.codigo = curso.codigo

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.ediciones.exists():
            return False  # a course with editions is deactivated
        return super().has_delete_permission(request, obj)


class FiltroLugares(admin.SimpleListFilter):
    title = "lugares"
    parameter_name = "lugares"

    def lookups(self, request, model_admin):
        return [("libres", "Con lugares"), ("llena", "Llena")]

    def queryset(self, request, queryset):
        if self.value() == "libres":
            return queryset.filter(producto__existencia__gt=0)
        if self.value() == "llena":
            return queryset.filter(producto__existencia=0)
        return queryset


@admin.register(Edicion)
class EdicionAdmin(_ConServicios):
    form = EdicionForm
    # Six columns so the list fits a 1366 px screen beside the admin's side menu and filters: the
    # dates and the seats (taken, maximum, free) each share one column.
    list_display = ("codigo", "curso_nombre", "fechas", "estado", "lugares", "precio_cobrado")
    list_select_related = ("producto", "curso")
    list_filter = ("estado", FiltroLugares, "curso")
    search_fields = ("producto__codigo", "producto__nombre", "curso__nombre", "curso__codigo")
    date_hierarchy = "fecha_inicio"
    readonly_fields = ("producto_enlace", "ocupados", "libres", "precio_venta", "plan_resumen")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["curso", "codigo", "fecha_inicio", "fecha_fin", "cupo_maximo", "precio", "estado"]
        return ["producto_enlace", "curso", "fecha_inicio", "fecha_fin", "cupo_maximo", "ocupados", "libres",
                "precio", "precio_venta", "plan_resumen", "estado"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            lugares_libres=F("producto__existencia"),
            lugares_ocupados=ExpressionWrapper(F("cupo_maximo") - F("producto__existencia"),
                                               output_field=IntegerField()),
        )

    @admin.display(description="código", ordering="producto__codigo")
    def codigo(self, edicion):
        return format_html('<span class="nowrap">{}</span>', edicion.producto.codigo)

    @admin.display(description="curso", ordering="curso__nombre")
    def curso_nombre(self, edicion):
        return edicion.curso.nombre

    @admin.display(description="fechas", ordering="fecha_inicio")
    def fechas(self, edicion):
        return format_html('<span class="nowrap">{} –</span> <span class="nowrap">{}</span>',
                           f"{edicion.fecha_inicio:%d/%m/%Y}", f"{edicion.fecha_fin:%d/%m/%Y}")

    @admin.display(description="lugares", ordering="lugares_libres")
    def lugares(self, edicion):
        libres = edicion.producto.existencia
        return format_html('<span class="nowrap">{} de {} ocupados ·</span> <span class="nowrap">{} libre{}</span>',
                           edicion.cupo_maximo - libres, edicion.cupo_maximo, libres, "" if libres == 1 else "s")

    @admin.display(description="ocupados", ordering="lugares_ocupados")
    def ocupados(self, edicion):
        return edicion.cupo_maximo - edicion.producto.existencia

    @admin.display(description="libres", ordering="lugares_libres")
    def libres(self, edicion):
        return edicion.producto.existencia

    @admin.display(description="precio de venta", ordering="producto__precio")
    def precio_venta(self, edicion):
        return f"${edicion.producto.precio:,.2f}"

    @admin.display(description="precio", ordering="producto__precio")
    def precio_cobrado(self, edicion):  # "precio" is the model's override field
        return self.precio_venta(edicion)

    @admin.display(description="producto")
    def producto_enlace(self, edicion):
        return f"{edicion.producto.codigo} · {edicion.producto.nombre}"

    # --- The payment plan: its own page (the service replaces the whole plan at once) ----------
    def get_urls(self):
        propias = [path("<path:object_id>/plan/", self.admin_site.admin_view(self.plan_view),
                        name="cursos_edicion_plan")]
        return propias + super().get_urls()

    def plan_view(self, request, object_id):
        """Edit the plan row by row, or generate "inscripción + N mensualidades", or remove it.
        Every refusal comes back as a form error on this page; nothing is written then."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        edicion = self.get_object(request, object_id)
        if edicion is None:
            raise Http404("No existe esa edición.")
        plan = selectors.plan_de_edicion(edicion_id=edicion.pk)
        inicial = [{"concepto": p.concepto, "monto": p.monto, "vence": p.vence} for p in plan]
        hoy = timezone.localdate()
        generar_inicial = {"inscripcion": "0", "inscripcion_vence": hoy, "mensualidades": 4,
                           "primera_mensualidad": max(edicion.fecha_inicio, hoy + datetime.timedelta(days=1))}
        accion = request.POST.get("accion") if request.method == "POST" else None
        filas = plan_formset(filas=max(2, 6 - len(plan)))(
            request.POST if accion == "guardar" else None, initial=inicial, prefix="plan")
        generar = GenerarPlanForm(request.POST if accion == "generar" else None, initial=generar_inicial,
                                  prefix="generar")
        if accion == "guardar" and filas.is_valid():
            try:
                plan_guardar(edicion_id=edicion.pk, parcialidades=filas.parcialidades())
            except PlanNoValido as error:
                filas.error_de_plan(error)
            else:
                return self._plan_guardado(request, edicion, "Plan de pagos guardado")
        elif accion == "generar" and generar.is_valid():
            datos = generar.cleaned_data
            try:
                nuevo = plan_mensualidades(
                    precio=edicion.producto.precio, inscripcion=datos["inscripcion"],
                    inscripcion_vence=datos["inscripcion_vence"], mensualidades=datos["mensualidades"],
                    primera_mensualidad=datos["primera_mensualidad"])
                plan_guardar(edicion_id=edicion.pk, parcialidades=[(p.concepto, p.monto, p.vence) for p in nuevo])
            except PlanNoValido as error:
                campo = error.campo if error.campo in generar.fields else None
                generar.add_error(campo, error.mensaje)
            else:
                return self._plan_guardado(request, edicion, "Plan de pagos generado")
        elif accion == "quitar":
            if plan_quitar(edicion_id=edicion.pk):
                self.log_change(request, edicion, "Plan de pagos quitado.")
                messages.success(request, f"{edicion.producto.codigo}: plan de pagos quitado; sus lugares se pagan "
                                          "de una vez. Las ventas ya hechas conservan sus parcialidades.")
            return redirect("admin:cursos_edicion_plan", edicion.pk)
        elif accion is not None and accion not in ("guardar", "generar"):
            messages.error(request, "Acción desconocida.")
        contexto = {
            **self.admin_site.each_context(request),
            "title": f"Plan de pagos: {edicion.producto.codigo}",
            "subtitle": None,
            "opts": self.model._meta,
            "original": edicion,
            "edicion": edicion,
            "plan": plan,
            "suma": sum((p.monto for p in plan), 0),
            "filas": filas,
            "generar": generar,
            "has_view_permission": True,
        }
        return TemplateResponse(request, "admin/cursos/edicion/plan.html", contexto,
                                status=400 if accion and request.method == "POST" else 200)

    def _plan_guardado(self, request, edicion, texto):
        plan = selectors.plan_de_edicion(edicion_id=edicion.pk)
        resumen = ", ".join(f"{p.concepto} ${p.monto:,.2f} ({p.vence:%d/%m/%Y})" for p in plan)
        self.log_change(request, edicion, f"{texto}: {resumen}")
        messages.success(request, f"{texto}: {len(plan)} parcialidades que suman ${edicion.producto.precio:,.2f}.")
        return redirect("admin:cursos_edicion_plan", edicion.pk)

    @admin.display(description="plan de pagos")
    def plan_resumen(self, edicion):
        plan = selectors.plan_de_edicion(edicion_id=edicion.pk)
        enlace = reverse("admin:cursos_edicion_plan", args=[edicion.pk])
        if not plan:
            return format_html('Sin plan: se paga de una vez. <a href="{}">Crear plan de pagos</a>', enlace)
        return format_html('{} parcialidades, de {} a {}. <a href="{}">Ver o cambiar</a>', len(plan),
                           f"{plan[0].vence:%d/%m/%Y}", f"{plan[-1].vence:%d/%m/%Y}", enlace)

    def save_model(self, request, obj, form, change):
        datos = form.cleaned_data
        comunes = {campo: datos[campo] for campo in ("fecha_inicio", "fecha_fin", "cupo_maximo", "precio", "estado")}
        if change:
            edicion = edicion_actualizar(edicion_id=obj.pk, usuario=request.user, **comunes)
        else:
            edicion = edicion_crear(curso_id=datos["curso"].pk, codigo=datos["codigo"], usuario=request.user,
                                    **comunes)
        obj.producto = edicion.producto
        obj.pk = edicion.pk

    def save_related(self, request, form, formsets, change):
        pass  # no many-to-many; the service wrote everything

    def has_delete_permission(self, request, obj=None):
        # A sold edition stays (its sales and enrollments point at it): close it instead.
        if obj is not None and MovimientoInventario.objects.filter(
                producto_id=obj.pk, tipo__in=TIPOS_DE_VENTA).exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        edicion_eliminar(edicion_id=obj.pk)
