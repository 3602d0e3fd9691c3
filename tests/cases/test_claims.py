"""Claims (issue 17): "source S says V, as of D" on a fact; several claims per fact, one accepted,
the others agreeing, conflicting or superseded, never deleted. Every name here is invented."""

import datetime

import pytest
from django.urls import reverse

from cases import choices
from cases.claims import facts
from cases.exceptions import RefusedChange
from cases.models import Case, ChangeRecord, Claim
from cases.protection.permissions import EDITOR, PUBLISHER
from cases.services import claims
from tests.factories import CaseFactory, ChargeFactory, PersonFactory, SourceFactory, UserFactory, article

pytestmark = pytest.mark.django_db
State = choices.ClaimState
Reliability = choices.SourceReliability
D = datetime.date


def source(reliability=Reliability.REPORTED, **kwargs):
    return SourceFactory(reliability=reliability, **kwargs)


def detention(on, precision="day"):
    return {"date": on.isoformat(), "precision": precision}


# Pure rules -----------------------------------------------------------------------------------


def test_equal_statements_in_different_forms_hold_equal_canonical_values():
    spec = facts.FACTS["case.detention_date"]
    assert facts.canonical(spec, (D(2021, 5, 17), "month")) == facts.canonical(spec, "2021-05-01") | {
        "precision": "month"
    }
    assert facts.canonical(spec, {"date": "2021-05-17", "precision": "year"}) == {
        "date": "2021-01-01",
        "precision": "year",
    }


def test_a_value_the_fact_cannot_hold_is_refused_with_a_reason():
    with pytest.raises(facts.ClaimValueError, match="not one of"):
        facts.canonical(facts.FACTS["case.status"], "hostage")
    with pytest.raises(facts.ClaimValueError, match="not a date"):
        facts.canonical(facts.FACTS["person.birth_date"], "12 March")


def test_a_documentary_source_replaces_a_report_but_a_report_never_replaces_a_document():
    assert facts.replaces(Reliability.DOCUMENTARY, Reliability.REPORTED)
    assert facts.replaces(Reliability.DOCUMENTARY, Reliability.UNVERIFIED)
    assert not facts.replaces(Reliability.REPORTED, Reliability.DOCUMENTARY)
    assert not facts.replaces(Reliability.FIRST_HAND, Reliability.REPORTED)  # a person decides


def test_a_conflict_on_a_date_near_a_law_start_or_an_age_limit_comes_first():
    dates = facts.FACTS["case.detention_date"]
    start = ((D(2022, 5, 29), "the death penalty for attempts"),)
    near = facts.conflict_priority(
        dates, [detention(D(2022, 5, 20)), detention(D(2022, 6, 2))], capital=False, law_starts=start
    )
    far = facts.conflict_priority(dates, [detention(D(2020, 1, 1)), detention(D(2020, 2, 1))], capital=False)
    born = facts.FACTS["person.birth_date"]
    turning_18 = facts.conflict_priority(
        born, [detention(D(2004, 3, 1)), detention(D(2003, 3, 1))], capital=False, ages=(18, 65),
        detained_on=D(2022, 3, 10),
    )  # fmt: skip
    assert (near.rank, far.rank, turning_18.rank) == (3, 2, 3)
    assert "2022-05-29" in near.reason and "18" in turning_18.reason


def test_the_age_limits_come_from_the_jurisdictions_exemption_rules():
    rules = [{"rule": "female"}, {"rule": "under_18_at_offence"}, {"rule": "male_65_or_older_at_sentencing"}]
    assert facts.age_limits(rules) == (18, 65)
    assert facts.age_limits(["female", "under_18_at_offence", "male_65_or_older_at_sentencing"]) == (18, 65)
    assert facts.age_limits([]) == ()


# Recording ------------------------------------------------------------------------------------


def test_the_first_claim_on_an_empty_fact_is_accepted_and_written_through_the_services(law):
    case = CaseFactory(detention_date=None)
    editor = UserFactory(groups=[EDITOR])

    claim = claims.record_claim(
        fact="case.detention_date",
        person=case.person,
        case=case,
        value=(D(2021, 5, 1), "month"),
        source=source(),
        as_of=D(2021, 6, 2),
        as_of_precision="day",
        by=editor,
    )

    case.refresh_from_db()
    assert claim.state == State.ACCEPTED
    assert (case.detention_date, case.detention_date_precision) == (D(2021, 5, 1), "month")
    assert case.history.first().history_user == editor  # the services' history, with its author
    assert ChangeRecord.objects.filter(object_id=str(case.public_id), action="updated").exists()


