"""The facts that carry claims, how a claimed value is read, compared, shown and written, and the
rules that weigh two claims. Plain data in, plain data out: no Django, no model.

A claimed value is stored as JSON in one canonical form per kind of fact, so two sources that say
the same thing in different words hold equal values:

- date:     {"date": "2021-05-01", "precision": "month"} (the first day of the period, as stored
            on the record; cases.partial_dates)
- choice:   "convicted" (a value of the field's choices)
- bool:     true / false
- text:     "ИВС Октябрьского РУВД" (spaces folded)
- sentence: {"kind": "deprivation_of_liberty", "years": 3, "months": 0, "regime": "general"}
- region:   "BY:minsk" (the jurisdiction's code and the region's)
- facility: "ik-15-mogilev" (the facility's slug: where the person is held now, or where a
            facility stay was spent)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from cases import choices, partial_dates

DATE, CHOICE, BOOL, TEXT, SENTENCE, REGION = "date", "choice", "bool", "text", "sentence", "region"
FACILITY = "facility"
PERSON, CASE, CHARGE, STAY = "person", "case", "charge", "stay"


class ClaimValueError(ValueError):
    """A claimed value this fact cannot hold; the message says why, for the person who typed it."""


@dataclass(frozen=True)
class Fact:
    key: str  # "<target>.<name>": what Claim.fact stores
    label: str
    target: str  # PERSON, CASE, CHARGE or STAY: the record the fact is written on
    kind: str
    fields: tuple[str, ...]  # the record's fields the fact writes
    # A conflict on it can change a risk level: it comes first in the conflicts queue, and the risk
    # assessment weighs every claimed value of it (a contested fact never lowers a level).
    risk_relevant: bool = False
    choices: tuple[str, ...] = ()
    # A date held by one of the case's events rather than a field (the release: the case's latest
    # event of this kind, read through the case's properties named in `fields`). Accepting a claim
    # records that event, or moves it to the claimed day: a case is never released twice by a
    # disagreement on the day.
    event_kind: str = ""


FACTS: dict[str, Fact] = {
    f.key: f
    for f in (
        Fact("person.sex", "sex", PERSON, CHOICE, ("sex",), True, tuple(choices.Sex.values)),
        Fact("person.birth_date", "birth date", PERSON, DATE, ("birth_date", "birth_date_precision"), True),
        Fact("person.region", "region", PERSON, REGION, ("region",)),
        Fact(
            "person.is_official_or_military",
            "official or military status",
            PERSON,
            BOOL,
            ("is_official_or_military",),
            True,
        ),
        Fact("case.status", "status", CASE, CHOICE, ("status",), True, tuple(choices.CaseStatus.values)),
        Fact(
            "case.detention_date",
            "detention date",
            CASE,
            DATE,
            ("detention_date", "detention_date_precision"),
            True,
        ),
        Fact("case.detention_place", "place of detention", CASE, TEXT, ("detention_place",)),
        # Where the person is held now: the case's open facility stay. Accepting another facility
        # is a transfer (transfer_person), never an edit of a past stay.
        Fact("case.facility", "facility where held", CASE, FACILITY, ("facility",)),
        Fact(
            "case.verdict_date", "verdict date", CASE, DATE, ("verdict_date", "verdict_date_precision"), True
        ),
        # From this day a conviction with a sentence other than death no longer counts towards the
        # risk (RISK_RULES.md, after the verdict): a conflict on it can move a level.
        Fact(
            "case.verdict_final_on",
            "day the verdict became final",
            CASE,
            DATE,
            ("verdict_final_on", "verdict_final_on_precision"),
            True,
        ),
        Fact(
            "case.sentence",
            "sentence",
            CASE,
            SENTENCE,
            ("sentence_kind", "sentence_years", "sentence_months", "sentence_regime"),
            True,
        ),
        Fact(
            "case.released_on",
            "release date",
            CASE,
            DATE,
            ("released_on", "released_on_precision"),
            event_kind=choices.EventKind.RELEASED,
        ),
        Fact(
            "charge.offence_date",
            "offence date",
            CHARGE,
            DATE,
            ("offence_date", "offence_date_precision"),
            True,
        ),
        Fact("charge.stage", "stage", CHARGE, CHOICE, ("stage",), True, tuple(choices.ChargeStage.values)),
        Fact(
            "charge.charged_on",
            "date charged",
            CHARGE,
            DATE,
            ("charged_on", "charged_on_precision"),
            True,
        ),
        # A facility stay's facts: where a period of detention was spent, from when to when. The
        # open stay's facility is `case.facility` (a source saying the person is held elsewhere
        # now is a transfer); a stay's `facility` corrects where an ended stay was spent, and its
        # end is claimed on an ended stay only (the open stay ends by a transfer or a release).
        Fact("stay.facility", "facility of the stay", STAY, FACILITY, ("facility",)),
        Fact("stay.start_date", "first day of the stay", STAY, DATE, ("start_date", "start_date_precision")),
        Fact("stay.end_date", "last day of the stay", STAY, DATE, ("end_date", "end_date_precision")),
    )
}


def fact(key: str) -> Fact:
    try:
        return FACTS[key]
    except KeyError:
        raise ClaimValueError(f"No fact {key!r} carries claims; the facts are: {', '.join(FACTS)}.") from None


# Values ---------------------------------------------------------------------------------------


def canonical(spec: Fact, value) -> object:
    """The stored form of a claimed value, from what a form, an import or the API hands over.
    Raises ClaimValueError for a value the fact cannot hold."""
    if spec.kind == DATE:
        if isinstance(value, dict):
            day, precision = value.get("date"), value.get("precision", partial_dates.DAY)
        elif isinstance(value, tuple):
            day, precision = value
        else:
            day, precision = value, partial_dates.DAY
        if isinstance(day, str):
            try:
                day = datetime.date.fromisoformat(day)
            except ValueError:
                raise ClaimValueError(f"'{day}' is not a date (YYYY-MM-DD).") from None
        if day is not None and not isinstance(day, datetime.date):
            raise ClaimValueError("A date is needed.")
        if precision not in partial_dates.PRECISIONS:
            known = ", ".join(partial_dates.PRECISIONS)
            raise ClaimValueError(f"'{precision}' is not a precision ({known}).")
        day, precision = partial_dates.normalised(day, precision)
        return {"date": day.isoformat() if day else None, "precision": precision}
    if spec.kind == CHOICE:
        if value not in spec.choices:
            raise ClaimValueError(f"'{value}' is not one of: {', '.join(spec.choices)}.")
        return value
    if spec.kind == BOOL:
        if not isinstance(value, bool):
            raise ClaimValueError("Yes or no is needed.")
        return value
    if spec.kind in (TEXT, REGION, FACILITY):
        text = " ".join(str(value or "").split())
        if not text and spec.kind == REGION:
            raise ClaimValueError("A region code is needed.")
        if not text and spec.kind == FACILITY:
            raise ClaimValueError("A facility is needed (its slug).")
        return text
    if spec.kind == SENTENCE:
        if not isinstance(value, dict):
            raise ClaimValueError("A sentence is its kind, term (years, months) and regime.")
        kind = value.get("kind") or ""
        if kind and kind not in choices.SentenceKind.values:
            raise ClaimValueError(f"'{kind}' is not a sentence kind.")
        regime = value.get("regime") or ""
        if regime and regime not in choices.Regime.values:
            raise ClaimValueError(f"'{regime}' is not a regime.")
        try:
            years = int(value["years"]) if value.get("years") not in (None, "") else None
            months = int(value["months"]) if value.get("months") not in (None, "") else None
        except (TypeError, ValueError):
            raise ClaimValueError("The term is a number of years and months.") from None
        return {"kind": kind, "years": years, "months": months, "regime": regime}
    raise ClaimValueError(f"Unknown kind of fact {spec.kind!r}.")


# A choice that says nothing is known holds no value to claim.
NOT_KNOWN = {"person.sex": (choices.Sex.UNKNOWN,), "charge.stage": (choices.ChargeStage.UNKNOWN,)}


def value_on(spec: Fact, record, *, region_code=None, facility_code=None) -> object:
    """The fact's value as the record holds it now, in canonical form (None: nothing recorded).
    `region_code` reads the region's code (the record holds a foreign key), `facility_code` the
    slug of the facility of the case's open stay, or of the stay itself."""
    if spec.kind == DATE:
        day, precision = (getattr(record, f) for f in spec.fields)
        return None if day is None else canonical(spec, (day, precision))
    if spec.kind == SENTENCE:
        kind, years, months, regime = (getattr(record, f) for f in spec.fields)
        if not (kind or years or months or regime):
            return None
        return canonical(spec, {"kind": kind, "years": years, "months": months, "regime": regime})
    if spec.kind == REGION:
        return region_code(record) if region_code else None
    if spec.kind == FACILITY:
        return facility_code(record) if facility_code else None
    value = getattr(record, spec.fields[0])
    if spec.kind == CHOICE and value in NOT_KNOWN.get(spec.key, ()):
        return None
    if spec.kind == TEXT and not value:
        return None
    return value


