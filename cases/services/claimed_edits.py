"""A direct edit of a fact that carries claims (issue 17), kept in step with its claims.

Staff may still edit a birth date or a status on the person's or the case's screen, without
recording a claim. The edited value is then the registry staff's own, unsourced word: it becomes
the accepted claim (listed under "unsourced" for staff to source), and the claim it replaces is
superseded with the reason, never deleted. Without this, the old accepted claim would go on
crediting its source with a value it never gave.

Called by `update_person`, `update_case`, `update_charge_facts` and `correct_stay` after they
save; a write that comes from a claim (cases.services.claims) finds its claim already accepted
with the new value and changes nothing.
"""

from django.utils import timezone

from cases import choices
from cases.claims import facts
from cases.models import Case, Charge, Claim, FacilityStay, Person
from cases.services.base import validated_save

State = choices.ClaimState
EDITED_DIRECTLY = "the record was edited directly, without a claim: the staff's unsourced word"


def keep_claims_in_step(
    *,
    person: Person,
    case: Case | None,
    charge: Charge | None = None,
    stay: FacilityStay | None = None,
    changed: set[str],
    by=None,
) -> None:
    """For each fact of the record whose fields `changed`, where the accepted claim no longer
    holds the record's value: accept the record's value as an unsourced claim; the claims of
    another value are superseded (with the reason), those of the same value agree.

    A fact that has no claim yet is left alone (its value becomes a claim when the first claim on
    it is recorded). Side effects: the claims' rows and history rows.
    """
    record = stay or charge or case or person
    target = (
        facts.STAY
        if stay is not None
        else facts.CHARGE
        if charge is not None
        else facts.CASE
        if case is not None
        else facts.PERSON
    )
    for spec in facts.FACTS.values():
        if spec.target != target or not changed & set(spec.fields):
            continue
        claims = list(
            Claim.objects.on(spec.key, person=person, case=case, charge=charge, stay=stay).exclude(
                state=State.SUPERSEDED
            )
        )
        accepted = next((c for c in claims if c.state == State.ACCEPTED), None)
        if accepted is None:
            continue
        value = facts.value_on(spec, record, region_code=region_code, facility_code=facility_code)
        if accepted.value == value:
            continue
        # As if a Publisher accepted the staff's word (cases.services.claims.accept_claim): the
        # claims of another value are superseded by the edit, those of the same value agree.
        now, author = timezone.now(), by if getattr(by, "pk", None) else None
        for claim in claims:
            if claim.value == value:
                if claim.state != State.AGREES:
                    claim.state = State.AGREES
                    validated_save(claim, by)
                continue
            claim.state, claim.decided_at, claim.decided_by = State.SUPERSEDED, now, author
            claim.note = f"{claim.note}\n{EDITED_DIRECTLY}".strip()
            validated_save(claim, by)
        if value is None:
            continue  # the value was removed: nothing is accepted until someone says something
        validated_save(
            Claim(
                person=person,
                case=case,
                charge=charge,
                stay=stay,
                fact=spec.key,
                value=value,
                state=State.ACCEPTED,
                note=EDITED_DIRECTLY,
                created_by=author,
                decided_at=now,
                decided_by=author,
            ),
            by,
        )


def facility_code(record: Case | FacilityStay) -> str | None:
    """The slug of the facility of a stay, or of a case's open stay (where the person is held now)."""
    if isinstance(record, FacilityStay):
        return record.facility.slug
    stay = record.stays.filter(end_date__isnull=True).select_related("facility").first()
    return stay.facility.slug if stay is not None else None


def region_code(person: Person) -> str | None:
    region = person.region
    return f"{region.jurisdiction.code}:{region.code}" if region is not None else None
