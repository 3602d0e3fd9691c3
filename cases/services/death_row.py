"""Following a person through a death sentence (issue 18, point 3): the appeal, cassation and
clemency steps, the last contact, the signs families and lawyers report before any official word,
and the commutation or pardon that ends the sentence, each a dated, sourced timeline entry that
raises an urgent alert (cases.services.cases.record_event)."""

import datetime

from django.db import transaction
from django.utils import timezone

from cases import choices, partial_dates
from cases.exceptions import RefusedChange
from cases.models import Case, CaseEvent
from cases.services.cases import _lock_case, record_event


@transaction.atomic
def record_death_row_event(
    *,
    case: Case,
    kind: str,
    date: datetime.date,
    date_precision: str = choices.DatePrecision.DAY,
    text: str = "",
    sources=(),
    is_public: bool = False,
    by=None,
) -> CaseEvent:
    """Record news of a person under a death sentence: `kind` is one of DEATH_ROW_KINDS (an appeal
    or cassation decided, a clemency petition filed, refused or granted, the sentence commuted, a
    pardon, the last contact, a lawyer told the sentence was carried out, belongings returned, a
    visit refused, a transfer).

    Internal unless `is_public`: a family's word may be given in confidence; staff publish it.
    Refused for a case without a death sentence, for a day that has not come, and for a day
    before the verdict (compared as ranges of days). A commutation, clemency granted or a pardon
    never overwrites the sentence: the case keeps its sentence of death and its risk ends with a
    reason from that day.

    Side effects: the timeline entry with its sources; an urgent alert to staff (e-mail) and, for
    a published person and a public entry, to partners (webhooks); a commutation, clemency or
    pardon queues the case for assessment after commit.
    """
    if kind not in choices.DEATH_ROW_KINDS:
        raise RefusedChange({"kind": f"'{kind}' is not news of death row; record it as a timeline entry."})
    case = _lock_case(case.pk)
    if case.sentence_kind != choices.SentenceKind.DEATH:
        raise RefusedChange(
            "Death-row news is recorded on a case with a death sentence: record the sentence first."
        )
    days = partial_dates.period(date, date_precision)
    if days is None:
        raise RefusedChange({"date": "The news needs its day, or at least its year."})
    if days[0] > timezone.localdate():
        raise RefusedChange({"date": "News is recorded once it has happened."})
    verdict = partial_dates.period(case.verdict_date, case.verdict_date_precision)
    if verdict and days[1] < verdict[0]:
        raise RefusedChange({"date": "Death-row news cannot come before the death sentence."})
    return record_event(
        case=case,
        kind=kind,
        date=date,
        date_precision=date_precision,
        text=text,
        is_public=is_public,
        sources=sources,
        by=by,
    )
