"""The services are the only write path: they enforce the rules and leave a readable trail."""

import datetime

import pytest

from cases import choices, services
from cases.exceptions import PublicationRefused, ReclassificationRefused, RefusedChange
from cases.models import Case, CaseEvent, Charge, FacilityStay, Reclassification
from cases.services import cases as case_services
from tests.factories import (
    CaseFactory,
    ChargeFactory,
    FacilityFactory,
    PersonFactory,
    SourceFactory,
    UserFactory,
    article,
    jurisdiction,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def _names():
    return [
        services.NameSpec("Вымыслаў Андрэй", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE, True),
        services.NameSpec("Вымыслов Андрей", choices.Script.RU_CYRILLIC, choices.NameKind.OFFICIAL_RU),
        services.NameSpec("Vymyslau Andrei", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN),
    ]


def test_create_person_keeps_every_spelling_and_one_primary(law):
    person = services.create_person(names=_names(), sex=choices.Sex.MALE)

    assert sorted(person.names.values_list("text", flat=True)) == sorted(
        ["Vymyslau Andrei", "Вымыслов Андрей", "Вымыслаў Андрэй"]
    )
    assert person.primary_name.text == "Вымыслаў Андрэй"
    assert person.slug.startswith("vymyslau-andrei-")
    assert person.publication_state == choices.PublicationState.DRAFT


def test_create_person_without_primary_name_is_refused(law):
    names = [services.NameSpec("Без Галоўнага", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE)]
    with pytest.raises(RefusedChange, match="exactly one primary name"):
        services.create_person(names=names)


def test_create_person_with_unknown_field_is_refused(law):
    with pytest.raises(RefusedChange, match="Unknown person fields: shoe_size"):
        services.create_person(names=_names(), shoe_size=44)


def test_add_person_name_primary_demotes_the_old_primary(law):
    person = PersonFactory()
    services.add_person_name(
        person=person, text="Testavy  Yavar Junior", script="latin", kind="other_latin", is_primary=True
    )
    primaries = list(person.names.filter(is_primary=True).values_list("text", flat=True))
    assert primaries == ["Testavy Yavar Junior"]  # spaces folded too


def test_slug_is_stable_across_edits(law):
    person = services.create_person(names=_names())
    slug = person.slug
    services.update_person(person=person, occupation="teacher")
    services.add_person_name(person=person, text="Other Spelling", script="latin", kind="other_latin")
    person.refresh_from_db()
    assert person.slug == slug


def test_publish_person_without_case_is_refused(law):
    person = PersonFactory()
    with pytest.raises(PublicationRefused, match="without a case"):
        services.publish_person(person=person)


def test_publish_then_withdraw_person_changes_public_visibility(law):
    from cases.models import Person

    case = CaseFactory()
    services.publish_person(person=case.person)
    assert list(Person.objects.published()) == [case.person]
    assert list(Case.objects.published()) == [case]

    services.withdraw_person(person=case.person)
    case.person.refresh_from_db()
    assert case.person.publication_state == choices.PublicationState.WITHDRAWN
    assert not Person.objects.published().exists()
    assert not Case.objects.published().exists()


def test_withdraw_a_draft_is_refused(law):
    with pytest.raises(PublicationRefused):
        services.withdraw_person(person=PersonFactory())


def test_create_case_records_detention_event(law):
    person = PersonFactory()
    case = services.create_case(
        person=person, jurisdiction=jurisdiction(), detention_date=D(2021, 5, 4), detention_place="Hrodna"
    )
    event = case.events.get()
    assert (event.kind, event.date, event.text, event.is_public) == (
        "detained",
        D(2021, 5, 4),
        "Hrodna",
        True,
    )


def test_update_case_sets_expected_release_date(law):
    case = CaseFactory(detention_date=D(2021, 1, 10))
    services.update_case(
        case=case,
        status=choices.CaseStatus.CONVICTED,
        verdict_date=D(2021, 9, 1),
        sentence_kind=choices.SentenceKind.DEPRIVATION_OF_LIBERTY,
        sentence_years=5,
        sentence_regime=choices.Regime.GENERAL,
    )
    case.refresh_from_db()
    assert case.expected_release_date == D(2026, 1, 9)


def test_update_case_with_verdict_before_detention_is_refused(law):
    case = CaseFactory(detention_date=D(2021, 1, 10))
    with pytest.raises(RefusedChange, match="verdict date cannot be before the detention date"):
        services.update_case(case=case, verdict_date=D(2020, 1, 1))


def test_add_charge_records_a_public_charged_event(law):
    case = CaseFactory()
    source = SourceFactory()
    charge = services.add_charge(
        case=case,
        article=article("342.1"),
        offence_date=D(2022, 2, 1),
        charged_on=D(2022, 3, 3),
        source=source,
    )
    event = case.events.get(kind="charged")
    assert (event.charge, event.text, list(event.sources.all())) == (charge, "art. 342 part 1", [source])


def test_add_charge_from_another_jurisdiction_is_refused(law):
    case = CaseFactory()
    with pytest.raises(RefusedChange, match="another jurisdiction"):
        services.add_charge(case=case, article=article("105.2", code="RU"))


def test_reclassify_charge_keeps_the_old_charge_and_points_to_the_new(law):
    user = UserFactory()
    charge = ChargeFactory(article=article("218.2"), charged_on=D(2022, 3, 2))
    source = SourceFactory()

    new = services.reclassify_charge(
        charge=charge,
        to_article=article("289.1"),
        on=D(2022, 6, 1),
        source=source,
        note="terrorism alleged",
        by=user,
    )

    charge.refresh_from_db()
    assert (charge.state, charge.ended_on, charge.reclassified_into) == ("reclassified", D(2022, 6, 1), new)
    assert (new.article, new.state, new.charged_on, new.offence_date) == (
        article("289.1"),
        "active",
        D(2022, 6, 1),
        charge.offence_date,
    )
    record = Reclassification.objects.get()
    assert (record.from_charge, record.to_charge, record.date, record.source, record.created_by) == (
        charge,
        new,
        D(2022, 6, 1),
        source,
        user,
    )
    event = CaseEvent.objects.get(kind="reclassified")
    assert event.text == "art. 218 part 2 → art. 289 part 1" and event.is_public
    assert charge.history.first().history_user == user


def test_reclassify_charge_history_reads_back_in_order(law):
    charge = ChargeFactory(article=article("218.2"), charged_on=D(2022, 3, 2))
    other = ChargeFactory(case=charge.case, article=article("342.1"), charged_on=D(2022, 4, 1))
    second = services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2022, 6, 1))
    third = services.reclassify_charge(charge=second, to_article=article("289.3"), on=D(2022, 9, 15))

    history = list(charge.case.charge_history())
    charge.refresh_from_db()

    assert history == [charge, other, second, third]
    assert [c.state for c in history] == ["reclassified", "active", "reclassified", "active"]
    assert charge.reclassified_into.reclassified_into == third


