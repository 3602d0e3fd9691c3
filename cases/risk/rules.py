"""The rules that assess a case's risk of the death penalty (see RISK_RULES.md).

Everything here is a pure function of plain, frozen facts: no ORM, no database, no clock.
The caller loads the person, the case, its charges and the jurisdiction's law into the
dataclasses below, passes the day of the assessment, and stores the `Assessment` it gets back
together with `RULES_VERSION`. The same facts on the same day always give the same assessment,
reasons in the same order.

Every condition of the rules is read as satisfied, ruled out by a recorded fact, or unknown.
Unknown facts never lower a level: an exemption or a date counts only when it is recorded.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from cases.partial_dates import period
from cases.wording.catalogue import english, listed, message, nested, term

# Bump whenever the code of the rules changes, so stored assessments say which rules made them.
RULES_VERSION = "2026-12-07.3"

LEVELS = ("none", "watch", "elevated", "critical", "sentenced_to_death")  # lowest first

SEXES = ("female", "male", "unknown")
PRECISIONS = ("day", "month", "year", "unknown")
STAGES = ("completed", "attempt", "preparation", "unknown")
STATES = ("active", "dropped", "reclassified", "convicted", "acquitted")
DEATH_PENALTY_STATUSES = ("active", "moratorium", "abolished")
SUBJECT_RESTRICTIONS = ("", "official_or_military")
CATEGORIES = ("", "terrorism", "treason")
# In the order reasons name them.
EXEMPTIONS = ("female", "under_18_at_offence", "male_65_or_older_at_sentencing")

# Only these charges can lead to a sentence (RISK_RULES.md, condition 4).
COUNTED_STATES = ("active", "convicted")
RECLASSIFICATION_WINDOW_DAYS = 90

# Facts whose absence can keep a risk from being ruled out, in the order a reason names them.
SEX = "sex"
BIRTH_DATE = "birth date"
EXACT_BIRTH_DATE = "exact birth date"
OFFENCE_DATE = "offence date"
EXACT_OFFENCE_DATE = "exact offence date"
VERDICT_DATE = "exact verdict date"
STAGE = "stage"
SUBJECT_STATUS = "official or military status"
FACTS = (
    SEX,
    BIRTH_DATE,
    EXACT_BIRTH_DATE,
    OFFENCE_DATE,
    EXACT_OFFENCE_DATE,
    VERDICT_DATE,
    STAGE,
    SUBJECT_STATUS,
)


def _check_choice(value: str, allowed: Collection[str], name: str) -> None:
    # Bad data must fail loudly here rather than quietly assess as "unknown" or "none".
    if value not in allowed:
        raise ValueError(f"{name} must be one of {tuple(allowed)}, not {value!r}")


# ---------------------------------------------------------------------------------------------
# Facts in


@dataclass(frozen=True)
class DesignationFacts:
    """The person's time on a state's list that gives a watch reason (the terrorism list), as
    its snapshots bound it: first known on it on `listed_on` (partial), known not on it on
    `listed_after` (None: no earlier snapshot says), first known off it on `removed_on`."""

    list_name: str  # as the list names itself (a state's list: in its language)
    listed_on: date
    listed_precision: str = "day"
    listed_after: date | None = None
    removed_on: date | None = None
    kind: str = "terrorism"  # cases.choices.DesignationKind
    # The list itself gives the day of inclusion (else `listed_on` is the first snapshot showing
    # the person: the inclusion was on that day at the latest).
    listed_on_given: bool = False
    list_name_en: str = ""  # the registry's English name for it ("": English readers get list_name)

    def __post_init__(self):
        _check_choice(self.listed_precision, PRECISIONS, "listed_precision")


@dataclass(frozen=True)
class PersonFacts:
    """What the rules need to know about the person; `None` and "unknown" mean not recorded."""

    sex: str
    birth_date: date | None  # for month or year precision, the first day of the period
    birth_date_precision: str
    is_official_or_military: bool | None
    designations: tuple[DesignationFacts, ...] = ()

    def __post_init__(self):
        _check_choice(self.sex, SEXES, "sex")
        _check_choice(self.birth_date_precision, PRECISIONS, "birth_date_precision")


@dataclass(frozen=True)
class ArticleFacts:
    """One part of an article of a criminal code ("" part: an article without parts)."""

    number: str
    part: str
    capital: bool
    capital_since: date | None  # None: capital for as long as the code has existed
    capital_for_attempt_since: date | None  # None: an attempt is never capital
    subject_restriction: str = ""
    category: str = ""
    title_en: str = ""

    def __post_init__(self):
        _check_choice(self.subject_restriction, SUBJECT_RESTRICTIONS, "subject_restriction")
        _check_choice(self.category, CATEGORIES, "category")

    @property
    def notation(self) -> str:
        """The way lawyers write it: 'art. 289 part 3', or 'art. 127' for an article without parts."""
        return f"art. {self.number} part {self.part}" if self.part else f"art. {self.number}"

    def param(self, law: str = "", *, with_title: bool = True) -> dict:
        """The article as a message parameter (cases.wording.catalogue): rendered in the reader's
        notation, with its title in the reader's language when `with_title`."""
        if not with_title:
            return {"notation": {"number": self.number, "part": self.part}}
        return {"article": {"law": law, "number": self.number, "part": self.part, "title": self.title_en}}


