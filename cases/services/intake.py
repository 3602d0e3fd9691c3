"""Partner submissions: received, moderated by staff, turned into records through the services,
and their raw payload deleted after the retention period. The payload (names, description, the
reporter's contact) is encrypted at rest like every other confidential field."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import Jurisdiction, Region, Submission


def _jsonable(payload: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in payload.items()}


def receive_submission(*, organisation, payload: dict) -> Submission:
    """Store a partner's report for moderation, encrypted at rest. Nothing about it is public."""
    return Submission.objects.create(organisation=organisation, payload=_jsonable(payload))


@transaction.atomic
def accept_submission(
    *, submission: Submission, by, jurisdiction_code: str = "BY", note: str = ""
) -> Submission:
    """Create a draft person and case from a pending submission, through the services.

    The person stays a draft: publishing is a separate decision by a publisher.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.PENDING:
        raise RefusedChange(f"This submission is already {submission.get_state_display()}.")
    if submission.payload is None:
        raise RefusedChange("The submission's content was deleted after the retention period.")
    data = submission.payload
    names = [services.NameSpec(data["name"], _script(data["name"]), _kind(data["name"]), is_primary=True)]
    names += [
        services.NameSpec(n, _script(n), choices.NameKind.ALIAS)
        for n in data.get("other_names", [])
        if n.strip() and n.strip() != data["name"].strip()
    ]
    jurisdiction = Jurisdiction.objects.get(code=jurisdiction_code)
    region = Region.objects.filter(jurisdiction=jurisdiction, code=data.get("region") or "").first()
    person = services.create_person(
        names=names,
        region=region,
        by=by,
        internal_notes=_notes(submission),
        contacts=_reporter_contact(submission),
    )
    detention = data.get("detention_date")
    services.create_case(
        person=person,
        jurisdiction=jurisdiction,
        by=by,
        detention_date=datetime.date.fromisoformat(detention) if detention else None,
        detention_place=data.get("detention_place", ""),
    )
    submission.state, submission.handled_at, submission.handled_by = (
        Submission.State.ACCEPTED,
        timezone.now(),
        by,
    )
    submission.person, submission.moderation_note = person, note
    submission.save()
    return submission


def reject_submission(*, submission: Submission, by, note: str) -> Submission:
    if submission.state != Submission.State.PENDING:
        raise RefusedChange(f"This submission is already {submission.get_state_display()}.")
    submission.state, submission.handled_at, submission.handled_by = (
        Submission.State.REJECTED,
        timezone.now(),
        by,
    )
    submission.moderation_note = note
    submission.save()
    return submission


def _script(text: str) -> str:
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return choices.Script.BE_CYRILLIC if any(ch in "іўІЎ" for ch in text) else choices.Script.RU_CYRILLIC
    return choices.Script.LATIN


def _kind(text: str) -> str:
    return {
        choices.Script.BE_CYRILLIC: choices.NameKind.OFFICIAL_BE,
        choices.Script.RU_CYRILLIC: choices.NameKind.OFFICIAL_RU,
    }.get(_script(text), choices.NameKind.OTHER_LATIN)


def _reporter_contact(submission: Submission) -> str:
    """Who reported it and how to reach them: a contact, so for the Sources group only."""
    contact = (submission.payload.get("contact") or "").strip()
    return f"Reporter (partner submission {submission.public_id}): {contact}" if contact else ""


def _notes(submission: Submission) -> str:
    data = submission.payload
    lines = [f"From partner submission {submission.public_id} ({submission.organisation})."]
    for label, key in (
        ("Articles as reported", "articles"),
        ("Description", "description"),
        ("Source", "source_url"),
    ):
        value = data.get(key)
        if value:
            lines.append(f"{label}: {', '.join(value) if isinstance(value, list) else value}")
    return "\n".join(lines)
