"""Facts of a record that cannot all be true, flagged for staff rather than kept silently.

Two halves. `find_contradictions` is a pure function over plain data (`CaseFacts`): no ORM, so the
importer can ask it about a row before anything is written (`row_contradictions`). The services
load a case's facts, keep one open `Contradiction` per case and kind in step with what the check
finds, and let staff close a flag with a note.

Dates may be partial (cases.partial_dates): a contradiction is reported only when it holds for
every possible day of every date involved. A release "2021" against a detention on 3 May 2021 may
well be true, so it is not flagged; a release in 2020 against that detention cannot be.

A flag's text names dates, statuses and article parts only, never a source or a contact: it is
shown to staff alone (the admin), never on the public pages, the API or in exports.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation

from cases import choices, partial_dates
from cases.exceptions import RefusedChange
from cases.models import Case, CaseEvent, Charge, Contradiction
from cases.services.base import validated_save

Kind = Contradiction.Kind

TEXT_LIMIT = Contradiction._meta.get_field("text").max_length
# The note of a flag the check closed itself; a flag closed by a person carries their own note.
AUTO_RESOLVED_PREFIX = "No longer contradicted: "
# The events the check reads: a release, a death, and a (re-)detention that can follow a release.
FACT_EVENT_KINDS = (choices.EventKind.RELEASED, choices.EventKind.DIED, choices.EventKind.DETAINED)


# Plain data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, month or year, or not at all (value None)."""

    value: datetime.date | None = None
    precision: str = partial_dates.DAY

    @property
    def bounds(self) -> tuple[datetime.date, datetime.date] | None:
        return partial_dates.period(self.value, self.precision)

    def __str__(self) -> str:
        return partial_dates.describe(self.value, self.precision)

    @property
    def when(self) -> str:
        """As a phrase: "on 3 May 2021", "in May 2021", "in 2021"."""
        return f"{'on' if self.precision == partial_dates.DAY else 'in'} {self}"


UNKNOWN = PartialDate(None, partial_dates.UNKNOWN)


@dataclass(frozen=True)
class ChargeDates:
    """The dates of one charge; `label` names it in a flag's text ("art. 289 part 1")."""

    label: str
    charged_on: PartialDate = UNKNOWN
    offence_date: PartialDate = UNKNOWN
    # A charge that replaced another: its date is the reclassification's, which an appeal court may
    # make after the verdict, so it is not "a charge brought after the verdict".
    by_reclassification: bool = False


@dataclass(frozen=True)
class CaseFacts:
    """What the checks read of one case. `status` None: not known (a spreadsheet row without it)."""

    status: str | None = None
    detention: PartialDate = UNKNOWN
    verdict: PartialDate = UNKNOWN
    birth: PartialDate = UNKNOWN
    charges: tuple[ChargeDates, ...] = ()
    releases: tuple[PartialDate, ...] = ()
    deaths: tuple[PartialDate, ...] = ()
    # Detentions on the timeline (the first one is the case's detention, later ones re-arrests).
    detentions: tuple[PartialDate, ...] = ()


@dataclass(frozen=True)
class Found:
    kind: str
    text: str


# The pure checks ------------------------------------------------------------------------------


def certainly_before(earlier: PartialDate, later: PartialDate) -> bool:
    """True when every possible day of `earlier` comes before every possible day of `later`."""
    first, second = earlier.bounds, later.bounds
    return first is not None and second is not None and first[1] < second[0]


def status_words(status: str) -> str:
    """The status as staff read it, in English whatever the request's language (the text is stored)."""
    with translation.override("en"):
        try:
            return str(choices.CaseStatus(status).label)
        except ValueError:
            return status


def _is_held(status: str | None) -> bool:
    return status is not None and status in choices.HELD_STATUSES


