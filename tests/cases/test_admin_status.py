"""The admin's "System status" page: the health numbers and the work waiting, for staff who view cases."""

import datetime
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from cases.admin.status import duration
from cases.models import Case, RiskAlert, RiskAssessment, WebhookDelivery, WebhookSubscription
from cases.protection.permissions import PUBLISHER, VIEWER
from registry import health, liveness
from registry.celery import app as celery_app
from tests.factories import CaseFactory, UserFactory

HOOK_URL = "https://partner-hook.example.org/secret-path"
STATUS = "/admin/status/"


def _stale_case(waiting: datetime.timedelta) -> Case:
    case = CaseFactory()
    Case.objects.filter(pk=case.pk).update(risk_stale_since=timezone.now() - waiting)
    return case


def _unsent_alert(case) -> RiskAlert:
    assessment = RiskAssessment.objects.create(
        case=case,
        level="critical",
        previous_level="watch",
        reasons=[],
        rules_version="t",
        law_checksum="t",
        generation=1,
        assessed_on=datetime.date(2026, 1, 1),
    )
    return RiskAlert.objects.create(case=case, assessment=assessment, old_level="watch", new_level="critical")


@pytest.fixture
def waiting_work(law):
    """Two stale cases, an alert whose e-mail was not sent, one pending and one failed delivery."""
    case = _stale_case(datetime.timedelta(minutes=7))
    _stale_case(datetime.timedelta(seconds=20))
    alert = _unsent_alert(case)
    subscription = WebhookSubscription.objects.create(organisation="Synthetic partner", url=HOOK_URL)
    other = WebhookSubscription.objects.create(organisation="Other partner", url=HOOK_URL + "2")
    WebhookDelivery.objects.create(subscription=subscription, alert=alert, payload={})
    WebhookDelivery.objects.create(
        subscription=other, alert=alert, payload={}, state=WebhookDelivery.State.FAILED, attempts=8
    )
    return case


