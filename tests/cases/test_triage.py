"""Triage of risk alerts as a workflow: explicit Acknowledge and Resolve (with a note), each through
a service that records who and when; the queue filtered by level, jurisdiction and age."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.exceptions import RefusedChange
from cases.models import RiskAlert, RiskAssessment
from cases.protection.permissions import EDITOR, PUBLISHER, VIEWER
from cases.services import triage
from tests.factories import CaseFactory, UserFactory, jurisdiction

pytestmark = pytest.mark.django_db

OPEN, ACKNOWLEDGED, RESOLVED = RiskAlert.State.values


def make_alert(case_number, *, new_level="critical", old_level="watch", days_old=0, code="BY"):
    """An alert as the risk engine leaves it: open, for a change of level of one case."""
    case = CaseFactory(case_number=case_number, jurisdiction=jurisdiction(code))
    assessment = RiskAssessment.objects.create(
        case=case,
        level=new_level,
        previous_level=old_level,
        reasons=[
            {"rule": "capital_article", "level": new_level, "article": "289.3", "text": "Synthetic reason."}
        ],
        rules_version="test",
        law_checksum="0" * 64,
        generation=1,
        assessed_on=datetime.date(2022, 6, 1),
    )
    alert = RiskAlert.objects.create(
        case=case, assessment=assessment, old_level=old_level, new_level=new_level
    )
    if days_old:
        RiskAlert.objects.filter(pk=alert.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days_old)
        )
        alert.refresh_from_db()
    return alert


@pytest.fixture
def alert(law):
    return make_alert("ALERT-00001")


@pytest.fixture
def login(client, law):
    def as_member_of(group):
        user = UserFactory(groups=[group])
        client.force_login(user)
        return user

    return as_member_of


def page_of(alert):
    return reverse("admin:cases_riskalert_change", args=[alert.pk])


# The services ----------------------------------------------------------------------------------


def test_acknowledge_alert_records_who_and_when(alert):
    duty = UserFactory()
    before = timezone.now()

    triage.acknowledge_alert(alert=alert, by=duty)

    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by) == (ACKNOWLEDGED, duty)
    assert before <= alert.acknowledged_at <= timezone.now()
    assert alert.history.latest().history_user == duty


def test_acknowledge_alert_refuses_an_alert_already_acknowledged(alert):
    triage.acknowledge_alert(alert=alert, by=UserFactory())
    with pytest.raises(RefusedChange, match="already acknowledged"):
        triage.acknowledge_alert(alert=alert, by=UserFactory())


def test_resolve_alert_records_who_when_and_the_note_and_acknowledges_an_open_alert(alert):
    lead = UserFactory()

    triage.resolve_alert(alert=alert, note="  Lawyer informed.  ", by=lead)

    alert.refresh_from_db()
    assert (alert.state, alert.resolved_by, alert.acknowledged_by) == (RESOLVED, lead, lead)
    assert alert.resolution_note == "Lawyer informed."
    assert alert.acknowledged_at == alert.resolved_at
    assert alert.history.latest().history_user == lead


def test_resolve_alert_keeps_who_acknowledged_it(alert):
    duty, lead = UserFactory(), UserFactory()
    triage.acknowledge_alert(alert=alert, by=duty)

    triage.resolve_alert(alert=alert, note="Family informed.", by=lead)

    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.resolved_by) == (duty, lead)
    assert alert.acknowledged_at < alert.resolved_at


@pytest.mark.parametrize("note", ["", "   \n"])
def test_resolve_alert_without_a_note_is_refused_and_leaves_the_alert_open(alert, note):
    with pytest.raises(RefusedChange, match="note"):
        triage.resolve_alert(alert=alert, note=note, by=UserFactory())
    alert.refresh_from_db()
    assert (alert.state, alert.resolved_at, alert.acknowledged_at) == (OPEN, None, None)


def test_resolve_alert_refuses_an_alert_already_resolved(alert):
    triage.resolve_alert(alert=alert, note="Done.", by=UserFactory())
    with pytest.raises(RefusedChange, match="already resolved"):
        triage.resolve_alert(alert=alert, note="Again.", by=UserFactory())


# The alert's page ------------------------------------------------------------------------------


def test_saving_a_note_on_the_alert_page_does_not_resolve_it(client, login, alert):
    login(EDITOR)
    client.post(page_of(alert), {"resolution_note": "Family and lawyer informed."})
    alert.refresh_from_db()
    assert (alert.state, alert.resolution_note, alert.resolved_at) == (OPEN, "", None)


def test_saving_the_alert_page_does_not_acknowledge_it(client, login, alert):
    login(EDITOR)
    client.post(page_of(alert), {"resolution_note": ""})
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_at) == (OPEN, None)


@pytest.mark.parametrize("group", [EDITOR, PUBLISHER])
def test_alert_page_offers_acknowledge_and_resolve_with_a_note_to_triagers(client, login, alert, group):
    login(group)
    content = client.get(page_of(alert)).content.decode()
    assert f'action="/admin/cases/riskalert/{alert.pk}/acknowledge/' in content
    assert f'action="/admin/cases/riskalert/{alert.pk}/resolve/' in content
    assert re.search(r'<textarea[^>]*name="note"[^>]*required', content)
    assert 'name="_save"' not in content  # no form whose saving could change the state


def test_alert_page_offers_no_triage_to_a_viewer(client, login, alert):
    login(VIEWER)
    content = client.get(page_of(alert)).content.decode()
    assert "Synthetic reason." in content
    assert "/acknowledge/" not in content and "/resolve/" not in content


def test_editor_acknowledges_an_alert_from_its_page(client, login, alert):
    editor = login(EDITOR)

    response = client.post(reverse("admin:cases_riskalert_acknowledge", args=[alert.pk]), follow=True)

    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by) == (ACKNOWLEDGED, editor)
    assert alert.acknowledged_at is not None
    content = response.content.decode()
    assert "Acknowledged the alert for" in content and "ALERT-00001" in content
    assert f'action="/admin/cases/riskalert/{alert.pk}/resolve/' in content  # still to resolve


def test_editor_resolves_an_alert_from_its_page_with_a_note(client, login, alert):
    editor = login(EDITOR)

    response = client.post(
        reverse("admin:cases_riskalert_resolve", args=[alert.pk]), {"note": "Lawyer informed."}, follow=True
    )

    alert.refresh_from_db()
    assert (alert.state, alert.resolved_by, alert.resolution_note) == (RESOLVED, editor, "Lawyer informed.")
    assert alert.resolved_at is not None
    assert "Resolved the alert for" in response.content.decode()


def test_resolving_from_the_alert_page_without_a_note_is_refused_with_a_message(client, login, alert):
    login(EDITOR)

    response = client.post(
        reverse("admin:cases_riskalert_resolve", args=[alert.pk]), {"note": " "}, follow=True
    )

    alert.refresh_from_db()
    assert alert.state == OPEN
    assert "Not resolved: say in a note what was done about this alert." in response.content.decode()


def test_acknowledging_an_alert_twice_from_its_page_says_it_already_is(client, login, alert):
    login(EDITOR)
    client.post(reverse("admin:cases_riskalert_acknowledge", args=[alert.pk]))

    response = client.post(reverse("admin:cases_riskalert_acknowledge", args=[alert.pk]), follow=True)

    assert "This alert is already acknowledged." in response.content.decode()


def test_viewer_can_neither_acknowledge_nor_resolve_an_alert(client, login, alert):
    login(VIEWER)

    acknowledged = client.post(reverse("admin:cases_riskalert_acknowledge", args=[alert.pk]))
    resolved = client.post(reverse("admin:cases_riskalert_resolve", args=[alert.pk]), {"note": "Done."})

    alert.refresh_from_db()
    assert (acknowledged.status_code, resolved.status_code, alert.state) == (403, 403, OPEN)


def test_triage_urls_refuse_a_get(client, login, alert):
    login(EDITOR)
    assert client.get(reverse("admin:cases_riskalert_acknowledge", args=[alert.pk])).status_code == 405
    alert.refresh_from_db()
    assert alert.state == OPEN


def test_resolved_alert_page_shows_who_resolved_it_and_the_note_and_no_triage(client, login, alert):
    lead = UserFactory(username="lead-caseworker")
    triage.resolve_alert(alert=alert, note="Charge dropped; checked.", by=lead)
    login(EDITOR)

    content = client.get(page_of(alert)).content.decode()

    assert "Charge dropped; checked." in content and "lead-caseworker" in content
    assert "/acknowledge/" not in content and "/resolve/" not in content


def test_reverting_an_alert_from_its_history_is_refused(client, login, alert):
    triage.acknowledge_alert(alert=alert, by=UserFactory())
    first_version = alert.history.earliest()
    login(EDITOR)

    response = client.post(
        reverse("admin:cases_riskalert_simple_history", args=[alert.pk, first_version.history_id]), {}
    )

    alert.refresh_from_db()
    assert (response.status_code, alert.state) == (403, ACKNOWLEDGED)


# List actions ----------------------------------------------------------------------------------


def test_acknowledge_selected_acknowledges_open_alerts_and_counts_the_rest(client, login, law):
    fresh, seen = make_alert("ALERT-00001"), make_alert("ALERT-00002")
    triage.acknowledge_alert(alert=seen, by=UserFactory())
    editor = login(EDITOR)

    response = client.post(
        reverse("admin:cases_riskalert_changelist"),
        {"action": "acknowledge_selected", "_selected_action": [fresh.pk, seen.pk]},
        follow=True,
    )

    fresh.refresh_from_db()
    assert (fresh.state, fresh.acknowledged_by) == (ACKNOWLEDGED, editor)
    assert "Acknowledged 1 alert; 1 was not open and was left as it was." in response.content.decode()


def test_resolve_selected_asks_for_the_note_before_resolving_anything(client, login, law):
    first, second = make_alert("ALERT-00001"), make_alert("ALERT-00002")
    login(EDITOR)

    response = client.post(
        reverse("admin:cases_riskalert_changelist"),
        {"action": "resolve_selected", "_selected_action": [first.pk, second.pk]},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert 'name="note"' in content and "ALERT-00001" in content and "ALERT-00002" in content
    assert set(RiskAlert.objects.values_list("state", flat=True)) == {OPEN}


def test_resolve_selected_with_a_note_resolves_each_unresolved_alert(client, login, law):
    first, second, done = make_alert("ALERT-00001"), make_alert("ALERT-00002"), make_alert("ALERT-00003")
    triage.resolve_alert(alert=done, note="Earlier note.", by=UserFactory())
    editor = login(EDITOR)

    response = client.post(
        reverse("admin:cases_riskalert_changelist"),
        {
            "action": "resolve_selected",
            "_selected_action": [first.pk, second.pk, done.pk],
            "note": "Duplicate alerts from the spreadsheet import.",
            "confirm": "yes",
        },
        follow=True,
    )

    for alert in (first, second):
        alert.refresh_from_db()
        assert (alert.state, alert.resolved_by) == (RESOLVED, editor)
        assert alert.resolution_note == "Duplicate alerts from the spreadsheet import."
    done.refresh_from_db()
    assert done.resolution_note == "Earlier note."
    assert "Resolved 2 alerts; 1 was already resolved." in response.content.decode()


def test_resolve_selected_without_a_note_resolves_nothing_and_asks_again(client, login, law):
    first = make_alert("ALERT-00001")
    login(EDITOR)

    response = client.post(
        reverse("admin:cases_riskalert_changelist"),
        {"action": "resolve_selected", "_selected_action": [first.pk], "note": "  ", "confirm": "yes"},
    )

    first.refresh_from_db()
    assert first.state == OPEN
    assert response.status_code == 200 and "Say in a note what was done." in response.content.decode()


def test_viewer_is_offered_no_triage_actions(client, login, alert):
    login(VIEWER)
    content = client.get(reverse("admin:cases_riskalert_changelist")).content.decode()
    assert "ALERT-00001" in content
    assert "acknowledge_selected" not in content and "resolve_selected" not in content


# Filters ---------------------------------------------------------------------------------------


def test_alert_list_filters_by_new_level(client, login, law):
    make_alert("ALERT-CRIT", new_level="critical")
    make_alert("ALERT-ELEV", new_level="elevated")
    login(VIEWER)

    content = client.get(reverse("admin:cases_riskalert_changelist"), {"new_level__exact": "elevated"})

    assert "ALERT-ELEV" in content.content.decode() and "ALERT-CRIT" not in content.content.decode()


def test_alert_list_filters_by_jurisdiction(client, login, law):
    make_alert("ALERT-BY", code="BY")
    make_alert("ALERT-RU", code="RU")
    login(VIEWER)

    response = client.get(
        reverse("admin:cases_riskalert_changelist"), {"case__jurisdiction__id__exact": jurisdiction("RU").pk}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "ALERT-RU" in content and "ALERT-BY" not in content


@pytest.mark.parametrize(
    ("days", "listed", "not_listed"),
    [
        ("1", ["ALERT-D2", "ALERT-D10", "ALERT-D40"], ["ALERT-NEW", "ALERT-DONE"]),
        ("7", ["ALERT-D10", "ALERT-D40"], ["ALERT-NEW", "ALERT-D2", "ALERT-DONE"]),
        ("30", ["ALERT-D40"], ["ALERT-NEW", "ALERT-D2", "ALERT-D10", "ALERT-DONE"]),
    ],
)
def test_alert_list_filters_unresolved_alerts_by_age(client, login, law, days, listed, not_listed):
    make_alert("ALERT-NEW")
    make_alert("ALERT-D2", days_old=2)
    triage.acknowledge_alert(alert=make_alert("ALERT-D10", days_old=10), by=UserFactory())  # still unresolved
    make_alert("ALERT-D40", days_old=40)
    triage.resolve_alert(alert=make_alert("ALERT-DONE", days_old=40), note="Done.", by=UserFactory())
    login(VIEWER)

    response = client.get(reverse("admin:cases_riskalert_changelist"), {"unresolved_for": days})

    content = response.content.decode()
    assert all(number in content for number in listed), listed
    assert not any(number in content for number in not_listed), not_listed


def test_alert_list_shows_the_jurisdiction_and_age_filters(client, login, alert):
    login(VIEWER)
    content = client.get(reverse("admin:cases_riskalert_changelist")).content.decode()
    assert "By age" in content and "unresolved for more than 7 days" in content
    assert "By jurisdiction" in content


def test_alert_list_queries_do_not_grow_with_the_number_of_alerts(
    client, login, law, django_assert_max_num_queries
):
    login(EDITOR)
    make_alert("ALERT-00001")
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("admin:cases_riskalert_changelist"))
    for i in range(2, 12):
        make_alert(f"ALERT-{i:05d}")

    with django_assert_max_num_queries(len(one.captured_queries)):
        content = client.get(reverse("admin:cases_riskalert_changelist")).content.decode()

    assert "ALERT-00011" in content


def test_alert_list_says_who_handled_each_alert_in_one_column(client, login):
    login(VIEWER)
    duty = UserFactory(username="duty-editor")
    lead = UserFactory(username="lead-publisher")
    triage.acknowledge_alert(alert=make_alert("ALERT-SEEN"), by=duty)
    triage.resolve_alert(alert=make_alert("ALERT-DONE"), note="Done.", by=lead)
    make_alert("ALERT-OPEN")

    page = client.get(reverse("admin:cases_riskalert_changelist")).content.decode()

    assert "acknowledged by duty-editor" in page and "resolved by lead-publisher" in page
    assert "column-acknowledged_by" not in page and "column-resolved_by" not in page
