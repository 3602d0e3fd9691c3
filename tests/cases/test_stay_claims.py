"""Claims on facility stays (issue 17): where a period of detention was spent and from when to
when, as each source says it. A stay already ended keeps every source's word beside the accepted
value; accepting a claim corrects the stay (not a transfer), with history and the timeline entry
that began it. Every name here is invented."""

import datetime

import pytest

from cases import choices
from cases.exceptions import RefusedChange
from cases.models import CaseEvent, ChangeRecord, Claim, FacilityStay
from cases.services import claims, correct_stay, transfer_person
from tests.factories import CaseFactory, FacilityFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db
State = choices.ClaimState
D = datetime.date


def day(on, precision="day"):
    return {"date": on.isoformat(), "precision": precision}


@pytest.fixture
def path():
    """A case held in a pre-trial centre from 3 March 2021, transferred to a colony on 1 October
    2021 (the first stay ended, the second open)."""
    case = CaseFactory(detention_date=D(2021, 3, 3))
    sizo, colony = FacilityFactory(), FacilityFactory(kind=choices.FacilityKind.COLONY)
    first = FacilityStay.objects.create(case=case, facility=sizo, start_date=D(2021, 3, 3))
    transfer_person(case=case, facility=colony, on=D(2021, 10, 1))
    first.refresh_from_db()
    return case, first, case.stays.get(end_date__isnull=True)


def claim_on(stay, fact, value, source=None, **kwargs):
    return claims.record_claim(
        fact=fact, person=stay.case.person, case=stay.case, stay=stay, value=value, source=source, **kwargs
    )


def test_a_second_source_that_ends_a_past_stay_on_another_day_is_kept_beside_the_accepted_one(path):
    case, first, _ = path
    lawyer = SourceFactory(reliability=choices.SourceReliability.FIRST_HAND)
    claim = claim_on(first, "stay.end_date", day(D(2021, 9, 20)), lawyer, as_of=D(2021, 11, 2))
    first.refresh_from_db()
    assert claim.state == State.CONFLICTING
    assert first.end_date == D(2021, 10, 1)  # the record keeps the accepted value
    accepted = Claim.objects.get(stay=first, fact="stay.end_date", state=State.ACCEPTED)
    assert (accepted.source, accepted.value) == (None, day(D(2021, 10, 1)))  # the value it held, unsourced


def test_accepting_a_claim_on_a_past_stay_corrects_the_stay_with_history_and_keeps_the_other_word(path):
    case, first, _ = path
    publisher = UserFactory()
    lawyer = SourceFactory(reliability=choices.SourceReliability.FIRST_HAND)
    claim = claim_on(first, "stay.start_date", day(D(2021, 3, 4)), lawyer)
    claims.accept_claim(claim=claim, note="the arrest record", by=publisher)
    first.refresh_from_db()
    assert first.start_date == D(2021, 3, 4)
    assert first.history.latest().history_user == publisher
    states = dict(Claim.objects.filter(stay=first, fact="stay.start_date").values_list("source", "state"))
    assert states == {lawyer.pk: State.ACCEPTED, None: State.SUPERSEDED}  # the word it replaced is kept
    assert ChangeRecord.objects.filter(object_type="case", object_id=str(case.public_id)).exists()


def test_a_claim_that_a_past_stay_was_spent_elsewhere_moves_the_stay_and_the_entry_that_began_it(path):
    case, first, second = path
    other = FacilityFactory()
    transfer = CaseEvent.objects.get(case=case, kind=choices.EventKind.TRANSFERRED)
    report = SourceFactory(reliability=choices.SourceReliability.DOCUMENTARY)
    claim_on(second, "stay.start_date", day(D(2021, 10, 5)), report)  # a court paper: replaces the unsourced
    claim = claim_on(first, "stay.facility", other.slug, SourceFactory())
    claims.accept_claim(claim=claim)
    first.refresh_from_db()
    second.refresh_from_db()
    transfer.refresh_from_db()
    assert first.facility == other
    assert second.start_date == D(2021, 10, 5)
    assert (transfer.date, transfer.text) == (D(2021, 10, 5), second.facility.name_en)


def test_a_stay_known_only_to_the_month_keeps_its_precision_and_so_does_its_timeline_entry(path):
    case, _, second = path
    claim_on(
        second, "stay.start_date", day(D(2021, 10, 1), "month"), SourceFactory(reliability="documentary")
    )
    second.refresh_from_db()
    transfer = CaseEvent.objects.get(case=case, kind=choices.EventKind.TRANSFERRED)
    assert (second.start_date, second.start_date_precision) == (D(2021, 10, 1), "month")
    assert transfer.date_precision == "month"


