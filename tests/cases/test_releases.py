"""Releases (issue 18, point 1): how each person left custody, when, to where, what was withheld,
whether family stayed behind (confidential), with sources. Recording one moves the case's status
out of the held ones, ends the open stay, and ends the case's risk with a reason; a re-arrest is
a new case on the same person.

These tests commit for real (transactional database), because assessments are queued on commit.
"""

import datetime

import pytest
from django.db import connection

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import Case, CaseEvent, Release, RiskAlert
from tests.factories import CaseFactory, FacilityFactory, PersonFactory, SourceFactory, article, jurisdiction

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
K = choices.ReleaseKind


def _reload(case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def held(law):
    """A man held since 2023 under art. 289 part 3 (critical), in a pre-trial centre."""
    person = PersonFactory(sex="male", birth_date=D(1985, 4, 2), is_official_or_military=False)
    case = services.create_case(
        person=person,
        jurisdiction=jurisdiction(),
        detention_date=D(2023, 3, 1),
        status=choices.CaseStatus.ON_TRIAL,
    )
    services.add_charge(case=case, article=article("289.3"), offence_date=D(2023, 2, 20))
    services.transfer_person(case=case, facility=FacilityFactory(), on=D(2023, 3, 2))
    return _reload(case)


def test_release_in_a_deal_records_how_where_and_ends_the_risk_with_a_reason(held):
    assert held.risk_level == "critical"
    source = SourceFactory()

    release = services.record_release(
        case=held,
        how=K.EXCHANGE,
        date=D(2025, 9, 11),
        destination_country="LT",
        documents_withheld=choices.Answer.YES,
        family_left_behind="Mother and two children stayed in Homiel.",
        sources=[source],
    )

    case = _reload(held)
    assert (case.status, case.risk_level, case.risk_stale) == ("deported", "none", False)
    reasons = case.assessments.first().reasons
    assert [r["rule"] for r in reasons] == ["released"]
    assert reasons[0]["text"].startswith(
        "Released on 2025-09-11 (in an exchange or deal with another government): no longer held"
    )
    alert = RiskAlert.objects.filter(case=case).order_by("-id").first()
    assert (alert.old_level, alert.new_level) == ("critical", "none")
    event = release.event
    assert (event.kind, event.date, event.is_public) == ("released", D(2025, 9, 11), True)
    assert list(event.sources.all()) == [source]
    assert (release.destination_name, release.documents_withheld) == ("Lithuania", "yes")
    assert case.current_stay is None
    assert case.stays.get().end_date == D(2025, 9, 11)


def test_family_left_behind_is_encrypted_at_rest(held):
    release = services.record_release(
        case=held, how=K.PARDON, date=D(2025, 9, 11), family_left_behind="Wife stayed in Minsk."
    )

    with connection.cursor() as cursor:
        cursor.execute("SELECT family_left_behind FROM cases_release WHERE id = %s", [release.pk])
        stored = cursor.fetchone()[0]
    assert "Minsk" not in stored and stored
    assert Release.objects.get(pk=release.pk).family_left_behind == "Wife stayed in Minsk."


@pytest.mark.parametrize(
    ("how", "destination", "status"),
    [
        (K.PARDON, "", "pardoned"),
        (K.PARDON, "BY", "pardoned"),
        (K.PARDON, "LT", "deported"),
        (K.EXCHANGE, "US", "deported"),
        (K.EXCHANGE, "", "released"),
        (K.DEPORTATION, "", "deported"),
        (K.SENTENCE_SERVED, "PL", "released"),
        (K.AMNESTY, "", "released"),
        (K.PAROLE, "", "released"),
        (K.ACQUITTAL, "", "released"),
        (K.DEATH_IN_CUSTODY, "", "died_in_custody"),
        (K.UNKNOWN, "", "released"),
    ],
)
def test_status_after_release_follows_how_and_where(how, destination, status):
    assert (
        services.status_after_release(how=how, destination_country=destination, jurisdiction_code="BY")
        == status
    )


def test_death_in_custody_is_dated_by_a_death_entry_not_a_release(held):
    release = services.record_release(case=held, how=K.DEATH_IN_CUSTODY, date=D(2024, 5, 21))

    case = _reload(held)
    assert release.event.kind == "died"
    assert not case.events.filter(kind="released").exists()
    assert (case.status, case.risk_level) == ("died_in_custody", "none")
    assert case.assessments.first().reasons[0]["text"].startswith("Died in custody on 2024-05-21")


def test_a_release_an_import_entered_as_a_bare_entry_is_the_same_entry(held):
    bare = services.record_event(
        case=held, kind="released", date=D(2025, 1, 1), date_precision="year", is_public=True
    )

    services.record_release(case=held, how=K.PARDON, date=D(2025, 9, 11))

    events = CaseEvent.objects.filter(case=held, kind="released")
    assert [(e.pk, e.date, e.date_precision) for e in events] == [(bare.pk, D(2025, 9, 11), "day")]


def test_a_second_release_of_the_same_case_is_refused(held):
    services.record_release(case=held, how=K.PARDON, date=D(2025, 9, 11))

    with pytest.raises(RefusedChange, match="already recorded"):
        services.record_release(case=held, how=K.AMNESTY, date=D(2025, 10, 1))
    assert Release.objects.filter(case=held).count() == 1


@pytest.mark.parametrize(
    ("day", "precision", "message"),
    [
        (datetime.date.today() + datetime.timedelta(days=3), "day", "once it has happened"),
        (D(2023, 2, 1), "month", "before the detention"),
        (D(2022, 1, 1), "year", "before the detention"),
    ],
)
def test_a_release_that_has_not_happened_or_precedes_the_detention_is_refused(held, day, precision, message):
    with pytest.raises(RefusedChange, match=message):
        services.record_release(case=held, how=K.PARDON, date=day, date_precision=precision)
    assert not Release.objects.filter(case=held).exists()
    assert _reload(held).status == "on_trial"


def test_a_release_known_to_the_year_of_the_detention_stands(held):
    services.record_release(case=held, how=K.UNKNOWN, date=D(2023, 1, 1), date_precision="year")

    case = _reload(held)
    assert (case.status, case.risk_level) == ("released", "none")
    assert case.current_stay is not None  # a year does not say which day the stay ended


def test_correcting_a_release_moves_its_entry_keeps_history_and_follows_the_status(held):
    release = services.record_release(case=held, how=K.PARDON, date=D(2025, 9, 11))

    services.correct_release(release=release, how=K.EXCHANGE, destination_country="LT", date=D(2025, 9, 12))

    release = Release.objects.get(pk=release.pk)
    case = _reload(held)
    assert (release.how, case.status) == ("exchange", "deported")
    assert [(e.date, e.kind) for e in case.events.filter(kind="released")] == [(D(2025, 9, 12), "released")]
    assert list(release.history.order_by("history_id").values_list("how", flat=True)) == [
        "pardon",
        "exchange",
    ]
    assert case.assessments.first().reasons[0]["text"].startswith("Released on 2025-09-12")


def test_correcting_a_release_into_a_death_in_custody_turns_its_entry_into_a_death(held):
    release = services.record_release(case=held, how=K.UNKNOWN, date=D(2024, 5, 21))

    services.correct_release(release=release, how=K.DEATH_IN_CUSTODY)

    case = _reload(held)
    assert list(case.events.filter(kind__in=["released", "died"]).values_list("kind", flat=True)) == ["died"]
    assert case.status == "died_in_custody"


def test_correcting_an_unknown_release_field_is_refused(held):
    release = services.record_release(case=held, how=K.PARDON, date=D(2025, 9, 11))

    with pytest.raises(RefusedChange, match="case"):
        services.correct_release(release=release, case=CaseFactory())


def test_an_unknown_destination_code_is_refused(held):
    with pytest.raises(RefusedChange, match="'XX' is not a valid choice"):
        services.record_release(case=held, how=K.EXCHANGE, date=D(2025, 9, 11), destination_country="XX")
    assert not Release.objects.exists()


@pytest.mark.parametrize(
    ("status", "how"),
    [
        ("released", "unknown"),
        ("pardoned", "pardon"),
        ("deported", "deportation"),
        ("died_in_custody", "death_in_custody"),
    ],
)
def test_a_status_that_says_out_makes_a_release_and_ends_the_risk(held, status, how):
    services.update_case(case=held, status=status)

    case = _reload(held)
    assert case.release.how == how
    assert case.risk_level == "none"
    assert "on a day not recorded" in case.assessments.first().reasons[0]["text"]


def test_a_release_made_by_the_status_is_completed_by_recording_it(held):
    services.update_case(case=held, status="pardoned")

    services.record_release(case=held, how=K.PARDON, date=D(2025, 9, 11), destination_country="LT")

    case = _reload(held)
    assert Release.objects.filter(case=held).count() == 1
    assert (case.release.destination_country, case.status) == ("LT", "deported")
    assert case.assessments.first().reasons[0]["text"].startswith("Released on 2025-09-11 (pardoned)")


def test_a_status_set_back_to_held_brings_the_risk_back(held):
    services.record_release(case=held, how=K.PARDON, date=D(2025, 9, 11))
    assert _reload(held).risk_level == "none"

    services.update_case(case=held, status=choices.CaseStatus.CONVICTED)

    assert _reload(held).risk_level == "critical"


def test_a_release_entry_on_a_case_still_held_is_a_contradiction_not_a_release(held):
    services.save_detail(instance=CaseEvent(case=held, kind="released", date=D(2025, 9, 11), is_public=True))

    case = _reload(held)
    assert case.risk_level == "critical"  # a doubt never lowers a level
    assert case.contradictions.filter(resolved_at__isnull=True).exists()


def test_the_day_of_a_release_moves_its_reason(held):
    services.update_case(case=held, status="released")
    event = services.record_event(case=held, kind="released", date=D(2025, 9, 11), is_public=True)
    assert "Released on 2025-09-11" in _reload(held).assessments.first().reasons[0]["text"]

    services.redate_event(event=event, date=D(2025, 9, 1), date_precision="month")

    assert "Released on 2025-09:" in _reload(held).assessments.first().reasons[0]["text"]


def test_a_pardon_entry_dates_the_release_of_a_pardoned_case(held):
    services.update_case(case=held, status="pardoned")

    services.record_event(case=held, kind="pardoned", date=D(2024, 12, 20), is_public=True)

    assert "Released on 2024-12-20 (pardoned)" in _reload(held).assessments.first().reasons[0]["text"]


def test_re_arrest_after_a_release_is_a_new_case_and_the_history_reads_in_order(held):
    services.record_release(case=held, how=K.PARDON, date=D(2025, 9, 11))

    again = services.create_case(
        person=held.person,
        jurisdiction=held.jurisdiction,
        detention_date=D(2026, 2, 3),
        status=choices.CaseStatus.DETAINED,
    )
    services.add_charge(case=again, article=article("289.3"), offence_date=D(2026, 1, 30))

    cases = list(held.person.cases.order_by("detention_date"))
    assert [(c.pk, c.status, c.risk_level) for c in cases] == [
        (held.pk, "pardoned", "none"),
        (again.pk, "detained", "critical"),
    ]
    timeline = list(
        CaseEvent.objects.filter(case__person=held.person, kind__in=["detained", "released"])
        .order_by("date")
        .values_list("case_id", "kind")
    )
    assert timeline == [(held.pk, "detained"), (held.pk, "released"), (again.pk, "detained")]
