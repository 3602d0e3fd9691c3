"""Writing the detail records of a person's file that have no verb of their own (names, events,
stays, sources, facilities)."""

from django.db import transaction

from cases.exceptions import RefusedChange
from cases.models import (
    PersonName,
)
from cases.services.base import note_detail_change, validated_save

# Detail records -------------------------------------------------------------------------------

DETAIL_MODELS = ("PersonName", "CaseEvent", "FacilityStay", "Source", "Facility", "ImportProfile")


@transaction.atomic
def save_detail(*, instance, by=None):
    """Create or correct a detail record that no risk rule reads (a name, an event, a stay, a
    source, a facility), with validation and an author in its history.

    A new primary name demotes the person's other primary name.
    """
    if type(instance).__name__ not in DETAIL_MODELS:
        raise RefusedChange(f"{type(instance).__name__} has its own service; use it.")
    if isinstance(instance, PersonName) and instance.is_primary:
        for old in instance.person.names.filter(is_primary=True).exclude(pk=instance.pk):
            old.is_primary = False
            validated_save(old, by)
    validated_save(instance, by)
    note_detail_change(instance)
    return instance
