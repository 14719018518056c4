from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ventas_ingenio import views
from ventas_ingenio.forms import FormularioEntrar, FormularioEntrarAdmin

admin.site.site_header = "Ventas Ingenio — Administración"
admin.site.site_title = "Ventas Ingenio"
admin.site.index_title = "Catálogo, existencias y usuarios"
admin.site.login_form = FormularioEntrarAdmin

urlpatterns = [
    path("", views.inicio, name="inicio"),
    path(
        "entrar/",
        auth_views.LoginView.as_view(
            authentication_form=FormularioEntrar, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("usuarios/", views.usuarios, name="usuarios"),
    path("clientes/", include("clientes.urls")),
    path("salud/", views.salud, name="salud"),
    path("robots.txt", views.robots, name="robots"),
    path("inventario/", include("inventario.urls")),
    path("ventas/", include("ventas.urls")),
    path("cursos/", include("cursos.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "ventas_ingenio.views.error_400"
handler403 = "ventas_ingenio.views.error_403"
handler404 = "ventas_ingenio.views.error_404"
handler500 = "ventas_ingenio.views.error_500"
