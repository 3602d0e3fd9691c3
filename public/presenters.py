"""Display logic of the public pages as small plain functions: what a page shows, and how.

Nothing here queries the database: the views load the rows (with the prefetching that keeps the
query count flat) and hand them over. Every string a reader sees goes through gettext.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from cases import choices, countries, partial_dates
from cases.claims import facts as claim_facts
from cases.contact.letters import envelope_name
from cases.models import FacilityStay, ShownTitle, article_title, latest_event, release_of
from cases.wording.render import Renderer

CURRENT_CHARGE_STATES = (choices.ChargeState.ACTIVE, choices.ChargeState.CONVICTED)
DEATH_RISK_LEVELS = (
    choices.RiskLevel.ELEVATED,
    choices.RiskLevel.CRITICAL,
    choices.RiskLevel.SENTENCED_TO_DEATH,
)
# Events that count as "changes" on the home page and in the feed.
CHANGE_KINDS = (
    choices.EventKind.DETAINED,
    choices.EventKind.RECLASSIFIED,
    choices.EventKind.VERDICT,
    choices.EventKind.RELEASED,
    choices.EventKind.PARDONED,
    choices.EventKind.DEPORTED,
)
SMALL_COUNT = 5


def page_language() -> str:
    """The language of the page being made: "en", "be" or "ru"."""
    return (get_language() or "en").split("-")[0]


# Free text in several languages (issue 20, point 3) -------------------------------------------


@dataclass(frozen=True)
class ShownText:
    """A record's free text as a page shows it. Written in another language than the page's (no
    translation into the page's), it carries that language, for the element's `lang` attribute,
    and a note saying which language it is in."""

    text: str
    language: str = ""  # only when it is not the page's language
    note: str = ""

    def __str__(self) -> str:
        return self.text


def language_note(language: str) -> str:
    """The note beside a text shown in a language not the page's ("(in Russian)"), in the page's."""
    notes = {"en": _("(in English)"), "be": _("(in Belarusian)"), "ru": _("(in Russian)")}
    return notes.get(language, "")


def shown_text(record, field: str, language: str) -> ShownText:
    """`field` of `record` (a TranslatedContent) in `language`, else in its original language with a
    note saying which (cases.content_languages.localized)."""
    text = record.localized(field, language)
    if not text.is_original_fallback:
        return ShownText(text.text)
    return ShownText(text.text, text.language, language_note(text.language))


# Names, ages, dates ---------------------------------------------------------------------------


def display_name(person, language: str) -> str:
    name = person.name_for_language(language)
    return name.text if name else person.slug


def other_names(person, shown: str, numbers=None, confidential_number=None) -> list:
    """Every other recorded spelling, so a reader can match the name they know; with `numbers`
    (the page's source numbers), each as (text, FactSources of who gives it)."""
    seen = {shown}
    result = []
    for name in person.names.all():
        if name.text not in seen:
            seen.add(name.text)
            result.append(name.text)
    if numbers is None:
        return result
    return [(text, name_sources(person, text, numbers, confidential_number)) for text in result]


def name_source_ids(person) -> set[int]:
    """The sources that give any spelling of the person's name (from the names the page loaded)."""
    return {
        source_id
        for name in person.names.all()
        for source_id in (name.source_id, *(given.source_id for given in name.also_given_by.all()))
        if source_id is not None
    }


def name_sources(person, text: str, numbers: dict[int, int], confidential_number) -> "FactSources | None":
    """The footnotes of one spelling: every source that gives it (in any kind of name), a public
    one by its number, a confidential one as "a confidential source"; None for the staff's own."""
    refs = set()
    for name in person.names.all():
        if name.text != text:
            continue
        for source_id in (name.source_id, *(given.source_id for given in name.also_given_by.all())):
            if source_id is not None and (number := numbers.get(source_id, confidential_number)):
                refs.add(number)
    return FactSources(refs=tuple(sorted(refs))) if refs else None


@dataclass(frozen=True)
class Age:
    low: int
    high: int

    def __str__(self) -> str:
        if self.low == self.high:
            return str(self.low)
        return _("%(low)s or %(high)s") % {"low": self.low, "high": self.high}


def age_on(birth_date: datetime.date | None, precision: str, today: datetime.date) -> Age | None:
    """The age on `today`; a birth date known to the month or year gives a range of two ages."""
    if birth_date is None or precision == choices.DatePrecision.UNKNOWN:
        return None

    def years_since(born: datetime.date) -> int:
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    if precision == choices.DatePrecision.DAY:
        latest = birth_date
    elif precision == choices.DatePrecision.MONTH:
        next_month = (birth_date.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        latest = next_month - datetime.timedelta(days=1)
    else:
        latest = birth_date.replace(month=12, day=31)
    high = years_since(birth_date)
    return Age(low=max(0, years_since(latest)), high=high)


@dataclass(frozen=True)
class LetterRow:
    """One person on the "write a letter" page."""

    person: object
    name: str
    envelope_name: str
    has_patronymic: bool
    birth_year: int | None
    facility: str
    postcode: str
    address: str
    recent_letters: int


def letter_row(person, language: str) -> LetterRow:
    stays = [stay for case in person.cases.all() for stay in getattr(case, "open_stays", [])]
    stay = next((s for s in stays if s.facility.postal_address), None)
    facility = stay.facility if stay else None
    known_year = (
        person.birth_date is not None and person.birth_date_precision != choices.DatePrecision.UNKNOWN
    )
    return LetterRow(
        person=person,
        name=display_name(person, language),
        envelope_name=envelope_name(person),
        has_patronymic=bool(person.patronymic),
        birth_year=person.birth_date.year if known_year else None,
        facility=facility.name("ru") if facility else "",
        postcode=facility.postcode if facility else "",
        address=facility.postal_address if facility else "",
        recent_letters=person.recent_letters,
    )


@dataclass(frozen=True)
class SilenceNotice:
    """ "No news since": the days the last contact may have been on, and the days certainly since."""

    bounds: tuple[datetime.date, datetime.date]
    days: int


def silence_notice(
    earliest: datetime.date | None, latest: datetime.date | None, today: datetime.date
) -> SilenceNotice | None:
    """From the latest first and last possible days of a person's contacts (None: none recorded)."""
    if earliest is None or latest is None:
        return None
    return SilenceNotice(bounds=(earliest, latest), days=max((today - latest).days, 0))


# Russian writes the month in the genitive ("1 марта 2022"); Django's Belarusian locale has no
# genitive month names, so Belarusian pages use the numeric form usual there ("01.03.2022").
DATE_FORMATS = {"ru": "j E Y", "be": "d.m.Y"}


def format_date(value: datetime.date | None) -> str:
    if not value:
        return ""
    return date_format(value, DATE_FORMATS.get((get_language() or "en").split("-")[0], "DATE_FORMAT"))


def format_partial_date(value: datetime.date | None, precision: str = choices.DatePrecision.DAY) -> str:
    """What is known of a date, in the page's language: a day as `format_date` writes it, or
    "May 2021" / "май 2021" / "2021" for a date known to the month or the year."""
    if value is None or precision == choices.DatePrecision.UNKNOWN:
        return ""
    if precision == choices.DatePrecision.DAY:
        return format_date(value)
    return partial_dates.describe(value, precision, (get_language() or "en").split("-")[0])


def format_date_range(bounds: tuple[datetime.date, datetime.date] | None) -> str:
    """A computed range (an expected release from a partial detention date) as words."""
    if bounds is None:
        return ""
    first, last = bounds
    if first == last:
        return format_date(first)
    for precision in (choices.DatePrecision.MONTH, choices.DatePrecision.YEAR):
        if partial_dates.period(first, precision) == bounds:  # a whole month or year
            return format_partial_date(first, precision)
    return _("between %(first)s and %(last)s") % {"first": format_date(first), "last": format_date(last)}


# Law ------------------------------------------------------------------------------------------


def article_notation(article, stage: str = choices.ChargeStage.COMPLETED) -> str:
    """'art. 289 part 3' in the page's language, with an attempt or preparation named."""
    if article.part:
        text = _("art. %(number)s part %(part)s") % {"number": article.number, "part": article.part}
    else:
        text = _("art. %(number)s") % {"number": article.number}
    if stage == choices.ChargeStage.ATTEMPT:
        return _("attempt, %(article)s") % {"article": text}
    if stage == choices.ChargeStage.PREPARATION:
        return _("preparation, %(article)s") % {"article": text}
    return text


def article_ref(article, jurisdiction_code: str) -> str:
    """The article's address on the site: 'by-289.3', 'by-361-1', 'by-127'."""
    ref = f"{jurisdiction_code.lower()}-{article.number}"
    return f"{ref}.{article.part}" if article.part else ref


def parse_article_ref(ref: str) -> tuple[str, str, str] | None:
    code, sep, rest = ref.partition("-")
    number, _sep, part = rest.partition(".")
    if not sep or not code or not number:
        return None
    return code.upper(), number, part


# Which source supports which fact (issue 17) ------------------------------------------------------


@dataclass(frozen=True)
class FactSources:
    """The footnotes of one fact: the sources of its shown value, and what other public sources say
    where they disagree (the value in words, with their footnotes)."""

    refs: tuple[int, ...]
    others: tuple[tuple[str, tuple[int, ...]], ...] = ()


def _claimed_value(claim, language: str) -> str:
    """A claimed value as the page writes the same fact (dates as `format_partial_date`)."""
    spec = claim_facts.FACTS[claim.fact]
    if spec.kind == claim_facts.DATE and claim.value["date"]:
        return format_partial_date(datetime.date.fromisoformat(claim.value["date"]), claim.value["precision"])
    return claim_facts.describe(spec, claim.value, language)


def record_key(claim):
    """Which record of the page a claim's fact is on: None for the person, the case's id,
    ("charge", the charge's id) for a charge's fact, ("stay", the stay's id) for a stay's."""
    if claim.charge_id is not None:
        return ("charge", claim.charge_id)
    if claim.stay_id is not None:
        return ("stay", claim.stay_id)
    return claim.case_id


def shown_values(person, cases, claims) -> dict:
    """{(record key, fact key): the value the page shows} for the facts `claims` are on, in the
    claims' canonical form (cases.claims.facts); a charge's and a stay's from the charges and
    stays the page loaded."""
    records = {None: person}
    for case in cases:
        records[case.pk] = case
        records.update({("charge", charge.pk): charge for charge in case.charges.all()})
        records.update({("stay", stay.pk): stay for stay in case.stays.all()})
    values = {}
    for claim in claims:
        key = (record_key(claim), claim.fact)
        spec = claim_facts.FACTS[claim.fact]
        if key not in values and key[0] in records and spec.event_kind:
            values[key] = _public_event_value(spec, records[key[0]])
        elif key not in values and key[0] in records:
            values[key] = claim_facts.value_on(
                spec,
                records[key[0]],
                region_code=_region_code,
                facility_code=_facility_code,
            )
    return values


def _public_event_value(spec, case):
    """The day of an event's fact (the release) as the page shows it: the case's latest public
    event of its kind, from the events the page loaded."""
    latest = latest_event(case.public_events, spec.event_kind)
    return None if latest is None else claim_facts.canonical(spec, (latest.date, latest.date_precision))


def _facility_code(record) -> str | None:
    """The facility of a stay, or of a case's open stay (from the stays the page loaded)."""
    stay = record if isinstance(record, FacilityStay) else record.current_stay
    return stay.facility.slug if stay is not None else None


def _region_code(person) -> str | None:
    region = person.region
    return f"{region.jurisdiction.code}:{region.code}" if region is not None else None


def fact_sources(
    claims, shown: dict, numbers: dict[int, int], confidential_number: int | None, language: str
) -> dict:
    """{(record key, fact name): FactSources} from the claims a page may show (none
    superseded) and the values it shows (`shown_values`). A claim supports the fact when it says
    the shown value, whatever its state: a value staff edited directly is never credited to the
    source of the value it replaced, whose word is then told as a disagreement. A public source is
    its number in the page's list; every confidential source is the one entry "a confidential
    source"; an unsourced claim has no footnote. Only public sources' disagreements are told: a
    confidential source's word never reaches the page."""
    supporting: dict = {}
    disagreeing: dict = {}
    for claim in claims:
        key = (record_key(claim), claim.fact.partition(".")[2])
        public = claim.source_id is not None and claim.source is not None and not claim.source.confidential
        number = (
            numbers.get(claim.source_id) if public else (confidential_number if claim.source_id else None)
        )
        if claim.value == shown.get((record_key(claim), claim.fact)):
            if number is not None:
                supporting.setdefault(key, set()).add(number)
        elif public and number is not None and claim_facts.FACTS[claim.fact].kind != claim_facts.FACILITY:
            # (Another facility is not told: it may be a place not yet confirmed by staff.)
            text = _claimed_value(claim, language)
            disagreeing.setdefault(key, {}).setdefault(text, set()).add(number)
    return {
        key: FactSources(
            refs=tuple(sorted(supporting.get(key, ()))),
            others=tuple((text, tuple(sorted(refs))) for text, refs in disagreeing.get(key, {}).items()),
        )
        for key in supporting.keys() | disagreeing.keys()
    }


@dataclass(frozen=True)
class ChargeDate:
    """A date of a charge as the page tells it ("offence: May 2021"), with its claims' footnotes."""

    label: str
    date: datetime.date
    precision: str
    sources: FactSources | None = None


@dataclass(frozen=True)
class ChargeRow:
    notation: str
    title: ShownTitle
    verified: bool
    state: str
    ref: str
    # The footnotes of the line: the charge's own source and the sources of its stage (the
    # notation says it), with what other public sources say of the stage.
    sources: FactSources | None = None
    dates: tuple[ChargeDate, ...] = ()


def charge_sources(charge, by_fact: dict, numbers: dict[int, int], confidential_number) -> FactSources | None:
    """The line's footnotes: the charge's source (its number, or "a confidential source" when it
    is not among the page's public sources) and those of its stage's claims (`fact_sources`)."""
    stage = by_fact.get((("charge", charge.pk), "stage"), FactSources(refs=()))
    refs = set(stage.refs)
    if charge.source_id is not None:
        number = numbers.get(charge.source_id, confidential_number)
        if number is not None:
            refs.add(number)
    if not refs and not stage.others:
        return None
    return FactSources(refs=tuple(sorted(refs)), others=stage.others)


def charge_dates(charge, by_fact: dict) -> tuple[ChargeDate, ...]:
    """The offence date and the day the charge was brought, where known, each with the footnotes
    of its claims (`fact_sources`): the risk rules read both, so a reader sees which source says
    them and where public sources disagree."""
    labels = (("offence_date", _("offence")), ("charged_on", _("charged")))
    return tuple(
        ChargeDate(
            label=label,
            date=getattr(charge, name),
            precision=getattr(charge, f"{name}_precision"),
            sources=by_fact.get((("charge", charge.pk), name)),
        )
        for name, label in labels
        if getattr(charge, name) is not None
    )


def current_charges(
    charges, jurisdiction_code: str, language: str, sources=lambda charge: None, dates=lambda charge: ()
) -> list[ChargeRow]:
    return [
        ChargeRow(
            notation=article_notation(charge.article, charge.stage),
            title=article_title(charge.article, language),
            verified=charge.article.verified,
            state=charge.get_state_display(),
            ref=article_ref(charge.article, jurisdiction_code),
            sources=sources(charge),
            dates=dates(charge),
        )
        for charge in charges
        if charge.state in CURRENT_CHARGE_STATES
    ]


def sentence_text(case) -> str:
    if not case.sentence_kind:
        return ""
    kind = case.get_sentence_kind_display()
    parts = []
    if case.sentence_years:
        parts.append(ngettext("%(n)d year", "%(n)d years", case.sentence_years) % {"n": case.sentence_years})
    if case.sentence_months:
        parts.append(
            ngettext("%(n)d month", "%(n)d months", case.sentence_months) % {"n": case.sentence_months}
        )
    text = f"{kind}, {' '.join(parts)}" if parts else kind
    if case.sentence_regime:
        text = f"{text} ({case.get_sentence_regime_display()})"
    return text


# Timeline -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    date: datetime.date
    kind: str
    label: str
    text: str
    anchor: str = ""
    precision: str = choices.DatePrecision.DAY
    sources: FactSources | None = None  # the release's: the footnotes of its claimed day
    text_language: str = ""  # the text's language when it is not the page's (ShownText)
    text_note: str = ""


def reclassification_text(reclassification) -> str:
    return _("from %(from)s to %(to)s on %(date)s") % {
        "from": article_notation(reclassification.from_charge.article, reclassification.from_charge.stage),
        "to": article_notation(reclassification.to_charge.article, reclassification.to_charge.stage),
        "date": format_date(reclassification.date),
    }


def event_text(event, language: str | None = None) -> ShownText:
    """What a public event says in `language` (the page's unless given): an entry the registry
    wrote (a message) is rendered in it, a charge event names its article in it; any other says
    its text in it, else in the language it was written in."""
    if event.message:
        return ShownText(Renderer(language or page_language()).render(event.message))
    if event.kind == choices.EventKind.CHARGED and event.charge_id and event.charge:
        return ShownText(article_notation(event.charge.article, event.charge.stage))
    if event.kind == choices.EventKind.CHARGE_DROPPED and event.charge_id and event.charge:
        return ShownText(article_notation(event.charge.article, event.charge.stage))
    return shown_text(event, "text", language or page_language())


def timeline(events, reclassifications) -> list[TimelineEntry]:
    """The case's public events in date order, each reclassification as 'from X to Y on Z'.

    `events` must be public events only. A reclassification event is replaced by the
    Reclassification row it records, which knows both articles.
    """
    by_successor = {r.to_charge_id: r for r in reclassifications}
    entries = []
    for event in events:
        if event.kind == choices.EventKind.RECLASSIFIED and event.charge_id in by_successor:
            continue
        text = event_text(event)
        entries.append(
            TimelineEntry(
                date=event.date,
                kind=event.kind,
                label=event.get_kind_display(),
                text=text.text,
                anchor=f"event-{event.public_id}",
                precision=event.date_precision,
                text_language=text.language,
                text_note=text.note,
            )
        )
    for r in reclassifications:
        entries.append(
            TimelineEntry(
                date=r.date,
                kind=choices.EventKind.RECLASSIFIED,
                label=choices.EventKind.RECLASSIFIED.label,
                text=reclassification_text(r),
            )
        )
    entries.sort(key=lambda e: e.date)
    return entries


def with_release_sources(entries: list[TimelineEntry], case, case_facts: dict) -> list[TimelineEntry]:
    """The timeline with the footnotes of the release date (`fact_sources` of "released_on") on
    the entry of the case's release: its latest public 'released' event, the one whose day the
    page's claims are weighed against (`shown_values`)."""
    sources = case_facts.get("released_on")
    release = latest_event(case.public_events, choices.EventKind.RELEASED)
    if sources is None or release is None:
        return entries
    anchor = f"event-{release.public_id}"
    return [dataclasses.replace(e, sources=sources) if e.anchor == anchor else e for e in entries]


def with_stay_sources(entries: list[TimelineEntry], case, by_fact: dict) -> list[TimelineEntry]:
    """The timeline with the footnotes of each stay's first day (`fact_sources` of the stay's
    "start_date") on the 'transferred' entry that began it: the entry of that day naming that
    facility, as `transfer_person` writes it and `correct_stay` keeps it."""
    began = {
        (stay.start_date, stay.facility.name_en): by_fact[key]
        for stay in case.stays.all()
        if (key := (("stay", stay.pk), "start_date")) in by_fact
    }
    return [
        dataclasses.replace(e, sources=began[(e.date, e.text)])
        if e.kind == choices.EventKind.TRANSFERRED and (e.date, e.text) in began
        else e
        for e in entries
    ]


# Risk -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RiskNotice:
    kind: str  # "danger" or "review"
    title: str
    reasons: list[ShownText] = field(default_factory=list)


def risk_notice(case, assessment) -> RiskNotice | None:
    """The banner of a case: at risk of death with the reasons, under review, or nothing.

    A stale case is under review whatever its last level was: never 'no risk' for it.
    """
    status = case.risk_status
    if status == "under_review":
        return RiskNotice(
            kind="review",
            title=_("The risk of the death penalty in this case is under review after a recent change."),
        )
    titles = {
        choices.RiskLevel.ELEVATED: _("Elevated risk of the death penalty"),
        choices.RiskLevel.CRITICAL: _("Critical risk of the death penalty"),
        choices.RiskLevel.SENTENCED_TO_DEATH: _("Sentenced to death"),
    }
    if status not in titles:
        return None
    reasons = []
    if assessment is not None:
        shown = [r for r in assessment.reasons if r.get("level") in DEATH_RISK_LEVELS]
        renderer = Renderer()
        reasons = [_reason_shown(renderer, r) for r in shown if r.get("code") or r.get("text")]
    return RiskNotice(kind="danger", title=titles[status], reasons=reasons)


def _reason_shown(renderer: Renderer, reason: dict) -> ShownText:
    """A reason in the page's language; one stored as an English sentence before reasons became
    messages is shown as it is, marked as English."""
    text, language = renderer.render(reason), renderer.language_of(reason)
    if language == renderer.language:
        return ShownText(text)
    return ShownText(text, language, _("(in English: written before this text was translated)"))


@dataclass(frozen=True)
class RiskTag:
    """The level a list row shows: a word for the reader and a class for the style sheet."""

    level: str
    text: str


# A person's cases ranked by what their row says: the most urgent case speaks for the person.
# "under_review" ranks above watch and none (never 'no risk' for a case being reassessed) and below
# the death-risk levels, which a current assessment of another case establishes.
LIST_RISK_RANK = (
    choices.RiskLevel.NONE,
    choices.RiskLevel.WATCH,
    "under_review",
    choices.RiskLevel.ELEVATED,
    choices.RiskLevel.CRITICAL,
    choices.RiskLevel.SENTENCED_TO_DEATH,
)


def person_risk_status(cases) -> str:
    """The risk status of a person's list row: the highest `risk_status` among their cases."""
    statuses = [case.risk_status for case in cases]
    return max(statuses, key=LIST_RISK_RANK.index, default=choices.RiskLevel.NONE)


def risk_tag(status: str) -> RiskTag | None:
    """What the list says of a risk status; as on the person page, watch and none say nothing.

    Each level has its own words, so no reader depends on the colour to tell them apart."""
    texts = {
        choices.RiskLevel.SENTENCED_TO_DEATH: _("Sentenced to death"),
        choices.RiskLevel.CRITICAL: _("Critical risk"),
        choices.RiskLevel.ELEVATED: _("Elevated risk"),
        "under_review": _("Under review"),
    }
    if status not in texts:
        return None
    css = {"sentenced_to_death": "sentenced", "under_review": "review"}.get(status, status)
    return RiskTag(level=css, text=texts[status])


# The list and its CSV -------------------------------------------------------------------------


def partial_date_iso(value: datetime.date | None, precision: str = choices.DatePrecision.DAY) -> str:
    """A date as far as it is known, in ISO 8601: '2022-03-01', '2022-03' or '2022'; '' if unknown."""
    return partial_dates.iso(value, precision)


def region_name(region, language: str) -> str:
    return region.name(language) if region is not None else ""


@dataclass(frozen=True)
class PersonRow:
    """One person of the public list, for the page and for its CSV."""

    slug: str
    name: str
    names_by_script: dict[str, str]
    other_names: list[str]
    region: str
    status: str
    detained: datetime.date | None
    risk: RiskTag | None
    articles: list[str]
    facility: str
    detained_precision: str = choices.DatePrecision.DAY


# Which spelling stands for a script in the list's CSV, after the primary name: the official or
# passport form, then another transliteration, an alias last.
NAME_KIND_RANK = {
    choices.NameKind.OFFICIAL_BE: 0,
    choices.NameKind.OFFICIAL_RU: 0,
    choices.NameKind.PASSPORT_LATIN: 0,
    choices.NameKind.OTHER_LATIN: 1,
    choices.NameKind.ALIAS: 2,
}


def _names_by_script(person) -> tuple[dict[str, str], list[str]]:
    """The person's spelling in each script and every further spelling, in the names' order."""
    names = list(person.names.all())
    by_script = {}
    for name in sorted(names, key=lambda n: (not n.is_primary, NAME_KIND_RANK.get(n.kind, 2))):
        by_script.setdefault(name.script, name.text)
    chosen = set(by_script.values())
    others = []
    for name in names:
        if name.text not in chosen and name.text not in others:
            others.append(name.text)
    return by_script, others


def person_row(person, language: str) -> PersonRow:
    """The row of a published person whose `cases` are prefetched newest first, each with its
    `charges` (article selected) and its open `stays` (facility selected).

    The status and detention date are those of the newest case; the level is the highest of any
    case; the articles are every current charge of any case; the facility is where they are held now.
    """
    cases = list(person.cases.all())
    newest = cases[0] if cases else None
    by_script, others = _names_by_script(person)
    articles = []
    for case in cases:
        for charge in case.charges.all():
            if charge.state in CURRENT_CHARGE_STATES:
                notation = article_notation(charge.article, charge.stage)
                if notation not in articles:
                    articles.append(notation)
    stay = next((s for case in cases for s in case.stays.all() if s.end_date is None), None)
    return PersonRow(
        slug=person.slug,
        name=display_name(person, language),
        names_by_script=by_script,
        other_names=others,
        region=region_name(person.region, language),
        status=newest.get_status_display() if newest else "",
        detained=newest.detention_date if newest else None,
        risk=risk_tag(person_risk_status(cases)),
        articles=articles,
        facility=stay.facility.name(language) if stay else "",
        detained_precision=newest.detention_date_precision if newest else choices.DatePrecision.UNKNOWN,
    )


# Counts ---------------------------------------------------------------------------------------


def shown_count(count: int) -> str:
    """Counts under 5 are shown as 'fewer than 5', so that no small group can be singled out."""
    if 0 < count < SMALL_COUNT:
        return _("fewer than 5")
    return str(count)


# Changes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeEntry:
    date: datetime.date
    person_name: str
    person_slug: str
    label: str
    text: str
    guid: str
    text_language: str = ""  # the text's language when it is not the page's (ShownText)
    text_note: str = ""


def change_entry(event, language: str) -> ChangeEntry:
    """One line of 'latest changes': the event of a published person, as the public sees it."""
    text = event_text(event, language)
    if event.kind == choices.EventKind.RECLASSIFIED and event.charge_id:
        reclassification = getattr(event.charge, "reclassified_by", None)
        if reclassification is not None:
            text = ShownText(reclassification_text(reclassification))
    person = event.case.person
    return ChangeEntry(
        date=event.date,
        person_name=display_name(person, language),
        person_slug=person.slug,
        label=event.get_kind_display(),
        text=text.text,
        guid=str(event.public_id),
        text_language=text.language,
        text_note=text.note,
    )


@dataclass(frozen=True)
class ReleaseView:
    """How the person left custody, as the public page says it (the family left behind never)."""

    date: datetime.date
    precision: str
    how: str  # "" when not known
    country: str  # in the page's language; "" when not known
    documents_withheld: bool
    anchor: str  # the timeline entry that dates it
    wave: object = None  # the public release wave it was part of (its page lists the others)


def _public_wave(release):
    """The release's wave if it is public (through the public role a wave that is not reads as no
    row: None)."""
    wave = release.wave if release.wave_id else None
    return wave if wave is not None and wave.is_public else None


def release_view(case) -> ReleaseView | None:
    """The case's release when it and the timeline entry that dates it are public; None otherwise
    (through the public role a release with a non-public entry reads as no row at all)."""
    release = release_of(case)
    if release is None:
        return None
    event = latest_event(case.public_events, release.event_kinds)
    if event is None:
        return None
    return ReleaseView(
        date=event.date,
        precision=event.date_precision,
        how="" if release.how == choices.ReleaseKind.UNKNOWN else release.get_how_display(),
        country=countries.country_name(release.destination_country, get_language()),
        documents_withheld=release.documents_withheld == choices.Answer.YES,
        anchor=f"event-{event.public_id}",
        wave=_public_wave(release),
    )
