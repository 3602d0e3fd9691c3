"""The admin's case screen built around the registry's actions: the risk level and its reasons on
top, the result of each action (the new level, the alerts raised) in its success message, and
times in the registry's time zone. Every name here is invented."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import DatabaseError
from django.urls import reverse

from cases import background, services
from cases.models import Case, Charge, RiskAlert, RiskAssessment
from cases.protection.permissions import EDITOR, VIEWER
from cases.risk import assessment
from tests.cases.test_admin import _case_post_data
from tests.factories import CaseFactory, UserFactory, article

pytestmark = pytest.mark.django_db

D = datetime.date


# The success messages are read after a real commit, as in production: the tests that post an
# action are transactional, so the assessment each edit queues on commit runs (in-process).
committed = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def empty_cache():
    """The marks of queued assessments live in the cache; a flushed database reuses case ids."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editor(client, law):
    client.force_login(UserFactory(groups=[EDITOR]))
    return client


def _worker_not_run_yet(monkeypatch):
    """From now on a broker takes the queued tasks and no worker has run them yet."""
    monkeypatch.setattr(background, "send", lambda name, **kwargs: None)


def _assessed_case(django_capture_on_commit_callbacks, *notations) -> Case:
    """A detained man's case with a charge under each article part, assessed as after a commit."""
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory()
        services.update_case(case=case, status="detained")  # queues the first assessment
        for notation in notations:
            services.add_charge(
                case=case, article=article(notation), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
            )
    case.refresh_from_db()
    assert not case.risk_stale
    return case


def _messages(response) -> list[str]:
    """The success messages the page after the redirect shows, as plain text."""
    return [re.sub(r"<[^>]+>", "", str(m)) for m in response.context["messages"]]


def _case_form(case, charge_rows, **fields) -> dict:
    """The case page's form as a browser posts it: the case's fields, the charges' rows, no other rows."""
    return _case_post_data(case, charge_rows) | fields


def _existing_rows(case) -> list[dict]:
    return [
        {
            "id": c.pk,
            "article": c.article_id,
            "stage": c.stage,
            "offence_date": str(c.offence_date or ""),
            "charged_on": str(c.charged_on or ""),
            "source": "",
        }
        for c in case.charges.order_by("id")
    ]


# The result of an action in its success message -----------------------------------------------


@committed
def test_reclassify_message_names_the_new_level_and_the_alert_raised_before_a_worker_runs(
    editor, django_capture_on_commit_callbacks, monkeypatch
):
    case = _assessed_case(django_capture_on_commit_callbacks, "218.2")
    _worker_not_run_yet(monkeypatch)
    charge = case.charges.get()

    response = editor.post(
        reverse("admin:cases_charge_reclassify", args=[charge.pk]),
        {"to_article": article("289.3").pk, "stage": "completed", "on": "2022-06-01"},
        follow=True,
    )

    [message] = _messages(response)
    assert "art. 218 part 2 → art. 289 part 3" in message
    assert "Risk of the death penalty: watch → critical" in message
    assert "1 alert raised" in message
    alert = RiskAlert.objects.get(case=case, new_level="critical")
    [html] = [str(m) for m in response.context["messages"]]
    assert reverse("admin:cases_riskalert_change", args=[alert.pk]) in html  # a link to triage it


@committed
def test_end_charge_message_names_the_level_the_case_fell_to(editor, django_capture_on_commit_callbacks):
    case = _assessed_case(django_capture_on_commit_callbacks, "289.3")
    assert case.risk_level == "critical"

    response = editor.post(
        reverse("admin:cases_charge_end", args=[case.charges.get().pk]),
        {"state": "dropped", "on": "2022-05-01"},
        follow=True,
    )

    [message] = _messages(response)
    assert "The charge under art. 289 part 3 is closed" in message
    assert "Risk of the death penalty: critical → no identified risk" in message
    assert "1 alert raised" in message


@committed
def test_adding_a_charge_on_the_case_page_names_the_charge_and_the_new_level(
    editor, django_capture_on_commit_callbacks
):
    case = _assessed_case(django_capture_on_commit_callbacks, "342.1")
    level_before = case.get_risk_level_display()
    new_row = {
        "article": article("289.3").pk,
        "stage": "completed",
        "offence_date": "2022-02-20",
        "charged_on": "2022-04-01",
        "source": "",
    }

    response = editor.post(
        reverse("admin:cases_case_change", args=[case.pk]),
        _case_form(case, [*_existing_rows(case), new_row]),
        follow=True,
    )

    [message] = _messages(response)
    assert "was changed successfully" in message
    assert "Charge added: art. 289 part 3" in message
    assert f"Risk of the death penalty: {level_before} → critical" in message
    assert "1 alert raised" in message


@committed
def test_case_save_message_names_a_level_that_did_not_change(editor, django_capture_on_commit_callbacks):
    case = _assessed_case(django_capture_on_commit_callbacks, "289.3")

    response = editor.post(
        reverse("admin:cases_case_change", args=[case.pk]),
        _case_form(case, _existing_rows(case), investigating_body="Synthetic investigative committee"),
        follow=True,
    )

    [message] = _messages(response)
    assert "Risk of the death penalty: critical, unchanged" in message
    assert "alert" not in message


