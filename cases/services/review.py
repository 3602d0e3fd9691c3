"""Charges read from a list or a partner's report: the ones the law data knows become charges, the
others are kept for staff to review."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from cases import choices
from cases.exceptions import RefusedChange
from cases.models import (
    Article,
    Case,
    Charge,
    ChargeToReview,
    Jurisdiction,
    Source,
)
from cases.services.base import validated_save
from cases.services.cases import add_charge

UNREADABLE_REASON = "could not be read as an article"


class ArticleIndex(dict):
    """(number, part) -> Article of one jurisdiction, and the parts each number has."""

    def __init__(self, jurisdiction: Jurisdiction):
        super().__init__(((a.number, a.part), a) for a in Article.objects.filter(jurisdiction=jurisdiction))
        self.parts: dict[str, set[str]] = defaultdict(set)
        for number, part in self:
            self.parts[number].add(part)


def unknown_article_reason(charge, articles: ArticleIndex) -> str:
    """Why a charge read from a text is not an article part of the law data (the review's reason)."""
    parts = articles.parts.get(charge.article)
    if not parts:
        return "is not in the law data of this jurisdiction"
    if not charge.part:
        return f"gives no part, and art. {charge.article} has parts in the law data"
    return f"names a part that art. {charge.article} does not have in the law data"


@transaction.atomic
def record_charge_to_review(
    *,
    case: Case,
    text: str,
    reason: str,
    article_number: str = "",
    part: str = "",
    stage: str = choices.ChargeStage.UNKNOWN,
    import_run=None,
    by=None,
) -> ChargeToReview:
    """Keep a charge the law data does not know (or that could not be read) on the case for staff
    to resolve, instead of dropping it or guessing a real charge.

    Side effects: a history row. The risk rules do not read it: a resolved review that turns
    out to be a real charge is added with `add_charge`.
    """
    return validated_save(
        ChargeToReview(
            case=case,
            text=text[:300],
            reason=reason[:300],
            article_number=article_number,
            part=part,
            stage=stage,
            import_run=import_run,
        ),
        by,
    )


def uncertain_reason(charge) -> str:
    """The review's reason for a reading the notation parser is not sure of: never stored as read."""
    return f"could be read in more than one way ({charge.uncertain}): a person decides"


@transaction.atomic
def add_reported_charges(
    *, case: Case, charges, problems, source: Source | None = None, by=None
) -> tuple[list[Charge], list[ChargeToReview]]:
    """Bring the charges a text names into a case, by the importer's rule.

    `charges` and `problems` are what `cases.transfer.notation.parse_charges` read (its
    `ParsedCharge` values and its unreadable fragments; the caller reads them, since services do
    not import transfer). A charge whose article part the law data of the case's jurisdiction has
    becomes a charge at the stage read, citing `source`; any other, and every unreadable fragment,
    becomes a charge to review quoting the text, with the reason.
    A text the case already has a review of (open or resolved) is not recorded again.

    Side effects: those of `add_charge` for each charge (history, change feed, re-assessment after
    commit) and of `record_charge_to_review` for each review.
    """
    articles = ArticleIndex(case.jurisdiction)
    reviewed = set(case.charges_to_review.values_list("text", flat=True))
    added, reviews = [], []

    def review(text, reason, charge=None):
        if text[:300] in reviewed:
            return
        reviewed.add(text[:300])
        reviews.append(
            record_charge_to_review(
                case=case,
                text=text,
                reason=reason,
                article_number=charge.article if charge else "",
                part=charge.part if charge else "",
                stage=charge.stage if charge else choices.ChargeStage.UNKNOWN,
                by=by,
            )
        )

    for charge in charges:
        article = articles.get((charge.article, charge.part))
        if charge.uncertain:
            review(charge.source_text, uncertain_reason(charge), charge)
            continue
        if article is None:
            review(charge.source_text, unknown_article_reason(charge, articles), charge)
            continue
        added.append(add_charge(case=case, article=article, stage=charge.stage, source=source, by=by))
    for fragment in problems:
        review(fragment, UNREADABLE_REASON)
    return added, reviews


@transaction.atomic
def resolve_charge_to_review(*, item: ChargeToReview, by, note: str = "") -> ChargeToReview:
    """Mark a charge to review as dealt with, recording who and when.

    Refused when it is already resolved. Side effects: a history row.
    """
    item = ChargeToReview.objects.select_for_update().get(pk=item.pk)
    if item.resolved_at is not None:
        raise RefusedChange("This charge was already reviewed.")
    item.resolved_at = timezone.now()
    item.resolved_by = by if getattr(by, "pk", None) else None
    item.resolution_note = note
    return validated_save(item, by)
