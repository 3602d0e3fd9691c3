"""Partner submissions are moderated by Editors (and Publishers), not only by superusers; accepting
one brings its reported articles into the case as charges, or as charges to review, so a reported
capital charge reaches the risk rules (issue 16, point 8)."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases import choices, services
from cases.models import Charge, ChargeToReview, Claim, Submission
from cases.protection import crypto
from cases.protection.permissions import EDITOR, PUBLISHER, SOURCES, VIEWER
from cases.services import intake
from cases.transfer.notation import parse_charges
from tests.factories import SubmissionFactory, UserFactory, article

D = datetime.date
REPORTER = "reporter +375 00 000 00 00"


@pytest.fixture
def client_for(client):
    def login(*groups):
        client.force_login(UserFactory(groups=list(groups)))
        return client

    return login


def _accept(submission, *, by=None):
    return intake.accept_submission(
        submission=submission, by=by or UserFactory(groups=[EDITOR]), read_articles=parse_charges
    )


def _reported(*articles) -> Submission:
    return SubmissionFactory(
        payload={"name": "Вымыслаў Паведамлены", "detention_date": "2026-11-01", "articles": list(articles)}
    )


def _queue_action(client, action, submission):
    return client.post(
        reverse("admin:cases_submission_changelist"),
        {"action": action, "_selected_action": [submission.pk]},
    )


# Who moderates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("group", [EDITOR, PUBLISHER])
def test_moderation_permissions_are_granted_to_editors_and_publishers(law, group):
    granted = set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))

    assert {"view_submission", "change_submission", "moderate_submission"} <= granted
    assert "delete_submission" not in granted  # deleting stays with superusers


def test_moderation_permissions_are_not_granted_to_viewers(law):
    granted = set(Group.objects.get(name=VIEWER).permissions.values_list("codename", flat=True))

    assert not granted & {"view_submission", "change_submission", "moderate_submission"}


def test_submission_queue_as_editor_offers_accept_and_reject_but_not_delete(law, client_for):
    SubmissionFactory()

    content = client_for(EDITOR).get(reverse("admin:cases_submission_changelist")).content.decode()

    assert "Вымыслаў Паведамлены" in content
    assert 'value="accept_selected"' in content and 'value="reject_selected"' in content
    assert 'value="delete_selected"' not in content


def test_submission_accepted_by_an_editor_in_the_queue_becomes_a_draft_person(law, client_for):
    submission = _reported("ч. 3 ст. 289")
    client = client_for(EDITOR)

    response = _queue_action(client, "accept_selected", submission)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == Submission.State.ACCEPTED
    assert submission.handled_by.groups.filter(name=EDITOR).exists()
    assert submission.person.publication_state == choices.PublicationState.DRAFT
    assert [c.article for c in Charge.objects.filter(case__person=submission.person)] == [article("289.3")]


def test_submission_rejected_by_an_editor_in_the_queue_creates_nothing(law, client_for):
    submission = SubmissionFactory()

    response = _queue_action(client_for(EDITOR), "reject_selected", submission)

    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.state == Submission.State.REJECTED and submission.person is None
    assert submission.handled_at is not None


@pytest.mark.parametrize("action", ["accept_selected", "reject_selected"])
def test_submission_moderation_by_a_viewer_is_refused_and_changes_nothing(law, client_for, action):
    submission = SubmissionFactory()
    client = client_for(VIEWER)

    queue = client.get(reverse("admin:cases_submission_changelist"))
    response = _queue_action(client, action, submission)

    assert queue.status_code == 403 and response.status_code == 403
    submission.refresh_from_db()
    assert submission.state == Submission.State.PENDING and submission.handled_by is None


def test_submission_action_without_the_moderate_permission_is_refused(law, client):
    """Seeing the queue is not moderating it: the actions ask for `moderate_submission` itself."""
    submission = SubmissionFactory()
    reader = UserFactory()
    reader.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_submission", "change_submission"])
    )
    client.force_login(reader)

    queue = client.get(reverse("admin:cases_submission_changelist")).content.decode()
    _queue_action(client, "accept_selected", submission)

    assert "Вымыслаў Паведамлены" in queue and 'value="accept_selected"' not in queue
    submission.refresh_from_db()
    assert submission.state == Submission.State.PENDING


# The report stays confidential ---------------------------------------------------------------------


def test_submission_page_hides_the_reporters_contact_from_an_editor_outside_the_sources_group(
    law, client_for
):
    submission = SubmissionFactory()

    page = client_for(EDITOR).get(reverse("admin:cases_submission_change", args=[submission.pk]))

    content = page.content.decode()
    assert page.status_code == 200 and "Вымыслаў Паведамлены" in content
    assert REPORTER not in content and "Sources group only" in content


def test_submission_page_shows_the_reporters_contact_to_an_editor_in_the_sources_group(law, client_for):
    submission = SubmissionFactory()

    page = client_for(EDITOR, SOURCES).get(reverse("admin:cases_submission_change", args=[submission.pk]))

    assert REPORTER in page.content.decode()


def test_submission_payload_stays_encrypted_at_rest_after_an_editor_accepts_it(law):
    submission = _reported("ч. 3 ст. 289")

    _accept(submission)

    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM cases_submission WHERE id = %s", [submission.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith(crypto.PREFIX) and "Паведамлены" not in raw and "289" not in raw


# Reported articles become charges ------------------------------------------------------------------


def test_accepted_submission_reporting_terrorism_reaches_the_risk_rules(
    law, django_capture_on_commit_callbacks
):
    """'ч. 3 ст. 289' reported by a partner is a capital charge on the new case: assessed at once
    (elevated while the person's sex and birth date are unknown, which a report does not give), and
    critical once staff record a man, his birth date and an act after 2022."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = _accept(_reported("ч. 3 ст. 289"))
    case = submission.person.cases.get()
    case.refresh_from_db()

    assert case.risk_level == "elevated" and not case.risk_stale
    (reason,) = case.assessments.latest("id").reasons
    assert reason["rule"] == "capital_unknown_fact" and reason["article"] == "art. 289 part 3"

    charge = case.charges.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_person(
            person=submission.person,
            sex=choices.Sex.MALE,
            birth_date=D(1990, 4, 12),
            birth_date_precision=choices.DatePrecision.DAY,
        )
        services.update_charge_facts(charge=charge, offence_date=D(2023, 3, 1))
    case.refresh_from_db()

    assert case.status == choices.CaseStatus.DETAINED and charge.state == choices.ChargeState.ACTIVE
    assert case.risk_level == "critical"


def test_accepted_submission_reads_an_attempt_with_the_jurisdictions_attempt_article(law):
    submission = _accept(_reported("ч. 1 ст. 14, ч. 3 ст. 289"))

    charge = Charge.objects.get(case__person=submission.person)

    assert (charge.article, charge.stage) == (article("289.3"), choices.ChargeStage.ATTEMPT)


def test_accepted_submission_with_junk_notation_keeps_it_for_review_not_as_a_charge(law):
    submission = _accept(_reported("вельмі сур'ёзны артыкул"))

    case = submission.person.cases.get()

    assert not case.charges.exists()
    (review,) = case.charges_to_review.all()
    assert review.text == "вельмі сур'ёзны артыкул"
    assert review.reason == "could not be read as an article"
    assert review.stage == choices.ChargeStage.UNKNOWN


def test_accepted_submission_with_an_article_the_law_data_lacks_keeps_it_for_review(law):
    submission = _accept(_reported("ч. 1 ст. 999"))

    case = submission.person.cases.get()

    assert not case.charges.exists()
    (review,) = ChargeToReview.objects.filter(case=case)
    assert (review.text, review.article_number, review.part) == ("ч. 1 ст. 999", "999", "1")
    assert review.reason == "is not in the law data of this jurisdiction"


def test_accepted_submission_charge_cites_a_confidential_source_naming_the_submission(law):
    submission = _accept(_reported("ч. 3 ст. 289"))

    source = Charge.objects.get(case__person=submission.person).source

    assert source.confidential and str(submission.public_id) in source.title
    assert source.contact == "" and source.url == ""


def test_accepted_submission_without_articles_adds_no_charge_and_no_source(law):
    submission = _accept(_reported())

    case = submission.person.cases.get()

    assert not case.charges.exists() and not case.charges_to_review.exists()
    assert not Charge.objects.filter(source__title__contains=str(submission.public_id)).exists()


# Its facts are claims from the partner (issue 17, point 4) ---------------------------------------


def test_an_accepted_submission_s_facts_are_claims_from_the_partner(law):
    submission = SubmissionFactory(
        payload={
            "name": "Вымыслаў Паведамлены",
            "detention_date": "2026-11-01",
            "detention_place": "ИВС Выдуманага РУУС",
            "region": "minsk",
            "source_url": "https://partner.example.org/report/1",
        }
    )

    _accept(submission)

    submission.refresh_from_db()
    got = {
        c.fact: (c.value, c.state, c.as_of)
        for c in Claim.objects.filter(person=submission.person).select_related("source")
    }
    received = timezone.localdate(submission.received_at)
    assert got == {
        "person.region": ("BY:minsk", "accepted", received),
        "case.status": ("detained", "accepted", received),
        "case.detention_date": ({"date": "2026-11-01", "precision": "day"}, "accepted", received),
        "case.detention_place": ("ИВС Выдуманага РУУС", "accepted", received),
    }
    [source] = {c.source for c in Claim.objects.filter(person=submission.person)}
    assert source.confidential and source.reliability == choices.SourceReliability.REPORTED
    assert str(submission.public_id) in source.title and submission.organisation.name in source.title
    assert source.url == "https://partner.example.org/report/1"
    assert [n.source for n in submission.person.names.all()] == [source]  # the name is the partner's too