def field_changes(spec: Fact, value, *, region=None) -> dict:
    """The keyword arguments of update_person / update_case that write a canonical value.
    `region` turns a region code into the record's foreign-key value."""
    if spec.kind == DATE:
        day = datetime.date.fromisoformat(value["date"]) if value["date"] else None
        return dict(zip(spec.fields, (day, value["precision"]), strict=True))
    if spec.kind == SENTENCE:
        return dict(
            zip(spec.fields, (value["kind"], value["years"], value["months"], value["regime"]), strict=True)
        )
    if spec.kind == REGION:
        return {spec.fields[0]: region(value)}
    return {spec.fields[0]: value}


# This module imports no Django (it is one of the pure rules), so the two words it says itself are
# here in each language rather than in the catalogues, as partial_dates keeps its month names.
YES_NO = {"en": ("yes", "no"), "be": ("так", "не"), "ru": ("да", "нет")}


def describe(spec: Fact, value, language: str = "en") -> str:
    """A claimed value in words, as a page shows it: "May 2021", "convicted", "3 years, general"."""
    if value is None:
        return "—"
    if spec.kind == DATE:
        day = datetime.date.fromisoformat(value["date"]) if value["date"] else None
        return partial_dates.describe(day, value["precision"], language)
    if spec.kind == CHOICE:
        labels = (
            dict(choices.Sex.choices) | dict(choices.CaseStatus.choices) | dict(choices.ChargeStage.choices)
        )
        return str(labels.get(value, value))
    if spec.kind == BOOL:
        yes, no = YES_NO.get(language, YES_NO["en"])
        return yes if value else no
    if spec.kind == SENTENCE:
        term = ", ".join(
            part
            for part in (
                f"{value['years']} y" if value["years"] else "",
                f"{value['months']} m" if value["months"] else "",
            )
            if part
        )
        kind = dict(choices.SentenceKind.choices).get(value["kind"], value["kind"])
        regime = dict(choices.Regime.choices).get(value["regime"], value["regime"])
        return ", ".join(str(part) for part in (kind, term, regime) if part)
    return str(value)


