"""Health and particular risk (issue 19, point 4): conditions that put a person in custody at
particular risk, and reports of ill-treatment; confidential unless staff publish an item."""

import uuid

from django.db import models
from django.db.models import Q

from cases import choices, partial_dates
from cases.models.history import RegistryHistory
from cases.models.people import Person
from cases.protection.fields import EncryptedTextField


class ParticularRiskQuerySet(models.QuerySet):
    def shown_publicly(self):
        """Items a public page may show: published by staff, of a published person."""
        return self.filter(is_public=True, person__in=Person.objects.published())


class ParticularRisk(models.Model):
    """A condition (serious illness, disability, mental health, pregnancy, both parents in prison)
    or a report of ill-treatment (solitary confinement, denial of medical care, beating), dated as
    far as it is known and sourced. What happened is confidential (encrypted); an item is public
    only when staff decide so, and then shows its kind, its day and `public_text` alone."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="particular_risks")
    kind = models.CharField(max_length=30, choices=choices.ParticularRiskKind.choices)
    date = models.DateField(null=True, blank=True, help_text="Since when, or when it happened")
    date_precision = models.CharField(
        max_length=10, choices=choices.DatePrecision.choices, default=choices.DatePrecision.UNKNOWN
    )
    ended_on = models.DateField(
        null=True, blank=True, help_text="When a condition ended or the person left solitary confinement"
    )
    details = EncryptedTextField(
        blank=True,
        help_text="Confidential, staff only, encrypted: what the family, the lawyer or a witness told",
    )
    is_public = models.BooleanField(
        "public",
        default=False,
        help_text="Show the kind, the day and the public text on the person's public page (decide per "
        "item, with the family's consent)",
    )
    public_text = models.TextField(blank=True, help_text="What the public page says, if the item is public")
    sources = models.ManyToManyField("cases.Source", blank=True, related_name="particular_risks")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ParticularRiskQuerySet.as_manager()
    history = RegistryHistory(m2m_fields=[sources])

    class Meta:
        verbose_name = "particular risk (health, ill-treatment)"
        verbose_name_plural = "particular risks (health, ill-treatment)"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=choices.ParticularRiskKind.values),
                name="particularrisk_kind_valid",
                violation_error_message="Unknown kind of particular risk.",
            ),
            models.CheckConstraint(
                condition=Q(date__isnull=True, date_precision=choices.DatePrecision.UNKNOWN)
                | (Q(date__isnull=False) & ~Q(date_precision=choices.DatePrecision.UNKNOWN)),
                name="particularrisk_date_matches_precision",
                violation_error_message="Give a date with its precision, or neither.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {partial_dates.describe(self.date, self.date_precision)}"

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
        verbose_name = "person at particular risk"
        verbose_name_plural = "people at particular risk"
