"""Database router: Django's own apps on one database, the shop's business on another.

Alias ``auth`` (``DB_AUTH``) holds ``auth``, ``contenttypes``, ``sessions``, ``admin`` and
``axes`` (users, groups, permissions, sessions, the admin change log, failed sign-in attempts:
they throttle sign-ins, so they live beside the users they protect). Alias ``default``
(``DB_NEGOCIO``) holds every project app: catalog, stock ledger, clients, sales.

Reads, writes and migrations of a model go to the database of its app, and a relation
(foreign key, many-to-many) between models of different databases is refused, because
PostgreSQL cannot enforce it. Business rows that name a user keep the user's id and a
snapshot of the name instead of a foreign key.

Optional alias ``lectura`` (``DB_LECTURA``, set by ``REPLICA_DATABASE_URL``): a read replica of
the business database. Nothing is routed to it implicitly and nothing migrates on it; the
report selectors (sales history, its export, daily summary, dashboard) ask ``db_lectura()``
for their alias, which falls back to the primary when no replica is configured.
"""

from django.conf import settings

DB_NEGOCIO = "default"
DB_AUTH = "auth"
DB_LECTURA = "lectura"

APPS_AUTH = frozenset({"auth", "contenttypes", "sessions", "admin", "axes"})


def db_lectura() -> str:
    """Alias for report reads that may lag a few seconds: the replica if configured."""
    return DB_LECTURA if DB_LECTURA in settings.DATABASES else DB_NEGOCIO


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

