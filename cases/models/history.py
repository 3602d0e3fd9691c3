"""The history every registry record keeps: one row per version, who wrote it and when.

History is read one record at a time (its versions, by the record's id) and by date, never by
its other columns: so those columns carry no index. Each index was a write for every version of
every row, which a large import pays hundreds of thousands of times (docs/scaling.md).

The author is kept as a plain reference, not a database constraint: the same reference, without
the check the database would queue for every history row of a transaction until its commit. A
user deleted through Django still has their history rows set to no author, as before.
"""

from simple_history.models import HistoricalRecords


class RegistryHistory(HistoricalRecords):
    def __init__(self, **options):
        options.setdefault("user_db_constraint", False)
        super().__init__(**options)

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:  # the record's id: how its versions are found
                field.db_index = False
        return fields
