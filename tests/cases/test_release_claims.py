"""The release date is a claimed fact (issue 17): "source S says the person was released on D".
Its value lives on the case's release (the latest 'released' event): accepting a claim records the
release or moves it to the claimed day, never a second release; imports claim it like the other
columns; the releases recorded before it became a claim move over as accepted claims."""

import datetime

import pytest

from cases import choices
from cases.exceptions import RefusedChange
from cases.models import CaseEvent, ChangeRecord, Claim
from cases.services import claims
from tests.factories import CaseFactory, SourceFactory

pytestmark = pytest.mark.django_db

State = choices.ClaimState
Reliability = choices.SourceReliability
D = datetime.date
RELEASED = choices.EventKind.RELEASED


def releases(case) -> list[tuple[datetime.date, str]]:
    return list(case.events.filter(kind=RELEASED).values_list("date", "date_precision"))


def release_claim(case, value, source):
    return claims.record_claim(
        fact="case.released_on", person=case.person, case=case, value=value, source=source
    )


def test_the_first_word_on_the_release_date_records_the_public_release():
    case = CaseFactory()
    letter = SourceFactory(reliability=Reliability.FIRST_HAND)

    claim = release_claim(case, {"date": "2025-09-11", "precision": "day"}, letter)

    assert claim.state == State.ACCEPTED
    assert releases(case) == [(D(2025, 9, 11), "day")]
    assert case.events.get(kind=RELEASED).is_public
    assert case.released_on == D(2025, 9, 11)


def test_another_day_from_another_source_is_a_conflict_and_never_a_second_release():
    case = CaseFactory()
    release_claim(case, "2025-09-11", SourceFactory(reliability=Reliability.FIRST_HAND))

    other = release_claim(case, {"date": "2025-09-01", "precision": "month"}, SourceFactory())

    assert other.state == State.CONFLICTING
    assert releases(case) == [(D(2025, 9, 11), "day")]


def test_accepting_the_other_day_moves_the_release_with_its_history_and_tells_the_change_feed():
    case = CaseFactory()
    release_claim(case, "2025-09-11", SourceFactory(reliability=Reliability.FIRST_HAND))
    other = release_claim(case, "2025-09-12", SourceFactory())
    event = case.events.get(kind=RELEASED)

    claims.accept_claim(claim=other, note="The lawyer confirmed the 12th.")

    assert releases(case) == [(D(2025, 9, 12), "day")]
    assert case.events.get(kind=RELEASED).pk == event.pk  # the same release, moved
    assert [v.date for v in event.history.order_by("history_id")] == [D(2025, 9, 11), D(2025, 9, 12)]
    assert ChangeRecord.objects.filter(
        object_type="event", object_id=str(event.public_id), action=ChangeRecord.Action.UPDATED
    ).exists()


def test_a_release_recorded_without_a_claim_is_weighed_as_the_staffs_word():
    case = CaseFactory()
    from cases import services

    services.record_event(case=case, kind=RELEASED, date=D(2025, 9, 11), is_public=True)

    said = release_claim(case, "2025-09-11", SourceFactory())

    assert said.state == State.AGREES
    assert Claim.objects.get(case=case, fact="case.released_on", state=State.ACCEPTED).source is None


def test_a_release_date_without_even_a_year_is_refused_with_a_reason():
    case = CaseFactory()

    with pytest.raises(RefusedChange, match="release date needs at least its year"):
        release_claim(case, {"date": None, "precision": "unknown"}, SourceFactory())
    assert releases(case) == []


@pytest.mark.one_database
@pytest.mark.django_db(transaction=True)
def test_migration_makes_each_cases_latest_release_an_accepted_claim_of_its_sources(law):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from cases import services

    case, unsourced_case = CaseFactory(), CaseFactory()
    statement, report = SourceFactory(), SourceFactory()
    services.record_event(case=case, kind=RELEASED, date=D(2024, 1, 1), is_public=True)
    services.record_event(
        case=case,
        kind=RELEASED,
        date=D(2025, 6, 1),
        date_precision="month",
        is_public=True,
        sources=[report, statement],
    )
    services.record_event(case=unsourced_case, kind=RELEASED, date=D(2023, 2, 3), is_public=True)
    Claim.objects.all().delete()  # as before the migration: no claim on the release date

    MigrationExecutor(connection).migrate([("cases", "0023_history_reads_by_record")])
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    made = {
        (c.case_id, c.source_id, str(c.value), c.state) for c in Claim.objects.filter(fact="case.released_on")
    }
    first, second = sorted([statement.pk, report.pk])
    june = str({"date": "2025-06-01", "precision": "month"})
    assert made == {
        (case.pk, first, june, "accepted"),
        (case.pk, second, june, "agrees"),
        (unsourced_case.pk, None, str({"date": "2023-02-03", "precision": "day"}), "accepted"),
    }
    assert CaseEvent.objects.filter(kind=RELEASED).count() == 3  # the events themselves stay
