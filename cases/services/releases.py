"""Recording how people leave custody (issue 18): a case's release, its correction, and what it
changes (the status, the open stay, the risk)."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases import choices, partial_dates
from cases.exceptions import RefusedChange
from cases.models import Case, ChangeRecord, Release, latest_event, release_event_kinds
from cases.services.base import assess_after_commit, note_change, validated_save
from cases.services.cases import _lock_case, correct_stay, record_event, redate_event, update_case

Action = ChangeRecord.Action

# What a release records besides its day; the day is its timeline entry's (Release's docstring).
RELEASE_FIELDS = ("how", "destination_country", "documents_withheld", "family_left_behind", "wave")
# Ways out that take the person across the border when the release names another country.
EXPELLING = (choices.ReleaseKind.PARDON, choices.ReleaseKind.EXCHANGE, choices.ReleaseKind.DEPORTATION)


def status_after_release(*, how: str, destination_country: str, jurisdiction_code: str) -> str:
    """The case status a release leaves: a pardon or a deal that took the person to another
    country is "released and expelled" (the 2025 deals), a death in custody is that."""
    abroad = bool(destination_country) and destination_country != jurisdiction_code[:2]
    if how in EXPELLING and abroad:
        return choices.CaseStatus.DEPORTED
    return choices.RELEASE_STATUS.get(how, choices.CaseStatus.RELEASED)


def check_release_day(case: Case, day: datetime.date, precision: str, *, today=None) -> None:
    """A release is recorded once it has happened (the expected one follows from the term), and
    not before the detention: compared as ranges of days, so "2025" after a detention in
    March 2025 stands."""
    today = today or timezone.localdate()
    days = partial_dates.period(day, precision)
    if days is None:
        raise RefusedChange({"date": "A release needs its day, or at least its year."})
    if days[0] > today:
        happened = "A release is recorded once it has happened; the expected release follows from the term."
        raise RefusedChange({"date": happened})
    detained = partial_dates.period(case.detention_date, case.detention_date_precision)
    if detained and days[1] < detained[0]:
        raise RefusedChange({"date": "The release cannot come before the detention."})


@transaction.atomic
def record_release(
    *,
    case: Case,
    how: str,
    date: datetime.date,
    date_precision: str = choices.DatePrecision.DAY,
    destination_country: str = "",
    documents_withheld: str = "",
    family_left_behind: str = "",
    sources=(),
    is_public: bool = True,
    text: str = "",
    wave=None,
    by=None,
) -> Release:
    """Record how, when and to where the person left custody in `case` (in `wave`, when the
    person was released with others in one deal: cases.services.waves).

    A release entered earlier as a bare timeline entry (an import's release date) is that same
    entry: it is moved to `date` if another day is given, never doubled. A release that a status
    alone made (no day yet) is completed; one with its day is refused (`correct_release` it).

    Side effects: the dated 'released' entry (a 'died' one for a death in custody) with its
    sources; the case's status follows (released, pardoned, released and expelled, died in
    custody); the open facility stay ends on the release day; history rows; a change-feed entry;
    the case queued for assessment after commit (its risk ends, with a reason).
    """
    case = _lock_case(case.pk)
    release = Release.objects.filter(case=case).first()
    if release is not None and release.event is not None and case.status in choices.RELEASE_STATUSES:
        raise RefusedChange("This case's release is already recorded: correct it instead.")
    check_release_day(case, date, date_precision)
    release = release or Release(case=case)
    release.how, release.destination_country = how, destination_country
    release.documents_withheld, release.family_left_behind = documents_withheld, family_left_behind
    release.wave = wave
    validated_save(release, by)
    # The status first: the release entry then meets a case that says the person is out (no
    # "released but held" flag raised and closed again in the same breath).
    _status_follows(case, release, by)
    kinds = release_event_kinds(how)
    event = latest_event(case.events.all(), kinds)
    if event is None:
        event = record_event(
            case=case,
            kind=kinds[0],
            date=date,
            date_precision=date_precision,
            text=text,
            is_public=is_public,
            sources=sources,
            by=by,
        )
    else:
        if (event.date, event.date_precision) != partial_dates.normalised(date, date_precision):
            event = redate_event(event=event, date=date, date_precision=date_precision, by=by)
        event.sources.add(*sources)
    _follow_release(case, release, event, by)
    return release


@transaction.atomic
def correct_release(
    *, release: Release, date=None, date_precision: str | None = None, sources=(), by=None, **changes
) -> Release:
    """Correct a recorded release: how, where, what was withheld, the family, or its day (which
    moves its timeline entry, never makes a second one). History keeps what it said before.

    Side effects: as `record_release` for the status, the open stay and the assessment.
    """
    unknown = set(changes) - set(RELEASE_FIELDS)
    if unknown:
        raise RefusedChange(f"These release fields cannot be corrected: {', '.join(sorted(unknown))}.")
    case = _lock_case(release.case_id)
    release = Release.objects.get(pk=release.pk)
    event = latest_event(case.events.all(), release.event_kinds)
    for field, value in changes.items():
        setattr(release, field, value)
    validated_save(release, by)
    _status_follows(case, release, by)
    if event is not None and event.kind not in release.event_kinds:
        # A release found to be a death in custody (or the reverse): the same entry, another kind.
        event.kind = release.event_kinds[0]
        validated_save(event, by)
    if date is not None:
        precision = date_precision or (event.date_precision if event else choices.DatePrecision.DAY)
        check_release_day(case, date, precision)
        if event is None:
            event = record_event(
                case=case,
                kind=release.event_kinds[0],
                date=date,
                date_precision=precision,
                is_public=True,
                by=by,
            )
        elif (event.date, event.date_precision) != partial_dates.normalised(date, precision):
            event = redate_event(event=event, date=date, date_precision=precision, by=by)
    if event is not None and sources:
        event.sources.add(*sources)
    _follow_release(case, release, event, by)
    return release


def _status_follows(case: Case, release: Release, by) -> None:
    status = status_after_release(
        how=release.how,
        destination_country=release.destination_country,
        jurisdiction_code=case.jurisdiction.code,
    )
    if case.status != status:
        update_case(case=case, status=status, by=by)
        case.status = status


def _follow_release(case: Case, release: Release, event, by) -> None:
    """What a release changes besides itself and the status: the open stay, the change feed, the risk."""
    if event is not None and event.date_precision == choices.DatePrecision.DAY:
        # Only a known day can close a stay: a stay's end is a day the person was still held.
        for stay in case.stays.filter(end_date__isnull=True, start_date__lte=event.date):
            correct_stay(stay=stay, end_date=event.date, end_date_precision=choices.DatePrecision.DAY, by=by)
    is_public = event.is_public if event is not None else False
    note_change(case.person, "case", case.public_id, Action.UPDATED, is_public=is_public)
    assess_after_commit([case.id])
