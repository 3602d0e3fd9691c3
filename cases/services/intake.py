"""Partner submissions: received, moderated by staff, turned into records through the services,
and their raw payload deleted after the retention period. The payload (names, description, the
reporter's contact) is encrypted at rest like every other confidential field."""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from cases import choices, services
from cases.exceptions import RefusedChange
from cases.models import Jurisdiction, Region, Source, Submission
from cases.services import claims


def _jsonable(payload: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime.date) else v) for k, v in payload.items()}


def receive_submission(*, organisation, payload: dict) -> Submission:
    """Store a partner's report for moderation, encrypted at rest. Nothing about it is public."""
    return Submission.objects.create(organisation=organisation, payload=_jsonable(payload))


@transaction.atomic
def accept_submission(
    *,
    submission: Submission,
    by,
    read_articles: Callable,
    jurisdiction_code: str = "BY",
    note: str = "",
) -> Submission:
    """Create a draft person and case from a pending submission, through the services, and bring
    the articles it reports into the case.

    `read_articles` is `cases.transfer.notation.parse_charges` (passed in: services do not import
    transfer); each reported article text is read with the jurisdiction's attempt and preparation
    articles, and `add_reported_charges` turns what the law data knows into charges and the rest
    into charges to review. The charges cite one confidential source naming the submission, so
    the public sees a charge, never who reported it.

    Side effects: those of `create_person`, `create_case` and `add_reported_charges` (the case is
    assessed after commit); one confidential source naming the submission and the partner, and
    each fact it reported (region, detention date and place) an accepted claim from that source;
    the submission is marked accepted by `by`. The person stays a draft:
    publishing is a separate decision by a publisher.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.PENDING:
        raise RefusedChange(f"This submission is already {submission.get_state_display()}.")
    if submission.payload is None:
        raise RefusedChange("The submission's content was deleted after the retention period.")
    data = submission.payload
    # The partner is the source of what it reported: each name, and each fact as its claim.
    source = _partner_source(submission, by)
    as_of = timezone.localdate(submission.received_at)
    names = [
        services.NameSpec(
            data["name"],
            _script(data["name"]),
            _kind(data["name"]),
            is_primary=True,
            source=source,
            as_of=as_of,
        )
    ]
    names += [
        services.NameSpec(n, _script(n), choices.NameKind.ALIAS, source=source, as_of=as_of)
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
    case = services.create_case(
        person=person,
        jurisdiction=jurisdiction,
        by=by,
        detention_date=datetime.date.fromisoformat(detention) if detention else None,
        detention_place=data.get("detention_place", ""),
    )
    claims.claim_values_of_new_record(
        person=person, fact_keys=["person.region"], source=source, as_of=as_of, by=by
    )
    claims.claim_values_of_new_record(
        person=person,
        case=case,
        fact_keys=["case.status", "case.detention_date", "case.detention_place"],
        source=source,
        as_of=as_of,
        by=by,
    )
    _add_reported_articles(submission, case, read_articles, source, by)
    submission.state, submission.handled_at, submission.handled_by = (
        Submission.State.ACCEPTED,
        timezone.now(),
        by,
    )
    submission.person, submission.moderation_note = person, note
    submission.save()
    return submission


def _partner_source(submission: Submission, by) -> Source:
    """One confidential source per submission, naming it and the partner: the public sees the
    facts, never who reported them; staff resolving a charge to review cite it."""
    return services.save_detail(
        instance=Source(
            kind=choices.SourceKind.HUMAN_RIGHTS,
            title=f"Partner submission {submission.public_id} ({submission.organisation})"[:300],
            url=(submission.payload.get("source_url") or "")[:1000],
            confidential=True,
            reliability=choices.SourceReliability.REPORTED,
        ),
        by=by,
    )


def _add_reported_articles(submission: Submission, case, read_articles: Callable, source, by) -> None:
    texts = [text for text in submission.payload.get("articles") or [] if text.strip()]
    if not texts:
        return
    jurisdiction = case.jurisdiction
    charges, problems = [], []
    for text in texts:
        read = read_articles(
            text,
            attempt_article=jurisdiction.attempt_article,
            preparation_article=jurisdiction.preparation_article,
            country=jurisdiction.code,
        )
        charges += read.charges
        problems += read.problems
    services.add_reported_charges(case=case, charges=charges, problems=problems, source=source, by=by)


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
