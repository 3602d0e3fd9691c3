"""Applying the risk rules (cases.risk.rules) to the cases in the database, and keeping the history.

The rules themselves are plain functions; this module loads their input, stores their output,
and decides what a change of level sets off (a timeline event, an alert). Results are always
computed from the data as it is when the assessment runs, under a row lock on the case, so a
duplicate, late or out-of-order task can never store an older result over a newer one.
"""

import datetime
import hashlib
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from operator import attrgetter

from django.db import transaction
from django.db.models import BooleanField, F, Func, Q, Value
from django.utils import timezone, translation

from cases import partial_dates, signals
from cases.choices import (
    CUSTODY_END_KINDS,
    DEATH_SENTENCE_ENDING_KINDS,
    HOW_BY_STATUS,
    RELEASE_STATUSES,
    ChargeState,
    ClaimState,
    EventKind,
    RiskLevel,
)
from cases.claims import facts as claim_facts
from cases.models import (
    Article,
    Case,
    CaseEvent,
    ChangeRecord,
    Charge,
    Claim,
    Designation,
    Jurisdiction,
    Person,
    RiskAssessment,
    WatchListEntry,
    release_event_kinds,
)
from cases.models.records import record_change
from cases.risk import alerts
from cases.risk import rules as risk
from cases.wording.catalogue import WORDING_VERSION, message
from cases.wording.render import Renderer

logger = logging.getLogger(__name__)

COUNTED_STATES = (ChargeState.ACTIVE, ChargeState.CONVICTED)


# Facts from rows -------------------------------------------------------------------------------


def article_facts(article: Article) -> risk.ArticleFacts:
    return risk.ArticleFacts(
        number=article.number,
        part=article.part,
        capital=article.capital,
        capital_since=article.capital_since,
        capital_for_attempt_since=article.capital_for_attempt_since,
        subject_restriction=article.subject_restriction,
        category=article.category,
        title_en=article.title_en,
    )


def person_facts(person: Person) -> risk.PersonFacts:
    return risk.PersonFacts(
        sex=person.sex,
        birth_date=person.birth_date,
        birth_date_precision=person.birth_date_precision,
        is_official_or_military=person.is_official_or_military,
        designations=designations_of(Designation.objects.filter(person_id=person.pk)).get(person.pk, ()),
    )


def watched_designations():
    """The designations the rules read: on a list that gives a watch reason (cases.models)."""
    return Designation.objects.filter(designation_list__gives_watch_reason=True)


def designations_of(designations) -> dict[int, tuple[risk.DesignationFacts, ...]]:
    """The facts of each person's designations on lists that give a watch reason, by person id,
    from a queryset of designations; ordered so the same facts read back the same way."""
    out: dict[int, list[risk.DesignationFacts]] = defaultdict(list)
    rows = (
        designations.filter(designation_list__gives_watch_reason=True)
        .order_by("person_id", "listed_on", "designation_list__code", "pk")
        .values_list(
            "person_id",
            "designation_list__name_en",
            "designation_list__name",
            "designation_list__kind",
            "listed_on",
            "listed_on_precision",
            "listed_on_given",
            "listed_after",
            "removed_on",
        )
    )
    for person_id, name_en, name, kind, listed_on, precision, given, after, removed in rows:
        out[person_id].append(
            risk.DesignationFacts(
                list_name=name or name_en,
                list_name_en=name_en,
                listed_on=listed_on,
                listed_precision=precision,
                listed_on_given=given,
                listed_after=after,
                removed_on=removed,
                kind=kind,
            )
        )
    return {person_id: tuple(found) for person_id, found in out.items()}


def law_facts(jurisdiction: Jurisdiction) -> risk.LawFacts:
    entries = tuple(
        risk.WatchEntry(
            article_number=e.article_number,
            part=e.part,
            condition=e.condition,
            reason=e.reason,
            effective_from=e.effective_from,
            effective_to=e.effective_to,
        )
        for e in WatchListEntry.objects.filter(jurisdiction=jurisdiction).order_by("article_number", "part")
    )
    return risk.LawFacts(
        code=jurisdiction.code,
        name=jurisdiction.name,
        death_penalty=jurisdiction.death_penalty,
        exemptions=tuple(jurisdiction.exemptions),
        watch_list=entries,
    )


