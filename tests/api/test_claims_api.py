"""Each fact with its claims in the API (issue 17): what each source says, where it stands; a
confidential source is null with `source_confidential` but for the Sources group; superseded
claims are not listed. Every name here is invented."""

import pytest

from cases.services import claims
from tests.api.conftest import make_published_case
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def contested(law):
    case = make_published_case()
    daily = SourceFactory(title="Synthetic daily", confidential=False)
    secret = SourceFactory(title="Synthetic informant CANARYclaim", confidential=True, url="")
    claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2022-03-03", source=daily
    )
    claims.record_claim(
        fact="case.verdict_date", person=case.person, case=case, value="2022-09-01", source=secret
    )
    wrong = claims.record_claim(
        fact="person.is_official_or_military", person=case.person, value=True, source=daily
    )
    claims.set_aside_claim(claim=wrong, note="a mix-up of two people")
    return case


def test_the_public_reads_each_fact_with_its_claims_and_a_confidential_source_as_null(client, contested):
    case_record = client.get(f"/api/v1/cases/{contested.public_id}/").json()

    by_fact = {}
    for claim in case_record["claims"]:
        by_fact.setdefault(claim["fact"], []).append(claim)
    detention = by_fact["case.detention_date"]
    assert {(c["state"], c["value"]["date"]) for c in detention} == {
        ("accepted", "2022-03-01"),  # the value the case held, unsourced
        ("conflicting", "2022-03-03"),
    }
    sourced = next(c for c in detention if c["state"] == "conflicting")
    assert sourced["source"]["title"] == "Synthetic daily" and sourced["source_confidential"] is False
    verdict = by_fact["case.verdict_date"][0]
    assert verdict["source"] is None and verdict["source_confidential"] is True
    assert "CANARYclaim" not in str(case_record)

    person_record = client.get(f"/api/v1/people/{contested.person.slug}/").json()
    assert all(c["state"] != "superseded" for c in person_record["claims"])
    assert "mix-up" not in str(person_record)  # a staff note never leaves the staff area


def test_the_sources_group_reads_the_confidential_source_of_a_claim(api_client_for, contested):
    record = api_client_for("staff:sources").get(f"/api/v1/cases/{contested.public_id}/").json()

    verdict = next(c for c in record["claims"] if c["fact"] == "case.verdict_date")
    assert verdict["source"]["title"] == "Synthetic informant CANARYclaim"


def test_a_claim_on_a_charge_names_the_charge_as_the_case_lists_it(client, law):
    from tests.factories import ChargeFactory, article

    case = make_published_case()
    charge = ChargeFactory(case=case, article=article("289.3"), stage="attempt")
    claims.record_claim(
        fact="charge.stage",
        person=case.person,
        case=case,
        charge=charge,
        value="completed",
        source=SourceFactory(confidential=False),
    )

    record = client.get(f"/api/v1/cases/{case.public_id}/").json()

    on_charge = [c for c in record["claims"] if c["fact"] == "charge.stage"]
    assert {(c["charge"], c["value"], c["state"]) for c in on_charge} == {
        (str(charge.public_id), "attempt", "accepted"),
        (str(charge.public_id), "completed", "conflicting"),
    }
    assert str(charge.public_id) in {c["id"] for c in record["charges"]}
    assert all(c["charge"] is None for c in record["claims"] if not c["fact"].startswith("charge."))


def test_a_case_lists_its_stays_with_partial_dates_and_a_claim_on_a_stay_names_it(client, law):
    import datetime

    from cases.models import FacilityStay
    from cases.services import correct_stay, transfer_person
    from tests.factories import FacilityFactory

    case = make_published_case()  # held in a pre-trial centre from 2 March 2022
    first = FacilityStay.objects.get(case=case)
    transfer_person(case=case, facility=FacilityFactory(), on=datetime.date(2022, 10, 1))
    correct_stay(stay=first, start_date=datetime.date(2022, 3, 1), start_date_precision="month")
    claims.record_claim(
        fact="stay.end_date",
        person=case.person,
        case=case,
        stay=first,
        value={"date": "2022-09-01", "precision": "month"},
        source=SourceFactory(confidential=False, title="Synthetic weekly"),
    )

    record = client.get(f"/api/v1/cases/{case.public_id}/").json()

    stays = {s["id"]: s for s in record["stays"]}
    assert stays[str(first.public_id)] | {"id": None} == {
        "id": None,
        "facility": first.facility.slug,
        "start_date": "2022-03",  # as far as it is known
        "start_date_precision": "month",
        "end_date": "2022-10-01",
        "end_date_precision": "day",
    }
    assert [s["end_date"] for s in record["stays"]] == ["2022-10-01", None]  # held in the colony now
    on_stay = {(c["stay"], c["fact"], c["state"]) for c in record["claims"] if c["fact"].startswith("stay.")}
    assert (str(first.public_id), "stay.end_date", "conflicting") in on_stay
    assert all(c["stay"] is None for c in record["claims"] if not c["fact"].startswith("stay."))
