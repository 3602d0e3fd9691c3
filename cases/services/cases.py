"""Writing cases: their facts, timeline events, transfers between facilities, and charges as they
are brought, reclassified and ended."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases import choices
from cases.content_languages import guess_language
from cases.exceptions import ReclassificationRefused, RefusedChange
from cases.models import (
    Article,
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    Facility,
    FacilityStay,
    Jurisdiction,
    Person,
    Reclassification,
    Release,
    Source,
    default_content_language,
)
from cases.risk import alerts
from cases.services.base import assess_after_commit, note_change, retry_once_on_deadlock, validated_save
from cases.services.claimed_edits import keep_claims_in_step
from cases.services.contradictions import FACT_EVENT_KINDS, check_case_contradictions
from cases.wording import catalogue as wording
from cases.wording.catalogue import english

Action = ChangeRecord.Action


CASE_FIELDS = {
    "case_number",
    "investigating_body",
    "detention_date",
    "detention_date_precision",
    "detention_place",
    "status",
    "court",
    "judge",
    "prosecutor",
    "verdict_date",
    "verdict_date_precision",
    "verdict_final_on",
    "verdict_final_on_precision",
    "sentence_kind",
    "sentence_years",
    "sentence_months",
    "sentence_regime",
    "recognised_on",
    "recognised_on_precision",
    "recognised_by",
    "recognition_statement_url",
    "recognition_criteria",
}


# Locks ----------------------------------------------------------------------------------------
#
# Every service here that writes a case or its charges locks the case row first, then the charge
# row, and no other row: one order for every writer (the assessment locks the case too), so two
# editors meet at the case and wait rather than deadlock. `of=("self",)` matters: a FOR UPDATE
# through a join would also lock the charge's article (or the case's person), and the deferred
# foreign-key check of a new charge under that article in another case, at commit, needs a share
# lock on it: two reclassifications in opposite directions deadlocked (issue #14). The case's
# lock is NO KEY UPDATE, what its later UPDATE (the stale mark) takes anyway, so it blocks no
# foreign-key check of another transaction that only references the case.


def _lock_case(case_id: int) -> Case:
    return Case.objects.select_for_update(of=("self",), no_key=True).select_related("person").get(pk=case_id)


def _lock_charge(charge: Charge) -> Charge:
    """Lock the charge's case, then the charge; return the charge as it is now."""
    _lock_case(charge.case_id)
    return (
        Charge.objects.select_for_update(of=("self",))
        .select_related("article", "case__person")
        .get(pk=charge.pk)
    )


# Cases ----------------------------------------------------------------------------------------


@transaction.atomic
def create_case(*, person: Person, jurisdiction: Jurisdiction, by=None, **fields) -> Case:
    """Open a case for a person.

    Side effects: a public 'detained' event when the detention date is known; contradictions
    flagged (cases.services.contradictions); the case is queued for assessment after commit.
    """
    unknown = set(fields) - CASE_FIELDS
    if unknown:
        raise RefusedChange(f"Unknown case fields: {', '.join(sorted(unknown))}")
    case = validated_save(Case(person=person, jurisdiction=jurisdiction, **fields), by)
    _release_of_status(case, by)
    if case.detention_date:
        record_event(  # which checks the new case's contradictions
            case=case,
            kind=choices.EventKind.DETAINED,
            date=case.detention_date,
            date_precision=case.detention_date_precision,
            text=case.detention_place,
            # The place as the list wrote it: its language is the one its letters say.
            content_language=guess_language(case.detention_place) if case.detention_place else None,
            is_public=True,
            by=by,
        )
    else:
        check_case_contradictions(case=case, by=by)
    note_change(person, "case", case.public_id, Action.CREATED)
    assess_after_commit([case.id])
    return case