@dataclass(frozen=True)
class ChargeFacts:
    """One charge of the case; `reclassified_*` are set on a charge that replaced another."""

    id: int
    article: ArticleFacts
    stage: str
    state: str
    offence_date: date | None  # for month or year precision, the first day of the period
    reclassified_on: date | None = None
    reclassified_from: ArticleFacts | None = None
    offence_date_precision: str = "day"
    # The act happened on or before the detention and the day it was charged: the latest
    # possible day of each (RISK_RULES.md, dates not known to the day), None when neither is known.
    offence_no_later_than: date | None = None
    # The latest possible day the person was charged (None: not known): with another detention
    # date, the act's latest day is the earlier of the two (a contested detention date).
    charged_no_later_than: date | None = None
    # The latest possible day of the detention (None: not known), for another day charged.
    detained_no_later_than: date | None = None

    def __post_init__(self):
        _check_choice(self.stage, STAGES, "stage")
        _check_choice(self.state, STATES, "state")
        _check_choice(self.offence_date_precision, PRECISIONS, "offence_date_precision")

    @property
    def offence_range(self) -> tuple[date | None, date | None]:
        """(earliest, latest) possible day of the act; None at an end nothing bounds.

        A recorded offence date that the detention or charge contradicts keeps its own range:
        the contradiction is flagged for staff (cases.services.contradictions), and an unknown
        fact never lowers a level, so the bound does not cut the range to nothing."""
        earliest, latest = period(self.offence_date, self.offence_date_precision) or (None, None)
        bound = self.offence_no_later_than
        if (
            bound is not None
            and (latest is None or bound < latest)
            and (earliest is None or bound >= earliest)
        ):
            latest = bound
        return earliest, latest

    @property
    def offence_words(self):
        """The act's date as known, a message parameter: "2022-05-03", "2022-05", "2022", "on or
        before 2022-05-03", "an unknown day"."""
        if self.offence_date is not None and self.offence_date_precision != "unknown":
            return _date_words(self.offence_date, self.offence_date_precision)
        _, latest = self.offence_range
        return nested(message("on_or_before", date=str(latest))) if latest else term("date.unknown")


@dataclass(frozen=True)
class WatchEntry:
    """A charge routinely escalated to a capital one; `part` "" covers every part."""

    article_number: str
    part: str
    condition: str
    reason: str
    effective_from: date | None = None
    effective_to: date | None = None

    def __post_init__(self):
        _check_choice(self.condition, SUBJECT_RESTRICTIONS, "condition")


@dataclass(frozen=True)
class LawFacts:
    """The jurisdiction: whether it executes, who is exempt, and its watch list."""

    code: str
    name: str
    death_penalty: str
    exemptions: tuple[str, ...]
    watch_list: tuple[WatchEntry, ...] = ()

    def __post_init__(self):
        _check_choice(self.death_penalty, DEATH_PENALTY_STATUSES, "death_penalty")
        for rule in self.exemptions:
            _check_choice(rule, EXEMPTIONS, "exemption")

    @cached_property
    def watch_entries_by_article(self) -> dict[str, tuple[WatchEntry, ...]]:
        """The watch list by article number: a charge is checked against its own article's
        entries only (the full pass checks tens of thousands of charges)."""
        entries: dict[str, list[WatchEntry]] = {}
        for entry in self.watch_list:
            entries.setdefault(entry.article_number, []).append(entry)
        return {number: tuple(found) for number, found in entries.items()}


