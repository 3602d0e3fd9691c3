"""Finding records that may describe one person (docs/identity.md).

`duplicate_score` is a pure function over plain facts: the names (any script, any spelling,
compared by `cases.identity.names.similarity`), sex, birth date with its precision, region and external
identifiers. Names propose a pair; birth date and region confirm or contradict it; a conflict
of sex, birth date or external identifier pushes it below any useful threshold. Nothing here
merges anything: `find_duplicates` only lists pairs for staff to review.
"""

from __future__ import annotations

import datetime
import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from cases import choices
from cases.identity.names import similarity
from cases.models import DuplicateCandidate, ExternalIdentifier, Person, PersonName

logger = logging.getLogger(__name__)

Precision = choices.DatePrecision

# Names at least this alike may be confirmed by a birth date or region; below it, agreeing facts
# raise nothing (a shared surname and birthday make twins, not one person).
CONFIRMABLE_NAME_SIMILARITY = 0.8
# Share of the distance to 1 that agreeing facts close.
SAME_BIRTH_DAY_GAIN = 0.5
COMPATIBLE_BIRTH_DATE_GAIN = 0.2
SAME_REGION_GAIN = 0.1
# Factors for facts that disagree.
BIRTH_DATE_CONFLICT_FACTOR = 0.5
SEX_CONFLICT_FACTOR = 0.5
REGION_DIFFERS_FACTOR = 0.95
# A blocking key shared by more people than this says too little to be worth comparing them all
# (a common given name with a surname initial); the other keys of the same names still meet.
MAX_BLOCK_SIZE = 200


@dataclass(frozen=True)
class PersonFacts:
    """What duplicate scoring knows of one record: plain values, no database rows."""

    names: tuple[str, ...]
    sex: str = choices.Sex.UNKNOWN
    birth_date: datetime.date | None = None
    birth_date_precision: str = Precision.UNKNOWN
    region: object = None
    external_ids: frozenset[tuple[str, str]] = field(default_factory=frozenset)


def _reason(code: str, text: str) -> dict:
    return {"code": code, "text": text}


def birth_dates_compatible(a: datetime.date, a_precision: str, b: datetime.date, b_precision: str) -> bool:
    """Whether two birth dates can be the same day, each read at its own precision.

    A year-only date is compatible with any day of that year, a month-only date with any day of
    that month.
    """
    coarsest = {a_precision, b_precision}
    if Precision.YEAR in coarsest:
        return a.year == b.year
    if Precision.MONTH in coarsest:
        return (a.year, a.month) == (b.year, b.month)
    return a == b


@lru_cache(maxsize=200_000)
def _name_similarity(a: str, b: str) -> float:
    return similarity(a, b)


def name_similarity(a_names, b_names) -> float:
    """The best similarity between any name of one record and any name of the other."""
    best = 0.0
    for a, b in itertools.product(set(a_names), set(b_names)):
        pair = (a, b) if a <= b else (b, a)
        best = max(best, _name_similarity(*pair))
        if best == 1.0:
            break
    return best


def _facts_score(a: PersonFacts, b: PersonFacts, name_score: float) -> tuple[float, list[dict]]:
    """Adjust a name similarity by everything else the two records say."""
    shared_schemes = {scheme for scheme, _ in a.external_ids} & {scheme for scheme, _ in b.external_ids}
    if shared_schemes:
        # (scheme, value) is unique, so two records in one scheme carry different ids of it.
        schemes = ", ".join(sorted(shared_schemes))
        return 0.0, [_reason("external_id_conflict", f"Each record has its own identifier in {schemes}.")]

    score, reasons = name_score, []
    confirmable = name_score >= CONFIRMABLE_NAME_SIMILARITY
    if a.birth_date and b.birth_date:
        if not birth_dates_compatible(
            a.birth_date, a.birth_date_precision, b.birth_date, b.birth_date_precision
        ):
            score *= BIRTH_DATE_CONFLICT_FACTOR
            reasons.append(_reason("birth_date_conflict", "The birth dates differ."))
        elif a.birth_date_precision == b.birth_date_precision == Precision.DAY:
            if confirmable:
                score += (1 - score) * SAME_BIRTH_DAY_GAIN
            reasons.append(_reason("birth_date_same", "Born on the same day."))
        else:
            if confirmable:
                score += (1 - score) * COMPATIBLE_BIRTH_DATE_GAIN
            reasons.append(
                _reason("birth_date_compatible", "The birth dates agree as far as the less precise one goes.")
            )
    if a.sex != choices.Sex.UNKNOWN and b.sex != choices.Sex.UNKNOWN and a.sex != b.sex:
        score *= SEX_CONFLICT_FACTOR
        reasons.append(_reason("sex_conflict", "The records give different sexes."))
    if a.region is not None and b.region is not None:
        if a.region == b.region:
            if confirmable:
                score += (1 - score) * SAME_REGION_GAIN
            reasons.append(_reason("region_same", "The same region."))
        else:
            score *= REGION_DIFFERS_FACTOR
            reasons.append(_reason("region_differs", "Different regions."))
    return round(score, 4), reasons


def _name_reason(name_score: float) -> dict:
    if name_score == 1.0:
        return _reason("names_equal", "A name of each record is the same name in another script or spelling.")
    if name_score >= CONFIRMABLE_NAME_SIMILARITY:
        return _reason("names_similar", f"The names are alike across scripts ({name_score:.2f}).")
    return _reason("names_differ", f"The names are only partly alike ({name_score:.2f}).")