def test_the_open_stays_facility_and_end_are_not_claimed_on_the_stay_and_the_refusal_says_what_to_claim(path):
    _, _, second = path
    with pytest.raises(RefusedChange, match="facility where held"):
        claim_on(second, "stay.facility", FacilityFactory().slug, SourceFactory())
    with pytest.raises(RefusedChange, match="transfer .* or a release"):
        claim_on(second, "stay.end_date", day(D(2022, 1, 1)), SourceFactory())
    assert not Claim.objects.filter(stay=second).exists()


def test_a_claim_on_a_stay_of_another_case_is_refused(path):
    case, first, _ = path
    with pytest.raises(RefusedChange, match="another case"):
        claims.record_claim(
            fact="stay.start_date",
            person=case.person,
            case=case,
            stay=FacilityStay.objects.create(
                case=CaseFactory(person=case.person), facility=FacilityFactory(), start_date=D(2020, 1, 1)
            ),
            value=day(D(2020, 1, 2)),
        )


def test_accepting_a_day_that_runs_into_the_next_stay_is_refused_and_changes_nothing(path):
    case, first, second = path
    claim = claim_on(first, "stay.end_date", day(D(2021, 10, 20)), SourceFactory())
    with pytest.raises(RefusedChange, match="overlap the stay in"):
        claims.accept_claim(claim=claim)
    claim.refresh_from_db()
    first.refresh_from_db()
    assert (claim.state, first.end_date) == (State.CONFLICTING, D(2021, 10, 1))


def test_staff_correcting_a_stay_directly_is_their_unsourced_word_and_the_sources_word_is_kept(path):
    case, first, _ = path
    editor = UserFactory()
    lawyer = SourceFactory()
    claim_on(first, "stay.end_date", day(D(2021, 10, 1)), lawyer)  # agrees with the unsourced value
    Claim.objects.filter(stay=first, source=None).update(state=State.SUPERSEDED)
    Claim.objects.filter(stay=first, source=lawyer).update(state=State.ACCEPTED)
    correct_stay(stay=first, end_date=D(2021, 9, 30), by=editor)
    rows = {c.source_id: (c.state, c.value) for c in Claim.objects.filter(stay=first, fact="stay.end_date")}
    assert rows[lawyer.pk] == (State.SUPERSEDED, day(D(2021, 10, 1)))
    staff = Claim.objects.get(stay=first, fact="stay.end_date", state=State.ACCEPTED)
    assert (staff.source, staff.value, staff.created_by) == (None, day(D(2021, 9, 30)), editor)


def test_an_ended_stay_is_not_reopened_and_the_open_one_is_not_ended_by_a_correction(path):
    _, first, second = path
    with pytest.raises(RefusedChange, match="keeps an end"):
        correct_stay(stay=first, end_date=None)
    with pytest.raises(RefusedChange, match="transfer or a release"):
        correct_stay(stay=second, end_date=D(2022, 1, 1))


def test_an_unknown_field_of_a_stay_is_refused_by_name(path):
    with pytest.raises(RefusedChange, match="case"):
        correct_stay(stay=path[1], case=CaseFactory())


@pytest.mark.django_db(transaction=True)
def test_migration_makes_each_stays_days_and_past_facility_accepted_claims_from_the_transfers_sources():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    case = CaseFactory(detention_date=D(2021, 3, 3))
    sizo, colony = FacilityFactory(), FacilityFactory()
    first = FacilityStay.objects.create(case=case, facility=sizo, start_date=D(2021, 3, 3))
    transfer_person(case=case, facility=colony, on=D(2021, 10, 1))
    court, paper = SourceFactory(), SourceFactory()
    CaseEvent.objects.get(kind=choices.EventKind.TRANSFERRED).sources.set([court, paper])
    second = case.stays.get(end_date__isnull=True)
    Claim.objects.all().delete()  # as before the migration
    ids = set(FacilityStay.objects.values_list("public_id", flat=True))

    MigrationExecutor(connection).migrate([("cases", "0024_release_date_claims")])
    MigrationExecutor(connection).migrate([("cases", "0025_claims_on_stays")])

    made = {(c.stay_id, c.fact, c.source_id, str(c.value), c.state) for c in Claim.objects.filter(case=case)}
    assert made == {
        (first.pk, "stay.start_date", None, str(day(D(2021, 3, 3))), State.ACCEPTED),
        (first.pk, "stay.end_date", None, str(day(D(2021, 10, 1))), State.ACCEPTED),
        (first.pk, "stay.facility", None, sizo.slug, State.ACCEPTED),
        # the second stay began with the transfer, which cites two sources
        (second.pk, "stay.start_date", court.pk, str(day(D(2021, 10, 1))), State.ACCEPTED),
        (second.pk, "stay.start_date", paper.pk, str(day(D(2021, 10, 1))), State.AGREES),
    }
    new_ids = set(FacilityStay.objects.values_list("public_id", flat=True))
    assert len(new_ids) == 2 and None not in new_ids and new_ids != ids  # fresh, unique ids
    assert None not in set(FacilityStay.history.values_list("public_id", flat=True))