@dataclass(frozen=True)
class CaseFacts:
    """`sentence_kind` "death" means a death sentence that has not been commuted; "" means no
    sentence is recorded (none yet, or not known). `verdict_final_on` is the day the verdict
    became final (the appeal decided, or the time to appeal passed); None: not recorded."""

    sentence_kind: str
    verdict_date: date | None
    verdict_date_precision: str = "day"
    verdict_final_on: date | None = None
    verdict_final_precision: str = "unknown"
    # Has the person left custody in this case (its status says so: released, pardoned, expelled,
    # died in custody)? Then the day, as far as it is known (None: not recorded), and how (a
    # ReleaseKind code; "" when not recorded).
    left_custody: bool = False
    left_custody_on: date | None = None
    left_custody_precision: str = "unknown"
    left_custody_how: str = ""
    # The latest dated event that ended a death sentence without overwriting it (commuted,
    # clemency granted, pardoned: an EventKind code), and its day. None: not ended.
    death_sentence_ended_on: date | None = None
    death_sentence_ended_precision: str = "unknown"
    death_sentence_ended_by: str = ""

    def __post_init__(self):
        _check_choice(self.verdict_date_precision, PRECISIONS, "verdict_date_precision")
        _check_choice(self.verdict_final_precision, PRECISIONS, "verdict_final_precision")
        _check_choice(self.left_custody_precision, PRECISIONS, "left_custody_precision")
        _check_choice(self.death_sentence_ended_precision, PRECISIONS, "death_sentence_ended_precision")

    @property
    def verdict_range(self) -> tuple[date, date] | None:
        return period(self.verdict_date, self.verdict_date_precision)

    @property
    def verdict_final_range(self) -> tuple[date, date] | None:
        return period(self.verdict_final_on, self.verdict_final_precision)

    @property
    def left_custody_range(self) -> tuple[date, date] | None:
        return period(self.left_custody_on, self.left_custody_precision)


# ---------------------------------------------------------------------------------------------
# Assessment out


@dataclass(frozen=True)
class Reason:
    """One finding: the rule, the level it supports, the charge it is about, and what it says as a
    message (cases.wording.catalogue: a code and its parameters, rendered in the reader's
    language when shown; `text` is the English)."""

    rule: str
    level: str
    charge_id: int | None
    article: str  # notation; "" when the reason is not about a charge
    message: dict

    @property
    def code(self) -> str:
        return self.message["code"]

    @property
    def params(self) -> dict:
        return self.message["params"]

    @property
    def text(self) -> str:
        return english(self.message)


@dataclass(frozen=True)
class Assessment:
    """The highest level of any reason ("none" without reasons), and every reason, highest first."""

    level: str
    reasons: tuple[Reason, ...]


# ---------------------------------------------------------------------------------------------
# Ages


def age_on(birth: date, day: date) -> int:
    """Full years between `birth` and `day`; the birthday itself counts.

    Someone born on 29 February has their birthday on 1 March in a year without 29 February.
    """
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(day.year):
        birthday = (3, 1)
    else:
        birthday = (birth.month, birth.day)
    years = day.year - birth.year
    return years - 1 if (day.month, day.day) < birthday else years


def birth_date_range(birth_date: date | None, precision: str) -> tuple[date, date] | None:
    """(earliest, latest) possible birth date, or None when it is unknown."""
    return period(birth_date, precision)


def age_bounds(birth_date: date | None, precision: str, day: date) -> tuple[int, int] | None:
    """(youngest, oldest) age the person can be on `day`, or None when the birth date is unknown."""
    period = birth_date_range(birth_date, precision)
    if period is None:
        return None
    earliest, latest = period
    return age_on(latest, day), age_on(earliest, day)


def sentencing_days(case: CaseFacts, on: date) -> tuple[date, date]:
    """The days the 65-or-older exemption is judged on: the verdict's range, or before it the
    assessment's day."""
    return case.verdict_range or (on, on)


def age_range(birth_date: date | None, precision: str, days: tuple[date, date]) -> tuple[int, int] | None:
    """(youngest, oldest) age the person can be on any of `days` (earliest, latest)."""
    births = birth_date_range(birth_date, precision)
    if births is None:
        return None
    return age_on(births[1], days[0]), age_on(births[0], days[1])


# ---------------------------------------------------------------------------------------------
# Capital exposure of one charge


@dataclass(frozen=True)
class Exposure:
    """Whether a charge can carry the death penalty, before any exemption.

    `status` is "not_capital", "exposed", "ruled_out" (a recorded fact rules it out) or
    "unknown" (nothing rules it out but some fact is missing). `ruled_out_by` holds the causes,
    each of "date", "stage", "subject", with `explanations`, one clause per cause;
    `unknown_facts` names the missing facts (see FACTS).
    """

    status: str
    ruled_out_by: tuple[str, ...] = ()
    explanations: tuple = ()  # message parameters (cases.wording.catalogue), one per cause
    unknown_facts: tuple[str, ...] = ()


def is_counted(charge: ChargeFacts) -> bool:
    """Only active and convicted charges can lead to a sentence; the others never count."""
    return charge.state in COUNTED_STATES


