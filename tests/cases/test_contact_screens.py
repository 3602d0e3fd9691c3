"""Keeping in touch in the staff area (issue 19, point 1): an Editor records a contact through the
service, a Viewer reads but records nothing, opening a contact's confidential details is on record,
the person's page shows the days without contact, and the staff list puts the longest silence
first and the people nobody has heard of yet last. Names are invented."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import choices, services
from cases.models import AuditEntry, ChangeRecord, PrisonerContact, SilenceThreshold
from cases.protection.permissions import EDITOR, PUBLISHER, VIEWER
from cases.services import NameSpec
from tests.factories import UserFactory, jurisdiction

pytestmark = pytest.mark.django_db
C = choices.ContactChannel
DETAILS = "CANARYdetails The lawyer says he lost weight"


def _held(name: str, status=choices.CaseStatus.DETAINED):
    person = services.create_person(names=[NameSpec(name, "latin", "passport_latin", is_primary=True)])
    case = services.create_case(
        person=person, jurisdiction=jurisdiction(), detention_date=datetime.date(2024, 1, 5)
    )
    if status != choices.CaseStatus.DETAINED:
        services.update_case(case=case, status=status)
    return person


def _ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def test_an_editor_records_a_contact_on_its_page_through_the_service(client, law):
    person = _held("Ivan Synthetic")
    client.force_login(UserFactory(groups=[EDITOR]))

    response = client.post(
        reverse("admin:cases_prisonercontact_add"),
        {
            "person": person.pk,
            "channel": C.LAWYER_VISIT,
            "date": _ago(3).isoformat(),
            "date_precision": "day",
            "details": DETAILS,
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    contact = PrisonerContact.objects.get()
    assert (contact.person, contact.channel, contact.date, contact.details) == (
        person,
        C.LAWYER_VISIT,
        _ago(3),
        DETAILS,
    )
    assert contact.history.get().history_user.groups.get().name == EDITOR


def test_a_contact_dated_in_the_future_is_refused_on_the_form_with_the_reason(client, law):
    person = _held("Ivan Synthetic")
    client.force_login(UserFactory(groups=[EDITOR]))

    response = client.post(
        reverse("admin:cases_prisonercontact_add"),
        {"person": person.pk, "channel": C.CALL, "date": _ago(-5).isoformat(), "date_precision": "day"},
    )

    assert "this date is in the future" in response.content.decode()
    assert not PrisonerContact.objects.exists()


def test_a_viewer_reads_contacts_records_none_and_the_read_of_details_is_on_record(client, law):
    person = _held("Ivan Synthetic")
    contact = services.record_contact(person=person, channel=C.LETTER, date=_ago(10), details=DETAILS)
    viewer = UserFactory(groups=[VIEWER])
    client.force_login(viewer)

    page = client.get(reverse("admin:cases_prisonercontact_change", args=[contact.pk]))
    add = client.get(reverse("admin:cases_prisonercontact_add"))

    assert page.status_code == 200 and DETAILS in page.content.decode()
    assert add.status_code == 403
    entry = AuditEntry.objects.get(user=viewer)
    assert entry.object_type == "prisonercontact" and entry.fields == ["details"]
    assert DETAILS not in str(entry.__dict__)


def test_the_person_page_shows_days_without_contact_per_channel_and_past_the_threshold(client, law):
    person = _held("Ivan Synthetic")
    services.record_contact(person=person, channel=C.LAWYER_VISIT, date=_ago(45))
    services.record_contact(person=person, channel=C.LETTER, date=_ago(12))
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(reverse("admin:cases_person_change", args=[person.pk])).content.decode()

    summary = html[html.index('class="silence-summary"') :].split("</ul>", 1)[0]
    assert "<strong>any contact</strong>: 12 days" in summary
    assert (
        "<strong>lawyer&#x27;s visit</strong>: 45 days" in summary
        and "past the threshold of 30 days" in summary
    )
    assert "<strong>letter from the person</strong>: 12 days" in summary


def test_the_staff_list_puts_the_longest_silence_first_and_the_unheard_last(
    client, law, django_assert_max_num_queries
):
    recent, long_silent, unheard = (
        _held("Recent Synthetic"),
        _held("Long Synthetic"),
        _held("Unheard Synthetic"),
    )
    released = _held("Released Synthetic", status=choices.CaseStatus.RELEASED)
    services.record_contact(person=recent, channel=C.LETTER, date=_ago(5))
    services.record_contact(person=long_silent, channel=C.LAWYER_VISIT, date=_ago(400))
    services.record_contact(person=released, channel=C.LETTER, date=_ago(900))
    client.force_login(UserFactory(groups=[VIEWER]))

    with django_assert_max_num_queries(12):
        html = client.get(reverse("admin:cases_personsilence_changelist")).content.decode()

    order = [html.index(name) for name in ("Long Synthetic", "Recent Synthetic", "Unheard Synthetic")]
    assert order == sorted(order) and "Released Synthetic" not in html
    assert "no contact recorded" in html
    assert '<strong class="silence-alarm" title="past the threshold of 60 days">400</strong>' in html
    assert unheard.pk  # shown, last


def test_the_staff_list_filters_by_length_of_silence(client, law):
    services.record_contact(person=_held("Recent Synthetic"), channel=C.LETTER, date=_ago(5))
    services.record_contact(person=_held("Long Synthetic"), channel=C.LETTER, date=_ago(200))
    _held("Unheard Synthetic")
    client.force_login(UserFactory(groups=[VIEWER]))
    url = reverse("admin:cases_personsilence_changelist")

    over_180 = client.get(url, {"silent_for": "180"}).content.decode()
    never = client.get(url, {"silent_for": "never"}).content.decode()

    assert "Long Synthetic" in over_180 and "Recent Synthetic" not in over_180
    assert "Unheard Synthetic" in never and "Long Synthetic" not in never


def test_the_staff_list_uses_the_thresholds_of_the_jurisdiction(client, law):
    SilenceThreshold.objects.filter(jurisdiction=law, channel="").update(days=500)
    services.record_contact(person=_held("Long Synthetic"), channel=C.LETTER, date=_ago(400))
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(reverse("admin:cases_personsilence_changelist")).content.decode()

    assert "silence-alarm" not in html.split("Long Synthetic", 1)[1].split("</tr>", 1)[0]


@pytest.mark.parametrize(("group", "status"), [(VIEWER, 403), (EDITOR, 403), (PUBLISHER, 200)])
def test_only_publishers_change_the_thresholds(client, law, group, status):
    threshold = SilenceThreshold.objects.get(jurisdiction=law, channel="")
    client.force_login(UserFactory(groups=[group]))

    response = client.post(
        reverse("admin:cases_silencethreshold_change", args=[threshold.pk]),
        {"jurisdiction": law.pk, "channel": "", "days": "45"},
    )

    assert response.status_code in ({302} if status == 200 else {403})
    threshold.refresh_from_db()
    assert threshold.days == (45 if status == 200 else 60)


def test_a_silence_alert_in_the_triage_queue_says_the_days_and_links_to_the_contacts(client, law):
    person = _held("Ivan Synthetic")
    services.record_contact(person=person, channel=C.LAWYER_VISIT, date=_ago(40), details=DETAILS)
    services.raise_silence_alerts()
    client.force_login(UserFactory(groups=[VIEWER]))
    alert = person.cases.get().alerts.get()

    queue = client.get(reverse("admin:cases_riskalert_changelist")).content.decode()
    page = client.get(reverse("admin:cases_riskalert_change", args=[alert.pk])).content.decode()

    assert "No lawyer&#x27;s visit for at least 40 days" in queue
    assert "No lawyer&#x27;s visit for at least 40 days" in page
    assert reverse("admin:cases_prisonercontact_change", args=[alert.contact_id]) in page
    assert "partners were not told" in page and DETAILS not in queue + page


def test_deleting_a_contact_from_its_list_goes_through_the_service_and_history_keeps_it(client, law):
    person = _held("Ivan Synthetic")
    contact = services.record_contact(person=person, channel=C.LETTER, date=_ago(10), details=DETAILS)
    admin_user = UserFactory(is_superuser=True)
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:cases_prisonercontact_changelist"),
        {"action": "delete_selected", "_selected_action": [contact.pk], "post": "yes"},
    )

    assert response.status_code == 302 and not PrisonerContact.objects.exists()
    removed = PrisonerContact.history.filter(public_id=contact.public_id, history_type="-").get()
    assert removed.history_user == admin_user
    assert ChangeRecord.objects.filter(
        object_type="contact", object_id=str(contact.public_id), action="withdrawn"
    ).exists()
