"""Assessments run after every change that can move a level, are kept as history, and are never
overwritten by an older result, whatever order the tasks arrive in.

These tests commit for real (transactional database), because assessments are queued on commit.
"""

import datetime
import logging

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cases import services
from cases.choices import RiskLevel
from cases.models import Case, CaseEvent, RiskAlert, RiskAssessment
from cases.risk import assessment
from registry.celery import app as celery_app
from tests.factories import CaseFactory, UserFactory, article

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date


def _reload(case) -> Case:
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def charged_case(law):
    case = CaseFactory()
    services.add_charge(
        case=case, article=article("218.2"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    return _reload(case)


def test_reclassification_into_terrorism_raises_the_level_through_the_service(charged_case):
    assert (charged_case.risk_level, charged_case.risk_stale) == ("watch", False)  # 218 is watched
    charge = charged_case.charges.get()

    services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))

    case = _reload(charged_case)
    assert (case.risk_level, case.risk_stale) == ("critical", False)
    latest = case.assessments.first()
    assert (latest.previous_level, latest.level) == ("watch", "critical")
    assert latest.reasons[0]["rule"] == "capital_charge" and latest.reasons[0]["article"] == "art. 289 part 3"
    assert latest.rules_version and len(latest.law_checksum) == 64
    assert latest.generation == case.risk_assessed_generation == case.risk_generation


def test_change_of_level_is_a_public_event_on_the_timeline(charged_case):
    services.reclassify_charge(
        charge=charged_case.charges.get(), to_article=article("289.3"), on=D(2022, 6, 1)
    )
    texts = list(
        CaseEvent.objects.filter(case=charged_case, kind="risk_changed").values_list("text", flat=True)
    )
    assert texts[-1] == "Risk of the death penalty: watch → critical."


def test_assessment_history_keeps_every_result(charged_case):
    second = services.reclassify_charge(
        charge=charged_case.charges.get(), to_article=article("289.3"), on=D(2022, 6, 1)
    )
    services.end_charge(charge=second, state="dropped", on=D(2022, 9, 1))
    levels = list(
        RiskAssessment.objects.filter(case=charged_case).order_by("id").values_list("level", flat=True)
    )
    assert levels == ["watch", "critical", "none"]


def test_one_alert_per_change_of_level_not_per_save(charged_case):
    services.reclassify_charge(
        charge=charged_case.charges.get(), to_article=article("289.3"), on=D(2022, 6, 1)
    )
    alerts_after_rise = RiskAlert.objects.filter(case=charged_case).count()
    for occupation in ("driver", "teacher", "driver"):
        services.update_person(person=charged_case.person, occupation=occupation)
    services.update_case(case=_reload(charged_case), court="Synthetic regional court")
    services.add_charge(case=charged_case, article=article("342.1"), charged_on=D(2022, 7, 1))
    assert RiskAlert.objects.filter(case=charged_case).count() == alerts_after_rise
    assert list(RiskAlert.objects.filter(case=charged_case).values_list("old_level", "new_level")) == [
        ("watch", "critical"),
        ("none", "watch"),
    ]


def test_rerunning_an_assessment_stores_nothing_new(charged_case):
    rows = RiskAssessment.objects.count()
    assert assessment.assess_case(case_id=charged_case.pk) is None
    assert assessment.assess_case(case_id=charged_case.pk) is None
    assert RiskAssessment.objects.count() == rows


@pytest.mark.django_db  # not transactional: the test holds the commit callbacks and plays them itself
def test_duplicate_and_out_of_order_messages_leave_the_newest_result(
    charged_case, django_capture_on_commit_callbacks
):
    charge = charged_case.charges.get()
    with django_capture_on_commit_callbacks(execute=False) as first:
        raised = services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))
    # Each block stands for a transaction of its own; the test's outer one never commits, so end
    # the first's batch of assessment requests as its commit would (cases.risk.queue).
    connection._risk_assessment_batch = None
    with django_capture_on_commit_callbacks(execute=False) as second:
        services.end_charge(charge=raised, state="dropped", on=D(2022, 9, 1))
    stale = _reload(charged_case)
    assert stale.risk_stale

    # The newer edit's message arrives first, then the older one, then the newer one again.
    for callback in [*second, *first, *second]:
        callback()

    case = _reload(charged_case)
    assert (case.risk_level, case.risk_stale) == ("none", False)
    assert case.risk_assessed_generation == case.risk_generation


