"""The history every registry record keeps: one row per version, who wrote it and when.

History is read one record at a time (its versions, by the record's id) and by date, never by
its other columns: so those columns carry no index. Each index was a write for every version of
every row, which a large import pays hundreds of thousands of times (docs/scaling.md).

The author is kept as a plain reference, not a database constraint: the same reference, without
the check the database would queue for every history row of a transaction until its commit. A
user deleted through Django still has their history rows set to no author, as before.
"""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RegistryHistory(HistoricalRecords):
    def __init__(self, **options):
        options.setdefault("user_db_constraint", False)
        super().__init__(**options)

    def get_meta_options(self, model):
        # simple-history names a version "historical <name>" in English only; the same words,
        # marked for translation, and the record's own name in the staff's language.
        options = super().get_meta_options(model)
        options["verbose_name"] = format_lazy(_("historical {}"), model._meta.verbose_name)
        options["verbose_name_plural"] = format_lazy(_("historical {}"), model._meta.verbose_name_plural)
        return options

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for name, field in fields.items():
            if name != model._meta.pk.name:  # the record's id: how its versions are found
                field.db_index = False
        return fields