def law_version(jurisdiction: Jurisdiction, law: risk.LawFacts, articles: dict) -> str:
    """A checksum of every rule-relevant datum, so a staff edit in the admin changes it too."""
    payload = [asdict(law), sorted((k, asdict(v)) for k, v in articles.items())]
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def reason_dict(reason: risk.Reason) -> dict:
    """The stored form of a reason: what it says as a message (`code`, `params`: rendered in the
    reader's language when shown, cases.wording) and in English (`text`, for search and logs)."""
    return {**_reason_facts(reason), "text": reason.text}


def _reason_facts(reason: risk.Reason) -> dict:
    return {
        "rule": reason.rule,
        "level": reason.level,
        "charge_id": reason.charge_id,
        "article": reason.article,
        "code": reason.code,
        "params": reason.params,
    }


def digest(level: str, reasons: list[dict], rules_version: str, law_checksum: str) -> str:
    """What a stored result is compared by. The English `text` is left out (the pass need not
    render it for every case to find nothing changed: a fifth of the warm pass, issue 21); the
    catalogue's version stands for it, so a change of the English wording still rewrites every
    stored text."""
    facts = [
        {name: value for name, value in reason.items() if name != "text"} if "text" in reason else reason
        for reason in reasons
    ]
    payload = [level, facts, rules_version, law_checksum, WORDING_VERSION]
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class LawContext:
    """The law data of one jurisdiction, loaded once per pass."""

    jurisdiction_id: int
    law: risk.LawFacts
    articles: dict[int, risk.ArticleFacts]
    checksum: str

    @classmethod
    def load(cls, jurisdiction: Jurisdiction) -> "LawContext":
        law = law_facts(jurisdiction)
        articles = {a.pk: article_facts(a) for a in Article.objects.filter(jurisdiction=jurisdiction)}
        return cls(jurisdiction.pk, law, articles, law_version(jurisdiction, law, articles))


# Contested facts -------------------------------------------------------------------------------

# The facts the rules read that claims can contest: a conflicting claim on one of them is weighed
# as an alternative (risk.assess_contested), so a contested fact never lowers a level.
RISK_FACTS = (
    "person.sex",
    "person.birth_date",
    "person.is_official_or_military",
    "case.detention_date",
    "case.verdict_date",
    "case.verdict_final_on",
    "case.sentence",
    "charge.offence_date",
    "charge.stage",
    "charge.charged_on",
)
# (fact, canonical value, the charge's id for a fact of a charge)
Contested = tuple[str, object, int | None]


@dataclass
class ContestedClaims:
    """The conflicting claims on RISK_FACTS, by case (a case's and its charges' facts) and by
    person."""

    by_case: dict[int, list[Contested]]
    by_person: dict[int, list[Contested]]

    @classmethod
    def load(cls, claims=None) -> "ContestedClaims":
        claims = Claim.objects.all() if claims is None else claims
        by_case, by_person = defaultdict(list), defaultdict(list)
        for person_id, case_id, charge_id, fact, value in claims.filter(
            state=ClaimState.CONFLICTING, fact__in=RISK_FACTS
        ).values_list("person_id", "case_id", "charge_id", "fact", "value"):
            (by_case[case_id] if case_id else by_person[person_id]).append((fact, value, charge_id))
        return cls(dict(by_case), dict(by_person))

    def of(self, *, case_id: int, person_id: int) -> list[Contested]:
        return self.by_case.get(case_id, []) + self.by_person.get(person_id, [])


def alternatives(
    person: risk.PersonFacts,
    case: risk.CaseFacts,
    contested: list[Contested],
    charges: Sequence[risk.ChargeFacts] = (),
) -> list[risk.Alternative]:
    """The facts as each conflicting claim has them, one claimed value in place at a time."""
    out = []
    for fact, value, charge_id in contested:
        p, c, alternative_charges, of_what, of_article = person, case, None, "", None
        if fact == "person.sex":
            p = replace(person, sex=value)
        elif fact == "person.birth_date":
            p = replace(person, birth_date=_day(value), birth_date_precision=value["precision"])
        elif fact == "person.is_official_or_military":
            p = replace(person, is_official_or_military=value)
        elif fact == "case.verdict_date":
            c = replace(case, verdict_date=_day(value), verdict_date_precision=value["precision"])
        elif fact == "case.verdict_final_on":
            c = replace(case, verdict_final_on=_day(value), verdict_final_precision=value["precision"])
        elif fact == "case.sentence":
            c = replace(case, sentence_kind=value["kind"])
        elif fact == "case.detention_date":
            # The act happened on or before the detention: another detention date moves the latest
            # possible day of every act (RISK_RULES.md, dates not known to the day).
            bounds = partial_dates.period(_day(value), value["precision"])
            detained_by = bounds[1] if bounds else None
            alternative_charges = [
                replace(
                    charge,
                    offence_no_later_than=partial_dates.latest_of_bounds(
                        detained_by, charge.charged_no_later_than
                    ),
                )
                for charge in charges
            ]
        elif fact.startswith(f"{claim_facts.CHARGE}."):
            claimed = next((charge for charge in charges if charge.id == charge_id), None)
            if claimed is None:
                continue  # a charge that no longer counts (ended, reclassified) gives no reason
            of_what = f" of {claimed.article.notation}"
            of_article = claimed.article.param(with_title=False)["notation"]
            alternative_charges = [
                _charge_as_claimed(charge, fact, value) if charge.id == charge_id else charge
                for charge in charges
            ]
        spec = claim_facts.FACTS[fact]
        label = f"{spec.label}{of_what} is {claim_facts.describe(spec, value)}"
        # What the claim says, kept as data so a page renders it in its reader's language.
        claim = {"claim": {"fact": fact, "value": value, "article": of_article}, "label": label}
        out.append(risk.Alternative(claim, p, c, alternative_charges))
    return out


