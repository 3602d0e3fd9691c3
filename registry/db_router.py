"""The database router: reads go where the queryset says, writes and migrations only to "default".

The "public" alias (DATABASE_PUBLIC_URL, docs/security.md "Public database role") is the same
database seen through a role that may read only published rows and public columns. Querysets
choose it explicitly (`cases.protection.public_role.for_public`); the rows they return, and their related
managers and prefetches, follow it. A row read through it and then saved is written through
"default", and nothing is ever migrated through it.
"""

from django.db import DEFAULT_DB_ALIAS

PUBLIC_ALIAS = "public"


class PublicReaderRouter:
    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases are one database.
        if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, PUBLIC_ALIAS}:
            return True
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == PUBLIC_ALIAS else None