def _forget_broker_connections():
    # Celery caches its connection pools per broker URL on first use; drop them so the next
    # send uses the URL set now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_broker_down_during_an_edit_saves_the_edit_and_the_sweep_catches_up(charged_case, caplog):
    charge = charged_case.charges.get()
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "redis://127.0.0.1:1/0"  # nothing listens there
    _forget_broker_connections()
    try:
        with caplog.at_level(logging.WARNING, logger="cases.risk.queue"):
            started = timezone.now()
            services.reclassify_charge(charge=charge, to_article=article("289.3"), on=D(2022, 6, 1))
            took = (timezone.now() - started).total_seconds()
    finally:
        conf.task_always_eager, conf.broker_url = saved
        _forget_broker_connections()

    case = _reload(charged_case)
    assert case.charges.filter(article=article("289.3"), state="active").exists()  # the edit is saved
    assert (case.risk_level, case.risk_stale) == ("watch", True)  # not assessed, but marked
    assert "could not queue assessment" in caplog.text
    assert took < 10

    assert assessment.assess_stale_cases() == 1
    case = _reload(case)
    assert (case.risk_level, case.risk_stale) == ("critical", False)


def test_law_data_edit_reassesses_every_case_of_the_jurisdiction(charged_case):
    staff = UserFactory(is_superuser=True)
    part = article("218.2")
    part.capital = True  # a hypothetical new law making 218 part 2 capital
    services.save_law_data(instance=part, by=staff)
    case = _reload(charged_case)
    assert (case.risk_level, case.risk_stale) == ("critical", False)


def test_full_pass_catches_a_closing_90_day_window(law):
    case = CaseFactory()
    charge = services.add_charge(
        case=case, article=article("361-1.1"), offence_date=D(2026, 1, 5), charged_on=D(2026, 1, 10)
    )
    services.reclassify_charge(charge=charge, to_article=article("289.1"), on=D(2026, 8, 1))
    # Assessed on 2026-08-01 the reclassification is recent: elevated.
    assessment.assess_all_cases(on=D(2026, 8, 1))
    assert _reload(case).risk_level == "elevated"

    report = assessment.assess_all_cases(on=D(2026, 10, 30))  # day 90: still inside
    assert _reload(case).risk_level == "elevated" and report.changed == 0
    report = assessment.assess_all_cases(on=D(2026, 10, 31))  # day 91: the window has closed
    assert _reload(case).risk_level == "watch"  # 289 part 1 stays on the watch list
    assert report.changes == [(case.pk, "elevated", "watch")]


def test_full_pass_catches_a_man_turning_65(law):
    case = CaseFactory(person__birth_date=D(1961, 11, 24), person__birth_date_precision="day")
    services.add_charge(
        case=case, article=article("289.3"), offence_date=D(2022, 2, 20), charged_on=D(2022, 3, 2)
    )
    assessment.assess_all_cases(on=D(2026, 11, 23))
    assert _reload(case).risk_level == "critical"
    assessment.assess_all_cases(on=D(2026, 11, 24))
    assert _reload(case).risk_level == "watch"


def test_full_pass_skips_nothing_that_carries_a_level(law):
    """Cases without a relevant charge are 'none' without running the rules; check they agree."""
    plain = CaseFactory()
    services.add_charge(case=plain, article=article("342.1"), charged_on=D(2022, 3, 2))
    death = CaseFactory(verdict_date=D(2023, 1, 1))
    services.update_case(case=death, sentence_kind="death", status="convicted")
    report = assessment.assess_all_cases()
    assert report.changed == 0
    assert (_reload(plain).risk_level, _reload(death).risk_level) == ("none", "sentenced_to_death")


def test_alert_email_goes_to_the_alert_group_once(charged_case):
    from django.contrib.auth.models import Group

    member = UserFactory(email="duty@registry.test")
    member.groups.add(Group.objects.get(name="Risk alerts"))
    UserFactory(email="other@registry.test")
    mail.outbox.clear()

    services.reclassify_charge(
        charge=charged_case.charges.get(), to_article=article("289.3"), on=D(2022, 6, 1)
    )

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["duty@registry.test"]
    assert "rose" in message.subject and "critical" in message.subject
    assert "art. 289 part 3" in message.body
    assert charged_case.person.names.first().text not in message.body  # no names in mail
    alert = RiskAlert.objects.get(case=charged_case, new_level=RiskLevel.CRITICAL)
    from cases.risk.alerts import send_alert_email

    assert send_alert_email(alert_id=alert.pk) == 0  # a second run sends nothing
    assert len(mail.outbox) == 1