def _charge_as_claimed(charge: risk.ChargeFacts, fact: str, value) -> risk.ChargeFacts:
    """The charge with the claimed value of one of its facts in place."""
    if fact == "charge.stage":
        return replace(charge, stage=value)
    day, precision = _day(value), value["precision"]
    if fact == "charge.offence_date":
        return replace(charge, offence_date=day, offence_date_precision=precision if day else "unknown")
    # charge.charged_on: the act happened on or before the day it was charged.
    bounds = partial_dates.period(day, precision)
    charged_by = bounds[1] if bounds else None
    return replace(
        charge,
        charged_no_later_than=charged_by,
        offence_no_later_than=partial_dates.latest_of_bounds(charge.detained_no_later_than, charged_by),
    )


def _day(value) -> datetime.date | None:
    return datetime.date.fromisoformat(value["date"]) if value["date"] else None


# One case --------------------------------------------------------------------------------------


def _charge_rows(of_cases: Q, *, ordered: bool = True):
    """Counted charges of the cases (`of_cases`, a condition on the charge's `case_id`), with the
    reclassification that created each (if any); by case and id, unless `ordered` is false (the
    pass sorts each case's few itself: sorting them all in the database spilled to disk at
    100,000 cases)."""
    charges = Charge.objects.filter(of_cases, state__in=COUNTED_STATES)
    charges = charges.order_by("case_id", "id") if ordered else charges.order_by()
    return charges.values_list(
        "case_id",
        "id",
        "article_id",
        "stage",
        "state",
        "offence_date",
        "reclassified_by__date",
        "reclassified_by__from_charge__article_id",
        "offence_date_precision",
        "charged_on",
        "charged_on_precision",
        "case__detention_date",
        "case__detention_date_precision",
    )


def _charge_facts(row, articles) -> risk.ChargeFacts:
    _case_id, charge_id, article_id, stage, state, offence_date, reclassified_on, from_article_id = row[:8]
    offence_precision, charged_on, charged_precision, detained_on, detained_precision = row[8:]
    # The act happened on or before the detention and the day it was charged (RISK_RULES.md).
    detained = partial_dates.period(detained_on, detained_precision)
    charged = partial_dates.period(charged_on, charged_precision)
    charged_by = charged[1] if charged else None
    detained_by = detained[1] if detained else None
    no_later_than = partial_dates.latest_of_bounds(detained_by, charged_by)
    return risk.ChargeFacts(
        id=charge_id,
        article=articles[article_id],
        stage=stage,
        state=state,
        offence_date=offence_date,
        offence_date_precision=offence_precision if offence_date is not None else "unknown",
        offence_no_later_than=no_later_than,
        charged_no_later_than=charged_by,
        detained_no_later_than=detained_by,
        reclassified_on=reclassified_on,
        reclassified_from=articles.get(from_article_id) if from_article_id else None,
    )


