"""Claims (issue 17): what a source says of one fact, as of when, and where that stands against
what other sources say of the same fact."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import choices
from cases.claims.facts import CASE, CHARGE, FACTS, STAY, describe
from cases.models.cases import Case, Charge, FacilityStay, precision_field
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.law import reader_language
from cases.models.people import Person
from cases.models.sources import Source

# The facts' labels in the reader's language. cases.claims.facts is pure (no Django), so its
# English labels are marked for the catalogue here, word for word; a fact added there without a
# line here is shown in English.
FACT_LABELS = {
    "person.sex": _("sex"),
    "person.birth_date": _("birth date"),
    "person.region": _("region"),
    "person.is_official_or_military": _("official or military status"),
    "case.status": _("status"),
    "case.detention_date": _("detention date"),
    "case.detention_place": _("place of detention"),
    "case.facility": _("facility where held"),
    "case.verdict_date": _("verdict date"),
    "case.verdict_final_on": _("day the verdict became final"),
    "case.sentence": _("sentence"),
    "case.released_on": _("release date"),
    "charge.offence_date": _("offence date"),
    "charge.stage": _("stage"),
    "charge.charged_on": _("date charged"),
    "stay.facility": _("facility of the stay"),
    "stay.start_date": _("first day of the stay"),
    "stay.end_date": _("last day of the stay"),
}


def fact_label(key: str):
    """The label of the fact `key` in the active language (lazy)."""
    return FACT_LABELS.get(key, FACTS[key].label)


class ClaimQuerySet(models.QuerySet):
    def on(
        self,
        fact: str,
        *,
        person: Person,
        case: Case | None = None,
        charge: Charge | None = None,
        stay: FacilityStay | None = None,
    ):
        """The claims on one fact of one record (a person's fact: `case` None; a charge's: its case
        and the charge; a facility stay's: its case and the stay)."""
        return self.filter(fact=fact, person=person, case=case, charge=charge, stay=stay)

    def shown(self):
        """The claims a record shows outside the staff area (public pages, the API, the public
        export): none superseded, with their sources, in a stable order."""
        return (
            self.exclude(state=choices.ClaimState.SUPERSEDED)
            .select_related("source", "charge", "stay")
            .order_by("fact", "created_at", "pk")
        )

    def conflicts(self):
        """Conflicting claims not decided yet: the queue's work, most urgent first."""
        return self.filter(state=choices.ClaimState.CONFLICTING).order_by("-priority", "-created_at")


class Claim(ChecksInOneQuery, models.Model):
    """ "Source S says V, as of D" on one fact of a person or of a case.

    A fact holds any number of claims; at most one is accepted, and its value is the one on the
    record. The others agree with it, conflict with it (waiting for a Publisher), or were
    superseded by a later decision; none is ever deleted. `value` is the canonical form of
    cases.claims.facts, so equal statements compare equal. A claim without a source is the
    registry staff's own, unsourced word (listed for staff to source).
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    # Indexes, few and mostly partial: an import of 100,000 rows writes about 600,000 claims and as
    # many history rows, and every index is written with each (docs/scaling.md). A person's claims
    # are found by `claim_fact`, a source's by `claim_source`, the queue by its partial index.
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="claims", db_index=False
    )
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, null=True, blank=True, related_name="claims"
    )
    charge = models.ForeignKey(
        Charge,
        verbose_name=_("charge"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,  # claim_charge: only the claims on a charge
        related_name="claims",
        help_text=_("For a fact of a charge (its offence date, stage, the day it was brought)"),
    )
    stay = models.ForeignKey(
        FacilityStay,
        verbose_name=_("stay"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        db_index=False,  # claim_stay: only the claims on a stay
        related_name="claims",
        help_text=_("For a fact of a facility stay (its facility, its first and last day)"),
    )
    fact = models.CharField(_("fact"), max_length=60, choices=[(key, fact_label(key)) for key in FACTS])
    value = models.JSONField(_("value"), help_text=_("The claimed value, in the fact's canonical form"))
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # claim_source
        related_name="claims",
        help_text=_("Empty: registry staff, unsourced"),
    )
    as_of = models.DateField(_("as of"), null=True, blank=True, help_text=_("When the source said it"))
    as_of_precision = precision_field(
        _("as of precision"), _("How much of the date the source said it is known")
    )
    state = models.CharField(_("state"), max_length=12, choices=choices.ClaimState.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=1,
        help_text=_("3: can change a risk level; 2: a fact the risk rules read; 1: the rest"),
    )
    priority_reason = models.CharField(_("priority reason"), max_length=200, blank=True)
    note = models.TextField(
        _("note"), blank=True, help_text=_("Staff only: why it was recorded or decided so")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Who recorded and decided it: read with the claim, never searched by (no index; deleting a
    # user, which staff deactivate rather than delete, scans the claims once).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    objects = ClaimQuerySet.as_manager()
    history = RegistryHistory()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["fact", "-created_at"]
        permissions = [("decide_claim", "Can accept a claim, or set one aside, on a contested fact")]
        indexes = [
            models.Index(fields=["person", "case", "fact"], name="claim_fact"),
            models.Index(fields=["source", "person"], name="claim_source"),
            models.Index(fields=["charge"], condition=Q(charge__isnull=False), name="claim_charge"),
            models.Index(fields=["stay"], condition=Q(stay__isnull=False), name="claim_stay"),
            models.Index(
                fields=["-priority", "-created_at"],
                condition=Q(state=choices.ClaimState.CONFLICTING),
                name="claim_queue",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "fact"],
                condition=Q(state=choices.ClaimState.ACCEPTED, case__isnull=True),
                name="claim_one_accepted_person_fact",
            ),
            models.UniqueConstraint(
                fields=["case", "fact"],
                condition=Q(
                    state=choices.ClaimState.ACCEPTED,
                    case__isnull=False,
                    charge__isnull=True,
                    stay__isnull=True,
                ),
                name="claim_one_accepted_case_fact",
            ),
            models.UniqueConstraint(
                fields=["charge", "fact"],
                condition=Q(state=choices.ClaimState.ACCEPTED, charge__isnull=False),
                name="claim_one_accepted_charge_fact",
            ),
            models.UniqueConstraint(
                fields=["stay", "fact"],
                condition=Q(state=choices.ClaimState.ACCEPTED, stay__isnull=False),
                name="claim_one_accepted_stay_fact",
            ),
            models.CheckConstraint(
                condition=(
                    Q(fact__startswith=f"{CASE}.")
                    & Q(case__isnull=False, charge__isnull=True, stay__isnull=True)
                )
                | (
                    Q(fact__startswith=f"{CHARGE}.")
                    & Q(case__isnull=False, charge__isnull=False, stay__isnull=True)
                )
                | (
                    Q(fact__startswith=f"{STAY}.")
                    & Q(case__isnull=False, charge__isnull=True, stay__isnull=False)
                )
                | (
                    ~Q(fact__startswith=f"{CASE}.")
                    & ~Q(fact__startswith=f"{CHARGE}.")
                    & ~Q(fact__startswith=f"{STAY}.")
                    & Q(case__isnull=True, charge__isnull=True, stay__isnull=True)
                ),
                name="claim_case_fact_on_a_case",
                violation_error_message=_(
                    "A fact of a case is claimed on a case, a charge's on its case and "
                    "the charge, a stay's on its case and the stay, a person's fact on no case."
                ),
            ),
        ]

    def __str__(self):
        value = describe(FACTS[self.fact], self.value, reader_language())
        return f"{self.get_fact_display()}: {value} ({self.get_state_display()})"
