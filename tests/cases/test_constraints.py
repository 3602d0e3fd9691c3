"""The database itself refuses records that break the registry's invariants, whatever path writes them."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from cases import choices
from cases.models import Case, Charge, FacilityStay, Person, PersonName, Reclassification, Source
from tests.factories import CaseFactory, ChargeFactory, FacilityFactory, PersonFactory, article

pytestmark = pytest.mark.django_db


def _refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_person_birth_date_without_precision_is_refused(law):
    person = PersonFactory()
    _refused(lambda: Person.objects.filter(pk=person.pk).update(birth_date_precision="unknown"))


def test_person_precision_without_birth_date_is_refused(law):
    person = PersonFactory()
    _refused(lambda: Person.objects.filter(pk=person.pk).update(birth_date=None))


def test_person_published_without_date_is_refused(law):
    person = PersonFactory()
    _refused(lambda: Person.objects.filter(pk=person.pk).update(publication_state="published"))


def test_person_unknown_sex_code_is_refused(law):
    person = PersonFactory()
    _refused(lambda: Person.objects.filter(pk=person.pk).update(sex="x"))


def test_person_two_primary_names_are_refused(law):
    person = PersonFactory()
    _refused(
        lambda: PersonName.objects.create(
            person=person, text="Другое Имя", script="ru_cyrl", kind="alias", is_primary=True
        )
    )


def test_person_same_spelling_twice_is_refused(law):
    person = PersonFactory()
    _refused(
        lambda: PersonName.objects.create(
            person=person, text="Testavy Yavar", script="latin", kind="passport_latin"
        )
    )


def test_person_empty_name_is_refused(law):
    person = PersonFactory()
    _refused(lambda: PersonName.objects.create(person=person, text="", script="latin", kind="alias"))


def test_case_verdict_before_detention_is_refused(law):
    case = CaseFactory()
    _refused(lambda: Case.objects.filter(pk=case.pk).update(verdict_date=datetime.date(2021, 1, 1)))


def test_case_term_on_a_death_sentence_is_refused(law):
    case = CaseFactory(verdict_date=datetime.date(2023, 1, 1))
    _refused(lambda: Case.objects.filter(pk=case.pk).update(sentence_kind="death", sentence_years=10))


def test_case_sentence_without_verdict_date_is_refused(law):
    case = CaseFactory()
    _refused(lambda: Case.objects.filter(pk=case.pk).update(sentence_kind="fine"))


def test_case_twelve_months_is_refused(law):
    case = CaseFactory(verdict_date=datetime.date(2023, 1, 1))
    _refused(
        lambda: Case.objects.filter(pk=case.pk).update(
            sentence_kind="deprivation_of_liberty", sentence_years=1, sentence_months=12
        )
    )


def test_case_unknown_status_is_refused(law):
    case = CaseFactory()
    _refused(lambda: Case.objects.filter(pk=case.pk).update(status="vanished"))


def test_case_expected_release_follows_term_and_detention(law):
    case = CaseFactory(
        detention_date=datetime.date(2022, 3, 1),
        verdict_date=datetime.date(2022, 11, 1),
        sentence_kind="deprivation_of_liberty",
        sentence_years=3,
        sentence_months=6,
    )
    assert case.expected_release_date == datetime.date(2025, 8, 31)


def test_case_expected_release_empty_for_death_or_unknown_detention(law):
    death = CaseFactory(verdict_date=datetime.date(2023, 1, 1), sentence_kind="death")
    unknown = CaseFactory(
        detention_date=None,
        sentence_kind="deprivation_of_liberty",
        sentence_years=2,
        verdict_date=datetime.date(2023, 1, 1),
    )
    assert death.expected_release_date is None
    assert unknown.expected_release_date is None


def test_stay_ending_before_it_starts_is_refused(law):
    case = CaseFactory()
    _refused(
        lambda: FacilityStay.objects.create(
            case=case,
            facility=FacilityFactory(),
            start_date=datetime.date(2022, 3, 1),
            end_date=datetime.date(2022, 2, 1),
        )
    )


def test_stay_two_open_stays_in_one_case_are_refused(law):
    case = CaseFactory()
    FacilityStay.objects.create(case=case, facility=FacilityFactory(), start_date=datetime.date(2022, 3, 1))
    _refused(
        lambda: FacilityStay.objects.create(
            case=case, facility=FacilityFactory(), start_date=datetime.date(2022, 4, 1)
        )
    )


def test_charge_reclassified_without_successor_is_refused(law):
    charge = ChargeFactory()
    _refused(
        lambda: Charge.objects.filter(pk=charge.pk).update(
            state="reclassified", ended_on=datetime.date(2022, 5, 1)
        )
    )


def test_charge_successor_on_an_active_charge_is_refused(law):
    charge, other = ChargeFactory(), ChargeFactory()
    _refused(lambda: Charge.objects.filter(pk=charge.pk).update(reclassified_into=other))


def test_charge_its_own_successor_is_refused(law):
    charge = ChargeFactory()
    _refused(
        lambda: Charge.objects.filter(pk=charge.pk).update(
            state="reclassified", ended_on=datetime.date(2022, 5, 1), reclassified_into=charge.pk
        )
    )


def test_charge_ending_before_it_was_brought_is_refused(law):
    charge = ChargeFactory()
    _refused(
        lambda: Charge.objects.filter(pk=charge.pk).update(
            state="dropped", ended_on=datetime.date(2022, 1, 1)
        )
    )


def test_charge_ended_without_date_is_refused(law):
    charge = ChargeFactory()
    _refused(lambda: Charge.objects.filter(pk=charge.pk).update(state="dropped"))


def test_charge_unknown_stage_code_is_refused(law):
    charge = ChargeFactory()
    _refused(lambda: Charge.objects.filter(pk=charge.pk).update(stage="rumoured"))


def test_reclassification_of_a_charge_into_itself_is_refused(law):
    charge = ChargeFactory()
    _refused(
        lambda: Reclassification.objects.create(
            from_charge=charge, to_charge=charge, date=datetime.date(2022, 5, 1)
        )
    )


def test_source_contact_on_a_public_source_is_refused(law):
    _refused(lambda: Source.objects.create(kind="relative", title="t", confidential=False, contact="+375..."))


def test_article_capital_dates_on_a_non_capital_part_are_refused(law):
    part = article("342.1")
    from cases.models import Article

    _refused(lambda: Article.objects.filter(pk=part.pk).update(capital_since=datetime.date(2023, 1, 1)))


def test_article_same_part_twice_is_refused(law):
    from cases.models import Article

    part = article("289.3")
    _refused(
        lambda: Article.objects.create(
            jurisdiction=part.jurisdiction, number="289", part="3", title_en="duplicate"
        )
    )


def test_charge_and_event_choices_cover_the_glossary():
    assert {"completed", "attempt", "preparation"} <= set(choices.ChargeStage.values)
    assert {
        "detained",
        "charged",
        "reclassified",
        "transferred",
        "trial",
        "verdict",
        "appeal",
        "released",
        "pardoned",
    } <= set(choices.EventKind.values)


def _alert(case):
    from cases.models import RiskAlert, RiskAssessment

    assessment = RiskAssessment.objects.create(
        case=case,
        level="critical",
        previous_level="watch",
        reasons=[],
        rules_version="t",
        law_checksum="t",
        generation=1,
        assessed_on=datetime.date(2026, 1, 1),
    )
    return RiskAlert.objects.create(case=case, assessment=assessment, old_level="watch", new_level="critical")


def test_alert_without_a_change_of_level_is_refused(law):
    from cases.models import RiskAlert

    alert = _alert(CaseFactory())
    _refused(lambda: RiskAlert.objects.filter(pk=alert.pk).update(new_level="watch"))


def test_alert_acknowledged_without_who_and_when_is_refused(law):
    from cases.models import RiskAlert

    alert = _alert(CaseFactory())
    _refused(lambda: RiskAlert.objects.filter(pk=alert.pk).update(state="acknowledged"))


def test_alert_resolved_without_a_note_is_refused(law):
    from django.utils import timezone

    from cases.models import RiskAlert
    from tests.factories import UserFactory

    alert = _alert(CaseFactory())
    user, now = UserFactory(), timezone.now()
    _refused(
        lambda: RiskAlert.objects.filter(pk=alert.pk).update(
            state="resolved", acknowledged_at=now, acknowledged_by=user, resolved_at=now, resolved_by=user
        )
    )


def test_webhook_delivery_twice_for_one_alert_is_refused(law):
    from cases.models import WebhookDelivery, WebhookSubscription

    alert = _alert(CaseFactory())
    subscription = WebhookSubscription.objects.create(organisation="Synthetic", url="https://example.org/h")
    WebhookDelivery.objects.create(subscription=subscription, alert=alert, payload={})
    _refused(lambda: WebhookDelivery.objects.create(subscription=subscription, alert=alert, payload={}))


def test_submission_handled_without_a_date_is_refused(law):
    from cases.models import Organisation, Submission

    submission = Submission.objects.create(
        organisation=Organisation.objects.create(name="Synthetic"), payload={"name": "x"}
    )
    _refused(lambda: Submission.objects.filter(pk=submission.pk).update(state="accepted"))


def test_assessment_with_an_unknown_level_is_refused(law):
    from cases.models import RiskAssessment

    _refused(
        lambda: RiskAssessment.objects.create(
            case=CaseFactory(),
            level="apocalyptic",
            reasons=[],
            rules_version="t",
            law_checksum="t",
            generation=1,
            assessed_on=datetime.date(2026, 1, 1),
        )
    )


def test_partner_key_with_an_unknown_scope_is_refused_by_validation(law):
    from django.core.exceptions import ValidationError

    from cases.models import Organisation, PartnerAPIKey

    key = PartnerAPIKey(
        name="k", organisation=Organisation.objects.create(name="Synthetic"), scopes=["read:all"]
    )
    with pytest.raises(ValidationError, match="Unknown scopes: read:all"):
        key.full_clean()


def test_charge_carries_its_case_person(law):
    """The copy of the person on a charge (the article filter's index) is the case's person."""
    charge = ChargeFactory()
    assert charge.person_id == charge.case.person_id


@pytest.mark.postgres
def test_charge_naming_another_person_than_its_case_is_refused(law):
    charge = ChargeFactory()
    stranger = PersonFactory()

    def write():
        Charge.objects.filter(pk=charge.pk).update(person=stranger)
        with transaction.get_connection().cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    _refused(write)


@pytest.mark.postgres
def test_case_moved_to_another_person_carries_its_charges(law):
    """A raw move of a case (as a merge does) cannot leave its charges filed under the old person."""
    charge = ChargeFactory()
    other = PersonFactory()
    Case.objects.filter(pk=charge.case_id).update(person=other)
    charge.refresh_from_db()
    assert charge.person_id == other.pk
