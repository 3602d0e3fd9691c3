"""The public calendar and its iCalendar feed (issue 19, point 3): published people's public
hearings and birthdays only, never a hearing's internal note."""

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from cases import choices, services
from tests.factories import in_language
from tests.public.conftest import ALIAKSANDR, make_person

CANARY = "CANARY-internal-note-7f3a"
HIDDEN = [
    ("Тайны Чалавек", choices.Script.BE_CYRILLIC, choices.NameKind.OFFICIAL_BE),
    ("Taini Chalavek", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN),
]


def _in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _birth_in(days: int) -> datetime.date:
    """A birth date in 1990 whose birthday comes in `days` (never 29 February)."""
    day = _in(days)
    return datetime.date(1990, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)


def _hearing(case, *, days=3, is_public=True, court="Minsk City Court", **fields):
    return services.schedule_hearing(
        case=case,
        court=court,
        day=_in(days),
        time=datetime.time(10, 30),
        room="12",
        openness=choices.HearingOpenness.CLOSED,
        internal_note=CANARY,
        is_public=is_public,
        **fields,
    )


def _page(client, language="en"):
    response = client.get(in_language(reverse("public:calendar"), language))
    return response, response.content.decode()


def _ics(client):
    response = client.get(reverse("public:calendar-ics"))
    return response, response.content.decode().replace("\r\n ", "")


def test_calendar_page_lists_a_published_persons_public_hearing_with_its_court_and_time(client, law):
    case = make_person(names=ALIAKSANDR)
    _hearing(case, note="Support outside the court from 10:00")

    response, html = _page(client)

    assert response.status_code == 200
    assert "Aliaksandr Vymyslau" in html
    assert f'href="/people/{case.person.slug}/"' in html
    assert "Trial session (closed to the public)" in html and "Minsk City Court, room 12" in html
    assert "10:30" in html
    assert "Support outside the court from 10:00" in html


def test_calendar_page_leaves_out_a_hearing_staff_did_not_make_public(client, law):
    case = make_person(names=ALIAKSANDR)
    _hearing(case, is_public=False, court="Hidden District Court")

    _, html = _page(client)

    assert "Hidden District Court" not in html
    assert "Nothing in the published registry falls in these weeks." in html


def test_calendar_page_leaves_out_hearings_and_birthdays_of_unpublished_people(client, law):
    draft = make_person(names=HIDDEN, publish=False, birth_date=_birth_in(2), birth_date_precision="day")
    _hearing(draft, court="Draft Court")

    _, html = _page(client)

    assert "Taini Chalavek" not in html and "Draft Court" not in html


def test_calendar_page_drops_a_withdrawn_person(client, law):
    case = make_person(names=HIDDEN, birth_date=_birth_in(2), birth_date_precision="day")
    _hearing(case, court="Withdrawn Court")
    _, before = _page(client)
    services.withdraw_person(person=case.person)
    cache.clear()  # what the commit does (a new data version); the test's transaction never commits

    _, after = _page(client)
    _, feed = _ics(client)

    assert "Withdrawn Court" in before
    assert "Taini Chalavek" not in after and "Withdrawn Court" not in after
    assert "Taini Chalavek" not in feed and "Withdrawn Court" not in feed


def test_calendar_page_lists_a_birthday_known_to_the_day_with_the_age(client, law):
    make_person(names=ALIAKSANDR, birth_date=_birth_in(5), birth_date_precision="day")

    _, html = _page(client)

    age = _in(5).year - 1990
    assert f"Birthday: turns {age}" in html and "Aliaksandr Vymyslau" in html


def test_calendar_page_gives_no_birthday_for_a_birth_known_to_the_year(client, law):
    make_person(names=ALIAKSANDR, birth_date=datetime.date(1990, 1, 1), birth_date_precision="year")

    _, html = _page(client)

    assert "Birthday:" not in html


def test_calendar_page_is_translated_into_belarusian(client, law):
    case = make_person(names=ALIAKSANDR)
    _hearing(case)

    _, html = _page(client, "be")

    assert "Каляндар" in html and "Аляксандр Вымыслаў" in html
    assert "Судовае пасяджэнне (закрыта для публікі)" in html


def test_calendar_page_and_feed_never_show_the_internal_note(client, law):
    for n in range(3):
        case = make_person(names=ALIAKSANDR)
        _hearing(case, days=n + 1)

    _, html = _page(client)
    _, feed = _ics(client)

    assert "Minsk City Court" in html and "Minsk City Court" in feed
    assert CANARY not in html and CANARY not in feed


def test_calendar_ics_is_an_icalendar_of_public_hearings_and_birthdays(client, law):
    case = make_person(names=ALIAKSANDR, birth_date=_birth_in(10), birth_date_precision="day")
    hearing = _hearing(case)
    _hearing(case, is_public=False, court="Hidden District Court", days=4)

    response, feed = _ics(client)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert f"UID:hearing-{hearing.public_id}@registry" in feed
    assert "LOCATION:Minsk City Court\\, room 12" in feed
    assert f"http://testserver/people/{case.person.slug}/" in feed
    assert feed.count("BEGIN:VEVENT") == 2  # the public hearing and the birthday
    assert "Hidden District Court" not in feed


def test_calendar_ics_marks_a_cancelled_hearing(client, law):
    case = make_person(names=ALIAKSANDR)
    services.cancel_hearing(hearing=_hearing(case))

    _, feed = _ics(client)

    assert "STATUS:CANCELLED" in feed and "Trial session (closed to the public): cancelled" in feed


@pytest.mark.parametrize("people", [1, 6])
def test_calendar_page_queries_do_not_grow_with_rows(client, law, django_assert_max_num_queries, people):
    for n in range(people):
        case = make_person(names=ALIAKSANDR, birth_date=_birth_in(n + 1), birth_date_precision="day")
        _hearing(case, days=n + 1)

    with django_assert_max_num_queries(6):
        response, html = _page(client)

    assert html.count("Minsk City Court") == people


@pytest.mark.parametrize("people", [1, 6])
def test_calendar_ics_queries_do_not_grow_with_rows(client, law, django_assert_max_num_queries, people):
    for n in range(people):
        case = make_person(names=ALIAKSANDR, birth_date=_birth_in(n + 1), birth_date_precision="day")
        _hearing(case, days=n + 1)

    with django_assert_max_num_queries(6):
        _, feed = _ics(client)

    assert feed.count("BEGIN:VEVENT") == 2 * people


def test_person_page_lists_upcoming_public_hearings_only(client, law):
    case = make_person(names=ALIAKSANDR)
    _hearing(case, court="Upcoming Court", note="Come early")
    _hearing(case, court="Staff-only Court", is_public=False, days=5)
    _hearing(case, court="Past Court", days=-10)

    html = client.get(reverse("public:person-detail", args=[case.person.slug])).content.decode()

    assert "Upcoming hearings" in html and "Upcoming Court" in html and "Come early" in html
    assert f"{_in(3):%Y-%m-%d}" in html and "10:30" in html
    assert "Staff-only Court" not in html and "Past Court" not in html
    assert CANARY not in html


def test_person_page_names_a_day_only_hearing_on_its_own_day(client, law):
    case = make_person(names=ALIAKSANDR)
    services.schedule_hearing(case=case, court="Day Court", day=_in(4), is_public=True)

    html = client.get(reverse("public:person-detail", args=[case.person.slug])).content.decode()

    assert f'datetime="{_in(4):%Y-%m-%d}"' in html