def charge_exposure(charge: ChargeFacts, person: PersonFacts) -> Exposure:
    """Check the conditions of RISK_RULES.md under which a charge carries the death penalty.

    Does not look at the charge's state (see `is_counted`) nor at exemptions.
    """
    article = charge.article
    if not article.capital:
        return Exposure("not_capital")
    ruled_out: list[tuple[str, str]] = []
    unknown: list[str] = []

    # A law is not applied to acts before it came into force.
    if article.capital_since is not None:
        when = _act_before(charge, article.capital_since)
        if when is True:
            clause = message("act_predates", when=charge.offence_words, since=str(article.capital_since))
            ruled_out.append(("date", nested(clause)))
        elif when is None:
            unknown.append(_missing_offence_fact(charge))

    if charge.stage == "attempt":
        attempt_since = article.capital_for_attempt_since
        if attempt_since is None:
            ruled_out.append(("stage", term("clause.attempt_never")))
        else:
            when = _act_before(charge, attempt_since)
            if when is True:
                clause = message("attempt_predates", when=charge.offence_words, since=str(attempt_since))
                ruled_out.append(("date", nested(clause)))
            elif when is None:
                unknown.append(_missing_offence_fact(charge))
    elif charge.stage == "preparation":
        ruled_out.append(("stage", term("clause.preparation_never")))
    elif charge.stage == "unknown":
        unknown.append(STAGE)

    if article.subject_restriction == "official_or_military":
        if person.is_official_or_military is None:
            unknown.append(SUBJECT_STATUS)
        elif not person.is_official_or_military:
            ruled_out.append(("subject", term("clause.subject")))

    if ruled_out:
        return Exposure(
            "ruled_out",
            ruled_out_by=tuple(cause for cause, _ in ruled_out),
            explanations=tuple(clause for _, clause in ruled_out),
        )
    if unknown:
        return Exposure("unknown", unknown_facts=_ordered_facts(unknown))
    return Exposure("exposed")


def _act_before(charge: ChargeFacts, day: date) -> bool | None:
    """True when every possible day of the act is before `day`, False when none is, None when
    the range of possible days straddles it or is open on the side that matters."""
    earliest, latest = charge.offence_range
    if latest is not None and latest < day:
        return True
    if earliest is not None and earliest >= day:
        return False
    return None


def _missing_offence_fact(charge: ChargeFacts) -> str:
    recorded = charge.offence_date is not None and charge.offence_date_precision != "unknown"
    return EXACT_OFFENCE_DATE if recorded else OFFENCE_DATE


# ---------------------------------------------------------------------------------------------
# Exemptions


@dataclass(frozen=True)
class ExemptionCheck:
    """One exemption for one charge: "proven", "disproven" or "undetermined" (facts missing)."""

    rule: str
    outcome: str
    unknown_facts: tuple[str, ...] = ()


def check_exemption(
    rule: str, *, person: PersonFacts, charge: ChargeFacts, case: CaseFacts, on: date
) -> ExemptionCheck:
    """Decide one exemption of Art. 59(2) from the recorded facts.

    An imprecise birth date is a range of possible dates: the exemption is proven only if every
    date in the range proves it, and disproven only if every date disproves it.
    """
    if rule == "female":
        if person.sex == "unknown":
            return ExemptionCheck(rule, "undetermined", (SEX,))
        return ExemptionCheck(rule, "proven" if person.sex == "female" else "disproven")

    if rule == "under_18_at_offence":
        births = birth_date_range(person.birth_date, person.birth_date_precision)
        earliest, latest = charge.offence_range
        if births is None:
            unknown_act = [OFFENCE_DATE] if earliest is None and latest is None else []
            return ExemptionCheck(rule, "undetermined", tuple([BIRTH_DATE, *unknown_act]))
        # Under 18 on the latest possible day of the act (e.g. the day of detention) is under 18
        # on every possible day; 18 or older on the earliest possible day is 18 or older on all.
        if latest is not None and age_on(births[0], latest) < 18:
            return ExemptionCheck(rule, "proven")
        if earliest is not None and age_on(births[1], earliest) >= 18:
            return ExemptionCheck(rule, "disproven")
        if earliest is None:
            return ExemptionCheck(rule, "undetermined", (OFFENCE_DATE,))
        missing = [EXACT_BIRTH_DATE] if births[0] != births[1] else []
        if earliest != latest:
            missing.append(EXACT_OFFENCE_DATE)
        return ExemptionCheck(rule, "undetermined", _ordered_facts(missing or [EXACT_BIRTH_DATE]))

    if rule == "male_65_or_older_at_sentencing":
        if person.sex == "female":
            return ExemptionCheck(rule, "disproven")
        days = sentencing_days(case, on)
        bounds = age_range(person.birth_date, person.birth_date_precision, days)
        # Someone certainly younger than 65 is not exempt whatever their sex, so an unknown sex
        # only matters for a person who may be 65 or older.
        if bounds is not None and bounds[1] < 65:
            return ExemptionCheck(rule, "disproven")
        missing = [SEX] if person.sex == "unknown" else []
        if bounds is None:
            missing.append(BIRTH_DATE)
        elif bounds[0] < 65:
            missing.append(EXACT_BIRTH_DATE)
            if days[0] != days[1]:
                missing.append(VERDICT_DATE)
        if missing:
            return ExemptionCheck(rule, "undetermined", _ordered_facts(missing))
        return ExemptionCheck(rule, "proven")

    raise ValueError(f"unknown exemption {rule!r}")