def assess_case(
    *, case_id: int, on=None, context: "LawContext | None" = None, skip_if_current: bool = False
) -> RiskAssessment | None:
    """Assess one case now and store the result if it differs from the last one.

    Returns the stored assessment when the result changed, else None. Side effects when the
    level changes: a 'risk changed' timeline event and an alert (cases.risk.alerts).

    With `skip_if_current`, a case already assessed at its current generation (not stale) is
    left as it is, without running the rules: what a request to assess it asked for is done.
    A burst of edits queues one message each; the first to run assesses the newest data and the
    others return at once. (Every edit that can move a level moves the generation, so no request
    is skipped that the stored result does not already answer.)
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("person", "jurisdiction")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            return None
        if skip_if_current and not case.risk_stale and case.risk_assessed_generation == case.risk_generation:
            return None
        if context is None or context.jurisdiction_id != case.jurisdiction_id:
            context = LawContext.load(case.jurisdiction)
        result = compute(case, context=context, on=on)
        return store_result(case=case, result=result, law_checksum=context.checksum, on=on)


# The day (None: not recorded) and the way a person left custody in a case: (day, precision, how).
LeftCustody = tuple[datetime.date | None, str, str]


# The day a death sentence was ended, its precision, and the event kind that ended it.
DeathSentenceEnded = tuple[datetime.date, str, str]


def case_facts_of(
    sentence_kind,
    verdict_date,
    verdict_precision,
    final_on,
    final_precision,
    left: LeftCustody | None = None,
    ended: DeathSentenceEnded | None = None,
) -> risk.CaseFacts:
    """The case's facts the rules read, from its columns (a precision means nothing without its
    date, so an empty date is "unknown" whatever its precision column holds). `left`: when and how
    the person left custody, for a case whose status says so (`left_custody_of`); `ended`: the
    event that ended a death sentence (`death_sentence_endings_of`)."""
    left_on, left_precision, how = left or (None, "unknown", "")
    ended_on, ended_precision, ended_by = ended or (None, "unknown", "")
    return risk.CaseFacts(
        sentence_kind=sentence_kind,
        verdict_date=verdict_date,
        verdict_date_precision=verdict_precision if verdict_date else "unknown",
        verdict_final_on=final_on,
        verdict_final_precision=final_precision if final_on else "unknown",
        left_custody=left is not None,
        left_custody_on=left_on,
        left_custody_precision=left_precision if left_on else "unknown",
        left_custody_how=how,
        death_sentence_ended_on=ended_on,
        death_sentence_ended_precision=ended_precision if ended_on else "unknown",
        death_sentence_ended_by=ended_by,
    )


def death_sentence_endings_of(cases) -> dict[int, DeathSentenceEnded]:
    """For each of `cases` (a queryset) with a death sentence, the latest event that ended it
    (commuted, clemency granted, pardoned) on or after the verdict's first possible day, by case id."""
    sentenced = cases.filter(sentence_kind="death")
    verdicts = dict(sentenced.values_list("id", "verdict_date"))
    if not verdicts:
        return {}
    out = {}
    for case_id, kind, day, precision in (
        CaseEvent.objects.filter(case__in=sentenced, kind__in=DEATH_SENTENCE_ENDING_KINDS)
        .order_by("case_id", "date", "id")
        .values_list("case_id", "kind", "date", "date_precision")
    ):
        days = partial_dates.period(day, precision)
        verdict = verdicts.get(case_id)
        if days and (verdict is None or days[1] >= verdict):
            out[case_id] = (day, precision, kind)
    return out


def left_custody_of(cases) -> dict[int, LeftCustody]:
    """When and how the person left custody, by case id, for each of `cases` (a queryset of
    cases) whose status says the person is out (RELEASE_STATUSES).

    How is the case's release's (else what the status says); the day is that of the latest
    timeline entry that dates such a release (Release.event), None when none is recorded."""
    out_cases = cases.filter(status__in=RELEASE_STATUSES)
    hows = {
        case_id: how or HOW_BY_STATUS.get(status, "")
        for case_id, status, how in out_cases.values_list("id", "status", "release__how")
    }
    if not hows:
        return {}
    dated: dict[int, tuple] = {}
    kinds_by_how = {how: release_event_kinds(how) for how in {*hows.values(), ""}}
    for case_id, kind, day, precision in (
        CaseEvent.objects.filter(case__in=out_cases, kind__in=CUSTODY_END_KINDS)
        .order_by("case_id", "date", "id")
        .values_list("case_id", "kind", "date", "date_precision")
    ):
        if kind in kinds_by_how[hows.get(case_id, "")]:
            dated[case_id] = (day, precision)
    return {
        case_id: (*dated.get(case_id, (None, "unknown")), "" if how == "unknown" else how)
        for case_id, how in hows.items()
    }


