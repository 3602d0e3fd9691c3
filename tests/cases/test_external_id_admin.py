"""External identifiers on the person's admin page: shown and edited inline through the identifier
services (with history), refused with a form error when another person carries them, and found by
the people list's search."""

import pytest
from django.test import Client
from django.urls import reverse

from cases import services
from cases.exceptions import RefusedChange
from cases.models import ExternalIdentifier
from cases.protection.permissions import EDITOR, VIEWER
from tests.factories import ExternalIdentifierFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGE_URL = "https://list.example.org/p/1234?from=a:b"


def _client(*groups, superuser=False):
    client = Client()
    user = UserFactory(groups=list(groups), is_superuser=superuser)
    client.force_login(user)
    return client, user


def _form_data(response) -> dict:
    """What the browser posts back for the page as loaded, inlines included."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None:
                continue
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


def _with_new_identifier(data: dict, scheme: str, value: str) -> dict:
    """The form data with one row added to the identifiers' table, as "Add another" does."""
    row = int(data["external_ids-TOTAL_FORMS"])
    return {
        **data,
        "external_ids-TOTAL_FORMS": str(row + 1),
        f"external_ids-{row}-scheme": scheme,
        f"external_ids-{row}-value": value,
    }


def test_person_page_shows_identifiers_inline_with_named_inputs():
    person = PersonFactory()
    ExternalIdentifierFactory(person=person, scheme="prisoners-list", value="1234")
    client, _ = _client(EDITOR)

    page = client.get(reverse("admin:cases_person_change", args=[person.pk])).content.decode()

    assert 'value="1234"' in page
    assert 'aria-label="Scheme, external identifier 1"' in page
    assert 'aria-label="Value, external identifier 1"' in page


def test_viewer_sees_identifiers_but_gets_no_input_for_them():
    person = PersonFactory()
    ExternalIdentifierFactory(person=person, scheme="prisoners-list", value="1234")
    client, _ = _client(VIEWER)

    page = client.get(reverse("admin:cases_person_change", args=[person.pk])).content.decode()

    assert "1234" in page and 'name="external_ids-0-value"' not in page


def test_editor_adds_an_identifier_and_its_history_names_them():
    person = PersonFactory()
    client, editor = _client(EDITOR)
    url = reverse("admin:cases_person_change", args=[person.pk])
    data = _with_new_identifier(_form_data(client.get(url)), "url", PAGE_URL)

    response = client.post(url, data)

    assert response.status_code == 302
    identifier = ExternalIdentifier.objects.get(person=person)
    assert (identifier.scheme, identifier.value) == ("url", PAGE_URL)
    created = identifier.history.get()
    assert created.history_type == "+" and created.history_user == editor


def test_editor_corrects_an_identifier_and_its_history_names_them():
    person = PersonFactory()
    identifier = ExternalIdentifierFactory(person=person, scheme="prisoners-list", value="1243")
    client, editor = _client(EDITOR)
    url = reverse("admin:cases_person_change", args=[person.pk])

    response = client.post(url, {**_form_data(client.get(url)), "external_ids-0-value": "1234"})

    assert response.status_code == 302
    identifier.refresh_from_db()
    assert identifier.value == "1234"
    latest = identifier.history.order_by("-history_id").first()
    assert latest.history_type == "~" and latest.history_user == editor and latest.prev_record.value == "1243"


def test_superuser_removes_an_identifier_and_the_deletion_is_on_record():
    person = PersonFactory()
    identifier = ExternalIdentifierFactory(person=person, scheme="prisoners-list", value="1234")
    client, admin = _client(superuser=True)
    url = reverse("admin:cases_person_change", args=[person.pk])

    response = client.post(url, {**_form_data(client.get(url)), "external_ids-0-DELETE": "on"})

    assert response.status_code == 302
    assert not ExternalIdentifier.objects.filter(pk=identifier.pk).exists()
    deleted = ExternalIdentifier.history.filter(id=identifier.pk).order_by("-history_id").first()
    assert deleted.history_type == "-" and deleted.history_user == admin


