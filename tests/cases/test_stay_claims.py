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


def test_staff_may_end_the_open_stay_on_a_release_but_never_hold_a_person_in_two_places(path):
    _, first, second = path
    with pytest.raises(RefusedChange, match="overlap the stay in"):
        correct_stay(stay=first, end_date=None)  # reopened while the colony stay is open
    correct_stay(stay=second, end_date=D(2022, 1, 1))
    second.refresh_from_db()
    assert second.end_date == D(2022, 1, 1)


def test_an_unknown_field_of_a_stay_is_refused_by_name(path):
    with pytest.raises(RefusedChange, match="case"):
        correct_stay(stay=path[1], case=CaseFactory())


@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)
def test_migration_makes_each_stays_days_and_past_facility_accepted_claims_from_the_transfers_sources(law):
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
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

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


def test_a_last_day_known_to_the_month_may_share_the_month_of_an_exact_first_day(path):
    _, first, _ = path
    correct_stay(stay=first, start_date=D(2021, 3, 15))
    correct_stay(stay=first, end_date=D(2021, 3, 1), end_date_precision="month")  # "left in March"
    first.refresh_from_db()
    assert (first.end_date, first.end_date_precision) == (D(2021, 3, 1), "month")
    with pytest.raises(RefusedChange, match="cannot end before it starts"):
        correct_stay(stay=first, end_date=D(2021, 2, 1), end_date_precision="month")


def test_only_a_certain_overlap_is_refused_a_doubtful_one_is_left_for_staff(path):
    _, first, second = path
    # "Left the pre-trial centre in October 2021": it may have been the first, the day of transfer.
    correct_stay(stay=first, end_date=D(2021, 10, 1), end_date_precision="month")
    first.refresh_from_db()
    assert first.end_date_precision == "month"
    with pytest.raises(RefusedChange, match="overlap"):
        correct_stay(stay=first, end_date=D(2021, 11, 1), end_date_precision="month")


# The staff screens -----------------------------------------------------------------------------


def test_staff_record_a_claim_on_a_past_stay_from_the_claims_screen_and_its_case_is_filled_in(client, path):
    from django.urls import reverse

    from cases.protection.permissions import EDITOR

    case, first, _ = path
    lawyer = SourceFactory()
    client.force_login(UserFactory(groups=[EDITOR]))
    response = client.post(
        reverse("admin:cases_claim_add"),
        {
            "person": case.person.pk,
            "stay": first.pk,
            "fact": "stay.end_date",
            "value_text": "09.2021",
            "source": lawyer.pk,
            "as_of_text": "2022",
        },
        follow=True,
    )
    claim = Claim.objects.get(source=lawyer)
    assert (claim.case, claim.stay, claim.value) == (case, first, day(D(2021, 9, 1), "month"))
    assert claim.state == State.CONFLICTING
    assert "waits in the conflicts queue" in response.content.decode()
    page = client.get(reverse("admin:cases_claim_change", args=[claim.pk])).content.decode()
    assert "September 2021" in page and "1 October 2021" in page  # every claim on this fact
    assert "registry staff, unsourced" in page  # whose word the accepted day is


def test_the_claims_screen_says_which_record_a_stays_fact_needs(client, path):
    from django.urls import reverse

    from cases.protection.permissions import EDITOR

    case, first, _ = path
    client.force_login(UserFactory(groups=[EDITOR]))
    missing = client.post(
        reverse("admin:cases_claim_add"),
        {"person": case.person.pk, "case": case.pk, "fact": "stay.start_date", "value_text": "2021"},
    ).content.decode()
    extra = client.post(
        reverse("admin:cases_claim_add"),
        {"person": case.person.pk, "stay": first.pk, "fact": "case.status", "value_text": "convicted"},
    ).content.decode()
    assert "a fact of a facility stay: choose the stay" in missing
    assert "leave the stay empty" in extra
    assert not Claim.objects.filter(fact__in=["stay.start_date", "case.status"]).exists()


def test_the_stay_field_finds_a_stay_by_the_persons_name_in_another_script(client, path):
    from django.urls import reverse

    from cases.protection.permissions import EDITOR

    case, first, _ = path
    client.force_login(UserFactory(groups=[EDITOR]))
    name = case.person.names.get(is_primary=True).text.split()[0]
    found = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cases", "model_name": "claim", "field_name": "stay", "term": name},
    ).json()
    assert {str(first.pk)} <= {row["id"] for row in found["results"]}


def test_correcting_a_stay_on_the_case_page_goes_through_the_service_and_keeps_the_claims_in_step(
    client, path
):
    from django.urls import reverse

    from cases.protection.permissions import EDITOR
    from tests.cases.test_admin import _case_post_data

    case, first, second = path
    claim_on(first, "stay.end_date", day(D(2021, 10, 1)), SourceFactory())  # agrees: nothing to decide
    editor = UserFactory(groups=[EDITOR])
    client.force_login(editor)
    data = _case_post_data(case, []) | {"stays-TOTAL_FORMS": "2", "stays-INITIAL_FORMS": "2"}
    for i, stay in enumerate((first, second)):
        data |= {
            f"stays-{i}-id": stay.pk,
            f"stays-{i}-case": case.pk,
            f"stays-{i}-facility": stay.facility_id,
            f"stays-{i}-start_date": str(stay.start_date),
            f"stays-{i}-start_date_precision": "day",
            f"stays-{i}-end_date": str(stay.end_date or ""),
            f"stays-{i}-end_date_precision": "day",
        }
    data["stays-0-end_date"] = "2021-09-28"
    data["stays-1-start_date"] = "2021-09-28"
    response = client.post(reverse("admin:cases_case_change", args=[case.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.end_date, second.start_date) == (D(2021, 9, 28), D(2021, 9, 28))
    staff = Claim.objects.get(stay=first, fact="stay.end_date", state=State.ACCEPTED)
    assert (staff.source, staff.created_by) == (None, editor)  # the editor's unsourced word
    transfer = CaseEvent.objects.get(case=case, kind=choices.EventKind.TRANSFERRED)
    assert transfer.date == D(2021, 9, 28)  # the timeline entry followed the stay
