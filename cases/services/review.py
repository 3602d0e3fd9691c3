"""Charges an import could not read, kept for staff to review."""

from django.db import transaction
from django.utils import timezone

from cases import choices
from cases.exceptions import RefusedChange
from cases.models import (
    Case,
    ChargeToReview,
)
from cases.services.base import validated_save


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
