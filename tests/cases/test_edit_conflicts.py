"""Two staff members saving the same record: the second is told and shown the change, not silently
overwriting it; a stale form can never make a confidential source public again."""

import pytest
from django.test import Client
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent, Person, Source
from cases.protection.permissions import EDITOR, SOURCES
from tests.factories import ChargeFactory, UserFactory

pytestmark = pytest.mark.django_db


def _form_data(response) -> dict:
    """What the browser would post back for the page as it was loaded, inlines included."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


def _editor(*groups):
    client = Client()
    client.force_login(UserFactory(groups=list(groups or [EDITOR])))
    return client


def _two_editors_save_the_same_person(person, keep_second=False):
    """Two editors open the person's page; the first saves "teacher", then the second "driver"."""
    url = reverse("admin:cases_person_change", args=[person.pk])
    first, second = _editor(), _editor()
    first_form, second_form = _form_data(first.get(url)), _form_data(second.get(url))
    first.post(url, {**first_form, "occupation": "teacher"})
    response = second.post(url, {**second_form, "occupation": "driver"})
    return (second, response) if keep_second else response


def test_second_editor_of_a_person_is_refused_and_shown_who_changed_what(law):
    person = ChargeFactory().case.person
    url = reverse("admin:cases_person_change", args=[person.pk])
    second, response = _two_editors_save_the_same_person(person, keep_second=True)

    assert response.status_code == 200  # the form again, not a redirect
    page = response.content.decode()
    assert "Not saved" in page and "occupation" in page
    assert Person.objects.get(pk=person.pk).occupation == "teacher"
    # Submitting again from the refreshed form is a deliberate overwrite, and it goes through.
    retry = _form_data(response)
    assert second.post(url, {**retry, "occupation": "driver"}).status_code == 302
    assert Person.objects.get(pk=person.pk).occupation == "driver"


def test_second_editor_of_a_case_is_refused(law):
    case = ChargeFactory().case
    url = reverse("admin:cases_case_change", args=[case.pk])
    first, second = _editor(), _editor()
    first_form, second_form = _form_data(first.get(url)), _form_data(second.get(url))

    assert first.post(url, {**first_form, "court": "Court A"}).status_code == 302
    response = second.post(url, {**second_form, "court": "Court B"})

    assert "Not saved" in response.content.decode()
    assert Case.objects.get(pk=case.pk).court == "Court A"


def test_saving_without_a_concurrent_change_is_not_refused(client, law):
    person = ChargeFactory().case.person
    url = reverse("admin:cases_person_change", args=[person.pk])
    client.force_login(UserFactory(groups=[EDITOR]))
    form = _form_data(client.get(url))
    assert client.post(url, {**form, "occupation": "baker"}).status_code == 302
    assert Person.objects.get(pk=person.pk).occupation == "baker"


@pytest.mark.parametrize("editor_groups", [(EDITOR,), (EDITOR, SOURCES)])
def test_stale_form_cannot_make_a_source_marked_confidential_public_again(law, editor_groups):
    """'Mark confidential' racing an edit: the stale form still says 'not confidential'. An editor
    outside the Sources group no longer finds the source at all; one inside is told of the change."""
    charge = ChargeFactory()
    services.publish_person(person=charge.case.person)
    source = services.save_detail(
        instance=Source(kind="witness", title="Told by CANARYwitness", confidential=False)
    )
    event = services.save_detail(
        instance=CaseEvent(
            case=charge.case, kind="other", date=charge.case.detention_date, text="x", is_public=True
        )
    )
    event.sources.add(source)
    url = reverse("admin:cases_source_change", args=[source.pk])
    editor, guardian = _editor(*editor_groups), _editor(EDITOR, SOURCES)
    stale = _form_data(editor.get(url))
    assert (
        "CANARYwitness"
        in Client().get(reverse("public:person-detail", args=[charge.case.person.slug])).content.decode()
    )

    guarded = _form_data(guardian.get(url))
    assert guardian.post(url, {**guarded, "confidential": "on"}).status_code == 302
    response = editor.post(url, {**stale, "title": "Told by CANARYwitness (edited)"})

    if SOURCES in editor_groups:
        assert "Not saved" in response.content.decode()
    else:
        assert response.status_code == 302 and response.url == reverse("admin:index")
    source.refresh_from_db()
    assert source.confidential is True and source.title == "Told by CANARYwitness"
    public_page = Client().get(reverse("public:person-detail", args=[charge.case.person.slug]))
    assert "CANARYwitness" not in public_page.content.decode()


def test_the_refusal_names_the_time_of_the_other_save_in_the_registry_time_zone(law, settings):
    from django.utils import timezone

    from cases.admin.display import local_time

    person = ChargeFactory().case.person
    response = _two_editors_save_the_same_person(person)

    saved_at = Person.objects.get(pk=person.pk).history.latest("history_date").history_date
    page = response.content.decode()
    assert settings.TIME_ZONE == "Europe/Minsk"  # the wall clock staff type dates in
    assert f"{local_time(saved_at, 'Y-m-d H:i:s')} (Minsk time)" in page
    assert timezone.localtime(saved_at).utcoffset().total_seconds() == 3 * 3600
    assert "UTC" not in page.split("Not saved", 1)[1].split("</li>", 1)[0]
