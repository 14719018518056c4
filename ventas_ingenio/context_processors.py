from django.conf import settings

from ventas_ingenio.roles import roles_de_usuario


def tienda(request):
    """The shop's name and the signed-in user's roles, for the layout."""
    usuario = getattr(request, "user", None)
    roles = roles_de_usuario(usuario) if usuario is not None and usuario.is_authenticated else []
    return {"NOMBRE_TIENDA": settings.NOMBRE_TIENDA, "roles_usuario": roles}
