from django.urls import path

from clientes import views

app_name = "clientes"

urlpatterns = [
    path("", views.cliente_lista, name="lista"),
    path("nuevo/", views.cliente_nuevo, name="nuevo"),
    path("<int:id_cliente>/", views.cliente_detalle, name="detalle"),
    path("<int:id_cliente>/editar/", views.cliente_editar, name="editar"),
    path("<int:id_cliente>/desactivar/", views.cliente_desactivar, name="desactivar"),
    path("<int:id_cliente>/eliminar/", views.cliente_eliminar, name="eliminar"),
    path(
        "<int:id_cliente>/reintentar/<str:sistema>/",
        views.sincronizacion_reintentar_vista,
        name="reintentar",
    ),
]