def test_triage_acknowledge_and_resolve_record_who_and_when(charged_case):
    from cases.exceptions import RefusedChange

    services.reclassify_charge(
        charge=charged_case.charges.get(), to_article=article("289.3"), on=D(2022, 6, 1)
    )
    alert = RiskAlert.objects.get(case=charged_case, new_level="critical")
    duty, lead = UserFactory(), UserFactory()

    services.acknowledge_alert(alert=alert, by=duty)
    with pytest.raises(RefusedChange, match="note"):
        services.resolve_alert(alert=alert, note=" ", by=lead)
    services.resolve_alert(alert=alert, note="Lawyer informed; partners notified.", by=lead)

    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by, alert.resolved_by) == ("resolved", duty, lead)
    assert alert.acknowledged_at <= alert.resolved_at
    assert alert.resolution_note == "Lawyer informed; partners notified."
    with pytest.raises(RefusedChange, match="already resolved"):
        services.resolve_alert(alert=alert, note="again", by=lead)


def test_full_pass_bulk_write_skips_a_case_changed_after_it_was_read(charged_case):
    """The pass reads, assesses, then writes; a case edited in between keeps its stale mark."""
    from cases.risk.assessment import _Pending, _store_same_level

    case = _reload(charged_case)
    outdated = _Pending(
        case.pk, case.risk_generation - 1, case.risk_level, case.risk_digest, case.risk_level, [], "0" * 64
    )
    assert _store_same_level([outdated], "law", D(2026, 1, 1)) == 0
    assert _reload(case).risk_digest == case.risk_digest


def test_assess_command_prints_what_changed(charged_case, capsys):
    from django.core.management import call_command

    Case.objects.filter(pk=charged_case.pk).update(risk_level="none", risk_digest="outdated")
    call_command("assess", str(charged_case.pk))
    out = capsys.readouterr().out
    assert f"case {charged_case.pk}: none → watch" in out
    assert "assessed 1 case(s); 1 changed level" in out

    call_command("assess", "--all")
    assert "0 changed level, 0 stored a new result" in capsys.readouterr().out


def test_assess_command_refuses_an_unknown_case(law):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="No case with id 999999"):
        call_command("assess", "999999")


@pytest.mark.django_db
def test_stale_case_shows_under_review_never_no_risk(law, django_capture_on_commit_callbacks):
    case = CaseFactory()
    assert _reload(case).risk_status == "under_review"  # never assessed: not "none"
    with django_capture_on_commit_callbacks(execute=True):
        services.add_charge(case=case, article=article("342.1"), charged_on=D(2022, 3, 2))
    assert _reload(case).risk_status == "none"
    with django_capture_on_commit_callbacks(execute=False):
        services.add_charge(
            case=case, article=article("289.3"), offence_date=D(2022, 2, 1), charged_on=D(2022, 3, 3)
        )
    assert _reload(case).risk_status == "under_review"  # the new charge is not assessed yet


def test_stored_risk_text_is_english_whatever_the_request_language(charged_case):
    from django.utils import translation

    with translation.override("ru"):
        services.reclassify_charge(
            charge=charged_case.charges.get(), to_article=article("289.3"), on=D(2022, 6, 1)
        )
    event = CaseEvent.objects.filter(case=charged_case, kind="risk_changed").latest("id")
    assert event.text == "Risk of the death penalty: watch → critical."


def test_sweep_of_many_stale_cases_uses_the_set_based_pass(law, monkeypatch):
    from cases.risk import assessment as assessment_module

    monkeypatch.setattr(assessment_module, "BULK_STALE", 1)
    cases = [CaseFactory() for _ in range(3)]  # created without the services: stale, never assessed
    called = []
    real = assessment_module.assess_all_cases
    monkeypatch.setattr(assessment_module, "assess_all_cases", lambda **kw: called.append(kw) or real(**kw))

    assert assessment.assess_stale_cases() == 3

    assert len(called) == 1
    assert all(_reload(c).risk_stale is False for c in cases)


# The statistics page -----------------------------------------------------------------------------


def _risk_rows_on_the_statistics_page(client) -> list[str]:
    """The labels of the risk chart's rows on the public statistics page (rows with a count)."""
    from django.urls import reverse

    response = client.get(reverse("public:statistics"))
    chart = next(chart for chart in response.context["charts"] if chart.slug == "risk")
    return [bar.label for bar in chart.bars]


def _published_stale_case(monkeypatch):
    """A published case with a plain charge whose assessment message was lost: under review."""
    from cases.risk import queue as assessment_queue
    from tests.api.conftest import make_published_case

    monkeypatch.setattr(assessment_queue, "enqueue_assessments", lambda case_ids: 0)
    case = make_published_case()
    monkeypatch.undo()
    assert _reload(case).risk_status == "under_review"
    return case