def test_a_second_source_saying_the_same_agrees_and_changes_nothing(law):
    case = CaseFactory(detention_date=None)
    first = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=source()
    )
    history = case.history.count()

    second = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=source()
    )

    assert (first.state, second.state) == (State.ACCEPTED, State.AGREES)
    assert case.history.count() == history


def test_a_disagreeing_report_conflicts_and_the_record_keeps_the_accepted_value(law):
    case = CaseFactory(detention_date=None)
    claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=source()
    )

    other = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-12", source=source()
    )

    case.refresh_from_db()
    assert other.state == State.CONFLICTING
    assert case.detention_date == D(2021, 3, 10)
    assert claims.contested_facts(person=case.person, case=case) == {"case.detention_date"}
    assert list(Claim.objects.conflicts()) == [other]


def test_a_court_document_replaces_a_report_by_the_rule_and_the_report_is_superseded_not_deleted(law):
    case = CaseFactory(detention_date=None)
    report = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=source()
    )

    document = claims.record_claim(
        fact="case.detention_date",
        person=case.person,
        case=case,
        value="2021-03-12",
        source=source(Reliability.DOCUMENTARY, kind=choices.SourceKind.COURT),
    )

    report.refresh_from_db()
    case.refresh_from_db()
    assert (document.state, report.state) == (State.ACCEPTED, State.SUPERSEDED)
    assert "documentary" in report.note
    assert case.detention_date == D(2021, 3, 12)


def test_a_value_the_record_held_without_a_claim_becomes_an_unsourced_claim_before_it_is_weighed(law):
    case = CaseFactory(detention_date=D(2022, 3, 1))  # entered before claims: no claim holds it

    claim = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2022-03-02", source=source()
    )

    kept = Claim.objects.get(case=case, state=State.ACCEPTED)
    assert kept.source is None and kept.value == detention(D(2022, 3, 1))
    assert claim.state == State.CONFLICTING
    case.refresh_from_db()
    assert case.detention_date == D(2022, 3, 1)


def test_a_claim_on_a_case_fact_needs_the_persons_own_case(law):
    case, stranger = CaseFactory(), PersonFactory()

    with pytest.raises(RefusedChange, match="another person"):
        claims.record_claim(fact="case.status", person=stranger, case=case, value="convicted")
    with pytest.raises(RefusedChange, match="fact of a case"):
        claims.record_claim(fact="case.status", person=case.person, value="convicted")


def test_a_claim_the_fact_cannot_hold_is_refused_and_nothing_is_written(law):
    case = CaseFactory()

    with pytest.raises(RefusedChange, match="not one of"):
        claims.record_claim(fact="case.status", person=case.person, case=case, value="hostage")

    assert not Claim.objects.exists()


# Deciding -------------------------------------------------------------------------------------


def test_accepting_a_conflicting_claim_writes_it_and_supersedes_the_other_values(law):
    case = CaseFactory(detention_date=None)
    publisher = UserFactory(groups=[PUBLISHER])
    first = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-10", source=source()
    )
    second = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-12", source=source()
    )
    same_as_second = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2021-03-12", source=source()
    )

    claims.accept_claim(claim=second, note="the lawyer confirmed the 12th", by=publisher)

    first.refresh_from_db()
    second.refresh_from_db()
    same_as_second.refresh_from_db()
    case.refresh_from_db()
    assert (first.state, second.state, same_as_second.state) == (
        State.SUPERSEDED,
        State.ACCEPTED,
        State.AGREES,
    )
    assert second.decided_by == publisher and "lawyer" in second.note
    assert case.detention_date == D(2021, 3, 12)
    assert not claims.contested_facts(person=case.person, case=case)
    assert Claim.objects.filter(case=case).count() == 3  # nothing deleted