def check_exemptions(
    *, person: PersonFacts, charge: ChargeFacts, case: CaseFacts, law: LawFacts, on: date
) -> tuple[ExemptionCheck, ...]:
    """Every exemption the jurisdiction grants, in the order of EXEMPTIONS."""
    return tuple(
        check_exemption(rule, person=person, charge=charge, case=case, on=on)
        for rule in EXEMPTIONS
        if rule in law.exemptions
    )


# ---------------------------------------------------------------------------------------------
# Reclassification and watch list


def days_since_reclassification(charge: ChargeFacts, on: date) -> int | None:
    """Days from the reclassification that created this charge to `on`; None if it was not one."""
    return None if charge.reclassified_on is None else (on - charge.reclassified_on).days


def is_recent_reclassification(charge: ChargeFacts, on: date) -> bool:
    """Created by a reclassification 0 to 90 days ago, both ends included."""
    days = days_since_reclassification(charge, on)
    return days is not None and 0 <= days <= RECLASSIFICATION_WINDOW_DAYS


def watch_entry_applies(entry: WatchEntry, *, charge: ChargeFacts, person: PersonFacts, on: date) -> bool:
    """Whether a watch-list entry covers this charge of this person on `on`.

    Does not look at the charge's state (see `is_counted`). An unknown official or military
    status meets the condition, because an unknown fact never lowers a level.
    """
    article = charge.article
    if article.number != entry.article_number or entry.part not in ("", article.part):
        return False
    if entry.effective_from is not None and on < entry.effective_from:
        return False
    if entry.effective_to is not None and on > entry.effective_to:
        return False
    if entry.condition == "official_or_military":
        return person.is_official_or_military is not False
    return True


# ---------------------------------------------------------------------------------------------
# After the verdict


def is_conviction_with_other_sentence(charge: ChargeFacts, case: CaseFacts) -> bool:
    """A convicted charge in a case whose recorded sentence is not death. Without a recorded
    sentence the conviction may yet carry death (an unknown fact never lowers a level), and a
    death sentence is weighed by its own rule."""
    return charge.state == "convicted" and case.sentence_kind not in ("", "death")


def verdict_is_final(case: CaseFacts, on: date) -> bool:
    """Final on `on` only when every possible day of the final date is on or before it: a final
    date known to the month becomes certain once the month is over (a date passing is caught by
    the periodic full pass). Not recorded: not final."""
    days = case.verdict_final_range
    return days is not None and days[1] <= on


def _after_the_verdict(
    found: list[Reason], *, charge: ChargeFacts, case: CaseFacts, on: date
) -> list[Reason]:
    """RISK_RULES.md, after the verdict: a conviction with a sentence other than death keeps its
    charge's reasons at `watch` while the verdict is not final (an appeal by the prosecution may
    still seek death); once it is final, the charge no longer counts, and one `none` reason says
    why its earlier reasons are gone."""
    if not found:
        return []
    sentence = (
        term(f"sentence.{case.sentence_kind}") if case.sentence_kind in SENTENCES else case.sentence_kind
    )
    article = charge.article.param(with_title=False)
    if case.verdict_date is not None:
        verdict = _date_words(case.verdict_date, case.verdict_date_precision)
        conviction = nested(message("conviction_dated", article=article, sentence=sentence, verdict=verdict))
    else:
        conviction = nested(message("conviction", article=article, sentence=sentence))
    if verdict_is_final(case, on):
        final = _date_words(case.verdict_final_on, case.verdict_final_precision)
        said = message("verdict_final", conviction=conviction, final=final)
        return [_reason("verdict_final", "none", charge, said)]
    out = []
    for reason in found:
        if LEVELS.index(reason.level) <= LEVELS.index("watch"):
            out.append(reason)
            continue
        if case.verdict_final_range is None:
            pending = term("pending.not_final")
        else:
            final = _date_words(case.verdict_final_on, case.verdict_final_precision)
            pending = nested(message("may_not_be_final", final=final))
        said = message(
            "conviction_not_final", conviction=conviction, pending=pending, before=nested(reason.message)
        )
        out.append(_reason("conviction_not_final", "watch", charge, said))
    return out