@committed
def test_case_save_message_names_the_level_a_death_sentence_brings_before_a_worker_runs(
    editor, django_capture_on_commit_callbacks, monkeypatch
):
    case = _assessed_case(django_capture_on_commit_callbacks, "289.3")
    _worker_not_run_yet(monkeypatch)

    response = editor.post(
        reverse("admin:cases_case_change", args=[case.pk]),
        _case_form(
            case, _existing_rows(case), status="convicted", verdict_date="2023-01-10", sentence_kind="death"
        ),
        follow=True,
    )

    [message] = _messages(response)
    assert "Risk of the death penalty: critical → sentenced to death" in message
    assert "1 alert raised" in message


@committed
def test_reclassify_message_says_under_review_when_the_assessment_cannot_run_now(
    editor, django_capture_on_commit_callbacks, monkeypatch
):
    case = _assessed_case(django_capture_on_commit_callbacks, "218.2")
    _worker_not_run_yet(monkeypatch)

    def database_gone(**kwargs):
        raise DatabaseError("synthetic outage")

    monkeypatch.setattr(assessment, "assess_case", database_gone)
    response = editor.post(
        reverse("admin:cases_charge_reclassify", args=[case.charges.get().pk]),
        {"to_article": article("289.3").pk, "stage": "completed", "on": "2022-06-01"},
        follow=True,
    )

    [message] = _messages(response)
    assert "Reclassified art. 218 part 2 → art. 289 part 3" in message
    assert "Risk of the death penalty: under review" in message
    assert Charge.objects.get(case=case, state="active").article == article("289.3")


# The risk level on top, times in the registry's time zone --------------------------------------


def test_case_page_shows_the_level_and_its_reasons_before_the_case_fields(
    editor, django_capture_on_commit_callbacks
):
    case = _assessed_case(django_capture_on_commit_callbacks, "289.3")

    content = editor.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()

    summary = content.find('id="case-risk"')
    assert summary != -1, "no risk summary on the case page"
    assert summary < content.find('name="case_number"') and summary < content.find('id="charges-group"')
    top = content[summary : content.find('id="charges-group"')]
    assert "critical" in top
    assert "carries the death penalty" in top  # the reason, not only the level


def test_case_page_shows_assessment_times_in_the_registry_time_zone(
    editor, django_capture_on_commit_callbacks
):
    case = _assessed_case(django_capture_on_commit_callbacks, "289.3")
    late_evening_utc = datetime.datetime(2024, 1, 10, 21, 30, tzinfo=datetime.UTC)  # 00:30 next day in Minsk
    RiskAssessment.objects.filter(case=case).update(created_at=late_evening_utc)
    Case.objects.filter(pk=case.pk).update(risk_assessed_at=late_evening_utc)

    content = editor.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()

    assert "2024-01-10 21:30" not in content, "an assessment time is shown in UTC"
    assert "9:30 p.m." not in content, "the time the case was assessed is shown in UTC"
    assert "2024-01-11 00:30" in content


@committed
def test_saving_a_charge_on_its_own_page_names_the_level_after_the_save(
    editor, django_capture_on_commit_callbacks
):
    case = _assessed_case(django_capture_on_commit_callbacks, "289.3")
    charge = case.charges.get()

    response = editor.post(
        reverse("admin:cases_charge_change", args=[charge.pk]),
        {
            "stage": "completed",
            "offence_date": "2022-02-21",
            "offence_date_precision": "day",
            "charged_on": "2022-03-02",
            "charged_on_precision": "day",
            "source": "",
        },
        follow=True,
    )

    [message] = _messages(response)
    assert "was changed successfully" in message
    assert "Risk of the death penalty: critical, unchanged" in message


def test_case_page_links_the_open_alerts_to_the_triage_list_of_the_case(
    editor, django_capture_on_commit_callbacks
):
    case = _assessed_case(django_capture_on_commit_callbacks, "289.3")
    other = _assessed_case(django_capture_on_commit_callbacks, "289.3")

    content = editor.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    link = re.search(r'href="([^"]+)">1 open alert<', content)

    assert link, "no link to the case's open alerts"
    triage = editor.get(link.group(1).replace("&amp;", "&"))
    assert triage.status_code == 200
    listed = {alert.case_id for alert in triage.context["cl"].result_list}
    assert listed == {case.pk} and other.pk not in listed


def test_case_page_for_a_viewer_shows_the_level_but_no_actions(client, django_capture_on_commit_callbacks):
    case = _assessed_case(django_capture_on_commit_callbacks, "289.3")
    client.force_login(UserFactory(groups=[VIEWER]))

    content = client.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()

    assert 'id="case-risk"' in content and "critical" in content
    assert reverse("admin:cases_charge_reclassify", args=[case.charges.get().pk]) not in content


def test_add_case_page_asks_for_the_case_before_its_charges(editor):
    content = editor.get(reverse("admin:cases_case_add")).content.decode()

    assert 'id="case-risk"' not in content  # nothing assessed yet
    assert content.find('name="jurisdiction"') < content.find('id="charges-group"')