def test_setting_a_claim_aside_needs_a_reason_and_keeps_the_accepted_value(law):
    case = CaseFactory(detention_date=None)
    claims.record_claim(fact="case.status", person=case.person, case=case, value="convicted", source=source())
    # The case's status was "detained" without a claim: that value became an unsourced claim
    # first, and a report does not replace it by the rule.
    conflicting = Claim.objects.get(case=case, fact="case.status", state=State.CONFLICTING)

    with pytest.raises(RefusedChange, match="why"):
        claims.set_aside_claim(claim=conflicting, note=" ")
    claims.set_aside_claim(claim=conflicting, note="an older list, since corrected")

    conflicting.refresh_from_db()
    assert conflicting.state == State.SUPERSEDED and "older list" in conflicting.note
    case.refresh_from_db()
    assert case.status == choices.CaseStatus.DETAINED


def test_a_conflict_on_a_case_with_a_capital_charge_is_ranked_first_in_the_queue(law):
    quiet, capital = CaseFactory(detention_date=None), CaseFactory(detention_date=None)
    ChargeFactory(case=capital, article=article("289.3"))
    for case in (quiet, capital):
        claims.record_claim(
            fact="case.verdict_date", person=case.person, case=case, value="2019-01-10", source=source()
        )
        claims.record_claim(
            fact="case.verdict_date", person=case.person, case=case, value="2019-02-10", source=source()
        )

    queue = list(Claim.objects.conflicts())

    assert [c.case for c in queue] == [capital, quiet]
    assert queue[0].priority == 3 and "capital" in queue[0].priority_reason


# Admin ----------------------------------------------------------------------------------------


def test_an_editor_records_a_claim_in_the_admin_and_a_conflict_is_announced(client, law):
    case = CaseFactory(detention_date=D(2022, 3, 1))
    report = source()
    client.force_login(UserFactory(groups=[EDITOR]))

    response = client.post(
        reverse("admin:cases_claim_add"),
        {
            "person": case.person.pk,
            "case": case.pk,
            "fact": "case.detention_date",
            "value_text": "03.2022",
            "source": report.pk,
            "as_of_text": "2022",
            "note": "",
        },
        follow=True,
    )

    claim = Claim.objects.get(source=report)
    assert claim.state == State.CONFLICTING and claim.value == detention(D(2022, 3, 1), "month")
    assert (claim.as_of, claim.as_of_precision) == (D(2022, 1, 1), "year")
    assert "waits in the conflicts queue" in response.content.decode()


def test_the_admin_refuses_a_case_fact_without_its_case_with_the_reason(client, law):
    person = PersonFactory()
    client.force_login(UserFactory(groups=[EDITOR]))

    response = client.post(
        reverse("admin:cases_claim_add"),
        {"person": person.pk, "case": "", "fact": "case.status", "value_text": "convicted"},
    )

    assert response.status_code == 200
    assert "choose the case" in response.content.decode()
    assert not Claim.objects.exists()


def test_only_a_publisher_decides_a_conflict_in_the_admin(client, law):
    case = CaseFactory(detention_date=D(2022, 3, 1))
    claim = claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2022-03-05", source=source()
    )
    url = reverse("admin:cases_claim_change", args=[claim.pk])
    client.force_login(UserFactory(groups=[EDITOR]))
    client.post(url, {"decision": "accept", "decision_note": ""})
    claim.refresh_from_db()
    assert claim.state == State.CONFLICTING

    client.force_login(UserFactory(groups=[PUBLISHER]))
    page = client.get(reverse("admin:cases_claim_changelist")).content.decode()
    assert "5 March 2022" in page  # the queue opens on the conflicts
    client.post(url, {"decision": "accept", "decision_note": "the court's record"})

    claim.refresh_from_db()
    case.refresh_from_db()
    assert claim.state == State.ACCEPTED and case.detention_date == D(2022, 3, 5)


# Risk: a contested fact never lowers a level ----------------------------------------------------


def _capital_case(sex):
    case = CaseFactory(person=PersonFactory(sex=sex), detention_date=D(2023, 3, 1))
    ChargeFactory(case=case, article=article("289.3"), offence_date=D(2023, 2, 1), charged_on=D(2023, 3, 2))
    return case


def _level(case):
    from cases.risk.assessment import assess_case

    assess_case(case_id=case.pk)
    case.refresh_from_db()
    return case.risk_level, case.assessments.first().reasons