def test_identifier_another_person_carries_is_a_form_error_naming_them():
    other = PersonFactory(names=[("Zmyslony Iosif", "latin", "passport_latin", True)])
    ExternalIdentifierFactory(person=other, scheme="prisoners-list", value="1234")
    person = PersonFactory()
    client, _ = _client(EDITOR)
    url = reverse("admin:cases_person_change", args=[person.pk])

    response = client.post(url, _with_new_identifier(_form_data(client.get(url)), "prisoners-list", "1234"))

    assert response.status_code == 200  # the form again, with the error
    assert "Zmyslony Iosif already carries prisoners-list:1234." in response.content.decode()
    assert not ExternalIdentifier.objects.filter(person=person).exists()


def test_identifier_the_person_already_carries_is_a_form_error():
    person = PersonFactory()
    ExternalIdentifierFactory(person=person, scheme="prisoners-list", value="1234")
    client, _ = _client(EDITOR)
    url = reverse("admin:cases_person_change", args=[person.pk])

    response = client.post(url, _with_new_identifier(_form_data(client.get(url)), "prisoners-list", "1234"))

    assert response.status_code == 200
    assert "This person already carries prisoners-list:1234." in response.content.decode()
    assert ExternalIdentifier.objects.filter(person=person).count() == 1


@pytest.mark.parametrize(
    "value", ["javascript:alert(document.domain)", "data:text/html,<b>x</b>", "ftp://list.example.org/p/1"]
)
def test_url_identifier_that_is_not_a_web_address_is_a_form_error(value):
    person = PersonFactory()
    client, _ = _client(EDITOR)
    url = reverse("admin:cases_person_change", args=[person.pk])

    response = client.post(url, _with_new_identifier(_form_data(client.get(url)), "url", value))

    assert response.status_code == 200
    assert "must be a web address starting with http:// or https://" in response.content.decode()
    assert not ExternalIdentifier.objects.exists()


def test_url_identifier_that_is_not_a_web_address_is_refused_by_the_service():
    with pytest.raises(RefusedChange, match="http:// or https://"):
        services.add_external_identifier(person=PersonFactory(), scheme="url", value="javascript:alert(1)")
    assert not ExternalIdentifier.objects.exists()


def _found(client, query) -> set[str]:
    response = client.get(reverse("admin:cases_person_changelist"), {"q": query})
    assert response.status_code == 200
    return {person.slug for person in response.context["cl"].result_list}


def test_admin_search_finds_a_person_by_an_identifier_value():
    person = PersonFactory()
    ExternalIdentifierFactory(person=person, scheme="prisoners-list", value="1234")
    ExternalIdentifierFactory(person=PersonFactory(), scheme="prisoners-list", value="12345")
    client, _ = _client(VIEWER)

    assert _found(client, "1234") == {person.slug}


def test_admin_search_finds_a_person_by_scheme_and_value_of_a_url():
    person = PersonFactory()
    ExternalIdentifierFactory(person=person, scheme="url", value=PAGE_URL)
    ExternalIdentifierFactory(person=PersonFactory(), scheme="url", value="https://list.example.org/p/9")
    client, _ = _client(VIEWER)

    assert _found(client, f"url:{PAGE_URL}") == {person.slug}
    assert _found(client, "prisoners-list:1234") == set()


# The change feed -------------------------------------------------------------------------------


def _feed_entries(person):
    from cases.models import ChangeRecord

    return list(
        ChangeRecord.objects.filter(person=person)
        .order_by("id")
        .values_list("object_type", "object_id", "action", "is_public")
    )


@pytest.mark.parametrize("verb", ["add", "correct", "remove"])
def test_an_identifier_written_tells_mirrors_of_restricted_data_that_the_person_changed(verb):
    # Keys that read restricted data see `external_ids` on the person: their mirrors must learn of
    # a change, and readers of published records must not (the schemes can name a source).
    person = PersonFactory()
    identifier = ExternalIdentifierFactory(person=person, scheme="list-id", value="77")
    before = len(_feed_entries(person))

    if verb == "add":
        services.add_external_identifier(person=person, scheme="list-id", value="78")
    elif verb == "correct":
        services.correct_external_identifier(identifier=identifier, scheme="list-id", value="79")
    else:
        services.remove_external_identifier(identifier=identifier)

    assert _feed_entries(person)[before:] == [("person", person.slug, "updated", False)]


def test_adding_an_identifier_the_person_already_carries_tells_nobody():
    person = PersonFactory()
    ExternalIdentifierFactory(person=person, scheme="list-id", value="77")
    before = len(_feed_entries(person))

    services.add_external_identifier(person=person, scheme="list-id", value="77")

    assert len(_feed_entries(person)) == before