def death_sentence_ended(case: CaseFacts, on: date) -> bool:
    """Has the death sentence been commuted (or ended by clemency or a pardon) by `on`? A dated
    event, never an overwrite of the sentence (RISK_RULES.md); recorded once it has happened, so a
    day known in part counts from its first possible day."""
    days = period(case.death_sentence_ended_on, case.death_sentence_ended_precision)
    return case.sentence_kind == "death" and days is not None and days[0] <= on


ENDED_BY = ("commuted", "clemency_granted", "pardoned")


def _death_sentence_ended_reason(case: CaseFacts) -> Reason:
    ended_by = case.death_sentence_ended_by if case.death_sentence_ended_by in ENDED_BY else "other"
    how = term(f"ended.{ended_by}")
    day = _date_words(case.death_sentence_ended_on, case.death_sentence_ended_precision)
    if case.verdict_date:
        verdict = _date_words(case.verdict_date, case.verdict_date_precision)
        said = message("death_sentence_ended", verdict=verdict, how=how, day=day)
    else:
        said = message("death_sentence_ended_undated", how=how, day=day)
    return Reason("death_sentence_ended", "none", None, "", said)


def has_left_custody(case: CaseFacts, on: date) -> bool:
    """Has the person left custody in this case by `on`? The case's status says so (the same fact
    that stops counting them as held); a release is recorded once it has happened
    (cases.services.releases refuses one that has not begun), so a day known in part counts from
    the first day it may be ("released in 2025" is not a future event), and a day not recorded
    does not keep the person in."""
    days = case.left_custody_range
    return case.left_custody and (days is None or days[0] <= on)


def _after_leaving_custody(found: list[Reason], *, case: CaseFacts) -> list[Reason]:
    """A person no longer held in the case is at no risk of execution in it: the case's reasons
    give way to one `none` reason that says when and how the person left, and what the case was
    before (the assessment history keeps the old reasons). A re-arrest is a new case."""
    if not found:
        return []
    day = _date_words(case.left_custody_on, case.left_custody_precision)
    day = term("date.not_recorded") if day == term("date.unknown") else day
    before = found[0]
    was = {"day": day, "level": term(f"level.{before.level}"), "before": nested(before.message)}
    if case.left_custody_how == "death_in_custody":
        return [Reason("died_in_custody", "none", None, "", message("died_in_custody", **was))]
    if case.left_custody_how in RELEASES:
        said = message("released", how=term(f"release.{case.left_custody_how}"), **was)
    else:
        said = message("released_how_unknown", **was)
    return [Reason("released", "none", None, "", said)]


def is_designated(designation: DesignationFacts, on: date) -> bool:
    """On the list on `on`: known on it by then (a day known in part counts from its first
    possible day, as the snapshot that shows it was read by then) and not yet known off it. A
    removal lowers a level, so it counts only from the day it is known."""
    days = period(designation.listed_on, designation.listed_precision)
    if days is None or days[0] > on:
        return False
    return designation.removed_on is None or designation.removed_on > on


DESIGNATION_KINDS = ("terrorism", "extremism", "both")


def _designation_reasons(person: PersonFacts, on: date) -> list[Reason]:
    """A person on a list that gives a watch reason (the terrorism list: an inclusion often
    comes before a terrorism charge) is watched in every case, whatever the charges say."""
    out = []
    for designation in person.designations:
        if not is_designated(designation, on):
            continue
        kind = designation.kind if designation.kind in DESIGNATION_KINDS else "other"
        said = {
            "what": term(f"designation.{kind}"),
            "since": _date_words(designation.listed_on, designation.listed_precision),
            # The list's own name for Belarusian and Russian readers, its English one for English.
            "list": {"name": designation.list_name, "en": designation.list_name_en},
        }
        if designation.listed_on_given:
            found = message("designated", **said)
        elif designation.listed_after is not None:
            found = message("designated_at_the_latest_after", after=str(designation.listed_after), **said)
        else:
            found = message("designated_at_the_latest", **said)
        out.append(Reason("designated", "watch", None, "", found))
    return out


# What a release or a sentence is called in a reason (terms of cases.wording.catalogue).
RELEASES = (
    "sentence_served",
    "pardon",
    "amnesty",
    "parole",
    "exchange",
    "deportation",
    "acquittal",
    "charges_dropped",
    "sentence_changed",
)
SENTENCES = (
    "deprivation_of_liberty",
    "restriction_of_freedom",
    "arrest",
    "fine",
    "correctional_labour",
    "life",
)


def _date_words(day: date | None, precision: str):
    """A partial date as a reason's parameter: "2024-07-01", "2024-07", "2024" (the same in every
    language), or the term for an unknown day."""
    if day is None or precision == "unknown":
        return term("date.unknown")
    return {"day": str(day), "month": f"{day:%Y-%m}"}.get(precision, str(day.year))


# ---------------------------------------------------------------------------------------------
# The assessment


