"""The calendar's pure rules (cases.calendar): dates known in part, 29 February, ranges of expected
release, the weeks flagged before one, anniversaries of detention, and the iCalendar text."""

import datetime

import pytest

from cases.calendar import entries, ical
from cases.calendar.entries import CaseFacts, HearingFacts, PersonFacts, PersonRef

D = datetime.date
ANNA = PersonRef(id=1, uid="uid-anna", slug="anna", name="Anna Testava")


def person(birth, precision="day"):
    return PersonFacts(ANNA, birth, precision)


def case(detained=None, precision="day", earliest=None, latest=None, case_id=7):
    return CaseFacts(case_id, ANNA, detained, precision, earliest, latest)


def hearing(starts_at, *, time_known=True, state="scheduled"):
    return HearingFacts(
        id=1,
        uid="h1",
        case_id=7,
        person=ANNA,
        starts_at=starts_at,
        day=starts_at.date(),
        time_known=time_known,
        kind="trial",
        court="Minsk City Court",
        room="12",
        openness="closed",
        state=state,
        note="",
    )


def test_birthday_known_to_the_day_gives_the_age_turned():
    found = entries.birthdays([person(D(1990, 4, 12))], D(2026, 4, 1), D(2026, 4, 30))

    assert [(e.day, e.years, e.kind) for e in found] == [(D(2026, 4, 12), 36, entries.BIRTHDAY)]


@pytest.mark.parametrize("precision", ["month", "year", "unknown"])
def test_birthday_known_in_part_gives_no_day(precision):
    found = entries.birthdays([person(D(1990, 4, 1), precision)], D(2026, 1, 1), D(2026, 12, 31))

    assert found == []


def test_birthday_without_a_birth_date_gives_nothing():
    assert entries.birthdays([person(None, "unknown")], D(2026, 1, 1), D(2026, 12, 31)) == []


def test_birthday_of_29_february_falls_on_28_february_in_a_common_year():
    born = person(D(2000, 2, 29))

    common = entries.birthdays([born], D(2027, 2, 1), D(2027, 3, 31))
    leap = entries.birthdays([born], D(2028, 2, 1), D(2028, 3, 31))

    assert [(e.day, e.years) for e in common] == [(D(2027, 2, 28), 27)]
    assert [(e.day, e.years) for e in leap] == [(D(2028, 2, 29), 28)]


def test_birthday_over_a_range_of_two_years_comes_twice():
    found = entries.birthdays([person(D(1990, 1, 5))], D(2025, 12, 1), D(2027, 1, 31))

    assert [e.day for e in found] == [D(2026, 1, 5), D(2027, 1, 5)]


def test_anniversary_of_detention_counts_whole_years():
    found = entries.anniversaries([case(D(2022, 3, 1))], D(2022, 1, 1), D(2025, 12, 31))

    assert [(e.day, e.years) for e in found] == [(D(2023, 3, 1), 1), (D(2024, 3, 1), 2), (D(2025, 3, 1), 3)]


def test_anniversary_of_detention_known_to_the_month_gives_no_day():
    assert entries.anniversaries([case(D(2022, 3, 1), "month")], D(2023, 1, 1), D(2023, 12, 31)) == []


def test_anniversary_of_a_29_february_detention_is_on_28_february():
    found = entries.anniversaries([case(D(2024, 2, 29))], D(2025, 1, 1), D(2025, 12, 31))

    assert [(e.day, e.years) for e in found] == [(D(2025, 2, 28), 1)]


def test_release_known_to_the_day_is_one_day_and_its_watch_starts_eight_weeks_before():
    facts = case(earliest=D(2026, 6, 30), latest=D(2026, 6, 30))

    found = entries.releases([facts], D(2026, 1, 1), D(2026, 12, 31))

    assert [(e.kind, e.day, e.last_day, e.weeks) for e in found] == [
        (entries.RELEASE, D(2026, 6, 30), None, None),
        (entries.RELEASE_WATCH, D(2026, 5, 5), D(2026, 6, 29), 8),
    ]