def compute(case: Case, *, context: "LawContext", on) -> risk.Assessment:
    """The rules' result for the case's facts as they are in the database now; stores nothing.
    (The fault suite compares every stored level with this.)"""
    charges = [_charge_facts(row, context.articles) for row in _charge_rows(Q(case_id=case.pk))]
    person = person_facts(case.person)
    case_facts = case_facts_of(
        case.sentence_kind,
        case.verdict_date,
        case.verdict_date_precision,
        case.verdict_final_on,
        case.verdict_final_on_precision,
        left_custody_of(Case.objects.filter(pk=case.pk)).get(case.pk),
        death_sentence_endings_of(Case.objects.filter(pk=case.pk)).get(case.pk),
    )
    contested = ContestedClaims.load(
        Claim.objects.filter(Q(case=case) | Q(case__isnull=True, person_id=case.person_id))
    ).of(case_id=case.pk, person_id=case.person_id)
    return risk.assess_contested(
        person=person,
        case=case_facts,
        charges=charges,
        law=context.law,
        on=on,
        alternatives=alternatives(person, case_facts, contested, charges),
    )


def stored_result_is_current(case: Case, *, context: "LawContext", on) -> bool:
    """True when the case's stored level and digest are what the rules give for its facts now."""
    result = compute(case, context=context, on=on)
    reasons = [reason_dict(reason) for reason in result.reasons]
    return (case.risk_level, case.risk_digest) == (
        result.level,
        digest(result.level, reasons, risk.RULES_VERSION, context.checksum),
    )


def store_result(*, case: Case, result: risk.Assessment, law_checksum: str, on) -> RiskAssessment | None:
    """Write a result for a case whose row is locked by the caller's transaction."""
    reasons = [reason_dict(reason) for reason in result.reasons]
    new_digest = digest(result.level, reasons, risk.RULES_VERSION, law_checksum)
    now = timezone.now()
    stored = None
    previous_level = case.risk_level if case.risk_digest else ""
    if case.risk_stale or new_digest != case.risk_digest:
        readers_see_a_change()  # the level shown, or "under review", moves by an update() below
    if new_digest != case.risk_digest:
        stored = RiskAssessment.objects.create(
            case=case,
            level=result.level,
            previous_level=previous_level,
            reasons=reasons,
            rules_version=risk.RULES_VERSION,
            law_checksum=law_checksum,
            generation=case.risk_generation,
            assessed_on=on,
        )
        if result.level != (previous_level or RiskLevel.NONE):
            _level_changed(case=case, assessment=stored, old=previous_level or RiskLevel.NONE)
    Case.objects.filter(pk=case.pk).update(
        risk_level=result.level,
        risk_digest=new_digest,
        risk_stale=False,
        risk_stale_since=None,
        risk_assessed_generation=case.risk_generation,
        risk_assessed_at=now,
    )
    return stored


def readers_see_a_change() -> None:
    """Tell the readers of the shown levels (the public pages' cache) once this transaction commits.

    Levels and stale marks are written by `update()`, and the set-based pass creates its history
    rows in bulk: neither sends a save signal, so without this the statistics page would count
    the old levels until its cache expired. One signal per transaction, however many cases.
    """
    connection = transaction.get_connection()
    if any(item[1] is tell_readers_now for item in connection.run_on_commit):
        return
    transaction.on_commit(tell_readers_now, robust=True)


def tell_readers_now() -> None:
    """Send `bulk_data_changed` for cases' risk fields written without save signals (committed)."""
    signals.bulk_data_changed.send_robust(sender=Case)


def _level_changed(*, case: Case, assessment: RiskAssessment, old: str) -> None:
    # A message, shown in the reader's language; `text` keeps its English whatever language the
    # request that caused it was in.
    said = message(
        "risk_changed",
        old={"choice": ["RiskLevel", old]},
        new={"choice": ["RiskLevel", assessment.level]},
    )
    with translation.override("en"):
        text = Renderer("en").render(said)
    CaseEvent.objects.create(
        case=case,
        kind=EventKind.RISK_CHANGED,
        date=assessment.assessed_on,
        is_public=True,
        text=text,
        message=said,
    )
    alerts.raise_alert(case=case, assessment=assessment, old_level=old)
    record_change(
        person=case.person,
        object_type="case",
        object_id=case.public_id,
        action=ChangeRecord.Action.LEVEL_CHANGED,
    )


# Many cases ------------------------------------------------------------------------------------


@dataclass
class PassReport:
    assessed: int = 0
    changed: int = 0
    changes: list = None

    def __post_init__(self):
        self.changes = self.changes or []


