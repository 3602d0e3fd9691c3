"""Keeping in touch (issue 19): each contact with a person in custody, and how long a silence may
last before staff are alerted, per jurisdiction."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from cases import choices, partial_dates
from cases.models.checks import ChecksInOneQuery
from cases.models.history import RegistryHistory
from cases.models.law import Jurisdiction, reader_language
from cases.models.partners import Organisation
from cases.models.people import Person
from cases.protection.fields import EncryptedTextField


class PrisonerContact(ChecksInOneQuery, models.Model):
    """One sign of life from a person in custody: a letter from them, a lawyer's or a family visit,
    a call, being seen in court, word through a released cellmate. Dated (partially when that is
    all that is known) and sourced; what was said is confidential.

    Whether a contact is public is not decided here: a person's page says "no news since …" only
    where staff chose to publish the person's silence (Person.silence_public), and then shows the
    day, never the channel, the details or the sources.
    """

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="contact_log"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=choices.ContactChannel.choices)
    date = models.DateField(
        _("date"), help_text=_("With month or year precision, the first day of the period")
    )
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        choices=choices.DatePrecision.choices,
        default=choices.DatePrecision.DAY,
        help_text=_("How much of the date is known"),
    )
    # The last day the contact may have been on: what a silence is counted from (cases.contact.silence).
    latest_day = models.DateField(_("latest day"), editable=False)
    details = EncryptedTextField(
        _("details"),
        blank=True,
        help_text=_(
            "Confidential, staff only, encrypted: what was said or seen (a family's word in "
            "confidence stays here)"
        ),
    )
    sources = models.ManyToManyField(
        "cases.Source", verbose_name=_("sources"), blank=True, related_name="contacts_reported"
    )
    reported_by = models.ForeignKey(
        Organisation,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_reported",
        help_text=_("The partner organisation that reported it through the API (empty: staff)"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = RegistryHistory(m2m_fields=[sources])

    class Meta:
        verbose_name = _("contact with the person")
        verbose_name_plural = _("contacts with people in custody")
        ordering = ["-latest_day", "-date", "-id"]
        indexes = [models.Index(fields=["person", "channel", "-latest_day"], name="contact_person_latest")]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=choices.ContactChannel.values),
                name="contact_channel_valid",
                violation_error_message=_("Unknown way of contact."),
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
                violation_error_message=_("A contact needs its day, its month or at least its year."),
            ),
            models.CheckConstraint(
                condition=Q(latest_day__gte=models.F("date")),
                name="contact_latest_day_not_before_date",
                violation_error_message=_("The contact's last possible day comes after its first."),
            ),
        ]

    def __str__(self):
        day = partial_dates.describe(self.date, self.date_precision, reader_language())
        return f"{self.get_channel_display()}, {day}"

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


class SilenceThreshold(ChecksInOneQuery, models.Model):
    """How many days without contact raise an alert, per jurisdiction and channel (an empty channel:
    any contact at all). Shipped in cases/data/registry/<code>.yaml; staff change them here. A
    jurisdiction with none uses cases.contact.silence.DEFAULT_THRESHOLDS."""

    jurisdiction = models.ForeignKey(
        Jurisdiction,
        verbose_name=_("jurisdiction"),
        on_delete=models.CASCADE,
        related_name="silence_thresholds",
    )
    channel = models.CharField(
        _("channel"),
        max_length=20,
        blank=True,
        choices=choices.ContactChannel.choices,
        help_text=_("Empty: no contact of any kind"),
    )
    days = models.PositiveIntegerField(
        _("days"), help_text=_("Alert when a silence is certainly this many days long")
    )

    history = RegistryHistory()

    class Meta:
        verbose_name = _("silence threshold")
        verbose_name_plural = _("silence thresholds")
        ordering = ["jurisdiction", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "channel"],
                name="silencethreshold_once_per_channel",
                violation_error_message=_("This jurisdiction already has a threshold for this channel."),
            ),
            models.CheckConstraint(
                condition=Q(channel="") | Q(channel__in=choices.ContactChannel.values),
                name="silencethreshold_channel_valid",
                violation_error_message=_("Unknown way of contact."),
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1),
                name="silencethreshold_at_least_a_day",
                violation_error_message=_("A threshold is at least one day."),
            ),
        ]

    def __str__(self):
        what = self.get_channel_display() if self.channel else pgettext("contact channel", "any contact")
        after = ngettext("%(what)s after %(days)d day", "%(what)s after %(days)d days", self.days)
        return f"{self.jurisdiction.code}: " + after % {"what": what, "days": self.days}


class PersonSilence(Person):
    """The staff list of people held, longest silence first (cases.admin.contacts): a view of
    Person, no table of its own."""

    class Meta:
        proxy = True
        verbose_name = _("silence (days without contact)")
        verbose_name_plural = _("silences (days without contact)")


class LetterCount(ChecksInOneQuery, models.Model):
    """How many letters a partner's letter-writing service sent to a person in a period (issue 19,
    point 2): a count only, never the letters nor who wrote them. A new report for the same
    organisation, person and period replaces the count (history keeps the earlier one)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="letter_counts"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="letter_counts"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("The last day of the period, included"))
    letters_sent = models.PositiveIntegerField(_("letters sent"))
    reported_at = models.DateTimeField(_("reported at"), auto_now=True)

    history = RegistryHistory()

    class Meta:
        verbose_name = _("letter count")
        verbose_name_plural = _("letter counts")
        ordering = ["-period_end", "person", "organisation"]
        indexes = [models.Index(fields=["person", "-period_end"], name="lettercount_person_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "person", "period_start", "period_end"],
                name="lettercount_once_per_period",
                violation_error_message=_(
                    "This organisation already reported this person's letters for this period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="lettercount_period_in_order",
                violation_error_message=_("The period ends on or after the day it starts."),
            ),
        ]

    def __str__(self):
        sent = ngettext(
            "%(count)d letter to %(person)s", "%(count)d letters to %(person)s", self.letters_sent
        ) % {"count": self.letters_sent, "person": self.person}
        return f"{sent}, {self.period_start} – {self.period_end}"