def test_release_known_as_a_range_is_one_entry_spanning_it():
    facts = case(D(2022, 3, 1), "month", earliest=D(2026, 3, 1), latest=D(2026, 3, 31))

    found = entries.releases([facts], D(2026, 3, 10), D(2026, 3, 20), watch_weeks=8)

    assert [(e.kind, e.day, e.last_day) for e in found] == [(entries.RELEASE, D(2026, 3, 1), D(2026, 3, 31))]
    assert entries.by_day(found, start=D(2026, 3, 10))[0][0] == D(2026, 3, 10)


def test_release_watch_weeks_are_configurable_and_zero_turns_it_off():
    facts = case(earliest=D(2026, 6, 30), latest=D(2026, 6, 30))

    four = entries.releases([facts], D(2026, 1, 1), D(2026, 12, 31), watch_weeks=4)
    none = entries.releases([facts], D(2026, 1, 1), D(2026, 12, 31), watch_weeks=0)

    assert [(e.day, e.weeks) for e in four if e.kind == entries.RELEASE_WATCH] == [(D(2026, 6, 2), 4)]
    assert [e.kind for e in none] == [entries.RELEASE]


def test_release_outside_the_range_gives_only_its_watch_when_that_is_inside():
    facts = case(earliest=D(2026, 8, 1), latest=D(2026, 8, 1))

    found = entries.releases([facts], D(2026, 6, 1), D(2026, 6, 30))

    assert [(e.kind, e.day) for e in found] == [(entries.RELEASE_WATCH, D(2026, 6, 6))]


def test_calendar_entries_of_public_kinds_leave_out_releases_and_anniversaries():
    at = datetime.datetime(2026, 3, 2, 7, 0, tzinfo=datetime.UTC)

    found = entries.calendar_entries(
        start=D(2026, 3, 1),
        end=D(2026, 3, 31),
        hearing_facts=[hearing(at)],
        people=[person(D(1990, 3, 2))],
        cases=[case(D(2022, 3, 1), earliest=D(2026, 3, 20), latest=D(2026, 3, 20))],
        kinds=entries.PUBLIC_KINDS,
    )

    assert [e.kind for e in found] == [entries.BIRTHDAY, entries.HEARING]  # whole-day entries first


def test_calendar_entries_refuse_a_range_that_ends_before_it_starts():
    with pytest.raises(ValueError, match="ends before"):
        entries.calendar_entries(start=D(2026, 3, 2), end=D(2026, 3, 1))


def test_hearing_with_the_day_only_has_no_time():
    at = datetime.datetime(2026, 3, 2, 0, 0, tzinfo=datetime.UTC)

    (entry,) = entries.hearings([hearing(at, time_known=False)], D(2026, 3, 1), D(2026, 3, 31))

    assert entry.at is None and entry.day == D(2026, 3, 2)


def test_ical_text_escapes_and_folds_long_lines_without_splitting_a_character():
    summary = "Суд; Мінскі гарадскі суд, зала 12\nпасяджэнне " * 4
    event = ical.Event(uid="hearing-1", start=D(2026, 3, 2), summary=summary)

    text = ical.calendar_text(
        name="Registry", events=[event], now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )

    lines = text.split("\r\n")
    assert all(len(line.encode("utf-8")) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Суд\\; Мінскі гарадскі суд\\, зала 12\\nпасяджэнне" in unfolded
    assert "DTSTART;VALUE=DATE:20260302\r\nDTEND;VALUE=DATE:20260303" in unfolded
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith("END:VCALENDAR\r\n")


def test_ical_timed_event_is_written_in_utc_and_a_cancelled_one_says_so():
    minsk = datetime.timezone(datetime.timedelta(hours=3))
    event = ical.Event(
        uid="h", start=datetime.datetime(2026, 3, 2, 10, 0, tzinfo=minsk), summary="Hearing", cancelled=True
    )

    text = ical.calendar_text(
        name="R", events=[event], now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )

    assert "DTSTART:20260302T070000Z\r\n" in text
    assert "STATUS:CANCELLED\r\n" in text
    assert "DTEND" not in text