def level_of(reasons: Iterable[Reason]) -> str:
    """The highest level any reason supports; "none" without reasons."""
    return max((reason.level for reason in reasons), key=LEVELS.index, default="none")


def assess(
    *, person: PersonFacts, case: CaseFacts, charges: Sequence[ChargeFacts], law: LawFacts, on: date
) -> Assessment:
    """Assess the case on the day `on` and return its level with every reason found.

    Reasons are ordered by level (highest first), then charge id, then rule, so the same facts
    always read back the same way whatever order the charges came in.
    """
    reasons: list[Reason] = []
    ended = death_sentence_ended(case, on)
    if case.sentence_kind == "death":
        reasons.append(_death_sentence_ended_reason(case) if ended else _death_sentence_reason(case))
    for charge in charges:
        if not is_counted(charge):
            continue
        if ended and charge.state == "convicted":
            continue  # the conviction stands with the sentence that replaced death: final, no risk
        found = _capital_reasons(person=person, case=case, charge=charge, law=law, on=on)
        found += _reclassification_reasons(charge=charge, law=law, on=on)
        found += _watch_list_reasons(person=person, charge=charge, law=law, on=on)
        if is_conviction_with_other_sentence(charge, case):
            found = _after_the_verdict(found, charge=charge, case=case, on=on)
        reasons += found
    reasons += _designation_reasons(person, on)
    if has_left_custody(case, on):
        reasons = _after_leaving_custody(_assessment(reasons).reasons, case=case)
    return _assessment(reasons)


def _assessment(reasons: list[Reason]) -> Assessment:
    """Reasons ordered by level (highest first), then charge id, then rule: the same facts always
    read back the same way whatever order the charges came in."""
    if len(reasons) < 2:  # most cases: nothing to order (the nightly pass assesses 20,000 a night)
        return Assessment(level=level_of(reasons), reasons=tuple(reasons))
    reasons = sorted(
        reasons,
        key=lambda r: (
            -LEVELS.index(r.level),
            -1 if r.charge_id is None else r.charge_id,
            r.rule,
            r.article,
            repr(r.message),
        ),
    )
    return Assessment(level=level_of(reasons), reasons=tuple(reasons))


def _death_sentence_reason(case: CaseFacts) -> Reason:
    if case.verdict_date:
        said = message("death_sentence", date=str(case.verdict_date))
    else:
        said = message("death_sentence_undated")
    return Reason(rule="death_sentence", level="sentenced_to_death", charge_id=None, article="", message=said)


def _capital_reasons(
    *, person: PersonFacts, case: CaseFacts, charge: ChargeFacts, law: LawFacts, on: date
) -> list[Reason]:
    # Without the death penalty in the law, a capital article is no risk at all.
    if law.death_penalty == "abolished":
        return []
    exposure = charge_exposure(charge, person)
    if exposure.status == "not_capital":
        return []
    subject = _subject(charge, law)
    in_law = {"country": law.code, "name": law.name}
    if exposure.status == "ruled_out":
        # A subject restriction that the person does not meet means the part cannot apply to
        # them at all; only a date or stage leaves a capital article worth watching.
        if "subject" in exposure.ruled_out_by:
            return []
        rule = f"ruled_out_by_{exposure.ruled_out_by[0]}"
        said = message("ruled_out", subject=subject, because=listed(*exposure.explanations))
        return [_reason(rule, "watch", charge, said)]

    # The charge may carry death ("unknown") or does ("exposed"). A proven exemption settles it
    # either way, because the death penalty cannot then be imposed whatever the missing facts.
    checks = check_exemptions(person=person, charge=charge, case=case, law=law, on=on)
    proven = [check.rule for check in checks if check.outcome == "proven"]
    if proven:
        because = listed(*(_exemption_words(rule, case) for rule in proven))
        said = message("exempt", subject=subject, law=in_law, because=because)
        return [_reason("exempt", "watch", charge, said)]
    if law.death_penalty == "moratorium":
        return [_reason("moratorium", "watch", charge, message("moratorium", subject=subject, law=in_law))]
    unknown = _ordered_facts(
        list(exposure.unknown_facts) + [fact for check in checks for fact in check.unknown_facts]
    )
    if unknown:
        facts = listed(*(term(f"fact.{fact}") for fact in unknown))
        code = "capital_unknown_fact" if len(unknown) == 1 else "capital_unknown_facts"
        said = message(code, subject=subject, law=in_law, facts=facts)
        return [_reason("capital_unknown_fact", "elevated", charge, said)]
    return [
        _reason("capital_charge", "critical", charge, message("capital_charge", subject=subject, law=in_law))
    ]


