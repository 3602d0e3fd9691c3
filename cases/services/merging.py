"""Merging two records of one person, and undoing it (docs/identity.md).

A merge moves everything the merged record holds to the kept one and writes down, in
`PersonMerge.moved`, the id of every row it moved and every fact it filled in, so that undo moves
exactly those back. Nothing is deleted: a spelling the kept person already has stays on the merged
record, which is kept (hidden, `merged_into` set) for as long as the merge may be undone.
"""

import contextlib
import copy
import datetime

from django.db import transaction
from django.utils import timezone

from cases import choices
from cases.exceptions import PublicationRefused, RefusedChange
from cases.identity.duplicates import birth_dates_compatible
from cases.models import (
    Case,
    ChangeRecord,
    Charge,
    Claim,
    Designation,
    DuplicateCandidate,
    ExternalIdentifier,
    Person,
    PersonMerge,
    PersonName,
    SnapshotEntry,
    Submission,
)
from cases.services.base import assess_after_commit, note_change, validated_save
from cases.services.people import publish_person, withdraw_person

Action = ChangeRecord.Action
Precision = choices.DatePrecision

# Facts of the kept person that the merged record fills in when the kept one does not know them.
_EMPTY = {
    "sex": choices.Sex.UNKNOWN,
    "is_official_or_military": None,
    "region_id": None,
    "citizenship": "",
    "occupation": "",
    "biography": "",
    "internal_notes": "",
}
_PRECISION_RANK = {Precision.UNKNOWN: 0, Precision.YEAR: 1, Precision.MONTH: 2, Precision.DAY: 3}


