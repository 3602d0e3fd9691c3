"""Recording and deciding claims (issue 17): "source S says V, as of D" on one fact.

A fact holds any number of claims and at most one accepted claim, whose value is the record's.
Accepting a claim writes the fact through `update_person` / `update_case`, so history, timeline,
change feed, contradictions and risk reassessment follow exactly as for any edit. Nothing said by
a source is deleted: a claim that loses is superseded, with who decided and why.

The weighing rules (which source's word replaces which, how urgent a conflict is) are plain
functions in cases.claims.facts.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cases import choices, partial_dates
from cases.claims import facts
from cases.claims.facts import CASE, CHARGE, STAY, ClaimValueError, Fact
from cases.exceptions import RefusedChange
from cases.models import (
    Article,
    Case,
    ChangeRecord,
    Charge,
    Claim,
    Facility,
    FacilityStay,
    Person,
    Region,
    Source,
    latest_event,
)
from cases.services.base import assess_after_commit, note_change, validated_save
from cases.services.cases import (
    _lock_case,
    correct_stay,
    record_event,
    redate_event,
    transfer_person,
    update_case,
    update_charge_facts,
)
from cases.services.claimed_edits import facility_code, region_code
from cases.services.people import update_person

State = choices.ClaimState

RECORD_EDITED = "the record held this value without a claim (entered before claims, or edited directly)"


@transaction.atomic
def record_claim(
    *,
    fact: str,
    person: Person,
    case: Case | None = None,
    charge: Charge | None = None,
    stay: FacilityStay | None = None,
    value,
    source: Source | None = None,
    as_of=None,
    as_of_precision: str = partial_dates.UNKNOWN,
    note: str = "",
    by=None,
) -> Claim:
    """Record that `source` (None: registry staff, unsourced) says `value` of one fact.

    Where it stands: the first word on an empty fact is accepted (and written on the record); a
    word equal to the accepted value agrees with it; one that differs replaces the accepted claim
    when its source outranks the accepted one's by the registry's rule (facts.replaces: a court
    document beats a report), and otherwise conflicts: it waits in the conflicts queue for a
    Publisher, and the record keeps the accepted value.

    A source's later word replaces its own earlier one (a list that now says "released" corrects
    what the same list said before): its earlier claims on the fact are superseded, and where one
    of them was the accepted value, the new word is accepted in its place. A source repeating its
    latest word records nothing new: that claim is returned as it is (a list imported again adds
    no claims, and a word a Publisher set aside does not come back as a new conflict).

    Side effects: the claim (and its history row); when it is accepted, the fact written through
    the services (history, change feed, contradictions, risk reassessment) and the claim it
    replaces superseded. A value the fact cannot hold is refused (RefusedChange, on "value").
    """
    spec = _spec(fact, person, case, charge, stay)
    try:
        value = facts.canonical(spec, value)
    except ClaimValueError as error:
        raise RefusedChange({"value": [str(error)]}) from None
    if spec.kind == facts.FACILITY and not Facility.objects.filter(slug=value).exists():
        raise RefusedChange({"value": [f"No facility '{value}' (a facility's slug)."]})
    if spec.event_kind and value["date"] is None:
        raise RefusedChange({"value": [f"The {spec.label} needs at least its year."]})
    person, case, charge, stay = _lock(person, case, charge, stay)
    _check_open_stay(spec, stay)
    record = (person, case, charge, stay)
    own = _own_claims(spec, record, source)
    if own and own[0].value == value:
        return own[0]
    accepted = _accepted(spec, record, by)
    corrects_itself = accepted is not None and source is not None and accepted.source_id == source.pk
    for earlier in own:
        if earlier.state != State.SUPERSEDED and earlier.pk != getattr(accepted, "pk", None):
            _supersede(earlier, by, "the same source said otherwise later")
    claim = _new_claim(spec, record, value, source, as_of, as_of_precision, by, note=note)
    if accepted is None:
        claim.state = State.ACCEPTED
    elif accepted.value == value:
        claim.state = State.AGREES
    elif corrects_itself:
        claim.state = State.ACCEPTED
        claim.decided_at = timezone.now()
        _supersede(accepted, by, "corrected by the same source")
    elif facts.replaces(_reliability(source), _reliability(accepted.source)):
        claim.state = State.ACCEPTED
        claim.decided_at = timezone.now()
        _supersede(accepted, by, f"replaced by the registry's rule: a {_reliability(source)} source")
    else:
        claim.state = State.CONFLICTING
    validated_save(claim, by)
    if claim.state == State.CONFLICTING or own:
        _set_priority(spec, record)
        claim.refresh_from_db(fields=["priority", "priority_reason"])
        _reassess(spec, person, case)  # the risk rules weigh every claimed value of a contested fact
    if claim.state == State.ACCEPTED:
        _write(spec, record, value, by, as_of=as_of)
    _note(person, case)
    return claim


@transaction.atomic
def accept_claim(*, claim: Claim, note: str = "", by=None) -> Claim:
    """A Publisher's decision: this claim's value is the registry's.

    Side effects: the claim accepted; the previously accepted claim and every claim with another
    value superseded (the conflict is decided), claims with the same value agree; the fact written
    through the services when the record holds another value.
    """
    spec = facts.fact(claim.fact)
    person, case, charge, stay = record = _lock(claim.person, claim.case, claim.charge, claim.stay)
    _check_open_stay(spec, stay)  # an ended stay reopened since the claim was made
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.state == State.ACCEPTED:
        return claim
    _accepted(spec, record, by)  # a value the record got without a claim is kept as one first
    now = timezone.now()
    for other in _on(spec, record).exclude(pk=claim.pk):
        if other.value == claim.value:
            if other.state != State.AGREES:
                other.state = State.AGREES
                validated_save(other, by)
        elif other.state != State.SUPERSEDED:
            _supersede(
                other, by, f"another value was accepted: {note}" if note else "another value was accepted"
            )
    claim.state, claim.decided_at = State.ACCEPTED, now
    claim.decided_by = by if getattr(by, "pk", None) else None
    if note:
        claim.note = f"{claim.note}\n{note}".strip()
    validated_save(claim, by)
    _write(spec, record, claim.value, by, as_of=claim.as_of)
    _reassess(spec, person, case)  # the conflict is decided, even when the value stays
    _note(person, case)
    return claim


@transaction.atomic
def set_aside_claim(*, claim: Claim, note: str, by=None) -> Claim:
    """A Publisher's decision against one conflicting claim: it is superseded (kept, with the
    reason), and the accepted value stands. The reason is required."""
    if not note.strip():
        raise RefusedChange({"note": ["Say why this claim is set aside."]})
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.state != State.CONFLICTING:
        raise RefusedChange({"state": ["Only a conflicting claim can be set aside."]})
    _supersede(claim, by, note)
    _reassess(facts.fact(claim.fact), claim.person, claim.case)  # the fact may no longer be contested
    _note(claim.person, claim.case)
    return claim


def claim_values_of_new_record(
    *,
    person: Person,
    case: Case | None = None,
    charge: Charge | None = None,
    stay: FacilityStay | None = None,
    fact_keys,
    source: Source | None,
    as_of=None,
    by=None,
) -> list[Claim]:
    """A record just created with the values of `fact_keys` from `source` (an imported list's row,
    a partner's submission): each value it now holds becomes an accepted claim from that source,
    so the record's first facts are traced to who said them. No change-feed entry: the record's
    creation is one already.

    Side effects: the claims and their history rows.
    """
    claims = []
    for key in fact_keys:
        spec = facts.fact(key)
        value = _value_now(spec, (person, case, charge, stay))
        if value is None:
            continue
        claim = _new_claim(
            spec,
            (person, case, charge, stay),
            value,
            source,
            as_of,
            partial_dates.DAY,
            by,
            state=State.ACCEPTED,
        )
        claims.append(validated_save(claim, by))
    return claims


def contested_facts(
    *,
    person: Person,
    case: Case | None = None,
    charge: Charge | None = None,
    stay: FacilityStay | None = None,
) -> set[str]:
    """The facts of the record with a conflict not decided yet."""
    return set(
        Claim.objects.filter(
            person=person, case=case, charge=charge, stay=stay, state=State.CONFLICTING
        ).values_list("fact", flat=True)
    )


# Helpers --------------------------------------------------------------------------------------


def _new_claim(spec, record, value, source, as_of, as_of_precision, by, **fields) -> Claim:
    """An unsaved claim of `spec` on `record` (person, case, charge, stay); "as of" without a date
    is of unknown precision."""
    person, case, charge, stay = record
    return Claim(
        person=person,
        case=case,
        charge=charge,
        stay=stay,
        fact=spec.key,
        value=value,
        source=source,
        as_of=as_of,
        as_of_precision=as_of_precision if as_of else partial_dates.UNKNOWN,
        created_by=by if getattr(by, "pk", None) else None,
        **fields,
    )


def _spec(
    key: str, person: Person, case: Case | None, charge: Charge | None, stay: FacilityStay | None = None
) -> Fact:
    try:
        spec = facts.fact(key)
    except ClaimValueError as error:
        raise RefusedChange({"fact": [str(error)]}) from None
    if (spec.target in (CASE, CHARGE, STAY)) != (case is not None):
        raise RefusedChange({"case": [f"The {spec.label} is a fact of a {spec.target}."]})
    if (spec.target == CHARGE) != (charge is not None):
        raise RefusedChange({"charge": [f"The {spec.label} is a fact of a {spec.target}."]})
    if (spec.target == STAY) != (stay is not None):
        raise RefusedChange({"stay": [f"The {spec.label} is a fact of a facility stay."]})
    if case is not None and case.person_id != person.pk:
        raise RefusedChange({"case": ["This case is another person's."]})
    if charge is not None and charge.case_id != case.pk:
        raise RefusedChange({"charge": ["This charge is of another case."]})
    if stay is not None and stay.case_id != case.pk:
        raise RefusedChange({"stay": ["This stay is of another case."]})
    return spec


def _check_open_stay(spec: Fact, stay: FacilityStay | None) -> None:
    """Called on the locked stay: whether it is open is read as it stands now."""
    if stay is not None and stay.end_date is None and spec.key in OPEN_STAY_FACTS:
        raise RefusedChange({"fact": [OPEN_STAY_FACTS[spec.key]]})


# The open stay's facility and end are other facts: where the person is held now is the case's
# (a source saying "elsewhere" is a transfer), and the stay ends by a transfer or a release.
OPEN_STAY_FACTS = {
    "stay.facility": "The person is held in this stay's facility now: claim the facility where held "
    "(a fact of the case): accepted, another facility is a transfer.",
    "stay.end_date": "The person is held here now: the stay ends by a transfer (claim the facility "
    "where held) or a release (claim the release date).",
}


Record = tuple[Person, Case | None, Charge | None, FacilityStay | None]


def _lock(
    person: Person, case: Case | None, charge: Charge | None = None, stay: FacilityStay | None = None
) -> Record:
    """Lock the record a fact is written on (a charge's or a stay's fact: its case), so two claims
    on it are weighed one after the other."""
    if case is not None:
        case = _lock_case(case.pk)
        if charge is not None:
            charge = Charge.objects.select_related("case__person").get(pk=charge.pk)
        if stay is not None:
            stay = FacilityStay.objects.select_related("facility").get(pk=stay.pk)
        return case.person, case, charge, stay
    return Person.objects.select_for_update(no_key=True).get(pk=person.pk), None, None, None


def _on(spec: Fact, record: Record):
    person, case, charge, stay = record
    return Claim.objects.on(spec.key, person=person, case=case, charge=charge, stay=stay)


def _value_now(spec: Fact, record: Record):
    """The fact's value as its record holds it now (canonical; None: nothing recorded)."""
    person, case, charge, stay = record
    return facts.value_on(
        spec, stay or charge or case or person, region_code=region_code, facility_code=facility_code
    )


def _own_claims(spec: Fact, record: Record, source: Source | None) -> list[Claim]:
    """What `source` said before on the fact, latest first (none for the staff's unsourced word:
    two staff members are not one source)."""
    if source is None:
        return []
    return list(_on(spec, record).filter(source=source).order_by("-created_at", "-pk"))


def _accepted(spec: Fact, record: Record, by) -> Claim | None:
    """The accepted claim, matching the record's value. A value the record holds without a claim
    (entered before claims, or edited directly) first becomes an accepted unsourced claim, so it
    is weighed like any other word rather than silently overwritten."""
    current = _value_now(spec, record)
    accepted = _on(spec, record).filter(state=State.ACCEPTED).first()
    if accepted is not None and accepted.value == current:
        return accepted
    if accepted is not None:
        _supersede(accepted, by, "the record was edited to another value without a claim")
    if current is None:
        return None
    # Nobody recorded it as a claim (no author): whoever said it is not known.
    unclaimed = _new_claim(
        spec, record, current, None, None, partial_dates.UNKNOWN, None, state=State.ACCEPTED
    )
    unclaimed.note = RECORD_EDITED
    return validated_save(unclaimed, by)


def _supersede(claim: Claim, by, note: str) -> None:
    claim.state, claim.decided_at = State.SUPERSEDED, timezone.now()
    claim.decided_by = by if getattr(by, "pk", None) else None
    claim.note = f"{claim.note}\n{note}".strip()
    validated_save(claim, by)


def _reliability(source: Source | None) -> str:
    return source.reliability if source is not None else facts.UNSOURCED_RELIABILITY


def _write(spec: Fact, record: Record, value, by, *, as_of=None) -> None:
    person, case, charge, stay = record
    if _value_now(spec, record) == value:
        return
    if spec.kind == facts.FACILITY and stay is None:
        _transfer(case, value, as_of, by)
        return
    if spec.event_kind:
        _date_the_event(case, spec, value, by)
        return
    changes = facts.field_changes(spec, value, region=_region)
    if stay is not None:
        if spec.kind == facts.FACILITY:
            changes = {"facility": Facility.objects.get(slug=value)}
        correct_stay(stay=stay, by=by, **changes)
    elif charge is not None:
        update_charge_facts(charge=charge, by=by, **changes)
    elif case is not None:
        update_case(case=case, by=by, **changes)
    else:
        update_person(person=person, by=by, **changes)


def _transfer(case: Case, slug: str, as_of, by) -> None:
    """Another facility accepted: a transfer on the day the source said it (today if it did not
    say), never before the current stay began; the first stay starts on the detention date."""
    open_stay = case.stays.filter(end_date__isnull=True).first()
    said_on = as_of or timezone.localdate()
    on = (case.detention_date or said_on) if open_stay is None else max(said_on, open_stay.start_date)
    transfer_person(case=case, facility=Facility.objects.get(slug=slug), on=on, by=by)


def _date_the_event(case: Case, spec: Fact, value, by) -> None:
    """The accepted day of an event's fact (the release): the case's event is recorded when it
    has none (public, as the import records it), moved to that day otherwise."""
    day, precision = (facts.field_changes(spec, value)[field] for field in spec.fields)
    event = latest_event(case.events.all(), spec.event_kind)
    if event is None:
        record_event(
            case=case, kind=spec.event_kind, date=day, date_precision=precision, is_public=True, by=by
        )
    else:
        redate_event(event=event, date=day, date_precision=precision, by=by)


def _region(value: str) -> Region:
    jurisdiction, _, code = value.partition(":")
    try:
        return Region.objects.get(jurisdiction__code=jurisdiction, code=code)
    except Region.DoesNotExist:
        raise RefusedChange({"value": [f"No region '{value}' (jurisdiction:code, e.g. BY:minsk)."]}) from None


def _note(person: Person, case: Case | None) -> None:
    """Tell the change feed the record's claims changed: a mirror reads the person or the case
    again, claims included (an edit of the fact itself is noted by the service that writes it)."""
    if case is not None:
        note_change(person, "case", case.public_id, ChangeRecord.Action.UPDATED)
    else:
        note_change(person, "person", person.slug, ChangeRecord.Action.UPDATED)


def _reassess(spec: Fact, person: Person, case: Case | None) -> None:
    """Ask for a new assessment of the cases a risk-relevant fact belongs to."""
    if spec.risk_relevant:
        assess_after_commit(
            [case.pk] if case is not None else list(person.cases.values_list("id", flat=True))
        )


def _set_priority(spec: Fact, record: Record) -> None:
    """Rank the fact's conflicting claims for the queue (facts.conflict_priority)."""
    person, case, _charge, _stay = record
    claims = list(_on(spec, record).exclude(state=State.SUPERSEDED))
    cases = [case] if case is not None else list(person.cases.select_related("jurisdiction"))
    capital_articles = Article.objects.filter(
        charges__case__in=cases,
        charges__state__in=[choices.ChargeState.ACTIVE, choices.ChargeState.CONVICTED],
    ).distinct()
    capital = any(a.capital for a in capital_articles)
    law_starts = tuple(
        (day, why)
        for c in cases
        for day, why in ((c.jurisdiction.capital_attempt_since, "the death penalty for attempts"),)
        if day
    ) + tuple(
        (a.capital_for_attempt_since or a.capital_since, f"the death penalty under art. {a.notation}")
        for a in capital_articles
        if a.capital_for_attempt_since or a.capital_since
    )
    ages = tuple(sorted({age for c in cases for age in facts.age_limits(c.jurisdiction.exemptions)}))
    detained = min((c.detention_date for c in cases if c.detention_date), default=None)
    priority = facts.conflict_priority(
        spec,
        [c.value for c in claims],
        capital=capital,
        law_starts=law_starts,
        ages=ages,
        detained_on=detained,
    )
    Claim.objects.filter(pk__in=[c.pk for c in claims if c.state == State.CONFLICTING]).update(
        priority=priority.rank, priority_reason=priority.reason
    )
