"""Cross-site scripting: text that staff or partners typed, and text in the address, is never
rendered as markup on public pages or in the admin, and the API sends it as JSON data."""

import datetime
import json
import re

import pytest
from django.contrib import admin
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases import choices, services
from cases.models import CaseEvent, Facility, Source
from cases.services import NameSpec
from tests.factories import UserFactory, article, in_language, jurisdiction

D = datetime.date
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAK = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"X{SCRIPT}{ATTRIBUTE_BREAK}"
JAVASCRIPT_URL = "javascript:alert(1)"
RAW = [SCRIPT, "<img src=x onerror", "onerror=alert(1)>"]
JAVASCRIPT_LINK = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def _assert_inert(body: str, where: str):
    for raw in RAW:
        assert raw not in body, (where, raw)
    assert not JAVASCRIPT_LINK.search(body), where


@pytest.fixture
def hostile_case(law):
    """A published case whose every free-text field, name and URL holds an XSS payload."""
    person = services.create_person(
        names=[
            NameSpec(
                f"Xss {PAYLOAD}", choices.Script.LATIN, choices.NameKind.PASSPORT_LATIN, is_primary=True
            ),
            NameSpec(f"Ксс {PAYLOAD}", choices.Script.RU_CYRILLIC, choices.NameKind.OFFICIAL_RU),
        ],
        occupation=PAYLOAD,
        biography=PAYLOAD,
        internal_notes=PAYLOAD,
        contacts=PAYLOAD,
    )
    case = services.create_case(
        person=person,
        jurisdiction=jurisdiction(),
        detention_date=D(2022, 3, 1),
        status=choices.CaseStatus.DETAINED,
        case_number=PAYLOAD,
        investigating_body=PAYLOAD,
        detention_place=PAYLOAD,
        court=PAYLOAD,
        judge=PAYLOAD,
        prosecutor=PAYLOAD,
    )
    source = services.save_detail(
        instance=Source(kind="publication", title=PAYLOAD, url="https://example.org/x", confidential=False)
    )
    # A javascript: address cannot be typed into a URL field (validation refuses it); put one in
    # the database directly, as an import bug or a database edit might, and check it is not a link.
    Source.objects.filter(pk=source.pk).update(url=JAVASCRIPT_URL)
    charge = services.add_charge(case=case, article=article("342.1"), charged_on=D(2022, 3, 2), source=source)
    services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2022, 6, 1), note=PAYLOAD)
    services.record_event(
        case=case, kind="trial", date=D(2022, 5, 1), text=PAYLOAD, is_public=True, sources=[source]
    )
    facility = services.save_detail(
        instance=Facility(
            jurisdiction=jurisdiction(),
            slug="facility-xss",
            kind=choices.FacilityKind.PRE_TRIAL,
            name_en=PAYLOAD,
            name_ru=PAYLOAD,
            postal_address=PAYLOAD,
        )
    )
    services.transfer_person(case=case, facility=facility, on=D(2022, 3, 2))
    services.publish_person(person=person)
    person.refresh_from_db()
    return case


def test_a_javascript_url_is_refused_when_a_source_is_saved(law):
    with pytest.raises(Exception, match="(?i)valid URL"):
        services.save_detail(instance=Source(kind="publication", title="t", url=JAVASCRIPT_URL))


def _public_urls(case):
    list_url = reverse("public:person-list")
    return [
        reverse("public:home"),
        reverse("public:person-detail", args=[case.person.slug]),
        list_url,
        list_url + "?q=Xss",
        list_url + "?q=" + PAYLOAD,
        list_url + "?article=" + PAYLOAD + "&region=" + PAYLOAD + "&detained_after=" + PAYLOAD,
        reverse("public:article-detail", args=["by-289.1"]),
        reverse("public:facility-detail", args=["facility-xss"]),
        reverse("public:statistics"),
        reverse("public:feed"),
        reverse("public:sitemap"),
        "/people/" + PAYLOAD + "/",
        "/no-such-page/" + PAYLOAD,
    ]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_payloads_in_every_text_field_are_escaped_on_public_pages(client, hostile_case, language):
    for url in _public_urls(hostile_case):
        response = client.get(in_language(url, language))
        assert response.status_code in (200, 404), url
        _assert_inert(response.content.decode(), url)


def test_the_person_page_shows_the_payloads_as_text(client, hostile_case):
    body = client.get(reverse("public:person-detail", args=[hostile_case.person.slug])).content.decode()

    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert body.count(escaped) >= 3  # the name, the biography, the public event at least
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body


def test_a_search_for_a_payload_echoes_it_escaped(client, hostile_case):
    body = client.get(reverse("public:person-list"), {"q": PAYLOAD}).content.decode()

    assert "&lt;script&gt;" in body
    _assert_inert(body, "search")


def _verified_staff_client(client):
    """A superuser whose session passed the second factor, as after the two-step login."""
    user = UserFactory(is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def test_payloads_are_escaped_on_admin_lists_and_change_pages(client, hostile_case):
    staff = _verified_staff_client(client)
    case = hostile_case
    records = [
        case.person,
        case,
        case.charges.filter(state="active").get(),
        CaseEvent.objects.filter(case=case, kind="trial").get(),
        Source.objects.get(title=PAYLOAD),
        Facility.objects.get(slug="facility-xss"),
    ]
    opened = []
    for record in records:
        if type(record) not in admin.site._registry:
            continue  # edited inline on another record's page, which is opened too
        prefix = f"admin:{record._meta.app_label}_{record._meta.model_name}"
        for url in (reverse(f"{prefix}_change", args=[record.pk]), reverse(f"{prefix}_changelist")):
            response = staff.get(url)
            assert response.status_code == 200, url
            _assert_inert(response.content.decode(), url)
            opened.append(url)
    search = staff.get(reverse("admin:cases_person_changelist"), {"q": PAYLOAD})
    _assert_inert(search.content.decode(), "admin search")
    assert len(opened) >= 6, opened


def test_the_api_sends_payloads_as_json_strings_never_as_html(client, hostile_case):
    response = client.get(reverse("api:person-detail", args=[hostile_case.person.slug]))

    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in response["Content-Security-Policy"]
    data = json.loads(response.content)
    assert PAYLOAD in {name["text"].removeprefix("Xss ") for name in data["names"]}


def test_an_api_error_does_not_echo_a_payload_as_html(client, hostile_case):
    response = client.get(reverse("api:person-list"), {"page": PAYLOAD})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
