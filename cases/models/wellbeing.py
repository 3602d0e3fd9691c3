"""Health and particular risk (issue 19, point 4): conditions that put a person in custody at
particular risk, and reports of ill-treatment; confidential unless staff publish an item."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases import choices, partial_dates
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.law import reader_language
from cases.models.people import Person
from cases.protection.fields import EncryptedTextField


class ParticularRiskQuerySet(models.QuerySet):
    def shown_publicly(self):
        """Items a public page may show: published by staff, of a published person."""
        return self.filter(is_public=True, person__in=Person.objects.published())


class ParticularRisk(ChecksInOneQuery, models.Model):
    """A condition (serious illness, disability, mental health, pregnancy, both parents in prison)
    or a report of ill-treatment (solitary confinement, denial of medical care, beating), dated as
    far as it is known and sourced. What happened is confidential (encrypted); an item is public
    only when staff decide so, and then shows its kind, its day and `public_text` alone."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="particular_risks"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=choices.ParticularRiskKind.choices)
    date = models.DateField(_("date"), null=True, blank=True, help_text=_("Since when, or when it happened"))
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=choices.DatePrecision.choices,
        default=choices.DatePrecision.UNKNOWN,
    )
    ended_on = models.DateField(
        _("ended on"),
        null=True,
        blank=True,
        help_text=_("When a condition ended or the person left solitary confinement"),
    )
    details = EncryptedTextField(
        _("details"),
        blank=True,
        help_text=_("Confidential, staff only, encrypted: what the family, the lawyer or a witness told"),
    )
    is_public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_(
            "Show the kind, the day and the public text on the person's public page (decide per "
            "item, with the family's consent)"
        ),
    )
    public_text = models.TextField(
        _("public text"), blank=True, help_text=_("What the public page says, if the item is public")
    )
    sources = models.ManyToManyField(
        "cases.Source", verbose_name=_("sources"), blank=True, related_name="particular_risks"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ParticularRiskQuerySet.as_manager()
    history = RegistryHistory(m2m_fields=[sources])

    class Meta:
        verbose_name = _("particular risk (health, ill-treatment)")
        verbose_name_plural = _("particular risks (health, ill-treatment)")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=choices.ParticularRiskKind.values),
                name="particularrisk_kind_valid",
                violation_error_message=_("Unknown kind of particular risk."),
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=True, date_precision=choices.DatePrecision.UNKNOWN)
                | (Q(date__isnull=False) & ~Q(date_precision=choices.DatePrecision.UNKNOWN)),
                name="particularrisk_date_matches_precision",
                violation_error_message=_("Give a date with its precision, or neither."),
            ),
        ]

    def __str__(self):
        day = partial_dates.describe(self.date, self.date_precision, reader_language())
        return f"{self.get_kind_display()}, {day}"

    def save(self, *args, **kwargs):
        self.date, self.date_precision = partial_dates.normalised(self.date, self.date_precision)
        super().save(*args, **kwargs)

    @property
    def is_ill_treatment(self) -> bool:
        return self.kind in choices.ILL_TREATMENT_KINDS


class PersonAtParticularRisk(Person):
    """The staff list of people held at particular risk (cases.admin.wellbeing): a view of Person."""

    class Meta:
        proxy = True
        verbose_name = _("person at particular risk")
        verbose_name_plural = _("people at particular risk")