def assess_stale_cases(limit: int | None = None) -> int:
    """Assess the cases marked stale; returns how many there were.

    A few are assessed one by one; many (a law change, a long broker outage) go through the
    set-based pass, which writes in bulk.
    """
    stale = Case.objects.filter(risk_stale=True)
    count = stale.count()
    if count > BULK_STALE:
        assess_all_cases(case_ids=stale.values("pk"))
        return count
    ids = list(stale.order_by("updated_at").values_list("id", flat=True)[: limit or count])
    for case_id in ids:
        assess_case(case_id=case_id, skip_if_current=True)  # its own task may have been first
    return len(ids)


BULK_STALE = 100


def _relevant_article_ids(context: LawContext) -> set[int]:
    """Articles that can give a reason at all: capital, terrorism or treason, or on the watch list.

    A case none of whose counted charges is under one of these can only be 'none' (or
    sentenced to death, which is read from the case), which lets the full pass skip it.
    """
    watched = {(e.article_number, e.part) for e in context.law.watch_list}
    ids = set()
    for pk, art in context.articles.items():
        if art.capital or art.category or (art.number, "") in watched or (art.number, art.part) in watched:
            ids.add(pk)
    return ids


@dataclass(frozen=True)
class _Pending:
    """A result of the full pass that differs from what the case stores."""

    case_id: int
    generation: int
    old_level: str
    old_digest: str
    level: str
    reasons: list
    digest: str

    @property
    def level_moves(self) -> bool:
        before = self.old_level if self.old_digest else RiskLevel.NONE
        return before != self.level


