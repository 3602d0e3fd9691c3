"""A migration operation for changes that only relabel: names, help texts, choices' wording.

Django's own AlterField re-renders every related historical model after each change. Migration
0041 relabels some 800 fields, and applying it took 46 s on each test database and again every
time a migration test walked back past it. This operation applies the same changes to the state
and lets the models be rendered once, when the next operation needs them. It touches no table:
use it only for operations `sqlmigrate` shows to produce no SQL (0041 was checked on SQLite and
PostgreSQL). The module's leading underscore keeps Django's migration loader from reading it as a
migration.
"""

from django.db.migrations.operations.base import Operation


class LabelsOnly(Operation):
    reduces_to_sql = True  # to no SQL at all
    reversible = True

    def __init__(self, operations):
        self.operations = operations

    def deconstruct(self):
        return (f"{__name__}.{type(self).__qualname__}", [self.operations], {})

    def state_forwards(self, app_label, state):
        # Forget the rendered models (as ProjectState.clear_delayed_apps_cache does); the state's
        # model descriptions stay the truth, and are rendered again once, on demand.
        state.__dict__.pop("apps", None)
        for operation in self.operations:
            operation.state_forwards(app_label, state)
        state.__dict__.pop("apps", None)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass

    def describe(self):
        return f"Relabel ({len(self.operations)} changes that touch no table)"

    @property
    def migration_name_fragment(self):
        return "labels_only"
