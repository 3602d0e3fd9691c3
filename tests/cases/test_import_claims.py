"""Imports make claims (issue 17, point 4): each imported list is a source, each row's facts are
claims from it, and a second list that says something else makes a conflict for review instead of
overwriting. Every name here is invented."""

import dataclasses
import datetime

import pytest

from cases import choices
from cases.models import Case, Claim, ExternalIdentifier, Person, PersonName, Source
from cases.services import claims
from cases.transfer.importing import importer, run_import
from tests.cases.test_import import HEADER as HEADER_OF_PRISONERS
from tests.cases.test_import import PRISONERS, csv_bytes, row
from tests.factories import FacilityFactory, PersonFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

# A second organisation's list in the same layout: another profile, so another source.
OTHER_LIST = dataclasses.replace(PRISONERS, code="other-list", label="Another organisation's list")
LIST_DAY = datetime.date(2024, 5, 6)


def _import(data, mapping=PRISONERS, **kwargs):
    kwargs.setdefault("reclassified_on", LIST_DAY)
    return run_import(data, file_name="list.csv", mapping=mapping, **kwargs)


def _case_claims(fact):
    return Claim.objects.filter(fact=fact, case__isnull=False).select_related("source").order_by("pk")


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "in bulk"])
def test_each_fact_of_a_new_row_is_an_accepted_claim_from_the_list(law, monkeypatch, bulk):
    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1 if bulk else 10**9)
    user = UserFactory(username="importer")

    report = _import(csv_bytes([row()]), by=user)

    assert report.created == 1
    source = Source.objects.get(import_list=PRISONERS.code)
    assert source.confidential and source.reliability == choices.SourceReliability.REPORTED
    assert source.title == f"List: {PRISONERS.label}"
    got = {
        c.fact: (c.value, c.state, c.as_of, c.created_by)
        for c in Claim.objects.filter(source=source).select_related("created_by")
    }
    assert got == {
        "person.sex": ("male", "accepted", LIST_DAY, user),
        "person.birth_date": ({"date": "1986-11-01", "precision": "month"}, "accepted", LIST_DAY, user),
        "case.status": ("convicted", "accepted", LIST_DAY, user),
        "case.detention_date": ({"date": "2021-11-03", "precision": "day"}, "accepted", LIST_DAY, user),
        "case.verdict_date": ({"date": "2022-03-15", "precision": "day"}, "accepted", LIST_DAY, user),
        "case.sentence": (
            {"kind": "deprivation_of_liberty", "years": 3, "months": None, "regime": "general"},
            "accepted",
            LIST_DAY,
            user,
        ),
    }


def test_a_name_from_a_list_keeps_the_list_as_its_source(law):
    _import(csv_bytes([row()]))
    _import(csv_bytes([row(name="Klybachenka Dzmitry")]), mapping=OTHER_LIST)

    spellings = dict(PersonName.objects.values_list("text", "source__import_list"))
    assert spellings == {"Клыбачэнка Дзмітрый": PRISONERS.code, "Klybachenka Dzmitry": "other-list"}


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "in bulk"])
def test_a_file_imported_as_another_source_s_word_is_that_source_s_claims(law, monkeypatch, bulk):
    """A one-off file in a shipped layout is the word of whoever sent it, not of the profile's
    list: its facts are claims of the source staff chose, so where it disagrees it conflicts."""
    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1 if bulk else 10**9)
    _import(csv_bytes([row()]))
    lawyer = SourceFactory(
        title="Synthetic lawyer's letter", reliability=choices.SourceReliability.FIRST_HAND
    )

    _import(csv_bytes([row(arrested="05.11.2021")]), source=lawyer)
    _import(
        csv_bytes([row(id="202", url="https://list.example.org/p/202", name="Вымыслаў Новы")]), source=lawyer
    )

    [said] = Claim.objects.filter(
        source=lawyer, fact="case.detention_date", person__names__text="Клыбачэнка Дзмітрый"
    )
    assert (said.value, said.state) == ({"date": "2021-11-05", "precision": "day"}, "conflicting")
    new_person = Person.objects.get(names__text="Вымыслаў Новы")
    assert Claim.objects.filter(person=new_person).exclude(source=lawyer).count() == 0
    assert PersonName.objects.get(text="Вымыслаў Новы").source == lawyer
    assert Source.objects.filter(import_list=PRISONERS.code).count() == 1  # no second list source


def test_the_same_list_imported_again_adds_no_claim(law):
    data = csv_bytes([row()])
    _import(data)
    before = Claim.objects.count()

    again = _import(data)

    assert again.unchanged == 1 and again.updated == 0
    assert Claim.objects.count() == before