def test_reclassify_to_the_same_article_is_refused(law):
    charge = ChargeFactory(article=article("289.1"))
    with pytest.raises(ReclassificationRefused, match="already under art. 289 part 1"):
        services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2022, 6, 1))
    assert Charge.objects.count() == 1


def test_reclassify_same_article_to_another_stage_is_allowed(law):
    charge = ChargeFactory(article=article("289.3"), stage=choices.ChargeStage.ATTEMPT)
    new = services.reclassify_charge(
        charge=charge, to_article=article("289.3"), on=D(2022, 6, 1), stage=choices.ChargeStage.COMPLETED
    )
    assert new.stage == "completed"


def test_reclassify_into_the_past_of_the_charge_is_refused(law):
    charge = ChargeFactory(charged_on=D(2022, 3, 2))
    with pytest.raises(ReclassificationRefused, match="before the charge was brought"):
        services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2022, 3, 1))
    charge.refresh_from_db()
    assert charge.state == "active" and not Reclassification.objects.exists()


def test_reclassify_into_the_future_is_refused(law):
    charge = ChargeFactory()
    with pytest.raises(ReclassificationRefused, match="in the future"):
        services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2999, 1, 1))


@pytest.mark.parametrize("state", ["dropped", "convicted", "acquitted"])
def test_reclassify_a_charge_that_is_no_longer_active_is_refused(law, state):
    charge = ChargeFactory()
    services.end_charge(charge=charge, state=state, on=D(2022, 5, 1))
    with pytest.raises(ReclassificationRefused, match="Only an active charge"):
        services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2022, 6, 1))


