"""Designation lists (issue 18, point 5): a state's list of people "involved in terrorist
(or extremist) activity", imported as dated, sourced snapshots, matched against the registry's
people, and each inclusion and removal recorded as a dated, sourced timeline entry.

The snapshots are compared in date order: a person's inclusion is dated by the first snapshot of
the unbroken run that shows their entry (the entry's name and birth date, whether or not the person
was in the registry then), bounded by the snapshot before it; a removal by the first snapshot
without them, bounded by the last one with them. A table that gives the day of inclusion gives it
exactly. Nothing is guessed between two snapshots.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cases import choices, partial_dates
from cases.exceptions import RefusedChange
from cases.identity import announced
from cases.identity.names import name_key
from cases.models import (
    Case,
    Designation,
    DesignationList,
    DesignationSnapshot,
    Person,
    SnapshotEntry,
    Source,
)
from cases.services.base import assess_after_commit, validated_save
from cases.services.cases import record_event
from cases.services.details import remove_event
from cases.services.waves import candidates_for
from cases.wording import catalogue as wording

# A bigger list is split by the person who brings it (the largest lists in the field hold a few
# thousand people); the review screen scores every entry against the registry.
MAX_ENTRIES = 20_000
LIST_FIELDS = ("name", "name_en", "kind", "issued_by", "url", "gives_watch_reason", "is_public")


def entry_key(entry: announced.AnnouncedName) -> str:
    """An entry's identity across snapshots: its name key in any script, and its birth date as
    the list writes it (two namesakes of one list differ by it)."""
    birth = partial_dates.iso(entry.birth_date, entry.birth_precision) if entry.birth_date else ""
    return f"{name_key(entry.name)}|{birth}"


@transaction.atomic
def import_designation_snapshot(
    *,
    designation_list: DesignationList,
    date: datetime.date,
    source: Source,
    entries: list[announced.AnnouncedName],
    by=None,
) -> DesignationSnapshot:
    """Keep a list as published on `date`, citing `source`: every entry as written, with its
    name, spellings, birth date and day of inclusion where the list gives them. Nothing about any
    person is recorded until staff confirm the matches (`confirm_designation_snapshot`).

    Refuses an empty list, a day not yet come, and a day on or before the list's latest snapshot
    (snapshots are compared with the one before them: import the older ones first)."""
    if not entries:
        raise RefusedChange("The list has no names: nothing to import.")
    if len(entries) > MAX_ENTRIES:
        raise RefusedChange(
            f"The list has {len(entries)} names; split it into parts of {MAX_ENTRIES} at most."
        )
    if date > timezone.localdate():
        raise RefusedChange(f"The snapshot's day {date} has not come yet.")
    latest = designation_list.snapshots.order_by("-date").first()
    if latest is not None and date <= latest.date:
        raise RefusedChange(
            f"The list's latest snapshot is of {latest.date}: snapshots are compared with the one "
            "before them, so import the older ones first."
        )
    snapshot = validated_save(
        DesignationSnapshot(designation_list=designation_list, date=date, source=source), by
    )
    SnapshotEntry.objects.bulk_create(
        SnapshotEntry(
            snapshot=snapshot,
            line=entry.line,
            text=entry.text,
            name=entry.name[:500],
            aliases=list(entry.aliases),
            entry_key=entry_key(entry)[:600],
            birth_date=entry.birth_date,
            birth_date_precision=entry.birth_precision if entry.birth_date else choices.DatePrecision.UNKNOWN,
            listed_on=entry.listed_on,
            listed_on_precision=entry.listed_precision if entry.listed_on else choices.DatePrecision.UNKNOWN,
        )
        for entry in _numbered_once(entries)
    )
    return snapshot


def _numbered_once(entries):
    """Entries by their line, each line once (a table's row number, a paste's line)."""
    seen = set()
    for entry in entries:
        if entry.line not in seen:
            seen.add(entry.line)
            yield entry


# Review -------------------------------------------------------------------------------------------


@dataclass
class EntryReview:
    entry: SnapshotEntry
    match: announced.NameMatch
    confirmed_before: int | None = None  # the person confirmed for this entry in an earlier snapshot
    on_list_since: datetime.date | None = None  # the first snapshot of the unbroken run showing it

    @property
    def proposed(self) -> int | None:
        """The person to preselect: the one confirmed for this entry before, else a sure match."""
        return self.entry.person_id or self.confirmed_before or self.match.person_id


@dataclass
class RemovalReview:
    designation: Designation
    maybe_lines: list[int] = field(default_factory=list)  # entries that might still be them

    @property
    def proposed(self) -> bool:
        return not self.maybe_lines


@dataclass
class SnapshotReview:
    snapshot: DesignationSnapshot
    previous: DesignationSnapshot | None
    entries: list[EntryReview]
    removals: list[RemovalReview]

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.entries if row.match.outcome == outcome)


def previous_snapshot(snapshot: DesignationSnapshot) -> DesignationSnapshot | None:
    return (
        DesignationSnapshot.objects.filter(
            designation_list=snapshot.designation_list_id, date__lt=snapshot.date
        )
        .order_by("-date")
        .first()
    )


def review_snapshot(snapshot: DesignationSnapshot) -> SnapshotReview:
    """Each entry matched against the registry's people (matched, ambiguous, unknown), with the
    person confirmed for the same entry in an earlier snapshot proposed again, and the people on
    the list before who are in none of its entries proposed for removal (not proposed where an
    entry might still be them: a person decides)."""
    entries = list(snapshot.entries.order_by("line"))
    earlier = list(
        DesignationSnapshot.objects.filter(
            designation_list=snapshot.designation_list_id, date__lt=snapshot.date
        )
        .order_by("-date")
        .values_list("pk", "date")
    )
    confirmed = _confirmed_before(earlier, [e.entry_key for e in entries])
    runs = _first_in_runs(earlier, [e.entry_key for e in entries], snapshot.date)
    rows = []
    for entry in entries:
        name = announced.AnnouncedName(
            line=entry.line,
            text=entry.text,
            name=entry.name,
            birth_year=entry.birth_date.year if entry.birth_date else None,
            aliases=tuple(entry.aliases),
        )
        rows.append(
            EntryReview(
                entry=entry,
                match=announced.classify(name, candidates_for(name)),
                confirmed_before=confirmed.get(entry.entry_key),
                on_list_since=runs.get(entry.entry_key),
            )
        )
    proposed = {row.proposed for row in rows}
    removals = []
    for designation in (
        Designation.objects.filter(designation_list=snapshot.designation_list_id, removed_on__isnull=True)
        .exclude(person_id__in=[p for p in proposed if p])
        .select_related("person", "last_seen")
        .prefetch_related("person__names")
    ):
        maybe = [
            row.entry.line
            for row in rows
            if designation.person_id in {c.person_id for c in row.match.candidates}
        ]
        removals.append(RemovalReview(designation, maybe))
    return SnapshotReview(snapshot, previous_snapshot(snapshot), rows, removals)


def _confirmed_before(earlier, keys) -> dict[str, int]:
    """For each entry key, the person confirmed for it in the latest earlier snapshot that has one."""
    order = {pk: index for index, (pk, _) in enumerate(earlier)}
    found: dict[str, tuple[int, int]] = {}
    for key, person_id, snapshot_id in SnapshotEntry.objects.filter(
        snapshot_id__in=order, entry_key__in=set(keys), person__isnull=False
    ).values_list("entry_key", "person_id", "snapshot_id"):
        rank = order[snapshot_id]
        if key not in found or rank < found[key][0]:
            found[key] = (rank, person_id)
    return {key: person_id for key, (_, person_id) in found.items()}


def _first_in_runs(earlier, keys, day) -> dict[str, datetime.date]:
    """For each entry key, the day of the first snapshot of the unbroken run of snapshots (ending
    with the one of `day`) whose entries include it."""
    present: dict[int, set[str]] = {}
    for snapshot_id, key in SnapshotEntry.objects.filter(
        snapshot_id__in=[pk for pk, _ in earlier], entry_key__in=set(keys)
    ).values_list("snapshot_id", "entry_key"):
        present.setdefault(snapshot_id, set()).add(key)
    out = {}
    for key in keys:
        since = day
        for pk, date in earlier:  # newest first
            if key not in present.get(pk, ()):
                break
            since = date
        out[key] = since
    return out


# Confirmation -------------------------------------------------------------------------------------


@dataclass
class SnapshotOutcome:
    listed: list[int] = field(default_factory=list)  # people newly recorded on the list
    still_listed: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (person id, why)


@transaction.atomic
def confirm_designation_snapshot(
    *, snapshot: DesignationSnapshot, chosen: dict[int, int], removals=(), by=None
) -> SnapshotOutcome:
    """Record what a reviewed snapshot says: `chosen` maps an entry's line to the registry's
    person it is; `removals` are the people on the list before whom staff confirmed are no longer
    on it.

    Each person newly on the list gets a designation dated by the snapshots (or by the day the
    list gives) and an 'included' entry on their latest case, citing the snapshots' sources; each
    removal ends the designation with a 'removed' entry. Refuses a snapshot of a list with a later
    snapshot already confirmed (they are compared in date order). Side effects: history rows; the
    entries are as public as the list says; on a list that gives a watch reason, every case of the
    people concerned is assessed after commit."""
    snapshot = (
        DesignationSnapshot.objects.select_for_update()
        .select_related("designation_list", "source")
        .get(pk=snapshot.pk)
    )
    designation_list = snapshot.designation_list
    later = designation_list.snapshots.filter(date__gt=snapshot.date, confirmed_at__isnull=False).first()
    if later is not None:
        raise RefusedChange(
            f"The snapshot of {later.date} is already confirmed: snapshots are compared in date "
            "order, so a person's inclusion or removal would be dated wrongly."
        )
    entries = {entry.line: entry for entry in snapshot.entries.all()}
    people = {p.pk: p for p in Person.objects.filter(pk__in=set(chosen.values()), merged_into__isnull=True)}
    outcome = SnapshotOutcome()
    entry_of: dict[int, SnapshotEntry] = {}
    for line, person_id in sorted(chosen.items()):
        entry = entries.get(line)
        if entry is None:
            continue
        if person_id not in people:
            outcome.refused.append((person_id, "not in the registry (merged or removed)"))
            continue
        if person_id in entry_of:
            outcome.refused.append(
                (person_id, f"chosen for lines {entry_of[person_id].line} and {line}: kept the first")
            )
            continue
        entry_of[person_id] = entry
    person_at_line = {entry.line: person_id for person_id, entry in entry_of.items()}
    for entry in entries.values():
        entry.person_id = person_at_line.get(entry.line)
    SnapshotEntry.objects.bulk_update(entries.values(), ["person"])

    earlier = list(
        designation_list.snapshots.filter(date__lt=snapshot.date).order_by("-date").values_list("pk", "date")
    )
    runs = _first_in_runs(earlier, [e.entry_key for e in entry_of.values()], snapshot.date)
    snapshots_by_day = {s.date: s for s in designation_list.snapshots.select_related("source")}
    touched: set[int] = set()
    for person_id, entry in sorted(entry_of.items()):
        open_designation = Designation.objects.filter(
            person_id=person_id, designation_list=designation_list, removed_on__isnull=True
        ).first()
        if open_designation is not None:
            if open_designation.last_seen is None or open_designation.last_seen.date < snapshot.date:
                open_designation.last_seen = snapshot
                validated_save(open_designation, by)
            outcome.still_listed.append(person_id)
            continue
        first = snapshots_by_day[runs[entry.entry_key]]
        before = next((day for _, day in earlier if day < first.date), None)
        designation = Designation(
            person=people[person_id],
            designation_list=designation_list,
            first_seen=first,
            last_seen=snapshot,
        )
        if entry.listed_on:
            designation.listed_on, designation.listed_on_precision = (
                entry.listed_on,
                entry.listed_on_precision,
            )
            designation.listed_on_given = True
        else:
            designation.listed_on, designation.listed_on_precision = first.date, choices.DatePrecision.DAY
            designation.listed_after = before
        designation.listed_event = _entry_on_latest_case(
            people[person_id],
            kind=choices.EventKind.DESIGNATED,
            date=designation.listed_on,
            date_precision=designation.listed_on_precision,
            message=_listed_message(designation, first),
            designation_list=designation_list,
            sources={first.source, snapshot.source},
            by=by,
        )
        validated_save(designation, by)
        outcome.listed.append(person_id)
        touched.add(person_id)

    for designation in Designation.objects.filter(
        designation_list=designation_list, removed_on__isnull=True, person_id__in=set(removals)
    ).select_related("person", "last_seen"):
        if designation.person_id in entry_of:
            outcome.refused.append(
                (designation.person_id, "chosen for an entry of this snapshot: still on it")
            )
            continue
        seen = designation.last_seen.date if designation.last_seen else designation.listed_on
        designation.removed_on, designation.removed_after, designation.removed_in = (
            snapshot.date,
            seen,
            snapshot,
        )
        designation.removed_event = _entry_on_latest_case(
            designation.person,
            kind=choices.EventKind.DELISTED,
            date=snapshot.date,
            date_precision=choices.DatePrecision.DAY,
            text=(
                f"No longer in the list “{designation_list}”: not in its snapshot of {snapshot.date}, "
                f"in the one of {seen}."
            ),
            designation_list=designation_list,
            sources={snapshot.source},
            by=by,
        )
        validated_save(designation, by)
        outcome.removed.append(designation.person_id)
        touched.add(designation.person_id)

    snapshot.confirmed_at = timezone.now()
    validated_save(snapshot, by)
    if designation_list.gives_watch_reason and touched:
        assess_after_commit(Case.objects.filter(person_id__in=touched).values_list("pk", flat=True))
    return outcome


def _listed_message(designation: Designation, first: DesignationSnapshot) -> dict:
    """The timeline entry of an inclusion, a message (cases.wording) shown in the reader's language."""
    listed_in = designation.designation_list
    said = {"list": {"name": listed_in.name, "en": listed_in.name_en}, "seen": str(first.date)}
    if designation.listed_on_given:
        return wording.message("designation_listed_given", **said)
    if designation.listed_after:
        return wording.message("designation_listed_after", after=str(designation.listed_after), **said)
    return wording.message("designation_listed", **said)


