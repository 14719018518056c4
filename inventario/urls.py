from django.urls import path

from inventario import views

app_name = "inventario"

urlpatterns = [
    path("", views.producto_lista, name="producto_lista"),
    path("<int:pk>/movimientos/", views.producto_movimientos, name="producto_movimientos"),
]