def test_reclassify_an_already_reclassified_charge_is_refused(law):
    charge = ChargeFactory()
    services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2022, 6, 1))
    with pytest.raises(ReclassificationRefused, match="Only an active charge"):
        services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 7, 1))


def test_reclassify_to_another_jurisdictions_article_is_refused(law):
    charge = ChargeFactory()
    with pytest.raises(RefusedChange, match="another jurisdiction"):
        services.reclassify_charge(charge=charge, to_article=article("105.2", code="RU"), on=D(2022, 6, 1))
    assert Charge.objects.count() == 1


def test_end_charge_as_reclassified_is_refused(law):
    with pytest.raises(RefusedChange, match="use reclassify"):
        services.end_charge(charge=ChargeFactory(), state="reclassified", on=D(2022, 6, 1))


def test_end_charge_dropped_records_public_event(law):
    charge = ChargeFactory()
    services.end_charge(charge=charge, state="dropped", on=D(2022, 6, 1))
    charge.refresh_from_db()
    assert (charge.state, charge.ended_on) == ("dropped", D(2022, 6, 1))
    assert charge.case.events.filter(kind="charge_dropped", charge=charge).exists()


def test_update_charge_facts_refuses_article_and_state(law):
    charge = ChargeFactory()
    with pytest.raises(RefusedChange, match="cannot be edited directly: article, state"):
        services.update_charge_facts(charge=charge, article=article("289.3"), state="dropped")


def test_transfer_person_closes_the_open_stay_and_records_event(law):
    case = CaseFactory()
    sizo, colony = FacilityFactory(), FacilityFactory(kind=choices.FacilityKind.COLONY)
    services.transfer_person(case=case, facility=sizo, on=D(2022, 3, 2))
    services.transfer_person(case=case, facility=colony, on=D(2023, 1, 20))

    stays = list(FacilityStay.objects.filter(case=case).values_list("facility", "start_date", "end_date"))
    assert stays == [(sizo.pk, D(2022, 3, 2), D(2023, 1, 20)), (colony.pk, D(2023, 1, 20), None)]
    assert case.current_stay.facility == colony
    assert case.events.filter(kind="transferred").count() == 2


def test_transfer_before_the_current_stay_is_refused(law):
    case = CaseFactory()
    services.transfer_person(case=case, facility=FacilityFactory(), on=D(2022, 3, 2))
    with pytest.raises(RefusedChange, match="before the current stay began"):
        services.transfer_person(case=case, facility=FacilityFactory(), on=D(2022, 1, 1))


def test_services_are_atomic_when_a_later_step_fails(law, monkeypatch):
    charge = ChargeFactory()

    def broken(**kwargs):
        raise RuntimeError("timeline unavailable")

    monkeypatch.setattr(case_services, "record_event", broken)
    with pytest.raises(RuntimeError):
        services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2022, 6, 1))
    charge.refresh_from_db()
    assert charge.state == "active" and Charge.objects.count() == 1 and not Reclassification.objects.exists()


def test_risk_relevant_person_change_marks_cases_stale(law, django_capture_on_commit_callbacks):
    case = CaseFactory()
    case.refresh_from_db()
    generation = case.risk_generation
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.update_person(person=case.person, sex=choices.Sex.UNKNOWN)
    case.refresh_from_db()
    assert case.risk_stale and case.risk_generation == generation + 1 and len(_assessments(callbacks)) == 1


def test_risk_irrelevant_person_change_does_not_requeue(law, django_capture_on_commit_callbacks):
    case = CaseFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.update_person(person=case.person, occupation="librarian")
    assert _assessments(callbacks) == []


def _assessments(callbacks):
    """The on-commit callbacks that queue assessments (the public cache's version move is another)."""
    from public.cache import bump_version

    return [callback for callback in callbacks if callback is not bump_version]


def test_save_detail_refuses_models_with_their_own_service(law):
    with pytest.raises(RefusedChange, match="has its own service"):
        services.save_detail(instance=ChargeFactory())


def test_update_with_a_stale_copy_does_not_undo_other_changes(law):
    case = CaseFactory()
    stale_person = case.person  # read before it was published
    services.publish_person(person=case.person)
    services.update_person(person=stale_person, occupation="engineer")
    stale_person.refresh_from_db()
    assert (stale_person.publication_state, stale_person.occupation) == ("published", "engineer")
