"""Authentication backend: Django's ModelBackend, with the permissions loaded with the user.

Every view checks a permission and the layout shows the user's roles, so with ModelBackend a
request runs four auth queries after the session: the user, the user's own permissions, the
groups' permissions and the role names. This backend reads all of them in one query and fills
the caches ModelBackend itself reads (``_user_perm_cache``, ``_group_perm_cache``,
``_perm_cache``) and the one ``roles.roles_de_usuario`` reads (``_roles_cache``), so
``has_perm`` and the header answer from memory. Nothing is kept between requests: a role taken
away applies on the very next request, as with ModelBackend.

The query is written in SQL (table names from the models' metadata) because it runs on every
request: built with the ORM (``ArraySubquery`` of ``Concat``) it cost more CPU to compile than
the queries it replaces. It is a prepared statement (``sql.ejecutar``): planned once per session.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

from ventas_ingenio import sql


@cache
def _consulta() -> str:
    usuario = get_user_model()
    permiso, tipo = Permission._meta.db_table, ContentType._meta.db_table
    propios = usuario.user_permissions.through._meta.db_table
    de_grupo = Group.permissions.through._meta.db_table
    grupos = usuario.groups.through._meta.db_table
    grupo = Group._meta.db_table
    nombre = f"t.app_label || '.' || p.codename FROM {permiso} p JOIN {tipo} t ON t.id = p.content_type_id"
    return (
        f"SELECT {sql.columnas(usuario, 'u')},"  # noqa: S608 - names from model metadata
        f" ARRAY(SELECT {nombre} JOIN {propios} up ON up.permission_id = p.id WHERE up.user_id = u.id)"
        f" AS permisos_propios,"
        f" ARRAY(SELECT {nombre} JOIN {de_grupo} gp ON gp.permission_id = p.id"
        f" JOIN {grupos} ug ON ug.group_id = gp.group_id WHERE ug.user_id = u.id) AS permisos_de_grupo,"
        f" ARRAY(SELECT g.name FROM {grupo} g JOIN {grupos} ug ON ug.group_id = g.id"
        f" WHERE ug.user_id = u.id ORDER BY g.name) AS roles"
        f" FROM {usuario._meta.db_table} u WHERE u.{usuario._meta.pk.column} = %(id)s"
    )


class PermissionsWithUserBackend(ModelBackend):
    def get_user(self, user_id):
        # user_id comes from the session already converted by the pk field's to_python()
        modelo = get_user_model()
        with connections[router.db_for_read(modelo)].cursor() as cursor:
            sql.ejecutar(cursor, nombre="auth_usuario", texto=_consulta(), parametros={"id": user_id})
            usuario = next(iter(sql.instancias(modelo, cursor)), None)
        if usuario is None or not self.user_can_authenticate(usuario):
            return None
        if not usuario.is_superuser:  # a superuser has every permission: ModelBackend's own path
            usuario._user_perm_cache = set(usuario.permisos_propios)
            usuario._group_perm_cache = set(usuario.permisos_de_grupo)
            usuario._perm_cache = usuario._user_perm_cache | usuario._group_perm_cache
        usuario._roles_cache = usuario.roles  # what roles.roles_de_usuario would read (the header shows it)
        del usuario.permisos_propios, usuario.permisos_de_grupo, usuario.roles
        return usuario