def _reclassification_reasons(*, charge: ChargeFacts, law: LawFacts, on: date) -> list[Reason]:
    if not is_recent_reclassification(charge, on):
        return []
    article = charge.article
    into = []
    # With the death penalty abolished, only the terrorism or treason label is worth watching.
    if article.capital and law.death_penalty != "abolished":
        into.append(term("into.capital"))
    if article.category:
        into.append(term(f"into.{article.category}"))
    if not into:
        return []
    level = "elevated" if law.death_penalty == "active" else "watch"
    # The text names the last day of the window rather than "N days ago", so the reason (and the
    # stored assessment) stays the same from one day to the next.
    lapses = charge.reclassified_on + timedelta(days=RECLASSIFICATION_WINDOW_DAYS)
    said = {
        "article": article.param(law.code),
        "into": {"list": into},
        "date": str(charge.reclassified_on),
        "days": RECLASSIFICATION_WINDOW_DAYS,
        "lapses": str(lapses),
        "note": term("clause.moratorium") if law.death_penalty == "moratorium" and article.capital else "",
    }
    if charge.reclassified_from:
        found = message(
            "recent_reclassification", **{"from": charge.reclassified_from.param(with_title=False)}, **said
        )
    else:
        found = message("recent_reclassification_no_source", **said)
    return [_reason("recent_reclassification", level, charge, found)]


def _watch_list_reasons(*, person: PersonFacts, charge: ChargeFacts, law: LawFacts, on: date) -> list[Reason]:
    return [
        _reason(
            "watch_list",
            "watch",
            charge,
            message("watch_list", subject=_subject(charge, law), reason=entry.reason),
        )
        for entry in law.watch_entries_by_article.get(charge.article.number, ())
        if watch_entry_applies(entry, charge=charge, person=person, on=on)
    ]


def _reason(rule: str, level: str, charge: ChargeFacts, said: dict) -> Reason:
    return Reason(rule=rule, level=level, charge_id=charge.id, article=charge.article.notation, message=said)


def _subject(charge: ChargeFacts, law: LawFacts) -> dict:
    code = {"attempt": "subject_attempt", "preparation": "subject_preparation"}.get(charge.stage, "subject")
    return nested(message(code, article=charge.article.param(law.code)))


def _exemption_words(rule: str, case: CaseFacts) -> dict:
    if rule == "female":
        return term("exemption.female")
    if rule == "under_18_at_offence":
        return term("exemption.under_18_at_offence")
    return term(
        "exemption.male_65_at_sentencing" if case.verdict_date else "exemption.male_65_before_sentencing"
    )


def _ordered_facts(facts: Iterable[str]) -> tuple[str, ...]:
    found = set(facts)
    return tuple(fact for fact in FACTS if fact in found)


# ---------------------------------------------------------------------------------------------
# Contested facts (issue 17)


@dataclass(frozen=True)
class Alternative:
    """The facts as one conflicting claim has them: `claim` says the fact and the claimed value
    ("birth date is 2004"), a message parameter ({"claim": …, "label": English}); `person` and
    `case` are the facts with that value in place."""

    claim: dict
    person: PersonFacts
    case: CaseFacts
    # The charges as the claim has them (a contested detention date bounds every act's latest
    # day); None: the case's own.
    charges: Sequence[ChargeFacts] | None = None


CONTESTED_RULE = "contested_fact"


def assess_contested(
    *,
    person: PersonFacts,
    case: CaseFacts,
    charges: Sequence[ChargeFacts],
    law: LawFacts,
    on: date,
    alternatives: Sequence[Alternative] = (),
) -> Assessment:
    """Assess the case on its accepted facts, then on each alternative a conflicting claim gives.

    A contested fact never lowers a level: the level is the highest any alternative reaches. The
    result says when it depends on a contested fact: a reason per alternative whose level differs
    from the accepted facts' (at the alternative's level when it is higher, so the case is
    weighed as the worse reading says; at the accepted level when it is lower, to say the lower
    reading was not taken)."""
    base = assess(person=person, case=case, charges=charges, law=law, on=on)
    reasons = list(base.reasons)
    for alternative in alternatives:
        other = assess(
            person=alternative.person,
            case=alternative.case,
            charges=charges if alternative.charges is None else alternative.charges,
            law=law,
            on=on,
        )
        if other.level == base.level:
            continue
        said = {
            "claim": alternative.claim,
            "level": term(f"level.{other.level}"),
            "accepted": term(f"level.{base.level}"),
        }
        if LEVELS.index(other.level) > LEVELS.index(base.level):
            why = nested(other.reasons[0].message) if other.reasons else ""
            reasons.append(
                Reason(CONTESTED_RULE, other.level, None, "", message("contested_higher", why=why, **said))
            )
        else:
            reasons.append(Reason(CONTESTED_RULE, base.level, None, "", message("contested_lower", **said)))
    return _assessment(reasons)
