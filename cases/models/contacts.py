"""Keeping in touch (issue 19): each contact with a person in custody, and how long a silence may
last before staff are alerted, per jurisdiction."""

import uuid

from django.db import models
from django.db.models import Q

from cases import choices, partial_dates
from cases.models.history import RegistryHistory
from cases.models.law import Jurisdiction
from cases.models.partners import Organisation
from cases.models.people import Person
from cases.protection.fields import EncryptedTextField


class PrisonerContact(models.Model):
    """One sign of life from a person in custody: a letter from them, a lawyer's or a family visit,
    a call, being seen in court, word through a released cellmate. Dated (partially when that is
    all that is known) and sourced; what was said is confidential.

    Whether a contact is public is not decided here: a person's page says "no news since …" only
    where staff chose to publish the person's silence (Person.silence_public), and then shows the
    day, never the channel, the details or the sources.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_log")
    channel = models.CharField(max_length=20, choices=choices.ContactChannel.choices)
    date = models.DateField(help_text="With month or year precision, the first day of the period")
    date_precision = models.CharField(
        max_length=10,
        choices=choices.DatePrecision.choices,
        default=choices.DatePrecision.DAY,
        help_text="How much of the date is known",
    )
    # The last day the contact may have been on: what a silence is counted from (cases.contact.silence).
    latest_day = models.DateField(editable=False)
    details = EncryptedTextField(
        blank=True,
        help_text="Confidential, staff only, encrypted: what was said or seen (a family's word in "
        "confidence stays here)",
    )
    sources = models.ManyToManyField("cases.Source", blank=True, related_name="contacts_reported")
    reported_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_reported",
        help_text="The partner organisation that reported it through the API (empty: staff)",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = RegistryHistory(m2m_fields=[sources])

    class Meta:
        verbose_name = "contact with the person"
        verbose_name_plural = "contacts with people in custody"
        ordering = ["-latest_day", "-date", "-id"]
        indexes = [models.Index(fields=["person", "channel", "-latest_day"], name="contact_person_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=choices.ContactChannel.values),
                name="contact_channel_valid",
                violation_error_message="Unknown way of contact.",
            ),
            models.CheckConstraint(
                condition=Q(
                    date_precision__in=[
                        choices.DatePrecision.DAY,
                        choices.DatePrecision.MONTH,
                        choices.DatePrecision.YEAR,
                    ]
                ),
                name="contact_date_known_at_least_to_the_year",
                violation_error_message="A contact needs its day, its month or at least its year.",
            ),
            models.CheckConstraint(
                condition=Q(latest_day__gte=models.F("date")),
                name="contact_latest_day_not_before_date",
                violation_error_message="The contact's last possible day comes after its first.",
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}, {partial_dates.describe(self.date, self.date_precision)}"

    def clean(self):
        self._set_range()

    def save(self, *args, **kwargs):
        self._set_range()
        super().save(*args, **kwargs)

    def _set_range(self) -> None:
        """The stored form of the date and its last possible day (a day with no precision is left
        for the constraint to refuse)."""
        if self.date is None:
            return
        bounds = partial_dates.period(self.date, self.date_precision)
        if bounds is not None:
            self.date, self.latest_day = bounds


class SilenceThreshold(models.Model):
    """How many days without contact raise an alert, per jurisdiction and channel (an empty channel:
    any contact at all). Shipped in cases/data/registry/<code>.yaml; staff change them here. A
    jurisdiction with none uses cases.contact.silence.DEFAULT_THRESHOLDS."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="silence_thresholds"
    )
    channel = models.CharField(
        max_length=20,
        blank=True,
        choices=choices.ContactChannel.choices,
        help_text="Empty: no contact of any kind",
    )
    days = models.PositiveIntegerField(help_text="Alert when a silence is certainly this many days long")

    history = RegistryHistory()

    class Meta:
        ordering = ["jurisdiction", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "channel"],
                name="silencethreshold_once_per_channel",
                violation_error_message="This jurisdiction already has a threshold for this channel.",
            ),
            models.CheckConstraint(
                condition=Q(channel="") | Q(channel__in=choices.ContactChannel.values),
                name="silencethreshold_channel_valid",
                violation_error_message="Unknown way of contact.",
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1),
                name="silencethreshold_at_least_a_day",
                violation_error_message="A threshold is at least one day.",
            ),
        ]

    def __str__(self):
        what = self.get_channel_display() if self.channel else "any contact"
        return f"{self.jurisdiction.code}: {what} after {self.days} days"


class PersonSilence(Person):
    """The staff list of people held, longest silence first (cases.admin.contacts): a view of
    Person, no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "silence (days without contact)"
        verbose_name_plural = "silences (days without contact)"


class LetterCount(models.Model):
    """How many letters a partner's letter-writing service sent to a person in a period (issue 19,
    point 2): a count only, never the letters nor who wrote them. A new report for the same
    organisation, person and period replaces the count (history keeps the earlier one)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="letter_counts")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="letter_counts")
    period_start = models.DateField()
    period_end = models.DateField(help_text="The last day of the period, included")
    letters_sent = models.PositiveIntegerField()
    reported_at = models.DateTimeField(auto_now=True)

    history = RegistryHistory()

    class Meta:
        ordering = ["-period_end", "person", "organisation"]
        indexes = [models.Index(fields=["person", "-period_end"], name="lettercount_person_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person", "period_start", "period_end"],
                name="lettercount_once_per_period",
                violation_error_message="This organisation already reported this person's letters for "
                "this period.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="lettercount_period_in_order",
                violation_error_message="The period ends on or after the day it starts.",
            ),
        ]

    def __str__(self):
        return f"{self.letters_sent} letters to {self.person}, {self.period_start} – {self.period_end}"
