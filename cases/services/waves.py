"""Release waves (issue 18, point 2): people released together in one deal, matched from the
officially announced list of names, and their releases recorded in one step."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from cases import choices, partial_dates
from cases.exceptions import RefusedChange
from cases.identity import announced
from cases.identity.names import word_keys
from cases.models import ChangeRecord, Person, PersonName, ReleaseWave
from cases.services.base import validated_save
from cases.services.releases import record_release

Action = ChangeRecord.Action
WAVE_FIELDS = (
    "name",
    "date",
    "date_precision",
    "announced_by",
    "counterpart",
    "in_return",
    "destination_country",
    "how",
    "is_public",
)


@transaction.atomic
def create_wave(*, name: str, date: datetime.date, sources=(), by=None, **fields) -> ReleaseWave:
    """Record a release wave: its day (partial), who announced it, the government or envoy on the
    other side, what was announced in return (as reported), the destination, with sources.

    Side effects: a history row."""
    unknown = set(fields) - set(WAVE_FIELDS)
    if unknown:
        raise RefusedChange(f"Unknown wave fields: {', '.join(sorted(unknown))}")
    wave = validated_save(ReleaseWave(name=name, date=date, **fields), by)
    if sources:
        wave.sources.set(sources)
    return wave


def match_announced_names(text: str) -> list[announced.NameMatch]:
    """Each name of a pasted announced list, classified against the registry's people (current
    records only, any script): matched, ambiguous (a person chooses), unknown."""
    return match_names(announced.read_announced_list(text))


def match_names(names: list[announced.AnnouncedName]) -> list[announced.NameMatch]:
    """Each name read from an announced list (cases.transfer.announced_lists), classified."""
    return [announced.classify(name, candidates_for(name)) for name in names]


def candidates_for(name: announced.AnnouncedName) -> list[announced.Candidate]:
    """The people with a spelling sharing the first or the last word of one of the announced
    spellings (official lists put the surname first, Latin ones often last), each scored by their
    best spelling against the best announced one."""
    wanted = Q()
    for spelling in name.spellings:
        keys = word_keys(spelling)
        for key in {keys[0], keys[-1]}:
            wanted |= Q(search_key__contains=key)
    rows = PersonName.objects.filter(wanted, person__merged_into__isnull=True).values_list(
        "person_id", "text", "person__birth_date", "person__birth_date_precision"
    )
    spellings = []
    for person_id, text, birth, precision in rows:
        days = partial_dates.period(birth, precision)
        spellings.append((person_id, text, (days[0].year, days[1].year) if days else None))
    best: dict[int, announced.Candidate] = {}
    for spelling in name.spellings:
        for candidate in announced.best_by_person(spelling, spellings):
            if candidate.person_id not in best or candidate.score > best[candidate.person_id].score:
                best[candidate.person_id] = candidate
    return list(best.values())


@dataclass
class WaveOutcome:
    recorded: list[int] = field(default_factory=list)  # the people whose release was recorded
    refused: list[tuple[int, str]] = field(default_factory=list)  # (person id, why)


@transaction.atomic
def record_wave_releases(*, wave: ReleaseWave, person_ids, by=None) -> WaveOutcome:
    """Record the release of each confirmed person in `wave`: their one held case is released on
    the wave's day, as the wave says (how, destination), citing the wave's sources.

    A person the registry does not hold (no held case) or holds in several cases is refused with
    the reason, and the others are recorded (each in a savepoint of its own). Side effects: those
    of `record_release` for each case."""
    outcome = WaveOutcome()
    sources = list(wave.sources.all())
    for person in Person.objects.filter(pk__in=set(person_ids)).order_by("pk"):
        held = list(person.cases.filter(status__in=choices.HELD_STATUSES))
        if len(held) != 1:
            why = (
                "no case held in the registry"
                if not held
                else f"{len(held)} cases held: record it on the case"
            )
            outcome.refused.append((person.pk, why))
            continue
        try:
            with transaction.atomic():
                record_release(
                    case=held[0],
                    how=wave.how,
                    date=wave.date,
                    date_precision=wave.date_precision,
                    destination_country=wave.destination_country,
                    sources=sources,
                    wave=wave,
                    by=by,
                )
        except RefusedChange as refusal:
            outcome.refused.append((person.pk, "; ".join(refusal.messages)))
            continue
        outcome.recorded.append(person.pk)
    missing = set(person_ids) - {p for p in outcome.recorded} - {p for p, _ in outcome.refused}
    outcome.refused += [(person_id, "not in the registry") for person_id in sorted(missing)]
    return outcome
