"""Loading what cases.contact.silence needs, set-based: the people held, their contacts folded to
one fact per channel (the latest first and last possible days are all a silence depends on), and
the thresholds of their jurisdictions."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases import choices
from cases.contact.silence import ANY, DEFAULT_THRESHOLDS, ContactFact, Silence, silences, thresholds_for
from cases.models import Case, PrisonerContact, SilenceThreshold


@dataclass
class HeldPerson:
    """A person held in custody, with the case an alert about them is filed on."""

    person_id: int
    case_id: int
    jurisdiction_id: int
    contacts: list[ContactFact] = field(default_factory=list)


def held_people(person_ids=None) -> dict[int, HeldPerson]:
    """Current people with a case in custody; the latest such case carries their alerts."""
    cases = Case.objects.filter(status__in=choices.HELD_STATUSES, person__merged_into__isnull=True)
    if person_ids is not None:
        cases = cases.filter(person_id__in=person_ids)
    held: dict[int, HeldPerson] = {}
    for person_id, case_id, jurisdiction_id in cases.order_by("person_id", "pk").values_list(
        "person_id", "pk", "jurisdiction_id"
    ):
        held[person_id] = HeldPerson(person_id, case_id, jurisdiction_id)  # the last one wins
    return held


def contact_facts(person_ids=None) -> dict[int, list[ContactFact]]:
    """One fact per person and channel: its latest first possible day and latest last possible day."""
    rows = PrisonerContact.objects.all()
    if person_ids is not None:
        rows = rows.filter(person_id__in=person_ids)
    facts: dict[int, list[ContactFact]] = defaultdict(list)
    for person_id, channel, earliest, latest in (
        rows.values("person_id", "channel")
        .annotate(earliest=Max("date"), latest=Max("latest_day"))
        .order_by()
        .values_list("person_id", "channel", "earliest", "latest")
    ):
        facts[person_id].append(ContactFact(channel, earliest, latest))
    return facts


def thresholds_by_jurisdiction() -> dict[int, dict[str, int]]:
    rows: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for jurisdiction_id, channel, days in SilenceThreshold.objects.values_list(
        "jurisdiction_id", "channel", "days"
    ):
        rows[jurisdiction_id].append((channel, days))
    return defaultdict(lambda: thresholds_for([]), {j: thresholds_for(r) for j, r in rows.items()})


def held_with_contacts(person_ids=None) -> list[HeldPerson]:
    """The people held, each with their contact facts (empty when none is recorded)."""
    held = held_people(person_ids)
    facts = contact_facts(list(held) if person_ids is not None else None)
    for person in held.values():
        person.contacts = facts.get(person.person_id, [])
    return list(held.values())


def _threshold(channel: str):
    """The threshold of the jurisdiction a person is held in, for a query (the default if none)."""
    days = SilenceThreshold.objects.filter(
        jurisdiction__cases__person=OuterRef("pk"),
        jurisdiction__cases__status__in=choices.HELD_STATUSES,
        channel=channel,
    ).values("days")[:1]
    default = DEFAULT_THRESHOLDS.get(channel)
    return Coalesce(Subquery(days), Value(default, output_field=IntegerField()))


def people_by_silence(people, *, channels=()):
    """`people` held, each with `last_any` and `first_any` (the latest last and first possible
    days of any contact, None when none is recorded), `last_<channel>` for each of `channels`,
    the code of the jurisdiction they are held in and its thresholds (`threshold_any`,
    `threshold_<channel>`); the longest certain silence first, the people nobody has heard of last."""
    held = Q(cases__status__in=choices.HELD_STATUSES)
    return (
        people.filter(held)
        .annotate(
            last_any=Max("contact_log__latest_day"),
            first_any=Max("contact_log__date"),
            **{
                f"last_{c}": Max("contact_log__latest_day", filter=Q(contact_log__channel=c))
                for c in channels
            },
            jurisdiction=Max("cases__jurisdiction__code", filter=held),
            threshold_any=_threshold(ANY),
            **{f"threshold_{c}": _threshold(c) for c in channels},
        )
        .order_by(F("last_any").asc(nulls_last=True), "pk")
    )


def silences_of(person, *, today: datetime.date | None = None) -> list[Silence]:
    """A person's silence of any kind and on every channel with a threshold or a contact, as of
    today, with the thresholds of the jurisdiction they are held in (no threshold when not held:
    nobody counts days for someone who is out)."""
    today = today or timezone.localdate()
    held = held_people([person.pk]).get(person.pk)
    facts = contact_facts([person.pk]).get(person.pk, [])
    thresholds = thresholds_by_jurisdiction()[held.jurisdiction_id] if held else {}
    channels = [
        c for c in choices.ContactChannel.values if c in thresholds or any(f.channel == c for f in facts)
    ]
    return silences(facts, today=today, thresholds=thresholds, channels=channels)


__all__ = [
    "ANY",
    "HeldPerson",
    "contact_facts",
    "held_people",
    "held_with_contacts",
    "people_by_silence",
    "silences_of",
]
