"""Hearings (issue 19, point 3): the services, the staff screens, the staff calendar and its feed
behind a secret address."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import AuditEntry, CalendarFeedToken, ChangeRecord, Hearing
from cases.protection.accounts import end_access
from cases.protection.permissions import EDITOR, VIEWER
from tests.factories import CaseFactory, PersonFactory, SourceFactory, UserFactory

CANARY = "CANARY-hearing-internal-5b1e"
SOURCE_TITLE = "CANARY-source-title-91ac"


def _in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _birth_in(days: int) -> datetime.date:
    """A birth date in 1990 whose birthday comes in `days` (never 29 February)."""
    day = _in(days)
    return datetime.date(1990, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)


def _hearing(case, *, days=3, **fields):
    fields = {
        "court": "Homel Regional Court",
        "day": _in(days),
        "time": datetime.time(9, 0),
        "internal_note": CANARY,
        **fields,
    }
    return services.schedule_hearing(case=case, **fields)


@pytest.fixture
def staff(client, law):
    def login(group=VIEWER, **fields):
        user = UserFactory(groups=[group], **fields)
        client.force_login(user)
        return user

    return login


# Services ----------------------------------------------------------------------------------------


def test_schedule_hearing_with_the_day_only_keeps_no_time(law):
    case = CaseFactory()

    hearing = services.schedule_hearing(case=case, court="Minsk City Court", day=datetime.date(2026, 3, 2))

    assert hearing.time_known is False
    assert hearing.day == datetime.date(2026, 3, 2)
    assert timezone.localtime(hearing.starts_at).time() == datetime.time(0, 0)
    assert hearing.is_public is False  # staff decide


def test_schedule_hearing_refuses_a_hearing_without_a_day_or_a_court(law):
    case = CaseFactory()

    with pytest.raises(RefusedChange, match="needs its day"):
        services.schedule_hearing(case=case, court="Minsk City Court")
    with pytest.raises(RefusedChange, match="court"):
        services.schedule_hearing(case=case, court="  ", day=datetime.date(2026, 3, 2))


def test_schedule_hearing_refuses_a_naive_start(law):
    with pytest.raises(RefusedChange, match="time zone"):
        services.schedule_hearing(
            case=CaseFactory(), court="Minsk City Court", starts_at=datetime.datetime(2026, 3, 2, 10, 0)
        )


def test_schedule_hearing_notes_an_internal_change_for_a_hearing_not_public(law):
    hearing = _hearing(CaseFactory())

    change = ChangeRecord.objects.get(object_type="hearing")

    assert change.object_id == str(hearing.public_id) and change.is_public is False


def test_change_hearing_to_a_new_day_schedules_a_postponed_hearing_again(law):
    hearing = services.cancel_hearing(hearing=_hearing(CaseFactory()), postponed=True)

    changed = services.change_hearing(hearing=hearing, day=_in(20), time=datetime.time(14, 0), room="5")

    assert changed.state == choices.HearingState.SCHEDULED
    assert changed.day == _in(20) and changed.room == "5"
    assert timezone.localtime(changed.starts_at).time() == datetime.time(14, 0)


def test_change_hearing_refuses_a_field_it_does_not_change(law):
    with pytest.raises(RefusedChange, match="state"):
        services.change_hearing(hearing=_hearing(CaseFactory()), state="cancelled")


def test_change_hearing_made_private_is_withdrawn_from_the_public_change_feed(law):
    hearing = _hearing(CaseFactory(), is_public=True)

    services.change_hearing(hearing=hearing, is_public=False)

    last = ChangeRecord.objects.filter(object_type="hearing").latest("pk")
    assert last.action == ChangeRecord.Action.WITHDRAWN and last.is_public is True


def test_cancel_hearing_twice_is_refused(law):
    hearing = services.cancel_hearing(hearing=_hearing(CaseFactory()))

    with pytest.raises(RefusedChange, match="already"):
        services.cancel_hearing(hearing=hearing)


def test_issue_calendar_token_revokes_the_one_before_and_keeps_only_a_hash(law):
    user = UserFactory()
    first = services.issue_calendar_token(user=user)

    second = services.issue_calendar_token(user=user)

    rows = CalendarFeedToken.objects.filter(user=user)
    assert rows.count() == 2 and rows.filter(revoked_at__isnull=True).count() == 1
    assert first != second
    assert not CalendarFeedToken.objects.filter(token_hash__in=[first, second]).exists()


# The staff screens ----------------------------------------------------------------------------


def test_staff_calendar_lists_hearings_birthdays_releases_and_anniversaries_with_links(client, staff):
    staff(VIEWER)
    today = timezone.localdate()
    person = PersonFactory(birth_date=datetime.date(1990, today.month, min(today.day, 28)))
    case = CaseFactory(person=person, detention_date=datetime.date(2022, today.month, min(today.day, 28)))
    hearing = _hearing(case, days=0)

    html = client.get(reverse("admin:cases_hearing_calendar")).content.decode()

    assert "Trial session" in html and "Homel Regional Court" in html
    assert f"Birthday: turns {today.year - 1990}" in html
    assert f"{today.year - 2022} years in detention" in html
    assert reverse("admin:cases_person_change", args=[person.pk]) in html
    assert reverse("admin:cases_case_change", args=[case.pk]) in html
    assert reverse("admin:cases_hearing_change", args=[hearing.pk]) in html
    assert CANARY not in html


def test_staff_calendar_flags_the_weeks_before_an_expected_release(client, staff, settings):
    settings.CALENDAR_RELEASE_WATCH_WEEKS = 8
    staff(VIEWER)
    release = timezone.localdate().replace(day=1) + datetime.timedelta(weeks=8, days=3)
    case = CaseFactory()
    type(case).objects.filter(pk=case.pk).update(
        expected_release_date=release, expected_release_latest=release
    )

    html = client.get(reverse("admin:cases_hearing_calendar")).content.decode()

    assert "Release expected in 8 weeks" in html and "watch for new charges" in html


def test_staff_calendar_shows_another_month(client, staff):
    staff(VIEWER)
    _hearing(CaseFactory(), days=0, court="Next Month Court")
    _hearing(CaseFactory(), days=0, court="Far Court", day=datetime.date(2031, 5, 4))

    html = client.get(reverse("admin:cases_hearing_calendar"), {"month": "2031-05"}).content.decode()

    assert "Far Court" in html and "Next Month Court" not in html
    assert "May 2031" in html


def test_hearing_admin_adds_a_hearing_through_the_service(client, staff):
    user = staff(EDITOR)
    case = CaseFactory()

    response = client.post(
        reverse("admin:cases_hearing_add"),
        {
            "case": case.pk,
            "day": "2026-03-02",
            "time": "",
            "kind": "appeal",
            "court": "Supreme Court",
            "room": "",
            "openness": "closed",
            "note": "",
            "internal_note": "The family asks that it stay unannounced",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    hearing = Hearing.objects.get()
    assert (hearing.court, hearing.kind, hearing.time_known, hearing.is_public) == (
        "Supreme Court",
        "appeal",
        False,
        False,
    )
    assert hearing.history.latest().history_user == user


def test_hearing_admin_lists_hearings_and_filters_them_by_openness(client, staff):
    staff(VIEWER)
    _hearing(CaseFactory(), court="Open Court", openness="open")
    _hearing(CaseFactory(), court="Closed Court", openness="closed")

    html = client.get(reverse("admin:cases_hearing_changelist"), {"openness__exact": "open"}).content.decode()

    assert '<td class="field-court">Open Court</td>' in html
    assert '<td class="field-court">Closed Court</td>' not in html


def test_case_page_lists_its_hearings_without_their_internal_note(client, staff):
    staff(VIEWER)
    case = CaseFactory()
    _hearing(case, court="Listed Court")

    html = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()

    assert "Listed Court" in html and CANARY not in html


# The staff feed ---------------------------------------------------------------------------------


def _feed(client, token):
    response = client.get(reverse("admin:cases_hearing_calendar_feed"), {"token": token})
    return response, response.content.decode().replace("\r\n ", "")


def test_calendar_address_page_shows_the_new_address_once(client, staff):
    staff(VIEWER)

    made = client.post(reverse("admin:cases_hearing_calendar_address")).content.decode()
    again = client.get(reverse("admin:cases_hearing_calendar_address")).content.decode()

    assert "/admin/cases/hearing/calendar/feed.ics?token=" in made
    assert "feed.ics?token=" not in again and "You have an address" in again


def test_staff_feed_with_a_live_token_has_every_kind_of_date_but_nothing_confidential(client, staff):
    user = staff(VIEWER)
    draft = PersonFactory(birth_date=_birth_in(4))
    case = CaseFactory(person=draft)
    _hearing(case, sources=[SourceFactory(title=SOURCE_TITLE, confidential=True)])
    token = services.issue_calendar_token(user=user)
    client.logout()

    response, feed = _feed(client, token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Homel Regional Court" in feed and "Testavy Yavar" not in feed  # the primary name is shown
    assert "Тэставы Явар: Birthday: turns" in feed
    assert CANARY not in feed and SOURCE_TITLE not in feed


@pytest.mark.parametrize("token", ["", "not-a-token"])
def test_staff_feed_with_a_wrong_token_is_not_found(client, law, token):
    response, _ = _feed(client, token)

    assert response.status_code == 404


def test_staff_feed_with_a_revoked_token_is_not_found(client, law):
    user = UserFactory(groups=[VIEWER])
    token = services.issue_calendar_token(user=user)
    services.revoke_calendar_tokens(user=user)

    response, feed = _feed(client, token)

    assert response.status_code == 404 and "BEGIN:VCALENDAR" not in feed


def test_staff_feed_of_a_deactivated_staff_member_is_not_found(client, law):
    user = UserFactory(groups=[VIEWER])
    token = services.issue_calendar_token(user=user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)

    response, _ = _feed(client, token)

    assert response.status_code == 404


def test_staff_feed_records_the_day_it_was_last_read(client, law):
    user = UserFactory(groups=[VIEWER])
    token = services.issue_calendar_token(user=user)

    _feed(client, token)

    assert CalendarFeedToken.objects.get(user=user).last_used_on == timezone.localdate()


@pytest.mark.parametrize("rows", [1, 6])
def test_staff_feed_queries_do_not_grow_with_rows(client, law, django_assert_max_num_queries, rows):
    token = services.issue_calendar_token(user=UserFactory(groups=[VIEWER]))
    for n in range(rows):
        _hearing(CaseFactory(person=PersonFactory(birth_date=_birth_in(n + 1))), days=n + 1)

    with django_assert_max_num_queries(12):
        _, feed = _feed(client, token)

    assert feed.count("Homel Regional Court") == rows


def test_hearing_page_for_a_viewer_shows_the_hearing_and_puts_the_internal_note_read_on_record(client, staff):
    user = staff(VIEWER)
    hearing = _hearing(CaseFactory(), court="Viewed Court")

    html = client.get(reverse("admin:cases_hearing_change", args=[hearing.pk])).content.decode()

    assert "Viewed Court" in html and CANARY in html and "09:00" in html
    entry = AuditEntry.objects.get(user=user, object_type="hearing")
    assert "internal_note" in entry.fields


@pytest.mark.parametrize("rows", [1, 6])
def test_staff_calendar_queries_do_not_grow_with_rows(client, staff, django_assert_max_num_queries, rows):
    staff(VIEWER)
    for _ in range(rows):
        _hearing(CaseFactory(person=PersonFactory(birth_date=_birth_in(0))), days=0)

    with django_assert_max_num_queries(14):
        html = client.get(reverse("admin:cases_hearing_calendar")).content.decode()

    assert html.count("Homel Regional Court") == rows


def test_ending_a_staff_members_access_revokes_their_calendar_address(client, law):
    user = UserFactory(groups=[VIEWER])
    token = services.issue_calendar_token(user=user)

    end_access(user=user, by=None)

    response, _ = _feed(client, token)
    assert response.status_code == 404
