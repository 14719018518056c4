from django.urls import path

from ventas.abonos import views as abonos
from ventas.apartados import views as apartados
from ventas.caja import views as caja
from ventas.devoluciones import views as devoluciones
from ventas.historial import views as historial
from ventas.monedero import views as monedero
from ventas.reportes import views as reportes
from ventas.saldos import views as saldos
from ventas.turnos import views as turnos
from ventas.vendedores import views as vendedores

app_name = "ventas"

urlpatterns = [
    path("caja/", caja.caja, name="caja"),
    path("caja/agregar/", caja.agregar, name="agregar"),
    path("caja/agregar-producto/", caja.agregar_producto, name="agregar_producto"),
    path("caja/linea/<int:linea_id>/", caja.linea_cambiar, name="linea_cambiar"),
    path("caja/linea/<int:linea_id>/quitar/", caja.linea_quitar, name="linea_quitar"),
    path("caja/vaciar/", caja.vaciar, name="vaciar"),
    path("caja/cliente/", caja.cliente_asignar, name="cliente_asignar"),
    path("caja/cliente/nuevo/", caja.cliente_registrar, name="cliente_registrar"),
    path("caja/autorizar/", caja.autorizar, name="autorizar"),
    path("caja/vendedor/", caja.vendedor_asignar, name="vendedor_asignar"),
    path("caja/espera/", caja.poner_en_espera, name="poner_en_espera"),
    path("caja/espera/<int:carrito_id>/reanudar/", caja.reanudar, name="reanudar"),
    path("caja/inscribir/", caja.inscribir, name="inscribir"),
    path("caja/inscribir/buscar/", caja.inscribir_buscar, name="inscribir_buscar"),
    path("caja/inscribir/nuevo/", caja.inscribir_nuevo, name="inscribir_nuevo"),
    path("caja/cobrar/", caja.cobrar, name="cobrar"),
    path("caja/buscar/", caja.buscar, name="buscar"),
    path("<int:venta_id>/ticket/", caja.ticket, name="ticket"),
    path("<int:venta_id>/cancelar/", devoluciones.venta_cancelar, name="venta_cancelar"),
    path("<int:venta_id>/devolver/", devoluciones.venta_devolver, name="venta_devolver"),
    path("devoluciones/<int:devolucion_id>/ticket/", devoluciones.devolucion_ticket, name="devolucion_ticket"),
    path("turno/", turnos.turno, name="turno"),
    path("turno/abrir/", turnos.turno_abrir, name="turno_abrir"),
    path("turno/movimiento/", turnos.turno_movimiento, name="turno_movimiento"),
    path("turnos/", turnos.turnos, name="turnos"),
    path("turnos/<int:turno_id>/", turnos.turno_detalle, name="turno_detalle"),
    path("turnos/<int:turno_id>/cerrar/", turnos.turno_cerrar, name="turno_cerrar"),
    path("resumen/", reportes.resumen, name="resumen"),
    path("resumen/exportar.csv", reportes.resumen_exportar, name="resumen_exportar"),
    path("tablero/", reportes.tablero, name="tablero"),
    path("comisiones/", reportes.comisiones, name="comisiones"),
    path("comisiones/exportar.csv", reportes.comisiones_exportar, name="comisiones_exportar"),
    path("historial/", historial.historial_lista, name="historial"),
    path("historial/exportar.csv", historial.historial_exportar, name="historial_exportar"),
    path("<int:venta_id>/", historial.venta_detalle, name="venta_detalle"),
    path("<int:venta_id>/vendedor/", vendedores.venta_vendedor, name="venta_vendedor"),
    path("monedero/<int:cliente_id>/ajustar/", monedero.monedero_ajustar, name="monedero_ajustar"),
    path("apartados/", apartados.apartados, name="apartados"),
    path("apartados/<int:venta_id>/", apartados.apartado, name="apartado"),
    path("apartados/<int:venta_id>/entregar/", apartados.apartado_entregar, name="apartado_entregar"),
    path("apartados/<int:venta_id>/cancelar/", apartados.apartado_cancelar, name="apartado_cancelar"),
    path("abonos/", abonos.abonos, name="abonos"),
    path("<int:venta_id>/abonar/", abonos.abonar, name="abonar"),
    path("abonos/<int:abono_id>/", abonos.abono_ticket, name="abono_ticket"),
    path("clientes/<int:cliente_id>/estado-de-cuenta/", saldos.estado_cuenta, name="estado_cuenta"),
    path("reportes/por-cobrar/", saldos.por_cobrar, name="por_cobrar"),
    path("reportes/por-cobrar/exportar.csv", saldos.por_cobrar_exportar, name="por_cobrar_exportar"),
]
