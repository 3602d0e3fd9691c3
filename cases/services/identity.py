"""Writing a person's identifiers in other lists."""

from django.db import transaction

from cases.exceptions import RefusedChange
from cases.models import ChangeRecord, ExternalIdentifier, Person
from cases.services.base import note_change, validated_save

# Identity and imports -------------------------------------------------------------------------


@transaction.atomic
def add_external_identifier(*, person: Person, scheme: str, value: str, by=None) -> ExternalIdentifier:
    """Record the id another registry gives `person` (a list's row id, a page URL).

    Refused when the value is empty or another person already carries it. Adding an identifier
    the person already has returns it unchanged. Side effects: a history row, and a change-feed
    entry of the person that only readers of restricted data see (`_note`).
    """
    value = value.strip()
    existing = ExternalIdentifier.objects.filter(scheme=scheme, value=value).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise RefusedChange(f"Another person already carries the {scheme} identifier {value}.")
        return existing
    identifier = validated_save(ExternalIdentifier(person=person, scheme=scheme, value=value), by)
    _note(person)
    return identifier


@transaction.atomic
def correct_external_identifier(*, identifier: ExternalIdentifier, scheme: str, value: str, by=None):
    """Correct an identifier staff typed wrong (its scheme or its value); it stays with its person.

    Refused when the result is empty, a url identifier is not an http(s) address, or another
    person already carries it. Side effects: a history row and a restricted change-feed entry
    (as adding).
    """
    identifier.scheme, identifier.value = scheme, value.strip()
    validated_save(identifier, by)
    _note(identifier.person)
    return identifier


@transaction.atomic
def remove_external_identifier(*, identifier: ExternalIdentifier, by=None) -> None:
    """Take an identifier off its person (a wrong match). Side effects: a history row of the
    deletion with its author, a restricted change-feed entry (as adding); a later import of that
    list row no longer matches this person."""
    if by is not None:
        identifier._history_user = by
    person = identifier.person
    identifier.delete()
    _note(person)


def _note(person: Person) -> None:
    # Identifiers are shown only to readers of restricted data (a scheme can name the organisation
    # whose list fed the registry), so the entry is not public: their mirrors learn that the
    # person changed, readers of published records see nothing.
    note_change(person, "person", person.slug, ChangeRecord.Action.UPDATED, is_public=False)
