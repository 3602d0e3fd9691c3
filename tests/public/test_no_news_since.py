"""Keeping in touch on the public side (issue 19, point 1): a person's page says "no news since …"
only where staff chose to publish the silence and the person is held, with the day of the last
contact of any kind and the days since; never how the word came, what it said nor who told us.
Names are invented."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import choices, services
from tests.api.conftest import make_published_case
from tests.factories import in_language

pytestmark = pytest.mark.django_db
D = datetime.date
DETAILS = "CANARYvisit His mother saw bruises on his hands"
C = choices.ContactChannel


@pytest.fixture
def silent(law):
    case = make_published_case()
    today = timezone.localdate()
    services.record_contact(
        person=case.person, channel=C.FAMILY_VISIT, date=today - datetime.timedelta(days=400), details=DETAILS
    )
    services.record_contact(
        person=case.person, channel=C.CELLMATE, date=today - datetime.timedelta(days=200), details=DETAILS
    )
    return case


def _page(client, case, language="en") -> str:
    url = reverse("public:person-detail", kwargs={"slug": case.person.slug})
    return client.get(in_language(url, language)).content.decode()


def test_no_news_since_is_not_shown_unless_staff_published_the_silence(client, silent):
    html = _page(client, silent)

    assert "No news since" not in html and DETAILS not in html


def test_a_published_silence_shows_the_last_day_and_the_days_since_and_nothing_else(client, silent):
    services.update_person(person=silent.person, silence_public=True)
    last = timezone.localdate() - datetime.timedelta(days=200)

    html = _page(client, silent)

    row = html[html.index("<dt>No news since</dt>") :].split("</dd>", 1)[0]
    assert f"{last.day} {last:%B} {last.year}" in row or f"{last:%B} {last.day}, {last.year}" in row
    assert "at least 200 days without a letter, a call or a visit" in row
    assert DETAILS not in html and "cellmate" not in html.lower()


@pytest.mark.parametrize(
    ("language", "label", "words"),
    [
        ("ru", "Нет вестей с", "не меньше 200 дней без письма, звонка или свидания"),
        ("be", "Няма вестак з", "не менш за 200 дзён без ліста, званка або спаткання"),
    ],
)
def test_no_news_since_is_in_the_readers_language(client, silent, language, label, words):
    services.update_person(person=silent.person, silence_public=True)

    html = _page(client, silent, language)

    assert f"<dt>{label}</dt>" in html and words in html


def test_a_last_contact_known_to_the_month_is_shown_as_that_month_counted_from_its_end(client, law):
    case = make_published_case()
    services.update_person(person=case.person, silence_public=True)
    services.record_contact(
        person=case.person, channel=C.LETTER, date=D(2024, 2, 1), date_precision=choices.DatePrecision.MONTH
    )

    html = _page(client, case)

    row = html[html.index("<dt>No news since</dt>") :].split("</dd>", 1)[0]
    days = (timezone.localdate() - D(2024, 2, 29)).days
    assert "February 2024" in row and f"at least {days} days" in row


def test_no_news_since_is_not_shown_once_the_person_is_out(client, silent):
    services.update_person(person=silent.person, silence_public=True)
    services.record_release(
        case=silent,
        how=choices.ReleaseKind.SENTENCE_SERVED,
        date=timezone.localdate() - datetime.timedelta(days=2),
    )

    assert "No news since" not in _page(client, silent)


def test_a_person_with_no_contact_recorded_shows_no_silence(client, law):
    case = make_published_case()
    services.update_person(person=case.person, silence_public=True)

    assert "No news since" not in _page(client, case)


def test_publishing_the_silence_is_a_public_change_that_moves_the_pages_update_time(silent):
    before = type(silent.person).objects.get(pk=silent.person.pk).updated_at

    services.update_person(person=silent.person, silence_public=True)

    assert type(silent.person).objects.get(pk=silent.person.pk).updated_at > before