def assess_all_cases(*, on=None, case_ids=None, chunk_size=2000) -> PassReport:
    """The full pass: every case is re-assessed with today's date and the current law data.

    Set-based: the facts of all cases are read in a few queries and assessed in memory. A case
    none of whose counted charges can give a reason is 'none' without running the rules. Only
    results that differ from the stored one are written: those that keep the level in bulk,
    those that move it one by one through `assess_case` (which raises the event and the alert).

    The facts come from several queries, with no snapshot common to them (the pass holds no
    transaction, and on PostgreSQL each statement of READ COMMITTED sees its own). So each case's
    generation is read first, before the law data and the facts: every edit that changes a fact
    also moves the generation in the same transaction, so the facts read afterwards are at least
    as new as that generation, and a result is written only while the case still has it (checked
    under a row lock). An edit that commits at any point after that first read leaves its case
    stale, with its own task or the sweep to assess it; it is never marked as assessed with a
    result computed from the facts before it. The same holds on SQLite, whose reads in autocommit
    each see the last commit.
    """
    on = on or timezone.localdate()
    report = PassReport()
    for jurisdiction in Jurisdiction.objects.all():
        cases = Case.objects.filter(jurisdiction=jurisdiction)
        if case_ids is not None:
            cases = cases.filter(pk__in=case_ids)
        # First, before any fact: the generation each result is valid for (see above). A case that
        # joins the set later (edited meanwhile) is not in it and is left to its own task.
        generations = dict(cases.order_by().values_list("id", "risk_generation"))
        if not generations:
            continue
        context = LawContext.load(jurisdiction)
        report.assessed += len(generations)  # every case is assessed, with or without running the rules
        # The candidates (cases the rules must run on): a counted charge under an article that can
        # give a reason (one indexed query on charges), a death sentence, or a contested fact the
        # rules read (weighed on every claimed value). Every other case is 'none'. The conditions
        # are uncorrelated subqueries, not tens of thousands of ids in the query's text (composing
        # and sending those was a fifth of the warm pass).
        contested = ContestedClaims.load()
        conflicting = Claim.objects.filter(state=ClaimState.CONFLICTING, fact__in=RISK_FACTS)
        candidates = cases.filter(
            Q(
                # (the cases' own conditions are the outer query's: repeated here, they joined every case)
                pk__in=Charge.objects.filter(
                    state__in=COUNTED_STATES, article_id__in=_relevant_article_ids(context)
                ).values("case_id")
            )
            | Q(sentence_kind="death")
            | Q(pk__in=conflicting.filter(case__isnull=False).values("case_id"))
            | Q(person_id__in=conflicting.filter(case__isnull=True).values("person_id"))
            | Q(person_id__in=watched_designations().values("person_id"))
        )
        candidate_ids = set(candidates.order_by().values_list("id", flat=True))
        # The facts below are read for these cases: the set just read, not the conditions again
        # (evaluated anew by each of the five queries, they were a quarter of the warm pass).
        chosen = candidates.values("id")
        candidates = Case.objects.filter(_among("pk", candidate_ids, otherwise=chosen))
        pending: list[_Pending] = []

        none_digest = digest(RiskLevel.NONE, [], risk.RULES_VERSION, context.checksum)
        # A plain case needs writing only if it does not already carry 'none' under this law.
        off = cases.filter(~Q(risk_digest=none_digest) | Q(risk_stale=True))
        for case_id, old_level, old_digest in off.values_list("id", "risk_level", "risk_digest"):
            generation = generations.get(case_id)
            if generation is not None and case_id not in candidate_ids:
                pending.append(
                    _Pending(case_id, generation, old_level, old_digest, RiskLevel.NONE, [], none_digest)
                )

        # The candidates' facts, for the ids read above. A case that became a candidate after
        # they were read is left to its own task (see above).
        charges_by_case = defaultdict(list)
        for row in _charge_rows(_among("case_id", candidate_ids, otherwise=chosen), ordered=False):
            charges_by_case[row[0]].append(_charge_facts(row, context.articles))
        for charges in charges_by_case.values():  # in the order _charge_rows gives, by id
            charges.sort(key=attrgetter("id"))
        left_custody = left_custody_of(candidates)
        endings = death_sentence_endings_of(candidates)
        # Every designation the rules read, in one plain query: a few thousand rows at most, cheaper
        # than selecting them by the candidates' people.
        designations = designations_of(watched_designations())
        rows = [
            row
            for row in candidates.order_by().values_list(
                "id",
                "risk_level",
                "risk_digest",
                "risk_stale",
                "sentence_kind",
                "verdict_date",
                "verdict_date_precision",
                "verdict_final_on",
                "verdict_final_on_precision",
                "person__sex",
                "person__birth_date",
                "person__birth_date_precision",
                "person__is_official_or_military",
                "person_id",
            )
            if row[0] in generations and row[0] in candidate_ids
        ]
        for row in rows:
            case_id, old_level, old_digest, stale = row[:4]
            sex, birth, precision, official, person_id = row[9:]
            generation = generations[case_id]
            person = risk.PersonFacts(
                sex=sex,
                birth_date=birth,
                birth_date_precision=precision,
                is_official_or_military=official,
                designations=designations.get(person_id, ()),
            )
            case_facts = case_facts_of(*row[4:9], left_custody.get(case_id), endings.get(case_id))
            result = risk.assess_contested(
                person=person,
                case=case_facts,
                charges=charges_by_case.get(case_id, ()),
                law=context.law,
                on=on,
                alternatives=alternatives(
                    person,
                    case_facts,
                    contested.of(case_id=case_id, person_id=person_id),
                    charges_by_case.get(case_id, ()),
                ),
            )
            facts = [_reason_facts(r) for r in result.reasons]
            if facts or result.level != RiskLevel.NONE:
                new_digest = digest(result.level, facts, risk.RULES_VERSION, context.checksum)
            else:  # most candidates: 'none' without a reason, whose digest is known
                new_digest = none_digest
            if stale or new_digest != old_digest:
                reasons = [reason_dict(r) for r in result.reasons]  # with the English, to be stored
                pending.append(
                    _Pending(case_id, generation, old_level, old_digest, result.level, reasons, new_digest)
                )

        same_level = [p for p in pending if not p.level_moves]
        for start in range(0, len(same_level), chunk_size):
            report.changed += _store_same_level(same_level[start : start + chunk_size], context.checksum, on)
        for item in pending:
            if item.level_moves:
                stored = assess_case(case_id=item.case_id, on=on, context=context)
                if stored is not None:
                    report.changed += 1
                    report.changes.append((item.case_id, item.old_level, stored.level))
    return report


