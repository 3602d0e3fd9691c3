"""Every write to the registry goes through one of these functions.

The admin, the API, imports and tasks call them so that every path checks the same rules,
records the same timeline events and history, and triggers the same follow-up work. Each
function is atomic: it either does everything it says or nothing.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases import choices
from cases.exceptions import PublicationRefused, ReclassificationRefused, RefusedChange
from cases.models import (
    Article,
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    ChargeToReview,
    ExternalIdentifier,
    Facility,
    FacilityStay,
    Jurisdiction,
    Person,
    PersonName,
    Reclassification,
    Source,
)

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
}
CASE_FIELDS = {
    "case_number",
    "investigating_body",
    "detention_date",
    "detention_place",
    "status",
    "court",
    "judge",
    "prosecutor",
    "verdict_date",
    "sentence_kind",
    "sentence_years",
    "sentence_months",
    "sentence_regime",
    "recognised_on",
    "recognised_by",
    "recognition_criteria",
}


@dataclass(frozen=True)
class NameSpec:
    text: str
    script: str
    kind: str
    is_primary: bool = False


def _save(instance, by, **kwargs):
    """Validate against the model's rules (constraints included), then save with the author.

    A broken rule is raised as RefusedChange carrying the field errors, so callers show them.
    """
    try:
        instance.full_clean(**kwargs)
    except ValidationError as error:
        raise RefusedChange(error.message_dict if hasattr(error, "error_dict") else error.messages) from error
    if by is not None:
        instance._history_user = by
    instance.save()
    return instance


def _changed(person, object_type, object_id, action, is_public=True):
    from cases.changes import record_change

    record_change(
        person=person, object_type=object_type, object_id=object_id, action=action, is_public=is_public
    )


def _detail_changed(instance):
    """A name, event or stay belongs to a person's record; sources and facilities do not."""
    if isinstance(instance, PersonName):
        _changed(instance.person, "person", instance.person.slug, Action.UPDATED)
    elif isinstance(instance, CaseEvent):
        _changed(
            instance.case.person, "event", instance.public_id, Action.UPDATED, is_public=instance.is_public
        )
    elif isinstance(instance, FacilityStay):
        _changed(instance.case.person, "case", instance.case.public_id, Action.UPDATED)


def _after_commit_assess(case_ids):
    """Hook for work that must follow a change that can move a risk level (see cases.risk)."""
    from cases import assessment_queue

    assessment_queue.request_assessment(case_ids)


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
    _save(person, by)
    for spec in names:
        add_person_name(
            person=person,
            text=spec.text,
            script=spec.script,
            kind=spec.kind,
            is_primary=spec.is_primary,
            by=by,
        )
    _changed(person, "person", person.slug, Action.CREATED)
    return person


@transaction.atomic
def update_person(*, person: Person, by=None, **changes) -> Person:
    """Change a person's facts.

    Side effects: a history row; when sex, birth date or official status change, every case
    of the person is queued for re-assessment after commit.
    """
    unknown = set(changes) - PERSON_FIELDS
    if unknown:
        raise RefusedChange(f"Unknown person fields: {', '.join(sorted(unknown))}")
    # Work on the row as it is now, so a stale copy in the caller's hands cannot undo other changes.
    person = Person.objects.select_for_update().get(pk=person.pk)
    risk_relevant = {"sex", "birth_date", "birth_date_precision", "is_official_or_military"}
    moved = any(getattr(person, f) != v for f, v in changes.items() if f in risk_relevant)
    for field, value in changes.items():
        setattr(person, field, value)
    _save(person, by)
    _changed(person, "person", person.slug, Action.UPDATED)
    if moved:
        _after_commit_assess(list(person.cases.values_list("id", flat=True)))
    return person


@transaction.atomic
def add_person_name(*, person: Person, text: str, script: str, kind: str, is_primary=False, by=None):
    """Add a spelling of a person's name; a new primary name demotes the old one."""
    text = " ".join(text.split())
    if is_primary:
        for old in person.names.filter(is_primary=True):
            old.is_primary = False
            _save(old, by)
    name = _save(PersonName(person=person, text=text, script=script, kind=kind, is_primary=is_primary), by)
    _changed(person, "person", person.slug, Action.UPDATED)
    return name