def test_status_page_shows_a_viewer_the_checks_and_the_work_waiting(client, waiting_work):
    client.force_login(UserFactory(groups=[VIEWER]))

    response = client.get(reverse("admin:registry_status"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "System status" in html and "Everything answers and nothing is late." in html
    assert "2 cases waiting for assessment, the oldest for at least 7 min" in html
    assert "none configured: tasks run in-process" in html
    assert "Alert e-mails not sent" in html and "1, the oldest raised" in html
    assert "Webhook deliveries pending</th>\n          <td>1, " in html
    assert "Webhook deliveries given up</th>\n          <td>1</td>" in html


def test_status_page_links_the_deliveries_for_staff_who_may_see_the_delivery_log(client, waiting_work):
    client.force_login(UserFactory(groups=[PUBLISHER]))

    html = client.get(STATUS).content.decode()

    deliveries = reverse("admin:cases_webhookdelivery_changelist")
    assert f'{deliveries}?state__exact=pending">1</a>' in html
    assert f'{deliveries}?state__exact=failed">1</a>' in html


def test_status_page_names_no_person_and_no_partner_address(client, waiting_work):
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(STATUS).content.decode()

    assert waiting_work.case_number not in html and str(waiting_work.person) not in html
    assert "partner-hook.example.org" not in html and "Synthetic partner" not in html


@pytest.mark.django_db
def test_status_page_says_failing_when_a_case_waited_past_the_limit(client, law, settings):
    settings.HEALTH_MAX_STALE_SECONDS = 60
    _stale_case(datetime.timedelta(hours=3))
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(STATUS).content.decode()

    assert "Failing:" in html and "cases have waited longer than 1 min" in html
    assert "the oldest for at least 3 h" in html


def test_status_page_is_refused_to_staff_without_view_case(client, waiting_work):
    client.force_login(UserFactory())

    response = client.get(STATUS)

    assert response.status_code == 403
    assert "waiting for assessment" not in response.content.decode()


def test_status_page_sends_a_user_who_is_not_staff_to_the_login(client, waiting_work):
    client.force_login(UserFactory(is_staff=False, groups=[VIEWER]))

    response = client.get(STATUS)

    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_status_page_needs_the_second_factor(client, waiting_work, unverified_login):
    unverified_login(client, UserFactory(groups=[VIEWER]))

    response = client.get(STATUS)

    assert response.status_code == 302 and "waiting for assessment" not in response.content.decode()


def test_admin_index_links_the_status_page_next_to_the_export_for_a_viewer(client, law):
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:registry_status") in html and "System status" in html
    assert reverse("admin:registry_export") in html


def test_admin_index_has_no_status_link_for_staff_without_view_case(client, law):
    client.force_login(UserFactory())

    html = client.get(reverse("admin:index")).content.decode()

    assert reverse("admin:registry_status") not in html


def test_status_page_queries_do_not_grow_with_the_waiting_work(client, law):
    client.force_login(UserFactory(groups=[VIEWER]))
    _unsent_alert(_stale_case(datetime.timedelta(minutes=1)))
    client.get(STATUS)  # the first request fills the session and permission caches

    with CaptureQueriesContext(connection) as one:
        client.get(STATUS)
    for _ in range(5):
        _unsent_alert(_stale_case(datetime.timedelta(minutes=1)))
    with CaptureQueriesContext(connection) as many:
        client.get(STATUS)

    assert len(many) == len(one)


@pytest.fixture
def with_workers(monkeypatch):
    """Tasks go to a broker (faked as answering) and are run by a worker; heartbeats start empty."""
    conf = celery_app.conf
    saved = {key: conf[key] for key in ("broker_url", "task_always_eager")}
    conf.update(broker_url="redis://127.0.0.1:1/0", task_always_eager=False)
    answering = {"ok": True, "ms": 0.1, "transport": "redis", "queues": {"celery": 0}, "queue_length": 0}
    monkeypatch.setattr(health, "check_broker", lambda: answering)
    cache.clear()
    yield
    cache.clear()
    conf.update(saved)


def _heartbeats(**ages):
    """Record each component's heartbeat that many seconds ago; returns the moments, local time."""
    now = time.time()
    shown = {}
    for component, age in ages.items():
        liveness.record(component, now - age)
        moment = datetime.datetime.fromtimestamp(now - age, tz=datetime.UTC)
        shown[component] = formats.date_format(timezone.localtime(moment), "Y-m-d H:i:s")
    return shown


@pytest.mark.django_db
def test_status_page_names_the_dead_worker_and_since_when(client, law, with_workers):
    shown = _heartbeats(beat=3, worker=300, control=310)
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(STATUS).content.decode()

    assert "Failing:" in html and "the Celery worker is down or not taking tasks" in html
    assert "the Celery beat is down" not in html
    assert f"down since {shown['worker']} (no heartbeat for 5 min)" in html
    assert 'id="status-beat"' in html and "last heartbeat 3 s ago" in html


@pytest.mark.django_db
def test_status_page_names_the_dead_beat_and_since_when(client, law, with_workers):
    shown = _heartbeats(beat=7200, worker=4, control=7200)
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(STATUS).content.decode()

    assert "Failing:" in html and "the Celery beat is down" in html
    assert "the Celery worker is down" not in html
    assert f"down since {shown['beat']} (no heartbeat for 2 h)" in html
    assert "last heartbeat 4 s ago" in html


@pytest.mark.django_db
def test_status_page_says_a_running_worker_takes_no_control_tasks(client, law, with_workers):
    shown = _heartbeats(beat=2, worker=2, control=600)
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(STATUS).content.decode()

    assert "the Celery worker is down or not taking tasks" in html
    assert f"has taken no task from the <code>control</code> queue since {shown['control']}" in html


@pytest.mark.django_db
def test_status_page_says_a_worker_never_seen(client, law, with_workers):
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(STATUS).content.decode()

    assert "the Celery worker is down or not taking tasks" in html and "the Celery beat is down" in html
    assert "no heartbeat ever recorded" in html


def test_status_page_with_tasks_in_process_needs_no_worker_nor_beat(client, waiting_work):
    client.force_login(UserFactory(groups=[VIEWER]))

    html = client.get(STATUS).content.decode()

    assert "Everything answers and nothing is late." in html
    assert "none: tasks run in-process" in html


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (45, "45 s"), (192, "3 min 12 s"), (7500, "2 h 5 min"), (3600, "1 h"), (97200, "1 day 3 h")],
)
def test_duration_reads_in_the_two_largest_units(seconds, text):
    assert duration(datetime.timedelta(seconds=seconds)) == text


def _download_row(html: str, format: str) -> str:
    start = html.index(f'id="status-download-{format}"')
    return html[start : html.index("</tr>", start)]


def test_status_page_says_when_each_download_was_built_and_when_one_is_withheld(
    client, law, settings, tmp_path
):
    from cases import services
    from cases.transfer import published_files
    from tests.api.conftest import make_published_case

    settings.STORAGES = {
        **settings.STORAGES,
        "downloads": {**settings.STORAGES["downloads"], "OPTIONS": {"location": tmp_path}},
    }
    client.force_login(UserFactory(groups=[VIEWER]))
    case = make_published_case()

    before = client.get(STATUS).content.decode()
    published_files.build("json")
    built = client.get(STATUS).content.decode()
    services.withdraw_person(person=case.person)
    withheld = client.get(STATUS).content.decode()

    assert "not built yet" in _download_row(
        before, "json"
    ) and "A rebuild is due: the file is missing." in _download_row(before, "json")
    assert "MiB compressed" in _download_row(built, "json") and "Withheld" not in _download_row(built, "json")
    assert "not built yet" in _download_row(built, "csv")
    assert "Withheld until it is rebuilt" in _download_row(withheld, "json")
    assert "A rebuild is due: something was taken away from the public after it was built." in _download_row(
        withheld, "json"
    )