def test_a_second_list_that_disagrees_makes_a_conflict_and_the_record_keeps_its_value(law):
    _import(csv_bytes([row()]))

    report = _import(csv_bytes([row(arrested="05.11.2021")]), mapping=OTHER_LIST)

    case = Case.objects.get()
    assert case.detention_date == datetime.date(2021, 11, 3)  # not overwritten
    first, second = _case_claims("case.detention_date")
    assert (first.source.import_list, first.state) == (PRISONERS.code, "accepted")
    assert (second.source.import_list, second.state) == ("other-list", "conflicting")
    assert second.value == {"date": "2021-11-05", "precision": "day"}
    assert list(Claim.objects.conflicts()) == [second]  # in the staff queue
    assert report.updated == 1
    assert "detention date: conflicting claim" in report.outcomes[0].changes
    [warning] = [w for w in report.warnings if "conflict" in w.reason]
    assert warning.column == "arrested"
    assert "5 November 2021" in warning.reason and "3 November 2021" in warning.reason


def test_a_second_list_that_agrees_adds_its_word_beside_the_first(law):
    _import(csv_bytes([row()]))

    report = _import(csv_bytes([row()]), mapping=OTHER_LIST)

    states = {(c.source.import_list, c.state) for c in _case_claims("case.status")}
    assert states == {(PRISONERS.code, "accepted"), ("other-list", "agrees")}
    assert not Claim.objects.conflicts().exists()
    assert "status: the list agrees" in report.outcomes[0].changes


def test_a_list_correcting_itself_changes_the_record_and_keeps_its_earlier_word(law):
    _import(csv_bytes([row()]))

    report = _import(csv_bytes([row(status="освобожден", release_date="01.02.2024")]))

    case = Case.objects.get()
    assert case.status == choices.CaseStatus.RELEASED
    earlier, later = _case_claims("case.status")
    assert (earlier.value, earlier.state) == ("convicted", "superseded")
    assert "corrected by the same source" in earlier.note
    assert (later.value, later.state) == ("released", "accepted")
    assert "status" in report.outcomes[0].changes
    assert not Claim.objects.conflicts().exists()


def test_a_word_set_aside_does_not_come_back_when_the_list_is_imported_again(law):
    _import(csv_bytes([row()]))
    data = csv_bytes([row(arrested="05.11.2021")])
    _import(data, mapping=OTHER_LIST)
    [conflict] = Claim.objects.conflicts()
    claims.set_aside_claim(claim=conflict, note="the court record says 3 November")

    again = _import(data, mapping=OTHER_LIST)

    assert not Claim.objects.conflicts().exists()
    assert again.unchanged == 1
    assert _case_claims("case.detention_date").count() == 2


def test_a_list_differing_from_what_staff_entered_conflicts_with_it(law):
    person = PersonFactory(sex=choices.Sex.FEMALE)
    ExternalIdentifier.objects.create(person=person, scheme=PRISONERS.id_scheme, value="101")

    report = _import(csv_bytes([row(gender="м")]))

    person.refresh_from_db()
    assert person.sex == choices.Sex.FEMALE
    staff, listed = Claim.objects.filter(fact="person.sex").select_related("source").order_by("pk")
    assert (staff.source, staff.value, staff.state) == (None, "female", "accepted")
    assert (listed.source.import_list, listed.value, listed.state) == (PRISONERS.code, "male", "conflicting")
    assert any("sex" in w.reason and "conflict" in w.reason for w in report.warnings)


def test_a_dry_run_reports_the_conflict_and_records_nothing(law):
    _import(csv_bytes([row()]))
    before = Claim.objects.count()

    report = _import(csv_bytes([row(arrested="05.11.2021")]), mapping=OTHER_LIST, dry_run=True)

    assert any("conflict for review" in w.reason for w in report.warnings)
    assert Claim.objects.count() == before
    assert not Source.objects.filter(import_list="other-list").exists()
    assert Person.objects.count() == 1


# Where the person is held --------------------------------------------------------------------


def test_where_the_list_says_the_person_is_held_is_its_claim_and_a_later_word_is_a_transfer(law):
    first, second = FacilityFactory(), FacilityFactory()
    _import(csv_bytes([row(prison=first.name_en)]))
    case = Case.objects.get()
    [held] = Claim.objects.filter(fact="case.facility")
    assert (held.value, held.state, held.source.import_list) == (first.slug, "accepted", PRISONERS.code)

    report = _import(csv_bytes([row(prison=second.name_en)]), reclassified_on=datetime.date(2024, 6, 1))

    stays = list(case.stays.order_by("start_date").values_list("facility", "end_date"))
    assert stays == [(first.pk, datetime.date(2024, 6, 1)), (second.pk, None)]  # moved on the list's day
    assert f"held in {second.name_en}" in report.outcomes[0].changes
    states = dict(Claim.objects.filter(fact="case.facility").values_list("value", "state"))
    assert states == {first.slug: "superseded", second.slug: "accepted"}


