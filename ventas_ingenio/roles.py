"""The three roles of the shop as Django groups, and the permissions each one gets.

``roles_configurar()`` is idempotent: setup (``manage.py preparar``) runs it after every
migration, so a role always has exactly the permissions listed here. The README's
permission matrix describes the same table.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from ventas_ingenio.router import DB_AUTH

ROL_CAJERO = "Cajero"
ROL_GERENTE = "Gerente"
ROL_CONSULTA = "Consulta"
ROLES = (ROL_CAJERO, ROL_GERENTE, ROL_CONSULTA)

# Apps whose every permission a Gerente holds (catalog, stock, clients, sales, sync).
APPS_NEGOCIO = ("inventario", "clientes", "integraciones", "ventas", "cursos")

# "app_label.codename" per role; the Gerente also gets every permission of APPS_NEGOCIO.
PERMISOS_POR_ROL: dict[str, list[str]] = {
    # The POS looks products and clients up and registers clients; the inventory page shows
    # stock (movements are for managers and Consulta).
    ROL_CAJERO: [
        "inventario.view_producto",
        "inventario.view_categoria",
        "clientes.view_cliente",
        "clientes.add_cliente",
        "clientes.change_cliente",
        "ventas.add_venta",
        "ventas.view_venta",
        # Their own shift: open it, move cash in or out, close it.
        "ventas.add_turno",
        "ventas.view_turno",
        "ventas.add_movimientocaja",
        "ventas.view_devolucion",
        # Editions and their rosters; "Reintentar" an enrollment's send to Aula.
        "cursos.view_curso",
        "cursos.view_edicion",
        "integraciones.change_sincronizacioninscripcion",
    ],
    ROL_CONSULTA: [
        "inventario.view_producto",
        "inventario.view_categoria",
        "inventario.view_movimientoinventario",
        "clientes.view_cliente",
        "ventas.view_venta",
        "ventas.ver_todas",
        "ventas.view_turno",
        "ventas.view_devolucion",
        "cursos.view_curso",
        "cursos.view_edicion",
    ],
    ROL_GERENTE: [
        "auth.view_user",
        "auth.add_user",
        "auth.change_user",
        "auth.view_group",
        "admin.view_logentry",
    ],
}


class PermisoInexistente(LookupError):
    pass


def _permisos(nombres: list[str]) -> list[Permission]:
    encontrados = []
    for nombre in nombres:
        app_label, codename = nombre.split(".", 1)
        try:
            encontrados.append(
                Permission.objects.using(DB_AUTH).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        except Permission.DoesNotExist as error:
            raise PermisoInexistente(f"No existe el permiso {nombre}; ¿faltan migraciones?") from error
    return encontrados


def roles_configurar() -> dict[str, Group]:
    """Create the three groups and set their permissions to exactly the table above."""
    with transaction.atomic(using=DB_AUTH):
        grupos = {}
        for rol in ROLES:
            grupo, _ = Group.objects.using(DB_AUTH).get_or_create(name=rol)
            permisos = _permisos(PERMISOS_POR_ROL[rol])
            if rol == ROL_GERENTE:
                permisos += list(
                    Permission.objects.using(DB_AUTH).filter(content_type__app_label__in=APPS_NEGOCIO)
                )
            grupo.permissions.set(permisos)
            grupos[rol] = grupo
        return grupos


def rol_asignar(*, usuario, rol: str) -> None:
    """Put the user in exactly one role. Only a Gerente may enter the Django admin."""
    if rol not in ROLES:
        raise ValueError(f"Rol desconocido: {rol}")
    with transaction.atomic(using=DB_AUTH):
        usuario.groups.set([Group.objects.using(DB_AUTH).get(name=rol)])
        usuario.is_staff = rol == ROL_GERENTE or usuario.is_superuser
        usuario.save(update_fields=["is_staff"])


def roles_de_usuario(usuario) -> list[str]:
    """Names of the user's roles, read once per request object."""
    if not hasattr(usuario, "_roles_cache"):
        usuario._roles_cache = sorted(usuario.groups.values_list("name", flat=True))
    return usuario._roles_cache


def nombre_para_registro(usuario) -> str:
    """The snapshot of a user's name that business rows keep next to the user's id."""
    return (usuario.get_full_name() or usuario.get_username())[:150]