def _entry_on_latest_case(person: Person, *, designation_list, sources, **fields):
    """A person's designation is theirs, not a case's: its timeline entry goes on their latest
    case (the one read first); a person without a case gets none (the designation is kept)."""
    case = person.cases.order_by("-pk").first()
    if case is None:
        return None
    return record_event(
        case=case,
        is_public=designation_list.is_public,
        sources=sorted(sources, key=lambda s: s.pk),
        **fields,
    )


@transaction.atomic
def undo_designation(*, designation: Designation, by=None) -> None:
    """Undo a wrong match: the designation and its timeline entries go (their history keeps
    them), and the snapshots' entries no longer point at the person. Side effects: as for
    `remove_event`; the person's cases are assessed after commit."""
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    for event in (designation.listed_event, designation.removed_event):
        if event is not None:
            remove_event(event=event, by=by)
    SnapshotEntry.objects.filter(
        snapshot__designation_list=designation.designation_list_id, person_id=designation.person_id
    ).update(person=None)
    if by is not None:
        designation._history_user = by
    person_id, gives_reason = designation.person_id, designation.designation_list.gives_watch_reason
    designation.delete()
    if gives_reason:
        assess_after_commit(Case.objects.filter(person_id=person_id).values_list("pk", flat=True))


@transaction.atomic
def save_designation_list(*, designation_list: DesignationList, by=None) -> DesignationList:
    """Create or edit a list. Whether it gives a watch reason is read by the rules, so a change
    of it asks for the assessment of every case of its people."""
    before = (
        DesignationList.objects.filter(pk=designation_list.pk)
        .values_list("gives_watch_reason", flat=True)
        .first()
    )
    validated_save(designation_list, by)
    if before is not None and before != designation_list.gives_watch_reason:
        people = Designation.objects.filter(designation_list=designation_list).values("person_id")
        assess_after_commit(Case.objects.filter(person_id__in=people).values_list("pk", flat=True))
    return designation_list