# Weighing claims ------------------------------------------------------------------------------

# A claim replaces the accepted one without waiting for a Publisher when its source's reliability
# is listed here against the accepted claim's: a court or official document beats a report and an
# unverified word. Everything else that disagrees waits in the conflicts queue for a person.
OVERRIDES: dict[str, frozenset[str]] = {
    choices.SourceReliability.DOCUMENTARY: frozenset(
        {choices.SourceReliability.REPORTED, choices.SourceReliability.UNVERIFIED}
    ),
}
UNSOURCED_RELIABILITY = choices.SourceReliability.UNVERIFIED  # "registry staff, unsourced"


def replaces(new_reliability: str, accepted_reliability: str) -> bool:
    """A new claim from a source of `new_reliability` replaces an accepted one from a source of
    `accepted_reliability` by the registry's rule (OVERRIDES), without a person deciding."""
    return accepted_reliability in OVERRIDES.get(new_reliability, frozenset())


# A claimed date this near to the day a law started to apply (the jurisdiction's and its articles'
# dates, handed over by the caller) makes a conflict urgent: the act may fall on either side.
NEAR_DAYS = 60
# The ages at which a jurisdiction's exemption rules (its law data's `exemptions`) switch.
EXEMPTION_AGES = {"under_18_at_offence": 18, "male_65_or_older_at_sentencing": 65}


def age_limits(exemptions: list) -> tuple[int, ...]:
    """The ages near which a birth date can change a risk level, from a jurisdiction's exemptions
    (as stored: the rules' names; as the law file writes them: {"rule": name})."""
    rules = [e.get("rule") if isinstance(e, dict) else e for e in exemptions]
    return tuple(sorted(EXEMPTION_AGES[rule] for rule in rules if rule in EXEMPTION_AGES))


@dataclass(frozen=True)
class Priority:
    rank: int  # 3: can change a risk level; 2: a risk-relevant fact; 1: the rest
    reason: str


def conflict_priority(
    spec: Fact,
    values: list,
    *,
    capital: bool,
    law_starts: tuple[tuple[datetime.date, str], ...] = (),
    ages: tuple[int, ...] = (),
    detained_on: datetime.date | None = None,
) -> Priority:
    """How urgent a conflict between `values` (canonical) on one fact is, for the queue: first the
    conflicts that can change a risk level (on a case with a capital charge, a date near the start
    of a law in `law_starts`, a birth date that puts the age near 18 or 65), then the other
    risk-relevant facts."""
    if spec.kind == DATE:
        days = [datetime.date.fromisoformat(v["date"]) for v in values if v and v["date"]]
        for start, why in law_starts:
            if any(abs((day - start).days) <= NEAR_DAYS for day in days) and spec.key != "person.birth_date":
                return Priority(3, f"a date near {why} ({start.isoformat()})")
        if spec.key == "person.birth_date" and days:
            on = detained_on or datetime.date.today()
            for limit in ages:
                if any(abs(_age(day, on) - limit) <= 1 for day in days):
                    return Priority(3, f"an age near {limit}")
    if spec.risk_relevant and capital:
        return Priority(3, "a case with a capital charge")
    if spec.risk_relevant:
        return Priority(2, "a fact the risk rules read")
    return Priority(1, "")


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