def test_statistics_page_counts_the_new_level_at_once_after_the_set_based_pass(client, law, monkeypatch):
    _published_stale_case(monkeypatch)
    assert _risk_rows_on_the_statistics_page(client) == ["under review"]  # and now cached

    assessment.assess_all_cases()

    assert _risk_rows_on_the_statistics_page(client) == [str(RiskLevel.NONE.label)]


def test_statistics_page_counts_the_new_level_at_once_after_a_single_assessment(client, law, monkeypatch):
    from cases.risk import queue as assessment_queue

    case = _published_stale_case(monkeypatch)
    assessment.assess_case(case_id=case.pk)
    monkeypatch.setattr(assessment_queue, "enqueue_assessments", lambda case_ids: 0)
    assessment_queue.request_assessment([case.pk])  # an edit whose message is lost: same result
    services.update_person(person=case.person, occupation="driver")  # any save moves the cache on
    assert _risk_rows_on_the_statistics_page(client) == ["under review"]

    assert assessment.assess_case(case_id=case.pk) is None  # the same result: no new history row

    assert _risk_rows_on_the_statistics_page(client) == [str(RiskLevel.NONE.label)]


def test_the_pass_after_a_law_edit_stores_every_result_whole(law):
    """After a law edit every result is rewritten in bulk (through COPY on PostgreSQL): each new
    row holds the same level and reasons under the new law checksum, with its own public id."""
    cases = [CaseFactory() for _ in range(3)]
    for case, part in zip(cases, ["289.1", "342.1", "130.3"], strict=True):
        services.add_charge(case=case, article=article(part), charged_on=D(2022, 3, 2))
    assessment.assess_all_cases(on=D(2026, 11, 24))
    before = {c.pk: RiskAssessment.objects.filter(case=c).latest("id") for c in cases}
    part = article("364")
    part.title_en += " (edited)"
    services.save_law_data(instance=part, by=UserFactory(is_superuser=True))

    assessment.assess_all_cases(on=D(2026, 11, 24))

    for case in cases:
        old, new = before[case.pk], RiskAssessment.objects.filter(case=case).latest("id")
        assert new.pk != old.pk and new.public_id != old.public_id
        assert (new.level, new.reasons, new.previous_level) == (old.level, old.reasons, old.level)
        assert new.law_checksum != old.law_checksum and new.created_at is not None
        assert _reload(case).risk_digest == assessment.digest(
            new.level, new.reasons, new.rules_version, new.law_checksum
        )


def test_a_change_of_the_english_wording_rewrites_every_stored_result(law, monkeypatch):
    """The digest leaves each reason's English text out (the warm pass does not render it) but
    holds the catalogue's version: a changed template must still reach every stored text."""
    case = CaseFactory()
    services.add_charge(case=case, article=article("289.1"), charged_on=D(2022, 3, 2))
    assessment.assess_all_cases(on=D(2026, 11, 24))
    stored = RiskAssessment.objects.filter(case=case).latest("id")
    assert stored.reasons and all(reason["text"] for reason in stored.reasons)
    assert assessment.assess_all_cases(on=D(2026, 11, 24)).changed == 0  # nothing changed: nothing written

    monkeypatch.setattr(assessment, "WORDING_VERSION", "a-new-wording")
    report = assessment.assess_all_cases(on=D(2026, 11, 24))

    assert report.changed == 1
    new = RiskAssessment.objects.filter(case=case).latest("id")
    assert new.pk != stored.pk and new.reasons == stored.reasons and new.level == stored.level


def test_the_digest_is_the_same_with_or_without_the_english_text():
    reason = {"rule": "r", "level": "watch", "charge_id": 1, "article": "289.1", "code": "c", "params": {}}
    with_text = {**reason, "text": "Charged under art. 289 part 1"}

    assert assessment.digest("watch", [reason], "v", "law") == assessment.digest(
        "watch", [with_text], "v", "law"
    )
    assert assessment.digest("watch", [reason], "v", "law") != assessment.digest(
        "critical", [reason], "v", "law"
    )


def test_the_bulk_copy_of_assessments_writes_every_column_of_the_table():
    """A column added to RiskAssessment must be added to the COPY too (a Django default is not
    a database default: the column would be left empty)."""
    columns = {f.column for f in RiskAssessment._meta.concrete_fields} - {"id"}

    assert set(assessment._COPIED) == columns
