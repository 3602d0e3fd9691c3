"""Writing people: creating them with their names, editing, publishing and withdrawing them."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases import choices
from cases.exceptions import PublicationRefused, RefusedChange
from cases.models import (
    ChangeRecord,
    NameSource,
    Person,
    PersonName,
)
from cases.protection.permissions import SOURCES_GROUP_FIELDS
from cases.services.base import assess_after_commit, note_change, validated_save
from cases.services.claimed_edits import keep_claims_in_step
from cases.services.contradictions import check_cases_contradictions

Action = ChangeRecord.Action


PERSON_FIELDS = {
    "sex",
    "birth_date",
    "birth_date_precision",
    "is_official_or_military",
    "region",
    "citizenship",
    "occupation",
    "biography",
    "internal_notes",
    "contacts",
    "silence_public",
    "patronymic",
    "letters_welcome",
    # Issue 20, point 3: the language the occupation and biography are written in, and their
    # translations ({"be": {"biography": "…"}}); Person.clean refuses an unknown language or field.
    "content_language",
    "translations",
}


@dataclass(frozen=True)
class NameSpec:
    text: str
    script: str
    kind: str
    is_primary: bool = False
    source: object = None  # the Source that gives this spelling (None: registry staff)
    as_of: object = None  # the day it gave it (a date), if known


# People ---------------------------------------------------------------------------------------


@transaction.atomic
def create_person(*, names: list[NameSpec], by=None, **fields) -> Person:
    """Create a person with their names; exactly one name must be primary.

    Side effects: history rows for the person and each name. The person starts as a draft.
    """
    unknown = set(fields) - PERSON_FIELDS
    if unknown:
        raise RefusedChange(f"Unknown person fields: {', '.join(sorted(unknown))}")
    if sum(1 for n in names if n.is_primary) != 1:
        raise RefusedChange("A person needs exactly one primary name.")
    person = Person(**fields)
    latin = next((n.text for n in names if n.script == choices.Script.LATIN), "")
    person.assign_slug_from(latin)
    # The slug's random suffix is short: at ten thousand people two of them meet now and then
    # (an import of 10,000 rows met two), so draw again rather than refuse the person.
    while Person.objects.filter(slug=person.slug).exists():
        person.assign_slug_from(latin)
    validated_save(person, by)
    for spec in names:
        add_person_name(
            person=person,
            text=spec.text,
            script=spec.script,
            kind=spec.kind,
            is_primary=spec.is_primary,
            source=spec.source,
            as_of=spec.as_of,
            by=by,
        )
    note_change(person, "person", person.slug, Action.CREATED)
    return person


@transaction.atomic
def update_person(*, person: Person, by=None, **changes) -> Person:
    """Change a person's facts. The occupation and the biography are written in the person's
    `content_language`; `translations` gives them in the other languages, whole (what is left out
    is removed), refused with the reason for an unknown language or field
    (cases.content_languages.clean_translations).

    Side effects: a history row; a change-feed entry, internal unless a public field changed
    (`Person.PUBLIC_FIELDS`, which also move `updated_at`), none for contacts alone; when sex,
    birth date or official status change, every case of the person is queued for re-assessment
    after commit; when the birth date changes, their cases' contradictions are checked; a fact
    that carries claims, edited without one, becomes the staff's unsourced accepted claim
    (cases.services.claimed_edits).
    """
    unknown = set(changes) - PERSON_FIELDS
    if unknown:
        raise RefusedChange(f"Unknown person fields: {', '.join(sorted(unknown))}")
    # Work on the row as it is now, so a stale copy in the caller's hands cannot undo other changes.
    # NO KEY: a charge edit in one of their cases holds a key-share lock on the person until commit
    # (its foreign keys); a full FOR UPDATE here would wait on it in a cycle (docs/operations.md).
    person = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
    risk_relevant = {"sex", "birth_date", "birth_date_precision", "is_official_or_military"}
    moved = any(getattr(person, f) != v for f, v in changes.items() if f in risk_relevant)
    changed = {f for f, v in changes.items() if getattr(person, f) != v}
    for field, value in changes.items():
        setattr(person, field, value)
    public = person.public_fields_changed()
    validated_save(person, by)
    keep_claims_in_step(person=person, case=None, changed=changed, by=by)
    # An internal edit is an internal entry, and contacts (Sources group only) reach no feed
    # reader at all: a public "updated" would tell everyone when staff worked on the person.
    if changed - set(SOURCES_GROUP_FIELDS["person"]):
        note_change(person, "person", person.slug, Action.UPDATED, is_public=public)
    if moved:
        case_ids = list(person.cases.values_list("id", flat=True))
        assess_after_commit(case_ids)
        if changed & {"birth_date", "birth_date_precision"}:
            check_cases_contradictions(case_ids=case_ids, by=by)
    return person


@transaction.atomic
def add_person_name(
    *, person: Person, text: str, script: str, kind: str, is_primary=False, source=None, as_of=None, by=None
):
    """Add a spelling of a person's name (`source`: who gives it, `as_of`: the day it did, if
    known); a new primary name demotes the old one."""
    text = " ".join(text.split())
    if is_primary:
        for old in person.names.filter(is_primary=True):
            old.is_primary = False
            validated_save(old, by)
    name = validated_save(
        PersonName(
            person=person,
            text=text,
            script=script,
            kind=kind,
            is_primary=is_primary,
            source=source,
            as_of=as_of,
            as_of_precision=choices.DatePrecision.DAY if as_of else choices.DatePrecision.UNKNOWN,
        ),
        by,
    )
    note_change(person, "person", person.slug, Action.UPDATED)
    return name


@transaction.atomic
def cite_person_name(
    *, name: PersonName, source, as_of=None, as_of_precision=None, by=None
) -> PersonName | NameSource:
    """Record that `source` gives a name in this spelling too (issue 17: a second list's word on a
    name is kept, not dropped because the spelling is known).

    A spelling the registry staff entered without a source takes `source` as its own; a source
    that gave the spelling before records nothing new (its first day stands). Returns what holds
    the source's word: the name, or the NameSource beside it. Side effects: that row and its
    history; a change-feed entry for the person when something was recorded.
    """
    precision = as_of_precision or (choices.DatePrecision.DAY if as_of else choices.DatePrecision.UNKNOWN)
    name = PersonName.objects.select_for_update().get(pk=name.pk)
    if name.source_id == source.pk:
        return name
    if name.source_id is None:
        name.source, name.as_of, name.as_of_precision = source, as_of, precision
        validated_save(name, by)
        note_change(name.person, "person", name.person.slug, Action.UPDATED)
        return name
    given = NameSource.objects.filter(name=name, source=source).first()
    if given is not None:
        return given
    given = validated_save(NameSource(name=name, source=source, as_of=as_of, as_of_precision=precision), by)
    note_change(name.person, "person", name.person.slug, Action.UPDATED)
    return given


@transaction.atomic
def publish_person(*, person: Person, by=None) -> Person:
    """Make a person and their cases visible on the public pages and the anonymous API.

    Refused without a primary name or without a case. Side effects: history row, published_at,
    `updated_at` of the person and their cases (the public's view is new), a `created` entry in
    the change feed: the first of theirs that readers of published records see, since what was
    done to the draft stays hidden.
    """
    person = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
    if person.publication_state == choices.PublicationState.PUBLISHED:
        return person
    if not person.names.filter(is_primary=True).exists():
        raise PublicationRefused("A person without a primary name cannot be published.")
    if not person.cases.exists():
        raise PublicationRefused("A person without a case cannot be published.")
    person.publication_state = choices.PublicationState.PUBLISHED
    person.published_at = timezone.now()
    validated_save(person, by)
    # Their cases are new to the public too; the time of the last edit of a draft is not public.
    person.cases.update(updated_at=person.updated_at)
    # To a mirror, a newly published person is new, whatever their history in the registry.
    note_change(person, "person", person.slug, Action.CREATED)
    return person


@transaction.atomic
def withdraw_person(*, person: Person, by=None) -> Person:
    """Take a published person off the public pages (e.g. at the family's request).

    Side effects: history row; a `removed` entry in the change feed that names the person by
    their public UUID only, since the slug is built from their name (every earlier entry of
    theirs leaves the public feed: `ChangeRecord.objects.published()`). The record and its
    history stay for staff.
    """
    person = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
    if person.publication_state != choices.PublicationState.PUBLISHED:
        raise PublicationRefused("Only a published person can be withdrawn.")
    person.publication_state = choices.PublicationState.WITHDRAWN
    validated_save(person, by)
    note_change(person, "person", person.public_id, Action.REMOVED)
    return person