def duplicate_score(a: PersonFacts, b: PersonFacts) -> tuple[float, list[dict]]:
    """How likely two records describe one person, from 0 to 1, with the reasons in plain words.

    The names' similarity (the best pair of names, any script) is the base. When it is at least
    CONFIRMABLE_NAME_SIMILARITY, the same birth day closes half of the distance to 1, a compatible
    birth date of lower precision a fifth and the same region a tenth. Conflicting birth dates
    or sexes halve the score, a different region takes 5% off, and an identifier of one scheme on
    each record (a list gives one person one row) makes it 0. Reasons name no confidential fact.
    """
    name_score = name_similarity(a.names, b.names)
    score, reasons = _facts_score(a, b, name_score)
    return score, [_name_reason(name_score), *reasons]


def _best_possible(a: PersonFacts, b: PersonFacts) -> float:
    """The score the pair would have if the names were equal: an upper bound, without comparing names."""
    return _facts_score(a, b, 1.0)[0]


# Finding candidates ------------------------------------------------------------------------------


def blocking_keys(search_key: str) -> set[str]:
    """The blocks a name falls into: each word's key together with another word's first letter.

    Two spellings of one name share a block when one word's key is equal and another word starts
    alike, in any word order and with a patronymic present in one only: so a typo in the
    surname, or the press's Victor for Віктар, still meets. A one-word name is its own block.
    """
    words = sorted(set(search_key.split()))
    if len(words) == 1:
        return {words[0]}
    return {f"{word} {other[0]}" for word, other in itertools.permutations(words, 2)}


def load_facts() -> dict[int, PersonFacts]:
    """Every current (not merged) person's facts, in three streamed queries."""
    names = defaultdict(set)
    for person_id, key in (
        PersonName.objects.filter(person__merged_into__isnull=True)
        .exclude(search_key="")
        .values_list("person_id", "search_key")
        .iterator(chunk_size=20_000)
    ):
        names[person_id].add(key)
    external = defaultdict(set)
    for person_id, scheme, value in ExternalIdentifier.objects.filter(
        person__merged_into__isnull=True
    ).values_list("person_id", "scheme", "value"):
        external[person_id].add((scheme, value))
    facts = {}
    for person_id, sex, birth_date, precision, region_id in (
        Person.objects.current()
        .values_list("id", "sex", "birth_date", "birth_date_precision", "region_id")
        .iterator(chunk_size=20_000)
    ):
        facts[person_id] = PersonFacts(
            names=tuple(sorted(names.get(person_id, ()))),
            sex=sex,
            birth_date=birth_date,
            birth_date_precision=precision,
            region=region_id,
            external_ids=frozenset(external.get(person_id, ())),
        )
    return facts


def candidate_pairs(facts: dict[int, PersonFacts]):
    """Pairs (lower id first) that share a block, each once: the only pairs ever scored."""
    blocks = defaultdict(list)
    for person_id, person in facts.items():
        keys = set()
        for name in person.names:
            keys |= blocking_keys(name)
        for key in keys:
            blocks[key].append(person_id)
    seen = set()
    skipped = 0
    for members in blocks.values():
        if len(members) > MAX_BLOCK_SIZE:
            skipped += 1
            continue
        for pair in itertools.combinations(sorted(members), 2):
            if pair not in seen:
                seen.add(pair)
                yield pair
    if skipped:
        logger.info("duplicate search skipped %d blocks of more than %d people", skipped, MAX_BLOCK_SIZE)


@dataclass
class DuplicateSearch:
    """What one run of `find_duplicates` did."""

    people: int = 0
    pairs_compared: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0


def find_duplicates(*, threshold: float | None = None) -> DuplicateSearch:
    """List every pair of current people scoring at least `threshold` (DUPLICATE_THRESHOLD).

    Candidates come from blocks of name keys (`blocking_keys`), never from comparing everyone
    with everyone. Safe to run again: a listed pair is updated in place, a pair staff marked
    "not the same person" or merged is never reopened, and an open pair that no longer reaches
    the threshold (its records were corrected) leaves the queue.
    """
    threshold = settings.DUPLICATE_THRESHOLD if threshold is None else threshold
    facts = load_facts()
    result = DuplicateSearch(people=len(facts))
    found = {}
    for a_id, b_id in candidate_pairs(facts):
        a, b = facts[a_id], facts[b_id]
        result.pairs_compared += 1
        if _best_possible(a, b) < threshold:
            continue
        score, reasons = duplicate_score(a, b)
        if score >= threshold:
            found[(a_id, b_id)] = (score, reasons)

    with transaction.atomic():
        existing = {
            (c.person_a_id, c.person_b_id): c
            for c in DuplicateCandidate.objects.filter(
                person_a__merged_into__isnull=True, person_b__merged_into__isnull=True
            ).select_for_update()
        }
        new = []
        for pair, (score, reasons) in found.items():
            candidate = existing.get(pair)
            if candidate is None:
                new.append(
                    DuplicateCandidate(person_a_id=pair[0], person_b_id=pair[1], score=score, reasons=reasons)
                )
            elif candidate.state == DuplicateCandidate.State.OPEN and (
                candidate.score != score or candidate.reasons != reasons
            ):
                candidate.score, candidate.reasons = score, reasons
                candidate.save(update_fields=["score", "reasons"])
                result.updated += 1
        bulk_create_with_history(new, DuplicateCandidate, batch_size=1000)
        result.created = len(new)
        for pair, candidate in existing.items():
            if pair in found or candidate.state != DuplicateCandidate.State.OPEN:
                continue
            a, b = facts.get(pair[0]), facts.get(pair[1])
            if a is None or b is None or duplicate_score(a, b)[0] < threshold:
                candidate.delete()
                result.removed += 1
    return result