@retry_once_on_deadlock
@transaction.atomic
def update_case(*, case: Case, by=None, **changes) -> Case:
    """Change a case's facts (status, verdict, sentence...).

    Side effects: history row; contradictions flagged or resolved (cases.services.contradictions);
    queued for re-assessment after commit; a fact that carries claims, edited without one, becomes
    the staff's unsourced accepted claim (cases.services.claimed_edits).
    """
    unknown = set(changes) - CASE_FIELDS
    if unknown:
        raise RefusedChange(f"Unknown case fields: {', '.join(sorted(unknown))}")
    case = _lock_case(case.pk)
    changed = {f for f, v in changes.items() if getattr(case, f) != v}
    for field, value in changes.items():
        setattr(case, field, value)
    validated_save(case, by)
    if "status" in changed:
        _release_of_status(case, by)
    keep_claims_in_step(person=case.person, case=case, changed=changed, by=by)
    check_case_contradictions(case=case, by=by)
    note_change(case.person, "case", case.public_id, Action.UPDATED)
    assess_after_commit([case.id])
    return case


def _release_of_status(case: Case, by) -> None:
    """A status that says the person has left custody (an import's word, an edit) makes the case's
    release, how as the status says ("released" alone: not known), when it has none: so every
    released case carries one, for staff to complete (cases.services.releases)."""
    if case.status in choices.RELEASE_STATUSES and not Release.objects.filter(case=case).exists():
        how = choices.HOW_BY_STATUS.get(case.status, choices.ReleaseKind.UNKNOWN)
        validated_save(Release(case=case, how=how), by)


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
    date_precision: str = choices.DatePrecision.DAY,
    content_language: str | None = None,
    translations: dict | None = None,
    by=None,
    message: dict | None = None,
) -> CaseEvent:
    """Add an entry to a case's timeline; `date_precision` says how much of `date` is known.
    `text` is written in `content_language` (settings.CONTENT_LANGUAGE unless given) and
    `translations` gives it in the other languages ({"be": {"text": "…"}}), refused with the
    reason for an unknown language or field. An entry the registry writes itself passes `message`
    (cases.wording) instead: its `text` is then the message in English, rendered in each reader's
    language when shown.

    Side effects: a release, death or detention has the case's contradictions checked; an entry
    the risk rules read (a release, a death, a commutation) queues the case for assessment after
    commit; news of a person under a death sentence (cases.choices.DEATH_ROW_KINDS) raises an
    urgent alert to staff and partners (cases.risk.alerts).
    """
    event = validated_save(
        CaseEvent(
            case=case,
            kind=kind,
            date=date,
            date_precision=date_precision,
            text=english(message) if message else text,
            message=message or {},
            content_language="en" if message else (content_language or default_content_language()),
            translations={} if message else (translations or {}),
            is_public=is_public,
            charge=charge,
        ),
        by,
    )
    if sources:
        event.sources.set(sources)
    note_change(case.person, "event", event.public_id, Action.CREATED, is_public=is_public)
    follow_event(event=event, case=case, created=True, by=by)
    return event


def follow_event(*, event: CaseEvent, case: Case, created: bool, kind_before: str = "", by=None) -> None:
    """What follows a timeline entry saved, moved or removed, whichever service did it: a
    release, death or detention (now or before the edit) has the case's contradictions checked; an
    entry the risk rules read (a release, a death, a commutation) queues the case for assessment
    after commit; a new entry of news of a person under a death sentence raises an urgent alert."""
    kinds = {event.kind, kind_before}
    if kinds & set(FACT_EVENT_KINDS):
        check_case_contradictions(case=case, by=by)
    if kinds & set(choices.RISK_EVENT_KINDS):
        assess_after_commit([case.id])
    if created and event.kind in choices.DEATH_ROW_KINDS and case.sentence_kind == choices.SentenceKind.DEATH:
        alerts.raise_death_row_alert(case=case, event=event)


@transaction.atomic
def redate_event(
    *, event: CaseEvent, date: datetime.date, date_precision: str = choices.DatePrecision.DAY, by=None
) -> CaseEvent:
    """Move an event to another day: the day a decided claim gives its fact (the release date).
    The event stays the one event it was, with its sources: a disagreement on the day never
    makes a second release.

    Side effects: a history row; a change-feed entry, as public as the event; a release, death or
    detention has the case's contradictions checked; a release or a death queues the case for
    assessment after commit.
    """
    event.date, event.date_precision = date, date_precision
    validated_save(event, by)
    note_change(event.case.person, "event", event.public_id, Action.UPDATED, is_public=event.is_public)
    follow_event(event=event, case=event.case, created=False, by=by)
    return event


