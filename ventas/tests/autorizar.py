"""What a view does before a service that needs a Gerente: the typed username and password
become a user through ``politica.autorizador_obtener``, with a till's request."""

from ventas import politica
from ventas_ingenio.tests.factories import peticion_caja

QUE = {
    politica.PERMISO_AUTORIZAR: "descuentos",
    politica.PERMISO_DEVOLVER: "devoluciones ni cancelaciones",
    politica.PERMISO_AUTORIZAR_DIFERENCIA: "diferencias del corte de caja",
    politica.PERMISO_ASIGNAR_VENDEDOR: "que la venta quede a nombre de otro vendedor",
}


def autorizar(usuario: str, clave: str, permiso: str, *, request="caja"):
    return politica.autorizador_obtener(
        request=peticion_caja() if request == "caja" else request,
        credenciales=politica.Credenciales(usuario=usuario, clave=clave),
        permiso=permiso, que=QUE[permiso], detalle="prueba",
    )