def test_another_list_placing_the_person_elsewhere_is_a_conflict_not_a_transfer(law):
    first, second = FacilityFactory(), FacilityFactory()
    _import(csv_bytes([row(prison=first.name_en)]))

    report = _import(csv_bytes([row(prison=second.name_en)]), mapping=OTHER_LIST)

    case = Case.objects.get()
    assert list(case.stays.values_list("facility", flat=True)) == [first.pk]
    [conflict] = Claim.objects.conflicts()
    assert (conflict.fact, conflict.value, conflict.source.import_list) == (
        "case.facility",
        second.slug,
        "other-list",
    )
    assert any("facility where held" in w.reason and "conflict" in w.reason for w in report.warnings)


def test_a_claim_on_another_facility_accepted_by_a_publisher_is_a_transfer(law):
    first, second = FacilityFactory(), FacilityFactory()
    _import(csv_bytes([row(prison=first.name_en)]))
    _import(csv_bytes([row(prison=second.name_en)]), mapping=OTHER_LIST)
    [conflict] = Claim.objects.conflicts()

    claims.accept_claim(claim=conflict, note="a letter came back from the second colony")

    case = Case.objects.get()
    assert case.stays.get(end_date__isnull=True).facility == second


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "in bulk"])
def test_a_lists_release_date_is_its_claim_on_the_release(law, monkeypatch, bulk):
    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1 if bulk else 10**9)

    _import(csv_bytes([row(status="", release_date="01.2024")]))

    case = Case.objects.get()
    assert list(case.events.filter(kind="released").values_list("date", "date_precision")) == [
        (datetime.date(2024, 1, 1), "month")
    ]
    [claim] = _case_claims("case.released_on")
    assert (claim.source.import_list, claim.state) == (PRISONERS.code, "accepted")
    assert claim.value == {"date": "2024-01-01", "precision": "month"}


def test_a_second_list_giving_another_release_day_is_a_conflict_never_a_second_release(law):
    _import(csv_bytes([row(status="", release_date="01.2024")]))

    report = _import(csv_bytes([row(status="", release_date="15.02.2024")]), mapping=OTHER_LIST)

    case = Case.objects.get()
    assert list(case.events.filter(kind="released").values_list("date", flat=True)) == [
        datetime.date(2024, 1, 1)
    ]
    first, second = _case_claims("case.released_on")
    assert (first.source.import_list, first.state) == (PRISONERS.code, "accepted")
    assert (second.source.import_list, second.state) == ("other-list", "conflicting")
    assert "release date: conflicting claim" in report.outcomes[0].changes
    [warning] = [w for w in report.warnings if "release date" in w.reason]
    assert warning.column == "release_date"


def test_a_list_giving_the_release_of_a_case_the_registry_holds_records_it_once(law):
    _import(csv_bytes([row()]))

    report = _import(csv_bytes([row(status="", release_date="2024")]))
    again = _import(csv_bytes([row(status="", release_date="2024")]))

    case = Case.objects.get()
    assert case.events.filter(kind="released").count() == 1
    assert "released event added" in report.outcomes[0].changes
    assert again.updated == 0 and again.unchanged == 1


# The day the verdict became final (issue 18, point 4): a list's column of its own.
IN_FORCE = dataclasses.replace(
    PRISONERS, code="with-final-date", columns={**PRISONERS.columns, "in_force": "verdict_final_on"}
)


@pytest.mark.parametrize("bulk", [False, True], ids=["row by row", "in bulk"])
def test_a_lists_final_date_of_the_verdict_is_a_claim_and_written_on_the_case(law, monkeypatch, bulk):
    monkeypatch.setattr(importer, "BULK_MIN_ROWS", 1 if bulk else 10**9)
    header = [*HEADER_OF_PRISONERS, "in_force"]

    report = _import(csv_bytes([{**row(), "in_force": "04.2022"}], header=header), mapping=IN_FORCE)

    assert report.created == 1
    case = Case.objects.get()
    assert (case.verdict_final_on, case.verdict_final_on_precision) == (datetime.date(2022, 4, 1), "month")
    claim = _case_claims("case.verdict_final_on").get()
    assert (claim.value, claim.state, claim.source.import_list) == (
        {"date": "2022-04-01", "precision": "month"},
        "accepted",
        IN_FORCE.code,
    )


def test_a_final_date_before_the_verdict_is_a_problem_of_its_row(law):
    header = [*HEADER_OF_PRISONERS, "in_force"]

    report = _import(csv_bytes([{**row(), "in_force": "01.03.2022"}], header=header), mapping=IN_FORCE)

    problems = [p for p in report.problems if p.row == 2 and p.column == "in_force"]
    assert [p.reason for p in problems] == [
        "the verdict cannot become final before the day it was handed down"
    ]
    assert not Case.objects.exists()


def test_a_final_date_without_any_verdict_is_refused_for_its_row(law):
    header = [*HEADER_OF_PRISONERS, "in_force"]
    lone = {**row(verdict_date="", decision="", penalty="", status="под стражей"), "in_force": "2022"}

    report = _import(csv_bytes([lone], header=header), mapping=IN_FORCE)

    assert [p.column for p in report.problems if p.row == 2] == ["in_force"]
    assert not Case.objects.exists()