def _level_by(pass_kind, case):
    """The case's level and reasons after one case's assessment, or after the nightly full pass."""
    from cases.risk.assessment import assess_all_cases

    if pass_kind != "full pass":
        return _level(case)
    assess_all_cases()
    case.refresh_from_db()
    return case.risk_level, case.assessments.first().reasons


@pytest.mark.parametrize("pass_kind", ["one case", "full pass"])
def test_a_contested_fact_that_would_raise_the_level_raises_it_and_says_so(law, pass_kind):

    case = _capital_case(choices.Sex.FEMALE)  # women are exempt: not critical on the accepted facts
    exempt_level, _ = _level(case)
    claims.record_claim(fact="person.sex", person=case.person, value="male", source=source())

    level, reasons = _level_by(pass_kind, case)

    assert exempt_level != "critical" and level == "critical"
    contested = [r for r in reasons if r["rule"] == "contested_fact"]
    assert contested and "sex is male" in contested[0]["text"]


def test_a_contested_fact_that_would_lower_the_level_does_not_and_says_why(law):
    case = _capital_case(choices.Sex.MALE)
    claims.record_claim(fact="person.sex", person=case.person, value="female", source=source())

    level, reasons = _level(case)

    assert level == "critical"
    contested = [r for r in reasons if r["rule"] == "contested_fact"]
    assert "never lowers a level" in contested[0]["text"] and "sex is female" in contested[0]["text"]


@pytest.mark.parametrize("pass_kind", ["one case", "full pass"])
def test_a_contested_detention_date_moves_the_latest_day_of_the_act_and_never_lowers_a_level(law, pass_kind):

    # An attempted act of terrorism, its day unknown: detained before the 2022 law, the act was
    # before it too (an attempt was not capital then); detained after it, the act may be after.
    case = CaseFactory(person=PersonFactory(sex=choices.Sex.MALE), detention_date=D(2022, 3, 1))
    ChargeFactory(case=case, article=article("289.3"), stage="attempt", offence_date=None, charged_on=None)
    before_the_law, _ = _level(case)
    claims.record_claim(
        fact="case.detention_date",
        person=case.person,
        case=case,
        value=detention(D(2022, 7, 1)),
        source=source(),
    )

    level, reasons = _level_by(pass_kind, case)

    assert choices.RiskLevel.values.index(level) > choices.RiskLevel.values.index(before_the_law)
    contested = [r for r in reasons if r["rule"] == "contested_fact"]
    assert contested and "detention date is 1 July 2022" in contested[0]["text"], reasons
    assert Case.objects.get(pk=case.pk).detention_date == D(2022, 3, 1)  # the record keeps its value


def test_deciding_the_conflict_ends_the_contested_reason(law):
    case = _capital_case(choices.Sex.MALE)
    claim = claims.record_claim(fact="person.sex", person=case.person, value="female", source=source())
    claims.set_aside_claim(claim=claim, note="the passport says otherwise")

    level, reasons = _level(case)

    assert level == "critical" and not [r for r in reasons if r["rule"] == "contested_fact"]


def test_a_conflict_on_a_fact_the_rules_read_asks_for_a_new_assessment(law):
    case = _capital_case(choices.Sex.MALE)
    _level(case)
    generation = Case.objects.get(pk=case.pk).risk_generation

    claims.record_claim(fact="person.sex", person=case.person, value="female", source=source())

    case.refresh_from_db()
    assert case.risk_stale and case.risk_generation == generation + 1


def test_a_persons_page_lists_the_claims_on_its_facts_never_naming_a_confidential_source(client, law):
    person = PersonFactory(birth_date=None, birth_date_precision="unknown")
    secret = source(confidential=True, title="Synthetic confidential informant", url="")
    claims.record_claim(fact="person.birth_date", person=person, value=("1990-01-01", "year"), source=secret)
    url = reverse("admin:cases_person_change", args=[person.pk])
    client.force_login(UserFactory(groups=[EDITOR]))

    page = client.get(url).content.decode()

    assert "what each source says" in page and "1990" in page
    assert "Synthetic confidential informant" not in page and "Confidential source" in page


