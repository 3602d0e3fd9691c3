"""Letters (issue 19, point 2): partners report how many letters their services sent (counts only),
and the public "write a letter" page suggests published people held whose page allows it, those
with the fewest letters in the last three months first, with the name as the envelope needs it
(in Russian, with the patronymic), the birth year and the facility's address, in en/be/ru.
Names are invented."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import LetterCount, Organisation
from cases.services import NameSpec
from tests.factories import FacilityFactory, in_language, jurisdiction

pytestmark = pytest.mark.django_db
D = datetime.date
URL = "/write/"


@pytest.fixture
def partner(db):
    return Organisation.objects.create(name="Synthetic Letters Project")


def _held(
    surname: str, *, welcome=True, publish=True, address="ул. Выдуманная, 1, г. Тестов", patronymic="Петрович"
):
    person = services.create_person(
        names=[
            NameSpec(f"{surname} Ales", "latin", "passport_latin", is_primary=True),
            NameSpec(f"{surname}ов Алесь", "ru_cyrl", "official_ru"),
            NameSpec(f"{surname}аў Алесь", "be_cyrl", "official_be"),
        ],
        birth_date=D(1988, 2, 1),
        birth_date_precision=choices.DatePrecision.MONTH,
        patronymic=patronymic,
        letters_welcome=welcome,
    )
    case = services.create_case(person=person, jurisdiction=jurisdiction(), detention_date=D(2023, 5, 2))
    facility = FacilityFactory(postcode="211000", postal_address=address)
    services.transfer_person(case=case, facility=facility, on=D(2023, 6, 1))
    if publish:
        services.publish_person(person=person)
    return person


def _report(person, partner, letters, *, months_ago=1):
    end = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    for _ in range(months_ago - 1):
        end = end.replace(day=1) - datetime.timedelta(days=1)
    services.report_letters(
        person=person,
        organisation=partner,
        period_start=end.replace(day=1),
        period_end=end,
        letters_sent=letters,
    )


def test_the_page_lists_the_fewest_letters_first_with_envelope_name_birth_year_and_address(client, partner):
    many, few, none = _held("Manyletters"), _held("Fewletters"), _held("Noletters")
    _report(many, partner, 30)
    _report(few, partner, 2)
    _report(none, partner, 50, months_ago=6)  # long ago: not the last three months

    html = client.get(URL).content.decode()

    order = [html.index(f"{name} Ales") for name in ("Noletters", "Fewletters", "Manyletters")]
    assert order == sorted(order)
    assert "Noletters" in html and "Noletters Ales" in html
    assert "Fewlettersов Алесь Петрович, 1988&nbsp;г.р." in html
    assert "211000, ул. Выдуманная, 1, г. Тестов" in html
    assert "2 letters recorded by letter-writing groups" in html and "none recorded" in html


def test_only_published_held_people_whose_page_allows_it_and_with_an_address_are_listed(client, partner):
    _held("Listed")
    _held("Unwelcome", welcome=False)
    _held("Draftperson", publish=False)
    _held("Noaddress", address="")
    released = _held("Released")
    services.record_release(
        case=released.cases.get(), how=choices.ReleaseKind.SENTENCE_SERVED, date=timezone.localdate()
    )
    withdrawn = _held("Withdrawn")
    services.withdraw_person(person=withdrawn)

    html = client.get(URL).content.decode()

    assert "Listed Ales" in html
    for name in ("Unwelcome", "Draftperson", "Noaddress", "Released", "Withdrawn"):
        assert name not in html


def test_a_missing_patronymic_is_said_not_guessed(client):
    _held("Nopatronymic", patronymic="")

    html = client.get(URL).content.decode()

    assert "Nopatronymicов Алесь, 1988&nbsp;г.р." in html and "patronymic not known" in html


@pytest.mark.parametrize(
    ("language", "heading", "guidance"),
    [
        ("ru", "Написать письмо", "Пишите по-русски или по-белорусски"),
        ("be", "Напісаць ліст", "Пішыце па-расейску або па-беларуску"),
    ],
)
def test_the_page_and_its_guidance_are_in_the_readers_language(client, language, heading, guidance):
    _held("Listed")

    html = client.get(in_language(URL, language)).content.decode()

    assert f"<h1>{heading}</h1>" in html and guidance in html
    assert "Listedов Алесь Петрович" in html  # the envelope is in Russian whatever the page's language


def test_the_page_takes_a_bounded_number_of_queries(client, partner, django_assert_max_num_queries):
    for n in range(12):
        _report(_held(f"Person{n}x"), partner, n)

    with django_assert_max_num_queries(8):
        response = client.get(URL)

    assert response.content.decode().count('class="letter-card"') == 12


def test_a_second_report_for_the_same_period_replaces_the_count_and_history_keeps_the_first(partner):
    person = _held("Counted")
    _report(person, partner, 4)

    _report(person, partner, 9)

    count = LetterCount.objects.get()
    assert count.letters_sent == 9
    assert [h.letters_sent for h in count.history.order_by("history_date")] == [4, 9]


@pytest.mark.parametrize(
    ("start", "end", "sent", "message"),
    [
        (D(2026, 3, 31), D(2026, 3, 1), 1, "ends on or after"),
        (D(2024, 1, 1), D(2025, 6, 1), 1, "a year at a time"),
        (D(2026, 3, 1), D(2026, 3, 31), -1, "0 or more"),
        (D(2099, 1, 1), D(2099, 1, 31), 1, "has not begun"),
    ],
)
def test_a_wrong_letter_report_is_refused_with_the_reason(partner, start, end, sent, message):
    person = _held("Counted")

    with pytest.raises(RefusedChange, match=message):
        services.report_letters(
            person=person, organisation=partner, period_start=start, period_end=end, letters_sent=sent,
            today=D(2026, 6, 1),
        )  # fmt: skip
    assert not LetterCount.objects.exists()


def test_the_navigation_links_to_the_page(client):
    html = client.get(reverse("public:home")).content.decode()

    assert f'href="{URL}"' in html and "Write a letter" in html


def test_a_patronymic_already_in_the_recorded_name_is_not_written_twice(client):
    person = _held("Twice", patronymic="Петрович")
    services.add_person_name(
        person=person, text="Twiceов Алесь Петрович", script="ru_cyrl", kind="official_ru"
    )
    from cases.models import PersonName

    PersonName.objects.filter(person=person, text="Twiceов Алесь").delete()

    html = client.get(URL).content.decode()

    assert "Twiceов Алесь Петрович, 1988" in html and "Петрович Петрович" not in html
