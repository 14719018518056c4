from django.urls import path

from ventas import views, views_historial

app_name = "ventas"

urlpatterns = [
    path("caja/", views.caja, name="caja"),
    path("caja/agregar/", views.agregar, name="agregar"),
    path("caja/agregar-producto/", views.agregar_producto, name="agregar_producto"),
    path("caja/linea/<int:linea_id>/", views.linea_cambiar, name="linea_cambiar"),
    path("caja/linea/<int:linea_id>/quitar/", views.linea_quitar, name="linea_quitar"),
    path("caja/vaciar/", views.vaciar, name="vaciar"),
    path("caja/cliente/", views.cliente_asignar, name="cliente_asignar"),
    path("caja/cliente/nuevo/", views.cliente_registrar, name="cliente_registrar"),
    path("caja/autorizar/", views.autorizar, name="autorizar"),
    path("caja/espera/", views.poner_en_espera, name="poner_en_espera"),
    path("caja/espera/<int:carrito_id>/reanudar/", views.reanudar, name="reanudar"),
    path("caja/cobrar/", views.cobrar, name="cobrar"),
    path("caja/buscar/", views.buscar, name="buscar"),
    path("<int:venta_id>/ticket/", views.ticket, name="ticket"),
    path("<int:venta_id>/cancelar/", views.venta_cancelar, name="venta_cancelar"),
    path("<int:venta_id>/devolver/", views.venta_devolver, name="venta_devolver"),
    path("devoluciones/<int:devolucion_id>/ticket/", views.devolucion_ticket, name="devolucion_ticket"),
    path("turno/", views.turno, name="turno"),
    path("turno/abrir/", views.turno_abrir, name="turno_abrir"),
    path("turno/movimiento/", views.turno_movimiento, name="turno_movimiento"),
    path("turnos/", views.turnos, name="turnos"),
    path("turnos/<int:turno_id>/", views.turno_detalle, name="turno_detalle"),
    path("turnos/<int:turno_id>/cerrar/", views.turno_cerrar, name="turno_cerrar"),
    path("resumen/", views.resumen, name="resumen"),
    path("resumen/exportar.csv", views.resumen_exportar, name="resumen_exportar"),
    path("tablero/", views.tablero, name="tablero"),
    path("historial/", views_historial.historial_lista, name="historial"),
    path("historial/exportar.csv", views_historial.historial_exportar, name="historial_exportar"),
    path("<int:venta_id>/", views_historial.venta_detalle, name="venta_detalle"),
]
