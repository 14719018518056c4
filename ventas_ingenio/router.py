"""Database router: Django's own apps on one database, the shop's business on another.

Alias ``auth`` (``DB_AUTH``) holds ``auth``, ``contenttypes``, ``sessions`` and ``admin``
(users, groups, permissions, sessions, the admin change log). Alias ``default``
(``DB_NEGOCIO``) holds every project app: catalog, stock ledger, clients, sales.

Reads, writes and migrations of a model go to the database of its app, and a relation
(foreign key, many-to-many) between models of different databases is refused, because
PostgreSQL cannot enforce it. Business rows that name a user keep the user's id and a
snapshot of the name instead of a foreign key.
"""

DB_NEGOCIO = "default"
DB_AUTH = "auth"

APPS_AUTH = frozenset({"auth", "contenttypes", "sessions", "admin"})


def base_de_app(app_label: str) -> str:
    return DB_AUTH if app_label in APPS_AUTH else DB_NEGOCIO


class RouterBasesDatos:
    def db_for_read(self, model, **hints):
        return base_de_app(model._meta.app_label)

    def db_for_write(self, model, **hints):
        return base_de_app(model._meta.app_label)

    def allow_relation(self, obj1, obj2, **hints):
        return base_de_app(obj1._meta.app_label) == base_de_app(obj2._meta.app_label)

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == base_de_app(app_label)