def test_a_new_conflict_tells_the_change_feed_that_the_case_changed(law):
    case = CaseFactory(detention_date=D(2022, 3, 1))
    before = ChangeRecord.objects.filter(object_id=str(case.public_id)).count()

    claims.record_claim(
        fact="case.detention_date", person=case.person, case=case, value="2022-03-05", source=source()
    )

    entries = ChangeRecord.objects.filter(object_type="case", object_id=str(case.public_id))
    assert entries.count() == before + 1 and entries.latest("id").action == "updated"


# A direct edit is the staff's unsourced word --------------------------------------------------


def test_a_direct_edit_becomes_the_staffs_unsourced_accepted_claim_and_supersedes_the_old_one(law):
    from cases import services

    case = CaseFactory(detention_date=None)
    reported = source()
    said_by_report = claims.record_claim(
        fact="case.detention_date",
        person=case.person,
        case=case,
        value=detention(D(2021, 3, 10)),
        source=reported,
    )
    editor = UserFactory(groups=[EDITOR])

    services.update_case(case=case, detention_date=D(2021, 3, 9), detention_date_precision="day", by=editor)

    said_by_report.refresh_from_db()
    assert said_by_report.state == State.SUPERSEDED and "edited directly" in said_by_report.note
    assert said_by_report.decided_by == editor
    accepted = Claim.objects.get(case=case, fact="case.detention_date", state=State.ACCEPTED)
    assert (accepted.source, accepted.value, accepted.created_by) == (None, detention(D(2021, 3, 9)), editor)


def test_a_direct_edit_to_what_a_conflicting_source_said_makes_it_agree(law):
    from cases import services

    case = _capital_case(choices.Sex.MALE)
    claims.record_claim(fact="person.sex", person=case.person, value="male", source=source())
    other = claims.record_claim(fact="person.sex", person=case.person, value="female", source=source())
    assert other.state == State.CONFLICTING

    services.update_person(person=case.person, sex=choices.Sex.FEMALE)

    other.refresh_from_db()
    assert other.state == State.AGREES
    assert not Claim.objects.conflicts().exists()


def test_a_write_that_comes_from_a_claim_adds_no_unsourced_claim(law):
    case = CaseFactory(detention_date=None)
    first = claims.record_claim(
        fact="case.detention_date",
        person=case.person,
        case=case,
        value=detention(D(2021, 3, 10)),
        source=source(),
    )
    second = claims.record_claim(
        fact="case.detention_date",
        person=case.person,
        case=case,
        value=detention(D(2021, 3, 12)),
        source=source(),
    )

    claims.accept_claim(claim=second)

    states = dict(Claim.objects.filter(case=case).values_list("pk", "state"))
    assert states == {first.pk: State.SUPERSEDED, second.pk: State.ACCEPTED}


# A charge's facts (its offence date, stage, the day it was brought) --------------------------------


def _attempt_charge(**facts_of_charge):
    case = CaseFactory(person=PersonFactory(sex=choices.Sex.MALE), detention_date=None)
    charge = ChargeFactory(case=case, article=article("289.3"), stage="attempt", **facts_of_charge)
    return case, charge


def test_a_claim_on_a_charge_fact_is_written_through_the_charge_service_and_a_second_word_conflicts(law):
    case, charge = _attempt_charge(offence_date=None, charged_on=None)

    first = claims.record_claim(
        fact="charge.offence_date",
        person=case.person,
        case=case,
        charge=charge,
        value=detention(D(2022, 3, 1)),
        source=source(),
    )
    second = claims.record_claim(
        fact="charge.offence_date",
        person=case.person,
        case=case,
        charge=charge,
        value=detention(D(2022, 7, 1)),
        source=source(),
    )

    charge.refresh_from_db()
    assert (first.state, second.state) == (State.ACCEPTED, State.CONFLICTING)
    assert charge.offence_date == D(2022, 3, 1) and charge.offence_date_precision == "day"
    assert charge.history.first().history_type == "~"  # written as any correction of a charge is
    assert second.priority == 3  # a date near the 2022 law on attempts: it can change a level
    assert claims.contested_facts(person=case.person, case=case, charge=charge) == {"charge.offence_date"}


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({}, "charge", "fact of a charge"),
        ({"charge": "other case"}, "charge", "another case"),
    ],
)
def test_a_charge_fact_needs_a_charge_of_the_same_case(law, kwargs, field, message):
    case, charge = _attempt_charge()
    if kwargs:
        kwargs = {"charge": ChargeFactory(case=CaseFactory(person=case.person))}

    with pytest.raises(RefusedChange) as refused:
        claims.record_claim(
            fact="charge.stage", person=case.person, case=case, value="completed", source=source(), **kwargs
        )

    assert message in str(refused.value.message_dict[field])