def _lock_people(*people) -> dict[int, Person]:
    """Lock the rows in id order, so two merges of overlapping people cannot deadlock."""
    ids = sorted(p.pk for p in people)
    return {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _move(instance, field: str, person: Person, by) -> None:
    setattr(instance, field, person)
    if by is not None:
        instance._history_user = by
    instance.save()


def _as_json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _from_json(field: str, value):
    return datetime.date.fromisoformat(value) if field == "birth_date" and value else value


def _filled_translations(kept: Person, merged: Person, fields: list[str]) -> dict[str, tuple]:
    """The translations of the texts taken from the merged record, beside the kept one's."""
    translations = copy.deepcopy(kept.translations)
    for language, given in merged.translations.items():
        for field in fields:
            if field in given and field not in translations.get(language, {}):
                translations.setdefault(language, {})[field] = given[field]
    return {"translations": (kept.translations, translations)} if translations != kept.translations else {}


def _filled_facts(kept: Person, merged: Person) -> dict[str, tuple]:
    """field -> (kept's value, merged's value) for each fact the merged record adds or refines."""
    filled = {}
    # Free text comes with the language it is written in (issue 20, point 3): a text of the merged
    # record is taken when the kept one has none at all (its language too), or when both write in
    # one language; never into a record that writes in another, where it would be mislabelled.
    texts = Person.TRANSLATABLE_FIELDS
    kept_writes = any(getattr(kept, f) for f in texts) or bool(kept.translations)
    takes_texts = not kept_writes or kept.content_language == merged.content_language
    for field, empty in _EMPTY.items():
        if field in texts and not takes_texts:
            continue
        ours, theirs = getattr(kept, field), getattr(merged, field)
        if ours == empty and theirs != empty:
            filled[field] = (ours, theirs)
    if takes_texts:
        taken = [f for f in texts if f in filled or not kept_writes]
        filled.update(_filled_translations(kept, merged, taken))
        took = any(f in filled for f in (*texts, "translations"))
        if not kept_writes and took and kept.content_language != merged.content_language:
            filled["content_language"] = (kept.content_language, merged.content_language)
    # A birth date is taken when unknown, or when the merged one is more precise and compatible.

    finer = _PRECISION_RANK[merged.birth_date_precision] > _PRECISION_RANK[kept.birth_date_precision]
    if finer and (
        kept.birth_date is None
        or birth_dates_compatible(
            kept.birth_date, kept.birth_date_precision, merged.birth_date, merged.birth_date_precision
        )
    ):
        filled["birth_date"] = (kept.birth_date, merged.birth_date)
        filled["birth_date_precision"] = (kept.birth_date_precision, merged.birth_date_precision)
    return filled


@transaction.atomic
def merge_people(*, kept: Person, merged: Person, by=None) -> PersonMerge:
    """Merge the record `merged` into `kept`: one person, with everything both records hold.

    Refused for a person merged into themselves and when either record is already merged.
    Side effects, all recorded in the returned PersonMerge so `undo_merge` can reverse them:
    `merged`'s names (its primary name becomes a non-primary name of `kept`; a spelling `kept`
    already has stays behind), external identifiers, designations (one on a list `kept` is on now
    stays behind) and the snapshot entries matched to it, cases (with their charges, events, stays,
    claims, assessments and alerts), change records and partner submissions move to `kept`; facts `kept`
    does not know (a birth date, or a more precise one that agrees, sex, region, ...) are filled in
    from `merged`; `merged` is withdrawn from the public pages if it was published and points to
    `kept` from then on; a listed duplicate pair of the two is marked merged. History rows carry
    `by`, the feed notes the change, and every case of both is re-assessed after commit (sex and
    birth date can move a risk level).

    Merging into a published person publishes what the merged record brings: staff confirm that
    on the comparison page.
    """
    if kept.pk == merged.pk:
        raise RefusedChange("A person cannot be merged into themselves.")
    locked = _lock_people(kept, merged)
    kept, merged = locked[kept.pk], locked[merged.pk]
    if merged.merged_into_id:
        raise RefusedChange(f"{merged} was already merged into another record.")
    if kept.merged_into_id:
        raise RefusedChange(f"{kept} was merged into another record; merge into that record instead.")

    # The journal and the submissions first, before this merge writes journal entries of its own.
    change_ids = list(ChangeRecord.objects.filter(person=merged).values_list("id", flat=True))
    ChangeRecord.objects.filter(id__in=change_ids).update(person=kept)
    submission_ids = list(Submission.objects.filter(person=merged).values_list("id", flat=True))
    Submission.objects.filter(id__in=submission_ids).update(person=kept)

    kept_spellings = set(kept.names.values_list("text", "kind"))
    name_ids, left_behind, primary_id = [], [], None
    for name in merged.names.order_by("id"):
        if (name.text, name.kind) in kept_spellings:
            left_behind.append(name.id)
            continue
        if name.is_primary:
            primary_id = name.id
            name.is_primary = False
        _move(name, "person", kept, by)
        name_ids.append(name.id)

    external_ids = []
    for identifier in merged.external_ids.order_by("id"):
        _move(identifier, "person", kept, by)
        external_ids.append(identifier.id)

    case_ids = []
    for case in merged.cases.order_by("id"):
        _move(case, "person", kept, by)
        case_ids.append(case.id)
    # Each charge carries a copy of its case's person (on PostgreSQL a composite foreign key
    # already followed the case; on SQLite nothing does): set it on both, with history.
    for charge in Charge.objects.filter(case_id__in=case_ids).order_by("id"):
        _move(charge, "person", kept, by)
    # What each source says of a case (its facts, its charges', its stays') is the case's: it is
    # weighed on the person the case belongs to. The person's own claims stay on the merged record.
    for claim in Claim.objects.filter(case_id__in=case_ids).order_by("id"):
        _move(claim, "person", kept, by)

    # The lists the person is on (issue 18, point 5) are the person's: they move, except one on a
    # list `kept` is already on (one time on a list at once), which stays behind for staff to see.
    open_lists = set(
        kept.designations.filter(removed_on__isnull=True).values_list("designation_list", flat=True)
    )
    designation_ids = []
    for designation in merged.designations.order_by("id"):
        if designation.removed_on is None and designation.designation_list_id in open_lists:
            continue
        _move(designation, "person", kept, by)
        designation_ids.append(designation.id)
    entry_ids = list(SnapshotEntry.objects.filter(person=merged).values_list("id", flat=True))
    SnapshotEntry.objects.filter(id__in=entry_ids).update(person=kept)

    filled = _filled_facts(kept, merged)
    for field, (_, value) in filled.items():
        setattr(kept, field, value)
    if filled:
        validated_save(kept, by)

    was_published = merged.publication_state == choices.PublicationState.PUBLISHED
    if was_published:
        merged = withdraw_person(person=merged, by=by)
    merged.merged_into = kept
    validated_save(merged, by)

    candidate = DuplicateCandidate.objects.filter(
        person_a_id=min(kept.pk, merged.pk), person_b_id=max(kept.pk, merged.pk)
    ).first()
    if candidate is not None:
        candidate.state = DuplicateCandidate.State.MERGED
        candidate.reviewed_at = timezone.now()
        candidate.reviewed_by = by if getattr(by, "pk", None) else None
        validated_save(candidate, by)

    merge = validated_save(
        PersonMerge(
            kept=kept,
            merged=merged,
            merged_by=by if getattr(by, "pk", None) else None,
            moved={
                "names": name_ids,
                "primary_name": primary_id,
                "names_left_behind": left_behind,
                "external_ids": external_ids,
                "cases": case_ids,
                "change_records": change_ids,
                "submissions": submission_ids,
                "designations": designation_ids,
                "snapshot_entries": entry_ids,
                "kept_fields": {
                    field: {"before": _as_json(before), "after": _as_json(after)}
                    for field, (before, after) in filled.items()
                },
                "was_published": was_published,
                "candidate": candidate.id if candidate else None,
            },
        ),
        by,
    )

    note_change(kept, "person", kept.slug, Action.UPDATED)
    for case in Case.objects.filter(id__in=case_ids).only("public_id"):
        note_change(kept, "case", case.public_id, Action.CREATED)
    assess_after_commit(list(kept.cases.values_list("id", flat=True)))
    return merge


@transaction.atomic
def undo_merge(*, merge: PersonMerge, by=None) -> PersonMerge:
    """Move back exactly what `merge` moved, and make the merged record a person of its own again.

    Refused when the merge was already undone, and when the kept person has since been merged
    into another record (undo that later merge first). A fact the merge filled in is restored
    only if nobody has changed it since. Records added to the kept person after the merge stay
    with it. Side effects: history rows with `by`, the merged person published again if the
    merge withdrew them, the duplicate pair back in the review queue, journal entries, and
    every case of both re-assessed after commit.
    """
    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise RefusedChange("This merge was already undone.")
    locked = _lock_people(merge.kept, merge.merged)
    kept, merged = locked[merge.kept_id], locked[merge.merged_id]
    if kept.merged_into_id:
        raise RefusedChange(
            f"{kept} has since been merged into another record; undo that merge first, then this one."
        )
    moved = merge.moved

    ChangeRecord.objects.filter(id__in=moved.get("change_records", []), person=kept).update(person=merged)
    Submission.objects.filter(id__in=moved.get("submissions", []), person=kept).update(person=merged)

    for name in PersonName.objects.filter(id__in=moved.get("names", []), person=kept).order_by("id"):
        name.is_primary = name.id == moved.get("primary_name")
        _move(name, "person", merged, by)
    for identifier in ExternalIdentifier.objects.filter(id__in=moved.get("external_ids", []), person=kept):
        _move(identifier, "person", merged, by)
    case_ids = []
    for case in Case.objects.filter(id__in=moved.get("cases", []), person=kept).order_by("id"):
        _move(case, "person", merged, by)
        case_ids.append(case.id)
    for charge in Charge.objects.filter(case_id__in=case_ids).order_by("id"):
        _move(charge, "person", merged, by)
    for claim in Claim.objects.filter(case_id__in=case_ids).order_by("id"):
        _move(claim, "person", merged, by)
    for designation in Designation.objects.filter(id__in=moved.get("designations", []), person=kept):
        _move(designation, "person", merged, by)
    SnapshotEntry.objects.filter(id__in=moved.get("snapshot_entries", []), person=kept).update(person=merged)

    kept_fields = moved.get("kept_fields", {})
    # A birth date and its precision go back together, or the record would contradict itself; so
    # do the texts, their language and their translations.
    together = [
        ("birth_date", "birth_date_precision"),
        tuple(
            f for f in ("content_language", "translations", *Person.TRANSLATABLE_FIELDS) if f in kept_fields
        ),
    ]
    groups = [group for group in together if group and group[0] in kept_fields]
    groups += [(f,) for f in kept_fields if not any(f in group for group in together)]
    restored = False
    for group in groups:
        if all(getattr(kept, f) == _from_json(f, kept_fields[f]["after"]) for f in group):
            for f in group:
                setattr(kept, f, _from_json(f, kept_fields[f]["before"]))
            restored = True
    if restored:
        validated_save(kept, by)

    merged.merged_into = None
    validated_save(merged, by)
    if moved.get("was_published"):
        # With nothing left to publish the record stays withdrawn, for staff to decide.
        with contextlib.suppress(PublicationRefused):
            publish_person(person=merged, by=by)

    candidate = DuplicateCandidate.objects.filter(
        id=moved.get("candidate"), state=DuplicateCandidate.State.MERGED
    ).first()
    if candidate is not None:
        # Back in the queue: staff decide again whether these are one person.
        candidate.state = DuplicateCandidate.State.OPEN
        candidate.reviewed_at = candidate.reviewed_by = None
        validated_save(candidate, by)

    merge.undone_at = timezone.now()
    merge.undone_by = by if getattr(by, "pk", None) else None
    validated_save(merge, by)

    note_change(kept, "person", kept.slug, Action.UPDATED)
    for case in Case.objects.filter(id__in=case_ids).only("public_id"):
        note_change(kept, "case", case.public_id, Action.REMOVED)
    assess_after_commit(list(Case.objects.filter(person__in=[kept, merged]).values_list("id", flat=True)))
    return merge


@transaction.atomic
def mark_not_duplicate(*, candidate: DuplicateCandidate, by=None) -> DuplicateCandidate:
    """Record staff's decision that a listed pair is two people; the search never lists it again.

    Refused for a pair already decided. Side effects: who and when, and a history row.
    """
    candidate = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.state != DuplicateCandidate.State.OPEN:
        raise RefusedChange(f"This pair was already decided: {candidate.get_state_display()}.")
    candidate.state = DuplicateCandidate.State.NOT_DUPLICATE
    candidate.reviewed_at = timezone.now()
    candidate.reviewed_by = by if getattr(by, "pk", None) else None
    return validated_save(candidate, by)