@transaction.atomic
def publish_person(*, person: Person, by=None) -> Person:
    """Make a person and their cases visible on the public pages and the anonymous API.

    Refused without a primary name or without a case. Side effects: history row, published_at.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.publication_state == choices.PublicationState.PUBLISHED:
        return person
    if not person.names.filter(is_primary=True).exists():
        raise PublicationRefused("A person without a primary name cannot be published.")
    if not person.cases.exists():
        raise PublicationRefused("A person without a case cannot be published.")
    person.publication_state = choices.PublicationState.PUBLISHED
    person.published_at = timezone.now()
    _save(person, by)
    # To a mirror, a newly published person is new, whatever their history in the registry.
    _changed(person, "person", person.slug, Action.CREATED)
    return person


@transaction.atomic
def withdraw_person(*, person: Person, by=None) -> Person:
    """Take a published person off the public pages (e.g. at the family's request).

    Side effects: history row. The record and its history stay for staff.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.publication_state != choices.PublicationState.PUBLISHED:
        raise PublicationRefused("Only a published person can be withdrawn.")
    person.publication_state = choices.PublicationState.WITHDRAWN
    _save(person, by)
    # Mirrors must drop the record; the feed carries the removal, never the old content.
    _changed(person, "person", person.slug, Action.REMOVED)
    return person


# Cases ----------------------------------------------------------------------------------------


@transaction.atomic
def create_case(*, person: Person, jurisdiction: Jurisdiction, by=None, **fields) -> Case:
    """Open a case for a person.

    Side effects: a public 'detained' event when the detention date is known; the case is
    queued for assessment after commit.
    """
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise RefusedChange(f"Unknown case fields: {', '.join(sorted(unknown))}")
    case = _save(Case(person=person, jurisdiction=jurisdiction, **fields), by)
    if case.detention_date:
        record_event(
            case=case,
            kind=choices.EventKind.DETAINED,
            date=case.detention_date,
            text=case.detention_place,
            is_public=True,
            by=by,
        )
    _changed(person, "case", case.public_id, Action.CREATED)
    _after_commit_assess([case.id])
    return case


@transaction.atomic
def update_case(*, case: Case, by=None, **changes) -> Case:
    """Change a case's facts (status, verdict, sentence...).

    Side effects: history row; queued for re-assessment after commit.
    """
    unknown = set(changes) - CASE_FIELDS
    if unknown:
        raise RefusedChange(f"Unknown case fields: {', '.join(sorted(unknown))}")
    case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
    for field, value in changes.items():
        setattr(case, field, value)
    _save(case, by)
    _changed(case.person, "case", case.public_id, Action.UPDATED)
    _after_commit_assess([case.id])
    return case


@transaction.atomic
def record_event(
    *,
    case: Case,
    kind: str,
    date: datetime.date,
    text: str = "",
    is_public=False,
    sources=(),
    charge: Charge | None = None,
    by=None,
) -> CaseEvent:
    """Add an entry to a case's timeline."""
    event = _save(
        CaseEvent(case=case, kind=kind, date=date, text=text, is_public=is_public, charge=charge), by
    )
    if sources:
        event.sources.set(sources)
    _changed(case.person, "event", event.public_id, Action.CREATED, is_public=is_public)
    return event


@transaction.atomic
def transfer_person(*, case: Case, facility: Facility, on: datetime.date, by=None) -> FacilityStay:
    """Record that the person is now held in `facility` from `on`.

    Side effects: the open stay (if any) ends on `on`; a public 'transferred' event.
    """
    open_stay = case.stays.filter(end_date__isnull=True).first()
    if open_stay is not None:
        if on < open_stay.start_date:
            raise RefusedChange(
                f"The transfer date {on} is before the current stay began ({open_stay.start_date})."
            )
        if open_stay.facility_id == facility.id:
            raise RefusedChange(f"The person is already held in {facility}.")
        open_stay.end_date = on
        _save(open_stay, by)
    stay = _save(FacilityStay(case=case, facility=facility, start_date=on), by)
    record_event(
        case=case, kind=choices.EventKind.TRANSFERRED, date=on, text=facility.name_en, is_public=True, by=by
    )
    _changed(case.person, "case", case.public_id, Action.UPDATED)
    return stay


# Charges --------------------------------------------------------------------------------------


def _check_article_fits_case(case: Case, article: Article) -> None:
    if article.jurisdiction_id != case.jurisdiction_id:
        raise RefusedChange(f"{article.notation} belongs to another jurisdiction's code than this case.")


@transaction.atomic
def add_charge(
    *,
    case: Case,
    article: Article,
    stage=choices.ChargeStage.COMPLETED,
    offence_date: datetime.date | None = None,
    charged_on: datetime.date | None = None,
    source: Source | None = None,
    by=None,
) -> Charge:
    """Bring a new charge in a case.

    Side effects: a public 'charged' event when the date is known; re-assessment after commit.
    """
    _check_article_fits_case(case, article)
    charge = _save(
        Charge(
            case=case,
            article=article,
            stage=stage,
            offence_date=offence_date,
            charged_on=charged_on,
            source=source,
        ),
        by,
    )
    if charged_on:
        record_event(
            case=case,
            kind=choices.EventKind.CHARGED,
            date=charged_on,
            text=article.notation,
            is_public=True,
            charge=charge,
            sources=[source] if source else (),
            by=by,
        )
    _after_commit_assess([case.id])
    _changed(case.person, "charge", charge.public_id, Action.CREATED)
    return charge


@transaction.atomic
def reclassify_charge(
    *,
    charge: Charge,
    to_article: Article,
    on: datetime.date,
    source: Source | None = None,
    stage: str | None = None,
    offence_date: datetime.date | None = None,
    note: str = "",
    by=None,
) -> Charge:
    """Replace an active charge by a charge under another article (or stage) from `on`.

    Refused when the charge is not active, when nothing would change, when `on` is before the
    charge was brought or in the future, or when the article is of another jurisdiction.
    Side effects: the old charge ends in state 'reclassified' pointing to the new one (its
    history is kept); a Reclassification record; a public 'reclassified' event;
    re-assessment after commit. Returns the new charge.
    """
    charge = Charge.objects.select_for_update().select_related("article", "case").get(pk=charge.pk)
    new_stage = stage or charge.stage
    if charge.state != choices.ChargeState.ACTIVE:
        raise ReclassificationRefused(
            f"Only an active charge can be reclassified; this one is {charge.get_state_display()}."
        )
    if to_article.pk == charge.article_id and new_stage == charge.stage:
        raise ReclassificationRefused(
            f"The charge is already under {charge.article.notation}; a reclassification must change it."
        )
    if charge.charged_on and on < charge.charged_on:
        raise ReclassificationRefused(
            f"The reclassification date {on} is before the charge was brought ({charge.charged_on})."
        )
    if on > timezone.localdate():
        raise ReclassificationRefused(f"The reclassification date {on} is in the future.")
    _check_article_fits_case(charge.case, to_article)

    successor = _save(
        Charge(
            case=charge.case,
            article=to_article,
            stage=new_stage,
            offence_date=offence_date or charge.offence_date,
            charged_on=on,
            source=source,
        ),
        by,
    )
    charge.state = choices.ChargeState.RECLASSIFIED
    charge.ended_on = on
    charge.reclassified_into = successor
    _save(charge, by)
    _save(
        Reclassification(
            from_charge=charge,
            to_charge=successor,
            date=on,
            source=source,
            note=note,
            created_by=by if getattr(by, "pk", None) else None,
        ),
        by,
    )
    record_event(
        case=charge.case,
        kind=choices.EventKind.RECLASSIFIED,
        date=on,
        text=f"{charge.article.notation} → {to_article.notation}",
        is_public=True,
        charge=successor,
        sources=[source] if source else (),
        by=by,
    )
    _after_commit_assess([charge.case_id])
    _changed(charge.case.person, "charge", charge.public_id, Action.RECLASSIFIED)
    _changed(charge.case.person, "charge", successor.public_id, Action.CREATED)
    return successor


ENDING_STATES = {
    choices.ChargeState.DROPPED: choices.EventKind.CHARGE_DROPPED,
    choices.ChargeState.CONVICTED: choices.EventKind.VERDICT,
    choices.ChargeState.ACQUITTED: choices.EventKind.VERDICT,
}


@transaction.atomic
def end_charge(*, charge: Charge, state: str, on: datetime.date, by=None) -> Charge:
    """Close an active charge as dropped, convicted or acquitted.

    Reclassification has its own service. Side effects: a public event for a dropped charge;
    re-assessment after commit.
    """
    charge = Charge.objects.select_for_update().select_related("article").get(pk=charge.pk)
    if state not in ENDING_STATES:
        raise RefusedChange(f"A charge cannot be ended as {state!r}; use reclassify for a new article.")
    if charge.state != choices.ChargeState.ACTIVE:
        raise RefusedChange(f"The charge is already {charge.get_state_display()}.")
    if charge.charged_on and on < charge.charged_on:
        raise RefusedChange(f"{on} is before the charge was brought ({charge.charged_on}).")
    charge.state = state
    charge.ended_on = on
    _save(charge, by)
    if state == choices.ChargeState.DROPPED:
        record_event(
            case=charge.case,
            kind=choices.EventKind.CHARGE_DROPPED,
            date=on,
            text=charge.article.notation,
            is_public=True,
            charge=charge,
            by=by,
        )
    _after_commit_assess([charge.case_id])
    _changed(charge.case.person, "charge", charge.public_id, Action.UPDATED)
    return charge


@transaction.atomic
def update_charge_facts(*, charge: Charge, by=None, **changes) -> Charge:
    """Correct a charge's offence date, stage, charge date or source (not its article or state)."""
    allowed = {"offence_date", "stage", "charged_on", "source"}
    unknown = set(changes) - allowed
    if unknown:
        raise RefusedChange(
            f"These charge fields cannot be edited directly: {', '.join(sorted(unknown))}. "
            "Use reclassify to change the article and end_charge to close it."
        )
    charge = Charge.objects.select_for_update().select_related("case__person").get(pk=charge.pk)
    for field, value in changes.items():
        setattr(charge, field, value)
    _save(charge, by)
    _after_commit_assess([charge.case_id])
    _changed(charge.case.person, "charge", charge.public_id, Action.UPDATED)
    return charge


# Detail records -------------------------------------------------------------------------------

DETAIL_MODELS = ("PersonName", "CaseEvent", "FacilityStay", "Source", "Facility")


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
            _save(old, by)
    _save(instance, by)
    _detail_changed(instance)
    return instance


@transaction.atomic
def save_law_data(*, instance, by=None):
    """Save a staff edit of the law data (an article part, a watch-list entry, a jurisdiction).

    Side effects: every case of the jurisdiction is marked stale and re-assessed, so a new
    law is a data change that reaches every case.
    """
    from cases.assessment_queue import request_jurisdiction_assessment
    from cases.models import Jurisdiction as JurisdictionModel

    if type(instance).__name__ not in ("Article", "WatchListEntry", "Jurisdiction"):
        raise RefusedChange(f"{type(instance).__name__} is not law data.")
    _save(instance, by)
    jurisdiction_id = instance.pk if isinstance(instance, JurisdictionModel) else instance.jurisdiction_id
    request_jurisdiction_assessment(jurisdiction_id)
    return instance


# Identity and imports -------------------------------------------------------------------------


@transaction.atomic
def add_external_identifier(*, person: Person, scheme: str, value: str, by=None) -> ExternalIdentifier:
    """Record the id another registry gives `person` (a list's row id, a page URL).

    Refused when the value is empty or another person already carries it. Adding an identifier
    the person already has returns it unchanged. Side effects: a history row; no change-feed
    entry, because identifiers are internal to the registry.
    """
    value = value.strip()
    existing = ExternalIdentifier.objects.filter(scheme=scheme, value=value).first()
    if existing is not None:
        if existing.person_id != person.pk:
            raise RefusedChange(f"Another person already carries the {scheme} identifier {value}.")
        return existing
    return _save(ExternalIdentifier(person=person, scheme=scheme, value=value), by)


@transaction.atomic
def record_charge_to_review(
    *,
    case: Case,
    text: str,
    reason: str,
    article_number: str = "",
    part: str = "",
    stage: str = choices.ChargeStage.UNKNOWN,
    import_run=None,
    by=None,
) -> ChargeToReview:
    """Keep a charge the law data does not know (or that could not be read) on the case for staff
    to resolve, instead of dropping it or guessing a real charge.

    Side effects: a history row. The risk rules do not read it: a resolved review that turns
    out to be a real charge is added with `add_charge`.
    """
    return _save(
        ChargeToReview(
            case=case,
            text=text[:300],
            reason=reason[:300],
            article_number=article_number,
            part=part,
            stage=stage,
            import_run=import_run,
        ),
        by,
    )


@transaction.atomic
def resolve_charge_to_review(*, item: ChargeToReview, by, note: str = "") -> ChargeToReview:
    """Mark a charge to review as dealt with, recording who and when.

    Refused when it is already resolved. Side effects: a history row.
    """
    item = ChargeToReview.objects.select_for_update().get(pk=item.pk)
    if item.resolved_at is not None:
        raise RefusedChange("This charge was already reviewed.")
    item.resolved_at = timezone.now()
    item.resolved_by = by if getattr(by, "pk", None) else None
    item.resolution_note = note
    return _save(item, by)