def _release_unexplained(facts: CaseFacts, release: PartialDate) -> bool:
    """No recorded detention or verdict can have come after this release (a re-arrest, or custody
    from a verdict after release pending trial, would explain a "held" status)."""
    custody_starts = [d for d in (facts.detention, facts.verdict, *facts.detentions) if d.value is not None]
    return release.bounds is not None and all(certainly_before(d, release) for d in custody_starts)


def find_contradictions(facts: CaseFacts) -> list[Found]:
    """Every kind of contradiction these facts hold, at most one `Found` per kind (its text names
    each instance), in the order of `Contradiction.Kind`. A fact that is unknown contradicts
    nothing; a partial date contradicts only what it contradicts on every possible day."""
    found: dict[str, list[str]] = defaultdict(list)
    held = _is_held(facts.status)
    if held:
        for death in facts.deaths:
            found[Kind.DIED_BUT_HELD].append(
                f"Died {death.when}, but the status is '{status_words(facts.status)}'."
            )
        for release in facts.releases:
            if _release_unexplained(facts, release):
                found[Kind.RELEASED_BUT_HELD].append(
                    f"Released {release.when}, with no detention or verdict recorded after it, "
                    f"but the status is '{status_words(facts.status)}'."
                )
    for release in facts.releases:
        if certainly_before(release, facts.detention):
            found[Kind.RELEASE_BEFORE_DETENTION].append(
                f"Released {release.when}, before the detention {facts.detention.when}."
            )
    if certainly_before(facts.verdict, facts.detention):
        found[Kind.VERDICT_BEFORE_DETENTION].append(
            f"Verdict {facts.verdict.when}, before the detention {facts.detention.when}."
        )
    for charge in facts.charges:
        if not charge.by_reclassification and certainly_before(facts.verdict, charge.charged_on):
            found[Kind.VERDICT_BEFORE_CHARGE].append(
                f"Verdict {facts.verdict.when}, before the charge under {charge.label} "
                f"was brought {charge.charged_on.when}."
            )
        if certainly_before(facts.detention, charge.offence_date):
            found[Kind.OFFENCE_AFTER_DETENTION].append(
                f"The act charged under {charge.label} is dated {charge.offence_date}, "
                f"after the detention {facts.detention.when}."
            )
    if certainly_before(facts.detention, facts.birth):
        found[Kind.DETENTION_BEFORE_BIRTH].append(
            f"Detained {facts.detention.when}, before the birth date {facts.birth}."
        )
    return [Found(kind, _clip(" ".join(dict.fromkeys(texts)))) for kind in Kind if (texts := found.get(kind))]


def settled_text(kind: str, facts: CaseFacts) -> str:
    """What the facts say now about a kind no longer found: the end of an automatic resolution note."""
    dates = {
        Kind.RELEASE_BEFORE_DETENTION: ("release", facts.releases),
        Kind.RELEASED_BUT_HELD: ("release", facts.releases),
        Kind.DIED_BUT_HELD: ("death", facts.deaths),
    }
    if kind in (Kind.DIED_BUT_HELD, Kind.RELEASED_BUT_HELD) and not _is_held(facts.status):
        return f"the status is now '{status_words(facts.status)}'." if facts.status else "no status."
    if kind in dates:
        what, values = dates[kind]
        if not values:
            return f"no {what} date is recorded."
        if kind == Kind.RELEASED_BUT_HELD:
            return "a detention or verdict is now recorded that may follow the release."
        return f"the detention is {facts.detention}; {what} {', '.join(map(str, values))}."
    if kind == Kind.VERDICT_BEFORE_DETENTION:
        return f"the detention is {facts.detention} and the verdict {facts.verdict}."
    if kind == Kind.VERDICT_BEFORE_CHARGE:
        charged = ", ".join(f"{c.label} {c.charged_on.when}" for c in facts.charges) or "no charge"
        return _clip(f"the verdict is {facts.verdict}; charges brought: {charged}.")
    if kind == Kind.OFFENCE_AFTER_DETENTION:
        acts = ", ".join(f"{c.label} {c.offence_date.when}" for c in facts.charges) or "no charge"
        return _clip(f"the detention is {facts.detention}; acts dated: {acts}.")
    if kind == Kind.DETENTION_BEFORE_BIRTH:
        return f"the detention is {facts.detention} and the birth date {facts.birth}."
    return "the facts changed."


