"""A partner reads back the state of its own submissions, and only its own (issue 16, point 8):
`GET /api/v1/submissions/` and `GET /api/v1/submissions/<id>/`."""

import json
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Submission
from cases.protection.permissions import EDITOR
from cases.services import intake
from cases.transfer.notation import parse_charges
from tests.factories import OrganisationFactory, SubmissionFactory, UserFactory

FIELDS = {"id", "state", "received_at", "handled_at", "person", "person_url"}
REPORT = {
    "name": "Вымыслаў Адпраўлены",
    "detention_date": "2026-11-01",
    "articles": ["ч. 3 ст. 289"],
    "description": "CANARYdescription of the detention",
    "contact": "CANARYreporter +375 00 000 00 00",
}


@pytest.fixture
def partner(api_client_for):
    """A client with the write:submissions key of the `organisation` fixture."""
    return api_client_for("key:write:submissions")


def _own(organisation, **payload) -> Submission:
    return SubmissionFactory(organisation=organisation, payload={**REPORT, **payload})


def _detail(submission_or_id):
    public_id = getattr(submission_or_id, "public_id", submission_or_id)
    return reverse("api:submission-detail", args=[public_id])


def _accept(submission, note="CANARYnote for staff only"):
    moderator = UserFactory(groups=[EDITOR], username=f"moderator-canary-{uuid.uuid4().hex[:8]}")
    return intake.accept_submission(
        submission=submission, by=moderator, read_articles=parse_charges, note=note
    )


def test_submission_list_holds_only_the_keys_own_organisation(partner, organisation):
    mine = [_own(organisation), _own(organisation)]
    theirs = _own(OrganisationFactory())

    body = partner.get(reverse("api:submission-list")).json()

    assert body["count"] == 2
    assert {row["id"] for row in body["results"]} == {str(s.public_id) for s in mine}
    assert str(theirs.public_id) not in json.dumps(body)


def test_submission_list_is_newest_first_and_paginated(partner, organisation):
    older, newer = _own(organisation), _own(organisation)

    body = partner.get(reverse("api:submission-list"), {"page_size": 1}).json()

    assert body["count"] == 2 and body["next"] is not None
    assert [row["id"] for row in body["results"]] == [str(newer.public_id)]
    assert str(older.public_id) in json.dumps(partner.get(body["next"]).json())


def test_submission_detail_pending_gives_its_state_and_nothing_of_the_report(partner, organisation):
    submission = _own(organisation)

    response = partner.get(_detail(submission))

    body = response.json()
    assert response.status_code == 200 and set(body) == FIELDS
    assert body["id"] == str(submission.public_id) and body["state"] == "pending"
    assert body["handled_at"] is None and body["person"] is None and body["person_url"] is None
    assert "CANARY" not in response.content.decode() and "Адпраўлены" not in response.content.decode()


def test_submission_detail_of_another_organisation_answers_as_a_missing_one(partner, organisation):
    theirs = _own(OrganisationFactory())

    hidden = partner.get(_detail(theirs))
    missing = partner.get(_detail(uuid.uuid4()))

    assert hidden.status_code == 404
    assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content)
    assert str(theirs.public_id) not in hidden.content.decode()


@pytest.mark.parametrize(
    ("caller", "status"),
    [
        ("anonymous", 401),
        ("key:read:public", 403),
        ("key:read:restricted", 403),
        ("key:webhooks", 403),
        ("staff:publisher", 403),
    ],
)
def test_submission_readback_without_the_submissions_scope_is_refused(
    api_client_for, organisation, caller, status
):
    submission = _own(organisation)
    client = api_client_for(caller)

    listed = client.get(reverse("api:submission-list"))
    detail = client.get(_detail(submission))

    assert (listed.status_code, detail.status_code) == (status, status)
    assert str(submission.public_id) not in listed.content.decode() + detail.content.decode()


def test_accepted_submission_names_its_person_only_once_published(partner, organisation):
    submission = _accept(_own(organisation))
    person = submission.person

    draft = partner.get(_detail(submission)).json()
    services.publish_person(person=person)
    published = partner.get(_detail(submission))

    assert draft["state"] == "accepted" and draft["handled_at"] is not None
    assert draft["person"] is None and draft["person_url"] is None
    body = published.json()
    assert body["person"] == person.slug
    assert body["person_url"] == f"http://testserver{reverse('api:person-detail', args=[person.slug])}"
    content = published.content.decode()
    assert "CANARYnote" not in content and "moderator-canary" not in content  # staff's, not the partner's


def test_accepted_submission_whose_person_is_withdrawn_names_no_person_again(partner, organisation):
    submission = _accept(_own(organisation))
    services.publish_person(person=submission.person)
    services.withdraw_person(person=submission.person)

    body = partner.get(_detail(submission)).json()

    assert body["state"] == "accepted" and body["person"] is None and body["person_url"] is None
    assert submission.person.slug not in json.dumps(body)


def test_rejected_submission_reads_back_as_rejected_without_the_moderation_note(partner, organisation):
    submission = _own(organisation)
    intake.reject_submission(
        submission=submission, by=UserFactory(), note="CANARYduplicate of another report"
    )

    response = partner.get(_detail(submission))

    assert response.json()["state"] == "rejected" and response.json()["handled_at"] is not None
    assert "CANARY" not in response.content.decode()


def test_submission_readback_does_not_use_up_the_reporting_rate(partner, organisation, settings):
    settings.API_THROTTLE_SUBMISSIONS = "1/min"
    cache.clear()
    _own(organisation)

    reads = [partner.get(reverse("api:submission-list")).status_code for _ in range(3)]
    report = partner.post(reverse("api:submission-list"), {"name": "Вымыслаў Новы"}, format="json")
    cache.clear()

    assert reads == [200, 200, 200] and report.status_code == 201


def test_submission_list_uses_the_same_number_of_queries_for_1_and_30_rows(partner, organisation):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = partner.get(reverse("api:submission-list"))
        assert response.status_code == 200
        return len(queries), response.json()["count"]

    published = _accept(_own(organisation))
    services.publish_person(person=published.person)
    count_queries()  # the key's first use of the period also records when it was used
    one = count_queries()
    for index in range(29):
        submission = _own(organisation)
        if index % 3 == 0:
            accepted = _accept(submission)
            if index % 2 == 0:
                services.publish_person(person=accepted.person)
    many = count_queries()

    assert one[1] == 1 and many[1] == 30
    assert many[0] == one[0]