def _among(field: str, ids: set[int], *, otherwise):
    """The condition "`field` is one of `ids`". On PostgreSQL `field = ANY(array)`, the ids as one
    parameter, as text: tens of thousands of them as `IN (%s, %s, ...)` cost more to compose and
    send than the query itself, psycopg adapting a list of 20,000 ints for each query was 50 ms,
    and `IN (SELECT unnest(...))`, which the planner guesses at 200 rows, once made a nested loop
    that unnested the array again for each of 100,000 stale cases (minutes). Elsewhere
    `field__in=otherwise`, the query that chose the ids."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": otherwise})
    return _AnyOf(F(field), Value("{" + ",".join(map(str, sorted(ids))) + "}"))


class _AnyOf(Func):
    """`lhs = ANY(rhs::bigint[])` (PostgreSQL hashes a large constant array: one probe a row)."""

    output_field = BooleanField()

    def as_sql(self, compiler, connection, **extra):
        lhs, rhs = self.get_source_expressions()
        lhs_sql, lhs_params = compiler.compile(lhs)
        rhs_sql, rhs_params = compiler.compile(rhs)
        return f"{lhs_sql} = ANY(({rhs_sql})::bigint[])", (*lhs_params, *rhs_params)


def _write_case_results(items: list[_Pending], now) -> None:
    """Write each case's own result; on PostgreSQL in one UPDATE ... FROM (VALUES ...) per batch."""
    from django.db import connection

    if connection.vendor != "postgresql":
        for i in items:
            Case.objects.filter(pk=i.case_id).update(
                risk_level=i.level,
                risk_digest=i.digest,
                risk_stale=False,
                risk_stale_since=None,
                risk_assessed_generation=i.generation,
                risk_assessed_at=now,
            )
        return
    table = Case._meta.db_table
    for start in range(0, len(items), 5000):
        batch = items[start : start + 5000]
        values = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
        params = [x for i in batch for x in (i.case_id, i.level, i.digest, i.generation)]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS c SET risk_level = v.level, risk_digest = v.digest, risk_stale = false, "  # noqa: S608
                f"risk_stale_since = NULL, "
                f"risk_assessed_generation = v.generation, risk_assessed_at = %s "
                f"FROM (VALUES {values}) AS v(id, level, digest, generation) WHERE c.id = v.id",
                [now, *params],
            )


# The columns _insert_assessments copies, in order; each assessment row is complete with them.
_COPIED = (
    "public_id",
    "case_id",
    "level",
    "previous_level",
    "reasons",
    "rules_version",
    "law_checksum",
    "generation",
    "assessed_on",
    "created_at",
)


def _insert_assessments(rows: list[tuple]) -> None:
    """Insert new assessment rows, each the values of `_COPIED` in order; on PostgreSQL through COPY.

    After a law edit every case's result is rewritten: Django's bulk_create built, prepared and
    quoted 100,000 rows of JSON reasons in about 10 s of the pass's 12 (issue 21 asks for the
    whole pass within 10 s); COPY takes the rows as they are. Each row carries its own public id
    and created_at (the pass's time), as bulk_create would give them.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        assessments = [RiskAssessment(**dict(zip(_COPIED, row, strict=True))) for row in rows]
        RiskAssessment.objects.bulk_create(assessments, batch_size=1000)
        return
    encoder = RiskAssessment._meta.get_field("reasons").encoder
    reasons = _COPIED.index("reasons")
    statement = f"COPY {RiskAssessment._meta.db_table} ({', '.join(_COPIED)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            row = list(row)
            row[reasons] = json.dumps(row[reasons], cls=encoder)
            copy.write_row(row)


def _store_same_level(items: list[_Pending], law_checksum: str, on) -> int:
    """Write results that keep each case's level, in bulk; no event or alert is due for them.

    The rows are locked and a result is written only if its case has not changed since it was
    read (same generation); a case changed meanwhile is stale and its own task re-assesses it.
    """
    now = timezone.now()
    with transaction.atomic():
        current = dict(
            Case.objects.select_for_update()
            .filter(pk__in=[i.case_id for i in items])
            .values_list("id", "risk_generation")
        )
        valid = [i for i in items if current.get(i.case_id) == i.generation]
        if valid:
            readers_see_a_change()
        _insert_assessments(
            [
                (
                    uuid.uuid4(),
                    i.case_id,
                    i.level,
                    i.old_level if i.old_digest else "",
                    i.reasons,
                    risk.RULES_VERSION,
                    law_checksum,
                    i.generation,
                    on,
                    now,
                )
                for i in valid
            ]
        )
        by_digest = defaultdict(list)
        for i in valid:
            by_digest[(i.digest, i.level)].append(i)
        singles = []
        for (new_digest, level), group in by_digest.items():
            if len(group) < 20:  # reasons name the charges, so most digests are one case's own
                singles += group
                continue
            Case.objects.filter(pk__in=[i.case_id for i in group]).update(
                risk_level=level,
                risk_digest=new_digest,
                risk_stale=False,
                risk_stale_since=None,
                risk_assessed_generation=F("risk_generation"),
                risk_assessed_at=now,
            )
        _write_case_results(singles, now)
    return len(valid)
