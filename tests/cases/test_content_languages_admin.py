"""Staff edit every language of a free-text field on one screen (issue 20, point 3): the person's
occupation and biography, and each timeline entry's text, with the original's language."""

import datetime

import pytest
from django.urls import reverse

from cases import choices, services
from cases.models import CaseEvent, Person
from cases.protection.permissions import EDITOR, VIEWER
from tests.cases.test_edit_conflicts import _form_data as form_data
from tests.factories import CaseFactory, UserFactory, in_language

pytestmark = pytest.mark.django_db

BIOGRAPHY_RU = "Инженер из Гродно."
BIOGRAPHY_BE = "Інжынер з Гродна."


@pytest.fixture
def person(law):
    case = CaseFactory()
    return services.update_person(person=case.person, biography=BIOGRAPHY_RU, content_language="ru")


def _login(client, group):
    user = UserFactory(groups=[group])
    client.force_login(user)
    return user


def _person_url(person):
    return reverse("admin:cases_person_change", args=[person.pk])


def test_the_person_page_shows_the_original_and_a_box_for_each_language(client, person):
    services.update_person(person=person, translations={"be": {"biography": BIOGRAPHY_BE}})
    _login(client, EDITOR)

    response = client.get(_person_url(person))

    form = response.context["adminform"].form
    assert form["content_language"].value() == "ru"
    assert form["biography"].value() == BIOGRAPHY_RU
    assert form["biography_in_be"].value() == BIOGRAPHY_BE
    assert form["biography_in_en"].value() == "" and form["occupation_in_ru"].value() == ""
    html = response.content.decode()
    assert 'lang="be"' in html and "Biography in Belarusian" in html


def test_a_translation_written_in_the_admin_is_saved_through_the_service_and_shown(client, person):
    services.publish_person(person=person)
    editor = _login(client, EDITOR)
    data = form_data(client.get(_person_url(person))) | {"biography_in_be": BIOGRAPHY_BE}

    response = client.post(_person_url(person), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    person.refresh_from_db()
    assert person.translations == {"be": {"biography": BIOGRAPHY_BE}}
    assert person.biography == BIOGRAPHY_RU
    assert person.history.first().history_user == editor
    client.logout()
    page = client.get(in_language(reverse("public:person-detail", args=[person.slug]), "be"))
    assert f'<p class="biography">{BIOGRAPHY_BE}</p>' in page.content.decode()


def test_a_cleared_box_removes_that_translation(client, person):
    services.update_person(
        person=person, translations={"be": {"biography": BIOGRAPHY_BE}, "en": {"occupation": "engineer"}}
    )
    _login(client, EDITOR)
    data = form_data(client.get(_person_url(person))) | {"biography_in_be": ""}

    assert client.post(_person_url(person), data).status_code == 302

    person.refresh_from_db()
    assert person.translations == {"en": {"occupation": "engineer"}}


def test_a_box_in_the_originals_own_language_is_refused_by_name_and_nothing_is_saved(client, person):
    _login(client, EDITOR)
    data = form_data(client.get(_person_url(person))) | {
        "biography_in_ru": "Другой текст.",
        "biography_in_be": BIOGRAPHY_BE,
    }

    response = client.post(_person_url(person), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["biography_in_ru"] == [
        "The original is written in Russian: write the biography itself here, or change the language "
        "of the original."
    ]
    person.refresh_from_db()
    assert person.translations == {}


def test_changing_the_language_of_the_original_keeps_the_translations_consistent(client, person):
    """The original was English after all: the Russian text moves to its box."""
    _login(client, EDITOR)
    data = form_data(client.get(_person_url(person))) | {
        "content_language": "en",
        "biography": "An engineer from Hrodna.",
        "biography_in_ru": BIOGRAPHY_RU,
    }

    assert client.post(_person_url(person), data).status_code == 302

    person.refresh_from_db()
    assert (person.content_language, person.biography) == ("en", "An engineer from Hrodna.")
    assert person.translations == {"ru": {"biography": BIOGRAPHY_RU}}


def test_a_viewer_reads_the_translations_as_text_without_boxes(client, person):
    services.update_person(person=person, translations={"be": {"biography": BIOGRAPHY_BE}})
    _login(client, VIEWER)

    response = client.get(_person_url(person))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="biography_in_be"' not in html
    assert f'<strong>Biography in Belarusian</strong>: <span lang="be">{BIOGRAPHY_BE}</span>' in html


def test_a_timeline_entry_is_translated_on_the_case_page(client, law):
    case = CaseFactory()
    event = services.record_event(
        case=case,
        kind=choices.EventKind.OTHER,
        date=datetime.date(2023, 5, 2),
        text="Переведён в больницу.",
        content_language="ru",
        is_public=True,
    )
    editor = _login(client, EDITOR)
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = client.get(url)
    forms = next(i.formset for i in page.context["inline_admin_formsets"] if i.formset.model is CaseEvent)
    prefix = next(f.prefix for f in forms.forms if f.instance.pk == event.pk)

    response = client.post(url, form_data(page) | {f"{prefix}-text_in_be": "Пераведзены ў бальніцу."})

    assert response.status_code == 302, response.content.decode()[:3000]
    event.refresh_from_db()
    assert event.translations == {"be": {"text": "Пераведзены ў бальніцу."}}
    assert event.history.first().history_user == editor


def test_a_new_person_is_written_with_translations_from_the_add_page(client, law):
    _login(client, EDITOR)
    url = reverse("admin:cases_person_add")
    data = form_data(client.get(url)) | {
        "content_language": "be",
        "occupation": "настаўнік",
        "occupation_in_ru": "учитель",
        "names-0-text": "Выдуманы Чалавек",
        "names-0-script": choices.Script.BE_CYRILLIC,
        "names-0-kind": choices.NameKind.OFFICIAL_BE,
        "names-0-is_primary": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    person = Person.objects.get(names__text="Выдуманы Чалавек")
    assert (person.content_language, person.occupation) == ("be", "настаўнік")
    assert person.translations == {"ru": {"occupation": "учитель"}}