@pytest.mark.parametrize("pass_kind", ["one case", "full pass"])
def test_a_contested_offence_date_is_weighed_and_never_lowers_a_level(law, pass_kind):

    # An attempt before the 2022 law was not capital; a claim puts it after the law.
    case, charge = _attempt_charge(offence_date=D(2022, 3, 1), charged_on=D(2022, 3, 5))
    before_the_law, _ = _level(case)
    claims.record_claim(
        fact="charge.offence_date",
        person=case.person,
        case=case,
        charge=charge,
        value=detention(D(2022, 7, 1)),
        source=source(),
    )

    level, reasons = _level_by(pass_kind, case)

    assert choices.RiskLevel.values.index(level) > choices.RiskLevel.values.index(before_the_law)
    contested = [r for r in reasons if r["rule"] == "contested_fact"]
    assert contested and "offence date of art. 289 part 3 is 1 July 2022" in contested[0]["text"], reasons


def test_a_contested_stage_of_a_charge_is_weighed(law):
    case, charge = _attempt_charge(offence_date=D(2021, 3, 1), charged_on=D(2021, 3, 5))
    before, _ = _level(case)  # an attempt before the law: not capital

    claims.record_claim(
        fact="charge.stage", person=case.person, case=case, charge=charge, value="completed", source=source()
    )

    level, reasons = _level(case)
    assert choices.RiskLevel.values.index(level) > choices.RiskLevel.values.index(before)
    assert any("stage of art. 289 part 3 is completed offence" in r["text"] for r in reasons), reasons


def test_a_direct_correction_of_a_charge_date_becomes_the_staffs_unsourced_claim(law):
    from cases import services

    case, charge = _attempt_charge(offence_date=None, charged_on=None)
    reported = claims.record_claim(
        fact="charge.charged_on",
        person=case.person,
        case=case,
        charge=charge,
        value=detention(D(2022, 3, 5)),
        source=source(),
    )

    services.update_charge_facts(charge=charge, charged_on=D(2022, 3, 6), charged_on_precision="day")

    reported.refresh_from_db()
    assert reported.state == State.SUPERSEDED
    accepted = Claim.objects.get(charge=charge, fact="charge.charged_on", state=State.ACCEPTED)
    assert (accepted.source, accepted.value) == (None, detention(D(2022, 3, 6)))


@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)
def test_migration_makes_the_charge_facts_and_open_stays_of_today_accepted_claims_from_their_sources(law):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from cases.models import FacilityStay
    from tests.factories import FacilityFactory

    case = CaseFactory()
    court = source(Reliability.DOCUMENTARY)
    charge = ChargeFactory(
        case=case,
        article=article("289.3"),
        stage="attempt",
        offence_date=D(2022, 1, 5),
        charged_on=None,
        source=court,
    )
    facility = FacilityFactory()
    FacilityStay.objects.create(case=case, facility=facility, start_date=D(2022, 1, 6), end_date=None)
    Claim.objects.all().delete()  # as before the migration: no claim on these facts

    MigrationExecutor(connection).migrate([("cases", "0019_claims_on_charges")])
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    made = {
        (c.fact, c.charge_id, c.source_id, str(c.value), c.state)
        for c in Claim.objects.filter(case=case).exclude(fact__startswith="stay.")  # migration 0025's
    }
    assert made == {
        (
            "charge.offence_date",
            charge.pk,
            court.pk,
            str({"date": "2022-01-05", "precision": "day"}),
            "accepted",
        ),
        ("charge.stage", charge.pk, court.pk, "attempt", "accepted"),
        ("case.facility", None, None, facility.slug, "accepted"),
    }


def test_a_yes_or_no_fact_is_said_in_the_reader_s_language():
    official = facts.fact("person.is_official_or_military")

    assert facts.describe(official, True) == "yes"
    assert facts.describe(official, False, "be") == "не"
    assert facts.describe(official, True, "ru") == "да"