def row_contradictions(values: dict) -> list[str]:
    """Warnings for one parsed spreadsheet row, before anything is written: the texts of
    `find_contradictions` over the row's own values.

    Keys read (any may be missing): status, detention_date, verdict_date, release_date, died_on,
    birth_date, each date with its `<key>_precision` (a date without one is known to the day).
    """

    def date(key: str) -> PartialDate:
        value = values.get(key)
        if value is None:
            return UNKNOWN
        return PartialDate(value, values.get(f"{key}_precision") or partial_dates.DAY)

    release, death = date("release_date"), date("died_on")
    facts = CaseFacts(
        status=values.get("status") or None,
        detention=date("detention_date"),
        verdict=date("verdict_date"),
        birth=date("birth_date"),
        releases=(release,) if release.value is not None else (),
        deaths=(death,) if death.value is not None else (),
    )
    return [found.text for found in find_contradictions(facts)]


def _clip(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


# Loading the facts ----------------------------------------------------------------------------


def _date(row: dict, field: str, precision_field: str | None = None) -> PartialDate:
    value = row[field]
    if value is None:
        return UNKNOWN
    return PartialDate(value, row[precision_field or f"{field}_precision"])


def load_case_facts(case_ids) -> dict[int, tuple[int, CaseFacts]]:
    """case id -> (person id, facts), in three queries whatever the number of cases; the cases are
    locked for the rest of the transaction (NO KEY, the case first, as every case writer does), so
    two checks of one case cannot both open its flag."""
    rows = list(
        Case.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk__in=case_ids)
        .order_by("pk")
        .values(
            "pk",
            "person_id",
            "status",
            "detention_date",
            "detention_date_precision",
            "verdict_date",
            "verdict_date_precision",
            "person__birth_date",
            "person__birth_date_precision",
        )
    )
    charges = defaultdict(list)
    replaced = Charge.objects.filter(reclassified_into=OuterRef("pk"))
    for charge in (
        Charge.objects.filter(case_id__in=case_ids)
        .annotate(by_reclassification=Exists(replaced))
        .values(
            "case_id",
            "article__number",
            "article__part",
            "charged_on",
            "charged_on_precision",
            "offence_date",
            "offence_date_precision",
            "by_reclassification",
        )
        .order_by("case_id", "id")
    ):
        number, part = charge["article__number"], charge["article__part"]
        charges[charge["case_id"]].append(
            ChargeDates(
                label=f"art. {number} part {part}" if part else f"art. {number}",
                charged_on=_date(charge, "charged_on"),
                offence_date=_date(charge, "offence_date"),
                by_reclassification=charge["by_reclassification"],
            )
        )
    events = defaultdict(lambda: defaultdict(list))
    for event in (
        CaseEvent.objects.filter(case_id__in=case_ids, kind__in=FACT_EVENT_KINDS)
        .values("case_id", "kind", "date", "date_precision")
        .order_by("case_id", "date", "id")
    ):
        events[event["case_id"]][event["kind"]].append(_date(event, "date", "date_precision"))
    facts = {}
    for row in rows:
        case_events = events[row["pk"]]
        facts[row["pk"]] = (
            row["person_id"],
            CaseFacts(
                status=row["status"],
                detention=_date(row, "detention_date"),
                verdict=_date(row, "verdict_date"),
                birth=_date(row, "person__birth_date", "person__birth_date_precision"),
                charges=tuple(charges[row["pk"]]),
                releases=tuple(case_events[choices.EventKind.RELEASED]),
                deaths=tuple(case_events[choices.EventKind.DIED]),
                detentions=tuple(case_events[choices.EventKind.DETAINED]),
            ),
        )
    return facts


