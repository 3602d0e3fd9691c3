"""Court hearings of a case (issue 19, point 3): scheduled, changed, cancelled or postponed; and the
staff members' secret addresses of the calendar feed."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases import choices
from cases.exceptions import RefusedChange
from cases.models import CalendarFeedToken, Case, ChangeRecord, Hearing, hash_calendar_token
from cases.services.base import note_change, validated_save

Action = ChangeRecord.Action

# What `change_hearing` may change besides the day and time.
HEARING_FIELDS = ("kind", "court", "room", "openness", "note", "internal_note", "is_public")
ENDED_STATES = (choices.HearingState.CANCELLED, choices.HearingState.POSTPONED)


def hearing_start(day: datetime.date, time: datetime.time | None) -> datetime.datetime:
    """The aware start of a hearing on `day` (registry time zone) at `time`; without a time,
    midnight of the day."""
    return timezone.make_aware(datetime.datetime.combine(day, time or datetime.time()))


def _start(starts_at, day, time) -> tuple[datetime.datetime, bool]:
    if starts_at is not None and day is not None:
        raise RefusedChange("Give the hearing's start or its day, not both.")
    if starts_at is not None:
        if timezone.is_naive(starts_at):
            raise RefusedChange({"starts_at": "Give the start with its time zone."})
        return starts_at, True
    if day is None:
        raise RefusedChange({"starts_at": "A hearing needs its day, with the time if it is known."})
    return hearing_start(day, time), time is not None


def _note(hearing: Hearing, action: str) -> None:
    note_change(hearing.case.person, "hearing", hearing.public_id, action, is_public=hearing.is_public)


@transaction.atomic
def schedule_hearing(
    *,
    case: Case,
    court: str,
    starts_at: datetime.datetime | None = None,
    day: datetime.date | None = None,
    time: datetime.time | None = None,
    kind: str = choices.HearingKind.TRIAL,
    room: str = "",
    openness: str = choices.HearingOpenness.UNKNOWN,
    note: str = "",
    internal_note: str = "",
    is_public: bool = False,
    sources=(),
    by=None,
) -> Hearing:
    """Record a hearing of `case`: at `starts_at` (aware), or on `day` at `time` (registry time
    zone; no time: only the day is known). Not public unless `is_public` (staff decide).

    Side effects: the hearing and its sources; a history row with the author; a change-feed entry
    (internal unless the hearing is public).
    """
    starts, time_known = _start(starts_at, day, time)
    hearing = Hearing(
        case=case,
        court=court.strip(),
        starts_at=starts,
        time_known=time_known,
        kind=kind,
        room=room.strip(),
        openness=openness,
        note=note,
        internal_note=internal_note,
        is_public=is_public,
    )
    validated_save(hearing, by)
    if sources:
        hearing.sources.add(*sources)
    _note(hearing, Action.CREATED)
    return hearing


def _locked(hearing: Hearing) -> Hearing:
    return Hearing.objects.select_for_update(of=("self",)).select_related("case__person").get(pk=hearing.pk)


@transaction.atomic
def change_hearing(
    *,
    hearing: Hearing,
    starts_at: datetime.datetime | None = None,
    day: datetime.date | None = None,
    time: datetime.time | None = None,
    sources=None,
    by=None,
    **changes,
) -> Hearing:
    """Change a hearing: any of HEARING_FIELDS, its start (`starts_at`, or `day` with or without
    `time`) and its sources (`sources`: the whole new set). A new start for a cancelled or
    postponed hearing schedules it again.

    Side effects: history row with the author; the sources replaced; a change-feed entry (a hearing
    that stops being public is announced as withdrawn to public readers, so mirrors drop it).
    """
    unknown = set(changes) - set(HEARING_FIELDS)
    if unknown:
        raise RefusedChange(f"These hearing fields cannot be changed here: {', '.join(sorted(unknown))}.")
    hearing = _locked(hearing)
    was_public = hearing.is_public
    if starts_at is not None or day is not None:
        hearing.starts_at, hearing.time_known = _start(starts_at, day, time)
        hearing.state = choices.HearingState.SCHEDULED
    elif time is not None:
        raise RefusedChange({"time": "Give the day with the time."})
    for field, value in changes.items():
        setattr(hearing, field, value.strip() if field in ("court", "room") else value)
    validated_save(hearing, by)
    if sources is not None:
        hearing.sources.set(sources)
    if was_public and not hearing.is_public:
        note_change(hearing.case.person, "hearing", hearing.public_id, Action.WITHDRAWN, is_public=True)
    else:
        _note(hearing, Action.UPDATED)
    return hearing


@transaction.atomic
def cancel_hearing(*, hearing: Hearing, postponed: bool = False, note: str | None = None, by=None) -> Hearing:
    """Mark a hearing cancelled, or postponed (to a day not known yet: `change_hearing` with the
    new day schedules it again). `note` replaces the public note when given.

    Side effects: history row with the author; a change-feed entry.
    """
    hearing = _locked(hearing)
    state = choices.HearingState.POSTPONED if postponed else choices.HearingState.CANCELLED
    if hearing.state == state:
        raise RefusedChange(f"This hearing is already {hearing.get_state_display()}.")
    hearing.state = state
    if note is not None:
        hearing.note = note
    validated_save(hearing, by)
    _note(hearing, Action.UPDATED)
    return hearing


@transaction.atomic
def issue_calendar_token(*, user, by=None) -> str:
    """A new secret address token of the staff calendar feed for `user` (a staff member); the one
    they had is revoked. Returns the token itself, which is kept nowhere: show it once.

    Side effects: the earlier live token revoked; the new token's hash stored.
    """
    if not (user.is_active and user.is_staff):
        raise RefusedChange("Only an active staff member can have a calendar address.")
    revoke_calendar_tokens(user=user)
    token = CalendarFeedToken.new_token()
    CalendarFeedToken.objects.create(user=user, token_hash=hash_calendar_token(token))
    return token


@transaction.atomic
def revoke_calendar_tokens(*, user) -> int:
    """Revoke every live calendar address of `user`; returns how many. Side effects: none else."""
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
