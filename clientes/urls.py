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
    path("alumnos/", views.alumno_lista, name="alumno_lista"),
    path("alumnos/nuevo/", views.alumno_nuevo, name="alumno_nuevo"),
    path("alumnos/<int:alumno_id>/", views.alumno_detalle, name="alumno_detalle"),
    path("alumnos/<int:alumno_id>/editar/", views.alumno_editar, name="alumno_editar"),
    path("alumnos/<int:alumno_id>/desactivar/", views.alumno_desactivar, name="alumno_desactivar"),
    path("alumnos/<int:alumno_id>/confirmar/", views.alumno_confirmar, name="alumno_confirmar"),
    path("alumnos/<int:alumno_id>/responsables/", views.alumno_vincular, name="alumno_vincular"),
    path(
        "alumnos/<int:alumno_id>/responsables/<int:id_cliente>/quitar/",
        views.alumno_desvincular,
        name="alumno_desvincular",
    ),
    path("alumnos/<int:alumno_id>/reintentar/<str:sistema>/", views.alumno_reintentar, name="alumno_reintentar"),
]