# The services ---------------------------------------------------------------------------------


@transaction.atomic
def check_case_contradictions(*, case: Case, by=None, import_run=None) -> list[Contradiction]:
    """Bring a case's contradiction flags in step with its facts as they are now; returns its open
    flags of the kinds the check finds.

    Side effects (history rows with `by` as their author): a flag opened for each kind found that
    has none open (with `import_run`, when an import found it), unless a person already resolved
    that same contradiction (same kind, same text); an open flag's text updated when the dates
    changed; an open flag of a kind no longer found resolved with no person and the note
    "No longer contradicted: <what the facts say now>". Flags of other kinds (sources_disagree)
    are left alone. Four queries when nothing changes.
    """
    return check_cases_contradictions(case_ids=[case.pk], by=by, import_run=import_run)


@transaction.atomic
def check_cases_contradictions(*, case_ids, by=None, import_run=None) -> list[Contradiction]:
    """`check_case_contradictions` for many cases at once (an import's bulk path), in four reads
    whatever their number, plus one write per flag opened, changed or resolved."""
    case_ids = sorted(set(case_ids))
    if not case_ids:
        return []
    facts_of = load_case_facts(case_ids)
    flags = defaultdict(list)
    for flag in Contradiction.objects.filter(
        case_id__in=case_ids, kind__in=[kind for kind in Kind if kind != Kind.SOURCES_DISAGREE]
    ).order_by("id"):
        flags[flag.case_id].append(flag)
    now = timezone.now()
    result = []
    for case_id, (person_id, facts) in facts_of.items():
        found = {f.kind: f.text for f in find_contradictions(facts)}
        open_flags = {flag.kind: flag for flag in flags[case_id] if flag.resolved_at is None}
        seen_by_staff = {
            (flag.kind, flag.text)
            for flag in flags[case_id]
            if flag.resolved_at is not None and not flag.resolution_note.startswith(AUTO_RESOLVED_PREFIX)
        }
        for kind, flag in open_flags.items():
            if kind not in found:
                flag.resolved_at, flag.resolved_by = now, None
                flag.resolution_note = AUTO_RESOLVED_PREFIX + settled_text(kind, facts)
                validated_save(flag, by)
        for kind, text in found.items():
            flag = open_flags.get(kind)
            if flag is None:
                if (kind, text) in seen_by_staff:
                    continue
                flag = Contradiction(
                    person_id=person_id, case_id=case_id, kind=kind, text=text, import_run=import_run
                )
                validated_save(flag, by)
            elif (flag.text, flag.person_id) != (text, person_id):
                # The person too: a merge moves a case, with its open flags, to the kept record.
                flag.text, flag.person_id = text, person_id
                validated_save(flag, by)
            result.append(flag)
    return result


@transaction.atomic
def resolve_contradiction(*, contradiction: Contradiction, note: str, by) -> Contradiction:
    """Close an open flag with a note on why (the record corrected, or the facts checked and
    true); records who and when. The check does not open the same contradiction again (same kind,
    same text); other dates would be flagged anew.

    Refused without a note (blank counts as none) and for a flag already resolved. Side effects:
    a history row with `by` as its author.
    """
    contradiction = Contradiction.objects.select_for_update().get(pk=contradiction.pk)
    if contradiction.resolved_at is not None:
        raise RefusedChange("This contradiction is already resolved.")
    note = note.strip()
    if not note:
        raise RefusedChange("Say in a note how the contradiction was settled.")
    if note.startswith(AUTO_RESOLVED_PREFIX):
        # That prefix marks the check's own resolutions, which do not keep a flag from reopening.
        note = note[len(AUTO_RESOLVED_PREFIX) :].strip() or "Checked."
    contradiction.resolved_at, contradiction.resolved_by = timezone.now(), by
    contradiction.resolution_note = note
    return validated_save(contradiction, by)