@transaction.atomic
def transfer_person(*, case: Case, facility: Facility, on: datetime.date, by=None) -> FacilityStay:
    """Record that the person is now held in `facility` from `on`.

    Side effects: the open stay (if any) ends on `on`; a public 'transferred' event; where the
    facility where the person is held carries claims, a transfer without one is the staff's
    unsourced accepted claim (cases.services.claimed_edits).
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
        validated_save(open_stay, by)
    stay = validated_save(FacilityStay(case=case, facility=facility, start_date=on), by)
    keep_claims_in_step(person=case.person, case=case, changed={"facility"}, by=by)
    record_event(
        case=case, kind=choices.EventKind.TRANSFERRED, date=on, text=facility.name_en, is_public=True, by=by
    )
    note_change(case.person, "case", case.public_id, Action.UPDATED)
    return stay


STAY_FIELDS = ("facility", "start_date", "start_date_precision", "end_date", "end_date_precision")


@transaction.atomic
def correct_stay(*, stay: FacilityStay, by=None, **changes) -> FacilityStay:
    """Correct where a stay was spent or its first or last day (a claim accepted on the stay, or
    staff fixing a mistake): not a transfer, the person's path stays as it was.

    The stay may not overlap another of the case's stays (a gap, where nobody knows where the
    person was, is allowed): ending the open stay (the person was released) or reopening the last
    one (a release entered by mistake) is a correction too. The public 'transferred' entry that
    began the stay moves with it (day and facility).

    Side effects: history row; the timeline entry corrected; a fact that carries claims, edited
    without one, becomes the staff's unsourced accepted claim; a change-feed entry for the case.
    """
    unknown = set(changes) - set(STAY_FIELDS)
    if unknown:
        raise RefusedChange(f"These stay fields cannot be corrected: {', '.join(sorted(unknown))}.")
    case = _lock_case(stay.case_id)
    stay = FacilityStay.objects.select_related("facility").get(pk=stay.pk)
    before = (stay.start_date, stay.start_date_precision, stay.facility)
    changed = {f for f, v in changes.items() if getattr(stay, f) != v}
    for field, value in changes.items():
        setattr(stay, field, value)
    _check_no_overlap(stay)
    validated_save(stay, by)
    _move_transfer_entry(case, before, stay, by)
    keep_claims_in_step(person=case.person, case=case, stay=stay, changed=changed, by=by)
    note_change(case.person, "case", case.public_id, Action.UPDATED)
    return stay


def _check_no_overlap(stay: FacilityStay) -> None:
    """A person is in one place at a time: the stay's days may touch another stay's (the day of a
    transfer ends one and begins the next) but not run into them."""
    for other in stay.case.stays.exclude(pk=stay.pk).select_related("facility"):
        if stay.certainly_overlaps(other):
            raise RefusedChange(f"The stay would overlap the stay in {other}: correct that one first.")


def _move_transfer_entry(case: Case, before, stay: FacilityStay, by) -> None:
    """The 'transferred' timeline entry that began the stay (its day and the facility's name, as
    transfer_person wrote it) follows the corrected stay."""
    start, precision, facility = before
    if (start, precision, facility.pk) == (stay.start_date, stay.start_date_precision, stay.facility_id):
        return
    event = case.events.filter(kind=choices.EventKind.TRANSFERRED, date=start, text=facility.name_en).first()
    if event is None:
        return
    event.text = stay.facility.name_en
    redate_event(event=event, date=stay.start_date, date_precision=stay.start_date_precision, by=by)


# Charges --------------------------------------------------------------------------------------


def _check_article_fits_case(case: Case, article: Article) -> None:
    if article.jurisdiction_id != case.jurisdiction_id:
        raise RefusedChange(f"{article.notation} belongs to another jurisdiction's code than this case.")


@retry_once_on_deadlock
@transaction.atomic
def add_charge(
    *,
    case: Case,
    article: Article,
    stage=choices.ChargeStage.COMPLETED,
    offence_date: datetime.date | None = None,
    charged_on: datetime.date | None = None,
    source: Source | None = None,
    offence_date_precision: str = choices.DatePrecision.DAY,
    charged_on_precision: str = choices.DatePrecision.DAY,
    by=None,
) -> Charge:
    """Bring a new charge in a case.

    Side effects: a public 'charged' event when the date is known; contradictions flagged or
    resolved; re-assessment after commit.
    """
    _check_article_fits_case(case, article)
    _lock_case(case.pk)
    charge = validated_save(
        Charge(
            case=case,
            article=article,
            stage=stage,
            offence_date=offence_date,
            offence_date_precision=offence_date_precision,
            charged_on=charged_on,
            charged_on_precision=charged_on_precision,
            source=source,
        ),
        by,
    )
    if charged_on:
        record_event(
            case=case,
            kind=choices.EventKind.CHARGED,
            date=charged_on,
            date_precision=charged_on_precision,
            text=article.notation,
            is_public=True,
            charge=charge,
            sources=[source] if source else (),
            by=by,
        )
    check_case_contradictions(case=case, by=by)
    assess_after_commit([case.id])
    note_change(case.person, "charge", charge.public_id, Action.CREATED)
    return charge


@retry_once_on_deadlock
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
    charge = _lock_charge(charge)
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

    successor = validated_save(
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
    validated_save(charge, by)
    validated_save(
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
        message=wording.message(
            "reclassified",
            **{"from": _notation(charge.article)},
            to=_notation(to_article),
        ),
        is_public=True,
        charge=successor,
        sources=[source] if source else (),
        by=by,
    )
    assess_after_commit([charge.case_id])
    note_change(charge.case.person, "charge", charge.public_id, Action.RECLASSIFIED)
    note_change(charge.case.person, "charge", successor.public_id, Action.CREATED)
    return successor


ENDING_STATES = {
    choices.ChargeState.DROPPED: choices.EventKind.CHARGE_DROPPED,
    choices.ChargeState.CONVICTED: choices.EventKind.VERDICT,
    choices.ChargeState.ACQUITTED: choices.EventKind.VERDICT,
}


@retry_once_on_deadlock
@transaction.atomic
def end_charge(*, charge: Charge, state: str, on: datetime.date, by=None) -> Charge:
    """Close an active charge as dropped, convicted or acquitted.

    Reclassification has its own service. Side effects: a public event for a dropped charge;
    re-assessment after commit.
    """
    charge = _lock_charge(charge)
    if state not in ENDING_STATES:
        raise RefusedChange(f"A charge cannot be ended as {state!r}; use reclassify for a new article.")
    if charge.state != choices.ChargeState.ACTIVE:
        raise RefusedChange(f"The charge is already {charge.get_state_display()}.")
    if charge.charged_on and on < charge.charged_on:
        raise RefusedChange(f"{on} is before the charge was brought ({charge.charged_on}).")
    charge.state = state
    charge.ended_on = on
    validated_save(charge, by)
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
    assess_after_commit([charge.case_id])
    note_change(charge.case.person, "charge", charge.public_id, Action.UPDATED)
    return charge


@retry_once_on_deadlock
@transaction.atomic
def update_charge_facts(*, charge: Charge, by=None, **changes) -> Charge:
    """Correct a charge's offence date, stage, charge date or source (not its article or state).

    Side effects: history row; contradictions flagged or resolved; re-assessment after commit; a
    fact that carries claims, edited without one, becomes the staff's unsourced accepted claim.
    """
    allowed = {
        "offence_date",
        "offence_date_precision",
        "stage",
        "charged_on",
        "charged_on_precision",
        "source",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise RefusedChange(
            f"These charge fields cannot be edited directly: {', '.join(sorted(unknown))}. "
            "Use reclassify to change the article and end_charge to close it."
        )
    charge = _lock_charge(charge)
    changed = {f for f, v in changes.items() if getattr(charge, f) != v}
    for field, value in changes.items():
        setattr(charge, field, value)
    validated_save(charge, by)
    keep_claims_in_step(person=charge.case.person, case=charge.case, charge=charge, changed=changed, by=by)
    check_case_contradictions(case=charge.case, by=by)
    assess_after_commit([charge.case_id])
    note_change(charge.case.person, "charge", charge.public_id, Action.UPDATED)
    return charge


def _notation(article) -> dict:
    """An article as a message parameter without its title (cases.wording.catalogue)."""
    return {"notation": {"number": article.number, "part": article.part}}
