from django.urls import path

from cursos import views

app_name = "cursos"

urlpatterns = [
    path("", views.edicion_lista, name="ediciones"),
    path("ediciones/<int:edicion_id>/", views.edicion_detalle, name="edicion"),
    path("inscripciones/<int:inscripcion_id>/reintentar/", views.inscripcion_reintentar_vista,
         name="inscripcion_reintentar"),
    path("reportes/escolar/", views.reporte_escolar_vista, name="reporte_escolar"),
    path("reportes/escolar/exportar.csv", views.reporte_escolar_exportar, name="reporte_escolar_exportar"),
]
