"""A model's check constraints are validated in one query (cases.models.checks), with exactly the
errors Django's own one-query-per-constraint validation gives."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from cases import choices
from cases.models import Case, Person, PersonName
from tests.factories import CaseFactory, ChargeFactory, PersonFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def errors_of(validate) -> dict | None:
    try:
        validate()
    except ValidationError as error:
        return error.message_dict
    return None


def djangos_errors(instance, exclude=None):
    return errors_of(lambda: models.Model.validate_constraints(instance, exclude=exclude))


def our_errors(instance, exclude=None):
    return errors_of(lambda: instance.validate_constraints(exclude=exclude))


def test_check_constraints_of_a_case_are_asked_in_one_query_where_django_asks_one_each(law):
    case = CaseFactory()

    with CaptureQueriesContext(connection) as ours:
        case.validate_constraints()
    with CaptureQueriesContext(connection) as djangos:
        models.Model.validate_constraints(case)

    selects = [q["sql"] for q in ours.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1
    assert len(ours.captured_queries) <= 3  # the SELECT, in a savepoint inside the test's transaction
    assert len(djangos.captured_queries) >= 7  # one per check constraint of a case, at the least


# Facts of unsaved cases that each break some of the case's check constraints.
BROKEN_CASES = [
    {"status": "no_such_status"},
    {
        "detention_date": D(2024, 5, 1),
        "verdict_date": D(2024, 4, 1),
        "sentence_kind": choices.SentenceKind.FINE,
        "sentence_years": 2,
        "sentence_months": 14,
    },
    {"verdict_final_on": D(2024, 1, 1)},
    {"verdict_date": D(2024, 6, 1), "verdict_final_on": D(2024, 5, 1), "sentence_months": 3},
]


@pytest.mark.parametrize("facts", BROKEN_CASES)
def test_a_broken_case_gets_the_errors_djangos_own_validation_gives(law, facts):
    broken = Case(person=PersonFactory(), jurisdiction=law, **facts)

    ours = our_errors(broken)

    assert ours is not None
    assert ours == djangos_errors(broken)


def test_a_condition_that_reads_an_excluded_field_is_not_asked_as_in_django(law):
    broken = Case(person=PersonFactory(), jurisdiction=law, status="no_such_status", sentence_months=14)

    assert our_errors(broken, exclude={"status"}) == djangos_errors(broken, exclude={"status"})
    assert "Unknown case status." not in str(our_errors(broken, exclude={"status"}))
    assert "Months must be below 12" in str(our_errors(broken, exclude={"status"}))


def test_a_condition_that_compares_with_an_excluded_field_is_not_asked_as_in_django(law):
    broken = Case(
        person=PersonFactory(), jurisdiction=law, detention_date=D(2024, 5, 1), verdict_date=D(2024, 4, 1)
    )

    assert "The verdict date cannot be before the detention date." in str(our_errors(broken))
    assert our_errors(broken, exclude={"detention_date"}) == djangos_errors(
        broken, exclude={"detention_date"}
    )
    assert our_errors(broken, exclude={"detention_date"}) is None


def test_a_broken_charge_and_a_broken_person_get_djangos_errors(law):
    charge = ChargeFactory.build(case=CaseFactory(), state="reclassified", stage="no_such_stage")
    person = Person(sex="x", publication_state=choices.PublicationState.PUBLISHED, birth_date=D(1990, 1, 1))

    assert our_errors(charge) == djangos_errors(charge)
    assert "Unknown charge stage." in str(our_errors(charge))
    assert our_errors(person) == djangos_errors(person)
    assert "A published person needs a publication date." in str(our_errors(person))


def test_a_valid_record_passes_and_a_unique_constraint_is_still_checked(law):
    person = PersonFactory()
    primary = person.names.get(is_primary=True)
    second_primary = PersonName(person=person, text=primary.text + "a", kind=primary.kind, is_primary=True)

    assert our_errors(person.cases.first() or CaseFactory(person=person)) is None
    assert our_errors(second_primary) == djangos_errors(second_primary)
    assert "A person has exactly one primary name." in str(our_errors(second_primary))


def test_a_refused_save_through_the_services_still_names_the_broken_rule(law):
    from cases import services
    from cases.exceptions import RefusedChange

    case = CaseFactory()

    with pytest.raises(RefusedChange, match="Months must be below 12"):
        services.update_case(case=case, sentence_months=14)


def test_every_model_with_check_constraints_validates_them_in_one_query():
    from django.apps import apps
    from django.db.models import CheckConstraint

    from cases.models.checks import ChecksInOneQuery

    with_checks = [
        model
        for model in apps.get_app_config("cases").get_models()
        if any(isinstance(c, CheckConstraint) for c in model._meta.constraints)
    ]

    assert len(with_checks) >= 20
    assert [m.__name__ for m in with_checks if not issubclass(m, ChecksInOneQuery)] == []
