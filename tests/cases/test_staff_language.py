"""Staff work in their language (issue 20, point 5): each staff member chooses it once; the staff
pages, the alert e-mails they receive and partners' webhook texts follow it."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import formats, translation

from cases import services
from cases.exceptions import RefusedChange
from cases.models import StaffSettings, WebhookDelivery, WebhookSubscription
from tests.api.conftest import make_published_case
from tests.factories import UserFactory, article

pytestmark = pytest.mark.django_db

D = datetime.date


def _staff(**fields):
    return UserFactory(is_staff=True, is_superuser=True, **fields)


def test_a_staff_member_chooses_a_language_and_the_staff_pages_follow_it(client):
    member = _staff()
    client.force_login(member)

    saved = client.post("/admin/my-language/", {"language": "be"}, HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")

    assert saved.status_code == 302
    assert StaffSettings.objects.get(user=member).language == "be"
    assert page["Content-Language"] == "be"
    assert '<html lang="be"' in page.content.decode()
    assert "Мая мова" in page.content.decode()  # the header's link to this choice, in Belarusian


def test_without_a_choice_the_staff_pages_follow_the_browser(client):
    client.force_login(_staff())

    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ru")

    assert page["Content-Language"] == "ru"
    assert "Мой язык" in page.content.decode()


def test_two_staff_members_each_get_their_own_language(client):
    belarusian, russian = _staff(), _staff()
    services.set_staff_language(user=belarusian, language="be")
    services.set_staff_language(user=russian, language="ru")

    client.force_login(belarusian)
    be_page = client.get("/admin/")
    client.force_login(russian)
    ru_page = client.get("/admin/")

    assert (be_page["Content-Language"], ru_page["Content-Language"]) == ("be", "ru")


def test_a_language_the_registry_does_not_speak_is_refused_in_words():
    with pytest.raises(RefusedChange, match="speaks en, be, ru, not 'de'"):
        services.set_staff_language(user=_staff(), language="de")


def test_going_back_to_the_browsers_language(client):
    member = _staff()
    services.set_staff_language(user=member, language="ru")
    client.force_login(member)

    client.post("/admin/my-language/", {"language": ""})

    assert client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


def test_the_language_page_is_for_signed_in_staff_only(client):
    assert client.get("/admin/my-language/").status_code == 302  # to the login
    client.force_login(UserFactory(is_staff=False))
    assert client.get("/admin/my-language/").status_code == 302


def _alert_group_member(email, language=""):
    member = UserFactory(email=email)
    member.groups.add(Group.objects.get(name="Risk alerts"))
    if language:
        services.set_staff_language(user=member, language=language)
    return member


@pytest.mark.django_db(transaction=True)  # the assessment and its alerts run after commit
def test_each_alert_email_goes_out_in_the_language_its_reader_chose(law):
    _alert_group_member("be@registry.test", "be")
    _alert_group_member("en@registry.test")
    case = make_published_case(charges=("218.2",))
    mail.outbox.clear()

    services.reclassify_charge(charge=case.charges.get(), to_article=article("289.3"), on=D(2022, 6, 1))

    by_reader = {message.to[0]: message for message in mail.outbox}
    assert set(by_reader) == {"be@registry.test", "en@registry.test"}
    belarusian, english = by_reader["be@registry.test"], by_reader["en@registry.test"]
    assert belarusian.subject.startswith("[рэестр] Рызыка вырасла")
    assert "Абвінавачванне па ч. 3 арт. 289" in belarusian.body
    assert english.subject.startswith("[registry] Risk rose")
    assert "The charge under art. 289 part 3" in english.body


@pytest.mark.django_db(transaction=True)
def test_a_webhook_carries_codes_and_its_texts_in_the_subscriptions_language(law):
    WebhookSubscription.objects.create(
        organisation="Synthetic RU", url="https://example.org/ru", language="ru"
    )
    WebhookSubscription.objects.create(organisation="Synthetic EN", url="https://example.org/en")
    case = make_published_case(charges=("218.2",))

    services.reclassify_charge(charge=case.charges.get(), to_article=article("289.3"), on=D(2022, 6, 1))

    payloads = {
        d.subscription.language: d.payload
        for d in WebhookDelivery.objects.filter(
            payload__event="risk_level_changed", payload__new_level="critical"
        )
    }
    russian, english = payloads["ru"]["reasons"][0], payloads["en"]["reasons"][0]
    assert russian["code"] == english["code"] and russian["params"] == english["params"]
    assert russian["language"] == "ru" and russian["text"].startswith("Обвинение по ч. 3 ст. 289")
    assert english["text"].startswith("The charge under art. 289 part 3")


def test_the_saved_message_is_said_in_the_newly_chosen_language(client):
    member = _staff()
    services.set_staff_language(user=member, language="be")
    client.force_login(member)

    page = client.post("/admin/my-language/", {"language": "ru"}, follow=True)

    said = [str(message) for message in page.context["messages"]]
    assert said == ["Сохранено: страницы для сотрудников теперь на выбранном вами языке."]


def test_dates_on_belarusian_staff_pages_are_day_month_year_with_a_24_hour_clock():
    with translation.override("be"):
        day = formats.date_format(D(2025, 11, 18))
        moment = formats.date_format(datetime.datetime(2026, 12, 7, 19, 37), "DATETIME_FORMAT")

    assert (day, moment) == ("18.11.2025", "07.12.2026 19:37")
